/** Timetable pages: a class's weekly template and week, and a teacher's week. */
import type { FieldErrors } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, TextField, type SelectOption } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';
import { dayMonth } from './gradebook.tsx';

export const weekdayNames = {
  ru: ['Понедельник', 'Вторник', 'Среда', 'Четверг', 'Пятница', 'Суббота', 'Воскресенье'],
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
};

export interface WeekItem {
  id: string;
  heldOn: string;
  lessonNumber: number;
  time: string | null;
  label: string;
  note: string;
  cancelled: boolean;
  href: string | null;
}

function WeekTable(props: { caption: string; items: WeekItem[] }) {
  const t = useT();
  if (props.items.length === 0) return <p>{t({ ru: 'На этой неделе уроков нет.', en: 'No lessons this week.' })}</p>;
  return (
    <div class="table-wrap" role="region" aria-label={props.caption} tabindex={0}>
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t({ ru: 'День', en: 'Day' })}</th>
            <th scope="col">{t({ ru: 'Урок', en: 'Lesson' })}</th>
            <th scope="col">{t({ ru: 'Предмет', en: 'Subject' })}</th>
            <th scope="col">{t({ ru: 'Примечание', en: 'Note' })}</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((i) => (
            <tr key={i.id}>
              <td>{dayMonth(i.heldOn)}</td>
              <td>
                {i.lessonNumber}
                {i.time ? ` (${i.time})` : ''}
              </td>
              <td>{i.cancelled ? <s>{i.label}</s> : i.href ? <a href={i.href}>{i.label}</a> : i.label}</td>
              <td>{i.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WeekNav(props: { previous: string; next: string; label: string }) {
  const t = useT();
  return (
    <nav class="pagination" aria-label={t({ ru: 'Недели', en: 'Weeks' })}>
      <a href={props.previous} rel="prev">
        ← {t({ ru: 'Предыдущая неделя', en: 'Previous week' })}
      </a>{' '}
      <span>{props.label}</span>{' '}
      <a href={props.next} rel="next">
        {t({ ru: 'Следующая неделя', en: 'Next week' })} →
      </a>
    </nav>
  );
}

export function TeacherWeekView(props: { weekLabel: string; previous: string; next: string; items: WeekItem[] }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Моё расписание', en: 'My timetable' })}</h1>
      <p>
        <a href="/journal/teaching">{t({ ru: 'Мои классы и предметы', en: 'My classes and subjects' })}</a>
      </p>
      <WeekNav previous={props.previous} next={props.next} label={props.weekLabel} />
      <WeekTable caption={`${t({ ru: 'Уроки недели', en: 'Lessons of the week' })} ${props.weekLabel}`} items={props.items} />
    </>
  );
}

export interface ClassTimetableProps {
  title: string;
  classId: string;
  slots: Array<{ id: string; weekday: number; lessonNumber: number; label: string; valid: string }>;
  editable: boolean;
  assignments: SelectOption[];
  weekDays: 5 | 6;
  terms: SelectOption[];
  values: Record<string, string>;
  errors: FieldErrors;
  notice: string | null;
  week: { label: string; previous: string; next: string; items: WeekItem[] };
  gradebooks: Array<{ label: string; href: string }>;
}

export function ClassTimetableView(props: ClassTimetableProps) {
  const t = useT();
  const days = weekdayNames.ru.slice(0, props.weekDays).map((_, i) => ({ value: String(i + 1), label: t({ ru: weekdayNames.ru[i]!, en: weekdayNames.en[i]! }) }));
  const base = `/journal/classes/${props.classId}/timetable`;
  return (
    <>
      <h1>{props.title}</h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <h2>{t({ ru: 'Неделя', en: 'Week' })}</h2>
      <WeekNav previous={props.week.previous} next={props.week.next} label={props.week.label} />
      <WeekTable caption={`${t({ ru: 'Уроки недели', en: 'Lessons of the week' })} ${props.week.label}`} items={props.week.items} />
      {props.gradebooks.length > 0 && (
        <>
          <h2>{t({ ru: 'Журналы предметов', en: 'Subject gradebooks' })}</h2>
          <ul>
            {props.gradebooks.map((g) => (
              <li key={g.href}>
                <a href={g.href}>{g.label}</a>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t({ ru: 'Шаблон расписания', en: 'Weekly template' })}</h2>
      {props.slots.length === 0 ? (
        <p>{t({ ru: 'Шаблон пуст.', en: 'The template is empty.' })}</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={t({ ru: 'Шаблон расписания', en: 'Weekly template' })} tabindex={0}>
          <table>
            <caption>{t({ ru: 'Шаблон расписания', en: 'Weekly template' })}</caption>
            <thead>
              <tr>
                <th scope="col">{t({ ru: 'День', en: 'Day' })}</th>
                <th scope="col">{t({ ru: 'Урок', en: 'Lesson' })}</th>
                <th scope="col">{t({ ru: 'Предмет и учитель', en: 'Subject and teacher' })}</th>
                <th scope="col">{t({ ru: 'Действует', en: 'Valid' })}</th>
                {props.editable && <th scope="col">{t({ ru: 'Действие', en: 'Action' })}</th>}
              </tr>
            </thead>
            <tbody>
              {props.slots.map((s) => (
                <tr key={s.id}>
                  <td>{t({ ru: weekdayNames.ru[s.weekday - 1]!, en: weekdayNames.en[s.weekday - 1]! })}</td>
                  <td>{s.lessonNumber}</td>
                  <td>{s.label}</td>
                  <td>{s.valid}</td>
                  {props.editable && (
                    <td>
                      <Form action={`${base}/slots/${s.id}/delete`} class="inline-form">
                        <button type="submit" class="link-button">
                          {t({ ru: 'Убрать', en: 'Remove' })}
                          <span class="visually-hidden">{`: ${s.label}, ${s.lessonNumber}`}</span>
                        </button>
                      </Form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.editable && (
        <>
          <h2>{t({ ru: 'Добавить урок в шаблон', en: 'Add a lesson to the template' })}</h2>
          <ErrorSummary errors={props.errors} labels={{ assignmentId: { ru: 'Предмет', en: 'Subject' }, weekday: { ru: 'День недели', en: 'Weekday' }, lessonNumber: { ru: 'Номер урока', en: 'Lesson number' }, validFrom: { ru: 'Действует с', en: 'Valid from' }, validTo: { ru: 'Действует по', en: 'Valid to' } }} />
          <Form action={`${base}/slots`} aria-label={t({ ru: 'Добавить урок в шаблон', en: 'Add a lesson to the template' })}>
            <SelectField name="assignmentId" label={{ ru: 'Предмет', en: 'Subject' }} options={props.assignments} value={props.values.assignmentId} error={props.errors.assignmentId} />
            <SelectField name="weekday" label={{ ru: 'День недели', en: 'Weekday' }} options={days} value={props.values.weekday} error={props.errors.weekday} />
            <TextField name="lessonNumber" label={{ ru: 'Номер урока', en: 'Lesson number' }} inputmode="numeric" value={props.values.lessonNumber} error={props.errors.lessonNumber} />
            <TextField name="validFrom" type="date" label={{ ru: 'Действует с (необязательно)', en: 'Valid from (optional)' }} value={props.values.validFrom} error={props.errors.validFrom} />
            <TextField name="validTo" type="date" label={{ ru: 'Действует по (необязательно)', en: 'Valid to (optional)' }} value={props.values.validTo} error={props.errors.validTo} />
            <Button kind="secondary">{t({ ru: 'Добавить', en: 'Add' })}</Button>
          </Form>
          <h2>{t({ ru: 'Уроки периода', en: 'Lessons of a term' })}</h2>
          <p class="hint">
            {t({
              ru: 'Уроки создаются по шаблону на рабочие дни периода без праздников и каникул. Повторное создание добавит недостающие и уберёт лишние пустые уроки; заполненные уроки не удаляются.',
              en: 'Lessons are made from the template on the working days of the term, without public and school holidays. Running it again adds what is missing and removes empty lessons no longer in the template; filled lessons are never removed.',
            })}
          </p>
          <Form action={`${base}/generate`} aria-label={t({ ru: 'Создать уроки периода', en: 'Generate the lessons of a term' })}>
            <SelectField name="termId" label={{ ru: 'Период', en: 'Term' }} options={props.terms} value={props.values.termId} />
            <Button>{t({ ru: 'Создать уроки', en: 'Generate lessons' })}</Button>
          </Form>
        </>
      )}
    </>
  );
}

/**
 * A teacher's own list of past lessons still lacking a topic, attendance or marks, each linking
 * to the lesson's form (and the gradebook), with counts at the top and filters by class, subject
 * and what is missing. Works without JavaScript (a GET form, keyset pages).
 */
import type { Message } from '../../platform/i18n/i18n.ts';
import { Button, Form, Notice, Pagination, SelectField, Table, type SelectOption } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';
import type { GapKind } from '../completeness.service.ts';

export const gapKindNames: Record<GapKind, Message> = {
  incomplete: { ru: 'Тема или посещаемость', en: 'Topic or attendance' },
  topic: { ru: 'Тема урока', en: 'Lesson topic' },
  attendance: { ru: 'Отметка посещаемости', en: 'Attendance' },
  marks: { ru: 'Отметки', en: 'Marks' },
};

export interface MissingLessonRow {
  id: string;
  date: string;
  lessonNumber: number;
  classLabel: string;
  subject: string;
  missing: string[];
  overdue: boolean;
  lessonHref: string;
  gradebookHref: string | null;
}

export interface MissingLessonsProps {
  lateAfterDays: number;
  counts: { incomplete: number; overdue: number; noTopic: number; noAttendance: number; noMarks: number };
  filters: { classId: string; subjectCode: string; gap: GapKind; period: 'past' | 'overdue' };
  classes: SelectOption[];
  subjects: SelectOption[];
  rows: MissingLessonRow[];
  nextHref: string | null;
  firstHref: string | null;
}

export function MissingLessonsView(props: MissingLessonsProps) {
  const t = useT();
  const c = props.counts;
  const days = { days: String(props.lateAfterDays) };
  const filtered = props.filters.classId !== '' || props.filters.subjectCode !== '' || props.filters.gap !== 'incomplete' || props.filters.period !== 'past';
  return (
    <>
      <h1>{t({ ru: 'Что не заполнено в журнале', en: 'What is missing in the journal' })}</h1>
      <p>
        <a href="/journal/teaching">{t({ ru: 'Мои классы и предметы', en: 'My classes and subjects' })}</a>
      </p>
      <p class="hint">
        {t(
          {
            ru: 'Прошедшие уроки ваших классов и ваших замен. Незаполненный урок — без темы или без отметки посещаемости; урок старше {days} дн. считается просроченным (так же его считает отчёт о полноте заполнения журнала). Отметки ставятся не на каждом уроке: уроки без отметок показываются по отдельному фильтру.',
            en: 'Past lessons of your classes and of your substitutions. An unfilled lesson has no topic or no attendance taken; a lesson older than {days} days is overdue (as the journal completeness report counts it). Marks are not due at every lesson: lessons without marks have their own filter.',
          },
          days,
        )}
      </p>
      <section aria-labelledby="missing-counts-title">
        <h2 id="missing-counts-title" class="visually-hidden">{t({ ru: 'Итоги', en: 'Totals' })}</h2>
        <ul class="inline-list" id="missing-counts">
          <li>
            <strong>{t({ ru: 'Незаполненных уроков: {n}', en: 'Unfilled lessons: {n}' }, { n: String(c.incomplete) })}</strong>
          </li>
          <li>{t({ ru: 'из них просрочено: {n}', en: 'of them overdue: {n}' }, { n: String(c.overdue) })}</li>
          <li>{t({ ru: 'без темы: {n}', en: 'without a topic: {n}' }, { n: String(c.noTopic) })}</li>
          <li>{t({ ru: 'без посещаемости: {n}', en: 'without attendance: {n}' }, { n: String(c.noAttendance) })}</li>
          <li>{t({ ru: 'без отметок: {n}', en: 'without marks: {n}' }, { n: String(c.noMarks) })}</li>
        </ul>
      </section>
      <Form action="/journal/teaching/missing" method="get" class="filters" aria-label={t({ ru: 'Фильтр', en: 'Filter' })}>
        <SelectField name="class" label={{ ru: 'Класс', en: 'Class' }} options={props.classes} value={props.filters.classId} emptyLabel={{ ru: 'Все классы', en: 'All classes' }} />
        <SelectField name="subject" label={{ ru: 'Предмет', en: 'Subject' }} options={props.subjects} value={props.filters.subjectCode} emptyLabel={{ ru: 'Все предметы', en: 'All subjects' }} />
        <SelectField
          name="missing"
          label={{ ru: 'Чего не хватает', en: 'What is missing' }}
          options={(Object.keys(gapKindNames) as GapKind[]).map((k) => ({ value: k, label: t(gapKindNames[k]) }))}
          value={props.filters.gap}
        />
        <SelectField
          name="period"
          label={{ ru: 'Уроки', en: 'Lessons' }}
          options={[
            { value: 'past', label: t({ ru: 'Все прошедшие', en: 'All past' }) },
            { value: 'overdue', label: t({ ru: 'Только просроченные (старше {days} дн.)', en: 'Only overdue (older than {days} days)' }, days) },
          ]}
          value={props.filters.period}
        />
        <Button kind="secondary">{t({ ru: 'Показать', en: 'Show' })}</Button>
      </Form>
      {props.rows.length === 0 ? (
        <Notice kind="success">
          <p>
            <strong>{t({ ru: 'Всё заполнено', en: 'Everything is filled in' })}</strong>
            {filtered ? ` — ${t({ ru: 'по выбранному фильтру уроков нет.', en: 'no lessons match the filter.' })}` : ` — ${t({ ru: 'у всех прошедших уроков есть тема и посещаемость.', en: 'every past lesson has its topic and attendance.' })}`}
          </p>
        </Notice>
      ) : (
        <Table
          caption={t({ ru: 'Незаполненные уроки', en: 'Unfilled lessons' })}
          captionHidden
          headers={[t({ ru: 'Дата', en: 'Date' }), t({ ru: 'Урок', en: 'Lesson' }), t({ ru: 'Класс', en: 'Class' }), t({ ru: 'Предмет', en: 'Subject' }), t({ ru: 'Не хватает', en: 'Missing' }), t({ ru: 'Действия', en: 'Actions' })]}
        >
          {props.rows.map((r) => (
            <tr key={r.id} data-lesson={r.id}>
              <td>
                {r.date}
                {r.overdue && <span class="notification__badge"> {t({ ru: 'просрочен', en: 'overdue' })}</span>}
              </td>
              <td>{r.lessonNumber}</td>
              <td>{r.classLabel}</td>
              <td>{r.subject}</td>
              <td>{r.missing.join(', ')}</td>
              <td>
                <a href={r.lessonHref}>
                  {t({ ru: 'Заполнить урок', en: 'Fill in the lesson' })}
                  <span class="visually-hidden">{` ${r.date}, ${r.classLabel}, ${r.subject}, ${t({ ru: 'урок', en: 'lesson' })} ${r.lessonNumber}`}</span>
                </a>
                {r.gradebookHref && (
                  <>
                    {' · '}
                    <a href={r.gradebookHref}>
                      {t({ ru: 'журнал класса', en: 'class gradebook' })}
                      <span class="visually-hidden">{` ${r.classLabel}, ${r.subject}`}</span>
                    </a>
                  </>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination previousHref={props.firstHref} nextHref={props.nextHref} />
    </>
  );
}

/** The school year pages: the school's years, a new year, and a year's calendar (terms, holidays, bells). */
import type { FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, Table, TextField, type SelectOption } from '../../web/components.tsx';
import { hasRole } from '../../platform/access/access.ts';
import { usePage, useT } from '../../web/page-context.ts';
import { termKindNames, termName, type TermKind } from '../school-year.service.ts';

export interface YearListRow {
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
  termKind: TermKind;
  weekDays: number;
  status: string;
}

/** The journal links of one year, shared by the year pages. */
export function YearNav(props: { yearId: string; current: 'calendar' | 'classes' | 'curriculum' | 'assignments' }) {
  const t = useT();
  const links: Array<[typeof props.current, string, Message]> = [
    ['calendar', `/journal/years/${props.yearId}`, { ru: 'Календарь', en: 'Calendar' }],
    ['classes', `/journal/years/${props.yearId}/classes`, { ru: 'Классы', en: 'Classes' }],
    ['curriculum', `/journal/years/${props.yearId}/curriculum`, { ru: 'Учебный план', en: 'Curriculum' }],
    ['assignments', `/journal/years/${props.yearId}/assignments`, { ru: 'Нагрузка учителей', en: 'Teaching load' }],
  ];
  return (
    <nav aria-label={t({ ru: 'Разделы учебного года', en: 'Parts of the year' })} class="subnav">
      <ul class="inline-list">
        {links.map(([key, href, label]) => (
          <li key={key}>
            <a href={href} aria-current={key === props.current ? 'page' : undefined}>
              {t(label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function SchoolChooserView(props: { schools: SelectOption[]; municipalities?: SelectOption[]; municipalityId?: string }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Учебный год и контингент', en: 'School year and pupils' })}</h1>
      <ul class="inline-list">
        <li>
          <a href="/journal/subjects">{t({ ru: 'Учебные предметы', en: 'School subjects' })}</a>
        </li>
        <li>
          <a href="/journal/work-kinds">{t({ ru: 'Виды работ и веса отметок', en: 'Kinds of work and mark weights' })}</a>
        </li>
        <li>
          <a href="/journal/calendar-defaults">{t({ ru: 'График учебного года края', en: 'The Krai’s school calendar' })}</a>
        </li>
        {hasRole(usePage().actor, 'municipalOperator', 'regionalAdmin') && (
          <li>
            <a href="/registry/merge">{t({ ru: 'Объединение дублей записей', en: 'Merge duplicate records' })}</a>
          </li>
        )}
      </ul>
      {props.municipalities && (
        <Form action="/journal/school" method="get" aria-label={t({ ru: 'Муниципалитет', en: 'Municipality' })}>
          <SelectField name="municipalityId" label={{ ru: 'Муниципальное образование', en: 'Municipality' }} options={props.municipalities} value={props.municipalityId} emptyLabel={{ ru: '— выберите —', en: '— choose —' }} />
          <Button kind="secondary">{t({ ru: 'Показать школы', en: 'Show schools' })}</Button>
        </Form>
      )}
      {props.schools.length === 0 ? (
        <p>{t({ ru: 'Нет школ для показа.', en: 'No schools to show.' })}</p>
      ) : (
        <ul>
          {props.schools.map((s) => (
            <li key={s.value}>
              <a href={`/journal/school?organizationId=${s.value}`}>{s.label}</a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function YearListView(props: {
  schoolName: string;
  organizationId: string;
  years: YearListRow[];
  canEdit: boolean;
  values: { startsYear: string; weekDays: string; termKind: string };
  errors: FieldErrors;
  notice: string | null;
}) {
  const t = useT();
  const kinds: SelectOption[] = (Object.keys(termKindNames) as TermKind[]).map((k) => ({ value: k, label: t(termKindNames[k]) }));
  return (
    <>
      <h1>{t({ ru: 'Учебные годы', en: 'Academic years' })}</h1>
      <p>{props.schoolName}</p>
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      {props.years.length === 0 ? (
        <p>{t({ ru: 'Учебных годов ещё нет.', en: 'No academic years yet.' })}</p>
      ) : (
        <Table caption={t({ ru: 'Учебные годы школы', en: 'The school’s academic years' })} headers={[t({ ru: 'Год', en: 'Year' }), t({ ru: 'Даты', en: 'Dates' }), t({ ru: 'Периоды', en: 'Terms' }), t({ ru: 'Неделя', en: 'Week' }), t({ ru: 'Состояние', en: 'Status' })]}>
          {props.years.map((y) => (
            <tr key={y.id}>
              <td>
                <a href={`/journal/years/${y.id}`}>{y.name}</a>
              </td>
              <td>
                {y.startsOn} — {y.endsOn}
              </td>
              <td>{t(termKindNames[y.termKind])}</td>
              <td>{t({ ru: '{n}-дневная', en: '{n}-day' }, { n: y.weekDays })}</td>
              <td>{y.status === 'open' ? t({ ru: 'открыт', en: 'open' }) : t({ ru: 'закрыт', en: 'closed' })}</td>
            </tr>
          ))}
        </Table>
      )}
      {props.canEdit && (
        <>
          <h2>{t({ ru: 'Новый учебный год', en: 'New academic year' })}</h2>
          <p>{t({ ru: 'Календарь заполнится по графику края (четверти и каникулы), звонки — по умолчанию; всё можно изменить.', en: 'The calendar is filled from the Krai’s schedule (quarters and holidays) and default bells; all can be changed.' })}</p>
          <ErrorSummary errors={props.errors} labels={{ startsYear: { ru: 'Год начала', en: 'Starting year' } }} />
          <Form action="/journal/school/years" aria-label={t({ ru: 'Новый учебный год', en: 'New academic year' })}>
            <input type="hidden" name="organizationId" value={props.organizationId} />
            <TextField name="startsYear" label={{ ru: 'Год начала (сентябрь)', en: 'Starting year (September)' }} value={props.values.startsYear} error={props.errors['startsYear']} inputmode="numeric" maxlength={4} required />
            <SelectField name="termKind" label={{ ru: 'Учебные периоды', en: 'Terms' }} options={kinds} value={props.values.termKind} />
            <SelectField name="weekDays" label={{ ru: 'Учебная неделя', en: 'School week' }} options={[{ value: '5', label: t({ ru: 'пятидневная', en: 'five days' }) }, { value: '6', label: t({ ru: 'шестидневная', en: 'six days' }) }]} value={props.values.weekDays} />
            <Button>{t({ ru: 'Создать год', en: 'Create the year' })}</Button>
          </Form>
        </>
      )}
    </>
  );
}

export interface CalendarValues {
  startsOn: string;
  endsOn: string;
  weekDays: string;
  termKind: string;
  terms: Array<{ startsOn: string; endsOn: string }>;
  holidays: Array<{ name: string; startsOn: string; endsOn: string }>;
  bells: Array<{ lessonNumber: string; startsAt: string; endsAt: string }>;
}

const calendarLabels: Record<string, Message> = {
  startsOn: { ru: 'Начало года', en: 'Year starts' },
  endsOn: { ru: 'Конец года', en: 'Year ends' },
  terms: { ru: 'Учебные периоды', en: 'Terms' },
  bells: { ru: 'Звонки', en: 'Bells' },
  version: { ru: 'Форма', en: 'Form' },
};

export function YearCalendarView(props: {
  yearId: string;
  yearName: string;
  schoolName: string;
  organizationId: string;
  version: number;
  closed: boolean;
  canEdit: boolean;
  values: CalendarValues;
  errors: FieldErrors;
  conflict?: boolean;
  notice: string | null;
  schoolDays: number | null;
}) {
  const t = useT();
  const v = props.values;
  const kind = v.termKind as TermKind;
  const editable = props.canEdit && !props.closed;
  const kinds: SelectOption[] = (Object.keys(termKindNames) as TermKind[]).map((k) => ({ value: k, label: t(termKindNames[k]) }));
  // Three empty rows to add holidays without JavaScript.
  const holidays = editable ? [...v.holidays, ...Array.from({ length: 3 }, () => ({ name: '', startsOn: '', endsOn: '' }))] : v.holidays;
  const bells = editable ? [...v.bells, ...Array.from({ length: Math.max(0, 9 - v.bells.length) }, (_, i) => ({ lessonNumber: String(v.bells.length + i + 1), startsAt: '', endsAt: '' }))] : v.bells;
  return (
    <>
      <p>
        <a href={`/journal/school?organizationId=${props.organizationId}`}>← {t({ ru: 'Учебные годы', en: 'Academic years' })}</a>
      </p>
      <h1>{t({ ru: 'Учебный год {name}', en: 'Academic year {name}' }, { name: props.yearName })}</h1>
      <p>{props.schoolName}</p>
      <YearNav yearId={props.yearId} current="calendar" />
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      {props.closed && (
        <Notice>
          <p>{t({ ru: 'Год закрыт: календарь не меняется.', en: 'The year is closed: the calendar cannot change.' })}</p>
        </Notice>
      )}
      {props.conflict && (
        <div class="error-summary" role="alert">
          <h2>{t({ ru: 'Изменения не сохранены', en: 'Changes not saved' })}</h2>
          <p>{t({ ru: 'Календарь только что изменил кто-то другой. Ниже — ваши данные; сохраните ещё раз.', en: 'Someone else has just changed the calendar. Your input is below; save again.' })}</p>
        </div>
      )}
      {props.schoolDays !== null && <p>{t({ ru: 'Учебных дней по календарю: {n}', en: 'School days by the calendar: {n}' }, { n: props.schoolDays })}</p>}
      <ErrorSummary errors={props.errors} labels={calendarLabels} />
      <Form action={`/journal/years/${props.yearId}/calendar`} aria-label={t({ ru: 'Календарный учебный график', en: 'School calendar' })}>
        <input type="hidden" name="version" value={String(props.version)} />
        <fieldset disabled={!editable}>
          <legend>{t({ ru: 'Год', en: 'Year' })}</legend>
          <TextField name="startsOn" type="date" label={calendarLabels['startsOn']!} value={v.startsOn} error={props.errors['startsOn']} required />
          <TextField name="endsOn" type="date" label={calendarLabels['endsOn']!} value={v.endsOn} error={props.errors['endsOn']} required />
          <SelectField name="termKind" label={{ ru: 'Учебные периоды', en: 'Terms' }} options={kinds} value={v.termKind} error={props.errors['terms']} />
          <SelectField name="weekDays" label={{ ru: 'Учебная неделя', en: 'School week' }} options={[{ value: '5', label: t({ ru: 'пятидневная', en: 'five days' }) }, { value: '6', label: t({ ru: 'шестидневная', en: 'six days' }) }]} value={v.weekDays} />
        </fieldset>
        <fieldset disabled={!editable}>
          <legend>{t({ ru: 'Учебные периоды', en: 'Terms' })}</legend>
          <p class="hint">{t({ ru: 'Для триместров заполните три строки, для полугодий — две; лишние оставьте пустыми.', en: 'For trimesters fill three rows, for half-years two; leave the rest empty.' })}</p>
          {[0, 1, 2, 3].map((i) => (
            <div class="field-row" key={i}>
              <TextField name={`terms.${i + 1}.startsOn`} type="date" label={{ ru: `${t(termName(kind in termKindNames ? kind : 'quarter', i + 1))}: начало`, en: `${t(termName(kind in termKindNames ? kind : 'quarter', i + 1))}: start` }} value={v.terms[i]?.startsOn} error={props.errors[`terms.${i + 1}.startsOn`]} />
              <TextField name={`terms.${i + 1}.endsOn`} type="date" label={{ ru: 'конец', en: 'end' }} value={v.terms[i]?.endsOn} error={props.errors[`terms.${i + 1}.endsOn`]} />
            </div>
          ))}
        </fieldset>
        <fieldset disabled={!editable}>
          <legend>{t({ ru: 'Каникулы', en: 'Holidays' })}</legend>
          <p class="hint">{t({ ru: 'Чтобы удалить каникулы, очистите строку.', en: 'To remove holidays, clear the row.' })}</p>
          {holidays.map((h, i) => (
            <div class="field-row" key={i}>
              <TextField name={`holidays.${i}.name`} label={{ ru: 'Название', en: 'Name' }} value={h.name} error={props.errors[`holidays.${i}.name`]} maxlength={200} />
              <TextField name={`holidays.${i}.startsOn`} type="date" label={{ ru: 'с', en: 'from' }} value={h.startsOn} error={props.errors[`holidays.${i}.startsOn`]} />
              <TextField name={`holidays.${i}.endsOn`} type="date" label={{ ru: 'по', en: 'to' }} value={h.endsOn} error={props.errors[`holidays.${i}.endsOn`]} />
            </div>
          ))}
        </fieldset>
        {editable && <Button>{t({ ru: 'Сохранить календарь', en: 'Save the calendar' })}</Button>}
      </Form>
      <h2>{t({ ru: 'Расписание звонков', en: 'Bell schedule' })}</h2>
      <Form action={`/journal/years/${props.yearId}/bells`} aria-label={t({ ru: 'Расписание звонков', en: 'Bell schedule' })}>
        <fieldset disabled={!editable}>
          <legend>{t({ ru: 'Уроки', en: 'Lessons' })}</legend>
          <p class="hint">{t({ ru: 'Время ЧЧ:ММ. Пустые строки не сохраняются.', en: 'Times as HH:MM. Empty rows are not saved.' })}</p>
          {bells.map((b, i) => (
            <div class="field-row" key={i}>
              <input type="hidden" name={`bells.${i}.lessonNumber`} value={b.lessonNumber} />
              <TextField name={`bells.${i}.startsAt`} label={{ ru: `Урок ${b.lessonNumber}: начало`, en: `Lesson ${b.lessonNumber}: start` }} value={b.startsAt} error={props.errors[`bells.${b.lessonNumber}.startsAt`]} maxlength={5} />
              <TextField name={`bells.${i}.endsAt`} label={{ ru: 'конец', en: 'end' }} value={b.endsAt} error={props.errors[`bells.${b.lessonNumber}.endsAt`]} maxlength={5} />
            </div>
          ))}
        </fieldset>
        {editable && <Button>{t({ ru: 'Сохранить звонки', en: 'Save the bells' })}</Button>}
      </Form>
    </>
  );
}

export function CalendarDefaultsView(props: {
  startsYear: number;
  values: { terms: Array<{ startsOn: string; endsOn: string }>; holidays: Array<{ name: string; startsOn: string; endsOn: string }> };
  canEdit: boolean;
  errors: FieldErrors;
  notice: string | null;
}) {
  const t = useT();
  const holidays = props.canEdit ? [...props.values.holidays, ...Array.from({ length: 2 }, () => ({ name: '', startsOn: '', endsOn: '' }))] : props.values.holidays;
  return (
    <>
      <h1>{t({ ru: 'График учебного года края {year}', en: 'The Krai’s school calendar {year}' }, { year: `${props.startsYear}/${props.startsYear + 1}` })}</h1>
      <p>{t({ ru: 'Четверти и каникулы, с которыми школы создают новый учебный год. Школа меняет свой календарь сама.', en: 'The quarters and holidays schools start a new year with. Each school then edits its own calendar.' })}</p>
      <Form action="/journal/calendar-defaults" method="get" aria-label={t({ ru: 'Год', en: 'Year' })}>
        <TextField name="year" label={{ ru: 'Год начала', en: 'Starting year' }} value={String(props.startsYear)} inputmode="numeric" maxlength={4} />
        <Button kind="secondary">{t({ ru: 'Показать', en: 'Show' })}</Button>
      </Form>
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      <ErrorSummary errors={props.errors} labels={{ terms: { ru: 'Четверти', en: 'Quarters' }, startsYear: { ru: 'Год', en: 'Year' } }} />
      <Form action="/journal/calendar-defaults" aria-label={t({ ru: 'График края', en: 'The Krai’s calendar' })}>
        <input type="hidden" name="startsYear" value={String(props.startsYear)} />
        <fieldset disabled={!props.canEdit}>
          <legend>{t({ ru: 'Четверти', en: 'Quarters' })}</legend>
          {[0, 1, 2, 3].map((i) => (
            <div class="field-row" key={i}>
              <TextField name={`terms.${i + 1}.startsOn`} type="date" label={{ ru: `${i + 1} четверть: начало`, en: `Quarter ${i + 1}: start` }} value={props.values.terms[i]?.startsOn} error={props.errors[`terms.${i + 1}.startsOn`]} />
              <TextField name={`terms.${i + 1}.endsOn`} type="date" label={{ ru: 'конец', en: 'end' }} value={props.values.terms[i]?.endsOn} error={props.errors[`terms.${i + 1}.endsOn`]} />
            </div>
          ))}
        </fieldset>
        <fieldset disabled={!props.canEdit}>
          <legend>{t({ ru: 'Каникулы', en: 'Holidays' })}</legend>
          {holidays.map((h, i) => (
            <div class="field-row" key={i}>
              <TextField name={`holidays.${i}.name`} label={{ ru: 'Название', en: 'Name' }} value={h.name} error={props.errors[`holidays.${i}.name`]} maxlength={200} />
              <TextField name={`holidays.${i}.startsOn`} type="date" label={{ ru: 'с', en: 'from' }} value={h.startsOn} error={props.errors[`holidays.${i}.startsOn`]} />
              <TextField name={`holidays.${i}.endsOn`} type="date" label={{ ru: 'по', en: 'to' }} value={h.endsOn} error={props.errors[`holidays.${i}.endsOn`]} />
            </div>
          ))}
        </fieldset>
        {props.canEdit && <Button>{t({ ru: 'Сохранить график края', en: 'Save the Krai’s calendar' })}</Button>}
      </Form>
    </>
  );
}

/**
 * The head's page of corrections to a closed year's journal: choose the class, the subject, the
 * pupil and the lesson (or term, year), see the value stored, enter the new one with the reason;
 * below, the year's corrections. Plain forms: each step is a GET form, the correction a POST.
 */
import type { FieldErrors } from '../../platform/errors.ts';
import { formatDate, formatDateTime, type Message } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, Pagination, SelectField, SummaryList, Table, TextField, type SelectOption } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';
import type { YearFacts } from '../archive.service.ts';
import type { CorrectionListItem } from '../correction.service.ts';
import { attendanceCodes, type AttendanceCode } from '../lesson.schema.ts';
import { attendanceNames } from './gradebook.tsx';

/** The choices made so far and the input posted (kept on an error). */
export interface CorrectionFormState {
  classId: string;
  assignmentId: string;
  pupilId: string;
  /** 'lesson:<id>', 'term:<id>' or 'year'. */
  target: string;
  kind: string;
  value: string;
  code: string;
  reason: string;
}

export interface CorrectionsViewProps {
  year: YearFacts;
  action: string;
  classes: SelectOption[];
  assignments: SelectOption[] | null;
  pupils: SelectOption[] | null;
  lessons: SelectOption[] | null;
  periods: SelectOption[] | null;
  form: CorrectionFormState;
  /** What is stored for the chosen pupil and target (null until both are chosen). */
  current: { mark: number | null; attendance: AttendanceCode | null } | { final: number | null } | null;
  allowMarkOne: boolean;
  errors: FieldErrors;
  notice: string | null;
  stale: Array<{ className: string; corrections: number }>;
  list: CorrectionListItem[];
  firstHref: string | null;
  nextHref: string | null;
}

const labels: Record<string, Message> = {
  classId: { ru: 'Класс', en: 'Class' },
  assignmentId: { ru: 'Предмет', en: 'Subject' },
  pupilId: { ru: 'Ученик', en: 'Pupil' },
  target: { ru: 'Урок или период', en: 'Lesson or period' },
  kind: { ru: 'Что исправить', en: 'What to correct' },
  value: { ru: 'Новая отметка', en: 'New mark' },
  code: { ru: 'Новая отметка посещаемости', en: 'New attendance' },
  reason: { ru: 'Причина исправления', en: 'Reason for the correction' },
};

function Hidden(props: { form: CorrectionFormState; fields: Array<'classId' | 'assignmentId' | 'pupilId' | 'target'> }) {
  return (
    <>
      {props.fields.map((f) => (
        <input key={f} type="hidden" name={f} value={props.form[f]} />
      ))}
    </>
  );
}

function Group(props: { label: string; options: SelectOption[]; selected: string }) {
  return (
    <optgroup label={props.label}>
      {props.options.map((o) => (
        <option key={o.value} value={o.value} selected={o.value === props.selected}>
          {o.label}
        </option>
      ))}
    </optgroup>
  );
}

/** A value as the list and the summary show it: a mark, an attendance code, or a dash. */
export function shownValue(value: Record<string, unknown> | null, t: (m: Message) => string): string {
  if (!value) return '—';
  if (typeof value.code === 'string') return attendanceNames[value.code as AttendanceCode] ? t(attendanceNames[value.code as AttendanceCode]) : value.code;
  return value.value === undefined || value.value === null ? '—' : String(value.value);
}

function whatOf(item: CorrectionListItem, t: (m: Message) => string, locale: 'ru' | 'en'): string {
  const where = `${item.className}, ${item.subjectName}, ${item.pupilName}`;
  if (item.entity === 'final') {
    return `${where}: ${item.termNumber === null ? t({ ru: 'итоговая за год', en: 'year final' }) : t({ ru: `итоговая за ${item.termNumber} период`, en: `final for term ${item.termNumber}` })}`;
  }
  const lesson = item.lesson ? ` ${formatDate(locale, item.lesson.heldOn)}, ${t({ ru: `${item.lesson.number}-й урок`, en: `lesson ${item.lesson.number}` })}` : '';
  return `${where}: ${item.entity === 'mark' ? t({ ru: 'отметка за урок', en: 'mark' }) : t({ ru: 'посещаемость', en: 'attendance' })}${lesson}`;
}

export function CorrectionsView(props: CorrectionsViewProps) {
  const t = useT();
  const { locale } = usePage();
  const f = props.form;
  const marks = props.allowMarkOne ? ['1', '2', '3', '4', '5'] : ['2', '3', '4', '5'];
  const markOptions = [{ value: '', label: t({ ru: '— нет отметки (снять)', en: '— no mark (remove)' }) }, ...marks.map((m) => ({ value: m, label: m }))];
  const codeOptions = [{ value: '', label: t({ ru: '— присутствовал(а) (снять)', en: '— present (remove)' }) }, ...attendanceCodes.map((c) => ({ value: c, label: t(attendanceNames[c]) }))];
  const isLesson = f.target.startsWith('lesson:');
  return (
    <>
      <h1>{t({ ru: `Исправления журнала ${props.year.name}`, en: `Corrections of the ${props.year.name} journal` })}</h1>
      <p>
        <a href="/journal/archive">{t({ ru: '← К архиву журналов', en: '← Back to the journal archive' })}</a>
      </p>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <p class="hint">
        {t({
          ru: 'Учебный год закрыт: журнал изменить нельзя. Руководитель школы исправляет отдельную отметку, посещаемость или итоговую отметку с указанием причины; каждое исправление сохраняется с прежним и новым значением и записывается в журнал аудита.',
          en: 'The year is closed: its journal cannot change. The head of the school corrects one mark, attendance or final with a reason; each correction keeps the value before and after and is written to the audit log.',
        })}
      </p>
      {props.stale.length > 0 && (
        <div class="notice notice--info" role="status">
          <p>
            {t({
              ru: 'PDF журналов этих классов сформированы до исправлений и больше не совпадают с журналом (их SHA-256 относится к прежней версии):',
              en: 'The PDFs of these classes were made before corrections and no longer match the journal (their SHA-256 is of the earlier version):',
            })}{' '}
            {props.stale.map((s) => `${s.className} (${s.corrections})`).join(', ')}.
          </p>
          <p>
            {t({
              ru: 'Их можно сформировать заново по журналу с исправлениями: SHA-256 и размер прежних файлов сохранятся в журнале аудита, чтобы выданные ранее копии можно было проверить. Исправления перечислены ниже.',
              en: 'They can be made again from the corrected journal: the earlier files’ SHA-256 and size are kept in the audit log, so copies handed out before can still be checked. The corrections are listed below.',
            })}
          </p>
          <Form action={`${props.action}/reissue`} aria-label={t({ ru: 'Сформировать PDF заново', en: 'Make the PDFs again' })}>
            <Button kind="secondary">{t({ ru: 'Сформировать PDF заново', en: 'Make the PDFs again' })}</Button>
          </Form>
        </div>
      )}
      <ErrorSummary errors={props.errors} labels={labels} />

      <Form action={props.action} method="get" aria-label={t({ ru: 'Выбор класса', en: 'Choose the class' })}>
        <SelectField name="classId" label={labels.classId!} options={props.classes} value={f.classId} emptyLabel={{ ru: '— выберите класс', en: '— choose a class' }} />
        <Button kind="secondary">{t({ ru: 'Выбрать класс', en: 'Choose the class' })}</Button>
      </Form>

      {props.assignments && (
        <Form action={props.action} method="get" aria-label={t({ ru: 'Выбор предмета', en: 'Choose the subject' })}>
          <Hidden form={f} fields={['classId']} />
          <SelectField name="assignmentId" label={labels.assignmentId!} options={props.assignments} value={f.assignmentId} emptyLabel={{ ru: '— выберите предмет', en: '— choose a subject' }} />
          <Button kind="secondary">{t({ ru: 'Выбрать предмет', en: 'Choose the subject' })}</Button>
        </Form>
      )}

      {props.pupils && props.lessons && props.periods && (
        <Form action={props.action} method="get" aria-label={t({ ru: 'Выбор ученика и урока', en: 'Choose the pupil and lesson' })}>
          <Hidden form={f} fields={['classId', 'assignmentId']} />
          <SelectField name="pupilId" label={labels.pupilId!} options={props.pupils} value={f.pupilId} error={props.errors.pupilId} emptyLabel={{ ru: '— выберите ученика', en: '— choose a pupil' }} />
          <div class="field">
            <label for="field-target">{t(labels.target!)}</label>
            <select id="field-target" name="target">
              <option value="">{t({ ru: '— выберите урок или период', en: '— choose a lesson or period' })}</option>
              <Group label={t({ ru: 'Итоговые отметки', en: 'Finals' })} options={props.periods} selected={f.target} />
              <Group label={t({ ru: 'Уроки', en: 'Lessons' })} options={props.lessons} selected={f.target} />
            </select>
          </div>
          <Button kind="secondary">{t({ ru: 'Показать', en: 'Show' })}</Button>
        </Form>
      )}

      {props.current && (
        <section aria-labelledby="correction-form-title">
          <h2 id="correction-form-title">{t({ ru: 'Новое значение', en: 'New value' })}</h2>
          {'final' in props.current ? (
            <SummaryList rows={[[t({ ru: 'Итоговая отметка сейчас', en: 'Final now' }), props.current.final === null ? '—' : String(props.current.final)]]} />
          ) : (
            <SummaryList
              rows={[
                [t({ ru: 'Отметка сейчас', en: 'Mark now' }), props.current.mark === null ? '—' : String(props.current.mark)],
                [t({ ru: 'Посещаемость сейчас', en: 'Attendance now' }), props.current.attendance ? t(attendanceNames[props.current.attendance]) : t({ ru: 'присутствовал(а)', en: 'present' })],
              ]}
            />
          )}
          <Form action={props.action} aria-label={t({ ru: 'Исправление', en: 'Correction' })}>
            <Hidden form={f} fields={['classId', 'assignmentId', 'pupilId', 'target']} />
            {isLesson ? (
              <>
                <fieldset class="field" id="field-kind">
                  <legend>{t(labels.kind!)}</legend>
                  <div class="radio">
                    <input type="radio" id="field-kind-mark" name="kind" value="mark" checked={f.kind !== 'attendance'} />
                    <label for="field-kind-mark">{t({ ru: 'Отметку за урок', en: 'The mark' })}</label>
                  </div>
                  <div class="radio">
                    <input type="radio" id="field-kind-attendance" name="kind" value="attendance" checked={f.kind === 'attendance'} />
                    <label for="field-kind-attendance">{t({ ru: 'Посещаемость', en: 'Attendance' })}</label>
                  </div>
                </fieldset>
                <SelectField name="value" label={labels.value!} options={markOptions} value={f.value} error={props.errors.value} />
                <SelectField name="code" label={labels.code!} options={codeOptions} value={f.code} error={props.errors.code} />
              </>
            ) : (
              <>
                <input type="hidden" name="kind" value="final" />
                <SelectField name="value" label={{ ru: 'Новая итоговая отметка', en: 'New final mark' }} options={markOptions} value={f.value} error={props.errors.value} />
              </>
            )}
            <TextField
              name="reason"
              label={labels.reason!}
              value={f.reason}
              error={props.errors.reason}
              required
              maxlength={1000}
              hint={{ ru: 'Например: «Ошибка ввода, приказ № 12 от 03.06.2026» — не короче 5 символов', en: 'E.g. “Entry error, order No. 12 of 3 June 2026”, at least 5 characters' }}
            />
            <Button>{t({ ru: 'Сохранить исправление', en: 'Save the correction' })}</Button>
          </Form>
        </section>
      )}

      <section aria-labelledby="corrections-title">
        <h2 id="corrections-title">{t({ ru: 'Исправления года', en: 'Corrections of the year' })}</h2>
        {props.list.length === 0 ? (
          <p>{t({ ru: 'Исправлений нет.', en: 'No corrections.' })}</p>
        ) : (
          <Table
            caption={t({ ru: `Исправления журнала ${props.year.name}`, en: `Corrections of the ${props.year.name} journal` })}
            captionHidden
            headers={[t({ ru: 'Когда', en: 'When' }), t({ ru: 'Кто', en: 'Who' }), t({ ru: 'Что', en: 'What' }), t({ ru: 'Было → стало', en: 'Before → after' }), t({ ru: 'Причина', en: 'Reason' })]}
          >
            {props.list.map((c) => (
              <tr key={c.id}>
                <td>{formatDateTime(locale, c.at)}</td>
                <td>{c.actorLabel || '—'}</td>
                <td>{whatOf(c, t, locale)}</td>
                <td>
                  {shownValue(c.before, t)} → {shownValue(c.after, t)}
                </td>
                <td>{c.reason}</td>
              </tr>
            ))}
          </Table>
        )}
        <Pagination previousHref={props.firstHref} nextHref={props.nextHref} />
      </section>
    </>
  );
}

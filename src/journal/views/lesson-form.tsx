/**
 * One lesson: topic, homework, kind of work, every pupil's mark and attendance as a plain form
 * (the gradebook's path without JavaScript); the history of after-the-fact changes; and, for the
 * head, the timetable changes of this one lesson (substitute, cancel, move).
 */
import type { FieldErrors } from '../../platform/errors.ts';
import { Button, CsrfField, ErrorSummary, Form, Notice, SelectField, SummaryList, TextField, type SelectOption } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';
import { attendanceCodes, type AttendanceCode } from '../lesson.schema.ts';
import { attendanceNames } from './gradebook.tsx';

export interface LessonFormProps {
  title: string;
  lessonId: string;
  facts: Array<[string, string]>;
  values: { topic: string; homework: string; workKind: string };
  workKinds: SelectOption[];
  pupils: Array<{ id: string; fullName: string; mark: string; attendance: string }>;
  allowMarkOne: boolean;
  editable: boolean;
  errors: FieldErrors;
  history: Array<{ at: string; who: string; pupil: string; what: string; before: string; after: string }>;
  gradebookHref: string;
  attachments: Array<{ id: string; fileName: string; size: string; href: string }>;
  notice: string | null;
  /** The head's timetable changes of this lesson, when allowed. */
  changes: null | { teachers: SelectOption[]; substituteId: string; cancelled: boolean; heldOn: string; lessonNumber: number };
}

const labels = {
  topic: { ru: 'Тема урока', en: 'Topic' },
  homework: { ru: 'Домашнее задание', en: 'Homework' },
  workKind: { ru: 'Вид работы для отметок', en: 'Kind of work for the marks' },
  file: { ru: 'Файл', en: 'File' },
};

export function LessonFormView(props: LessonFormProps) {
  const t = useT();
  const markOptions = (props.allowMarkOne ? ['1', '2', '3', '4', '5'] : ['2', '3', '4', '5']).map((v) => ({ value: v, label: v }));
  const pupilLabels = Object.fromEntries(props.pupils.flatMap((p) => [[`mark-${p.id}`, { ru: p.fullName, en: p.fullName }], [`pupil-${p.id}`, { ru: p.fullName, en: p.fullName }]]));
  return (
    <>
      <h1>{props.title}</h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <p>
        <a href={props.gradebookHref}>{t({ ru: '← К журналу класса', en: '← Back to the gradebook' })}</a>
      </p>
      <SummaryList rows={props.facts} />
      <ErrorSummary errors={props.errors} labels={{ ...labels, ...pupilLabels }} />
      {props.editable ? (
        <Form action={`/journal/lessons/${props.lessonId}`} aria-label={t({ ru: 'Запись урока', en: 'Lesson record' })}>
          <TextField name="topic" label={labels.topic} value={props.values.topic} error={props.errors.topic} maxlength={500} />
          <div class={props.errors.homework ? 'field field--error' : 'field'}>
            <label for="field-homework">{t(labels.homework)}</label>
            {props.errors.homework && (
              <p class="field-error" id="field-homework-error">
                {t(props.errors.homework)}
              </p>
            )}
            <textarea id="field-homework" name="homework" rows={3} maxLength={4000} aria-describedby={props.errors.homework ? 'field-homework-error' : undefined}>
              {props.values.homework}
            </textarea>
          </div>
          <SelectField name="workKind" label={labels.workKind} options={props.workKinds} value={props.values.workKind} error={props.errors.workKind} />
          <div class="table-wrap" role="region" aria-label={t({ ru: 'Отметки и посещаемость', en: 'Marks and attendance' })} tabindex={0}>
            <table>
              <caption>{t({ ru: 'Отметки и посещаемость', en: 'Marks and attendance' })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t({ ru: 'Ученик', en: 'Pupil' })}</th>
                  <th scope="col">{t({ ru: 'Отметка', en: 'Mark' })}</th>
                  <th scope="col">{t({ ru: 'Посещаемость', en: 'Attendance' })}</th>
                </tr>
              </thead>
              <tbody>
                {props.pupils.map((p) => (
                  <tr key={p.id}>
                    <th scope="row" id={`pupil-${p.id}`}>
                      {p.fullName}
                    </th>
                    <td>
                      <select id={`field-mark-${p.id}`} name={`mark-${p.id}`} aria-label={`${t({ ru: 'Отметка', en: 'Mark' })}: ${p.fullName}`} aria-invalid={props.errors[`mark-${p.id}`] ? 'true' : undefined}>
                        <option value="">—</option>
                        {markOptions.map((o) => (
                          <option key={o.value} value={o.value} selected={o.value === p.mark}>
                            {o.label}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <select id={`field-attendance-${p.id}`} name={`attendance-${p.id}`} aria-label={`${t({ ru: 'Посещаемость', en: 'Attendance' })}: ${p.fullName}`}>
                        <option value="">{t({ ru: 'присутствовал(а)', en: 'present' })}</option>
                        {attendanceCodes.map((code: AttendanceCode) => (
                          <option key={code} value={code} selected={code === p.attendance}>
                            {t(attendanceNames[code])}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Button>{t({ ru: 'Сохранить урок', en: 'Save the lesson' })}</Button>
        </Form>
      ) : (
        <SummaryList
          rows={[
            [t(labels.topic), props.values.topic],
            [t(labels.homework), props.values.homework],
          ]}
        />
      )}
      <Attachments lessonId={props.lessonId} files={props.attachments} editable={props.editable} error={props.errors.file} />
      {props.changes && <LessonChanges lessonId={props.lessonId} changes={props.changes} />}
      <h2>{t({ ru: 'Исправления после дня урока', en: 'Changes after the day of the lesson' })}</h2>
      {props.history.length === 0 ? (
        <p>{t({ ru: 'Исправлений нет.', en: 'No changes.' })}</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={t({ ru: 'История исправлений', en: 'History of changes' })} tabindex={0}>
          <table>
            <caption>{t({ ru: 'История исправлений', en: 'History of changes' })}</caption>
            <thead>
              <tr>
                {[t({ ru: 'Когда', en: 'When' }), t({ ru: 'Кто', en: 'Who' }), t({ ru: 'Ученик', en: 'Pupil' }), t({ ru: 'Что', en: 'What' }), t({ ru: 'Было', en: 'Before' }), t({ ru: 'Стало', en: 'After' })].map((h) => (
                  <th scope="col" key={h}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.history.map((h, i) => (
                <tr key={i}>
                  <td>{h.at}</td>
                  <td>{h.who}</td>
                  <td>{h.pupil}</td>
                  <td>{h.what}</td>
                  <td>{h.before}</td>
                  <td>{h.after}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Attachments(props: { lessonId: string; files: LessonFormProps['attachments']; editable: boolean; error?: { ru: string; en: string } }) {
  const t = useT();
  return (
    <section aria-labelledby="lesson-files">
      <h2 id="lesson-files">{t({ ru: 'Файлы к домашнему заданию', en: 'Homework files' })}</h2>
      {props.files.length === 0 ? (
        <p>{t({ ru: 'Файлов нет.', en: 'No files.' })}</p>
      ) : (
        <ul>
          {props.files.map((f) => (
            <li key={f.id}>
              <a href={f.href}>{f.fileName}</a> ({f.size})
              {props.editable && (
                <Form action={`${f.href}/delete`} class="inline-form">
                  {' '}
                  <button type="submit" class="link-button">
                    {t({ ru: 'Удалить', en: 'Remove' })}
                    <span class="visually-hidden">{`: ${f.fileName}`}</span>
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
      {props.editable && (
        <form action={`/journal/lessons/${props.lessonId}/attachments`} method="post" enctype="multipart/form-data" aria-label={t({ ru: 'Приложить файл', en: 'Attach a file' })}>
          <CsrfField />
          <div class={props.error ? 'field field--error' : 'field'}>
            <label for="field-file">{t({ ru: 'Файл (PDF, TXT, JPG, PNG, DOCX, XLSX, PPTX, ODT; до 5 МБ)', en: 'File (PDF, TXT, JPG, PNG, DOCX, XLSX, PPTX, ODT; up to 5 MB)' })}</label>
            {props.error && (
              <p class="field-error" id="field-file-error">
                {t(props.error)}
              </p>
            )}
            <input id="field-file" type="file" name="file" aria-describedby={props.error ? 'field-file-error' : undefined} />
          </div>
          <Button kind="secondary">{t({ ru: 'Приложить', en: 'Attach' })}</Button>
        </form>
      )}
    </section>
  );
}

function LessonChanges(props: { lessonId: string; changes: NonNullable<LessonFormProps['changes']> }) {
  const t = useT();
  const c = props.changes;
  const action = `/journal/lessons/${props.lessonId}/change`;
  return (
    <section aria-labelledby="lesson-changes">
      <h2 id="lesson-changes">{t({ ru: 'Замена, перенос, отмена', en: 'Substitution, move, cancellation' })}</h2>
      <Form action={action} aria-label={t({ ru: 'Замена учителя', en: 'Substitute teacher' })}>
        <input type="hidden" name="kind" value="substitute" />
        <SelectField name="teacherId" label={{ ru: 'Заменяющий учитель', en: 'Substitute teacher' }} options={c.teachers} value={c.substituteId} emptyLabel={{ ru: 'без замены', en: 'no substitute' }} />
        <Button kind="secondary">{t({ ru: 'Назначить замену', en: 'Set the substitute' })}</Button>
      </Form>
      <Form action={action} aria-label={t({ ru: 'Перенос урока', en: 'Move the lesson' })}>
        <input type="hidden" name="kind" value="move" />
        <TextField name="heldOn" type="date" label={{ ru: 'Новая дата', en: 'New date' }} value={c.heldOn} />
        <TextField name="lessonNumber" inputmode="numeric" label={{ ru: 'Номер урока', en: 'Lesson number' }} value={c.lessonNumber} />
        <Button kind="secondary">{t({ ru: 'Перенести', en: 'Move' })}</Button>
      </Form>
      <Form action={action} aria-label={t({ ru: 'Отмена урока', en: 'Cancel the lesson' })}>
        <input type="hidden" name="kind" value={c.cancelled ? 'restore' : 'cancel'} />
        <Button kind="warning">{c.cancelled ? t({ ru: 'Вернуть урок', en: 'Restore the lesson' }) : t({ ru: 'Отменить урок', en: 'Cancel the lesson' })}</Button>
      </Form>
    </section>
  );
}

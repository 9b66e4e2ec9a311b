/** The curriculum of a year (hours per week by grade), the teaching load, and the regional list of subjects. */
import type { FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, Table, TextField, type SelectOption } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';
import { YearNav } from './year.tsx';

export function CurriculumView(props: {
  yearId: string;
  yearName: string;
  schoolName: string;
  subjects: Array<{ code: string; name: string }>;
  /** hours[grade-1][code] as typed */
  hours: Array<Record<string, string>>;
  canEdit: boolean;
  errors: FieldErrors;
  notice: string | null;
}) {
  const t = useT();
  const grades = Array.from({ length: 11 }, (_, i) => i + 1);
  return (
    <>
      <h1>{t({ ru: 'Учебный план {year}', en: 'Curriculum {year}' }, { year: props.yearName })}</h1>
      <p>{props.schoolName}</p>
      <YearNav yearId={props.yearId} current="curriculum" />
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      <p class="hint">{t({ ru: 'Часов в неделю по параллелям. Пусто или 0 — предмет не изучается. Начальные значения — федеральный учебный план (пятидневка).', en: 'Hours per week by grade. Empty or 0: not taught. The defaults are the federal curriculum (five-day week).' })}</p>
      <ErrorSummary errors={props.errors} labels={{}} />
      <Form action={`/journal/years/${props.yearId}/curriculum`} aria-label={t({ ru: 'Учебный план', en: 'Curriculum' })}>
        <Table caption={t({ ru: 'Часы в неделю', en: 'Hours per week' })} headers={[t({ ru: 'Предмет', en: 'Subject' }), ...grades.map((g) => String(g))]}>
          {props.subjects.map((s) => (
            <tr key={s.code}>
              <th scope="row">{s.name}</th>
              {grades.map((g) => {
                const name = `hours.${g}.${s.code}`;
                return (
                  <td key={g} class={props.errors[name] ? 'field--error' : undefined}>
                    {props.canEdit ? (
                      <input name={name} value={props.hours[g - 1]?.[s.code] ?? ''} inputMode="decimal" size={3} maxLength={4} aria-label={`${s.name}, ${g}`} aria-invalid={props.errors[name] ? 'true' : undefined} />
                    ) : (
                      props.hours[g - 1]?.[s.code] ?? ''
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </Table>
        {props.canEdit && <Button>{t({ ru: 'Сохранить учебный план', en: 'Save the curriculum' })}</Button>}
      </Form>
    </>
  );
}

export const assignmentLabels: Record<string, Message> = {
  classId: { ru: 'Класс', en: 'Class' },
  subgroupId: { ru: 'Подгруппа', en: 'Subgroup' },
  subjectCode: { ru: 'Предмет', en: 'Subject' },
  teacherId: { ru: 'Учитель', en: 'Teacher' },
};

export function AssignmentsView(props: {
  yearId: string;
  yearName: string;
  schoolName: string;
  rows: Array<{ id: string; className: string; subject: string; subgroup: string | null; teacher: string; hours: string }>;
  teacherLoad: Array<{ teacher: string; hours: string }>;
  canEdit: boolean;
  classes: SelectOption[];
  subjects: SelectOption[];
  teachers: SelectOption[];
  values: { classId: string; subjectCode: string; teacherId: string };
  errors: FieldErrors;
  notice: string | null;
}) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Нагрузка учителей {year}', en: 'Teaching load {year}' }, { year: props.yearName })}</h1>
      <p>{props.schoolName}</p>
      <YearNav yearId={props.yearId} current="assignments" />
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      {props.canEdit && (
        <>
          <h2>{t({ ru: 'Назначить учителя', en: 'Assign a teacher' })}</h2>
          <p class="hint">{t({ ru: 'Если предмет в классе уже назначен, сменится учитель.', en: 'If the subject is already assigned in the class, the teacher changes.' })}</p>
          <ErrorSummary errors={props.errors} labels={assignmentLabels} />
          <Form action={`/journal/years/${props.yearId}/assignments`} aria-label={t({ ru: 'Назначить учителя', en: 'Assign a teacher' })}>
            <SelectField name="classId" label={assignmentLabels['classId']!} options={props.classes} value={props.values.classId} error={props.errors['classId']} emptyLabel={{ ru: '— выберите —', en: '— choose —' }} required />
            <SelectField name="subjectCode" label={assignmentLabels['subjectCode']!} options={props.subjects} value={props.values.subjectCode} error={props.errors['subjectCode']} emptyLabel={{ ru: '— выберите —', en: '— choose —' }} required />
            <SelectField name="teacherId" label={assignmentLabels['teacherId']!} options={props.teachers} value={props.values.teacherId} error={props.errors['teacherId']} emptyLabel={{ ru: '— выберите —', en: '— choose —' }} required />
            <Button>{t({ ru: 'Назначить', en: 'Assign' })}</Button>
          </Form>
        </>
      )}
      <h2>{t({ ru: 'Часы учителей', en: 'Teachers’ hours' })}</h2>
      <Table caption={t({ ru: 'Часов в неделю по учителям', en: 'Hours per week by teacher' })} headers={[t({ ru: 'Учитель', en: 'Teacher' }), t({ ru: 'Часов', en: 'Hours' })]}>
        {props.teacherLoad.map((l) => (
          <tr key={l.teacher}>
            <td>{l.teacher}</td>
            <td>{l.hours}</td>
          </tr>
        ))}
      </Table>
      <h2>{t({ ru: 'Назначения', en: 'Assignments' })}</h2>
      <Table caption={t({ ru: 'Учитель × класс × предмет', en: 'Teacher × class × subject' })} headers={[t({ ru: 'Класс', en: 'Class' }), t({ ru: 'Предмет', en: 'Subject' }), t({ ru: 'Подгруппа', en: 'Subgroup' }), t({ ru: 'Учитель', en: 'Teacher' }), t({ ru: 'Часов', en: 'Hours' }), ...(props.canEdit ? [t({ ru: 'Действие', en: 'Action' })] : [])]}>
        {props.rows.map((r) => (
          <tr key={r.id}>
            <td>{r.className}</td>
            <td>{r.subject}</td>
            <td>{r.subgroup ?? '—'}</td>
            <td>{r.teacher}</td>
            <td>{r.hours}</td>
            {props.canEdit && (
              <td>
                <Form action={`/journal/assignments/${r.id}/remove`} aria-label={t({ ru: 'Снять назначение', en: 'Remove the assignment' })}>
                  <Button kind="secondary">{t({ ru: 'Снять', en: 'Remove' })}</Button>
                </Form>
              </td>
            )}
          </tr>
        ))}
      </Table>
    </>
  );
}

export function SubjectsView(props: {
  subjects: Array<{ code: string; nameRu: string; nameEn: string; sort: number; active: boolean }>;
  canEdit: boolean;
  values: Record<string, string>;
  errors: FieldErrors;
  notice: string | null;
}) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Учебные предметы', en: 'School subjects' })}</h1>
      <p>{t({ ru: 'Федеральный перечень (ФОП НОО, ООО, СОО) и региональные предметы.', en: 'The federal list (federal programmes) and regional subjects.' })}</p>
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      <Table caption={t({ ru: 'Предметы', en: 'Subjects' })} headers={[t({ ru: 'Код', en: 'Code' }), t({ ru: 'Название', en: 'Name' }), 'English', t({ ru: 'Порядок', en: 'Order' }), t({ ru: 'Действует', en: 'Active' })]}>
        {props.subjects.map((s) => (
          <tr key={s.code}>
            <td>{s.code}</td>
            <td>{s.nameRu}</td>
            <td>{s.nameEn}</td>
            <td>{s.sort}</td>
            <td>{s.active ? t({ ru: 'да', en: 'yes' }) : t({ ru: 'нет', en: 'no' })}</td>
          </tr>
        ))}
      </Table>
      {props.canEdit && (
        <>
          <h2>{t({ ru: 'Добавить или изменить предмет', en: 'Add or change a subject' })}</h2>
          <p class="hint">{t({ ru: 'Укажите код существующего предмета, чтобы изменить его.', en: 'Give the code of an existing subject to change it.' })}</p>
          <ErrorSummary errors={props.errors} labels={{ code: { ru: 'Код', en: 'Code' }, nameRu: { ru: 'Название', en: 'Name' }, nameEn: { ru: 'Название по-английски', en: 'English name' }, sort: { ru: 'Порядок', en: 'Order' } }} />
          <Form action="/journal/subjects" aria-label={t({ ru: 'Предмет', en: 'Subject' })}>
            <TextField name="code" label={{ ru: 'Код (латиница)', en: 'Code (Latin letters)' }} value={props.values['code']} error={props.errors['code']} maxlength={40} required />
            <TextField name="nameRu" label={{ ru: 'Название', en: 'Name in Russian' }} value={props.values['nameRu']} error={props.errors['nameRu']} maxlength={200} required />
            <TextField name="nameEn" label={{ ru: 'Название по-английски', en: 'Name in English' }} value={props.values['nameEn']} error={props.errors['nameEn']} maxlength={200} required />
            <TextField name="sort" label={{ ru: 'Порядок', en: 'Order' }} value={props.values['sort']} error={props.errors['sort']} inputmode="numeric" maxlength={6} />
            <SelectField name="active" label={{ ru: 'Действует', en: 'Active' }} options={[{ value: 'true', label: t({ ru: 'да', en: 'yes' }) }, { value: 'false', label: t({ ru: 'нет', en: 'no' }) }]} value={props.values['active'] ?? 'true'} />
            <Button>{t({ ru: 'Сохранить', en: 'Save' })}</Button>
          </Form>
        </>
      )}
    </>
  );
}

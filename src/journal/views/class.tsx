/** Classes of a year and one class with its pupils and teachers. */
import type { FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, SummaryList, Table, TextField, type SelectOption } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';
import { YearNav } from './year.tsx';

export const classLabels: Record<string, Message> = {
  grade: { ru: 'Параллель', en: 'Grade' },
  letter: { ru: 'Буква', en: 'Letter' },
  classTeacherId: { ru: 'Классный руководитель', en: 'Class teacher' },
};

export interface ClassFormValues {
  grade: string;
  letter: string;
  classTeacherId: string;
}

function ClassFields(props: { values: ClassFormValues; errors: FieldErrors; teachers: SelectOption[] }) {
  const grades = Array.from({ length: 11 }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }));
  return (
    <>
      <SelectField name="grade" label={classLabels['grade']!} options={grades} value={props.values.grade} error={props.errors['grade']} required />
      <TextField name="letter" label={classLabels['letter']!} value={props.values.letter} error={props.errors['letter']} maxlength={10} required />
      <SelectField name="classTeacherId" label={classLabels['classTeacherId']!} options={props.teachers} value={props.values.classTeacherId} error={props.errors['classTeacherId']} emptyLabel={{ ru: '— не назначен —', en: '— none —' }} />
    </>
  );
}

export function ClassListView(props: {
  yearId: string;
  yearName: string;
  schoolName: string;
  organizationId: string;
  classes: Array<{ id: string; name: string; classTeacherName: string | null; pupils: number }>;
  canEdit: boolean;
  /** Whether to offer the year-end promotion (the head, who moves pupils). */
  canPromote: boolean;
  teachers: SelectOption[];
  values: ClassFormValues;
  errors: FieldErrors;
  notice: string | null;
}) {
  const t = useT();
  return (
    <>
      <p>
        <a href={`/journal/school?organizationId=${props.organizationId}`}>← {t({ ru: 'Учебные годы', en: 'Academic years' })}</a>
      </p>
      <h1>{t({ ru: 'Классы {year}', en: 'Classes {year}' }, { year: props.yearName })}</h1>
      <p>{props.schoolName}</p>
      <YearNav yearId={props.yearId} current="classes" />
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      <Form action="/journal/school/search" aria-label={t({ ru: 'Поиск обучающегося', en: 'Find a pupil' })}>
        <input type="hidden" name="organizationId" value={props.organizationId} />
        <TextField name="q" type="search" label={{ ru: 'Найти обучающегося школы (фамилия, имя или номер документа)', en: 'Find a pupil of the school (name or document number)' }} maxlength={100} />
        <Button kind="secondary">{t({ ru: 'Найти', en: 'Find' })}</Button>
      </Form>
      {props.classes.length === 0 ? (
        <p>{t({ ru: 'Классов пока нет.', en: 'No classes yet.' })}</p>
      ) : (
        <Table caption={t({ ru: 'Классы', en: 'Classes' })} headers={[t({ ru: 'Класс', en: 'Class' }), t({ ru: 'Классный руководитель', en: 'Class teacher' }), t({ ru: 'Обучающихся сегодня', en: 'Pupils today' })]}>
          {props.classes.map((c) => (
            <tr key={c.id}>
              <td>
                <a href={`/journal/classes/${c.id}`}>{c.name}</a>
              </td>
              <td>{c.classTeacherName ?? '—'}</td>
              <td>{c.pupils}</td>
            </tr>
          ))}
        </Table>
      )}
      {props.canPromote && props.classes.length > 0 && (
        <p>
          <a class="button button--secondary" href={`/journal/years/${props.yearId}/promotion`}>
            {t({ ru: 'Перевод в следующий учебный год', en: 'Promotion to the next school year' })}
          </a>
        </p>
      )}
      {props.canEdit && (
        <>
          <h2>{t({ ru: 'Новый класс', en: 'New class' })}</h2>
          <ErrorSummary errors={props.errors} labels={classLabels} />
          <Form action={`/journal/years/${props.yearId}/classes`} aria-label={t({ ru: 'Новый класс', en: 'New class' })}>
            <ClassFields values={props.values} errors={props.errors} teachers={props.teachers} />
            <Button>{t({ ru: 'Добавить класс', en: 'Add the class' })}</Button>
          </Form>
        </>
      )}
    </>
  );
}

export function ClassView(props: {
  classId: string;
  name: string;
  yearId: string;
  yearName: string;
  schoolName: string;
  onDate: string;
  classTeacherName: string | null;
  pupils: Array<{ id: string; name: string; birthDate: string; startsOn: string }>;
  assignments: Array<{ id: string; subject: string; subgroup: string | null; teacher: string }>;
  subgroups: Array<{ id: string; name: string; members: string[] }>;
  subgroupErrors?: FieldErrors;
  canEdit: boolean;
  canMove: boolean;
  teachers: SelectOption[];
  values: ClassFormValues;
  errors: FieldErrors;
  notice: string | null;
}) {
  const t = useT();
  return (
    <>
      <p>
        <a href={`/journal/years/${props.yearId}/classes`}>← {t({ ru: 'Классы {year}', en: 'Classes {year}' }, { year: props.yearName })}</a>
      </p>
      <h1>{t({ ru: 'Класс {name}', en: 'Class {name}' }, { name: props.name })}</h1>
      <p>{props.schoolName}</p>
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      <SummaryList
        rows={[
          [t({ ru: 'Классный руководитель', en: 'Class teacher' }), props.classTeacherName],
          [t({ ru: 'Обучающихся на {date}', en: 'Pupils on {date}' }, { date: props.onDate }), String(props.pupils.length)],
        ]}
      />
      <p>
        <a href={`/journal/classes/${props.classId}/timetable`}>{t({ ru: 'Расписание класса', en: 'Class timetable' })}</a>
      </p>
      {props.canMove && (
        <p>
          <a class="button button--secondary" href={`/journal/classes/${props.classId}/admit`}>
            {t({ ru: 'Зачислить обучающегося', en: 'Admit a pupil' })}
          </a>
        </p>
      )}
      <Table caption={t({ ru: 'Список класса', en: 'Class list' })} headers={['№', t({ ru: 'Обучающийся', en: 'Pupil' }), t({ ru: 'Дата рождения', en: 'Born' }), t({ ru: 'В классе с', en: 'In the class since' })]}>
        {props.pupils.map((p, i) => (
          <tr key={p.id}>
            <td>{i + 1}</td>
            <td>
              <a href={`/journal/pupils/${p.id}`}>{p.name}</a>
            </td>
            <td>{p.birthDate}</td>
            <td>{p.startsOn}</td>
          </tr>
        ))}
      </Table>
      <h2>{t({ ru: 'Предметы и учителя', en: 'Subjects and teachers' })}</h2>
      {props.assignments.length === 0 ? (
        <p>{t({ ru: 'Учителя не назначены.', en: 'No teachers assigned.' })}</p>
      ) : (
        <Table caption={t({ ru: 'Нагрузка класса', en: 'Teaching of the class' })} headers={[t({ ru: 'Предмет', en: 'Subject' }), t({ ru: 'Подгруппа', en: 'Subgroup' }), t({ ru: 'Учитель', en: 'Teacher' })]}>
          {props.assignments.map((a) => (
            <tr key={a.id}>
              <td>{a.subject}</td>
              <td>{a.subgroup ?? '—'}</td>
              <td>{a.teacher}</td>
            </tr>
          ))}
        </Table>
      )}
      <h2>{t({ ru: 'Подгруппы', en: 'Subgroups' })}</h2>
      {props.subgroups.length === 0 ? (
        <p>{t({ ru: 'Класс не делится на подгруппы.', en: 'The class is not divided.' })}</p>
      ) : (
        <ul>
          {props.subgroups.map((g) => (
            <li key={g.id}>
              <strong>{g.name}</strong>: {g.members.join(', ') || '—'}
            </li>
          ))}
        </ul>
      )}
      {props.canEdit && props.pupils.length > 0 && (
        <>
          <ErrorSummary errors={props.subgroupErrors ?? {}} labels={{ name: { ru: 'Название подгруппы', en: 'Subgroup name' }, pupilIds: { ru: 'Состав', en: 'Members' } }} />
          <Form action={`/journal/classes/${props.classId}/subgroups`} aria-label={t({ ru: 'Подгруппа', en: 'Subgroup' })}>
            <TextField name="name" label={{ ru: 'Название подгруппы (существующая будет заменена)', en: 'Subgroup name (an existing one is replaced)' }} error={props.subgroupErrors?.['name']} maxlength={100} required />
            <fieldset>
              <legend>{t({ ru: 'Состав подгруппы', en: 'Members' })}</legend>
              {props.pupils.map((p) => (
                <div class="checkbox" key={p.id}>
                  <input type="checkbox" id={`member-${p.id}`} name="pupilIds" value={p.id} />
                  <label for={`member-${p.id}`}>{p.name}</label>
                </div>
              ))}
            </fieldset>
            <Button kind="secondary">{t({ ru: 'Сохранить подгруппу', en: 'Save the subgroup' })}</Button>
          </Form>
        </>
      )}
      {props.canEdit && (
        <>
          <h2>{t({ ru: 'Изменить класс', en: 'Change the class' })}</h2>
          <ErrorSummary errors={props.errors} labels={classLabels} />
          <Form action={`/journal/classes/${props.classId}`} aria-label={t({ ru: 'Изменить класс', en: 'Change the class' })}>
            <ClassFields values={props.values} errors={props.errors} teachers={props.teachers} />
            <Button>{t({ ru: 'Сохранить', en: 'Save' })}</Button>
          </Form>
        </>
      )}
    </>
  );
}

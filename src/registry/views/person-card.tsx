/** A person's card: identity, documents, where the record sits, guardians, children, employment. */
import type { FieldErrors } from '../../platform/errors.ts';
import { formatDate, type Message } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, SummaryList, Table, TextField, type SelectOption } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';
import { formatSnils } from '../identifiers.ts';
import { relationNames, type LinkedPerson, type PersonRecord } from '../person.service.ts';
import { fullName } from './person-list.tsx';

export interface PersonCardProps {
  record: PersonRecord;
  canUpdate: boolean;
  canLinkGuardian: boolean;
  /** Whether to offer the staff form (the server still checks each organisation). */
  canManageStaff: boolean;
  /** Organisations whose staff list the actor may change, for the select; null → an id field. */
  staffOrganizations: SelectOption[] | null;
  /** Memberships the actor may end. */
  removableStaff: string[];
  guardianForm: { values: Record<string, string>; errors: FieldErrors };
  staffForm: { values: Record<string, string>; errors: FieldErrors };
  notice: Message | null;
}

const guardianLabels = {
  guardian: { ru: 'СНИЛС или идентификатор записи законного представителя', en: 'SNILS or record id of the guardian' },
  relation: { ru: 'Кем приходится', en: 'Relation' },
};
const staffLabels = {
  organizationId: { ru: 'Организация', en: 'Organisation' },
  position: { ru: 'Должность', en: 'Position' },
  hiredOn: { ru: 'Дата приёма', en: 'Hired on' },
};

function LinkedList(props: { people: LinkedPerson[]; caption: string; empty: string }) {
  const t = useT();
  const { locale } = usePage();
  if (props.people.length === 0) return <p>{props.empty}</p>;
  return (
    <Table caption={props.caption} captionHidden headers={[t({ ru: 'ФИО', en: 'Name' }), t({ ru: 'Дата рождения', en: 'Date of birth' }), t(guardianLabels.relation)]}>
      {props.people.map((p) => (
        <tr key={p.id}>
          <td>
            <a href={`/people/${p.id}`}>{fullName(p)}</a>
          </td>
          <td>{formatDate(locale, p.birthDate)}</td>
          <td>{t(relationNames[p.relation])}</td>
        </tr>
      ))}
    </Table>
  );
}

export function PersonCardView(props: PersonCardProps) {
  const t = useT();
  const { locale } = usePage();
  const p = props.record.person;
  const id = p.id;
  return (
    <>
      <h1>{fullName(p)}</h1>
      {props.notice && <Notice kind="success">{t(props.notice)}</Notice>}
      {props.canUpdate && (
        <p class="actions">
          <a class="button button--secondary" href={`/people/${id}/edit`}>
            {t({ ru: 'Изменить', en: 'Edit' })}
          </a>
        </p>
      )}
      <h2>{t({ ru: 'Сведения', en: 'Details' })}</h2>
      <SummaryList
        rows={[
          [t({ ru: 'Дата рождения', en: 'Date of birth' }), formatDate(locale, p.birthDate)],
          [t({ ru: 'Пол', en: 'Sex' }), p.sex === 'female' ? t({ ru: 'Женский', en: 'Female' }) : t({ ru: 'Мужской', en: 'Male' })],
          [t({ ru: 'СНИЛС', en: 'SNILS' }), p.snils ? formatSnils(p.snils) : null],
          [t({ ru: 'Свидетельство о рождении', en: 'Birth certificate' }), p.birthCertificateNumber ? `${p.birthCertificateSeries} № ${p.birthCertificateNumber}` : null],
          [t({ ru: 'Паспорт', en: 'Passport' }), p.passportNumber ? `${p.passportSeries} № ${p.passportNumber}` : null],
          [t({ ru: 'Телефон', en: 'Phone' }), p.phone],
          [t({ ru: 'Электронная почта', en: 'Email' }), p.email],
          [t({ ru: 'Муниципальное образование', en: 'Municipality' }), t(props.record.municipalityName)],
          [t({ ru: 'Организация', en: 'Organisation' }), props.record.organizationName],
        ]}
      />

      <h2>{t({ ru: 'Законные представители', en: 'Guardians' })}</h2>
      <LinkedList people={props.record.guardians} caption={t({ ru: 'Законные представители', en: 'Guardians' })} empty={t({ ru: 'Не указаны.', en: 'None recorded.' })} />
      {props.canLinkGuardian && (
        <section aria-labelledby="link-guardian-title">
          <h3 id="link-guardian-title">{t({ ru: 'Привязать законного представителя', en: 'Link a guardian' })}</h3>
          <ErrorSummary errors={props.guardianForm.errors} labels={guardianLabels} />
          <Form action={`/people/${id}/guardians`} aria-label={t({ ru: 'Привязать законного представителя', en: 'Link a guardian' })}>
            <TextField name="guardian" label={guardianLabels.guardian} value={props.guardianForm.values.guardian} error={props.guardianForm.errors.guardian} autocomplete="off" required />
            <SelectField
              name="relation"
              label={guardianLabels.relation}
              value={props.guardianForm.values.relation}
              error={props.guardianForm.errors.relation}
              required
              emptyLabel={{ ru: 'Выберите', en: 'Choose' }}
              options={Object.entries(relationNames).map(([value, name]) => ({ value, label: t(name) }))}
            />
            <Button kind="secondary">{t({ ru: 'Привязать', en: 'Link' })}</Button>
          </Form>
        </section>
      )}

      <h2>{t({ ru: 'Дети', en: 'Children' })}</h2>
      <LinkedList people={props.record.children} caption={t({ ru: 'Дети', en: 'Children' })} empty={t({ ru: 'Не указаны.', en: 'None recorded.' })} />

      <h2>{t({ ru: 'Работа', en: 'Employment' })}</h2>
      {props.record.staff.length === 0 ? (
        <p>{t({ ru: 'Не работает в организациях реестра.', en: 'Not employed by a registry organisation.' })}</p>
      ) : (
        <Table
          caption={t({ ru: 'Работа', en: 'Employment' })}
          captionHidden
          headers={[t(staffLabels.organizationId), t(staffLabels.position), t(staffLabels.hiredOn), t({ ru: 'Действие', en: 'Action' })]}
        >
          {props.record.staff.map((s) => (
            <tr key={s.organizationId}>
              <td>{s.organizationName}</td>
              <td>{s.position}</td>
              <td>{s.hiredOn ? formatDate(locale, s.hiredOn) : '—'}</td>
              <td>
                {props.removableStaff.includes(s.organizationId) ? (
                  <Form action={`/people/${id}/staff/remove`} aria-label={t({ ru: 'Исключить из сотрудников', en: 'Remove from staff' })}>
                    <input type="hidden" name="organizationId" value={s.organizationId} />
                    <Button kind="warning">{t({ ru: 'Исключить', en: 'Remove' })}</Button>
                  </Form>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {props.canManageStaff && (
        <section aria-labelledby="staff-title">
          <h3 id="staff-title">{t({ ru: 'Добавить место работы', en: 'Add employment' })}</h3>
          <ErrorSummary errors={props.staffForm.errors} labels={staffLabels} />
          <Form action={`/people/${id}/staff`} aria-label={t({ ru: 'Добавить место работы', en: 'Add employment' })}>
            {props.staffOrganizations ? (
              <SelectField
                name="organizationId"
                label={staffLabels.organizationId}
                value={props.staffForm.values.organizationId}
                error={props.staffForm.errors.organizationId}
                required
                emptyLabel={{ ru: 'Выберите', en: 'Choose' }}
                options={props.staffOrganizations}
              />
            ) : (
              <TextField
                name="organizationId"
                label={staffLabels.organizationId}
                value={props.staffForm.values.organizationId}
                error={props.staffForm.errors.organizationId}
                hint={{ ru: 'Идентификатор организации из реестра', en: 'The organisation id from the registry' }}
                required
              />
            )}
            <TextField name="position" label={staffLabels.position} value={props.staffForm.values.position} error={props.staffForm.errors.position} required maxlength={200} />
            <TextField name="hiredOn" label={staffLabels.hiredOn} type="date" value={props.staffForm.values.hiredOn} error={props.staffForm.errors.hiredOn} />
            <Button kind="secondary">{t({ ru: 'Сохранить', en: 'Save' })}</Button>
          </Form>
        </section>
      )}
    </>
  );
}

/** The form to create or edit a person: identity, documents, contacts, where the record sits. */
import type { FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, SelectField, SummaryList, TextField, type SelectOption } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';
import { personFieldLabels, type PersonFormValues } from '../person.service.ts';

export interface PersonFormProps {
  heading: Message;
  action: string;
  submitLabel: Message;
  values: PersonFormValues;
  errors: FieldErrors;
  municipalities: SelectOption[];
  /** Organisations to choose from; null → too many, the form asks for the organisation's id. */
  organizations: SelectOption[] | null;
  cancelHref: string;
  /** The version the form edits (edit mode): sent back so a stale edit is refused, not saved over. */
  version?: number;
  /** Someone saved first: why nothing was saved and what is stored now (label, value) where it differs. */
  conflict?: { message: Message; differences: Array<[string, string]> } | null;
}

export function PersonFormView(props: PersonFormProps) {
  const t = useT();
  const v = props.values;
  const e = props.errors;
  const l = personFieldLabels;
  return (
    <>
      <h1>{t(props.heading)}</h1>
      {props.conflict && (
        <div class="error-summary" role="alert">
          <h2>{t({ ru: 'Изменения не сохранены', en: 'Changes not saved' })}</h2>
          <p>{t(props.conflict.message)}</p>
          {props.conflict.differences.length > 0 && (
            <>
              <p>{t({ ru: 'Сейчас в реестре:', en: 'Now in the registry:' })}</p>
              <SummaryList rows={props.conflict.differences} />
            </>
          )}
        </div>
      )}
      <ErrorSummary errors={e} labels={l} />
      <Form action={props.action} aria-label={t(props.heading)}>
        {props.version !== undefined && <input type="hidden" name="version" value={String(props.version)} />}
        <fieldset>
          <legend>{t({ ru: 'Фамилия, имя, отчество', en: 'Full name' })}</legend>
          <TextField name="lastName" label={l.lastName} value={v.lastName} error={e.lastName} required autocomplete="off" maxlength={100} />
          <TextField name="firstName" label={l.firstName} value={v.firstName} error={e.firstName} required autocomplete="off" maxlength={100} />
          <TextField name="middleName" label={l.middleName} value={v.middleName} error={e.middleName} autocomplete="off" maxlength={100} hint={{ ru: 'Если есть', en: 'If any' }} />
        </fieldset>
        <TextField name="birthDate" label={l.birthDate} type="date" value={v.birthDate} error={e.birthDate} required />
        <SelectField
          name="sex"
          label={l.sex}
          value={v.sex}
          error={e.sex}
          required
          emptyLabel={{ ru: 'Выберите', en: 'Choose' }}
          options={[
            { value: 'female', label: t({ ru: 'Женский', en: 'Female' }) },
            { value: 'male', label: t({ ru: 'Мужской', en: 'Male' }) },
          ]}
        />
        <fieldset>
          <legend>{t({ ru: 'Документы', en: 'Documents' })}</legend>
          <TextField
            name="snils"
            label={l.snils}
            value={v.snils}
            error={e.snils}
            inputmode="numeric"
            autocomplete="off"
            hint={{ ru: '11 цифр, например 123-456-789 64', en: '11 digits, e.g. 123-456-789 64' }}
          />
          <TextField
            name="birthCertificateSeries"
            label={l.birthCertificateSeries}
            value={v.birthCertificateSeries}
            error={e.birthCertificateSeries}
            autocomplete="off"
            hint={{ ru: 'Например IV-АГ', en: 'For example IV-АГ' }}
          />
          <TextField name="birthCertificateNumber" label={l.birthCertificateNumber} value={v.birthCertificateNumber} error={e.birthCertificateNumber} inputmode="numeric" autocomplete="off" hint={{ ru: '6 цифр', en: '6 digits' }} />
          <TextField name="passportSeries" label={l.passportSeries} value={v.passportSeries} error={e.passportSeries} inputmode="numeric" autocomplete="off" hint={{ ru: '4 цифры', en: '4 digits' }} />
          <TextField name="passportNumber" label={l.passportNumber} value={v.passportNumber} error={e.passportNumber} inputmode="numeric" autocomplete="off" hint={{ ru: '6 цифр', en: '6 digits' }} />
        </fieldset>
        <fieldset>
          <legend>{t({ ru: 'Контакты', en: 'Contacts' })}</legend>
          <TextField name="phone" label={l.phone} type="tel" value={v.phone} error={e.phone} autocomplete="off" />
          <TextField name="email" label={l.email} type="email" value={v.email} error={e.email} autocomplete="off" />
        </fieldset>
        <SelectField
          name="municipalityId"
          label={l.municipalityId}
          value={v.municipalityId}
          error={e.municipalityId}
          required
          emptyLabel={{ ru: 'Выберите', en: 'Choose' }}
          options={props.municipalities}
        />
        {props.organizations ? (
          <SelectField
            name="organizationId"
            label={l.organizationId}
            value={v.organizationId}
            error={e.organizationId}
            emptyLabel={{ ru: 'Не посещает', en: 'None' }}
            options={props.organizations}
          />
        ) : (
          <TextField
            name="organizationId"
            label={l.organizationId}
            value={v.organizationId}
            error={e.organizationId}
            autocomplete="off"
            hint={{ ru: 'Идентификатор организации из реестра; пусто — не посещает', en: 'The organisation id from the registry; empty if none' }}
          />
        )}
        <Button>{t(props.submitLabel)}</Button>
        <p>
          <a href={props.cancelHref}>{t({ ru: 'Отмена', en: 'Cancel' })}</a>
        </p>
      </Form>
    </>
  );
}

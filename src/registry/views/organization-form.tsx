/**
 * The staff form to add or edit an organisation. Fields the actor may not change (the policy's
 * `editableFields`) are shown as read-only text, not as inputs, so nothing is offered that the
 * server would refuse.
 */
import { organizationKinds } from '../organization.schema.ts';
import { organizationFields, type OrganizationField } from '../organization.policy.ts';
import { organizationFieldLabels, organizationKindNames, type OrganizationRow } from '../organization.service.ts';
import type { FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, SelectField, SummaryList, TextField, type FieldProps, type SelectOption } from '../../web/components.tsx';
import { useT } from '../../web/page-context.ts';

export interface OrganizationFormProps {
  mode: 'create' | 'edit';
  action: string;
  /** The user's input (or the stored values), as text. */
  values: Partial<Record<OrganizationField, string>>;
  errors: FieldErrors;
  editable: readonly OrganizationField[];
  /** Municipalities the actor may place the organisation in. */
  municipalities: SelectOption[];
  /** The stored record (edit only): read-only fields show its values. */
  current?: OrganizationRow;
  currentMunicipalityName?: string;
  version?: number;
  /** Set when the save was refused because someone else saved first (409). */
  conflict?: { message: Message; differences: Array<[string, string]> } | null;
}

const textFields: Array<{ name: OrganizationField; type?: FieldProps['type']; required?: boolean; hint?: Message; autocomplete?: string; inputmode?: FieldProps['inputmode']; maxlength?: number }> = [
  { name: 'fullName', required: true, maxlength: 500, hint: { ru: 'Как в уставе и в ЕГРЮЛ', en: 'As in the charter and the state register' } },
  { name: 'shortName', required: true, maxlength: 200 },
  { name: 'address', required: true, maxlength: 500, hint: { ru: 'Индекс, населённый пункт, улица, дом', en: 'Postcode, town, street, building' } },
  { name: 'headName', maxlength: 200, hint: { ru: 'Фамилия, имя, отчество', en: 'Full name' } },
  { name: 'phone', type: 'tel', autocomplete: 'tel', hint: { ru: 'Например, +7 (861) 255-12-34', en: 'For example, +7 (861) 255-12-34' } },
  { name: 'email', type: 'email', autocomplete: 'email', maxlength: 254 },
  { name: 'website', type: 'url', autocomplete: 'url', hint: { ru: 'Например, https://school1.ru', en: 'For example, https://school1.ru' } },
  { name: 'inn', required: true, inputmode: 'numeric', maxlength: 12, hint: { ru: '10 цифр', en: '10 digits' } },
  { name: 'ogrn', required: true, inputmode: 'numeric', maxlength: 15, hint: { ru: '13 цифр', en: '13 digits' } },
  { name: 'licenceNumber', maxlength: 200 },
  { name: 'capacity', inputmode: 'numeric', maxlength: 6, hint: { ru: 'Число мест, целое', en: 'Number of places, a whole number' } },
];

export function OrganizationFormView(props: OrganizationFormProps) {
  const t = useT();
  const editable = new Set(props.editable);
  const kindOptions: SelectOption[] = organizationKinds.map((k) => ({ value: k, label: t(organizationKindNames[k]) }));
  const current = props.current;
  const storedText = (o: OrganizationRow, field: OrganizationField): string | null => {
    if (field === 'municipalityId') return props.currentMunicipalityName ?? String(o.municipalityId);
    if (field === 'kind') return t(organizationKindNames[o.kind]);
    const value = o[field];
    return value === null ? null : String(value);
  };
  const readOnly: Array<[string, string | null]> = current
    ? organizationFields.filter((f) => !editable.has(f)).map((f) => [t(organizationFieldLabels[f]), storedText(current, f)])
    : [];
  const title =
    props.mode === 'create'
      ? t({ ru: 'Новая организация', en: 'New organisation' })
      : t({ ru: 'Редактирование: {name}', en: 'Editing: {name}' }, { name: current?.shortName ?? '' });
  return (
    <>
      <p>
        <a href={current ? `/organizations/${current.id}` : '/organizations'}>← {t({ ru: 'Назад', en: 'Back' })}</a>
      </p>
      <h1>{title}</h1>
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
      <ErrorSummary errors={props.errors} labels={organizationFieldLabels} />
      {readOnly.length > 0 && (
        <section aria-labelledby="read-only-title">
          <h2 id="read-only-title">{t({ ru: 'Изменяет учредитель', en: 'Changed by the founder' })}</h2>
          <p class="hint">
            {t({
              ru: 'Эти сведения меняет муниципальный орган управления образованием. Если они неверны, обратитесь туда.',
              en: 'These details are changed by the municipal education authority. If they are wrong, contact it.',
            })}
          </p>
          <SummaryList rows={readOnly} />
        </section>
      )}
      <Form action={props.action} aria-label={title}>
        {props.version !== undefined && <input type="hidden" name="version" value={String(props.version)} />}
        {editable.has('municipalityId') && (
          <SelectField
            name="municipalityId"
            label={organizationFieldLabels.municipalityId}
            options={props.municipalities}
            value={props.values.municipalityId ?? ''}
            error={props.errors.municipalityId}
            required
            emptyLabel={{ ru: 'Выберите', en: 'Choose' }}
          />
        )}
        {editable.has('kind') && (
          <SelectField
            name="kind"
            label={organizationFieldLabels.kind}
            options={kindOptions}
            value={props.values.kind ?? ''}
            error={props.errors.kind}
            required
            emptyLabel={{ ru: 'Выберите', en: 'Choose' }}
          />
        )}
        {textFields
          .filter((f) => editable.has(f.name))
          .map((f) => (
            <TextField
              key={f.name}
              name={f.name}
              label={organizationFieldLabels[f.name]}
              value={props.values[f.name] ?? ''}
              error={props.errors[f.name]}
              type={f.type}
              required={f.required}
              hint={f.hint}
              autocomplete={f.autocomplete}
              inputmode={f.inputmode}
              maxlength={f.maxlength}
            />
          ))}
        <Button>{props.mode === 'create' ? t({ ru: 'Добавить организацию', en: 'Add organisation' }) : t({ ru: 'Сохранить', en: 'Save' })}</Button>
      </Form>
    </>
  );
}

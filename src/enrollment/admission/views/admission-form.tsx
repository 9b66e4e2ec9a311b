/**
 * The draft of a first-grade application, online or at the desk. Works without JavaScript: the
 * address search is a submit button that re-renders the form with the houses found; choosing a
 * house and saving suggests the school(s) of its territory.
 */
import type { FieldErrors } from '../../../platform/errors.ts';
import type { Message } from '../../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, TextField } from '../../../web/components.tsx';
import { useT } from '../../../web/page-context.ts';
import { draftLabels, type DraftInput } from '../application.service.ts';

export interface DraftFormProps {
  mode: 'online' | 'desk';
  action: string;
  heading: Message;
  campaignLabel: string;
  stageText: string;
  values: DraftInput & { addressQuery: string; guardianReference?: string; version?: string };
  errors: FieldErrors;
  children: Array<{ id: string; name: string; birthDate: string }>;
  siblings: Array<{ id: string; name: string }>;
  houses: Array<{ id: string; label: string }> | null;
  chosenHouse: { id: string; label: string } | null;
  schools: Array<{ id: string; name: string; serving: boolean }>;
  categories: Array<{ value: string; label: string }>;
  ageWarning: string | null;
}

export function AdmissionDraftForm(props: DraftFormProps) {
  const t = useT();
  const v = props.values;
  const labels = { ...draftLabels, guardianReference: { ru: 'СНИЛС законного представителя', en: 'Guardian’s SNILS' } };
  return (
    <>
      <h1>{t(props.heading)}</h1>
      <p>
        {props.campaignLabel}. {props.stageText}
      </p>
      <ErrorSummary errors={props.errors} labels={labels} />
      {props.ageWarning && (
        <Notice>
          <p>{props.ageWarning}</p>
        </Notice>
      )}
      <Form action={props.action} aria-label={t(props.heading)}>
        {v.version && <input type="hidden" name="version" value={v.version} />}
        {props.mode === 'desk' && (
          <div class="preference-search">
            <TextField name="guardianReference" label={labels.guardianReference} value={v.guardianReference ?? ''} error={props.errors.guardianReference} maxlength={40} required />
            <Button kind="secondary" name="op" value="guardian">
              {t({ ru: 'Найти представителя', en: 'Find the guardian' })}
            </Button>
          </div>
        )}
        {props.children.length > 0 || props.mode === 'online' ? (
          <fieldset class="fieldset" id="field-childId">
            <legend>{t(draftLabels.childId)}</legend>
            {props.errors.childId && <p class="field-error">{t(props.errors.childId)}</p>}
            {props.children.length === 0 && <p>{t({ ru: 'В реестре нет детей, связанных с вами. Обратитесь в управление образования.', en: 'The registry links no children to you. Contact the education office.' })}</p>}
            {props.children.map((c) => (
              <div class="radio" key={c.id}>
                <input type="radio" id={`child-${c.id}`} name="childId" value={c.id} checked={v.childId === c.id} />
                <label for={`child-${c.id}`}>
                  {c.name}, {c.birthDate}
                </label>
              </div>
            ))}
          </fieldset>
        ) : null}
        <fieldset class="fieldset">
          <legend>{t({ ru: 'Адрес регистрации ребёнка', en: 'The child’s registered address' })}</legend>
          {v.houseId && <input type="hidden" name="currentHouseId" value={v.houseId} />}
          {props.chosenHouse && (
            <p>
              {t({ ru: 'Выбран дом: ', en: 'House chosen: ' })}
              <strong>{props.chosenHouse.label}</strong>
            </p>
          )}
          <div class="preference-search">
            <TextField name="addressQuery" label={draftLabels.addressQuery} value={v.addressQuery} hint={{ ru: 'Например: Краснодар Красная 12', en: 'For example: Krasnodar Krasnaya 12' }} maxlength={200} />
            <Button kind="secondary" name="op" value="search">
              {t({ ru: 'Найти адрес', en: 'Find the address' })}
            </Button>
          </div>
          {props.houses && (
            <fieldset class="fieldset" id="field-houseId">
              <legend>{t(draftLabels.houseId)}</legend>
              {props.houses.length === 0 && <p>{t({ ru: 'Ничего не найдено. Уточните запрос.', en: 'Nothing found. Refine the query.' })}</p>}
              {props.houses.map((h) => (
                <div class="radio" key={h.id}>
                  <input type="radio" id={`house-${h.id}`} name="houseId" value={h.id} checked={v.houseId === h.id} />
                  <label for={`house-${h.id}`}>{h.label}</label>
                </div>
              ))}
            </fieldset>
          )}
          {!props.houses && props.errors.houseId && (
            <p class="field-error" id="field-houseId">
              {t(props.errors.houseId)}
            </p>
          )}
          {!props.houses && v.houseId && <input type="hidden" name="houseId" value={v.houseId} />}
          <TextField name="apartment" label={draftLabels.apartment} value={v.apartment} error={props.errors.apartment} maxlength={20} />
          <TextField name="registeredSince" type="date" label={draftLabels.registeredSince} value={v.registeredSince} error={props.errors.registeredSince} hint={{ ru: 'ГГГГ-ММ-ДД, по документу о регистрации', en: 'YYYY-MM-DD, from the registration document' }} />
        </fieldset>
        <fieldset class="fieldset">
          <legend>{t({ ru: 'Школа', en: 'School' })}</legend>
          {props.schools.some((s) => s.serving) && (
            <p>
              {t({ ru: 'Дом закреплён за школой: ', en: 'The house is assigned to: ' })}
              <strong>{props.schools.filter((s) => s.serving).map((s) => s.name).join(', ')}</strong>
            </p>
          )}
          <SelectField
            name="organizationId"
            label={draftLabels.organizationId}
            value={v.organizationId}
            error={props.errors.organizationId}
            emptyLabel={{ ru: '— выберите школу —', en: '— choose a school —' }}
            options={props.schools.map((s) => ({ value: s.id, label: s.serving ? `${s.name} — ${t({ ru: 'закреплённая территория', en: 'catchment' })}` : s.name }))}
            required
          />
        </fieldset>
        <fieldset class="fieldset">
          <legend>{t({ ru: 'Право на приём (если есть)', en: 'Priority right (if any)' })}</legend>
          <SelectField name="priorityCode" label={draftLabels.priorityCode} value={v.priorityCode} error={props.errors.priorityCode} emptyLabel={{ ru: 'нет', en: 'none' }} options={props.categories} />
          <TextField name="priorityDocument" label={draftLabels.priorityDocument} value={v.priorityDocument} error={props.errors.priorityDocument} maxlength={200} />
          <SelectField name="siblingId" label={draftLabels.siblingId} value={v.siblingId} error={props.errors.siblingId} emptyLabel={{ ru: 'нет', en: 'none' }} options={props.siblings.map((s) => ({ value: s.id, label: s.name }))} />
        </fieldset>
        <Button name="op" value="save">
          {t({ ru: 'Сохранить черновик', en: 'Save the draft' })}
        </Button>
      </Form>
    </>
  );
}

/**
 * The application form (guardian online, operator at the desk) and the kindergarten picker.
 * Without JavaScript the whole draft travels in the form: every button posts it back, the server
 * re-renders it (search, add, move up/down, remove) until "Подать заявление".
 */
import type { FieldErrors } from '../../../platform/errors.ts';
import type { Message } from '../../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, SelectField, TextField, type SelectOption } from '../../../web/components.tsx';
import { useT } from '../../../web/page-context.ts';
import type { ApplicationFormValues, PersonFields } from '../application.service.ts';

export interface KindergartenChoice {
  id: string;
  name: string;
  address: string;
}

export interface ApplicationDraft {
  childId: string;
  child: PersonFields;
  guardian: PersonFields;
  application: ApplicationFormValues;
  search: string;
}

export interface ApplicationFormProps {
  mode: 'online' | 'desk';
  action: string;
  draft: ApplicationDraft;
  errors: FieldErrors;
  labels: Record<string, Message>;
  /** The guardian's linked children (online only). */
  children: Array<{ id: string; name: string; birthDate: string }>;
  municipalities: SelectOption[];
  orientations: SelectOption[];
  stayModes: SelectOption[];
  benefits: SelectOption[];
  relations: SelectOption[];
  chosen: KindergartenChoice[];
  results: KindergartenChoice[] | null;
  maxPreferences: number;
}

const sexOptions = (t: ReturnType<typeof useT>): SelectOption[] => [
  { value: 'female', label: t({ ru: 'Женский', en: 'Female' }) },
  { value: 'male', label: t({ ru: 'Мужской', en: 'Male' }) },
];

/** Ordered choice of kindergartens: search, add, move, remove — all by submit buttons. */
export function PreferencePicker(props: { chosen: KindergartenChoice[]; results: KindergartenChoice[] | null; search: string; max: number; error?: Message }) {
  const t = useT();
  const full = props.chosen.length >= props.max;
  return (
    <fieldset class={props.error ? 'fieldset field--error' : 'fieldset'} id="field-preferences">
      <legend>{t({ ru: `Детские сады — до ${props.max}, в порядке предпочтения`, en: `Kindergartens — up to ${props.max}, in order of preference` })}</legend>
      <p class="hint">{t({ ru: 'Первый в списке — основной выбор.', en: 'The first one is your main choice.' })}</p>
      {props.error && <p class="field-error">{t(props.error)}</p>}
      <div class="preference-search">
        <TextField name="kgSearch" type="search" value={props.search} label={{ ru: 'Найти детский сад: название, район или адрес', en: 'Find a kindergarten: name, district or address' }} maxlength={200} />
        <Button kind="secondary" name="op" value="search">
          {t({ ru: 'Найти', en: 'Search' })}
        </Button>
      </div>
      {props.results && (
        <section aria-labelledby="kg-results-title">
          <h3 id="kg-results-title">{t({ ru: 'Найдено', en: 'Found' })}</h3>
          {props.results.length === 0 ? (
            <p>{t({ ru: 'Ничего не найдено. Измените запрос или муниципальное образование.', en: 'Nothing found. Change the search or the municipality.' })}</p>
          ) : (
            <ul class="preference-list">
              {props.results.map((k) => (
                <li key={k.id}>
                  <span>
                    <strong>{k.name}</strong>
                    <br />
                    <span class="hint">{k.address}</span>
                  </span>
                  {props.chosen.some((c) => c.id === k.id) ? (
                    <span>{t({ ru: 'Выбран', en: 'Chosen' })}</span>
                  ) : full ? null : (
                    <Button kind="secondary" name="op" value={`add:${k.id}`}>
                      {t({ ru: 'Добавить', en: 'Add' })}
                      <span class="visually-hidden"> {k.name}</span>
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <h3>{t({ ru: 'Выбранные детские сады', en: 'Chosen kindergartens' })}</h3>
      {props.chosen.length === 0 ? (
        <p>{t({ ru: 'Пока ни одного. Найдите детский сад и нажмите «Добавить».', en: 'None yet. Find a kindergarten and press "Add".' })}</p>
      ) : (
        <ol class="preference-list">
          {props.chosen.map((k, i) => (
            <li key={k.id}>
              <input type="hidden" name="preferences" value={k.id} />
              <span>
                <strong>
                  {i + 1}. {k.name}
                </strong>
                <br />
                <span class="hint">{k.address}</span>
              </span>
              <span class="preference-actions">
                {i > 0 && (
                  <Button kind="secondary" name="op" value={`up:${k.id}`}>
                    ↑ {t({ ru: 'Выше', en: 'Up' })}
                    <span class="visually-hidden"> {k.name}</span>
                  </Button>
                )}
                {i < props.chosen.length - 1 && (
                  <Button kind="secondary" name="op" value={`down:${k.id}`}>
                    ↓ {t({ ru: 'Ниже', en: 'Down' })}
                    <span class="visually-hidden"> {k.name}</span>
                  </Button>
                )}
                <Button kind="secondary" name="op" value={`remove:${k.id}`}>
                  {t({ ru: 'Убрать', en: 'Remove' })}
                  <span class="visually-hidden"> {k.name}</span>
                </Button>
              </span>
            </li>
          ))}
        </ol>
      )}
    </fieldset>
  );
}

function PersonFieldsSet(props: { prefix: 'child' | 'guardian'; values: PersonFields; errors: FieldErrors; legend: Message; withPassport: boolean; withContacts: boolean; relations?: SelectOption[] }) {
  const t = useT();
  const name = (f: string) => `${props.prefix}${f[0]!.toUpperCase()}${f.slice(1)}`;
  const e = (f: string) => props.errors[name(f)];
  return (
    <fieldset class="fieldset">
      <legend>{t(props.legend)}</legend>
      <TextField name={name('lastName')} label={{ ru: 'Фамилия', en: 'Last name' }} value={props.values.lastName} error={e('lastName')} required autocomplete="off" maxlength={100} />
      <TextField name={name('firstName')} label={{ ru: 'Имя', en: 'First name' }} value={props.values.firstName} error={e('firstName')} required autocomplete="off" maxlength={100} />
      <TextField name={name('middleName')} label={{ ru: 'Отчество (если есть)', en: 'Middle name (if any)' }} value={props.values.middleName} error={e('middleName')} autocomplete="off" maxlength={100} />
      <TextField name={name('birthDate')} type="date" label={{ ru: 'Дата рождения', en: 'Date of birth' }} hint={{ ru: 'ГГГГ-ММ-ДД', en: 'YYYY-MM-DD' }} value={props.values.birthDate} error={e('birthDate')} required />
      <SelectField name={name('sex')} label={{ ru: 'Пол', en: 'Sex' }} options={sexOptions(t)} value={props.values.sex} error={e('sex')} emptyLabel={{ ru: '— выберите —', en: '— choose —' }} required />
      {props.prefix === 'child' && (
        <>
          <TextField name={name('birthCertificateSeries')} label={{ ru: 'Серия свидетельства о рождении', en: 'Birth certificate series' }} hint={{ ru: 'Например, IV-АГ', en: 'E.g. IV-АГ' }} value={props.values.birthCertificateSeries} error={e('birthCertificateSeries')} required maxlength={20} />
          <TextField name={name('birthCertificateNumber')} label={{ ru: 'Номер свидетельства о рождении', en: 'Birth certificate number' }} hint={{ ru: '6 цифр', en: '6 digits' }} value={props.values.birthCertificateNumber} error={e('birthCertificateNumber')} required inputmode="numeric" maxlength={10} />
        </>
      )}
      <TextField name={name('snils')} label={{ ru: props.prefix === 'child' ? 'СНИЛС ребёнка (если есть)' : 'СНИЛС', en: 'SNILS' }} hint={{ ru: '11 цифр', en: '11 digits' }} value={props.values.snils} error={e('snils')} inputmode="numeric" maxlength={20} />
      {props.withPassport && (
        <>
          <TextField name={name('passportSeries')} label={{ ru: 'Серия паспорта', en: 'Passport series' }} value={props.values.passportSeries} error={e('passportSeries')} inputmode="numeric" maxlength={10} />
          <TextField name={name('passportNumber')} label={{ ru: 'Номер паспорта', en: 'Passport number' }} value={props.values.passportNumber} error={e('passportNumber')} inputmode="numeric" maxlength={10} />
        </>
      )}
      {props.withContacts && (
        <>
          <TextField name={name('phone')} type="tel" label={{ ru: 'Телефон', en: 'Phone' }} value={props.values.phone} error={e('phone')} autocomplete="off" maxlength={30} />
          <TextField name={name('email')} type="email" label={{ ru: 'Электронная почта', en: 'Email' }} hint={{ ru: 'Сюда придут уведомления о заявлении', en: 'Notices about the application go here' }} value={props.values.email} error={e('email')} autocomplete="off" maxlength={200} />
        </>
      )}
      {props.relations && (
        <SelectField
          name={name('relation')}
          label={props.prefix === 'child' ? { ru: 'Кем вы приходитесь ребёнку', en: 'Your relation to the child' } : { ru: 'Кем заявитель приходится ребёнку', en: 'Applicant’s relation to the child' }}
          options={props.relations}
          value={props.values.relation}
          error={e('relation')}
          emptyLabel={{ ru: '— выберите —', en: '— choose —' }}
          required
        />
      )}
    </fieldset>
  );
}

export function ApplicationFormView(props: ApplicationFormProps) {
  const t = useT();
  const { draft, errors } = props;
  const a = draft.application;
  const heading: Message = props.mode === 'online' ? { ru: 'Заявление в детский сад', en: 'Kindergarten application' } : { ru: 'Регистрация заявления при личном обращении', en: 'Register an application in person' };
  return (
    <>
      <h1>{t(heading)}</h1>
      <ErrorSummary errors={errors} labels={props.labels} />
      <Form action={props.action} class="application-form" aria-label={t(heading)}>
        {props.mode === 'desk' && (
          <PersonFieldsSet prefix="guardian" values={draft.guardian} errors={errors} legend={{ ru: 'Заявитель (законный представитель)', en: 'Applicant (legal representative)' }} withPassport withContacts relations={props.relations} />
        )}
        {props.mode === 'online' && (
          <fieldset class="fieldset" id="field-childId">
            <legend>{t({ ru: 'Ребёнок', en: 'Child' })}</legend>
            {errors.childId && <p class="field-error">{t(errors.childId)}</p>}
            <div class="radios">
              {props.children.map((c) => (
                <div class="radio" key={c.id}>
                  <input type="radio" id={`child-${c.id}`} name="childId" value={c.id} checked={draft.childId === c.id} />
                  <label for={`child-${c.id}`}>
                    {c.name}, {c.birthDate.split('-').reverse().join('.')}
                  </label>
                </div>
              ))}
              <div class="radio">
                <input type="radio" id="child-new" name="childId" value="new" checked={draft.childId === 'new' || props.children.length === 0} />
                <label for="child-new">{t({ ru: 'Добавить ребёнка', en: 'Add a child' })}</label>
              </div>
            </div>
          </fieldset>
        )}
        {(
          // always shown: without JavaScript the fields cannot appear when the radio changes
          <PersonFieldsSet
            prefix="child"
            values={draft.child}
            errors={errors}
            legend={props.mode === 'online' ? { ru: 'Новый ребёнок (заполните, если выбрали «Добавить ребёнка»)', en: 'New child (fill in if you chose "Add a child")' } : { ru: 'Ребёнок', en: 'Child' }}
            withPassport={false}
            withContacts={false}
            relations={props.mode === 'online' ? props.relations : undefined}
          />
        )}
        <SelectField name="municipalityId" label={{ ru: 'Муниципальное образование, где находятся детские сады', en: 'Municipality of the kindergartens' }} options={props.municipalities} value={a.municipalityId} error={errors.municipalityId} required />
        <PreferencePicker chosen={props.chosen} results={props.results} search={draft.search} max={props.maxPreferences} error={errors.preferences} />
        <fieldset class="fieldset">
          <legend>{t({ ru: 'Условия', en: 'Conditions' })}</legend>
          <TextField name="desiredStartDate" type="date" label={{ ru: 'Желаемая дата начала посещения', en: 'Desired start date' }} hint={{ ru: 'ГГГГ-ММ-ДД', en: 'YYYY-MM-DD' }} value={a.desiredStartDate} error={errors.desiredStartDate} required />
          <SelectField name="orientationCode" label={{ ru: 'Направленность группы', en: 'Group orientation' }} options={props.orientations} value={a.orientationCode} error={errors.orientationCode} required />
          <SelectField name="stayModeCode" label={{ ru: 'Режим пребывания', en: 'Stay mode' }} options={props.stayModes} value={a.stayModeCode} error={errors.stayModeCode} required />
          <SelectField name="benefitCode" label={{ ru: 'Льгота', en: 'Benefit' }} options={props.benefits} value={a.benefitCode} error={errors.benefitCode} emptyLabel={{ ru: 'Нет льготы', en: 'No benefit' }} />
          <TextField name="benefitDocument" label={{ ru: 'Документ, подтверждающий льготу: название, номер, дата, кем выдан', en: 'Proving document: title, number, date, issuer' }} value={a.benefitDocument} error={errors.benefitDocument} maxlength={300} />
          <div class="checkbox">
            <input type="checkbox" id="field-consentAlternative" name="consentAlternative" value="yes" checked={a.consentAlternative} />
            <label for="field-consentAlternative">
              {t({ ru: 'Согласен(на) на другой детский сад, если в выбранных не будет мест', en: 'I agree to another kindergarten if the chosen ones have no place' })}
            </label>
          </div>
        </fieldset>
        <Button name="op" value="submit">
          {t(props.mode === 'online' ? { ru: 'Подать заявление', en: 'Submit the application' } : { ru: 'Зарегистрировать заявление', en: 'Register the application' })}
        </Button>
      </Form>
    </>
  );
}

/** The editor of an application's preferences (its own page). */
export function PreferencesEditView(props: { action: string; number: string; chosen: KindergartenChoice[]; results: KindergartenChoice[] | null; search: string; max: number; errors: FieldErrors; cancelHref: string }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: `Детские сады в заявлении № ${props.number}`, en: `Kindergartens of application No. ${props.number}` })}</h1>
      <p>{t({ ru: 'Дата и время регистрации заявления при изменении списка сохраняются.', en: 'The registration date and time are kept when the list changes.' })}</p>
      <ErrorSummary errors={props.errors} labels={{ preferences: { ru: 'Детские сады', en: 'Kindergartens' } }} />
      <Form action={props.action} aria-label={t({ ru: 'Изменение списка детских садов', en: 'Change the kindergartens' })}>
        <PreferencePicker chosen={props.chosen} results={props.results} search={props.search} max={props.max} error={props.errors.preferences} />
        <Button name="op" value="save">
          {t({ ru: 'Сохранить список', en: 'Save the list' })}
        </Button>{' '}
        <a href={props.cancelHref}>{t({ ru: 'Отмена', en: 'Cancel' })}</a>
      </Form>
    </>
  );
}

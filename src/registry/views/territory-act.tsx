/**
 * One act: its details, its rules grouped by school (with remove buttons while a draft), the
 * street search and the form to add a rule, publishing, and the link to the validation report.
 * Without JavaScript the street is chosen in two steps: search (GET), then pick.
 */
import type { FieldErrors } from '../../platform/errors.ts';
import { formatDate } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, SummaryList, TextField, type SelectOption } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';
import type { AddressObjectSummary } from '../address.service.ts';
import { territoryRuleKinds } from '../territory.schema.ts';
import { actFieldLabels, describeRule, ruleFieldLabels, ruleKindNames, type RuleView, type TerritoryActRow } from '../territory.service.ts';
import { actStatusNames } from './territory-acts.tsx';

export interface TerritoryActViewProps {
  act: TerritoryActRow;
  municipalityName: string;
  rules: RuleView[];
  schools: SelectOption[];
  streetQuery: string;
  streets: AddressObjectSummary[];
  /** The street picked for the new rule, and its houses. */
  street: AddressObjectSummary | null;
  houses: SelectOption[];
  values: Record<string, string>;
  errors: FieldErrors;
  notice: 'published' | 'added' | 'removed' | 'saved' | null;
}

export function TerritoryActView(props: TerritoryActViewProps) {
  const t = useT();
  const { locale } = usePage();
  const a = props.act;
  const draft = a.status === 'draft';
  const bySchool = new Map<string, RuleView[]>();
  for (const rule of props.rules) bySchool.set(rule.schoolName, [...(bySchool.get(rule.schoolName) ?? []), rule]);
  const value = (f: string) => props.values[f] ?? '';
  const notices = {
    published: { ru: 'Постановление опубликовано.', en: 'The act is published.' },
    added: { ru: 'Правило добавлено.', en: 'The rule is added.' },
    removed: { ru: 'Правило удалено.', en: 'The rule is removed.' },
    saved: { ru: 'Реквизиты постановления сохранены.', en: 'The details of the act are saved.' },
  };
  return (
    <>
      <p>
        <a href="/territories">← {t({ ru: 'Все постановления', en: 'All acts' })}</a>
      </p>
      {props.notice && <Notice kind="success">{t(notices[props.notice])}</Notice>}
      <h1>
        {t({ ru: 'Постановление', en: 'Act' })} № {a.number} {t({ ru: 'от', en: 'of' })} {formatDate(locale, a.signedOn)}
      </h1>
      <SummaryList
        rows={[
          [t(actFieldLabels.title), a.title],
          [t(actFieldLabels.municipalityId), props.municipalityName],
          [t(actFieldLabels.validFrom), formatDate(locale, a.validFrom)],
          [t({ ru: 'Статус', en: 'Status' }), t(actStatusNames[a.status])],
          [t(actFieldLabels.documentUrl), a.documentUrl && /^https?:\/\//i.test(a.documentUrl) ? <a href={a.documentUrl} rel="noopener noreferrer external">{a.documentUrl}</a> : a.documentUrl],
          [t(actFieldLabels.documentName), a.documentName],
        ]}
      />
      {!draft && (
        <p class="hint">
          {t({
            ru: 'Постановление опубликовано: его правила и даты больше не меняются (для изменений подготовьте новое постановление). Номер, наименование и документ можно исправить.',
            en: 'The act is published: its rules and dates no longer change (draft a new act for changes). The number, title and document can be corrected.',
          })}
        </p>
      )}
      <p>
        <a href={`/territories/${a.id}/edit`}>{draft ? t({ ru: 'Изменить реквизиты постановления', en: 'Change the details of the act' }) : t({ ru: 'Исправить номер, наименование или документ', en: 'Correct the number, title or document' })}</a>
      </p>
      <p>
        <a href={`/territories/${a.id}/report`}>{t({ ru: 'Проверка: дома без школы и дома с двумя школами', en: 'Check: houses with no school or with two' })}</a>
      </p>
      {draft && (
        <Form action={`/territories/${a.id}/publish`} aria-label={t({ ru: 'Публикация', en: 'Publishing' })}>
          <Button kind="warning">{t({ ru: 'Опубликовать постановление', en: 'Publish the act' })}</Button>
        </Form>
      )}

      <h2>{t({ ru: 'Закрепление по школам', en: 'Assignments by school' })}</h2>
      {bySchool.size === 0 && <p>{t({ ru: 'Правил пока нет.', en: 'No rules yet.' })}</p>}
      {[...bySchool.entries()].map(([school, rules]) => (
        <section key={school} aria-label={school}>
          <h3>{school}</h3>
          <ul class="rule-list">
            {rules.map((r) => (
              <li key={r.id}>
                {describeRule(r, locale)}
                {draft && (
                  <Form action={`/territories/${a.id}/rules/${r.id}/delete`} class="inline-form" aria-label={t({ ru: 'Удалить правило', en: 'Remove the rule' })}>
                    <Button kind="secondary">{t({ ru: 'Удалить', en: 'Remove' })}</Button>
                  </Form>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}

      {draft && (
        <>
          <h2 id="add-rule">{t({ ru: 'Добавить правило', en: 'Add a rule' })}</h2>
          <Form action={`/territories/${a.id}`} method="get" aria-label={t({ ru: 'Поиск улицы', en: 'Street search' })}>
            <TextField name="street" type="search" label={{ ru: 'Улица или населённый пункт', en: 'Street or settlement' }} value={props.streetQuery} maxlength={200} />
            <Button kind="secondary">{t({ ru: 'Найти улицу', en: 'Find the street' })}</Button>
          </Form>
          {props.streetQuery && !props.street && (
            props.streets.length > 0 ? (
              <ul class="address-results" aria-label={t({ ru: 'Найденные улицы', en: 'Streets found' })}>
                {props.streets.map((s) => (
                  <li key={s.id}>
                    <a href={`/territories/${a.id}?${new URLSearchParams({ street: props.streetQuery, objectId: s.id }).toString()}#add-rule`}>{s.label}</a>
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t({ ru: 'Ничего не найдено.', en: 'Nothing found.' })}</p>
            )
          )}
          {props.street && (
            <>
              <ErrorSummary errors={props.errors} labels={ruleFieldLabels} />
              <Form action={`/territories/${a.id}/rules`} aria-label={t({ ru: 'Новое правило', en: 'New rule' })}>
                <input type="hidden" name="objectId" value={props.street.id} />
                <p>
                  {t(ruleFieldLabels.objectId)}: <strong>{props.street.label}</strong>
                </p>
                <SelectField name="organizationId" label={ruleFieldLabels.organizationId} options={props.schools} value={value('organizationId')} error={props.errors.organizationId} required />
                <SelectField
                  name="kind"
                  label={ruleFieldLabels.kind}
                  options={territoryRuleKinds.map((k) => ({ value: k, label: t(ruleKindNames[k]) }))}
                  value={value('kind') || 'wholeStreet'}
                  error={props.errors.kind}
                  required
                />
                <TextField name="numberFrom" inputmode="numeric" label={ruleFieldLabels.numberFrom} value={value('numberFrom')} error={props.errors.numberFrom} hint={{ ru: 'Для диапазона и для стороны улицы (необязательно)', en: 'For a range, and optionally for a side' }} />
                <TextField name="numberTo" inputmode="numeric" label={ruleFieldLabels.numberTo} value={value('numberTo')} error={props.errors.numberTo} />
                <SelectField name="houseId" label={ruleFieldLabels.houseId} options={props.houses} value={value('houseId')} error={props.errors.houseId} emptyLabel={{ ru: '— для правила «один дом» —', en: '— for a single-house rule —' }} />
                <Button>{t({ ru: 'Добавить правило', en: 'Add the rule' })}</Button>
              </Form>
            </>
          )}
        </>
      )}
    </>
  );
}

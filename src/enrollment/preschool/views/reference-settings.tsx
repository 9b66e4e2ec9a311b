/**
 * The regional administrator's page of the waiting list's reference data: the region's numbers
 * (a form) and the four lists, each with its entries, their state and a link to edit them.
 */
import type { FieldErrors } from '../../../platform/errors.ts';
import { Button, ErrorSummary, Form, Notice, Table, TextField } from '../../../web/components.tsx';
import { useT } from '../../../web/page-context.ts';
import {
  benefitLevelNames,
  referenceKindNames,
  referenceKinds,
  settingFields,
  settingLabels,
  type ReferenceKind,
  type ReferenceLists,
  type SettingField,
} from '../reference.service.ts';

/** The URL segment of each list. */
export const kindSlugs: Record<ReferenceKind, string> = {
  ageGroups: 'age-groups',
  orientations: 'orientations',
  stayModes: 'stay-modes',
  benefits: 'benefits',
};

const settingHints: Partial<Record<SettingField, { ru: string; en: string }>> = {
  maxPreferences: { ru: 'В Краснодарском крае — 5', en: 'Krasnodar Krai: 5' },
  ageReferenceDay: { ru: 'Возраст считается на этот день года желаемого зачисления (обычно 1 сентября)', en: 'Age is taken on this day of the year of the desired start (usually 1 September)' },
};

export function ReferenceSettingsView(props: { values: Partial<Record<SettingField, string>>; errors: FieldErrors; lists: ReferenceLists; saved: boolean }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Справочники очереди в детские сады', en: 'Kindergarten waiting list reference data' })}</h1>
      {props.saved && (
        <Notice kind="success">
          <p>{t({ ru: 'Изменения сохранены', en: 'Changes saved' })}</p>
        </Notice>
      )}
      <section aria-labelledby="settings-title">
        <h2 id="settings-title">{t({ ru: 'Параметры региона', en: 'Region settings' })}</h2>
        <ErrorSummary errors={props.errors} labels={settingLabels} />
        <Form action="/preschool/settings" aria-label={t({ ru: 'Параметры региона', en: 'Region settings' })}>
          {settingFields.map((field) => (
            <TextField
              key={field}
              name={field}
              label={settingLabels[field]}
              value={props.values[field] ?? ''}
              error={props.errors[field]}
              hint={settingHints[field]}
              inputmode="numeric"
              maxlength={3}
              required
            />
          ))}
          <Button>{t({ ru: 'Сохранить параметры', en: 'Save settings' })}</Button>
        </Form>
      </section>
      {referenceKinds.map((kind) => (
        <ReferenceListSection key={kind} kind={kind} lists={props.lists} />
      ))}
    </>
  );
}

function ReferenceListSection(props: { kind: ReferenceKind; lists: ReferenceLists }) {
  const t = useT();
  const slug = kindSlugs[props.kind];
  const title = t(referenceKindNames[props.kind]);
  const rows: Array<{ code: string; nameRu: string; nameEn: string; active: boolean; extra: string }> = props.lists[props.kind].map((item) => ({
    code: item.code,
    nameRu: item.nameRu,
    nameEn: item.nameEn,
    active: item.active,
    extra:
      'minMonths' in item
        ? t({ ru: '{min}–{max} мес.', en: '{min}–{max} months' }, { min: item.minMonths, max: item.maxMonths })
        : 'level' in item
          ? t(benefitLevelNames[item.level])
          : '',
  }));
  const showExtra = props.kind === 'ageGroups' || props.kind === 'benefits';
  const headers = [t({ ru: 'Код', en: 'Code' }), t({ ru: 'Название', en: 'Name' }), ...(showExtra ? [props.kind === 'ageGroups' ? t({ ru: 'Возраст', en: 'Age' }) : t({ ru: 'Вид права', en: 'Level' })] : []), t({ ru: 'Состояние', en: 'State' }), t({ ru: 'Действия', en: 'Actions' })];
  return (
    <section aria-labelledby={`list-${slug}`}>
      <h2 id={`list-${slug}`}>{title}</h2>
      <Table caption={title} captionHidden headers={headers}>
        {rows.map((row) => (
          <tr key={row.code}>
            <td>
              <code>{row.code}</code>
            </td>
            <td>{t({ ru: row.nameRu, en: row.nameEn })}</td>
            {showExtra && <td>{row.extra}</td>}
            <td>{row.active ? t({ ru: 'действует', en: 'active' }) : t({ ru: 'не действует', en: 'inactive' })}</td>
            <td>
              <a href={`/preschool/settings/${slug}/${encodeURIComponent(row.code)}`}>
                {t({ ru: 'Изменить', en: 'Edit' })}
                <span class="visually-hidden"> {row.code}</span>
              </a>
            </td>
          </tr>
        ))}
      </Table>
      <p>
        <a href={`/preschool/settings/${slug}/new`}>{t({ ru: 'Добавить', en: 'Add' })}<span class="visually-hidden">: {title}</span></a>
      </p>
    </section>
  );
}

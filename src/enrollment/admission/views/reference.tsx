/** The regional administrator's page of admission reference data: the region's numbers and the priority categories. */
import type { FieldErrors } from '../../../platform/errors.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, Table, TextField } from '../../../web/components.tsx';
import { useT } from '../../../web/page-context.ts';
import { priorityLevels } from '../admission.schema.ts';
import { priorityLevelNames, type PriorityCategoryRow } from '../application.service.ts';
import { admissionSettingFields, admissionSettingMeta } from '../reference.service.ts';

const categoryLabels = {
  code: { ru: 'Код', en: 'Code' },
  level: { ru: 'Вид права', en: 'Level' },
  nameRu: { ru: 'Название (рус.)', en: 'Name (Russian)' },
  nameEn: { ru: 'Название (англ.)', en: 'Name (English)' },
  legalBasis: { ru: 'Правовое основание', en: 'Legal basis' },
  sort: { ru: 'Порядок в списке', en: 'Sort order' },
};

export function AdmissionReferenceView(props: {
  values: Record<string, string>;
  errors: FieldErrors;
  categories: PriorityCategoryRow[];
  category: Record<string, string>;
  categoryErrors: FieldErrors;
  saved: boolean;
}) {
  const t = useT();
  const settingLabels = Object.fromEntries(admissionSettingFields.map((f) => [f, admissionSettingMeta[f].label]));
  const c = props.category;
  return (
    <>
      <h1>{t({ ru: 'Справочники приёма в 1 класс', en: 'First-grade admission reference data' })}</h1>
      {props.saved && (
        <Notice kind="success">
          <p>{t({ ru: 'Изменения сохранены', en: 'Changes saved' })}</p>
        </Notice>
      )}
      <p>
        <a href="/settings/calendar">{t({ ru: 'Производственный календарь (рабочие дни для сроков)', en: 'Production calendar (working days for deadlines)' })}</a>
      </p>
      <h2>{t({ ru: 'Параметры региона (по умолчанию — приказ Минпросвещения № 458)', en: 'Region settings (defaults: Order 458)' })}</h2>
      <ErrorSummary errors={props.errors} labels={settingLabels} />
      <Form action="/admission/settings" aria-label={t({ ru: 'Параметры региона', en: 'Region settings' })}>
        {admissionSettingFields.map((f) => (
          <TextField key={f} name={f} label={admissionSettingMeta[f].label} value={props.values[f] ?? ''} error={props.errors[f]} inputmode="numeric" maxlength={4} required />
        ))}
        <Button>{t({ ru: 'Сохранить параметры', en: 'Save settings' })}</Button>
      </Form>
      <h2>{t({ ru: 'Категории права на приём', en: 'Priority categories' })}</h2>
      <Table caption={t({ ru: 'Категории права на приём', en: 'Priority categories' })} captionHidden headers={[t(categoryLabels.code), t({ ru: 'Название', en: 'Name' }), t(categoryLabels.level), t(categoryLabels.legalBasis), t({ ru: 'Состояние', en: 'State' })]}>
        {props.categories.map((k) => (
          <tr key={k.code}>
            <td>
              <a href={`/admission/settings?category=${encodeURIComponent(k.code)}#category-form`}>{k.code}</a>
            </td>
            <td>{t({ ru: k.nameRu, en: k.nameEn })}</td>
            <td>{t(priorityLevelNames[k.level])}</td>
            <td>{k.legalBasis}</td>
            <td>{k.active ? t({ ru: 'действует', en: 'active' }) : t({ ru: 'не действует', en: 'inactive' })}</td>
          </tr>
        ))}
      </Table>
      <h3 id="category-form">{t({ ru: 'Добавить или изменить категорию', en: 'Add or change a category' })}</h3>
      <ErrorSummary errors={props.categoryErrors} labels={categoryLabels} />
      <Form action="/admission/settings/categories" aria-label={t({ ru: 'Категория', en: 'Category' })}>
        <TextField name="code" label={categoryLabels.code} value={c.code ?? ''} error={props.categoryErrors.code} maxlength={40} required />
        <SelectField name="level" label={categoryLabels.level} value={c.level ?? ''} error={props.categoryErrors.level} options={priorityLevels.map((l) => ({ value: l, label: t(priorityLevelNames[l]) }))} required />
        <TextField name="nameRu" label={categoryLabels.nameRu} value={c.nameRu ?? ''} error={props.categoryErrors.nameRu} maxlength={300} required />
        <TextField name="nameEn" label={categoryLabels.nameEn} value={c.nameEn ?? ''} error={props.categoryErrors.nameEn} maxlength={300} required />
        <TextField name="legalBasis" label={categoryLabels.legalBasis} value={c.legalBasis ?? ''} error={props.categoryErrors.legalBasis} maxlength={1000} required />
        <TextField name="sort" label={categoryLabels.sort} value={c.sort ?? '100'} error={props.categoryErrors.sort} inputmode="numeric" maxlength={5} />
        <div class="checkbox">
          <input type="checkbox" id="field-documentRequired" name="documentRequired" value="on" checked={c.documentRequired !== 'off'} />
          <label for="field-documentRequired">{t({ ru: 'Нужен подтверждающий документ', en: 'A proving document is required' })}</label>
        </div>
        <div class="checkbox">
          <input type="checkbox" id="field-active" name="active" value="on" checked={c.active !== 'off'} />
          <label for="field-active">{t({ ru: 'Действует', en: 'Active' })}</label>
        </div>
        <Button>{t({ ru: 'Сохранить категорию', en: 'Save the category' })}</Button>
      </Form>
    </>
  );
}

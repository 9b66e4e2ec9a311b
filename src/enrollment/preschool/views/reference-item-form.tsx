/**
 * Add or edit one entry of a reference list. The code is set once (records refer to it) and
 * shown read-only afterwards; an entry is deactivated, never deleted.
 */
import type { FieldErrors } from '../../../platform/errors.ts';
import { Button, ErrorSummary, Form, SelectField, SummaryList, TextField } from '../../../web/components.tsx';
import { useT } from '../../../web/page-context.ts';
import { benefitLevels } from '../preschool.schema.ts';
import { benefitLevelNames, referenceFieldLabels, referenceFields, referenceKindNames, type ReferenceKind } from '../reference.service.ts';
import { kindSlugs } from './reference-settings.tsx';

export interface ReferenceItemFormProps {
  kind: ReferenceKind;
  mode: 'create' | 'edit';
  values: Record<string, string>;
  errors: FieldErrors;
  /** Edit only. */
  code?: string;
  active?: boolean;
}

export function ReferenceItemFormView(props: ReferenceItemFormProps) {
  const t = useT();
  const slug = kindSlugs[props.kind];
  const listName = t(referenceKindNames[props.kind]);
  const fields = referenceFields[props.kind].filter((f) => !(f === 'code' && props.mode === 'edit'));
  const action = props.mode === 'create' ? `/preschool/settings/${slug}/new` : `/preschool/settings/${slug}/${encodeURIComponent(props.code ?? '')}`;
  return (
    <>
      <p>
        <a href="/preschool/settings">← {t({ ru: 'К справочникам', en: 'Back to reference data' })}</a>
      </p>
      <h1>
        {props.mode === 'create'
          ? t({ ru: '{list}: новая запись', en: '{list}: new entry' }, { list: listName })
          : t({ ru: '{list}: {code}', en: '{list}: {code}' }, { list: listName, code: props.code ?? '' })}
      </h1>
      {props.mode === 'edit' && (
        <SummaryList
          rows={[
            [t(referenceFieldLabels.code!), props.code ?? ''],
            [t(referenceFieldLabels.active!), props.active ? t({ ru: 'да', en: 'yes' }) : t({ ru: 'нет — не предлагается в новых заявлениях', en: 'no — not offered in new applications' })],
          ]}
        />
      )}
      <ErrorSummary errors={props.errors} labels={referenceFieldLabels} />
      <Form action={action} aria-label={listName}>
        {fields.map((field) =>
          field === 'level' ? (
            <SelectField
              key={field}
              name="level"
              label={referenceFieldLabels.level!}
              options={benefitLevels.map((l) => ({ value: l, label: t(benefitLevelNames[l]) }))}
              value={props.values.level ?? ''}
              error={props.errors.level}
              emptyLabel={{ ru: '— выберите —', en: '— choose —' }}
              required
            />
          ) : (
            <TextField
              key={field}
              name={field}
              label={referenceFieldLabels[field]!}
              value={props.values[field] ?? ''}
              error={props.errors[field]}
              required={field !== 'sort'}
              inputmode={['minMonths', 'maxMonths', 'sort'].includes(field) ? 'numeric' : undefined}
              hint={field === 'code' ? { ru: 'Латинские буквы и цифры; после создания не меняется', en: 'Latin letters and digits; cannot be changed later' } : undefined}
            />
          ),
        )}
        <Button>{t({ ru: 'Сохранить', en: 'Save' })}</Button>
      </Form>
      {props.mode === 'edit' && (
        <Form action={`${action}/active`} aria-label={t({ ru: 'Действие записи', en: 'Whether the entry is active' })}>
          <input type="hidden" name="active" value={props.active ? 'false' : 'true'} />
          <p class="hint">
            {t({
              ru: 'Запись не удаляется: на неё ссылаются заявления и группы. Недействующая запись не предлагается в новых заявлениях.',
              en: 'Entries are never deleted: applications and groups refer to them. An inactive entry is not offered in new applications.',
            })}
          </p>
          <Button kind={props.active ? 'warning' : 'secondary'}>
            {props.active ? t({ ru: 'Сделать недействующей', en: 'Deactivate' }) : t({ ru: 'Сделать действующей', en: 'Reactivate' })}
          </Button>
        </Form>
      )}
    </>
  );
}

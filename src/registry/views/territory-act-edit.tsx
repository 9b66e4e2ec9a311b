/**
 * The form of an act's own fields (number, dates, title, document). A draft changes them all; a
 * published act only its number, title and document — its dates are shown, not offered, with the
 * reason (territory.service editableActFields). Works without JavaScript; the user's input is kept
 * on an error and on a conflict with someone else's edit.
 */
import type { FieldErrors } from '../../platform/errors.ts';
import { formatDate, type Message } from '../../platform/i18n/i18n.ts';
import { Button, ConflictSummary, ErrorSummary, Form, SummaryList, TextField } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';
import { actFieldLabels, type ActDetailField, type TerritoryActRow } from '../territory.service.ts';

export interface TerritoryActEditViewProps {
  act: TerritoryActRow;
  editable: readonly ActDetailField[];
  values: Record<string, string>;
  errors: FieldErrors;
  /** Someone else saved first: what is stored now, next to what this user typed. */
  conflict: { message: Message; differences: Array<[string, string]> } | null;
}

const fieldOptions: Record<ActDetailField, { type?: 'date' | 'url'; maxlength?: number; required?: boolean }> = {
  number: { maxlength: 50, required: true },
  signedOn: { type: 'date', required: true },
  title: { maxlength: 500, required: true },
  validFrom: { type: 'date', required: true },
  documentUrl: { type: 'url', maxlength: 500 },
  documentName: { maxlength: 200 },
};

export function TerritoryActEditView(props: TerritoryActEditViewProps) {
  const t = useT();
  const { locale } = usePage();
  const a = props.act;
  const published = a.status !== 'draft';
  const title = t({ ru: 'Реквизиты постановления', en: 'Details of the act' });
  return (
    <>
      <p>
        <a href={`/territories/${a.id}`}>
          ← {t({ ru: 'Постановление', en: 'Act' })} № {a.number}
        </a>
      </p>
      <h1>{title}</h1>
      {published && (
        <section aria-labelledby="locked-title">
          <h2 id="locked-title">{t({ ru: 'Постановление опубликовано: даты не меняются', en: 'The act is published: its dates do not change' })}</h2>
          <p class="hint">
            {t({
              ru: 'Даты подписания и вступления в силу определяют, какое постановление действует на день подачи заявления, и на них уже опираются семьи и школы. Номер, наименование и документ можно исправить (например, опечатку или ссылку на подписанный документ); каждое исправление записывается в журнал аудита. Чтобы изменить даты, подготовьте новое постановление.',
              en: 'The dates decide which act is in force on the day of an application, and families and schools already rely on them. The number, title and document can be corrected (a typo, the link to the signed document); every correction is audited. To change the dates, draft a new act.',
            })}
          </p>
          <SummaryList
            rows={[
              [t(actFieldLabels.signedOn), formatDate(locale, a.signedOn)],
              [t(actFieldLabels.validFrom), formatDate(locale, a.validFrom)],
            ]}
          />
        </section>
      )}
      {props.conflict && <ConflictSummary {...props.conflict} />}
      <ErrorSummary errors={props.errors} labels={actFieldLabels} />
      <Form action={`/territories/${a.id}/edit`} aria-label={title}>
        <input type="hidden" name="version" value={String(a.version)} />
        {props.editable.map((f) => (
          <TextField key={f} name={f} label={actFieldLabels[f]} value={props.values[f] ?? ''} error={props.errors[f]} {...fieldOptions[f]} />
        ))}
        <Button>{t({ ru: 'Сохранить реквизиты', en: 'Save the details' })}</Button>
      </Form>
    </>
  );
}

/** The territory editor's list of acts and the form of a new act. */
import type { FieldErrors } from '../../platform/errors.ts';
import { formatDate } from '../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, SelectField, Table, TextField, type SelectOption } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';
import { actFieldLabels, type TerritoryActRow } from '../territory.service.ts';

export const actStatusNames = {
  draft: { ru: 'черновик', en: 'draft' },
  published: { ru: 'опубликован', en: 'published' },
} as const;

export interface TerritoryActsViewProps {
  acts: TerritoryActRow[];
  municipalityNames: ReadonlyMap<number, string>;
  municipalities: SelectOption[];
  values: Record<string, string>;
  errors: FieldErrors;
}

export function TerritoryActsView(props: TerritoryActsViewProps) {
  const t = useT();
  const { locale } = usePage();
  const value = (f: string) => props.values[f] ?? '';
  return (
    <>
      <h1>{t({ ru: 'Закрепление территорий за школами', en: 'Territories assigned to schools' })}</h1>
      {props.acts.length > 0 ? (
        <Table
          caption={t({ ru: 'Постановления', en: 'Acts' })}
          headers={[
            t({ ru: 'Акт', en: 'Act' }),
            t({ ru: 'Муниципальное образование', en: 'Municipality' }),
            t({ ru: 'Действует с', en: 'Valid from' }),
            t({ ru: 'Статус', en: 'Status' }),
          ]}
        >
          {props.acts.map((a) => (
            <tr key={a.id}>
              <td>
                <a href={`/territories/${a.id}`}>
                  № {a.number} {t({ ru: 'от', en: 'of' })} {formatDate(locale, a.signedOn)}
                </a>
              </td>
              <td>{props.municipalityNames.get(a.municipalityId) ?? ''}</td>
              <td>{formatDate(locale, a.validFrom)}</td>
              <td>{t(actStatusNames[a.status])}</td>
            </tr>
          ))}
        </Table>
      ) : (
        <p>{t({ ru: 'Постановлений пока нет.', en: 'No acts yet.' })}</p>
      )}
      <h2>{t({ ru: 'Новое постановление', en: 'New act' })}</h2>
      <ErrorSummary errors={props.errors} labels={actFieldLabels} />
      <Form action="/territories/new">
        <SelectField
          name="municipalityId"
          label={actFieldLabels.municipalityId}
          options={props.municipalities}
          value={value('municipalityId')}
          error={props.errors.municipalityId}
          required
        />
        <TextField name="number" label={actFieldLabels.number} value={value('number')} error={props.errors.number} required maxlength={50} />
        <TextField name="signedOn" type="date" label={actFieldLabels.signedOn} value={value('signedOn')} error={props.errors.signedOn} required />
        <TextField name="title" label={actFieldLabels.title} value={value('title')} error={props.errors.title} required maxlength={500} />
        <TextField name="validFrom" type="date" label={actFieldLabels.validFrom} value={value('validFrom')} error={props.errors.validFrom} required />
        <TextField name="documentUrl" type="url" label={actFieldLabels.documentUrl} value={value('documentUrl')} error={props.errors.documentUrl} maxlength={500} />
        <TextField name="documentName" label={actFieldLabels.documentName} value={value('documentName')} error={props.errors.documentName} maxlength={200} />
        <Button>{t({ ru: 'Создать черновик', en: 'Create a draft' })}</Button>
      </Form>
    </>
  );
}

/** The public directory of organisations: a GET filter form, the count found, a table, pages, downloads. */
import { organizationKinds } from '../organization.schema.ts';
import { canCreateSomewhere } from '../organization.policy.ts';
import { organizationKindNames, type OrganizationRow } from '../organization.service.ts';
import { formatNumber, pluralRu } from '../../platform/i18n/i18n.ts';
import { Button, Form, Pagination, SelectField, Table, TextField, type SelectOption } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';

export interface DirectoryViewProps {
  /** What the visitor typed and chose, as it came in the URL. */
  query: { q: string; municipality: string; kind: string };
  municipalities: SelectOption[];
  municipalityNames: ReadonlyMap<number, string>;
  items: OrganizationRow[];
  total: number;
  nextHref: string | null;
  previousHref: string | null;
  /** Link to the first page, shown when this is not the first page. */
  firstHref: string | null;
  csvHref: string;
  jsonHref: string;
}

export function OrganizationDirectoryView(props: DirectoryViewProps) {
  const t = useT();
  const { actor, locale } = usePage();
  const kindOptions: SelectOption[] = organizationKinds.map((k) => ({ value: k, label: t(organizationKindNames[k]) }));
  const found =
    locale === 'ru'
      ? `Найдено: ${formatNumber(locale, props.total)} ${pluralRu(props.total, 'организация', 'организации', 'организаций')}`
      : `Found: ${formatNumber(locale, props.total)} ${props.total === 1 ? 'organisation' : 'organisations'}`;
  return (
    <>
      <h1>{t({ ru: 'Реестр образовательных организаций', en: 'Registry of educational organisations' })}</h1>
      {canCreateSomewhere(actor) && (
        <p class="actions">
          <a class="button button--primary" href="/organizations/new">
            {t({ ru: 'Добавить организацию', en: 'Add organisation' })}
          </a>
        </p>
      )}
      <Form action="/organizations" method="get" class="filters" aria-label={t({ ru: 'Поиск организаций', en: 'Search organisations' })}>
        <TextField
          name="q"
          type="search"
          label={{ ru: 'Название или адрес', en: 'Name or address' }}
          value={props.query.q}
          maxlength={200}
        />
        <SelectField
          name="municipality"
          label={{ ru: 'Муниципальное образование', en: 'Municipality' }}
          options={props.municipalities}
          value={props.query.municipality}
          emptyLabel={{ ru: 'Все', en: 'All' }}
        />
        <SelectField name="kind" label={{ ru: 'Вид организации', en: 'Kind of organisation' }} options={kindOptions} value={props.query.kind} emptyLabel={{ ru: 'Все', en: 'All' }} />
        <Button>{t({ ru: 'Найти', en: 'Search' })}</Button>
      </Form>
      <p role="status">
        <strong>{found}</strong>
      </p>
      <p>
        {t({ ru: 'Скачать найденное:', en: 'Download the results:' })} <a href={props.csvHref}>{t({ ru: 'таблица CSV (Excel)', en: 'CSV table (Excel)' })}</a>
        {', '}
        <a href={props.jsonHref}>JSON</a>
      </p>
      {props.items.length > 0 ? (
        <Table
          caption={t({ ru: 'Организации', en: 'Organisations' })}
          captionHidden
          headers={[
            t({ ru: 'Наименование', en: 'Name' }),
            t({ ru: 'Вид', en: 'Kind' }),
            t({ ru: 'Муниципальное образование', en: 'Municipality' }),
            t({ ru: 'Адрес', en: 'Address' }),
          ]}
        >
          {props.items.map((o) => (
            <tr key={o.id}>
              <td>
                <a href={`/organizations/${o.id}`}>{o.shortName}</a>
              </td>
              <td>{t(organizationKindNames[o.kind])}</td>
              <td>{props.municipalityNames.get(o.municipalityId) ?? ''}</td>
              <td>{o.address}</td>
            </tr>
          ))}
        </Table>
      ) : (
        <p>{t({ ru: 'Ничего не найдено. Измените условия поиска.', en: 'Nothing found. Change the search.' })}</p>
      )}
      <Pagination previousHref={props.previousHref} nextHref={props.nextHref} />
      {props.firstHref && (
        <p>
          <a href={props.firstHref}>{t({ ru: 'К началу списка', en: 'Back to the first page' })}</a>
        </p>
      )}
    </>
  );
}

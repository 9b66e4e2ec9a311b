/** The public list of the addresses assigned to one school, with the act in force. */
import { formatDate, formatNumber } from '../../platform/i18n/i18n.ts';
import { Pagination, Table } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';

export interface SchoolTerritoryViewProps {
  school: { id: string; shortName: string };
  act: { number: string; signedOn: string; documentUrl: string | null } | null;
  items: Array<{ id: string; label: string }>;
  total: number;
  nextHref: string | null;
  firstHref: string | null;
}

export function SchoolTerritoryView(props: SchoolTerritoryViewProps) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <p>
        <a href={`/organizations/${props.school.id}`}>← {props.school.shortName}</a>
      </p>
      <h1>
        {t({ ru: 'Закреплённая территория', en: 'Assigned territory' })}: {props.school.shortName}
      </h1>
      {props.act ? (
        <p>
          {t({ ru: 'Постановление', en: 'Act' })} № {props.act.number} {t({ ru: 'от', en: 'of' })} {formatDate(locale, props.act.signedOn)}
          {props.act.documentUrl && /^https?:\/\//i.test(props.act.documentUrl) && (
            <>
              {' '}
              (<a href={props.act.documentUrl} rel="noopener noreferrer external">{t({ ru: 'документ', en: 'document' })}</a>)
            </>
          )}
        </p>
      ) : (
        <p>{t({ ru: 'Действующего постановления о закреплении территорий нет.', en: 'No act assigning territories is in force.' })}</p>
      )}
      <p role="status">
        {t({ ru: 'Адресов', en: 'Addresses' })}: <strong>{formatNumber(locale, props.total)}</strong>
      </p>
      {props.items.length > 0 && (
        <Table caption={t({ ru: 'Адреса', en: 'Addresses' })} captionHidden headers={[t({ ru: 'Адрес', en: 'Address' })]}>
          {props.items.map((h) => (
            <tr key={h.id}>
              <td>{h.label}</td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination nextHref={props.nextHref} />
      {props.firstHref && (
        <p>
          <a href={props.firstHref}>{t({ ru: 'К началу списка', en: 'Back to the start of the list' })}</a>
        </p>
      )}
    </>
  );
}

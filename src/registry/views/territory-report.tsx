/** The validation report of an act: residential houses with no school or with two or more. */
import { formatNumber } from '../../platform/i18n/i18n.ts';
import { Pagination, Table } from '../../web/components.tsx';
import { usePage, useT } from '../../web/page-context.ts';
import type { TerritoryActRow, TerritoryReport } from '../territory.service.ts';

export function TerritoryReportView(props: {
  act: TerritoryActRow;
  report: TerritoryReport;
  problem: 'all' | 'unassigned' | 'multiple';
  schoolNames: ReadonlyMap<string, string>;
  nextHref: string | null;
  firstHref: string | null;
}) {
  const t = useT();
  const { locale } = usePage();
  const filterLink = (problem: string, label: string) =>
    props.problem === problem ? <strong>{label}</strong> : <a href={`/territories/${props.act.id}/report?problem=${problem}`}>{label}</a>;
  return (
    <>
      <p>
        <a href={`/territories/${props.act.id}`}>
          ← {t({ ru: 'Постановление', en: 'Act' })} № {props.act.number}
        </a>
      </p>
      <h1>{t({ ru: 'Проверка закрепления домов', en: 'Check of the assignment of houses' })}</h1>
      <p role="status">
        {t({ ru: 'Жилых домов без школы', en: 'Residential houses with no school' })}: <strong>{formatNumber(locale, props.report.unassigned)}</strong>;{' '}
        {t({ ru: 'закреплённых за двумя школами и более', en: 'assigned to two schools or more' })}: <strong>{formatNumber(locale, props.report.multiple)}</strong>
      </p>
      <p>
        {filterLink('all', t({ ru: 'Все ошибки', en: 'All problems' }))} · {filterLink('unassigned', t({ ru: 'Без школы', en: 'No school' }))} ·{' '}
        {filterLink('multiple', t({ ru: 'Две школы и более', en: 'Two schools or more' }))}
      </p>
      {props.report.items.length > 0 ? (
        <Table caption={t({ ru: 'Дома с ошибками', en: 'Houses with problems' })} headers={[t({ ru: 'Адрес', en: 'Address' }), t({ ru: 'Школы', en: 'Schools' })]}>
          {props.report.items.map((h) => (
            <tr key={h.id}>
              <td>{h.label}</td>
              <td>{h.organizationIds.length === 0 ? t({ ru: 'нет', en: 'none' }) : h.organizationIds.map((id) => props.schoolNames.get(id) ?? id).join('; ')}</td>
            </tr>
          ))}
        </Table>
      ) : (
        <p>{t({ ru: 'Ошибок нет: каждый жилой дом закреплён ровно за одной школой.', en: 'No problems: every residential house has exactly one school.' })}</p>
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

/** Public, no login: a campaign's schools with their numbers, and one school's numbers. Numbers only. */
import { formatDateTime } from '../../../platform/i18n/i18n.ts';
import { SummaryList, Table } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { priorityLevelNames, type SchoolCounters } from '../application.service.ts';

const levels = ['outOfTurn', 'first', 'sibling', 'territory', 'other'] as const;

export function LiveCampaignView(props: { title: string; windows: string; schools: SchoolCounters[]; base: string; at: Date; seedHash: string | null; protocolsHref?: string }) {
  const t = useT();
  const { locale } = usePage();
  const sum = (f: (s: SchoolCounters) => number) => props.schools.reduce((n, s) => n + f(s), 0);
  return (
    <>
      <h1>{props.title}</h1>
      <p>{props.windows}</p>
      {props.seedHash && (
        <p>
          {t({ ru: 'Порядок — лотерея. SHA-256 зерна: ', en: 'Ordering: lottery. Seed SHA-256: ' })}
          <code>{props.seedHash}</code>
        </p>
      )}
      <p>{t({ ru: 'Данные на {at} (МСК), обновляются каждую минуту.', en: 'As of {at} (Moscow), refreshed every minute.' }, { at: formatDateTime(locale, props.at) })}</p>
      <Table caption={t({ ru: 'Места и заявления по школам', en: 'Places and applications by school' })} headers={[t({ ru: 'Школа', en: 'School' }), t({ ru: 'Мест', en: 'Places' }), t({ ru: 'Заявлений', en: 'Applications' }), t({ ru: 'Зачислено', en: 'Enrolled' }), t({ ru: 'Свободно', en: 'Free' })]}>
        {props.schools.map((s) => (
          <tr key={s.organizationId}>
            <td>
              <a href={`${props.base}/schools/${s.organizationId}`}>{s.schoolName}</a>
            </td>
            <td>{s.plannedPlaces}</td>
            <td>{s.applications}</td>
            <td>{s.enrolled}</td>
            <td>{s.freePlaces}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">{t({ ru: 'Всего', en: 'Total' })}</th>
          <td>{sum((s) => s.plannedPlaces)}</td>
          <td>{sum((s) => s.applications)}</td>
          <td>{sum((s) => s.enrolled)}</td>
          <td>{sum((s) => s.freePlaces)}</td>
        </tr>
      </Table>
      {props.protocolsHref && (
        <p>
          <a href={props.protocolsHref}>{t({ ru: 'Протоколы порядка приёма по этой кампании', en: 'Protocols of the order of admission for this campaign' })}</a>
        </p>
      )}
    </>
  );
}

export function LiveSchoolView(props: { title: string; campaignHref: string; school: SchoolCounters; at: Date }) {
  const t = useT();
  const { locale } = usePage();
  const s = props.school;
  return (
    <>
      <h1>{props.title}</h1>
      <p>{t({ ru: 'Данные на {at} (МСК).', en: 'As of {at} (Moscow).' }, { at: formatDateTime(locale, props.at) })}</p>
      <SummaryList
        rows={[
          [t({ ru: 'Мест в 1 классах по плану', en: 'Planned first-grade places' }), String(s.plannedPlaces)],
          [t({ ru: 'Заявлений принято', en: 'Applications received' }), String(s.applications)],
          [t({ ru: 'Зачислено', en: 'Enrolled' }), String(s.enrolled)],
          [t({ ru: 'Свободных мест', en: 'Free places' }), String(s.freePlaces)],
        ]}
      />
      <Table caption={t({ ru: 'Заявления по праву на приём', en: 'Applications by priority' })} headers={[t({ ru: 'Право', en: 'Right' }), t({ ru: 'Заявлений', en: 'Applications' })]}>
        {levels.map((l) => (
          <tr key={l}>
            <td>{t(priorityLevelNames[l])}</td>
            <td>{s.byLevel[l]}</td>
          </tr>
        ))}
      </Table>
      <p>
        <a href={props.campaignHref}>{t({ ru: 'Все школы кампании', en: 'All schools of the campaign' })}</a>
      </p>
    </>
  );
}

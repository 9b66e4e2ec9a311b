/** Published allocation protocols: the list and one protocol (numbers only, with the hash and how to reproduce it). */
import { formatDate, formatDateTime, formatNumber } from '../../../platform/i18n/i18n.ts';
import { SummaryList, Table } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { runKindNames, type RunRow, type RunSummary, type StoredResult } from '../allocation-run.service.ts';

export const protocolRows = 1000;

export function ProtocolListView(props: { protocols: RunSummary[]; municipalityNames: ReadonlyMap<number, string> }) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{t({ ru: 'Протоколы комплектования', en: 'Allocation protocols' })}</h1>
      <p>
        {t({
          ru: 'Каждое утверждённое комплектование публикуется: обезличенные исходные данные (только номера заявлений), результат, версия алгоритма и контрольная сумма SHA-256. Любой может повторить расчёт командой npx prostor allocate.',
          en: 'Every committed allocation is published: the anonymised instance (application numbers only), the result, the engine version and the SHA-256 hash. Anyone can re-run it with npx prostor allocate.',
        })}
      </p>
      {props.protocols.length === 0 ? (
        <p>{t({ ru: 'Протоколов пока нет.', en: 'No protocols yet.' })}</p>
      ) : (
        <Table caption={t({ ru: 'Протоколы, сначала новые', en: 'Protocols, newest first' })}
          headers={[t({ ru: 'Муниципалитет', en: 'Municipality' }), t({ ru: 'Дата', en: 'Date' }), t({ ru: 'Вид', en: 'Kind' }), t({ ru: 'Механизм', en: 'Mechanism' }), t({ ru: 'Направлений', en: 'Offers' }), 'SHA-256']}>
          {props.protocols.map((p) => (
            <tr key={p.id}>
              <td>{props.municipalityNames.get(p.municipalityId) ?? p.municipalityId}</td>
              <td>
                <a href={`/preschool/protocols/${p.id}`}>{formatDate(locale, p.allocationDate)}</a>
              </td>
              <td>{t(runKindNames[p.kind])}</td>
              <td>{p.mechanism}</td>
              <td>{formatNumber(locale, p.assigned)}</td>
              <td>
                <code class="hash">{p.instanceSha256}</code>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export function ProtocolView(props: { run: RunRow; municipalityName: string }) {
  const t = useT();
  const { locale } = usePage();
  const { run } = props;
  const stored = run.result as StoredResult;
  const rows = Object.entries(stored.main.assignment);
  return (
    <>
      <h1>
        {t({ ru: 'Протокол', en: 'Protocol' })}: {t(runKindNames[run.kind])}, {props.municipalityName}, {formatDate(locale, run.allocationDate)}
      </h1>
      <SummaryList
        rows={[
          [t({ ru: 'Утверждено', en: 'Committed' }), run.committedAt ? formatDateTime(locale, run.committedAt) : ''],
          [t({ ru: 'Механизм', en: 'Mechanism' }), run.mechanism],
          [t({ ru: 'Версия алгоритма', en: 'Engine version' }), run.engineVersion],
          [t({ ru: 'SHA-256 исходных данных', en: 'Instance SHA-256' }), <code class="hash">{run.instanceSha256}</code>],
          [t({ ru: 'Заявлений / получили направление', en: 'Applicants / placed' }), `${formatNumber(locale, stored.main.summary.applicants)} / ${formatNumber(locale, stored.main.summary.assigned)}`],
        ]}
      />
      <h2>{t({ ru: 'Как проверить', en: 'How to check it' })}</h2>
      <ol>
        <li>
          <a href={`/preschool/protocols/${run.id}/instance.json`} download>{t({ ru: 'Скачайте исходные данные (instance.json)', en: 'Download the instance (instance.json)' })}</a>
          {stored.alternative && (
            <>
              {' '}
              {t({ ru: 'и второй этап — ближайший детский сад', en: 'and the second stage — the nearest kindergarten' })}:{' '}
              <a href={`/preschool/protocols/${run.id}/alternative-instance.json`} download>alternative-instance.json</a> (SHA-256 <code class="hash">{stored.alternative.result.instanceSha256}</code>)
            </>
          )}
          .
        </li>
        <li>
          {t({ ru: 'Выполните', en: 'Run' })} <code>npx prostor allocate instance.json</code>{' '}
          {t({ ru: '(хэш считается от канонической формы JSON, а не от байтов файла; см. docs/allocation.md).', en: '(the hash is of the canonical JSON form, see docs/allocation.md, not of the file bytes).' })}
        </li>
        <li>
          {t({ ru: 'Сравните поле assignment с таблицей ниже и instanceSha256 с контрольной суммой выше. Полный результат: ', en: 'Compare "assignment" with the table below and instanceSha256 with the hash above. The full result: ' })}
          <a href={`/preschool/protocols/${run.id}/result.json`}>result.json</a>.
        </li>
      </ol>
      <Table caption={t({ ru: 'Результат по номерам заявлений', en: 'Result by application number' })} headers={[t({ ru: 'Заявление', en: 'Application' }), t({ ru: 'Место', en: 'Place' })]}>
        {rows.slice(0, protocolRows).map(([number, place]) => (
          <tr key={number}>
            <td>{number}</td>
            <td>{place ? <code>{place}</code> : t({ ru: 'остаётся в очереди', en: 'stays in the queue' })}</td>
          </tr>
        ))}
      </Table>
      {rows.length > protocolRows && <p>{t({ ru: `Показаны первые ${protocolRows} из ${rows.length}; полностью — в result.json.`, en: `The first ${protocolRows} of ${rows.length}; all in result.json.` })}</p>}
    </>
  );
}

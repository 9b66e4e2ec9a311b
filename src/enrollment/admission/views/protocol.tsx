/** Published protocols of the order of admission: a campaign's list and one protocol (receipt numbers only, with the hash and how to re-run it). */
import { formatDateTime, formatNumber } from '../../../platform/i18n/i18n.ts';
import { Button, Form, Notice, Pagination, SummaryList, Table, TextField } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import type { AdmissionRunRow, AdmissionRunSummary, StoredAdmissionResult } from '../admission-order.service.ts';
import type { CampaignRow } from '../campaign.service.ts';

export const protocolRows = 1000;

export function AdmissionProtocolListView(props: { campaign: CampaignRow; municipalityName: string; protocols: AdmissionRunSummary[]; nextHref: string | null }) {
  const t = useT();
  const { locale } = usePage();
  const { campaign } = props;
  return (
    <>
      <h1>
        {t({ ru: 'Протоколы приёма в 1 класс', en: 'First-grade admission protocols' })}: {props.municipalityName}, {campaign.year}
      </h1>
      <p>
        {t({
          ru: 'Каждое утверждённое решение о приёме публикуется: обезличенные исходные данные (только номера заявлений), результат, версия алгоритма и контрольная сумма SHA-256. Любой может повторить расчёт командой npx prostor allocate.',
          en: 'Every committed admission decision is published: the anonymised instance (receipt numbers only), the result, the engine version and the SHA-256 hash. Anyone can re-run it with npx prostor allocate.',
        })}
      </p>
      {campaign.ordering === 'lottery' && (
        <SummaryList
          rows={[
            [t({ ru: 'SHA-256 зерна жеребьёвки (опубликован до начала приёма)', en: 'Lottery seed SHA-256 (published before opening)' }), <code class="hash">{campaign.lotterySeedSha256 ?? '—'}</code>],
            [t({ ru: 'Зерно (раскрыто после окна жеребьёвки)', en: 'Seed (revealed after the lottery window)' }), campaign.lotterySeed ? <code>{campaign.lotterySeed}</code> : t({ ru: 'ещё не раскрыто', en: 'not revealed yet' })],
          ]}
        />
      )}
      {props.protocols.length === 0 ? (
        <p>{t({ ru: 'Протоколов пока нет.', en: 'No protocols yet.' })}</p>
      ) : (
        <Table caption={t({ ru: 'Протоколы, сначала новые', en: 'Protocols, newest first' })} headers={[t({ ru: 'Утверждён', en: 'Committed' }), t({ ru: 'Этап', en: 'Stage' }), t({ ru: 'Мест предоставлено', en: 'Places given' }), 'SHA-256']}>
          {props.protocols.map((p) => (
            <tr key={p.id}>
              <td>
                <a href={`/admission/protocols/${p.id}`}>{p.committedAt ? formatDateTime(locale, p.committedAt) : ''}</a>
              </td>
              <td>{p.stage}</td>
              <td>
                {formatNumber(locale, p.assigned)} / {formatNumber(locale, p.applicants)}
              </td>
              <td>
                <code class="hash">{p.instanceSha256}</code>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination nextHref={props.nextHref} />
    </>
  );
}

export interface ProtocolLookup {
  number: string;
  error: { ru: string; en: string } | null;
  /** The decision found: the school, or null for no place. */
  found: { school: string | null; offered: string | null } | null;
}

export function AdmissionProtocolView(props: { run: AdmissionRunRow; title: string; schools: ReadonlyMap<string, string> }) {
  const t = useT();
  const { locale } = usePage();
  const { run } = props;
  const stored = run.result as StoredAdmissionResult;
  const rows = Object.entries(stored.result.assignment);
  const name = (id: string) => props.schools.get(id) ?? id;
  return (
    <>
      <h1>{props.title}</h1>
      <SummaryList
        rows={[
          [t({ ru: 'Утверждено', en: 'Committed' }), run.committedAt ? formatDateTime(locale, run.committedAt) : ''],
          [t({ ru: 'Этап', en: 'Stage' }), String(run.stage)],
          [t({ ru: 'Версия алгоритма', en: 'Engine version' }), run.engineVersion],
          [t({ ru: 'SHA-256 исходных данных', en: 'Instance SHA-256' }), <code class="hash">{run.instanceSha256}</code>],
          [t({ ru: 'Заявлений / получили место', en: 'Applications / placed' }), `${formatNumber(locale, stored.result.summary.applicants)} / ${formatNumber(locale, stored.result.summary.assigned)}`],
        ]}
      />
      <p>
        <a href={`/admission/protocols/${run.id}/lookup`}>{t({ ru: 'Найти решение по номеру заявления', en: 'Find the decision by receipt number' })}</a>
      </p>
      <h2>{t({ ru: 'Как проверить', en: 'How to check it' })}</h2>
      <ol>
        <li>
          <a href={`/admission/protocols/${run.id}/instance.json`} download>
            {t({ ru: 'Скачайте исходные данные (instance.json)', en: 'Download the instance (instance.json)' })}
          </a>
          .{' '}
          {t({
            ru: 'Порядок tieBreak.order: при жеребьёвке — заявления окна по возрастанию SHA-256 строки «зерно:номер» (printf %s "ЗЕРНО:17" | sha256sum), затем остальные по номеру; иначе по номеру заявления.',
            en: 'The tieBreak.order: with a lottery, the window’s applications by ascending SHA-256 of "seed:number" (printf %s "SEED:17" | sha256sum), then the rest by number; otherwise by receipt number.',
          })}
        </li>
        <li>
          {t({ ru: 'Выполните', en: 'Run' })} <code>npx prostor allocate instance.json</code>{' '}
          {t({ ru: '(хэш считается от канонической формы JSON, см. docs/allocation.md).', en: '(the hash is of the canonical JSON form, see docs/allocation.md).' })}
        </li>
        <li>
          {t({ ru: 'Сравните поле assignment с таблицей ниже. Полный результат: ', en: 'Compare "assignment" with the table below. The full result: ' })}
          <a href={`/admission/protocols/${run.id}/result.json`}>result.json</a>.
        </li>
      </ol>
      <Table caption={t({ ru: 'Результат по номерам заявлений', en: 'Result by receipt number' })} headers={[t({ ru: 'Номер заявления', en: 'Receipt number' }), t({ ru: 'Решение', en: 'Decision' })]}>
        {rows.slice(0, protocolRows).map(([number, school]) => (
          <tr key={number}>
            <td>{number}</td>
            <td>
              {school
                ? name(school)
                : `${t({ ru: 'нет мест', en: 'no places' })}${stored.offers[number] ? `; ${t({ ru: 'предложено', en: 'offered' })}: ${name(stored.offers[number]!)}` : ''}`}
            </td>
          </tr>
        ))}
      </Table>
      {rows.length > protocolRows && <p>{t({ ru: `Показаны первые ${protocolRows} из ${rows.length}; полностью — в result.json.`, en: `The first ${protocolRows} of ${rows.length}; all in result.json.` })}</p>}
    </>
  );
}

/** Looking a receipt number up in a protocol (a POST form, so the number stays out of URLs and logs). */
export function ProtocolLookupView(props: { run: AdmissionRunRow; title: string; schools: ReadonlyMap<string, string>; lookup: ProtocolLookup }) {
  const t = useT();
  const { run, lookup } = props;
  const name = (id: string) => props.schools.get(id) ?? id;
  return (
    <>
      <h1>{props.title}</h1>
      {lookup.found && (
        <Notice>
          {t({ ru: `Заявление № ${lookup.number}: `, en: `Application no. ${lookup.number}: ` })}
          {lookup.found.school
            ? `${t({ ru: 'место в школе', en: 'a place at' })} ${name(lookup.found.school)}`
            : `${t({ ru: 'мест нет', en: 'no places' })}${lookup.found.offered ? `; ${t({ ru: 'предложено', en: 'offered' })}: ${name(lookup.found.offered)}` : ''}`}
        </Notice>
      )}
      <Form action={`/admission/protocols/${run.id}/lookup`} aria-label={t({ ru: 'Поиск по номеру', en: 'Find by number' })}>
        <TextField name="number" label={{ ru: 'Номер заявления', en: 'Receipt number' }} value={lookup.number} error={lookup.error ?? undefined} inputmode="numeric" required />
        <Button>{t({ ru: 'Найти', en: 'Find' })}</Button>
      </Form>
      <p>
        <a href={`/admission/protocols/${run.id}`}>{t({ ru: 'К протоколу', en: 'Back to the protocol' })}</a>
      </p>
    </>
  );
}

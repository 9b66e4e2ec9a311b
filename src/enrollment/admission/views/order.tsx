/** The municipal operator's pages of the order of admission: campaigns, a campaign's runs with the dry-run form, a run's review. */
import { formatDateTime, formatNumber } from '../../../platform/i18n/i18n.ts';
import { Button, Form, Notice, SelectField, SummaryList, Table } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { admissionRunStatusNames, type AdmissionRunRow, type AdmissionRunSummary, type StoredAdmissionResult } from '../admission-order.service.ts';
import type { CampaignRow } from '../campaign.service.ts';

export const orderingNames = {
  receipt: { ru: 'по времени приёма заявления', en: 'by receipt time' },
  lottery: { ru: 'жеребьёвка среди поданных в первые часы, затем по времени приёма', en: 'lottery among the first hours, then by receipt' },
};

export function CampaignChoiceView(props: { campaigns: CampaignRow[]; municipalityNames: ReadonlyMap<number, string> }) {
  const t = useT();
  return (
    <>
      <h1>{t({ ru: 'Очерёдность приёма в 1 класс', en: 'Order of first-grade admission' })}</h1>
      {props.campaigns.length === 0 ? (
        <p>{t({ ru: 'Кампаний пока нет.', en: 'No campaigns yet.' })}</p>
      ) : (
        <Table caption={t({ ru: 'Кампании', en: 'Campaigns' })} headers={[t({ ru: 'Кампания', en: 'Campaign' }), t({ ru: 'Очерёдность', en: 'Ordering' })]}>
          {props.campaigns.map((c) => (
            <tr key={c.id}>
              <td>
                <a href={`/admission/order/campaigns/${c.id}`}>
                  {props.municipalityNames.get(c.municipalityId) ?? c.municipalityId}, {c.year}
                </a>
              </td>
              <td>{t(orderingNames[c.ordering])}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export function CampaignRunsView(props: { campaign: CampaignRow; municipalityName: string; runs: AdmissionRunSummary[]; stage: string; error: string | null }) {
  const t = useT();
  const { locale } = usePage();
  const { campaign } = props;
  return (
    <>
      <h1>
        {t({ ru: 'Очерёдность приёма', en: 'Order of admission' })}: {props.municipalityName}, {campaign.year}
      </h1>
      <p>
        {t({
          ru: 'Пробный расчёт ничего не меняет: он показывает, кто получит место по очерёдности (внеочередное, первоочередное, преимущественное право, территория, затем остальные; внутри — порядок приёма или жеребьёвка), кому будет отказано и какую школу муниципалитет предложит взамен.',
          en: 'A dry run changes nothing: it shows who gets a place in the order of admission (out of turn, first priority, sibling, territory, then the rest; within each, the receipt order or the lottery), who is refused and which school the municipality offers instead.',
        })}
      </p>
      <SummaryList
        rows={[
          [t({ ru: 'Очерёдность внутри уровня', en: 'Order within a level' }), t(orderingNames[campaign.ordering])],
          ...(campaign.ordering === 'lottery'
            ? ([
                [t({ ru: 'Окно жеребьёвки, часов', en: 'Lottery window, hours' }), String(campaign.lotteryWindowHours ?? '')],
                [t({ ru: 'SHA-256 зерна (опубликован до начала)', en: 'Seed SHA-256 (published before opening)' }), <code class="hash">{campaign.lotterySeedSha256 ?? '—'}</code>],
                [t({ ru: 'Зерно', en: 'Seed' }), campaign.lotterySeed ? <code>{campaign.lotterySeed}</code> : t({ ru: 'ещё не раскрыто', en: 'not revealed yet' })],
              ] as Array<[string, preact.ComponentChildren]>)
            : []),
        ]}
      />
      {props.error && (
        <div class="error-summary" role="alert" tabindex={-1}>
          <h2>{t({ ru: 'Расчёт не выполнен', en: 'No run made' })}</h2>
          <p>{props.error}</p>
        </div>
      )}
      <Form action={`/admission/order/campaigns/${campaign.id}`} aria-label={t({ ru: 'Новый пробный расчёт', en: 'New dry run' })}>
        <SelectField
          name="stage"
          label={{ ru: 'Этап', en: 'Stage' }}
          options={[
            { value: '1', label: t({ ru: '1 этап (территория и льготы)', en: 'Stage 1 (territory and priorities)' }) },
            { value: '2', label: t({ ru: '2 этап (свободные места)', en: 'Stage 2 (free places)' }) },
          ]}
          value={props.stage}
          required
        />
        <Button>{t({ ru: 'Выполнить пробный расчёт', en: 'Make a dry run' })}</Button>
      </Form>
      <p>
        <a href={`/admission/campaigns/${campaign.id}/protocols`}>{t({ ru: 'Опубликованные протоколы кампании', en: 'Published protocols of the campaign' })}</a>
      </p>
      <h2>{t({ ru: 'История расчётов', en: 'Runs' })}</h2>
      {props.runs.length === 0 ? (
        <p>{t({ ru: 'Расчётов ещё не было.', en: 'No runs yet.' })}</p>
      ) : (
        <Table caption={t({ ru: 'Расчёты, сначала новые', en: 'Runs, newest first' })} headers={[t({ ru: 'Создан', en: 'Created' }), t({ ru: 'Этап', en: 'Stage' }), t({ ru: 'Статус', en: 'Status' }), t({ ru: 'Мест предоставлено', en: 'Placed' })]}>
          {props.runs.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={r.status === 'committed' ? `/admission/protocols/${r.id}` : `/admission/order/runs/${r.id}`}>{formatDateTime(locale, r.createdAt)}</a>
              </td>
              <td>{r.stage}</td>
              <td>{t(admissionRunStatusNames[r.status])}</td>
              <td>
                {formatNumber(locale, r.assigned)} / {formatNumber(locale, r.applicants)}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export const reviewRows = 500;

export function AdmissionRunReviewView(props: { run: AdmissionRunRow; title: string; schools: ReadonlyMap<string, string>; error: string | null; canCommit: boolean }) {
  const t = useT();
  const { locale } = usePage();
  const { run } = props;
  const stored = run.result as StoredAdmissionResult;
  const name = (id: string | null) => (id ? props.schools.get(id) ?? id : '—');
  const rows = Object.entries(stored.result.assignment);
  const placed = rows.filter(([, s]) => s !== null);
  const refused = rows.filter(([, s]) => s === null);
  const schoolOf = new Map(stored.applicants.map((a) => [String(a.receiptNumber), a.organizationId]));
  const left = Object.entries(stored.result.placesLeft).filter(([, n]) => n > 0);
  const more = (n: number) => n > reviewRows && <p>{t({ ru: `Показаны первые ${reviewRows} из ${n}.`, en: `The first ${reviewRows} of ${n} are shown.` })}</p>;
  return (
    <>
      <h1>{props.title}</h1>
      {props.error && (
        <div class="error-summary" role="alert" tabindex={-1}>
          <h2>{t({ ru: 'Не удалось утвердить', en: 'Could not commit' })}</h2>
          <p>{props.error}</p>
        </div>
      )}
      <SummaryList
        rows={[
          [t({ ru: 'Статус', en: 'Status' }), t(admissionRunStatusNames[run.status])],
          [t({ ru: 'Этап', en: 'Stage' }), String(run.stage)],
          [t({ ru: 'Заявлений в расчёте', en: 'Applications' }), formatNumber(locale, stored.result.summary.applicants)],
          [t({ ru: 'Получат место', en: 'Get a place' }), formatNumber(locale, placed.length)],
          [t({ ru: 'Из них ждут проверки документов (зачисление — после неё)', en: 'Of them awaiting the document check (enrolled after it)' }), formatNumber(locale, stored.awaitingDocuments.length)],
          [t({ ru: 'Отказ за отсутствием мест', en: 'Refused for lack of places' }), formatNumber(locale, refused.length)],
          [t({ ru: 'Свободных мест останется', en: 'Places left' }), formatNumber(locale, left.reduce((s, [, n]) => s + n, 0))],
          ['SHA-256', <code class="hash">{run.instanceSha256}</code>],
        ]}
      />
      {run.status === 'dryRun' && props.canCommit && (
        <div class="actions">
          <Form action={`/admission/order/runs/${run.id}/commit`} aria-label={t({ ru: 'Утвердить', en: 'Commit' })}>
            <Button>{t({ ru: 'Утвердить и принять решения', en: 'Commit and make the decisions' })}</Button>
          </Form>
          <Form action={`/admission/order/runs/${run.id}/discard`} aria-label={t({ ru: 'Отменить', en: 'Discard' })}>
            <Button kind="secondary">{t({ ru: 'Отменить расчёт', en: 'Discard the run' })}</Button>
          </Form>
        </div>
      )}
      <h2>{t({ ru: 'Кто получит место', en: 'Who gets a place' })}</h2>
      <Table caption={t({ ru: 'Места по номерам заявлений', en: 'Places by receipt number' })} headers={[t({ ru: 'Номер заявления', en: 'Receipt number' }), t({ ru: 'Школа', en: 'School' })]}>
        {placed.slice(0, reviewRows).map(([n, s]) => (
          <tr key={n}>
            <td>{n}</td>
            <td>{name(s)}</td>
          </tr>
        ))}
      </Table>
      {more(placed.length)}
      <h2>{t({ ru: 'Отказ за отсутствием мест и предложение другой школы', en: 'Refused for lack of places, and the school offered instead' })}</h2>
      {refused.length === 0 ? (
        <Notice>{t({ ru: 'Отказов нет.', en: 'Nobody is refused.' })}</Notice>
      ) : (
        <Table caption={t({ ru: 'Отказы', en: 'Refusals' })} headers={[t({ ru: 'Номер заявления', en: 'Receipt number' }), t({ ru: 'Школа заявления', en: 'School applied to' }), t({ ru: 'Предложено', en: 'Offered' })]}>
          {refused.slice(0, reviewRows).map(([n]) => (
            <tr key={n}>
              <td>{n}</td>
              <td>{name(schoolOf.get(n) ?? null)}</td>
              <td>{stored.offers[n] ? name(stored.offers[n]!) : t({ ru: 'свободных мест нет', en: 'no free places' })}</td>
            </tr>
          ))}
        </Table>
      )}
      {more(refused.length)}
    </>
  );
}

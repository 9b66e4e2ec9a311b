/** The operator's allocation pages: the run form with the history of runs, and a run's review. */
import type { FieldErrors } from '../../../platform/errors.ts';
import { formatDate, formatDateTime, formatNumber } from '../../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, SummaryList, Table, TextField, type SelectOption } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { MECHANISMS } from '../../allocation/allocate.ts';
import { mechanismNames, runKindNames, runKinds, runStatusNames, type RunRow, type RunSummary, type StoredResult } from '../allocation-run.service.ts';

export const runFieldLabels = {
  municipalityId: { ru: 'Муниципальное образование', en: 'Municipality' },
  kind: { ru: 'Вид комплектования', en: 'Kind of run' },
  allocationDate: { ru: 'Дата комплектования', en: 'Allocation date' },
  mechanism: { ru: 'Механизм распределения', en: 'Mechanism' },
  offerNearest: { ru: 'Предложить ближайший детский сад со свободными местами', en: 'Offer the nearest kindergarten with free places' },
};

export interface AllocationPageProps {
  values: Record<string, string>;
  errors: FieldErrors;
  municipalities: SelectOption[];
  runs: RunSummary[];
  municipalityNames: ReadonlyMap<number, string>;
}

export function AllocationPageView(props: AllocationPageProps) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{t({ ru: 'Комплектование детских садов', en: 'Kindergarten allocation' })}</h1>
      <p>
        {t({
          ru: 'Пробный расчёт ничего не меняет: он показывает, кто какое место получит, кто останется в очереди и сколько мест останется. Направления выдаются только после утверждения.',
          en: 'A dry run changes nothing: it shows who would get which place, who stays in the queue and how many places are left. Offers are issued only when you commit it.',
        })}
      </p>
      <ErrorSummary errors={props.errors} labels={runFieldLabels} />
      <Form action="/preschool/allocation" aria-label={t({ ru: 'Новый пробный расчёт', en: 'New dry run' })}>
        {props.municipalities.length > 1 ? (
          <SelectField name="municipalityId" label={runFieldLabels.municipalityId} options={props.municipalities} value={props.values.municipalityId} error={props.errors.municipalityId} required emptyLabel={{ ru: 'Выберите', en: 'Choose' }} />
        ) : (
          <input type="hidden" name="municipalityId" value={props.municipalities[0]?.value ?? ''} />
        )}
        <SelectField name="kind" label={runFieldLabels.kind} options={runKinds.map((k) => ({ value: k, label: t(runKindNames[k]) }))} value={props.values.kind ?? 'main'} error={props.errors.kind} required />
        <TextField name="allocationDate" type="date" label={runFieldLabels.allocationDate} value={props.values.allocationDate} error={props.errors.allocationDate} required
          hint={{ ru: 'В расчёт входят заявления в очереди с желаемой датой начала посещения не позднее этой даты', en: 'Applications in the queue with a desired start on or before this date take part' }} />
        <SelectField name="mechanism" label={runFieldLabels.mechanism} options={MECHANISMS.map((m) => ({ value: m, label: t(mechanismNames[m]) }))} value={props.values.mechanism ?? 'deferred-acceptance'} error={props.errors.mechanism} />
        <div class="checkbox">
          <input type="checkbox" id="field-offerNearest" name="offerNearest" value="yes" checked={props.values.offerNearest === 'yes'} aria-describedby="field-offerNearest-hint" />
          <label for="field-offerNearest">{t(runFieldLabels.offerNearest)}</label>
          <p class="hint" id="field-offerNearest-hint">
            {t({
              ru: 'Тем, кто согласился на другой детский сад и не получил место в выбранных, предлагается свободное место той же возрастной группы, направленности и режима: сначала в том же населённом пункте, что и первый выбранный сад, затем в любом саду муниципалитета.',
              en: 'Applicants who consented to another kindergarten and got none of theirs are offered a free place of the same age group, orientation and mode: first in the settlement of their first choice, then anywhere in the municipality.',
            })}
          </p>
        </div>
        <Button>{t({ ru: 'Выполнить пробный расчёт', en: 'Make a dry run' })}</Button>
      </Form>
      <h2>{t({ ru: 'История расчётов', en: 'Runs' })}</h2>
      {props.runs.length === 0 ? (
        <p>{t({ ru: 'Расчётов ещё не было.', en: 'No runs yet.' })}</p>
      ) : (
        <Table
          caption={t({ ru: 'Расчёты, сначала новые', en: 'Runs, newest first' })}
          headers={[t({ ru: 'Создан', en: 'Created' }), t({ ru: 'Муниципалитет', en: 'Municipality' }), t({ ru: 'Вид', en: 'Kind' }), t({ ru: 'Дата', en: 'Date' }), t({ ru: 'Статус', en: 'Status' }), t({ ru: 'Распределено', en: 'Placed' })]}
        >
          {props.runs.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={r.status === 'committed' ? `/preschool/protocols/${r.id}` : `/preschool/allocation/runs/${r.id}`}>{formatDateTime(locale, r.createdAt)}</a>
              </td>
              <td>{props.municipalityNames.get(r.municipalityId) ?? r.municipalityId}</td>
              <td>{t(runKindNames[r.kind])}</td>
              <td>{formatDate(locale, r.allocationDate)}</td>
              <td>{t(runStatusNames[r.status])}</td>
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

/** How many rows of each list the review shows (the full result is in the protocol's JSON). */
export const reviewRows = 500;

export interface RunReviewProps {
  run: RunRow;
  municipalityName: string;
  /** Kindergarten id → short name. */
  kindergartens: ReadonlyMap<string, string>;
  error: string | null;
  canCommit: boolean;
}

export function RunReviewView(props: RunReviewProps) {
  const t = useT();
  const { locale } = usePage();
  const { run } = props;
  const stored = run.result as StoredResult;
  const kgName = (placeId: string) => props.kindergartens.get(stored.pools[placeId]?.organizationId ?? '') ?? placeId;
  const assigned = [
    ...Object.entries(stored.main.assignment).filter(([, p]) => p !== null).map(([n, p]) => ({ number: n, placeId: p!, stage: 'main' as const })),
    ...(stored.alternative ? Object.entries(stored.alternative.result.assignment).filter(([, p]) => p !== null).map(([n, p]) => ({ number: n, placeId: p!, stage: 'alternative' as const })) : []),
  ];
  const placed = new Set(assigned.map((a) => a.number));
  const staying = stored.main.unassigned.filter((n) => !placed.has(n));
  const finalLeft = stored.alternative ? stored.alternative.result.placesLeft : stored.main.placesLeft;
  const left = Object.entries({ ...stored.main.placesLeft, ...finalLeft }).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  const more = (n: number) => n > reviewRows && <p>{t({ ru: `Показаны первые ${reviewRows} из ${n}.`, en: `The first ${reviewRows} of ${n} are shown.` })}</p>;
  return (
    <>
      <h1>
        {t(runKindNames[run.kind])}: {props.municipalityName}, {formatDate(locale, run.allocationDate)}
      </h1>
      {props.error && (
        <div class="error-summary" role="alert" tabindex={-1}>
          <h2>{t({ ru: 'Не удалось утвердить', en: 'Could not commit' })}</h2>
          <p>{props.error}</p>
        </div>
      )}
      <SummaryList
        rows={[
          [t({ ru: 'Статус', en: 'Status' }), t(runStatusNames[run.status])],
          [t({ ru: 'Механизм', en: 'Mechanism' }), t(mechanismNames[run.mechanism as keyof typeof mechanismNames] ?? { ru: run.mechanism, en: run.mechanism })],
          [t({ ru: 'Заявлений в расчёте', en: 'Applicants' }), formatNumber(locale, stored.main.summary.applicants)],
          [t({ ru: 'Получат направление', en: 'Would get a place' }), formatNumber(locale, assigned.length)],
          [t({ ru: 'Из них в ближайший сад', en: 'Of them, in the nearest kindergarten' }), formatNumber(locale, assigned.filter((a) => a.stage === 'alternative').length)],
          [t({ ru: 'Остаются в очереди', en: 'Stay in the queue' }), formatNumber(locale, staying.length)],
          [t({ ru: 'Свободных мест останется', en: 'Places left' }), formatNumber(locale, left.reduce((s, [, n]) => s + n, 0))],
          ['SHA-256', <code>{run.instanceSha256}</code>],
        ]}
      />
      {run.status === 'dryRun' && props.canCommit && (
        <div class="actions">
          <Form action={`/preschool/allocation/runs/${run.id}/commit`} aria-label={t({ ru: 'Утвердить', en: 'Commit' })}>
            <Button>{t({ ru: 'Утвердить и выдать направления', en: 'Commit and issue the offers' })}</Button>
          </Form>
          <Form action={`/preschool/allocation/runs/${run.id}/discard`} aria-label={t({ ru: 'Отменить', en: 'Discard' })}>
            <Button kind="secondary">{t({ ru: 'Отменить расчёт', en: 'Discard the run' })}</Button>
          </Form>
        </div>
      )}
      <h2>{t({ ru: 'Кто получит направление', en: 'Who would get a place' })}</h2>
      <Table caption={t({ ru: 'Направления по номерам заявлений', en: 'Offers by application number' })} headers={[t({ ru: 'Заявление', en: 'Application' }), t({ ru: 'Детский сад', en: 'Kindergarten' }), t({ ru: 'Место (группа)', en: 'Place (group)' })]}>
        {assigned.slice(0, reviewRows).map((a) => (
          <tr key={a.number}>
            <td>{a.number}</td>
            <td>{kgName(a.placeId)}{a.stage === 'alternative' ? ` (${t({ ru: 'ближайший', en: 'nearest' })})` : ''}</td>
            <td>
              <code>{a.placeId}</code>
            </td>
          </tr>
        ))}
      </Table>
      {more(assigned.length)}
      <h2>{t({ ru: 'Остаются в очереди', en: 'Stay in the queue' })}</h2>
      <p>{staying.slice(0, reviewRows).join(', ') || '—'}</p>
      {more(staying.length)}
      <h2>{t({ ru: 'Свободные места после расчёта', en: 'Places left' })}</h2>
      {left.length === 0 ? (
        <Notice>{t({ ru: 'Все свободные места распределены.', en: 'Every free place is allocated.' })}</Notice>
      ) : (
        <Table caption={t({ ru: 'Свободные места', en: 'Places left' })} headers={[t({ ru: 'Детский сад', en: 'Kindergarten' }), t({ ru: 'Место', en: 'Place' }), t({ ru: 'Осталось', en: 'Left' })]}>
          {left.slice(0, reviewRows).map(([id, n]) => (
            <tr key={id}>
              <td>{kgName(id)}</td>
              <td>
                <code>{id}</code>
              </td>
              <td>{formatNumber(locale, n)}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

/** Public queue pages (no login): lookup by application number and a kindergarten's queue. Numbers only, never names. */
import type { FieldErrors } from '../../../platform/errors.ts';
import { formatNumber } from '../../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, SummaryList, Table, TextField } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import type { KindergartenQueue, PublicQueueLookup } from '../public-queue.service.ts';
import { tierNames } from '../queue-position.ts';
import { statusNames } from '../status.ts';

export function PublicQueueLookupView(props: { number: string; errors: FieldErrors; found: PublicQueueLookup | null }) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{t({ ru: 'Очередь в детские сады', en: 'Kindergarten waiting list' })}</h1>
      <ErrorSummary errors={props.errors} labels={{ number: { ru: 'Номер заявления', en: 'Application number' } }} />
      <Form action="/preschool/queue" aria-label={t({ ru: 'Узнать место в очереди', en: 'Find a queue position' })}>
        <TextField name="number" label={{ ru: 'Номер заявления', en: 'Application number' }} value={props.number} error={props.errors.number} maxlength={40} required
          hint={{ ru: 'Например, 23-01-2025-000123', en: 'For example, 23-01-2025-000123' }} />
        <Button>{t({ ru: 'Узнать место в очереди', en: 'Find the position' })}</Button>
      </Form>
      {props.found && (
        <section aria-labelledby="queue-result">
          <h2 id="queue-result">{t({ ru: `Заявление № ${props.found.number}`, en: `Application ${props.found.number}` })}</h2>
          <SummaryList
            rows={[
              [t({ ru: 'Статус', en: 'Status' }), t(statusNames[props.found.status])],
              [t({ ru: 'Очередь', en: 'Queue' }), t(tierNames[props.found.tier])],
              [t({ ru: 'Возрастная группа', en: 'Age group' }), props.found.ageGroupName ?? props.found.ageGroupCode ?? '—'],
            ]}
          />
          {props.found.status !== 'inQueue' && (
            <p>{t({ ru: 'Место в очереди появляется, когда заявление в статусе «В очереди».', en: 'A position appears when the application is "In the queue".' })}</p>
          )}
          <Table caption={t({ ru: 'Место в очереди по выбранным детским садам', en: 'Position at each chosen kindergarten' })}
            headers={[t({ ru: '№ выбора', en: 'Choice' }), t({ ru: 'Детский сад', en: 'Kindergarten' }), t({ ru: 'Место', en: 'Position' }), t({ ru: 'Впереди', en: 'Ahead' }), t({ ru: 'Всего в очереди', en: 'In the queue' })]}>
            {props.found.positions.map((p) => (
              <tr key={p.organizationId}>
                <td>{p.rank}</td>
                <td>
                  <a href={`/preschool/queue/kindergartens/${p.organizationId}`}>{p.kindergartenName}</a>
                </td>
                <td>{p.position === null ? '—' : formatNumber(locale, p.position)}</td>
                <td>{formatNumber(locale, p.ahead)}</td>
                <td>{formatNumber(locale, p.queueLength)}</td>
              </tr>
            ))}
          </Table>
          <p class="hint">{t(props.found.howComputed)}</p>
        </section>
      )}
      <p>
        <a href="/preschool/protocols">{t({ ru: 'Протоколы комплектования', en: 'Allocation protocols' })}</a>
      </p>
    </>
  );
}

export function KindergartenQueueView(props: { queue: KindergartenQueue }) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{props.queue.name}</h1>
      <p>{props.queue.address}</p>
      {props.queue.ageGroups.length === 0 && <p>{t({ ru: 'Очереди и свободных мест нет.', en: 'No queue and no free places.' })}</p>}
      {props.queue.ageGroups.map((g) => (
        <section key={g.code} aria-labelledby={`age-${g.code}`}>
          <h2 id={`age-${g.code}`}>{g.name}</h2>
          <p>
            {t({ ru: 'Свободных мест', en: 'Free places' })}: <strong>{formatNumber(locale, g.free)}</strong>. {t({ ru: 'В очереди', en: 'In the queue' })}: <strong>{formatNumber(locale, g.queue.length)}</strong>.
          </p>
          {g.queue.length > 0 && (
            <Table caption={t({ ru: `Очередь, возрастная группа ${g.name}`, en: `Queue, age group ${g.name}` })} headers={[t({ ru: 'Место', en: 'Position' }), t({ ru: 'Номер заявления', en: 'Application number' }), t({ ru: 'Очередь', en: 'Queue' })]}>
              {g.queue.map((q) => (
                <tr key={q.number}>
                  <td>{q.position}</td>
                  <td>{q.number}</td>
                  <td>{t(tierNames[q.tier])}</td>
                </tr>
              ))}
            </Table>
          )}
        </section>
      ))}
    </>
  );
}

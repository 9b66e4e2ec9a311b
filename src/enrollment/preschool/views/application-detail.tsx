/**
 * One application: status, history, queue position and how it is computed, preferences, and the
 * actions the viewer may take. The same card serves the guardian and the desk; the desk adds its
 * panel (views/desk-application.tsx). Other parts (offers) add panels through `extras`.
 */
import type { ComponentChildren, VNode } from 'preact';
import { formatDate, formatDateTime, type Message } from '../../../platform/i18n/i18n.ts';
import { Button, Form, Notice, SummaryList, Table } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import type { ApplicationDetail, QueuePositionResult } from '../application.service.ts';
import type { ApplicationStatus } from '../preschool.schema.ts';
import { queueRuleExplanation, tierNames, type Tier } from '../queue-position.ts';
import { statusNames } from '../status.ts';

export interface ApplicationNames {
  orientation: Message;
  stayMode: Message;
  ageGroup: Message | null;
  benefit: Message | null;
  benefitProvingDocument: string | null;
}

export const benefitStatusNames: Record<string, Message> = {
  none: { ru: 'не заявлена', en: 'none' },
  claimed: { ru: 'заявлена, на проверке', en: 'claimed, being checked' },
  verified: { ru: 'подтверждена', en: 'verified' },
  rejected: { ru: 'не подтверждена', en: 'rejected' },
};

export function childName(c: { lastName: string; firstName: string; middleName: string | null }): string {
  return [c.lastName, c.firstName, c.middleName].filter(Boolean).join(' ');
}

export function StatusTag(props: { status: ApplicationStatus }) {
  const t = useT();
  return <strong class={`status-tag status-tag--${props.status}`}>{t(statusNames[props.status])}</strong>;
}

export function HistoryTable(props: { history: ApplicationDetail['history'] }) {
  const t = useT();
  const { locale } = usePage();
  return (
    <Table caption={t({ ru: 'История статусов (время московское)', en: 'Status history (Moscow time)' })} headers={[t({ ru: 'Когда', en: 'When' }), t({ ru: 'Статус', en: 'Status' }), t({ ru: 'Причина', en: 'Reason' }), t({ ru: 'Кто', en: 'By' })]}>
      {props.history.map((h) => (
        <tr key={h.id}>
          <td>{formatDateTime(locale, h.changedAt)}</td>
          <td>{t(statusNames[h.toStatus])}</td>
          <td>{h.reason}</td>
          <td>{h.actorLabel}</td>
        </tr>
      ))}
    </Table>
  );
}

export function QueuePanel(props: { queue: QueuePositionResult | null; detail: ApplicationDetail; ageGroup: Message | null }) {
  const t = useT();
  const q = props.queue;
  const inQueue = q?.status === 'inQueue';
  return (
    <section aria-labelledby="queue-title" class="panel">
      <h2 id="queue-title">{t({ ru: 'Место в очереди', en: 'Queue position' })}</h2>
      {!inQueue && (
        <p>
          {t({
            ru: 'Место в очереди появляется, когда заявление в статусе «В очереди». Ниже — сколько заявлений сейчас в каждой очереди и сколько из них впереди.',
            en: 'A position appears when the application is "In the queue". Below: how many applications are in each queue now and how many of them are ahead.',
          })}
        </p>
      )}
      {q && (
        <p>
          {t({ ru: 'Очередь', en: 'Tier' })}: <strong>{t(tierNames[q.tier as Tier])}</strong>
          {props.ageGroup && (
            <>
              ; {t({ ru: 'возрастная группа', en: 'age group' })}: <strong>{t(props.ageGroup)}</strong>
            </>
          )}
        </p>
      )}
      {q && q.places.length > 0 && (
        <Table
          caption={t({ ru: 'Место по каждому выбранному детскому саду', en: 'Position at each chosen kindergarten' })}
          headers={[t({ ru: '№', en: 'No.' }), t({ ru: 'Детский сад', en: 'Kindergarten' }), t({ ru: 'Место', en: 'Position' }), t({ ru: 'Впереди', en: 'Ahead' }), t({ ru: 'Всего в очереди', en: 'In the queue' })]}
        >
          {q.places.map((p) => (
            <tr key={p.organizationId}>
              <td>{p.rank}</td>
              <td>{props.detail.preferences.find((x) => x.organizationId === p.organizationId)?.name ?? '—'}</td>
              <td>{inQueue ? <strong>{p.position}</strong> : '—'}</td>
              <td>{p.ahead}</td>
              <td>{p.total}</td>
            </tr>
          ))}
        </Table>
      )}
      <details class="explanation">
        <summary>{t({ ru: 'Как считается место в очереди', en: 'How the position is computed' })}</summary>
        <p>{t(queueRuleExplanation)}</p>
      </details>
    </section>
  );
}

export interface ApplicationDetailProps {
  detail: ApplicationDetail;
  names: ApplicationNames;
  queue: QueuePositionResult | null;
  notice: Message | null;
  canEditPreferences: boolean;
  canWithdraw: boolean;
  /** Panels contributed by other parts (e.g. the offer with accept/decline). */
  extras: VNode[];
  /** The desk's own panel, when the viewer works at the desk. */
  deskPanel?: ComponentChildren;
  basePath: string;
}

export function ApplicationSummary(props: { detail: ApplicationDetail; names: ApplicationNames }) {
  const t = useT();
  const { locale } = usePage();
  const a = props.detail.application;
  return (
    <SummaryList
      rows={[
        [t({ ru: 'Номер заявления', en: 'Application number' }), <strong>{a.number}</strong>],
        [t({ ru: 'Статус', en: 'Status' }), <StatusTag status={a.status} />],
        [t({ ru: 'Ребёнок', en: 'Child' }), `${childName(props.detail.child)}, ${formatDate(locale, props.detail.child.birthDate)}`],
        [t({ ru: 'Заявитель', en: 'Applicant' }), props.detail.guardian ? childName(props.detail.guardian) : '—'],
        [t({ ru: 'Зарегистрировано (МСК)', en: 'Registered (Moscow time)' }), formatDateTime(locale, a.registeredAt)],
        [t({ ru: 'Способ подачи', en: 'Submitted' }), a.submittedVia === 'online' ? t({ ru: 'через портал', en: 'online' }) : t({ ru: 'при личном обращении', en: 'in person' })],
        [t({ ru: 'Решение о постановке на учёт — до', en: 'Registration decision due' }), formatDateTime(locale, a.decisionDueAt)],
        [t({ ru: 'Желаемая дата начала посещения', en: 'Desired start date' }), formatDate(locale, a.desiredStartDate)],
        [t({ ru: 'Возрастная группа', en: 'Age group' }), props.names.ageGroup ? t(props.names.ageGroup) : '—'],
        [t({ ru: 'Направленность группы', en: 'Orientation' }), t(props.names.orientation)],
        [t({ ru: 'Режим пребывания', en: 'Stay mode' }), t(props.names.stayMode)],
        [
          t({ ru: 'Льгота', en: 'Benefit' }),
          props.names.benefit ? `${t(props.names.benefit)} — ${t(benefitStatusNames[a.benefitStatus]!)}${a.benefitReason ? ` (${a.benefitReason})` : ''}` : t({ ru: 'нет', en: 'none' }),
        ],
        [t({ ru: 'Документ о льготе', en: 'Benefit document' }), a.benefitDocument ?? ''],
        [t({ ru: 'Согласие на другой детский сад', en: 'Consent to another kindergarten' }), a.consentAlternative ? t({ ru: 'да', en: 'yes' }) : t({ ru: 'нет', en: 'no' })],
      ]}
    />
  );
}

export function PreferencesList(props: { detail: ApplicationDetail }) {
  const t = useT();
  return (
    <ol class="preference-list">
      {props.detail.preferences.map((p) => (
        <li key={p.organizationId}>
          <span>
            <strong>{p.name}</strong>
            <br />
            <span class="hint">{p.address}</span>
          </span>
        </li>
      ))}
      {props.detail.preferences.length === 0 && <li>{t({ ru: 'нет', en: 'none' })}</li>}
    </ol>
  );
}

export function ApplicationDetailView(props: ApplicationDetailProps) {
  const t = useT();
  const a = props.detail.application;
  return (
    <>
      <p>
        <a href={props.deskPanel ? '/preschool/desk' : '/preschool'}>← {t(props.deskPanel ? { ru: 'К списку заявлений', en: 'Back to the applications' } : { ru: 'Мои заявления', en: 'My applications' })}</a>
      </p>
      <h1>{t({ ru: `Заявление № ${a.number}`, en: `Application No. ${a.number}` })}</h1>
      {props.notice && <Notice kind="success">{t(props.notice)}</Notice>}
      <ApplicationSummary detail={props.detail} names={props.names} />
      <p>
        <a href={`/preschool/applications/${a.id}/receipt`}>{t({ ru: 'Расписка о приёме заявления (для печати)', en: 'Receipt (printable)' })}</a>
      </p>
      {props.extras}
      <QueuePanel queue={props.queue} detail={props.detail} ageGroup={props.names.ageGroup} />
      <section aria-labelledby="preferences-title" class="panel">
        <h2 id="preferences-title">{t({ ru: 'Выбранные детские сады', en: 'Chosen kindergartens' })}</h2>
        <PreferencesList detail={props.detail} />
        {props.canEditPreferences && (
          <p>
            <a class="button button--secondary" href={`${props.basePath}/preferences`}>
              {t({ ru: 'Изменить список детских садов', en: 'Change the kindergartens' })}
            </a>
          </p>
        )}
      </section>
      {props.deskPanel}
      <section aria-labelledby="history-title" class="panel">
        <h2 id="history-title">{t({ ru: 'История', en: 'History' })}</h2>
        <HistoryTable history={props.detail.history} />
      </section>
      {props.canWithdraw && (
        <section aria-labelledby="withdraw-title" class="panel">
          <h2 id="withdraw-title">{t({ ru: 'Отозвать заявление', en: 'Withdraw the application' })}</h2>
          <p>{t({ ru: 'Ребёнок будет снят с учёта. Чтобы снова встать в очередь, понадобится новое заявление с новой датой регистрации.', en: 'The child will be removed from the list. A new application will get a new registration date.' })}</p>
          <Form action={`/preschool/applications/${a.id}/withdraw`}>
            <div class="checkbox">
              <input type="checkbox" id="field-confirm" name="confirm" value="yes" required />
              <label for="field-confirm">{t({ ru: 'Да, отозвать заявление', en: 'Yes, withdraw the application' })}</label>
            </div>
            <Button kind="warning">{t({ ru: 'Отозвать', en: 'Withdraw' })}</Button>
          </Form>
        </section>
      )}
    </>
  );
}

/** The receipt (расписка): what was accepted, when, under which number. Printable as it is. */
export function ApplicationReceiptView(props: { detail: ApplicationDetail; names: ApplicationNames }) {
  const t = useT();
  return (
    <article class="receipt">
      <h1>{t({ ru: 'Расписка о приёме заявления о постановке на учёт в детский сад', en: 'Receipt of a kindergarten application' })}</h1>
      <ApplicationSummary detail={props.detail} names={props.names} />
      <h2>{t({ ru: 'Детские сады в порядке предпочтения', en: 'Kindergartens in order of preference' })}</h2>
      <PreferencesList detail={props.detail} />
      <p>
        {t({
          ru: 'Сохраните номер заявления: по нему можно узнать место в очереди на странице «Очередь в детские сады» без входа в систему.',
          en: 'Keep the application number: it shows the queue position on the public queue page without logging in.',
        })}
      </p>
      <p class="no-print">
        <a href={`/preschool/applications/${props.detail.application.id}`}>{t({ ru: 'К заявлению', en: 'To the application' })}</a>
      </p>
    </article>
  );
}

export interface GuardianListItem {
  id: string;
  number: string;
  status: ApplicationStatus;
  registeredAt: Date;
  childName: string;
}

/** /preschool: the guardian's applications and the way to a new one. */
export function GuardianHomeView(props: {
  items: GuardianListItem[];
  canApply: boolean;
  deskLink: boolean;
  notice: Message | null;
  anonymous?: boolean;
  tools?: Array<{ href: string; label: Message }>;
}) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{t({ ru: 'Детский сад: очередь и заявления', en: 'Kindergarten: waiting list and applications' })}</h1>
      {props.notice && <Notice kind="success">{t(props.notice)}</Notice>}
      {props.anonymous && (
        <>
          <p>
            {t({
              ru: 'Поставьте ребёнка на учёт для зачисления в детский сад: выберите до пяти детских садов, укажите желаемую дату и льготу. Место в очереди и ход комплектования открыты всем — по номеру заявления, без имён.',
              en: 'Register a child for a kindergarten place: choose up to five kindergartens, the desired start date and any benefit. Queue positions and allocation results are public — by application number, never by name.',
            })}
          </p>
          <p>
            <a class="button button--primary" href="/login?return=/preschool">
              {t({ ru: 'Войти, чтобы подать заявление', en: 'Log in to apply' })}
            </a>
          </p>
          <p>
            <a href="/preschool/protocols">{t({ ru: 'Протоколы комплектования', en: 'Allocation protocols' })}</a>
          </p>
        </>
      )}
      {props.tools && props.tools.length > 0 && (
        <nav aria-label={t({ ru: 'Инструменты специалиста', en: 'Staff tools' })}>
          <ul>
            {props.tools.map((tool) => (
              <li key={tool.href}>
                <a href={tool.href}>{t(tool.label)}</a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {props.canApply && (
        <p>
          <a class="button button--primary" href="/preschool/apply">
            {t({ ru: 'Подать заявление', en: 'Apply' })}
          </a>
        </p>
      )}
      {props.deskLink && (
        <p>
          <a href="/preschool/desk">{t({ ru: 'Рабочее место специалиста: заявления муниципалитета', en: 'Desk: the municipality’s applications' })}</a>
        </p>
      )}
      <p>
        <a href="/preschool/queue">{t({ ru: 'Узнать место в очереди по номеру заявления', en: 'Look up a queue position by application number' })}</a>
      </p>
      {props.canApply && (
        <>
          <h2>{t({ ru: 'Мои заявления', en: 'My applications' })}</h2>
          {props.items.length === 0 ? (
            <p>{t({ ru: 'Заявлений пока нет.', en: 'No applications yet.' })}</p>
          ) : (
            <Table caption={t({ ru: 'Мои заявления', en: 'My applications' })} captionHidden headers={[t({ ru: 'Номер', en: 'Number' }), t({ ru: 'Ребёнок', en: 'Child' }), t({ ru: 'Статус', en: 'Status' }), t({ ru: 'Зарегистрировано', en: 'Registered' })]}>
              {props.items.map((i) => (
                <tr key={i.id}>
                  <td>
                    <a href={`/preschool/applications/${i.id}`}>{i.number}</a>
                  </td>
                  <td>{i.childName}</td>
                  <td>{t(statusNames[i.status])}</td>
                  <td>{formatDateTime(locale, i.registeredAt)}</td>
                </tr>
              ))}
            </Table>
          )}
        </>
      )}
    </>
  );
}

/** Offers (направления): the panel on the application page (accept / decline, then queue or removal) and the head's list. */
import { formatDateTime } from '../../../platform/i18n/i18n.ts';
import { Button, Form, Notice, Table } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { offerStatusNames, type OfferView } from '../offer.service.ts';
import type { ApplicationStatus } from '../preschool.schema.ts';

export interface OfferPanelProps {
  applicationId: string;
  applicationStatus: ApplicationStatus;
  offers: OfferView[];
  kindergartens: ReadonlyMap<string, string>;
  /** The viewer may answer for the child (guardian, or the desk on their behalf). */
  canRespond: boolean;
  now: Date;
}

export function OfferPanel(props: OfferPanelProps) {
  const t = useT();
  const { locale } = usePage();
  const live = props.offers.find((o) => o.status === 'pending' || o.status === 'accepted');
  const base = `/preschool/applications/${props.applicationId}/offer`;
  const afterOffer = props.applicationStatus === 'declined' || props.applicationStatus === 'offerExpired';
  if (props.offers.length === 0) return null;
  return (
    <section aria-labelledby="offer-title" class="panel">
      <h2 id="offer-title">{t({ ru: 'Направление в детский сад', en: 'Offer of a place' })}</h2>
      {live && (
        <>
          <p>
            {t({ ru: 'Детский сад', en: 'Kindergarten' })}: <strong>{props.kindergartens.get(live.organizationId) ?? ''}</strong>, {t({ ru: 'группа', en: 'group' })} «{live.groupName}».
          </p>
          <p>
            {t(offerStatusNames[live.status])}. {live.status === 'pending' && t({ ru: `Ответить нужно до ${formatDateTime(locale, live.deadlineAt)}.`, en: `Answer by ${formatDateTime(locale, live.deadlineAt)}.` })}
          </p>
          {props.canRespond && live.status === 'pending' && live.deadlineAt.getTime() >= props.now.getTime() && (
            <div class="actions">
              <Form action={`${base}/accept`} aria-label={t({ ru: 'Принять направление', en: 'Accept the offer' })}>
                <Button>{t({ ru: 'Принять направление', en: 'Accept the offer' })}</Button>
              </Form>
              <Form action={`${base}/decline`} aria-label={t({ ru: 'Отказаться от направления', en: 'Decline the offer' })}>
                <Button kind="warning">{t({ ru: 'Отказаться', en: 'Decline' })}</Button>
              </Form>
            </div>
          )}
          {props.canRespond && live.status === 'accepted' && (
            <>
              <Notice>{t({ ru: 'Обратитесь в детский сад с документами для зачисления.', en: 'Bring the documents to the kindergarten to enrol.' })}</Notice>
              <Form action={`${base}/decline`} aria-label={t({ ru: 'Отказаться от направления', en: 'Decline the offer' })}>
                <Button kind="warning">{t({ ru: 'Отказаться', en: 'Decline' })}</Button>
              </Form>
            </>
          )}
        </>
      )}
      {afterOffer && props.canRespond && (
        <>
          <p>
            {t({
              ru: 'Выберите: вернуть заявление в очередь (дата регистрации сохраняется) или снять ребёнка с учёта.',
              en: 'Choose: return the application to the queue (the registration date is kept) or take the child off the list.',
            })}
          </p>
          <div class="actions">
            <Form action={`${base}/queue`} aria-label={t({ ru: 'Вернуть в очередь', en: 'Back to the queue' })}>
              <Button>{t({ ru: 'Вернуть в очередь', en: 'Back to the queue' })}</Button>
            </Form>
            <Form action={`${base}/remove`} aria-label={t({ ru: 'Снять с учёта', en: 'Remove from the list' })}>
              <Button kind="warning">{t({ ru: 'Снять с учёта', en: 'Remove from the list' })}</Button>
            </Form>
          </div>
        </>
      )}
      <Table caption={t({ ru: 'Все направления по заявлению', en: 'Every offer of the application' })} headers={[t({ ru: 'Выдано', en: 'Issued' }), t({ ru: 'Детский сад, группа', en: 'Kindergarten, group' }), t({ ru: 'Статус', en: 'Status' })]}>
        {props.offers.map((o) => (
          <tr key={o.id}>
            <td>{formatDateTime(locale, o.issuedAt)}</td>
            <td>
              {props.kindergartens.get(o.organizationId) ?? ''}, «{o.groupName}»
            </td>
            <td>{t(offerStatusNames[o.status])}</td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

export interface OfferListProps {
  offers: OfferView[];
  kindergartens: ReadonlyMap<string, string>;
  enrollable: ReadonlySet<string>;
  notice: string | null;
}

/** The head's list of offers to their kindergarten's groups; an accepted one can be enrolled. */
export function OfferListView(props: OfferListProps) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{t({ ru: 'Направления в детский сад', en: 'Offers to the kindergarten' })}</h1>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      {props.offers.length === 0 ? (
        <p>{t({ ru: 'Направлений нет.', en: 'No offers.' })}</p>
      ) : (
        <Table
          caption={t({ ru: 'Направления: сначала принятые, затем ожидающие ответа', en: 'Offers: accepted first, then awaiting an answer' })}
          headers={[t({ ru: 'Заявление', en: 'Application' }), t({ ru: 'Детский сад, группа', en: 'Kindergarten, group' }), t({ ru: 'Срок ответа', en: 'Deadline' }), t({ ru: 'Статус', en: 'Status' }), t({ ru: 'Действие', en: 'Action' })]}
        >
          {props.offers.map((o) => (
            <tr key={o.id}>
              <td>{o.applicationNumber}</td>
              <td>
                {props.kindergartens.get(o.organizationId) ?? ''}, «{o.groupName}»
              </td>
              <td>{formatDateTime(locale, o.deadlineAt)}</td>
              <td>{t(offerStatusNames[o.status])}</td>
              <td>
                {props.enrollable.has(o.id) && o.status === 'accepted' ? (
                  <Form action={`/preschool/offers/${o.id}/enrol`} aria-label={t({ ru: `Зачислить по заявлению ${o.applicationNumber}`, en: `Enrol application ${o.applicationNumber}` })}>
                    <Button>{t({ ru: 'Зачислить', en: 'Enrol' })}</Button>
                  </Form>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

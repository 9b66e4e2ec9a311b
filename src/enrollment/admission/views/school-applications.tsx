/**
 * A school's applications in a campaign (receipt order, keyset pages, search by receipt number;
 * by name through a POSTed form), its numbers, deadlines with overdue ones highlighted, and its
 * enrolment orders with the form that issues one.
 */
import type { FieldErrors } from '../../../platform/errors.ts';
import { formatDate, formatDateTime } from '../../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Pagination, SummaryList, Table, TextField } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { priorityLevelNames, type OrderView, type SchoolCounters, type SchoolListItem } from '../application.service.ts';
import { AdmissionStatusTag } from './admission-detail.tsx';

export function SchoolApplicationsView(props: {
  base: string;
  schoolName: string;
  campaignLabel: string;
  counters: SchoolCounters | null;
  items: SchoolListItem[];
  /** Applications with an open flag of a suspicious registration (presence only, no details). */
  flagged?: ReadonlySet<string>;
  nextHref: string | null;
  search: { number: string; name: string };
  orders: OrderView[];
  checked: Array<{ id: string; receiptNumber: number; childName: string }>;
  orderValues: { number: string; issuedOn: string; applicationIds: string[] };
  orderErrors: FieldErrors;
  stage1DueOn: string | null;
}) {
  const t = useT();
  const { locale } = usePage();
  const c = props.counters;
  return (
    <>
      <h1>
        {t({ ru: 'Заявления в 1 класс: ', en: 'First-grade applications: ' })}
        {props.schoolName}
      </h1>
      <p>{props.campaignLabel}</p>
      {c && (
        <SummaryList
          rows={[
            [t({ ru: 'Мест по плану', en: 'Planned places' }), String(c.plannedPlaces)],
            [t({ ru: 'Заявлений', en: 'Applications' }), String(c.applications)],
            [t({ ru: 'Зачислено', en: 'Enrolled' }), String(c.enrolled)],
            [t({ ru: 'Свободно', en: 'Free' }), String(c.freePlaces)],
            [t({ ru: 'Приказы по 1 этапу — не позднее', en: 'Stage 1 orders due by' }), props.stage1DueOn ? formatDate(locale, props.stage1DueOn) : '—'],
          ]}
        />
      )}
      <Form action={props.base} method="get" class="filters" aria-label={t({ ru: 'Поиск по номеру', en: 'Search by number' })}>
        <div class="preference-search">
          <TextField name="receipt" label={{ ru: 'Номер заявления', en: 'Receipt number' }} value={props.search.number} inputmode="numeric" maxlength={12} />
          <Button kind="secondary">{t({ ru: 'Найти по номеру', en: 'Find by number' })}</Button>
        </div>
      </Form>
      <Form action={props.base} aria-label={t({ ru: 'Поиск по фамилии', en: 'Search by name' })}>
        <div class="preference-search">
          <TextField name="name" label={{ ru: 'Фамилия и имя ребёнка', en: 'Child’s name' }} value={props.search.name} maxlength={100} />
          <Button kind="secondary">{t({ ru: 'Найти по фамилии', en: 'Find by name' })}</Button>
        </div>
      </Form>
      <Table
        caption={t({ ru: 'Заявления в порядке поступления', en: 'Applications in the order of receipt' })}
        headers={[t({ ru: '№', en: 'No.' }), t({ ru: 'Принято (МСК)', en: 'Received (Moscow)' }), t({ ru: 'Ребёнок', en: 'Child' }), t({ ru: 'Право', en: 'Right' }), t({ ru: 'Статус', en: 'Status' }), t({ ru: 'Подлинники до', en: 'Originals by' }), t({ ru: 'Решение до', en: 'Decision by' })]}
      >
        {props.items.map((a) => (
          <tr key={a.id} class={a.overdue ? 'row--overdue' : undefined}>
            <td>
              <a href={`/admission/applications/${a.id}`}>{a.receiptNumber}</a>
            </td>
            <td>{formatDateTime(locale, a.receivedAt)}</td>
            <td>{a.childName}</td>
            <td>{t(priorityLevelNames[a.level])}</td>
            <td>
              <AdmissionStatusTag status={a.status} />
              {props.flagged?.has(a.id) && <span class="flag-mark"> {t({ ru: 'на проверке в муниципалитете', en: 'under municipal review' })}</span>}
            </td>
            <td>{a.documentsDueOn ? formatDate(locale, a.documentsDueOn) : '—'}</td>
            <td>
              {a.decisionDueOn ? formatDate(locale, a.decisionDueOn) : '—'}
              {a.overdue && <strong> — {t({ ru: 'просрочено', en: 'overdue' })}</strong>}
            </td>
          </tr>
        ))}
      </Table>
      <Pagination nextHref={props.nextHref} previousHref={props.search.number || props.search.name ? props.base : null} />
      <section class="panel" aria-labelledby="orders-title">
        <h2 id="orders-title">{t({ ru: 'Приказы о зачислении', en: 'Enrolment orders' })}</h2>
        {props.orders.length === 0 ? (
          <p>{t({ ru: 'Приказов пока нет.', en: 'No orders yet.' })}</p>
        ) : (
          <Table caption={t({ ru: 'Приказы о зачислении', en: 'Enrolment orders' })} captionHidden headers={[t({ ru: 'Номер', en: 'Number' }), t({ ru: 'Дата', en: 'Date' }), t({ ru: 'Номера заявлений', en: 'Receipt numbers' })]}>
            {props.orders.map((o) => (
              <tr key={o.id}>
                <td>{o.number}</td>
                <td>{formatDate(locale, o.issuedOn)}</td>
                <td>{o.receiptNumbers.join(', ')}</td>
              </tr>
            ))}
          </Table>
        )}
        <h3>{t({ ru: 'Издать приказ', en: 'Issue an order' })}</h3>
        <ErrorSummary errors={props.orderErrors} labels={{ number: { ru: 'Номер приказа', en: 'Order number' }, issuedOn: { ru: 'Дата приказа', en: 'Order date' }, applicationIds: { ru: 'Заявления', en: 'Applications' } }} />
        {props.checked.length === 0 ? (
          <p>{t({ ru: 'Нет заявлений с проверенными документами.', en: 'No applications with documents checked.' })}</p>
        ) : (
          <Form action={`${props.base}/orders`} aria-label={t({ ru: 'Издать приказ', en: 'Issue an order' })}>
            <TextField name="number" label={{ ru: 'Номер приказа', en: 'Order number' }} value={props.orderValues.number} error={props.orderErrors.number} maxlength={50} required />
            <TextField name="issuedOn" type="date" label={{ ru: 'Дата приказа', en: 'Order date' }} value={props.orderValues.issuedOn} error={props.orderErrors.issuedOn} required />
            <fieldset class="fieldset" id="field-applicationIds">
              <legend>{t({ ru: 'Зачислить по заявлениям', en: 'Enrol by the applications' })}</legend>
              {props.checked.map((a) => (
                <div class="checkbox" key={a.id}>
                  <input type="checkbox" id={`app-${a.id}`} name="applicationIds" value={a.id} checked={props.orderValues.applicationIds.includes(a.id)} />
                  <label for={`app-${a.id}`}>
                    № {a.receiptNumber} — {a.childName}
                  </label>
                </div>
              ))}
            </fieldset>
            <Button>{t({ ru: 'Издать приказ', en: 'Issue the order' })}</Button>
          </Form>
        )}
      </section>
    </>
  );
}

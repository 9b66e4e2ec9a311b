/**
 * One first-grade application: status, receipt number and time, deadlines, history; for a draft
 * the submit form (posted to the accepting path) and the edit link; for the school its check,
 * refusal and the link to its order. Buttons appear only when the policy allows the action.
 */
import { formatDate, formatDateTime, type Message } from '../../../platform/i18n/i18n.ts';
import type { FieldErrors } from '../../../platform/errors.ts';
import { Button, ErrorSummary, Form, Notice, SelectField, SummaryList, Table, TextField } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { documentsResultNames, priorityLevelNames, type ApplicationDetail } from '../application.service.ts';
import type { AdmissionStatus } from '../admission.schema.ts';
import { admissionStatusNames } from '../status.ts';

function fullName(p: { lastName: string; firstName: string; middleName: string | null } | null): string {
  return p ? [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ') : '—';
}

export function AdmissionStatusTag(props: { status: AdmissionStatus }) {
  const t = useT();
  return <strong class={`status-tag status-tag--${props.status}`}>{t(admissionStatusNames[props.status])}</strong>;
}

export interface DetailActions {
  editDraft: boolean;
  submit: { idempotencyKey: string; stageText: string; open: boolean } | null;
  withdraw: boolean;
  decide: boolean;
  offers: Array<{ id: string; name: string; free: number }>;
  schoolListHref: string | null;
}

export function AdmissionDetailView(props: { detail: ApplicationDetail; actions: DetailActions; notice: Message | null; errors: FieldErrors; values: Record<string, string> }) {
  const t = useT();
  const { locale } = usePage();
  const { detail, actions } = props;
  const a = detail.row;
  const heading = a.receiptNumber === null ? { ru: 'Черновик заявления в 1 класс', en: 'Draft first-grade application' } : { ru: 'Заявление в 1 класс № {n}', en: 'First-grade application No. {n}' };
  return (
    <>
      <h1>{t(heading, { n: a.receiptNumber ?? '' })}</h1>
      {props.notice && (
        <Notice kind="success">
          <p>{t(props.notice)}</p>
        </Notice>
      )}
      <ErrorSummary errors={props.errors} labels={{ checkedOn: { ru: 'Дата проверки', en: 'Check date' }, result: { ru: 'Результат', en: 'Result' }, offeredOrganizationId: { ru: 'Предлагаемая школа', en: 'Offered school' } }} />
      <p>
        {t({ ru: 'Статус: ', en: 'Status: ' })}
        <AdmissionStatusTag status={a.status} />
      </p>
      <SummaryList
        rows={[
          [t({ ru: 'Номер заявления', en: 'Receipt number' }), a.receiptNumber === null ? t({ ru: 'присваивается при подаче', en: 'given at submission' }) : String(a.receiptNumber)],
          [t({ ru: 'Принято (МСК)', en: 'Received (Moscow)' }), a.receivedAt ? formatDateTime(locale, a.receivedAt) : '—'],
          [t({ ru: 'Этап', en: 'Stage' }), a.stage ? String(a.stage) : '—'],
          [t({ ru: 'Ребёнок', en: 'Child' }), fullName(detail.child)],
          [t({ ru: 'Законный представитель', en: 'Guardian' }), fullName(detail.guardian)],
          [t({ ru: 'Школа', en: 'School' }), detail.school?.shortName ?? '—'],
          [t({ ru: 'Адрес регистрации', en: 'Registered address' }), detail.house ? `${detail.house.label}${a.apartment ? `, кв. ${a.apartment}` : ''}` : '—'],
          [t({ ru: 'Зарегистрирован с', en: 'Registered since' }), a.registeredSince ? formatDate(locale, a.registeredSince) : '—'],
          [t({ ru: 'Закреплённая территория', en: 'Catchment territory' }), a.inTerritory ? t({ ru: 'да', en: 'yes' }) : t({ ru: 'нет', en: 'no' })],
          [t({ ru: 'Право на приём', en: 'Priority right' }), detail.category ? `${t({ ru: detail.category.nameRu, en: detail.category.nameEn })} (${t(priorityLevelNames[detail.category.level])})` : '—'],
          [t({ ru: 'Документ о праве', en: 'Proving document' }), a.priorityDocument ?? '—'],
          [t({ ru: 'Брат или сестра', en: 'Sibling' }), detail.sibling ? fullName(detail.sibling) : '—'],
          [t({ ru: 'Подлинники предъявить до', en: 'Originals due by' }), a.documentsDueOn ? formatDate(locale, a.documentsDueOn) : '—'],
          [t({ ru: 'Проверка документов', en: 'Document check' }), a.documentsResult ? `${formatDate(locale, a.documentsCheckedOn!)}: ${t(documentsResultNames[a.documentsResult])}` : '—'],
          [t({ ru: 'Решение не позднее', en: 'Decision due by' }), a.decisionDueOn ? formatDate(locale, a.decisionDueOn) : '—'],
          [t({ ru: 'Приказ о зачислении', en: 'Enrolment order' }), detail.order ? `№ ${detail.order.number} ${t({ ru: 'от', en: 'of' })} ${formatDate(locale, detail.order.issuedOn)}` : '—'],
          [
            t({ ru: 'Предложена другая школа', en: 'Another school offered' }),
            detail.offeredSchool ? (
              <>
                <a href={`/admission/live/${a.campaignId}/schools/${detail.offeredSchool.id}`}>{detail.offeredSchool.shortName}</a>
                {detail.offeredSchool.address ? `, ${detail.offeredSchool.address}` : ''}
              </>
            ) : (
              '—'
            ),
          ],
        ]}
      />
      {actions.submit && (
        <section class="panel" aria-labelledby="submit-title">
          <h2 id="submit-title">{t({ ru: 'Подача заявления', en: 'Submitting' })}</h2>
          <p>{actions.submit.stageText}</p>
          {actions.submit.open && (
            <Form action={`/admission/applications/${a.id}/submit`} aria-label={t({ ru: 'Подать заявление', en: 'Submit the application' })}>
              <input type="hidden" name="idempotencyKey" value={actions.submit.idempotencyKey} />
              <input type="hidden" name="applicationVersion" value={String(a.version)} />
              <Button>{t({ ru: 'Подать заявление', en: 'Submit the application' })}</Button>
            </Form>
          )}
        </section>
      )}
      {(actions.editDraft || actions.withdraw) && (
        <section class="panel" aria-labelledby="draft-actions-title">
          <h2 id="draft-actions-title">{t({ ru: 'Действия', en: 'Actions' })}</h2>
          {actions.editDraft && (
            <p>
              <a href={`/admission/applications/${a.id}/edit`}>{t({ ru: 'Изменить черновик', en: 'Edit the draft' })}</a>
            </p>
          )}
          {actions.withdraw && (
            <Form action={`/admission/applications/${a.id}/withdraw`} aria-label={t({ ru: 'Отозвать заявление', en: 'Withdraw the application' })}>
              <Button kind="warning">{a.status === 'draft' ? t({ ru: 'Удалить черновик', en: 'Delete the draft' }) : t({ ru: 'Отозвать заявление', en: 'Withdraw the application' })}</Button>
            </Form>
          )}
        </section>
      )}
      {actions.decide && (a.status === 'received' || a.status === 'documentsChecked') && (
        <section class="panel" aria-labelledby="school-title">
          <h2 id="school-title">{t({ ru: 'Решение школы', en: 'The school’s decision' })}</h2>
          {a.status === 'received' && (
            <Form action={`/admission/applications/${a.id}/documents`} aria-label={t({ ru: 'Проверка подлинников', en: 'Check of the originals' })}>
              <h3>{t({ ru: 'Проверка подлинников', en: 'Check of the originals' })}</h3>
              <TextField name="checkedOn" type="date" label={{ ru: 'Дата проверки', en: 'Check date' }} value={props.values.checkedOn ?? ''} error={props.errors.checkedOn} required />
              <SelectField
                name="result"
                label={{ ru: 'Результат', en: 'Result' }}
                value={props.values.result ?? 'confirmed'}
                error={props.errors.result}
                options={(Object.keys(documentsResultNames) as Array<keyof typeof documentsResultNames>).map((k) => ({ value: k, label: t(documentsResultNames[k]) }))}
              />
              <TextField name="note" label={{ ru: 'Примечание', en: 'Note' }} value={props.values.note ?? ''} maxlength={1000} />
              <Button>{t({ ru: 'Записать проверку', en: 'Record the check' })}</Button>
            </Form>
          )}
          <Form action={`/admission/applications/${a.id}/refuse`} aria-label={t({ ru: 'Отказ за отсутствием мест', en: 'Refusal for lack of places' })}>
            <h3>{t({ ru: 'Отказ за отсутствием свободных мест', en: 'Refusal for lack of places' })}</h3>
            <SelectField
              name="offeredOrganizationId"
              label={{ ru: 'Школа, предлагаемая муниципалитетом', en: 'School offered by the municipality' }}
              value={props.values.offeredOrganizationId ?? ''}
              error={props.errors.offeredOrganizationId}
              emptyLabel={{ ru: '— выберите —', en: '— choose —' }}
              options={actions.offers.map((o) => ({ value: o.id, label: `${o.name} (${t({ ru: 'свободно', en: 'free' })}: ${o.free})` }))}
              required
            />
            <Button kind="warning">{t({ ru: 'Отказать и предложить школу', en: 'Refuse and offer the school' })}</Button>
          </Form>
          {actions.schoolListHref && (
            <p>
              <a href={actions.schoolListHref}>{t({ ru: 'К заявлениям школы и приказам', en: 'To the school’s applications and orders' })}</a>
            </p>
          )}
        </section>
      )}
      <Table caption={t({ ru: 'История (время московское)', en: 'History (Moscow time)' })} headers={[t({ ru: 'Когда', en: 'When' }), t({ ru: 'Статус', en: 'Status' }), t({ ru: 'Основание', en: 'Reason' }), t({ ru: 'Кто', en: 'By' })]}>
        {detail.history.map((h) => (
          <tr key={h.id}>
            <td>{formatDateTime(locale, h.at)}</td>
            <td>{t(admissionStatusNames[h.toStatus])}</td>
            <td>{h.reason}</td>
            <td>{h.actorLabel}</td>
          </tr>
        ))}
      </Table>
      <p>
        <a href="/admission">{t({ ru: 'К заявлениям в 1 класс', en: 'To first-grade applications' })}</a>
      </p>
    </>
  );
}

/** The municipal operator's review queue of suspicious registrations, one flag's review form, and the thresholds page. */
import type { FieldErrors } from '../../../platform/errors.ts';
import { formatDateTime } from '../../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, Pagination, SelectField, SummaryList, Table, TextField } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { flagKinds, flagStatuses } from '../flags.schema.ts';
import { flagKindNames, flagStatusNames, type FlagView, type ParameterRow } from '../flags.service.ts';

/** What a flag's details say, in words (numbers and dates only). */
export function FlagDetails(props: { flag: FlagView }) {
  const t = useT();
  const d = props.flag.details as Record<string, unknown>;
  switch (props.flag.kind) {
    case 'crowdedApartment':
      return <>{t({ ru: `Законных представителей: ${d.guardians} (порог ${d.threshold}); заявления № ${(d.receiptNumbers as number[]).join(', ')}`, en: `Guardians: ${d.guardians} (threshold ${d.threshold}); applications no. ${(d.receiptNumbers as number[]).join(', ')}` })}</>;
    case 'recentRegistration':
      return <>{t({ ru: `Зарегистрирован с ${d.registeredSince}: за ${d.daysBefore} дн. до начала приёма (порог ${d.threshold})`, en: `Registered since ${d.registeredSince}: ${d.daysBefore} days before opening (threshold ${d.threshold})` })}</>;
    case 'nonResidential':
      return <>{t({ ru: 'По реестру адресов здание не жилое', en: 'The address register says the building is not housing' })}</>;
    case 'sharedDocument':
      return <>{t({ ru: `Тот же документ в заявлениях № ${(d.receiptNumbers as number[]).join(', ')}`, en: `The same document in applications no. ${(d.receiptNumbers as number[]).join(', ')}` })}</>;
  }
}

export function FlagQueueView(props: { flags: FlagView[]; schools: ReadonlyMap<string, string>; filter: { status: string; kind: string; number: string }; nextHref: string | null; notice: string | null }) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{t({ ru: 'Проверка подозрительных регистраций', en: 'Review of suspicious registrations' })}</h1>
      <p>
        {t({
          ru: 'Флаг — повод проверить, а не основание для отказа. Заявление рассматривается как обычно; школа видит только, что по заявлению идёт проверка.',
          en: 'A flag is a reason to check, never a ground for refusal. The application goes on as usual; the school sees only that a check is under way.',
        })}
      </p>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      <Form action="/admission/flags" method="get" aria-label={t({ ru: 'Отбор', en: 'Filter' })}>
        <SelectField name="status" label={{ ru: 'Состояние', en: 'State' }} options={flagStatuses.map((s) => ({ value: s, label: t(flagStatusNames[s]) }))} value={props.filter.status} emptyLabel={{ ru: 'Все', en: 'All' }} />
        <SelectField name="kind" label={{ ru: 'Признак', en: 'Kind' }} options={flagKinds.map((k) => ({ value: k, label: t(flagKindNames[k]) }))} value={props.filter.kind} emptyLabel={{ ru: 'Все', en: 'All' }} />
        <TextField name="number" label={{ ru: 'Номер заявления', en: 'Receipt number' }} value={props.filter.number} inputmode="numeric" />
        <Button kind="secondary">{t({ ru: 'Показать', en: 'Show' })}</Button>
      </Form>
      {props.flags.length === 0 ? (
        <p>{t({ ru: 'Флагов нет.', en: 'No flags.' })}</p>
      ) : (
        <Table caption={t({ ru: 'Флаги, сначала давние', en: 'Flags, oldest first' })} headers={[t({ ru: 'Заявление', en: 'Application' }), t({ ru: 'Школа', en: 'School' }), t({ ru: 'Признак', en: 'Kind' }), t({ ru: 'Подробности', en: 'Details' }), t({ ru: 'Состояние', en: 'State' }), t({ ru: 'Найден', en: 'Found' })]}>
          {props.flags.map((f) => (
            <tr key={f.id}>
              <td>
                <a href={`/admission/flags/${f.id}`}>№ {f.receiptNumber}</a>
              </td>
              <td>{props.schools.get(f.organizationId) ?? ''}</td>
              <td>{t(flagKindNames[f.kind])}</td>
              <td>
                <FlagDetails flag={f} />
              </td>
              <td>{t(flagStatusNames[f.status])}</td>
              <td>{formatDateTime(locale, f.createdAt)}</td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination nextHref={props.nextHref} />
    </>
  );
}

export const reviewLabels = { status: { ru: 'Решение', en: 'Decision' }, comment: { ru: 'Что проверено', en: 'What was checked' } };

export function FlagReviewView(props: { flag: FlagView; school: string; values: { status: string; comment: string }; errors: FieldErrors; error: string | null }) {
  const t = useT();
  const { locale } = usePage();
  const { flag } = props;
  return (
    <>
      <h1>
        {t({ ru: 'Проверка флага', en: 'Review a flag' })}: № {flag.receiptNumber}
      </h1>
      {props.error && (
        <div class="error-summary" role="alert" tabindex={-1}>
          <h2>{t({ ru: 'Не сохранено', en: 'Not saved' })}</h2>
          <p>{props.error}</p>
        </div>
      )}
      <ErrorSummary errors={props.errors} labels={reviewLabels} />
      <SummaryList
        rows={[
          [t({ ru: 'Признак', en: 'Kind' }), t(flagKindNames[flag.kind])],
          [t({ ru: 'Подробности', en: 'Details' }), <FlagDetails flag={flag} />],
          [t({ ru: 'Школа', en: 'School' }), props.school],
          [t({ ru: 'Состояние', en: 'State' }), t(flagStatusNames[flag.status])],
          [t({ ru: 'Найден', en: 'Found' }), formatDateTime(locale, flag.createdAt)],
          ...(flag.comment ? ([[t({ ru: 'Комментарий', en: 'Comment' }), flag.comment]] as Array<[string, string]>) : []),
        ]}
      />
      <Form action={`/admission/flags/${flag.id}`} aria-label={t({ ru: 'Решение по флагу', en: 'Decision on the flag' })}>
        <input type="hidden" name="expectedStatus" value={flag.status} />
        <SelectField name="status" label={reviewLabels.status} options={flagStatuses.map((s) => ({ value: s, label: t(flagStatusNames[s]) }))} value={props.values.status} error={props.errors.status} required />
        <TextField name="comment" label={reviewLabels.comment} value={props.values.comment} error={props.errors.comment} hint={{ ru: 'Обязательно, если проверка завершена', en: 'Required when the check is done' }} />
        <Button>{t({ ru: 'Сохранить', en: 'Save' })}</Button>
      </Form>
      <p>
        <a href="/admission/flags">{t({ ru: 'К очереди проверки', en: 'Back to the queue' })}</a>
      </p>
    </>
  );
}

export function ParametersView(props: { parameters: ParameterRow[]; values: Record<string, string>; errors: FieldErrors; saved: boolean }) {
  const t = useT();
  const labels = Object.fromEntries(props.parameters.map((p) => [p.code, { ru: p.nameRu, en: p.nameEn }]));
  return (
    <>
      <h1>{t({ ru: 'Пороги проверок и прогноза приёма', en: 'Thresholds of the checks and the forecast' })}</h1>
      {props.saved && <Notice kind="success">{t({ ru: 'Сохранено', en: 'Saved' })}</Notice>}
      <ErrorSummary errors={props.errors} labels={labels} />
      <Form action="/admission/parameters" aria-label={t({ ru: 'Пороги', en: 'Thresholds' })}>
        {props.parameters.map((p) => (
          <TextField
            key={p.code}
            name={p.code}
            label={{ ru: p.nameRu, en: p.nameEn }}
            value={props.values[p.code] ?? String(p.value)}
            error={props.errors[p.code]}
            inputmode="numeric"
            hint={{ ru: `${p.minValue}–${p.maxValue}. ${p.basis}`, en: `${p.minValue}–${p.maxValue}. ${p.basis}` }}
          />
        ))}
        <Button>{t({ ru: 'Сохранить', en: 'Save' })}</Button>
      </Form>
    </>
  );
}

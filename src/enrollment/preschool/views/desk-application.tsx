/** The desk's panel on an application: documents, queue, benefit, suspend/resume, remove, duplicates. */
import type { FieldErrors } from '../../../platform/errors.ts';
import { formatDateTime, type Message } from '../../../platform/i18n/i18n.ts';
import { Button, ErrorSummary, Form, Table, TextField } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import type { DuplicateCandidate } from '../application.service.ts';
import type { ApplicationStatus, BenefitStatus } from '../preschool.schema.ts';
import { statusNames } from '../status.ts';

const reasonNames: Record<DuplicateCandidate['reasons'][number], Message> = {
  sameChild: { ru: 'тот же ребёнок', en: 'same child record' },
  birthCertificate: { ru: 'то же свидетельство о рождении', en: 'same birth certificate' },
  snils: { ru: 'тот же СНИЛС', en: 'same SNILS' },
  nameAndBirthDate: { ru: 'те же фамилия, имя и дата рождения', en: 'same name and birth date' },
};

export interface DeskPanelProps {
  applicationId: string;
  status: ApplicationStatus;
  version: number;
  benefitStatus: BenefitStatus;
  /** Where a resume returns (the status before the suspension). */
  resumeTo: ApplicationStatus | null;
  duplicates: DuplicateCandidate[];
  municipalityNames: Map<number, string>;
  errors: FieldErrors;
  reason: string;
  benefitReason: string;
}

function TransitionButton(props: { id: string; to: ApplicationStatus; from: ApplicationStatus; label: Message }) {
  const t = useT();
  return (
    <Form action={`/preschool/desk/applications/${props.id}/transitions`} class="desk-action" aria-label={t(props.label)}>
      <input type="hidden" name="to" value={props.to} />
      <input type="hidden" name="expectedFrom" value={props.from} />
      <Button>{t(props.label)}</Button>
    </Form>
  );
}

export function DeskPanel(props: DeskPanelProps) {
  const t = useT();
  const { locale } = usePage();
  const { applicationId: id, status } = props;
  const labels = { reason: { ru: 'Причина', en: 'Reason' }, benefitReason: { ru: 'Основание решения по льготе', en: 'Benefit decision grounds' } };
  return (
    <section aria-labelledby="desk-title" class="panel">
      <h2 id="desk-title">{t({ ru: 'Действия специалиста', en: 'Desk actions' })}</h2>
      <ErrorSummary errors={props.errors} labels={labels} />
      {status === 'new' && <TransitionButton id={id} from={status} to="documentsChecked" label={{ ru: 'Документы проверены', en: 'Documents checked' }} />}
      {(status === 'documentsChecked' || status === 'declined' || status === 'offerExpired') && (
        <TransitionButton id={id} from={status} to="inQueue" label={{ ru: 'Поставить в очередь', en: 'Put in the queue' }} />
      )}
      {status === 'suspended' && props.resumeTo && (
        <TransitionButton id={id} from={status} to={props.resumeTo} label={{ ru: `Возобновить (вернуть в «${statusNames[props.resumeTo].ru}»)`, en: `Resume (back to "${statusNames[props.resumeTo].en}")` }} />
      )}
      {props.benefitStatus === 'claimed' && (
        <Form action={`/preschool/desk/applications/${id}/benefit`} class="desk-action" aria-label={t({ ru: 'Решение по льготе', en: 'Benefit decision' })}>
          <h3>{t({ ru: 'Льгота', en: 'Benefit' })}</h3>
          <TextField name="benefitReason" label={{ ru: 'Основание решения (обязательно при отказе)', en: 'Grounds (required to reject)' }} value={props.benefitReason} error={props.errors.benefitReason} maxlength={500} />
          <Button name="verdict" value="verified">
            {t({ ru: 'Подтвердить льготу', en: 'Verify the benefit' })}
          </Button>{' '}
          <Button kind="warning" name="verdict" value="rejected">
            {t({ ru: 'Отказать в льготе', en: 'Reject the benefit' })}
          </Button>
        </Form>
      )}
      {status !== 'removed' && status !== 'enrolled' && (
        <Form action={`/preschool/desk/applications/${id}/transitions`} class="desk-action" aria-label={t({ ru: 'Приостановить или снять с учёта', en: 'Suspend or remove' })}>
          <input type="hidden" name="expectedFrom" value={status} />
          <TextField name="reason" label={{ ru: 'Причина приостановки или снятия с учёта', en: 'Reason to suspend or remove' }} value={props.reason} error={props.errors.reason} maxlength={500} required />
          {(status === 'new' || status === 'documentsChecked' || status === 'inQueue') && (
            <>
              <Button kind="secondary" name="to" value="suspended">
                {t({ ru: 'Приостановить', en: 'Suspend' })}
              </Button>{' '}
            </>
          )}
          <Button kind="warning" name="to" value="removed">
            {t({ ru: 'Снять с учёта', en: 'Remove from the list' })}
          </Button>
        </Form>
      )}
      <h3>{t({ ru: 'Возможные дубли', en: 'Probable duplicates' })}</h3>
      {props.duplicates.length === 0 ? (
        <p>{t({ ru: 'Других заявлений на этого ребёнка не найдено (сверка по свидетельству о рождении, СНИЛС, фамилии, имени и дате рождения без учёта ё/е и регистра).', en: 'No other applications for this child (matched by birth certificate, SNILS, name and birth date ignoring ё/е and case).' })}</p>
      ) : (
        <Table caption={t({ ru: 'Другие заявления, похожие на это', en: 'Other applications like this one' })} headers={[t({ ru: 'Номер', en: 'Number' }), t({ ru: 'Статус', en: 'Status' }), t({ ru: 'Муниципалитет', en: 'Municipality' }), t({ ru: 'Зарегистрировано', en: 'Registered' }), t({ ru: 'Совпадение', en: 'Match' })]}>
          {props.duplicates.map((d) => (
            <tr key={d.applicationId}>
              <td>
                <a href={`/preschool/desk/applications/${d.applicationId}`}>{d.number}</a>
              </td>
              <td>{t(statusNames[d.status])}</td>
              <td>{props.municipalityNames.get(d.municipalityId) ?? d.municipalityId}</td>
              <td>{formatDateTime(locale, d.registeredAt)}</td>
              <td>{d.reasons.map((r) => t(reasonNames[r])).join(', ')}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

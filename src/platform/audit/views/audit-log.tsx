import type { FieldErrors } from '../../errors.ts';
import { formatDateTime, type Message } from '../../i18n/i18n.ts';
import { Button, ErrorSummary, Form, Notice, Pagination, SelectField, Table, TextField, type SelectOption } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { auditActionLabel, auditActionLabels, chainStatusLabels, type AuditLogEntry, type RawAuditFilters } from '../audit-browse.ts';
import type { ChainVerdict } from '../audit.ts';

export const auditFilterLabels: Record<string, Message> = {
  action: { ru: 'Действие', en: 'Action' },
  entityType: { ru: 'Тип объекта', en: 'Entity type' },
  entityId: { ru: 'Идентификатор объекта', en: 'Entity id' },
  actor: { ru: 'Кто (логин или id учётной записи)', en: 'Actor (login or account id)' },
  municipalityId: { ru: 'Муниципалитет', en: 'Municipality' },
  from: { ru: 'С даты', en: 'From date' },
  to: { ru: 'По дату', en: 'To date' },
  before: { ru: 'Страница', en: 'Page' },
  after: { ru: 'Страница', en: 'Page' },
  limit: { ru: 'Записей на странице', en: 'Events per page' },
};

export interface AuditLogViewProps {
  raw: RawAuditFilters;
  errors: FieldErrors;
  events: AuditLogEntry[];
  verdict: ChainVerdict;
  municipalities: Array<{ id: number; name: string }>;
  olderHref: string | null;
  newerHref: string | null;
  timeZone: string;
}

function VerdictLine(props: { verdict: ChainVerdict }) {
  const t = useT();
  const v = props.verdict;
  if (v.ok) {
    return (
      <Notice kind="success">
        <p>
          {t({ ru: 'Проверка цепочки: цепочка цела, проверено событий: {n}.', en: 'Chain check: intact, {n} events verified.' }, { n: v.events })}
        </p>
      </Notice>
    );
  }
  return (
    <div class="error-summary" role="alert">
      <h2>{t({ ru: 'Проверка цепочки: цепочка нарушена', en: 'Chain check: the chain is broken' })}</h2>
      <p>
        {t(
          { ru: 'Первое нарушение — событие № {seq}: {reason}. Событий до него без нарушений: {n}.', en: 'First broken link at event {seq}: {reason}. Intact events before it: {n}.' },
          { seq: v.brokenAtSeq, reason: v.reason, n: v.events },
        )}
      </p>
    </div>
  );
}

export function AuditLogView(props: AuditLogViewProps) {
  const t = useT();
  const { locale } = usePage();
  const municipalityNames = new Map(props.municipalities.map((m) => [m.id, m.name]));
  const actionOptions: SelectOption[] = Object.entries(auditActionLabels).map(([value, label]) => ({ value, label: t(label) }));
  const municipalityOptions: SelectOption[] = props.municipalities.map((m) => ({ value: String(m.id), label: m.name }));
  return (
    <>
      <h1>{t({ ru: 'Журнал аудита', en: 'Audit log' })}</h1>
      <p>
        {t({
          ru: 'Все изменения и просмотры персональных данных сотрудниками. Записи нельзя изменить или удалить: каждая связана с предыдущей хешем.',
          en: "Every change, and every staff read of a person's record. Events cannot be changed or deleted: each is chained to the previous one by a hash.",
        })}
      </p>
      <VerdictLine verdict={props.verdict} />
      <ErrorSummary errors={props.errors} labels={auditFilterLabels} />
      <Form action="/audit" method="get" class="filters" aria-label={t({ ru: 'Отбор событий', en: 'Filter events' })}>
        <SelectField
          name="action"
          label={auditFilterLabels.action!}
          options={actionOptions}
          value={props.raw.action ?? ''}
          emptyLabel={{ ru: 'Любое', en: 'Any' }}
          error={props.errors.action}
        />
        <TextField name="entityType" label={auditFilterLabels.entityType!} value={props.raw.entityType} error={props.errors.entityType} maxlength={200} />
        <TextField name="entityId" label={auditFilterLabels.entityId!} value={props.raw.entityId} error={props.errors.entityId} maxlength={200} />
        <TextField name="actor" label={auditFilterLabels.actor!} value={props.raw.actor} error={props.errors.actor} maxlength={200} />
        {municipalityOptions.length > 0 ? (
          <SelectField
            name="municipalityId"
            label={auditFilterLabels.municipalityId!}
            options={municipalityOptions}
            value={props.raw.municipalityId ?? ''}
            emptyLabel={{ ru: 'Любой', en: 'Any' }}
            error={props.errors.municipalityId}
          />
        ) : (
          <TextField name="municipalityId" label={auditFilterLabels.municipalityId!} value={props.raw.municipalityId} error={props.errors.municipalityId} inputmode="numeric" />
        )}
        <TextField
          name="from"
          type="date"
          label={auditFilterLabels.from!}
          hint={{ ru: 'По московскому времени', en: 'Moscow time' }}
          value={props.raw.from}
          error={props.errors.from}
        />
        <TextField name="to" type="date" label={auditFilterLabels.to!} hint={{ ru: 'Включительно', en: 'Inclusive' }} value={props.raw.to} error={props.errors.to} />
        <Button>{t({ ru: 'Показать', en: 'Show' })}</Button>
      </Form>
      {props.events.length === 0 ? (
        <p>{t({ ru: 'Событий по этим условиям нет.', en: 'No events match these filters.' })}</p>
      ) : (
        <Table
          caption={t({ ru: 'События, сначала новые', en: 'Events, newest first' })}
          headers={[
            t({ ru: '№', en: 'No.' }),
            t({ ru: 'Время (МСК)', en: 'Time (Moscow)' }),
            t({ ru: 'Кто', en: 'Actor' }),
            t(auditFilterLabels.action!),
            t({ ru: 'Объект', en: 'Entity' }),
            t({ ru: 'Область', en: 'Scope' }),
            t({ ru: 'IP-адрес', en: 'IP address' }),
            t({ ru: 'Номер запроса', en: 'Request id' }),
            t({ ru: 'Цепочка', en: 'Chain' }),
          ]}
        >
          {props.events.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>
                <time dateTime={e.occurredAt.toISOString()}>{formatDateTime(locale, e.occurredAt, props.timeZone)}</time>
              </td>
              <td>
                {e.actorLabel}
                {e.actorAccountId && (
                  <>
                    <br />
                    <code class="muted">{e.actorAccountId}</code>
                  </>
                )}
              </td>
              <td>{t(auditActionLabel(e.action))}</td>
              <td>
                {e.entityType}
                {e.entityId && (
                  <>
                    <br />
                    <code>{e.entityId}</code>
                  </>
                )}
              </td>
              <td>
                {e.municipalityId === null && e.organizationId === null && '—'}
                {e.municipalityId !== null && (municipalityNames.get(e.municipalityId) ?? `№ ${e.municipalityId}`)}
                {e.organizationId && (
                  <>
                    {e.municipalityId !== null && <br />}
                    <code>{e.organizationId}</code>
                  </>
                )}
              </td>
              <td>{e.ip ?? '—'}</td>
              <td>{e.requestId ? <code>{e.requestId}</code> : '—'}</td>
              <td class={e.chainStatus === 'intact' ? undefined : 'field-error'}>{t(chainStatusLabels[e.chainStatus])}</td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination previousHref={props.newerHref} nextHref={props.olderHref} />
    </>
  );
}

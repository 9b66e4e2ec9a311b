import { Notice, Pagination, Table } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { formatDateTime } from '../../i18n/i18n.ts';

export interface OutboxItem {
  id: number;
  toAddress: string;
  subject: string;
  body: string;
  link: string | null;
  createdAt: Date;
  sentAt: Date | null;
  attempts: number;
  lastError: string | null;
}

export function OutboxView(props: { items: OutboxItem[]; nextHref: string | null; firstHref: string | null }) {
  const t = useT();
  const { locale } = usePage();
  return (
    <>
      <h1>{t({ ru: 'Исходящая почта', en: 'Outbox' })}</h1>
      <Notice>
        {t({
          ru: 'Демонстрационный режим: здесь видны все письма платформы. Просмотр записывается в журнал аудита. В рабочем режиме этой страницы нет.',
          en: 'Demo mode: every e-mail the platform sends is shown here. Viewing is recorded in the audit log. This page does not exist outside demo mode.',
        })}
      </Notice>
      {props.items.length === 0 ? (
        <p>{t({ ru: 'Писем пока нет.', en: 'No e-mail yet.' })}</p>
      ) : (
        <Table
          caption={t({ ru: 'Письма, новые сверху', en: 'E-mail, newest first' })}
          headers={[t({ ru: 'Создано', en: 'Created' }), t({ ru: 'Кому', en: 'To' }), t({ ru: 'Письмо', en: 'Message' }), t({ ru: 'Состояние', en: 'Status' })]}
        >
          {props.items.map((m) => (
            <tr key={m.id}>
              <td>
                <time dateTime={m.createdAt.toISOString()}>{formatDateTime(locale, m.createdAt)}</time>
              </td>
              <td>{m.toAddress}</td>
              <td>
                <strong>{m.subject}</strong>
                <p class="outbox__body">{m.body}</p>
                {m.link && <p>{m.link}</p>}
              </td>
              <td>
                {m.sentAt
                  ? t({ ru: 'Отправлено {at}', en: 'Sent {at}' }, { at: formatDateTime(locale, m.sentAt) })
                  : m.lastError
                    ? t({ ru: 'Не отправлено: {reason} (попыток: {n})', en: 'Not sent: {reason} (attempts: {n})' }, { reason: m.lastError, n: m.attempts })
                    : t({ ru: 'В очереди на отправку', en: 'Waiting to be sent' })}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination previousHref={props.firstHref} nextHref={props.nextHref} />
    </>
  );
}

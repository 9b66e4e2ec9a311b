import { Button, Form, Notice, Pagination } from '../../../web/components.tsx';
import { usePage, useT } from '../../../web/page-context.ts';
import { isStaff } from '../../access/access.ts';
import { formatDateTime } from '../../i18n/i18n.ts';

export interface InboxItem {
  id: number;
  subject: string;
  body: string;
  link: string | null;
  createdAt: Date;
  readAt: Date | null;
}

export function InboxView(props: { linked: boolean; items: InboxItem[]; before: number | null; nextHref: string | null; firstHref: string | null }) {
  const t = useT();
  const { locale, demoMode, actor } = usePage();
  const unread = props.items.filter((n) => !n.readAt).length;
  return (
    <>
      <h1>{t({ ru: 'Уведомления', en: 'Notifications' })}</h1>
      {!props.linked && (
        <Notice>
          {t({
            ru: 'Ваша учётная запись не связана с записью о человеке, поэтому уведомлений для неё нет.',
            en: 'Your account is not linked to a person record, so it has no notifications.',
          })}
        </Notice>
      )}
      {props.linked && props.items.length === 0 && <p>{t({ ru: 'Уведомлений пока нет.', en: 'No notifications yet.' })}</p>}
      {unread > 0 && (
        <Form action="/notifications/read-all" class="inline-form">
          <Button kind="secondary">{t({ ru: 'Отметить все прочитанными', en: 'Mark all as read' })}</Button>
        </Form>
      )}
      {props.items.length > 0 && (
        <ol class="notification-list">
          {props.items.map((n) => (
            <li key={n.id} class={n.readAt ? 'notification' : 'notification notification--unread'}>
              <h2 class="notification__subject">
                {!n.readAt && <span class="notification__badge">{t({ ru: 'Новое', en: 'New' })}</span>} {n.subject}
              </h2>
              <p class="hint">
                <time dateTime={n.createdAt.toISOString()}>{formatDateTime(locale, n.createdAt)}</time>
              </p>
              <p>{n.body}</p>
              {n.link && (
                <p>
                  <a href={n.link}>{t({ ru: 'Подробнее', en: 'Details' })}</a>
                </p>
              )}
              {!n.readAt && (
                <Form action={`/notifications/${n.id}/read`} class="inline-form" aria-label={t({ ru: 'Отметить прочитанным: {subject}', en: 'Mark as read: {subject}' }, { subject: n.subject })}>
                  {props.before !== null && <input type="hidden" name="before" value={String(props.before)} />}
                  <Button kind="secondary">{t({ ru: 'Отметить прочитанным', en: 'Mark as read' })}</Button>
                </Form>
              )}
            </li>
          ))}
        </ol>
      )}
      <Pagination previousHref={props.firstHref} nextHref={props.nextHref} />
      {demoMode && isStaff(actor) && (
        <p>
          <a href="/outbox">{t({ ru: 'Исходящая почта (демонстрационный режим)', en: 'Outbox (demo mode)' })}</a>
        </p>
      )}
    </>
  );
}

/**
 * Notifying a person: an entry in their in-app inbox and, when they have an e-mail address,
 * a message in the outbox sent by the 'notify.email' job (with the queue's retries). Called
 * inside the transaction of the change it reports, so a change and its notice commit together.
 *
 * Also the reads behind the inbox (/notifications) and the demo outbox (/outbox).
 */
import { and, desc, eq, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import { queryRows } from '../db/connect.ts';
import { enqueue } from '../jobs/jobs.ts';
import { emailMessage, notification } from './notify.schema.ts';

export const EMAIL_QUEUE = 'notify.email';

export interface Notice {
  personId: string;
  subject: string;
  body: string;
  /** A path in the platform where the person sees the details (no personal data in it). */
  link?: string | null;
}

export async function notifyPerson(executor: Executor, notice: Notice): Promise<void> {
  await executor.insert(notification).values({ personId: notice.personId, subject: notice.subject, body: notice.body, link: notice.link ?? null });
  const [person] = await queryRows<{ email: string | null }>(executor, sql`SELECT email FROM person WHERE id = ${notice.personId}`);
  if (!person?.email) return;
  // The link is stored apart from the body: the sender makes it absolute (PUBLIC_URL).
  const [message] = await executor
    .insert(emailMessage)
    .values({ toAddress: person.email, subject: notice.subject, body: notice.body, link: notice.link ?? null })
    .returning({ id: emailMessage.id });
  await enqueue(executor, EMAIL_QUEUE, { emailId: message!.id }, { maxAttempts: 8 });
}

/**
 * Many notices at once, set-based (an allocation run notifies tens of thousands of guardians):
 * the same rows notifyPerson writes — inbox entries, outbox messages with their link kept apart,
 * and one 'notify.email' job per message — in three statements whatever the count.
 */
export async function notifyPeople(executor: Executor, notices: Notice[]): Promise<void> {
  if (notices.length === 0) return;
  const payload = JSON.stringify(notices.map((n) => ({ person_id: n.personId, subject: n.subject, body: n.body, link: n.link ?? null })));
  await executor.execute(sql`
    INSERT INTO notification (person_id, subject, body, link)
    SELECT person_id, subject, body, link FROM jsonb_to_recordset(${payload}::jsonb) AS n(person_id uuid, subject text, body text, link text)`);
  await executor.execute(sql`
    WITH mails AS (
      INSERT INTO email_message (to_address, subject, body, link)
      SELECT p.email, n.subject, n.body, n.link
      FROM jsonb_to_recordset(${payload}::jsonb) AS n(person_id uuid, subject text, body text, link text)
      JOIN person p ON p.id = n.person_id
      WHERE p.email IS NOT NULL AND p.email <> ''
      RETURNING id
    )
    INSERT INTO job (queue, payload, max_attempts)
    SELECT ${EMAIL_QUEUE}, jsonb_build_object('emailId', id), 8 FROM mails`);
}

export type NotificationRow = typeof notification.$inferSelect;
export type EmailMessageRow = typeof emailMessage.$inferSelect;

export interface Page<T> {
  items: T[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

/** A person's inbox, newest first, keyset-paginated by id. */
export async function listNotifications(executor: Executor, personId: string, options: { before?: number; limit: number }): Promise<Page<NotificationRow>> {
  const conditions: SQL[] = [eq(notification.personId, personId)];
  if (options.before !== undefined) conditions.push(lt(notification.id, options.before));
  const rows = await executor
    .select()
    .from(notification)
    .where(and(...conditions))
    .orderBy(desc(notification.id))
    .limit(options.limit + 1);
  const items = rows.slice(0, options.limit);
  return { items, nextBefore: rows.length > options.limit ? items[items.length - 1]!.id : null };
}

/** Marks one of the person's notices read; false when it is not theirs (or does not exist). */
export async function markNotificationRead(executor: Executor, personId: string, id: number, now: Date): Promise<boolean> {
  const rows = await executor
    .update(notification)
    .set({ readAt: sql`coalesce(${notification.readAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(eq(notification.id, id), eq(notification.personId, personId)))
    .returning({ id: notification.id });
  return rows.length > 0;
}

/** Marks all of the person's unread notices read; returns how many. */
export async function markAllNotificationsRead(executor: Executor, personId: string, now: Date): Promise<number> {
  const rows = await executor
    .update(notification)
    .set({ readAt: now })
    .where(and(eq(notification.personId, personId), isNull(notification.readAt)))
    .returning({ id: notification.id });
  return rows.length;
}

/** Every e-mail, newest first, keyset-paginated by id (the demo outbox). */
export async function listOutbox(executor: Executor, options: { before?: number; limit: number }): Promise<Page<EmailMessageRow>> {
  const rows = await executor
    .select()
    .from(emailMessage)
    .where(options.before !== undefined ? lt(emailMessage.id, options.before) : undefined)
    .orderBy(desc(emailMessage.id))
    .limit(options.limit + 1);
  const items = rows.slice(0, options.limit);
  return { items, nextBefore: rows.length > options.limit ? items[items.length - 1]!.id : null };
}

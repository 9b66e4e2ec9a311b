/**
 * Notifying a person: an entry in their in-app inbox and, when they have an e-mail address,
 * a message in the outbox sent by the 'notify.email' job (with the queue's retries). Called
 * inside the transaction of the change it reports, so a change and its notice commit together.
 */
import { eq, sql } from 'drizzle-orm';
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
  const [message] = await executor
    .insert(emailMessage)
    .values({ toAddress: person.email, subject: notice.subject, body: notice.link ? `${notice.body}\n\n${notice.link}` : notice.body })
    .returning({ id: emailMessage.id });
  await enqueue(executor, EMAIL_QUEUE, { emailId: message!.id }, { maxAttempts: 8 });
}

export async function markNotificationRead(executor: Executor, personId: string, id: number): Promise<void> {
  await executor.update(notification).set({ readAt: sql`now()` }).where(sql`${notification.id} = ${id} AND ${eq(notification.personId, personId)}`);
}

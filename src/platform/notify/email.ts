/**
 * Sending the outbox: the 'notify.email' job delivers one `email_message` row over SMTP
 * (SMTP_URL) with nodemailer. A failure is recorded on the row (attempts, last_error) and
 * rethrown, so the job queue retries it with exponential backoff; without SMTP_URL the message
 * stays in the outbox, marked as not sent, and the job completes rather than retrying forever.
 *
 * Idempotent: a message with sent_at is never sent again (a job may run twice when its worker
 * dies after sending but before completing). No row lock is held while talking to the SMTP
 * server — on the embedded database a transaction blocks every other query — the job's lease
 * (minutes) is what keeps two workers off the same message; SMTP timeouts are kept well below it.
 */
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { AppContext } from '../context.ts';
import type { JobHandler } from '../jobs/jobs.ts';
import { emailMessage } from './notify.schema.ts';

export const SMTP_NOT_CONFIGURED = 'not sent: SMTP not configured';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
}

export type DeliveryOutcome = 'sent' | 'alreadySent' | 'notConfigured' | 'missing';

/** The plain-text body as sent: the notice, then its link made absolute for this installation. */
export function composeEmailText(body: string, link: string | null, publicUrl: string): string {
  if (!link) return body;
  const url = /^https?:\/\//.test(link) ? link : `${publicUrl}${link.startsWith('/') ? '' : '/'}${link}`;
  return `${body}\n\n${url}`;
}

async function sendOverSmtp(smtpUrl: string, mail: OutgoingMail): Promise<void> {
  const transport = nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  try {
    await transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      // RFC 3834: an automatic message; well-behaved mail servers do not auto-reply to it.
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  } finally {
    transport.close();
  }
}

/** Sends one outbox message now; throws (after recording the attempt) when SMTP fails. */
export async function deliverEmail(context: AppContext, emailId: number): Promise<DeliveryOutcome> {
  const { db, config, clock } = context;
  const [message] = await db.select().from(emailMessage).where(eq(emailMessage.id, emailId));
  if (!message) return 'missing';
  if (message.sentAt) return 'alreadySent';
  if (!config.smtpUrl) {
    // Nothing will change by retrying: the message waits in the outbox (visible in demo mode).
    await db.update(emailMessage).set({ lastError: SMTP_NOT_CONFIGURED }).where(eq(emailMessage.id, emailId));
    return 'notConfigured';
  }
  try {
    await sendOverSmtp(config.smtpUrl, {
      from: config.mailFrom,
      to: message.toAddress,
      subject: message.subject,
      text: composeEmailText(message.body, message.link, config.publicUrl),
    });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
    await db
      .update(emailMessage)
      .set({ attempts: message.attempts + 1, lastError: reason })
      .where(eq(emailMessage.id, emailId));
    throw error;
  }
  await db
    .update(emailMessage)
    .set({ attempts: message.attempts + 1, sentAt: clock.now(), lastError: null })
    .where(eq(emailMessage.id, emailId));
  return 'sent';
}

/** The 'notify.email' job: payload { emailId }. */
export const sendEmailJob: JobHandler = async (run, context) => {
  const emailId = Number(run.payload.emailId);
  if (!Number.isSafeInteger(emailId)) throw new Error('notify.email job without a numeric emailId');
  await deliverEmail(context, emailId);
};

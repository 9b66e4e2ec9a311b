/**
 * The platform's own background work. Domain modules add their queues beside these in
 * src/start.ts.
 */
import { sealPendingAudit } from '../audit/audit-seal.ts';
import { deleteExpiredSessions } from '../auth/accounts.ts';
import { sendEmailJob } from '../notify/email.ts';
import { EMAIL_QUEUE } from '../notify/notify.ts';
import { purgeCompletedJobs, type JobHandler, type JobSchedule } from './jobs.ts';

const DAY = 24 * 3600_000;

export const platformJobHandlers: Record<string, JobHandler> = {
  /** Housekeeping: expired sessions, and completed jobs older than 30 days. */
  'platform.cleanup': async (_run, context) => {
    const now = context.clock.now();
    await deleteExpiredSessions(context.db, now);
    await purgeCompletedJobs(context.db, new Date(now.getTime() - 30 * DAY));
  },
  /** Chains audit events a process wrote but ended before sealing (platform/audit/audit-seal.ts). */
  'platform.audit-seal': async (_run, context) => {
    await sealPendingAudit(context.db);
  },
  /** One outbox e-mail over SMTP (src/platform/notify/email.ts); retried with backoff on failure. */
  [EMAIL_QUEUE]: sendEmailJob,
};

export const platformJobSchedules: JobSchedule[] = [
  { queue: 'platform.cleanup', everyMs: 3600_000 },
  { queue: 'platform.audit-seal', everyMs: 60_000 },
];

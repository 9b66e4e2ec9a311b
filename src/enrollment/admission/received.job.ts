/**
 * The `admission.received` job: the accepting path (submission.*) commits a batch of receipts and
 * enqueues one job with `{ applicationIds }`; everything slow happens here, after the commit —
 * the working-day deadlines, the notice to each guardian ("заявление принято, номер N, время T")
 * and the suspicious-registration checks (flags for a human, never a refusal).
 */
import type { JobHandler } from '../../platform/jobs/jobs.ts';
import { notifyReceived } from './application-status.service.ts';
import { fixReceiptDeadlines } from './application.service.ts';
import { flagApplications } from './flags.service.ts';

export const ADMISSION_RECEIVED_QUEUE = 'admission.received';

export const receivedJobHandlers: Record<string, JobHandler> = {
  async [ADMISSION_RECEIVED_QUEUE](run, context) {
    const ids = Array.isArray(run.payload.applicationIds) ? run.payload.applicationIds.filter((id): id is string => typeof id === 'string') : [];
    if (ids.length === 0) return;
    // Deadlines and flags are idempotent; the notices, one statement, come last so that a retry
    // after a failure above does not send them twice.
    await fixReceiptDeadlines(context.db, ids);
    await flagApplications(context, ids);
    await notifyReceived(context, ids);
  },
};

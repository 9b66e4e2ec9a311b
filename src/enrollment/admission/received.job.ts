/**
 * The `admission.received` job: the accepting path (submission.*) commits a batch of receipts and
 * enqueues one job with `{ applicationIds }`; everything slow happens here, after the commit —
 * the notice to each guardian and the suspicious-registration checks.
 */
import type { JobHandler } from '../../platform/jobs/jobs.ts';
import { notifyReceived } from './application-status.service.ts';

export const ADMISSION_RECEIVED_QUEUE = 'admission.received';

export const receivedJobHandlers: Record<string, JobHandler> = {
  async [ADMISSION_RECEIVED_QUEUE](run, context) {
    const ids = Array.isArray(run.payload.applicationIds) ? run.payload.applicationIds.filter((id): id is string => typeof id === 'string') : [];
    if (ids.length === 0) return;
    await notifyReceived(context, ids);
  },
};

/**
 * First-grade admission (приём в 1 класс): campaigns, applications, decisions, orders, the public
 * live pages (docs/admission.md). Helpers on issue 4 add one line each below for their routes and
 * job handlers.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import type { JobHandler, JobSchedule } from '../../platform/jobs/jobs.ts';
import { registerAdmissionOrderRoutes } from './admission-order.routes.tsx';
import { registerApplicationRoutes } from './application.routes.tsx';
import { registerCampaignRoutes } from './campaign.routes.tsx';
import { registerFlagRoutes } from './flags.routes.tsx';
import { registerPlanningRoutes } from './planning.routes.tsx';
import { registerRateLimitRoutes } from './rate-limit.routes.tsx';
import { purgeRateCounters, RATE_COUNTER_PURGE_QUEUE } from './rate-limit.ts';
import { receivedJobHandlers } from './received.job.ts';
import { registerAdmissionReferenceRoutes } from './reference.routes.tsx';
import { registerSubmissionRoutes } from './submission.routes.tsx';

export function registerAdmission(app: FastifyInstance, context: AppContext): void {
  registerCampaignRoutes(app, context);
  registerApplicationRoutes(app, context);
  registerAdmissionReferenceRoutes(app, context);
  registerSubmissionRoutes(app, context);
  registerAdmissionOrderRoutes(app, context);
  registerFlagRoutes(app, context);
  registerPlanningRoutes(app, context);
  registerRateLimitRoutes(app, context);
}

export const admissionJobHandlers: Record<string, JobHandler> = {
  ...receivedJobHandlers,
  /** Housekeeping: rate-limit counters of windows that have ended. */
  [RATE_COUNTER_PURGE_QUEUE]: async (_run, context) => {
    await purgeRateCounters(context.db, context.clock.now());
  },
};
export const admissionJobSchedules: JobSchedule[] = [{ queue: RATE_COUNTER_PURGE_QUEUE, everyMs: 3600_000 }];

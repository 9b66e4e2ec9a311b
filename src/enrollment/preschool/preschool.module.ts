/** The kindergarten waiting list and allocation (учёт и комплектование ДОО). */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import type { JobHandler, JobSchedule } from '../../platform/jobs/jobs.ts';
import { registerReferenceRoutes } from './reference.routes.tsx';
import { registerGroupRoutes } from './group.routes.tsx';
import { registerApplicationRoutes } from './application.routes.tsx';
import { registerAllocationRoutes } from './allocation-run.routes.tsx';
import { registerPublicQueueRoutes } from './public-queue.routes.tsx';
import { registerDeadlineRoutes, deadlineJobHandlers, deadlineJobSchedules } from './deadlines.routes.tsx';

export function registerPreschool(app: FastifyInstance, context: AppContext): void {
  registerReferenceRoutes(app, context);
  registerGroupRoutes(app, context);
  registerApplicationRoutes(app, context);
  registerAllocationRoutes(app, context);
  registerPublicQueueRoutes(app, context);
  registerDeadlineRoutes(app, context);
}

export const preschoolJobHandlers: Record<string, JobHandler> = { ...deadlineJobHandlers };
export const preschoolJobSchedules: JobSchedule[] = [...deadlineJobSchedules];

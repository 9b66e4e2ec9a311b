import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import type { JobHandler, JobSchedule } from '../../platform/jobs/jobs.ts';

// Being written.
export function registerDeadlineRoutes(_app: FastifyInstance, _context: AppContext): void {}
export const deadlineJobHandlers: Record<string, JobHandler> = {};
export const deadlineJobSchedules: JobSchedule[] = [];

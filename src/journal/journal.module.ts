/**
 * The electronic class journal (issue 5): school year, pupils' registry (контингент),
 * curriculum, timetable, lessons and marks, the diary, reports and the archive.
 * Each part registers its routes here, one line each.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.ts';
import type { JobHandler, JobSchedule } from '../platform/jobs/jobs.ts';

export function registerJournal(app: FastifyInstance, context: AppContext): void {
  void app;
  void context;
}

export const journalJobHandlers: Record<string, JobHandler> = {};
export const journalJobSchedules: JobSchedule[] = [];

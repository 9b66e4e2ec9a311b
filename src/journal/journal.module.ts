/**
 * The electronic class journal (issue 5): school year, pupils' registry (контингент),
 * curriculum, timetable, lessons and marks, the diary, reports and the archive.
 * Each part registers its routes here, one line each.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.ts';
import type { JobHandler, JobSchedule } from '../platform/jobs/jobs.ts';
import { registerSchoolYearRoutes } from './school-year.routes.tsx';
import { registerClassRoutes } from './class.routes.tsx';
import { registerEnrolmentRoutes } from './enrolment.routes.tsx';
import { registerPromotionRoutes } from './promotion.routes.tsx';
import { registerCurriculumRoutes } from './curriculum.routes.tsx';
import { registerMergeRoutes } from './merge.routes.tsx';
import { registerFinalsRoutes } from './finals.routes.tsx';
import { registerGradebookRoutes } from './gradebook.routes.tsx';
import { registerLessonRoutes } from './lesson.routes.tsx';
import { registerTimetableRoutes } from './timetable.routes.tsx';
import { archiveJobHandlers } from './archive.service.ts';
import { registerArchiveRoutes } from './archive.routes.tsx';
import { registerCorrectionRoutes } from './correction.routes.tsx';
import { diaryJobHandlers, diaryJobSchedules } from './diary.service.ts';
import { registerDiaryRoutes } from './diary.routes.tsx';
import { registerPupilAccountRoutes } from './pupil-account.routes.tsx';
import { registerReportRoutes } from './reports.routes.tsx';
import { registerCompletenessRoutes } from './completeness.routes.tsx';
import { registerWorkKindRoutes } from './work-kind.routes.tsx';

export function registerJournal(app: FastifyInstance, context: AppContext): void {
  registerSchoolYearRoutes(app, context);
  registerClassRoutes(app, context);
  registerEnrolmentRoutes(app, context);
  registerPromotionRoutes(app, context);
  registerCurriculumRoutes(app, context);
  registerMergeRoutes(app, context);
  registerTimetableRoutes(app, context);
  registerLessonRoutes(app, context);
  registerGradebookRoutes(app, context);
  registerCompletenessRoutes(app, context);
  registerWorkKindRoutes(app, context);
  registerFinalsRoutes(app, context);
  registerDiaryRoutes(app, context);
  registerReportRoutes(app, context);
  registerArchiveRoutes(app, context);
  registerCorrectionRoutes(app, context);
  registerPupilAccountRoutes(app, context);
}

export const journalJobHandlers: Record<string, JobHandler> = {
  ...diaryJobHandlers,
  ...archiveJobHandlers,
};
export const journalJobSchedules: JobSchedule[] = [
  ...diaryJobSchedules,
];

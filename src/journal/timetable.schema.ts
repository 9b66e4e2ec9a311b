/** The weekly template of a class (migration 0021). */
import { date, pgTable, smallint, uuid } from 'drizzle-orm/pg-core';

export const timetableSlot = pgTable('timetable_slot', {
  id: uuid('id').primaryKey().defaultRandom(),
  assignmentId: uuid('assignment_id').notNull(),
  classId: uuid('class_id').notNull(),
  /** 1 = Monday … 6 = Saturday. */
  weekday: smallint('weekday').notNull(),
  lessonNumber: smallint('lesson_number').notNull(),
  validFrom: date('valid_from', { mode: 'string' }),
  validTo: date('valid_to', { mode: 'string' }),
});

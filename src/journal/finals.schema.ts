/** Term and year final marks (migration 0021). */
import { numeric, pgTable, smallint, timestamp, uuid } from 'drizzle-orm/pg-core';

export const finalMark = pgTable('final_mark', {
  id: uuid('id').primaryKey().defaultRandom(),
  pupilId: uuid('pupil_id').notNull(),
  assignmentId: uuid('assignment_id').notNull(),
  /** null: the year's final. */
  termId: uuid('term_id'),
  value: smallint('value').notNull(),
  /** The weighted average shown when the teacher decided, e.g. '4.33'. */
  suggested: numeric('suggested', { precision: 3, scale: 2 }),
  decidedBy: uuid('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
});

/** Merged duplicate person records (migration 0020): the merged record stays, marked, pointing at the kept one. */
import { jsonb, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';

export const personMerge = pgTable('person_merge', {
  mergedPersonId: uuid('merged_person_id').primaryKey(),
  keptPersonId: uuid('kept_person_id').notNull(),
  mergedAt: timestamp('merged_at', { withTimezone: true }).notNull(),
  mergedBy: uuid('merged_by'),
  /** What moved: { "table.column": rowCount, ... } */
  moved: jsonb('moved').$type<Record<string, number>>().notNull(),
});

/** The region's settings of the journal's reports (migration 0022). */
import { pgTable, smallint, timestamp, uuid } from 'drizzle-orm/pg-core';

export const journalReportSetting = pgTable('journal_report_setting', {
  id: smallint('id').primaryKey(),
  /** A held lesson without topic, attendance or marks this many days after it is late. */
  lateAfterDays: smallint('late_after_days').notNull().default(3),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by'),
});

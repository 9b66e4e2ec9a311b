import { pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';

/** migrations/0011: one row per offer whose deadline reminder was sent (makes the job idempotent). */
export const preschoolOfferReminder = pgTable('preschool_offer_reminder', {
  offerId: uuid('offer_id').primaryKey(),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
});

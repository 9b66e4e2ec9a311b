import { bigserial, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const notification = pgTable('notification', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  personId: uuid('person_id').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  link: text('link'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  readAt: timestamp('read_at', tz),
});

export const emailMessage = pgTable('email_message', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  toAddress: text('to_address').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  /** migrations/0011: a path in the platform; made absolute with PUBLIC_URL when sent. */
  link: text('link'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  sentAt: timestamp('sent_at', tz),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
});

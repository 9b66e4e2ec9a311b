import { bigserial, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const job = pgTable('job', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  queue: text('queue').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
  runAt: timestamp('run_at', tz).notNull().defaultNow(),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull().default(5),
  lockedBy: text('locked_by'),
  lockedUntil: timestamp('locked_until', tz),
  lastError: text('last_error'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  completedAt: timestamp('completed_at', tz),
  failedAt: timestamp('failed_at', tz),
});

export const installationFact = pgTable('installation_fact', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  recordedAt: timestamp('recorded_at', tz).notNull().defaultNow(),
});

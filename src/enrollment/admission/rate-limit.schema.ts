import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export type RateAction = 'submission' | 'draft';
export type RateScope = 'account' | 'address';

/** migrations/0018: the limits, reference data editable by a regional administrator. */
export const admissionRateRule = pgTable(
  'admission_rate_rule',
  {
    action: text('action').$type<RateAction>().notNull(),
    scope: text('scope').$type<RateScope>().notNull(),
    maxHits: integer('max_hits').notNull(),
    windowSeconds: integer('window_seconds').notNull(),
  },
  (t) => [primaryKey({ columns: [t.action, t.scope] })],
);

/** migrations/0018: fixed-window hit counters shared by every app process. */
export const admissionRateCounter = pgTable(
  'admission_rate_counter',
  {
    bucket: text('bucket').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    hits: integer('hits').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.windowStart] })],
);

import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** migrations/0018: the Idempotency-Key of each accepted submission, per account. */
export const admissionSubmissionKey = pgTable(
  'admission_submission_key',
  {
    accountId: uuid('account_id').notNull(),
    key: text('key').notNull(),
    requestSha256: text('request_sha256').notNull(),
    applicationId: uuid('application_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] })],
);

/** Drizzle mirror of the admission runs of migrations/0019_admission_order.sql. */
import { integer, jsonb, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export type AdmissionRunStatus = 'dryRun' | 'committed' | 'discarded';

export const admissionRun = pgTable('admission_run', {
  id: uuid('id').primaryKey().defaultRandom(),
  campaignId: uuid('campaign_id').notNull(),
  municipalityId: integer('municipality_id').notNull(),
  stage: smallint('stage').$type<1 | 2>().notNull(),
  status: text('status').$type<AdmissionRunStatus>().notNull(),
  instance: jsonb('instance').notNull(),
  result: jsonb('result').notNull(),
  instanceSha256: text('instance_sha256').notNull(),
  engineVersion: text('engine_version').notNull(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', tz).notNull(),
  committedBy: uuid('committed_by'),
  committedAt: timestamp('committed_at', tz),
});

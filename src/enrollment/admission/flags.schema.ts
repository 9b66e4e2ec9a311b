/** Drizzle mirror of the flags and reference values of migrations/0019_admission_order.sql. */
import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const flagKinds = ['crowdedApartment', 'recentRegistration', 'nonResidential', 'sharedDocument'] as const;
export type FlagKind = (typeof flagKinds)[number];
export const flagStatuses = ['open', 'cleared', 'confirmed'] as const;
export type FlagStatus = (typeof flagStatuses)[number];

export const admissionParameter = pgTable('admission_parameter', {
  code: text('code').primaryKey(),
  value: integer('value').notNull(),
  minValue: integer('min_value').notNull(),
  maxValue: integer('max_value').notNull(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  basis: text('basis').notNull(),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
});

export const admissionFlag = pgTable('admission_flag', {
  id: uuid('id').primaryKey().defaultRandom(),
  applicationId: uuid('application_id').notNull(),
  campaignId: uuid('campaign_id').notNull(),
  municipalityId: integer('municipality_id').notNull(),
  organizationId: uuid('organization_id').notNull(),
  kind: text('kind').$type<FlagKind>().notNull(),
  details: jsonb('details').notNull().default({}),
  status: text('status').$type<FlagStatus>().notNull().default('open'),
  comment: text('comment'),
  createdAt: timestamp('created_at', tz).notNull(),
  reviewedAt: timestamp('reviewed_at', tz),
  reviewedBy: uuid('reviewed_by'),
});

/** Territories assigned to schools (закреплённые территории): migrations/0015_addresses_territories.sql. */
import { date, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const territoryActStatuses = ['draft', 'published'] as const;
export type TerritoryActStatus = (typeof territoryActStatuses)[number];

export const territoryRuleKinds = ['wholeStreet', 'range', 'odd', 'even', 'house'] as const;
export type TerritoryRuleKind = (typeof territoryRuleKinds)[number];

export const territoryAct = pgTable('territory_act', {
  id: uuid('id').primaryKey().defaultRandom(),
  municipalityId: integer('municipality_id').notNull(),
  number: text('number').notNull(),
  signedOn: date('signed_on', { mode: 'string' }).notNull(),
  title: text('title').notNull(),
  documentUrl: text('document_url'),
  documentName: text('document_name'),
  validFrom: date('valid_from', { mode: 'string' }).notNull(),
  status: text('status').$type<TerritoryActStatus>().notNull().default('draft'),
  publishedAt: timestamp('published_at', tz),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});

export const territoryRule = pgTable('territory_rule', {
  id: uuid('id').primaryKey().defaultRandom(),
  actId: uuid('act_id').notNull(),
  organizationId: uuid('organization_id').notNull(),
  objectId: uuid('object_id').notNull(),
  kind: text('kind').$type<TerritoryRuleKind>().notNull(),
  numberFrom: integer('number_from'),
  numberTo: integer('number_to'),
  houseId: uuid('house_id'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
});

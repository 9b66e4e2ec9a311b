/** Addresses shaped like ГАР/ФИАС (migrations/0015_addresses_territories.sql, docs/addresses.md). */
import { bigint, boolean, integer, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const addressObjectKinds = ['settlement', 'street'] as const;
export type AddressObjectKind = (typeof addressObjectKinds)[number];

export const addressObject = pgTable('address_object', {
  id: uuid('id').primaryKey(),
  objectId: bigint('object_id', { mode: 'number' }).notNull(),
  level: smallint('level').notNull(),
  kind: text('kind').$type<AddressObjectKind>().notNull(),
  name: text('name').notNull(),
  typeName: text('type_name').notNull(),
  parentId: uuid('parent_id'),
  municipalityId: integer('municipality_id').notNull(),
  label: text('label').notNull(),
  searchKey: text('search_key').notNull(),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
});

export const addressObjectWord = pgTable(
  'address_object_word',
  {
    word: text('word').notNull(),
    objectId: uuid('object_id').notNull(),
    own: boolean('own').notNull(),
  },
  (t) => [primaryKey({ columns: [t.objectId, t.word] })],
);

export const addressHouse = pgTable('address_house', {
  id: uuid('id').primaryKey(),
  objectId: bigint('object_id', { mode: 'number' }).notNull(),
  parentId: uuid('parent_id').notNull(),
  settlementId: uuid('settlement_id').notNull(),
  municipalityId: integer('municipality_id').notNull(),
  houseNumber: text('house_number').notNull(),
  building: text('building'),
  structure: text('structure'),
  numberKey: text('number_key').notNull(),
  numberInt: integer('number_int'),
  residential: boolean('residential').notNull().default(true),
  label: text('label').notNull(),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
});

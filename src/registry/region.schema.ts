import { integer, pgTable, smallint, text } from 'drizzle-orm/pg-core';

export const region = pgTable('region', {
  id: smallint('id').primaryKey(),
  code: text('code').notNull(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  timeZone: text('time_zone').notNull(),
});

export const municipality = pgTable('municipality', {
  id: integer('id').primaryKey(),
  regionId: smallint('region_id').notNull(),
  code: text('code').notNull(),
  kind: text('kind').$type<'cityDistrict' | 'district'>().notNull(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  populationThousands: integer('population_thousands').notNull(),
});

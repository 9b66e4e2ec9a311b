/** Drizzle mirror of the births by house and year of migrations/0019_admission_order.sql. */
import { integer, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';

export const admissionBirthCount = pgTable(
  'admission_birth_count',
  {
    houseId: uuid('house_id').notNull(),
    birthYear: integer('birth_year').notNull(),
    municipalityId: integer('municipality_id').notNull(),
    count: integer('count').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.houseId, table.birthYear] })],
);

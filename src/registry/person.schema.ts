import { date, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const person = pgTable('person', {
  id: uuid('id').primaryKey().defaultRandom(),
  lastName: text('last_name').notNull(),
  firstName: text('first_name').notNull(),
  middleName: text('middle_name'),
  birthDate: date('birth_date', { mode: 'string' }).notNull(),
  sex: text('sex').$type<'male' | 'female'>().notNull(),
  snils: text('snils'),
  birthCertificateSeries: text('birth_certificate_series'),
  birthCertificateNumber: text('birth_certificate_number'),
  passportSeries: text('passport_series'),
  passportNumber: text('passport_number'),
  phone: text('phone'),
  email: text('email'),
  municipalityId: integer('municipality_id').notNull(),
  organizationId: uuid('organization_id'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  /** Bumped by every edit; an edit made from an older version is refused (migration 0014). */
  version: integer('version').notNull().default(1),
});

export const guardianRelations = ['mother', 'father', 'guardian', 'trustee', 'other'] as const;

export const guardianLink = pgTable(
  'guardian_link',
  {
    guardianId: uuid('guardian_id').notNull(),
    childId: uuid('child_id').notNull(),
    relation: text('relation').$type<(typeof guardianRelations)[number]>().notNull(),
    createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.guardianId, t.childId] })],
);

export const staffMember = pgTable(
  'staff_member',
  {
    personId: uuid('person_id').notNull(),
    organizationId: uuid('organization_id').notNull(),
    position: text('position').notNull(),
    hiredOn: date('hired_on', { mode: 'string' }),
  },
  (t) => [primaryKey({ columns: [t.personId, t.organizationId] })],
);

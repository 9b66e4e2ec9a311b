/** The school year: academic years, terms, school holidays (каникулы) and bells (migration 0020). */
import { date, integer, pgTable, primaryKey, smallint, text, time, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const termKinds = ['quarter', 'trimester', 'halfYear'] as const;
export type TermKind = (typeof termKinds)[number];

/** Regional defaults for a new year (reference data, editable by the regional administrator). */
export const schoolCalendarDefault = pgTable(
  'school_calendar_default',
  {
    startsYear: integer('starts_year').notNull(),
    kind: text('kind').$type<'term' | 'holiday'>().notNull(),
    number: smallint('number').notNull(),
    nameRu: text('name_ru').notNull(),
    nameEn: text('name_en').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.startsYear, t.kind, t.number] })],
);

export const academicYear = pgTable('academic_year', {
  id: uuid('id').primaryKey().defaultRandom(),
  organizationId: uuid('organization_id').notNull(),
  municipalityId: integer('municipality_id').notNull(),
  name: text('name').notNull(),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  endsOn: date('ends_on', { mode: 'string' }).notNull(),
  weekDays: smallint('week_days').$type<5 | 6>().notNull().default(5),
  termKind: text('term_kind').$type<TermKind>().notNull(),
  status: text('status').$type<'open' | 'closed'>().notNull().default('open'),
  closedAt: timestamp('closed_at', tz),
  closedBy: uuid('closed_by'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});

export const academicTerm = pgTable('academic_term', {
  id: uuid('id').primaryKey().defaultRandom(),
  yearId: uuid('year_id').notNull(),
  number: smallint('number').notNull(),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  endsOn: date('ends_on', { mode: 'string' }).notNull(),
});

export const schoolHoliday = pgTable('school_holiday', {
  id: uuid('id').primaryKey().defaultRandom(),
  yearId: uuid('year_id').notNull(),
  name: text('name').notNull(),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  endsOn: date('ends_on', { mode: 'string' }).notNull(),
});

export const bellSchedule = pgTable(
  'bell_schedule',
  {
    yearId: uuid('year_id').notNull(),
    lessonNumber: smallint('lesson_number').notNull(),
    /** 'HH:MM:SS' */
    startsAt: time('starts_at').notNull(),
    endsAt: time('ends_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.yearId, t.lessonNumber] })],
);

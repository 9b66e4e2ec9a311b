import { boolean, date, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const calendarDayKinds = ['holiday', 'dayOff', 'workingWeekend'] as const;
export type CalendarDayKind = (typeof calendarDayKinds)[number];

export const productionCalendarYear = pgTable('production_calendar_year', {
  year: integer('year').primaryKey(),
  source: text('source').notNull().default(''),
  confirmed: boolean('confirmed').notNull().default(false),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
});

export const productionCalendarDay = pgTable('production_calendar_day', {
  day: date('day').primaryKey(),
  kind: text('kind').$type<CalendarDayKind>().notNull(),
  note: text('note').notNull().default(''),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
});

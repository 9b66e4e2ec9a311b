/** Orders (приказы) and the movement history of pupils between classes (migrations 0020, 0023). */
import { date, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

/** `promotion`: the year-end order moving the school's pupils to the next year's classes (migration 0023). */
export const orderKinds = ['admission', 'transfer', 'leaving', 'promotion'] as const;
export type OrderKind = (typeof orderKinds)[number];
/** `repeatYear`: held back in the same grade by the promotion order (оставлен на повторное обучение). */
export const startReasons = ['admission', 'transferIn', 'transferWithin', 'nextYear', 'repeatYear'] as const;
export type StartReason = (typeof startReasons)[number];
export const endReasons = ['transferOut', 'transferWithin', 'leaving', 'graduation', 'nextYear'] as const;
export type EndReason = (typeof endReasons)[number];

export const movementOrder = pgTable('movement_order', {
  id: uuid('id').primaryKey().defaultRandom(),
  organizationId: uuid('organization_id').notNull(),
  number: text('number').notNull(),
  issuedOn: date('issued_on', { mode: 'string' }).notNull(),
  kind: text('kind').$type<OrderKind>().notNull(),
});

/** One row per stay in a class; never rewritten, only closed. At most one open stay per pupil. */
export const classEnrolment = pgTable('class_enrolment', {
  id: uuid('id').primaryKey().defaultRandom(),
  pupilId: uuid('pupil_id').notNull(),
  classId: uuid('class_id').notNull(),
  organizationId: uuid('organization_id').notNull(),
  municipalityId: integer('municipality_id').notNull(),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  endsOn: date('ends_on', { mode: 'string' }),
  startReason: text('start_reason').$type<StartReason>().notNull(),
  endReason: text('end_reason').$type<EndReason>(),
  startOrderId: uuid('start_order_id'),
  endOrderId: uuid('end_order_id'),
  createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  createdBy: uuid('created_by'),
});

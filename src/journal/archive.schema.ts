/** Archived class journals of closed years and corrections made after closing (migrations 0022, 0027). */
import { bigserial, customType, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const archiveStatuses = ['pending', 'done', 'failed'] as const;
export type ArchiveStatus = (typeof archiveStatuses)[number];

export const journalArchive = pgTable('journal_archive', {
  id: uuid('id').primaryKey().defaultRandom(),
  yearId: uuid('year_id').notNull(),
  classId: uuid('class_id').notNull(),
  status: text('status').$type<ArchiveStatus>().notNull().default('pending'),
  fileName: text('file_name').notNull(),
  content: bytea('content'),
  sizeBytes: integer('size_bytes'),
  sha256: text('sha256'),
  requestedAt: timestamp('requested_at', tz).notNull(),
  finishedAt: timestamp('finished_at', tz),
  error: text('error'),
});

export const correctionEntities = ['mark', 'attendance', 'final'] as const;
export type CorrectionEntity = (typeof correctionEntities)[number];

export const journalCorrection = pgTable('journal_correction', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  yearId: uuid('year_id').notNull(),
  entity: text('entity').$type<CorrectionEntity>().notNull(),
  /** mark, attendance: 'lessonId:pupilId'; final: 'assignmentId:termId|year:pupilId' (as journal_change). */
  entityId: text('entity_id').notNull(),
  reason: text('reason').notNull(),
  actor: uuid('actor'),
  at: timestamp('at', tz).notNull(),
  classId: uuid('class_id'),
  pupilId: uuid('pupil_id'),
  /** { value } of a mark or final, { code } of attendance; null: there was none / it was removed. */
  before: jsonb('before').$type<Record<string, unknown> | null>(),
  after: jsonb('after').$type<Record<string, unknown> | null>(),
  actorLabel: text('actor_label').notNull().default(''),
});

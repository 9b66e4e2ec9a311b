/** Lessons, their attachments, attendance, marks, kinds of work and the change history (migration 0021). */
import { bigserial, boolean, customType, date, integer, jsonb, numeric, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const lessonStatuses = ['planned', 'held', 'cancelled'] as const;
export type LessonStatus = (typeof lessonStatuses)[number];
export const attendanceCodes = ['absent', 'excused', 'ill', 'late'] as const;
export type AttendanceCode = (typeof attendanceCodes)[number];

export const journalYearSetting = pgTable('journal_year_setting', {
  yearId: uuid('year_id').primaryKey(),
  allowMarkOne: boolean('allow_mark_one').notNull().default(false),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  updatedBy: uuid('updated_by'),
});

export const workKind = pgTable('work_kind', {
  code: text('code').primaryKey(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  /** numeric(3,1) comes back as a string, e.g. '1.5'. */
  weight: numeric('weight', { precision: 3, scale: 1 }).notNull(),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

export const lesson = pgTable('lesson', {
  id: uuid('id').primaryKey().defaultRandom(),
  assignmentId: uuid('assignment_id').notNull(),
  classId: uuid('class_id').notNull(),
  organizationId: uuid('organization_id').notNull(),
  municipalityId: integer('municipality_id').notNull(),
  termId: uuid('term_id').notNull(),
  heldOn: date('held_on', { mode: 'string' }).notNull(),
  lessonNumber: smallint('lesson_number').notNull(),
  topic: text('topic').notNull().default(''),
  homework: text('homework').notNull().default(''),
  workKind: text('work_kind').notNull().default('classwork'),
  status: text('status').$type<LessonStatus>().notNull().default('planned'),
  substituteTeacherId: uuid('substitute_teacher_id'),
  movedFromOn: date('moved_from_on', { mode: 'string' }),
  movedFromNumber: smallint('moved_from_number'),
  topicSetAt: timestamp('topic_set_at', tz),
  homeworkSetAt: timestamp('homework_set_at', tz),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  version: integer('version').notNull().default(1),
});

export const lessonAttachment = pgTable('lesson_attachment', {
  id: uuid('id').primaryKey().defaultRandom(),
  lessonId: uuid('lesson_id').notNull(),
  fileName: text('file_name').notNull(),
  mediaType: text('media_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  content: bytea('content').notNull(),
  uploadedBy: uuid('uploaded_by'),
  uploadedAt: timestamp('uploaded_at', tz).notNull().defaultNow(),
});

export const attendance = pgTable(
  'attendance',
  {
    lessonId: uuid('lesson_id').notNull(),
    pupilId: uuid('pupil_id').notNull(),
    code: text('code').$type<AttendanceCode>().notNull(),
    enteredBy: uuid('entered_by'),
    updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.lessonId, t.pupilId] })],
);

export const mark = pgTable('mark', {
  id: uuid('id').primaryKey().defaultRandom(),
  lessonId: uuid('lesson_id').notNull(),
  pupilId: uuid('pupil_id').notNull(),
  value: smallint('value').notNull(),
  workKind: text('work_kind').notNull(),
  weight: numeric('weight', { precision: 3, scale: 1 }).notNull(),
  comment: text('comment').notNull().default(''),
  enteredBy: uuid('entered_by'),
  enteredAt: timestamp('entered_at', tz).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
});

/** History of marks, attendance and finals changed after the fact. */
export const journalChange = pgTable('journal_change', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  entity: text('entity').$type<'mark' | 'attendance' | 'final'>().notNull(),
  entityId: text('entity_id').notNull(),
  pupilId: uuid('pupil_id').notNull(),
  lessonId: uuid('lesson_id'),
  before: jsonb('before').$type<Record<string, unknown> | null>(),
  after: jsonb('after').$type<Record<string, unknown> | null>(),
  at: timestamp('at', tz).notNull(),
  actor: uuid('actor'),
  actorLabel: text('actor_label').notNull().default(''),
});

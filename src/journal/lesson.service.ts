/**
 * The class journal's lessons: topic, homework, attendance and marks, saved one gradebook cell
 * at a time or a whole lesson by form; the history of marks and attendance changed after the
 * day of the lesson; and the week of a class or of a pupil (the diary and the iCalendar feed
 * read those). Authorisation is the caller's (lesson.policy.ts); validation of input is here.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { actorLabel as auditActorLabel, recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import { requestAuditSeal } from '../platform/audit/audit-seal.ts';
import { arrayLiteral, preparedRows, queryRows, type Database, type Executor, type PreparedStatement } from '../platform/db/connect.ts';
import { errors, type FieldErrors } from '../platform/errors.ts';
import { isUuid } from '../platform/validation.ts';
import type { Message } from '../platform/i18n/i18n.ts';
import { findPersonNames, personFullName, regionToday } from '../registry/person.service.ts';
import { attendance, attendanceCodes, journalChange, journalYearSetting, lesson, lessonAttachment, mark, workKind, type AttendanceCode, type LessonStatus } from './lesson.schema.ts';
import { addDays } from './timetable.plan.ts';
import type { WorkKindRow } from './work-kind.service.ts';
import { assignmentColumns, toAssignmentContext, type AssignmentContext } from './gradebook.service.ts';
import { schoolClass } from './class.schema.ts';
import { subject, teachingAssignment } from './curriculum.schema.ts';
import { academicYear } from './school-year.schema.ts';
import { assertYearOpen, guardClosedYear } from './closed-year.ts';

export type LessonRow = typeof lesson.$inferSelect;

/** A lesson with what the policy and the pages need about its assignment and class. */
export interface LessonContext extends AssignmentContext {
  lesson: LessonRow;
  /** The weight of the lesson's kind of work (copied onto each mark given). */
  workKindWeight: string;
}

/**
 * One lesson by id with its assignment, class and year settings (one query), or 404. Every
 * gradebook keystroke runs it: a prepared statement (db/connect.ts preparedRows), mapped here.
 */
export async function loadLesson(db: Executor, lessonId: string): Promise<LessonContext> {
  if (!isUuid(lessonId)) throw errors.notFound();
  const [r] = await preparedRows<Record<string, unknown>>(db, loadLessonStatement, [lessonId]);
  if (!r) throw errors.notFound();
  const time = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
  const lessonRow: LessonRow = {
    id: String(r.id),
    assignmentId: String(r.assignment_id),
    classId: String(r.class_id),
    organizationId: String(r.organization_id),
    municipalityId: Number(r.municipality_id),
    termId: String(r.term_id),
    heldOn: String(r.held_on),
    lessonNumber: Number(r.lesson_number),
    topic: String(r.topic),
    homework: String(r.homework),
    workKind: String(r.work_kind),
    status: r.status as LessonStatus,
    substituteTeacherId: (r.substitute_teacher_id as string | null) ?? null,
    movedFromOn: (r.moved_from_on as string | null) ?? null,
    movedFromNumber: r.moved_from_number === null ? null : Number(r.moved_from_number),
    topicSetAt: time(r.topic_set_at),
    homeworkSetAt: time(r.homework_set_at),
    updatedAt: time(r.updated_at)!,
    version: Number(r.version),
  };
  const context = toAssignmentContext({
    a: {
      id: lessonRow.assignmentId,
      classId: String(r.a_class_id),
      subgroupId: (r.subgroup_id as string | null) ?? null,
      subjectCode: String(r.subject_code),
      teacherId: String(r.teacher_id),
      organizationId: String(r.a_organization_id),
      municipalityId: Number(r.a_municipality_id),
    },
    classTeacherId: (r.class_teacher_id as string | null) ?? null,
    yearId: String(r.year_id),
    yearStatus: String(r.year_status),
    grade: Number(r.grade),
    letter: String(r.letter),
    nameRu: String(r.name_ru),
    nameEn: String(r.name_en),
    allowMarkOne: (r.allow_mark_one as boolean | null) ?? null,
  });
  return { ...context, lesson: lessonRow, workKindWeight: String(r.weight) };
}

const loadLessonStatement: PreparedStatement = {
  name: 'journal_load_lesson_v1',
  text: `SELECT l.id, l.assignment_id, l.class_id, l.organization_id, l.municipality_id, l.term_id, l.held_on::text AS held_on, l.lesson_number,
                l.topic, l.homework, l.work_kind, l.status, l.substitute_teacher_id, l.moved_from_on::text AS moved_from_on, l.moved_from_number,
                l.topic_set_at, l.homework_set_at, l.updated_at, l.version,
                ta.class_id AS a_class_id, ta.subgroup_id, ta.subject_code, ta.teacher_id, ta.organization_id AS a_organization_id, ta.municipality_id AS a_municipality_id,
                c.class_teacher_id, c.year_id, y.status AS year_status, c.grade, c.letter, s.name_ru, s.name_en, j.allow_mark_one, w.weight::text AS weight
           FROM lesson l
           JOIN teaching_assignment ta ON ta.id = l.assignment_id
           JOIN school_class c ON c.id = l.class_id
           JOIN academic_year y ON y.id = c.year_id
           JOIN subject s ON s.code = ta.subject_code
           JOIN work_kind w ON w.code = l.work_kind
           LEFT JOIN journal_year_setting j ON j.year_id = c.year_id
          WHERE l.id = $1`,
};

// Pupils of a class over a period -----------------------------------------------------------------

export interface PupilOfClass {
  id: string;
  fullName: string;
  /** The stay in the class (a pupil who left or arrived mid-term has cells only within it). */
  from: string;
  to: string | null;
}

/**
 * The pupils with a stay in the class (or in the subgroup) overlapping [from, to], ordered by
 * surname and name. Names come from the registry's batch service.
 */
export async function pupilsOfClass(db: Executor, classId: string, subgroupId: string | null, from: string, to: string): Promise<PupilOfClass[]> {
  const stays = await queryRows<{ pupil_id: string; starts_on: string; ends_on: string | null }>(
    db,
    subgroupId
      ? sql`SELECT e.pupil_id, min(e.starts_on)::text AS starts_on, CASE WHEN bool_or(e.ends_on IS NULL) THEN NULL ELSE max(e.ends_on)::text END AS ends_on
              FROM class_enrolment e JOIN class_subgroup_member m ON m.pupil_id = e.pupil_id AND m.subgroup_id = ${subgroupId}
             WHERE e.class_id = ${classId} AND e.starts_on <= ${to} AND (e.ends_on IS NULL OR e.ends_on >= ${from})
             GROUP BY e.pupil_id`
      : sql`SELECT e.pupil_id, min(e.starts_on)::text AS starts_on, CASE WHEN bool_or(e.ends_on IS NULL) THEN NULL ELSE max(e.ends_on)::text END AS ends_on
              FROM class_enrolment e
             WHERE e.class_id = ${classId} AND e.starts_on <= ${to} AND (e.ends_on IS NULL OR e.ends_on >= ${from})
             GROUP BY e.pupil_id`,
  );
  const names = await findPersonNames(
    db,
    stays.map((s) => s.pupil_id),
  );
  return stays
    .map((s) => {
      const n = names.get(s.pupil_id);
      return { id: s.pupil_id, fullName: n ? personFullName(n) : '—', sortKey: n ? `${n.lastName} ${n.firstName} ${n.middleName ?? ''}` : '', from: String(s.starts_on).slice(0, 10), to: s.ends_on ? String(s.ends_on).slice(0, 10) : null };
    })
    .sort((a, b) => a.sortKey.localeCompare(b.sortKey, 'ru') || a.id.localeCompare(b.id))
    .map(({ sortKey: _sortKey, ...p }) => p);
}

// Cells: one pupil's mark and attendance in one lesson ---------------------------------------------

export interface Cell {
  mark: number | null;
  attendance: AttendanceCode | null;
}

export interface CellChange {
  pupilId: string;
  /** undefined: leave as is; null: clear. */
  mark?: number | null;
  attendance?: AttendanceCode | null;
}

export const markOutOfScale: Message = { ru: 'Оценка — от 2 до 5', en: 'A mark is from 2 to 5' };
export const markOutOfScaleWithOne: Message = { ru: 'Оценка — от 1 до 5', en: 'A mark is from 1 to 5' };

export function isAttendanceCode(value: unknown): value is AttendanceCode {
  return typeof value === 'string' && (attendanceCodes as readonly string[]).includes(value);
}

/** Checks a mark against the school's scale: 2–5, or 1–5 where the year allows 1. */
export function markError(value: number, allowMarkOne: boolean): Message | null {
  if (!Number.isInteger(value) || value > 5 || value < (allowMarkOne ? 1 : 2)) return allowMarkOne ? markOutOfScaleWithOne : markOutOfScale;
  return null;
}

/** Whether a change to this lesson is made after the fact: after the day it was held (Moscow time). */
export function isAfterTheFact(heldOn: string, now: Date): boolean {
  return regionToday({ now: () => now }) > heldOn;
}

/**
 * Sets the marks and attendance of some pupils in one lesson: one transaction; the pupils must
 * be in the class (or subgroup) on the lesson's day. Changes after the lesson's day keep the
 * previous value in journal_change. Audited as one event. Returns the cells as stored.
 */
export async function saveCells(db: Database, origin: AuditOrigin, ctx: LessonContext, changes: readonly CellChange[], now: Date): Promise<Map<string, Cell>> {
  assertYearOpen(ctx);
  const l = ctx.lesson;
  if (l.status === 'cancelled') throw errors.conflict('lesson-cancelled', { ru: 'Урок отменён: отметки не ставятся', en: 'The lesson is cancelled: no marks' });
  const fieldErrors: FieldErrors = {};
  for (const c of changes) {
    if (typeof c.mark === 'number') {
      const e = markError(c.mark, ctx.allowMarkOne);
      if (e) fieldErrors[`mark-${c.pupilId}`] = e;
    }
    if (c.attendance !== undefined && c.attendance !== null && !isAttendanceCode(c.attendance)) {
      fieldErrors[`attendance-${c.pupilId}`] = { ru: 'Неизвестная отметка посещаемости', en: 'Unknown attendance code' };
    }
  }
  if (Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);
  if (changes.length === 0) return new Map();
  // One change per pupil, applied in order (a later field wins), as the form and the grid send them.
  const merged = new Map<string, CellChange>();
  for (const c of changes) merged.set(c.pupilId, { ...merged.get(c.pupilId), ...c });
  const list = [...merged.values()];
  const actorId = origin.actor.kind === 'account' ? origin.actor.accountId : null;
  const rows = await guardClosedYear(() =>
    preparedRows<{ pupil_id: string; in_class: boolean; new_mark: number | null; new_code: AttendanceCode | null }>(db, saveCellsStatement, [
      arrayLiteral(list.map((c) => c.pupilId)),
      arrayLiteral(list.map((c) => c.mark !== undefined)),
      arrayLiteral(list.map((c) => c.mark ?? null)),
      arrayLiteral(list.map((c) => c.attendance !== undefined)),
      arrayLiteral(list.map((c) => c.attendance ?? null)),
      l.id,
      l.classId,
      l.heldOn,
      ctx.subgroupId,
      l.workKind,
      ctx.workKindWeight,
      actorId,
      origin.actor.kind === 'account' ? origin.actor.displayName : '',
      now.toISOString(),
      isAfterTheFact(l.heldOn, now),
      auditActorLabel(origin.actor),
      origin.ip,
      origin.requestId,
      l.municipalityId,
      l.organizationId,
    ]),
  );
  requestAuditSeal(db);
  const outside = rows.filter((r) => !r.in_class).map((r) => r.pupil_id);
  if (outside.length > 0) {
    throw errors.validation(Object.fromEntries(outside.map((id) => [`pupil-${id}`, { ru: 'Ученик не учится в этом классе в день урока', en: 'The pupil is not in this class on the day of the lesson' }])));
  }
  return new Map(rows.map((r) => [r.pupil_id, { mark: r.new_mark === null ? null : Number(r.new_mark), attendance: r.new_code }]));
}

/**
 * Saving cells is one autocommit statement (a teacher's keystroke is one round trip, not a
 * transaction of seven): which pupils are in the class (or subgroup) on the lesson's day, with
 * their cells before; nothing is written unless all are; then the marks and attendance set or
 * cleared, the history of changes after the fact (a mark's change where it had one, any
 * attendance change), the lesson marked held, and one audit event — the last two only if a cell
 * changed. The event is written pending (audit_pending, sealed into the chain a moment later:
 * platform/audit/audit-seal.ts), so teachers' saves do not wait for one another on the chain's
 * head. Rows: per pupil, whether in the class and the cell after.
 */
const saveCellsStatement: PreparedStatement = {
  name: 'journal_save_cells_v2',
  text: `WITH input AS (
           SELECT * FROM unnest($1::uuid[], $2::boolean[], $3::int[], $4::boolean[], $5::text[]) AS t(pupil_id, mark_set, mark, code_set, code)
         ),
         present AS (
           SELECT i.*,
                  EXISTS (SELECT 1 FROM class_enrolment e WHERE e.pupil_id = i.pupil_id AND e.class_id = $7::uuid AND e.starts_on <= $8::date AND (e.ends_on IS NULL OR e.ends_on >= $8::date))
                    AND ($9::uuid IS NULL OR EXISTS (SELECT 1 FROM class_subgroup_member m WHERE m.pupil_id = i.pupil_id AND m.subgroup_id = $9::uuid)) AS in_class,
                  (SELECT value FROM mark WHERE lesson_id = $6::uuid AND pupil_id = i.pupil_id AND work_kind = $10::text)::int AS old_mark,
                  (SELECT code FROM attendance WHERE lesson_id = $6::uuid AND pupil_id = i.pupil_id) AS old_code
             FROM input i
         ),
         cells AS (
           SELECT p.pupil_id, p.old_mark, p.old_code,
                  CASE WHEN p.mark_set THEN p.mark ELSE p.old_mark END AS new_mark,
                  CASE WHEN p.code_set THEN p.code ELSE p.old_code END AS new_code
             FROM present p
            WHERE NOT EXISTS (SELECT 1 FROM present WHERE NOT in_class)
         ),
         marks_cleared AS (
           DELETE FROM mark m USING cells c
            WHERE c.new_mark IS NULL AND c.old_mark IS NOT NULL AND m.lesson_id = $6::uuid AND m.pupil_id = c.pupil_id AND m.work_kind = $10::text
         ),
         marks_set AS (
           INSERT INTO mark (lesson_id, pupil_id, value, work_kind, weight, entered_by, entered_at, updated_at)
           SELECT $6::uuid, pupil_id, new_mark, $10::text, $11::numeric, $12::uuid, $14::timestamptz, $14::timestamptz FROM cells
            WHERE new_mark IS NOT NULL AND new_mark IS DISTINCT FROM old_mark
           ON CONFLICT (pupil_id, lesson_id, work_kind) DO UPDATE SET value = EXCLUDED.value, entered_by = EXCLUDED.entered_by, updated_at = EXCLUDED.updated_at
         ),
         codes_cleared AS (
           DELETE FROM attendance a USING cells c
            WHERE c.new_code IS NULL AND c.old_code IS NOT NULL AND a.lesson_id = $6::uuid AND a.pupil_id = c.pupil_id
         ),
         codes_set AS (
           INSERT INTO attendance (lesson_id, pupil_id, code, entered_by, updated_at)
           SELECT $6::uuid, pupil_id, new_code, $12::uuid, $14::timestamptz FROM cells
            WHERE new_code IS NOT NULL AND new_code IS DISTINCT FROM old_code
           ON CONFLICT (lesson_id, pupil_id) DO UPDATE SET code = EXCLUDED.code, entered_by = EXCLUDED.entered_by, updated_at = EXCLUDED.updated_at
         ),
         history AS (
           INSERT INTO journal_change (entity, entity_id, pupil_id, lesson_id, before, after, at, actor, actor_label)
           SELECT 'mark', $6::text || ':' || pupil_id || ':' || $10::text, pupil_id, $6::uuid,
                  jsonb_build_object('value', old_mark, 'workKind', $10::text),
                  CASE WHEN new_mark IS NULL THEN NULL ELSE jsonb_build_object('value', new_mark, 'workKind', $10::text) END,
                  $14::timestamptz, $12::uuid, $13::text
             FROM cells WHERE $15::boolean AND old_mark IS NOT NULL AND new_mark IS DISTINCT FROM old_mark
           UNION ALL
           SELECT 'attendance', $6::text || ':' || pupil_id, pupil_id, $6::uuid,
                  CASE WHEN old_code IS NULL THEN NULL ELSE jsonb_build_object('code', old_code) END,
                  CASE WHEN new_code IS NULL THEN NULL ELSE jsonb_build_object('code', new_code) END,
                  $14::timestamptz, $12::uuid, $13::text
             FROM cells WHERE $15::boolean AND new_code IS DISTINCT FROM old_code
         ),
         changed AS (
           SELECT count(*) AS n FROM cells WHERE new_mark IS DISTINCT FROM old_mark OR new_code IS DISTINCT FROM old_code
         ),
         held AS (
           UPDATE lesson SET status = 'held', updated_at = $14::timestamptz WHERE id = $6::uuid AND status = 'planned' AND (SELECT n FROM changed) > 0
         ),
         audited AS (
           INSERT INTO audit_pending (actor_account_id, actor_label, action, entity_type, entity_id, municipality_id, organization_id, ip, request_id, details)
           SELECT $12::uuid, $16::text, 'update', 'journal-lesson-cells', $6::text, $19::int, $20::uuid, $17::text, $18::text,
                  jsonb_build_object('pupils', n, 'afterTheFact', $15::boolean)
             FROM changed WHERE n > 0
         )
         SELECT p.pupil_id, p.in_class, c.new_mark, c.new_code FROM present p LEFT JOIN cells c ON c.pupil_id = p.pupil_id`,
};

/** The cells (mark of the lesson's kind of work, attendance) of some pupils (or all) in one lesson. */
async function cellsOf(db: Executor, lessonId: string, pupilIds: readonly string[] | null, kind: string): Promise<Map<string, Cell>> {
  const onlyMarks = pupilIds ? inArray(mark.pupilId, [...pupilIds]) : undefined;
  const onlyCodes = pupilIds ? inArray(attendance.pupilId, [...pupilIds]) : undefined;
  const [marks, codes] = await Promise.all([
    db.select({ pupilId: mark.pupilId, value: mark.value }).from(mark).where(and(eq(mark.lessonId, lessonId), eq(mark.workKind, kind), onlyMarks)),
    db.select({ pupilId: attendance.pupilId, code: attendance.code }).from(attendance).where(and(eq(attendance.lessonId, lessonId), onlyCodes)),
  ]);
  const out = new Map<string, Cell>();
  for (const m of marks) out.set(m.pupilId, { mark: m.value, attendance: null });
  for (const a of codes) out.set(a.pupilId, { mark: out.get(a.pupilId)?.mark ?? null, attendance: a.code });
  return out;
}

// The lesson form -------------------------------------------------------------------------------

export interface LessonInput {
  topic: string;
  homework: string;
  workKind: string;
}

/**
 * Checks the lesson form. The kind of work must be an active one, or the lesson's current kind
 * (a deactivated kind stays on the lessons that have it: work-kind.service.ts).
 */
export function parseLessonInput(body: Record<string, unknown>, kinds: readonly WorkKindRow[], currentKind: string | null = null): { ok: true; value: LessonInput } | { ok: false; errors: FieldErrors } {
  const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const topic = text('topic');
  const homework = text('homework');
  const kind = text('workKind') || 'classwork';
  const fieldErrors: FieldErrors = {};
  if (topic.length > 500) fieldErrors.topic = { ru: 'Тема — не длиннее 500 знаков', en: 'The topic is at most 500 characters' };
  if (homework.length > 4000) fieldErrors.homework = { ru: 'Домашнее задание — не длиннее 4000 знаков', en: 'Homework is at most 4,000 characters' };
  if (!kinds.some((k) => k.code === kind && (k.active || k.code === currentKind))) fieldErrors.workKind = { ru: 'Выберите вид работы из списка', en: 'Choose a kind of work from the list' };
  return Object.keys(fieldErrors).length > 0 ? { ok: false, errors: fieldErrors } : { ok: true, value: { topic, homework, workKind: kind } };
}

/** Sets the topic, homework and kind of work of a lesson, marking it held. Audited. */
export async function updateLesson(db: Database, origin: AuditOrigin, ctx: LessonContext, input: LessonInput, now: Date): Promise<LessonRow> {
  assertYearOpen(ctx);
  const l = ctx.lesson;
  const hasMarks = input.workKind !== l.workKind ? (await db.select({ id: mark.id }).from(mark).where(and(eq(mark.lessonId, l.id), eq(mark.workKind, l.workKind))).limit(1)).length > 0 : false;
  return guardClosedYear(() => db.transaction(async (tx) => {
    const [kind] = await tx.select().from(workKind).where(eq(workKind.code, input.workKind));
    if (hasMarks && kind) {
      // the marks already given follow the lesson's new kind of work (and its weight)
      await tx.update(mark).set({ workKind: kind.code, weight: kind.weight, updatedAt: now }).where(and(eq(mark.lessonId, l.id), eq(mark.workKind, l.workKind)));
    }
    const [row] = await tx
      .update(lesson)
      .set({
        topic: input.topic,
        homework: input.homework,
        workKind: input.workKind,
        status: l.status === 'planned' && input.topic !== '' ? 'held' : l.status,
        topicSetAt: l.topicSetAt ?? (input.topic ? now : null),
        homeworkSetAt: input.homework !== l.homework ? (input.homework ? now : null) : l.homeworkSetAt,
        updatedAt: now,
        version: sql`${lesson.version} + 1`,
      })
      .where(eq(lesson.id, l.id))
      .returning();
    await recordAudit(tx, origin, { action: 'update', entityType: 'journal-lesson', entityId: l.id, municipalityId: l.municipalityId, organizationId: l.organizationId, details: { fields: ['topic', 'homework', 'workKind'] } });
    return row!;
  }));
}

/** Every pupil's cell in one lesson. */
export function lessonCells(db: Executor, l: LessonRow): Promise<Map<string, Cell>> {
  return cellsOf(db, l.id, null, l.workKind);
}

export type JournalChangeRow = typeof journalChange.$inferSelect;

/** The history of a lesson's marks and attendance changed after the fact, oldest first. */
export async function lessonHistory(db: Executor, lessonId: string): Promise<JournalChangeRow[]> {
  return db.select().from(journalChange).where(eq(journalChange.lessonId, lessonId)).orderBy(asc(journalChange.id)).limit(500);
}

/** The history of one pupil's marks, attendance and finals, oldest first (one page). */
export async function pupilHistory(db: Executor, pupilId: string, limit = 200): Promise<JournalChangeRow[]> {
  return db.select().from(journalChange).where(eq(journalChange.pupilId, pupilId)).orderBy(asc(journalChange.at), asc(journalChange.id)).limit(limit);
}

/** Whether the year (so the school) allows the mark 1. */
export async function allowsMarkOne(db: Executor, yearId: string): Promise<boolean> {
  const [row] = await db.select({ allow: journalYearSetting.allowMarkOne }).from(journalYearSetting).where(eq(journalYearSetting.yearId, yearId));
  return row?.allow === true;
}

/** Sets whether the year (so the school) allows the mark 1. */
export async function setAllowMarkOne(db: Database, origin: AuditOrigin, year: { id: string; organizationId: string; municipalityId: number }, allow: boolean, now: Date): Promise<void> {
  const actorId = origin.actor.kind === 'account' ? origin.actor.accountId : null;
  await db.transaction(async (tx) => {
    await tx
      .insert(journalYearSetting)
      .values({ yearId: year.id, allowMarkOne: allow, updatedAt: now, updatedBy: actorId })
      .onConflictDoUpdate({ target: journalYearSetting.yearId, set: { allowMarkOne: allow, updatedAt: now, updatedBy: actorId } });
    await recordAudit(tx, origin, { action: 'update', entityType: 'journal-year-setting', entityId: year.id, municipalityId: year.municipalityId, organizationId: year.organizationId, details: { allowMarkOne: allow } });
  });
}

// Weeks: the diary's and the timetable's reads ----------------------------------------------------

/** A lesson as the week pages show it. */
export interface WeekLesson {
  id: string;
  heldOn: string;
  lessonNumber: number;
  assignmentId: string;
  classId: string;
  subgroupId: string | null;
  subjectCode: string;
  subjectNameRu: string;
  subjectNameEn: string;
  teacherId: string;
  substituteTeacherId: string | null;
  status: LessonStatus;
  topic: string;
  homework: string;
  movedFromOn: string | null;
  /** 'HH:MM' from the bell schedule, when known. */
  startsAt: string | null;
  endsAt: string | null;
}

const weekLessonColumns = sql`l.id, l.held_on::text AS held_on, l.lesson_number, l.assignment_id, l.class_id, ta.subgroup_id, ta.subject_code, s.name_ru, s.name_en,
  ta.teacher_id, l.substitute_teacher_id, l.status, l.topic, l.homework, l.moved_from_on::text AS moved_from_on,
  to_char(b.starts_at, 'HH24:MI') AS starts_at, to_char(b.ends_at, 'HH24:MI') AS ends_at`;

function toWeekLesson(r: Record<string, unknown>): WeekLesson {
  return {
    id: String(r.id),
    heldOn: String(r.held_on).slice(0, 10),
    lessonNumber: Number(r.lesson_number),
    assignmentId: String(r.assignment_id),
    classId: String(r.class_id),
    subgroupId: (r.subgroup_id as string | null) ?? null,
    subjectCode: String(r.subject_code),
    subjectNameRu: String(r.name_ru),
    subjectNameEn: String(r.name_en),
    teacherId: String(r.teacher_id),
    substituteTeacherId: (r.substitute_teacher_id as string | null) ?? null,
    status: r.status as LessonStatus,
    topic: String(r.topic),
    homework: String(r.homework),
    movedFromOn: r.moved_from_on ? String(r.moved_from_on).slice(0, 10) : null,
    startsAt: (r.starts_at as string | null) ?? null,
    endsAt: (r.ends_at as string | null) ?? null,
  };
}

/**
 * The lessons of a class in the week starting on `weekStart` (a Monday, ISO date), every
 * subgroup's included, ordered by day and lesson number. One indexed query (lesson_class_day).
 */
export async function weekOfClass(db: Executor, classId: string, weekStart: string): Promise<WeekLesson[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT ${weekLessonColumns}
          FROM lesson l
          JOIN teaching_assignment ta ON ta.id = l.assignment_id
          JOIN subject s ON s.code = ta.subject_code
          JOIN school_class c ON c.id = l.class_id
          LEFT JOIN bell_schedule b ON b.year_id = c.year_id AND b.lesson_number = l.lesson_number
         WHERE l.class_id = ${classId} AND l.held_on BETWEEN ${weekStart} AND ${addDays(weekStart, 6)}
         ORDER BY l.held_on, l.lesson_number, s.sort, l.id`,
  );
  return rows.map(toWeekLesson);
}

/** The lessons a teacher gives in a week: their assignments' and those they substitute. */
export async function weekOfTeacher(db: Executor, teacherId: string, weekStart: string): Promise<Array<WeekLesson & { grade: number; letter: string }>> {
  const to = addDays(weekStart, 6);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT ${weekLessonColumns}, c.grade, c.letter
          FROM lesson l
          JOIN teaching_assignment ta ON ta.id = l.assignment_id
          JOIN subject s ON s.code = ta.subject_code
          JOIN school_class c ON c.id = l.class_id
          LEFT JOIN bell_schedule b ON b.year_id = c.year_id AND b.lesson_number = l.lesson_number
         WHERE l.held_on BETWEEN ${weekStart} AND ${to}
           AND (l.assignment_id IN (SELECT id FROM teaching_assignment WHERE teacher_id = ${teacherId}) OR l.substitute_teacher_id = ${teacherId})
         ORDER BY l.held_on, l.lesson_number, l.id`,
  );
  return rows.map((r) => ({ ...toWeekLesson(r), grade: Number(r.grade), letter: String(r.letter) }));
}

/** A lesson of a pupil's week with that pupil's marks and attendance. */
export interface PupilWeekLesson extends WeekLesson {
  marks: Array<{ value: number; workKind: string; weight: number; comment: string }>;
  attendance: AttendanceCode | null;
  /** The lesson's homework files (names and sizes, no content). */
  attachments: Array<{ id: string; fileName: string; sizeBytes: number }>;
}

function jsonArray<T>(value: unknown): T[] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? JSON.parse(value) : value) as T[];
}

/**
 * A pupil's week (the diary): the lessons of the classes the pupil was in on each day of the
 * week (a subgroup's lessons only for its members), with topic, homework, its files and that
 * pupil's marks and attendance. One statement (the parents' evening is round-trip bound): the
 * pupil's stays (class_enrolment_pupil), the week of each of their classes as the read model
 * holds it (class_week, migration 0028: built once for the class's pupils and kept true by
 * triggers), and the pupil's own marks (mark_pupil_lesson) and absences (attendance_pupil) in
 * those lessons. The stay's days and the subgroups are applied here.
 */
export async function pupilWeek(db: Executor, pupilId: string, weekStart: string): Promise<PupilWeekLesson[]> {
  if (new Date(`${weekStart}T00:00:00Z`).getUTCDay() !== 1) throw new Error(`pupilWeek: ${weekStart} is not a Monday`);
  // Every diary page runs this: a prepared statement (db/connect.ts preparedRows) — its planning
  // took several times its execution.
  const rows = await preparedRows<Record<string, unknown>>(db, pupilWeekStatement, [pupilId, weekStart, addDays(weekStart, 6)]);
  const seen = new Set<string>();
  const out: PupilWeekLesson[] = [];
  for (const row of rows) {
    const startsOn = String(row.starts_on);
    const endsOn = row.ends_on === null ? null : String(row.ends_on);
    const subgroups = new Set(jsonArray<string>(row.subgroups));
    const marks = new Map<string, PupilWeekLesson['marks']>();
    for (const m of jsonArray<{ lesson: string; value: unknown; workKind: unknown; weight: unknown; comment: unknown }>(row.marks)) {
      const list = marks.get(m.lesson) ?? [];
      list.push({ value: Number(m.value), workKind: String(m.workKind), weight: Number(m.weight), comment: typeof m.comment === 'string' ? m.comment : '' });
      marks.set(m.lesson, list);
    }
    const codes = new Map(jsonArray<{ lesson: string; code: AttendanceCode }>(row.attendance).map((a) => [a.lesson, a.code]));
    for (const l of jsonArray<Record<string, unknown>>(row.lessons)) {
      const lesson = toWeekLesson(l);
      if (lesson.heldOn < startsOn || (endsOn !== null && lesson.heldOn > endsOn)) continue;
      if (lesson.subgroupId !== null && !subgroups.has(lesson.subgroupId)) continue;
      if (seen.has(lesson.id)) continue;
      seen.add(lesson.id);
      out.push({
        ...lesson,
        marks: marks.get(lesson.id) ?? [],
        attendance: codes.get(lesson.id) ?? null,
        attachments: jsonArray<{ id: string; fileName: string; sizeBytes: unknown }>(l.attachments).map((f) => ({ id: String(f.id), fileName: String(f.fileName), sizeBytes: Number(f.sizeBytes) })),
      });
    }
  }
  // Each class's week is in diary order already; a week split between two classes is merged.
  if (rows.length > 1) out.sort((a, b) => (a.heldOn === b.heldOn ? a.lessonNumber - b.lessonNumber : a.heldOn < b.heldOn ? -1 : 1));
  return out;
}

export const pupilWeekStatement: PreparedStatement = {
  name: 'pupil_week_v2',
  text: `SELECT st.starts_on::text AS starts_on, st.ends_on::text AS ends_on, w.lessons,
                (SELECT json_agg(json_build_object('lesson', m.lesson_id, 'value', m.value, 'workKind', m.work_kind, 'weight', m.weight::text, 'comment', m.comment) ORDER BY m.entered_at, m.id)
                   FROM mark m WHERE m.pupil_id = $1 AND m.lesson_id = ANY (w.lesson_ids)) AS marks,
                (SELECT json_agg(json_build_object('lesson', a.lesson_id, 'code', a.code))
                   FROM attendance a WHERE a.pupil_id = $1 AND a.lesson_id = ANY (w.lesson_ids)) AS attendance,
                (SELECT json_agg(g.subgroup_id) FROM class_subgroup_member g WHERE g.pupil_id = $1) AS subgroups
           FROM class_enrolment st
           JOIN class_week w ON w.class_id = st.class_id AND w.week_start = $2::date
          WHERE st.pupil_id = $1 AND st.starts_on <= $3::date AND (st.ends_on IS NULL OR st.ends_on >= $2::date)`,
};

// The gradebook -----------------------------------------------------------------------------------

export interface GradebookData {
  pupils: PupilOfClass[];
  lessons: LessonRow[];
  /** `${lessonId}:${pupilId}` → cell */
  cells: Map<string, Cell>;
}

/**
 * The grid of one assignment over a term: its pupils, its lessons (cancelled ones left out), and
 * every cell. Four queries however big the class.
 */
export async function gradebook(db: Executor, assignment: { id: string; classId: string; subgroupId: string | null }, term: { id: string; startsOn: string; endsOn: string }): Promise<GradebookData> {
  const [pupils, lessons] = await Promise.all([
    pupilsOfClass(db, assignment.classId, assignment.subgroupId, term.startsOn, term.endsOn),
    db
      .select()
      .from(lesson)
      .where(and(eq(lesson.assignmentId, assignment.id), gte(lesson.heldOn, term.startsOn), lte(lesson.heldOn, term.endsOn), sql`${lesson.status} <> 'cancelled'`))
      .orderBy(asc(lesson.heldOn), asc(lesson.lessonNumber)),
  ]);
  const cells = new Map<string, Cell>();
  if (lessons.length > 0) {
    const ids = lessons.map((l) => l.id);
    const kindOf = new Map(lessons.map((l) => [l.id, l.workKind]));
    const [marks, codes] = await Promise.all([
      db.select({ lessonId: mark.lessonId, pupilId: mark.pupilId, value: mark.value, workKind: mark.workKind }).from(mark).where(inArray(mark.lessonId, ids)),
      db.select({ lessonId: attendance.lessonId, pupilId: attendance.pupilId, code: attendance.code }).from(attendance).where(inArray(attendance.lessonId, ids)),
    ]);
    for (const m of marks) {
      if (kindOf.get(m.lessonId) !== m.workKind) continue;
      cells.set(`${m.lessonId}:${m.pupilId}`, { mark: m.value, attendance: null });
    }
    for (const a of codes) {
      const key = `${a.lessonId}:${a.pupilId}`;
      cells.set(key, { mark: cells.get(key)?.mark ?? null, attendance: a.code });
    }
  }
  return { pupils, lessons, cells };
}

/** Weighted marks of each pupil of an assignment between two dates (for the finals). */
export async function weightedMarks(db: Executor, assignmentId: string, from: string, to: string): Promise<Map<string, Array<{ value: number; weight: number }>>> {
  const rows = await queryRows<{ pupil_id: string; value: number; weight: string }>(
    db,
    sql`SELECT m.pupil_id, m.value, m.weight::text AS weight FROM mark m JOIN lesson l ON l.id = m.lesson_id
         WHERE l.assignment_id = ${assignmentId} AND l.held_on BETWEEN ${from} AND ${to} AND l.status <> 'cancelled'`,
  );
  const out = new Map<string, Array<{ value: number; weight: number }>>();
  for (const r of rows) {
    const list = out.get(r.pupil_id) ?? [];
    list.push({ value: Number(r.value), weight: Number(r.weight) });
    out.set(r.pupil_id, list);
  }
  return out;
}

/** One audit event for a staff read of a class's marks and attendance (a lesson, a gradebook). */
export async function recordJournalRead(
  db: Executor,
  origin: AuditOrigin,
  read: { entityType: string; entityId: string; organizationId: string; municipalityId: number; pupilIds: readonly string[]; channel: 'page' | 'api' },
): Promise<void> {
  await recordAudit(db, origin, {
    action: 'read',
    entityType: read.entityType,
    entityId: read.entityId,
    municipalityId: read.municipalityId,
    organizationId: read.organizationId,
    details: { channel: read.channel, pupils: read.pupilIds },
  });
}

// Homework attachments ------------------------------------------------------------------------------

/** At most 5 MB a file (the table's CHECK says the same), 10 files a lesson. */
export const attachmentLimits = { bytes: 5 * 1024 * 1024, perLesson: 10 } as const;

/**
 * The kinds of file a teacher may attach, by extension: documents, images and slides a pupil's
 * phone opens. The stored media type is ours (from the extension), never the browser's claim, and
 * downloads are sent as attachments with nosniff.
 */
export const attachmentTypes: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain; charset=utf-8',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
};

export type AttachmentInfo = Omit<typeof lessonAttachment.$inferSelect, 'content'>;

export async function attachmentsOf(db: Executor, lessonIds: readonly string[]): Promise<AttachmentInfo[]> {
  if (lessonIds.length === 0) return [];
  return db
    .select({ id: lessonAttachment.id, lessonId: lessonAttachment.lessonId, fileName: lessonAttachment.fileName, mediaType: lessonAttachment.mediaType, sizeBytes: lessonAttachment.sizeBytes, sha256: lessonAttachment.sha256, uploadedBy: lessonAttachment.uploadedBy, uploadedAt: lessonAttachment.uploadedAt })
    .from(lessonAttachment)
    .where(inArray(lessonAttachment.lessonId, [...lessonIds]))
    .orderBy(asc(lessonAttachment.uploadedAt), asc(lessonAttachment.id));
}

/** One attachment of a lesson with its content, or 404. */
export async function loadAttachment(db: Executor, lessonId: string, attachmentId: string): Promise<typeof lessonAttachment.$inferSelect> {
  if (!isUuid(attachmentId)) throw errors.notFound();
  const [row] = await db.select().from(lessonAttachment).where(and(eq(lessonAttachment.id, attachmentId), eq(lessonAttachment.lessonId, lessonId)));
  if (!row) throw errors.notFound();
  return row;
}

/** Attaches a file to a lesson's homework after checking its name, kind and size. Audited. */
export async function addAttachment(db: Database, origin: AuditOrigin, ctx: LessonContext, file: { fileName: string; content: Buffer }, now: Date): Promise<AttachmentInfo> {
  assertYearOpen(ctx);
  const fileName = file.fileName.replace(/[\u0000-\u001f\\/]/g, '').trim().slice(-200);
  const extension = /\.([a-z0-9]{1,5})$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const mediaType = attachmentTypes[extension];
  if (!fileName || file.content.length === 0) throw errors.validation({ file: { ru: 'Выберите файл', en: 'Choose a file' } });
  if (!mediaType) throw errors.validation({ file: { ru: 'Можно приложить PDF, TXT, JPG, PNG, DOCX, XLSX, PPTX или ODT', en: 'Attach a PDF, TXT, JPG, PNG, DOCX, XLSX, PPTX or ODT file' } });
  if (file.content.length > attachmentLimits.bytes) throw errors.validation({ file: { ru: 'Файл больше 5 МБ', en: 'The file is larger than 5 MB' } });
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  const actorId = origin.actor.kind === 'account' ? origin.actor.accountId : null;
  return guardClosedYear(() => db.transaction(async (tx) => {
    const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(lessonAttachment).where(eq(lessonAttachment.lessonId, ctx.lesson.id));
    if (Number(count?.n ?? 0) >= attachmentLimits.perLesson) throw errors.validation({ file: { ru: 'К уроку можно приложить не больше 10 файлов', en: 'At most 10 files a lesson' } });
    const [row] = await tx.insert(lessonAttachment).values({ lessonId: ctx.lesson.id, fileName, mediaType, sizeBytes: file.content.length, sha256, content: file.content, uploadedBy: actorId, uploadedAt: now }).returning({ id: lessonAttachment.id });
    await recordAudit(tx, origin, { action: 'create', entityType: 'journal-lesson-attachment', entityId: row!.id, municipalityId: ctx.lesson.municipalityId, organizationId: ctx.lesson.organizationId, details: { lessonId: ctx.lesson.id, sizeBytes: file.content.length, sha256 } });
    return { id: row!.id, lessonId: ctx.lesson.id, fileName, mediaType, sizeBytes: file.content.length, sha256, uploadedBy: actorId, uploadedAt: now };
  }));
}

export async function removeAttachment(db: Database, origin: AuditOrigin, ctx: LessonContext, attachmentId: string): Promise<void> {
  assertYearOpen(ctx);
  await guardClosedYear(() => db.transaction(async (tx) => {
    const gone = await tx.delete(lessonAttachment).where(and(eq(lessonAttachment.id, attachmentId), eq(lessonAttachment.lessonId, ctx.lesson.id))).returning({ id: lessonAttachment.id });
    if (gone.length === 0) throw errors.notFound();
    await recordAudit(tx, origin, { action: 'delete', entityType: 'journal-lesson-attachment', entityId: attachmentId, municipalityId: ctx.lesson.municipalityId, organizationId: ctx.lesson.organizationId, details: { lessonId: ctx.lesson.id } });
  }));
}

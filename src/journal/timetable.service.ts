/**
 * The timetable: a class's weekly template (timetable_slot), the lessons it generates over a
 * term (timetable.plan.ts decides the dates), and the changes a school makes to single lessons:
 * substitutions (another teacher takes the lesson), cancellations and moves. Authorisation is the
 * caller's (lesson.policy.ts / journal.policy.ts).
 */
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import { getCalendarYear, nonWorkingDays } from '../platform/calendar/calendar.service.ts';
import { queryRows, type Database, type Executor } from '../platform/db/connect.ts';
import { errors, type FieldErrors } from '../platform/errors.ts';
import { isIsoDate, isUuid } from '../platform/validation.ts';
import { classSubgroup, schoolClass } from './class.schema.ts';
import { subject, teachingAssignment } from './curriculum.schema.ts';
import type { ClassAccess } from './journal.policy.ts';
import { lesson } from './lesson.schema.ts';
import type { LessonContext } from './lesson.service.ts';
import { academicTerm, academicYear, schoolHoliday } from './school-year.schema.ts';
import { timetableSlot } from './timetable.schema.ts';
import { isoWeekday, planLessons, reconcileLessons, type IsoDate } from './timetable.plan.ts';
import { assertYearOpen, guardClosedYear } from './closed-year.ts';

export type SlotRow = typeof timetableSlot.$inferSelect;
export type TermRow = typeof academicTerm.$inferSelect;

/** A class with its year and the facts its policy needs. */
export interface ClassContext {
  access: ClassAccess;
  yearId: string;
  grade: number;
  letter: string;
  weekDays: 5 | 6;
  yearStatus: 'open' | 'closed';
}

export async function loadClass(db: Executor, classId: string): Promise<ClassContext> {
  if (!isUuid(classId)) throw errors.notFound();
  const [c] = await db
    .select({ c: schoolClass, weekDays: academicYear.weekDays, yearStatus: academicYear.status })
    .from(schoolClass)
    .innerJoin(academicYear, eq(academicYear.id, schoolClass.yearId))
    .where(eq(schoolClass.id, classId));
  if (!c) throw errors.notFound();
  const teachers = await db.selectDistinct({ teacherId: teachingAssignment.teacherId }).from(teachingAssignment).where(eq(teachingAssignment.classId, classId));
  return {
    access: {
      classId,
      classTeacherId: c.c.classTeacherId,
      teacherIds: teachers.map((t) => t.teacherId),
      organizationId: c.c.organizationId,
      municipalityId: c.c.municipalityId,
    },
    yearId: c.c.yearId,
    grade: c.c.grade,
    letter: c.c.letter,
    weekDays: c.weekDays,
    yearStatus: c.yearStatus,
  };
}

export async function termsOfYear(db: Executor, yearId: string): Promise<TermRow[]> {
  return db.select().from(academicTerm).where(eq(academicTerm.yearId, yearId)).orderBy(asc(academicTerm.number));
}

/** The term of the year holding the date, else the nearest one before it, else the first. */
export function termOn(terms: readonly TermRow[], date: IsoDate): TermRow | null {
  return terms.find((t) => t.startsOn <= date && date <= t.endsOn) ?? [...terms].reverse().find((t) => t.endsOn < date) ?? terms[0] ?? null;
}

// The template --------------------------------------------------------------------------------------

export interface SlotWithAssignment extends SlotRow {
  subjectCode: string;
  teacherId: string;
  subgroupId: string | null;
}

/** The class's teaching assignments with subject and subgroup names (for the template form). */
export async function assignmentsOfClass(db: Executor, classId: string) {
  return db
    .select({
      id: teachingAssignment.id,
      teacherId: teachingAssignment.teacherId,
      subjectCode: teachingAssignment.subjectCode,
      subjectNameRu: subject.nameRu,
      subjectNameEn: subject.nameEn,
      subgroupId: teachingAssignment.subgroupId,
      subgroupName: classSubgroup.name,
    })
    .from(teachingAssignment)
    .innerJoin(subject, eq(subject.code, teachingAssignment.subjectCode))
    .leftJoin(classSubgroup, eq(classSubgroup.id, teachingAssignment.subgroupId))
    .where(eq(teachingAssignment.classId, classId))
    .orderBy(asc(subject.sort), asc(classSubgroup.name));
}

export async function listSlots(db: Executor, classId: string): Promise<SlotWithAssignment[]> {
  const rows = await db
    .select({ slot: timetableSlot, subjectCode: teachingAssignment.subjectCode, teacherId: teachingAssignment.teacherId, subgroupId: teachingAssignment.subgroupId })
    .from(timetableSlot)
    .innerJoin(teachingAssignment, eq(teachingAssignment.id, timetableSlot.assignmentId))
    .where(eq(timetableSlot.classId, classId))
    .orderBy(asc(timetableSlot.weekday), asc(timetableSlot.lessonNumber), asc(teachingAssignment.subjectCode));
  return rows.map((r) => ({ ...r.slot, subjectCode: r.subjectCode, teacherId: r.teacherId, subgroupId: r.subgroupId }));
}

export interface SlotInput {
  assignmentId: string;
  weekday: number;
  lessonNumber: number;
  validFrom: string | null;
  validTo: string | null;
}

export function parseSlotInput(body: Record<string, unknown>, weekDays: 5 | 6): { ok: true; value: SlotInput } | { ok: false; errors: FieldErrors } {
  const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : typeof body[k] === 'number' ? String(body[k]) : '');
  const fieldErrors: FieldErrors = {};
  const assignmentId = text('assignmentId');
  if (!isUuid(assignmentId)) fieldErrors.assignmentId = { ru: 'Выберите предмет и учителя', en: 'Choose a subject and teacher' };
  const weekday = Number(text('weekday'));
  if (!Number.isInteger(weekday) || weekday < 1 || weekday > weekDays) fieldErrors.weekday = { ru: `День недели — с понедельника по ${weekDays === 6 ? 'субботу' : 'пятницу'}`, en: `Weekday: Monday to ${weekDays === 6 ? 'Saturday' : 'Friday'}` };
  const lessonNumber = Number(text('lessonNumber'));
  if (text('lessonNumber') === '' || !Number.isInteger(lessonNumber) || lessonNumber < 0 || lessonNumber > 12) fieldErrors.lessonNumber = { ru: 'Номер урока — от 0 до 12', en: 'Lesson number: 0 to 12' };
  const validFrom = text('validFrom') || null;
  const validTo = text('validTo') || null;
  if (validFrom && !isIsoDate(validFrom)) fieldErrors.validFrom = { ru: 'Дата в формате ГГГГ-ММ-ДД', en: 'Date as YYYY-MM-DD' };
  if (validTo && !isIsoDate(validTo)) fieldErrors.validTo = { ru: 'Дата в формате ГГГГ-ММ-ДД', en: 'Date as YYYY-MM-DD' };
  if (validFrom && validTo && isIsoDate(validFrom) && isIsoDate(validTo) && validTo < validFrom) fieldErrors.validTo = { ru: 'Не раньше даты начала', en: 'Not before the start date' };
  if (Object.keys(fieldErrors).length > 0) return { ok: false, errors: fieldErrors };
  return { ok: true, value: { assignmentId, weekday, lessonNumber, validFrom, validTo } };
}

/** Adds a slot to a class's template; the assignment must be the class's. Audited. */
export async function addSlot(db: Database, origin: AuditOrigin, cls: ClassContext, input: SlotInput): Promise<SlotRow> {
  assertYearOpen(cls);
  return guardClosedYear(() => db.transaction(async (tx) => {
    const [a] = await tx.select({ id: teachingAssignment.id }).from(teachingAssignment).where(and(eq(teachingAssignment.id, input.assignmentId), eq(teachingAssignment.classId, cls.access.classId)));
    if (!a) throw errors.validation({ assignmentId: { ru: 'Такого предмета у класса нет', en: 'The class has no such assignment' } });
    const [row] = await tx.insert(timetableSlot).values({ ...input, classId: cls.access.classId }).returning();
    await recordAudit(tx, origin, { action: 'create', entityType: 'journal-timetable-slot', entityId: row!.id, municipalityId: cls.access.municipalityId, organizationId: cls.access.organizationId, details: { ...input } });
    return row!;
  }));
}

export async function removeSlot(db: Database, origin: AuditOrigin, cls: ClassContext, slotId: string): Promise<void> {
  assertYearOpen(cls);
  if (!isUuid(slotId)) throw errors.notFound();
  await guardClosedYear(() => db.transaction(async (tx) => {
    const deleted = await tx.delete(timetableSlot).where(and(eq(timetableSlot.id, slotId), eq(timetableSlot.classId, cls.access.classId))).returning({ id: timetableSlot.id });
    if (deleted.length === 0) throw errors.notFound();
    await recordAudit(tx, origin, { action: 'delete', entityType: 'journal-timetable-slot', entityId: slotId, municipalityId: cls.access.municipalityId, organizationId: cls.access.organizationId });
  }));
}

// Generation ------------------------------------------------------------------------------------------

/**
 * The days without lessons from the production calendar: weekday holidays and transferred days
 * off, and — for a 6-day week — public holidays falling on a Saturday.
 */
export async function calendarDaysOff(db: Executor, from: IsoDate, to: IsoDate, weekDays: 5 | 6): Promise<Set<IsoDate>> {
  const off = new Set((await nonWorkingDays(db, from, to)).filter((d) => isoWeekday(d) <= 5));
  if (weekDays === 6) {
    for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) {
      for (const d of (await getCalendarYear(db, y)).days) if (d.kind === 'holiday' && isoWeekday(d.day) === 6) off.add(d.day);
    }
  }
  return off;
}

export interface GenerationResult {
  inserted: number;
  removed: number;
  /** Lessons no longer in the template but filled in: kept. */
  kept: number;
}

/**
 * Generates (or regenerates) the lessons of a class for a term from its template. Idempotent:
 * lessons already there keep everything in them; untouched lessons the template dropped go;
 * filled ones stay. Skips public holidays, school holidays and days beyond the school's week.
 */
export async function generateLessons(db: Database, origin: AuditOrigin, cls: ClassContext, term: TermRow, now: Date): Promise<GenerationResult> {
  assertYearOpen(cls);
  if (term.yearId !== cls.yearId) throw errors.notFound();
  const [slots, holidays, daysOff] = await Promise.all([
    db.select().from(timetableSlot).where(eq(timetableSlot.classId, cls.access.classId)),
    db.select({ startsOn: schoolHoliday.startsOn, endsOn: schoolHoliday.endsOn }).from(schoolHoliday).where(eq(schoolHoliday.yearId, cls.yearId)),
    calendarDaysOff(db, term.startsOn, term.endsOn, cls.weekDays),
  ]);
  const planned = planLessons({ from: term.startsOn, to: term.endsOn, weekDays: cls.weekDays, slots, daysOff, holidays });
  return guardClosedYear(() => db.transaction(async (tx) => {
    const existing = await queryRows<{ id: string; assignment_id: string; held_on: string; lesson_number: number; moved_from_on: string | null; moved_from_number: number | null; touched: boolean }>(
      tx,
      sql`SELECT l.id, l.assignment_id, l.held_on::text AS held_on, l.lesson_number, l.moved_from_on::text AS moved_from_on, l.moved_from_number,
                 (l.status <> 'planned' OR l.topic <> '' OR l.homework <> '' OR l.substitute_teacher_id IS NOT NULL OR l.moved_from_on IS NOT NULL
                  OR EXISTS (SELECT 1 FROM mark m WHERE m.lesson_id = l.id) OR EXISTS (SELECT 1 FROM attendance a WHERE a.lesson_id = l.id)
                  OR EXISTS (SELECT 1 FROM lesson_attachment f WHERE f.lesson_id = l.id)) AS touched
            FROM lesson l WHERE l.class_id = ${cls.access.classId} AND l.term_id = ${term.id}
            FOR UPDATE OF l`,
    );
    const result = reconcileLessons(
      planned,
      existing.map((e) => ({
        id: e.id,
        assignmentId: e.assignment_id,
        heldOn: String(e.held_on).slice(0, 10),
        lessonNumber: Number(e.lesson_number),
        movedFromOn: e.moved_from_on ? String(e.moved_from_on).slice(0, 10) : null,
        movedFromNumber: e.moved_from_number === null ? null : Number(e.moved_from_number),
        touched: e.touched === true || (e.touched as unknown) === 't',
      })),
    );
    if (result.remove.length > 0) await tx.delete(lesson).where(inArray(lesson.id, result.remove));
    for (let i = 0; i < result.insert.length; i += 1000) {
      await tx
        .insert(lesson)
        .values(
          result.insert.slice(i, i + 1000).map((p) => ({
            assignmentId: p.assignmentId,
            classId: cls.access.classId,
            organizationId: cls.access.organizationId,
            municipalityId: cls.access.municipalityId,
            termId: term.id,
            heldOn: p.heldOn,
            lessonNumber: p.lessonNumber,
            updatedAt: now,
          })),
        )
        .onConflictDoNothing();
    }
    const outcome = { inserted: result.insert.length, removed: result.remove.length, kept: result.keptOrphans.length };
    await recordAudit(tx, origin, { action: 'update', entityType: 'journal-timetable-generation', entityId: cls.access.classId, municipalityId: cls.access.municipalityId, organizationId: cls.access.organizationId, details: { termId: term.id, ...outcome } });
    return outcome;
  }));
}

// Changes to single lessons ----------------------------------------------------------------------------

export type LessonChange =
  | { kind: 'substitute'; teacherId: string | null }
  | { kind: 'cancel' }
  | { kind: 'restore' }
  | { kind: 'move'; heldOn: string; lessonNumber: number };

/** The teachers (person ids) of the school, for the substitute picker: those with an assignment there this year. */
export async function teachersOfSchool(db: Executor, organizationId: string): Promise<string[]> {
  const rows = await db.selectDistinct({ teacherId: teachingAssignment.teacherId }).from(teachingAssignment).where(eq(teachingAssignment.organizationId, organizationId));
  return rows.map((r) => r.teacherId);
}

/** Applies a substitution, cancellation, restoration or move to one lesson. Audited. */
export async function changeLesson(db: Database, origin: AuditOrigin, ctx: LessonContext, change: LessonChange, now: Date): Promise<void> {
  assertYearOpen(ctx);
  const l = ctx.lesson;
  await guardClosedYear(() => db.transaction(async (tx) => {
    if (change.kind === 'substitute') {
      if (change.teacherId !== null) {
        const known = await teachersOfSchool(tx, l.organizationId);
        if (!known.includes(change.teacherId)) throw errors.validation({ teacherId: { ru: 'Выберите учителя этой школы', en: 'Choose a teacher of this school' } });
      }
      await tx.update(lesson).set({ substituteTeacherId: change.teacherId, updatedAt: now, version: sql`${lesson.version} + 1` }).where(eq(lesson.id, l.id));
    } else if (change.kind === 'cancel' || change.kind === 'restore') {
      await tx.update(lesson).set({ status: change.kind === 'cancel' ? 'cancelled' : 'planned', updatedAt: now, version: sql`${lesson.version} + 1` }).where(eq(lesson.id, l.id));
    } else {
      if (!isIsoDate(change.heldOn) || !Number.isInteger(change.lessonNumber) || change.lessonNumber < 0 || change.lessonNumber > 12) {
        throw errors.validation({ heldOn: { ru: 'Укажите дату и номер урока', en: 'Give a date and lesson number' } });
      }
      const [term] = await tx.select().from(academicTerm).where(eq(academicTerm.id, l.termId));
      if (!term || change.heldOn < term.startsOn || change.heldOn > term.endsOn) {
        throw errors.validation({ heldOn: { ru: 'Перенести можно только в пределах четверти (триместра)', en: 'A lesson moves only within its term' } });
      }
      const taken = await tx
        .select({ id: lesson.id })
        .from(lesson)
        .where(and(eq(lesson.assignmentId, l.assignmentId), eq(lesson.heldOn, change.heldOn), eq(lesson.lessonNumber, change.lessonNumber)));
      if (taken.some((t) => t.id !== l.id)) throw errors.validation({ heldOn: { ru: 'На это время уже стоит такой урок', en: 'That time already has this lesson' } });
      await tx
        .update(lesson)
        .set({
          heldOn: change.heldOn,
          lessonNumber: change.lessonNumber,
          movedFromOn: l.movedFromOn ?? l.heldOn,
          movedFromNumber: l.movedFromNumber ?? l.lessonNumber,
          updatedAt: now,
          version: sql`${lesson.version} + 1`,
        })
        .where(eq(lesson.id, l.id));
    }
    await recordAudit(tx, origin, { action: 'update', entityType: 'journal-lesson', entityId: l.id, municipalityId: l.municipalityId, organizationId: l.organizationId, details: { change: change.kind } });
  }));
}

/** Lessons of an assignment within dates (for the timetable pages). */
export async function lessonsOfAssignment(db: Executor, assignmentId: string, from: string, to: string) {
  return db
    .select()
    .from(lesson)
    .where(and(eq(lesson.assignmentId, assignmentId), gte(lesson.heldOn, from), lte(lesson.heldOn, to)))
    .orderBy(asc(lesson.heldOn), asc(lesson.lessonNumber));
}

export async function loadTerm(db: Executor, termId: string): Promise<TermRow> {
  if (!isUuid(termId)) throw errors.notFound();
  const [row] = await db.select().from(academicTerm).where(eq(academicTerm.id, termId));
  if (!row) throw errors.notFound();
  return row;
}

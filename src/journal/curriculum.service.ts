/**
 * Curriculum and teaching load (issue 5 §3): the federal list of subjects (reference data,
 * editable by the regional administrator), hours per week by grade for a school's year (the
 * school's учебный план), and teaching assignments — a teacher teaching a subject to a class or
 * one of its subgroups. Authorisation is the caller's (journal.policy.ts).
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import type { Database, Executor } from '../platform/db/connect.ts';
import { errors, type FieldErrors } from '../platform/errors.ts';
import type { Locale, Message } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { findPersonNames, personFullName } from '../registry/person.service.ts';
import { staffAmong } from '../registry/pupil-registry.service.ts';
import { classSubgroup, schoolClass } from './class.schema.ts';
import { className } from './class.service.ts';
import { curriculumHours, subject, teachingAssignment } from './curriculum.schema.ts';
import type { AssignmentAccess } from './journal.policy.ts';
import { academicYear } from './school-year.schema.ts';

export type SubjectRow = typeof subject.$inferSelect;
export type AssignmentRow = typeof teachingAssignment.$inferSelect;

/**
 * Hours per week by grade of the federal basic curricula for a five-day week (ФОП НОО, ООО and
 * the universal profile of СОО, orders No. 372, 370 and 371 of 18 May 2023; variant 1). A school
 * starts from these and changes them. Verify against the current edition of each programme.
 */
export const federalHours: Record<string, ReadonlyArray<number>> = {
  //                   grade: 1  2  3  4  5  6  7  8  9  10 11
  russian: /*             */ [5, 5, 5, 5, 5, 6, 4, 3, 3, 2, 2],
  literaryReading: /*     */ [4, 4, 4, 3, 0, 0, 0, 0, 0, 0, 0],
  literature: /*          */ [0, 0, 0, 0, 3, 3, 2, 2, 3, 3, 3],
  foreignLanguage: /*     */ [0, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3],
  mathematics: /*         */ [4, 4, 4, 4, 5, 5, 0, 0, 0, 0, 0],
  algebra: /*             */ [0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3],
  geometry: /*            */ [0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2],
  probability: /*         */ [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
  informatics: /*         */ [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
  world: /*               */ [2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0],
  religiousCultures: /*   */ [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
  history: /*             */ [0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2],
  socialStudies: /*       */ [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2],
  geography: /*           */ [0, 0, 0, 0, 1, 1, 2, 2, 2, 1, 1],
  biology: /*             */ [0, 0, 0, 0, 1, 1, 1, 2, 2, 1, 1],
  physics: /*             */ [0, 0, 0, 0, 0, 0, 2, 2, 3, 2, 2],
  chemistry: /*           */ [0, 0, 0, 0, 0, 0, 0, 2, 2, 1, 1],
  music: /*               */ [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
  art: /*                 */ [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
  technology: /*          */ [1, 1, 1, 1, 2, 2, 2, 1, 1, 0, 0],
  physicalEducation: /*   */ [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
  lifeSafety: /*          */ [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
  individualProject: /*   */ [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
};

/** The federal hours of a grade, subject by subject (non-zero only). */
export function federalHoursOf(grade: number): Array<{ subjectCode: string; hoursPerWeek: number }> {
  return Object.entries(federalHours).flatMap(([subjectCode, byGrade]) => {
    const hours = byGrade[grade - 1] ?? 0;
    return hours > 0 ? [{ subjectCode, hoursPerWeek: hours }] : [];
  });
}

export function subjectName(s: Pick<SubjectRow, 'nameRu' | 'nameEn'>, locale: Locale): string {
  return locale === 'ru' ? s.nameRu : s.nameEn;
}

// Subjects ---------------------------------------------------------------------------------------

export async function listSubjects(db: Executor, options: { activeOnly?: boolean } = {}): Promise<SubjectRow[]> {
  const query = db.select().from(subject);
  return (options.activeOnly ? query.where(eq(subject.active, true)) : query).orderBy(asc(subject.sort), asc(subject.code));
}

export interface SubjectInput {
  code: string;
  nameRu: string;
  nameEn: string;
  sort: number;
  active: boolean;
}

export function parseSubjectInput(raw: Record<string, unknown>): { ok: true; value: SubjectInput } | { ok: false; errors: FieldErrors } {
  const fields: FieldErrors = {};
  const code = String(raw['code'] ?? '').trim();
  if (!/^[a-zA-Z][a-zA-Z0-9]{1,39}$/.test(code)) fields['code'] = { ru: 'Код — латинские буквы и цифры, от 2 до 40 знаков', en: 'The code is 2 to 40 Latin letters and digits' };
  const nameRu = String(raw['nameRu'] ?? '').trim();
  const nameEn = String(raw['nameEn'] ?? '').trim();
  if (nameRu.length < 1 || nameRu.length > 200) fields['nameRu'] = { ru: 'Укажите название', en: 'Enter the name' };
  if (nameEn.length < 1 || nameEn.length > 200) fields['nameEn'] = { ru: 'Укажите название', en: 'Enter the name' };
  const sort = Number(raw['sort'] ?? 0);
  if (!Number.isInteger(sort) || Math.abs(sort) > 100000) fields['sort'] = { ru: 'Порядок — целое число', en: 'The order is a whole number' };
  const active = raw['active'] === true || raw['active'] === 'true' || raw['active'] === 'on';
  if (Object.keys(fields).length > 0) return { ok: false, errors: fields };
  return { ok: true, value: { code, nameRu, nameEn, sort, active } };
}

/** Adds or changes a subject of the regional list, audited. */
export async function saveSubject(db: Database, origin: AuditOrigin, input: SubjectInput): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(subject)
      .values(input)
      .onConflictDoUpdate({ target: subject.code, set: { nameRu: input.nameRu, nameEn: input.nameEn, sort: input.sort, active: input.active } });
    await recordAudit(tx, origin, { action: 'update', entityType: 'subject', entityId: input.code, details: { active: input.active } });
  });
}

// Hours per week -----------------------------------------------------------------------------------

export interface HoursRow {
  grade: number;
  subjectCode: string;
  hoursPerWeek: number;
}

export async function curriculumOf(db: Executor, yearId: string): Promise<HoursRow[]> {
  const rows = await db
    .select()
    .from(curriculumHours)
    .where(eq(curriculumHours.yearId, yearId))
    .orderBy(asc(curriculumHours.grade), asc(curriculumHours.subjectCode));
  return rows.map((r) => ({ grade: r.grade, subjectCode: r.subjectCode, hoursPerWeek: Number(r.hoursPerWeek) }));
}

const hoursMessage: Message = { ru: 'Часы в неделю — от 0 до 10, шаг 0,5', en: 'Hours per week are 0 to 10 in steps of 0.5' };

/** Checks hours (pure): 0 removes the subject from the grade; at most 10, in halves. */
export function validateHours(rows: HoursRow[], subjectCodes: ReadonlySet<string>): FieldErrors {
  const fields: FieldErrors = {};
  for (const r of rows) {
    const key = `hours.${r.grade}.${r.subjectCode}`;
    if (!subjectCodes.has(r.subjectCode) || !Number.isInteger(r.grade) || r.grade < 1 || r.grade > 11) fields[key] = hoursMessage;
    else if (!Number.isFinite(r.hoursPerWeek) || r.hoursPerWeek < 0 || r.hoursPerWeek > 10 || Math.round(r.hoursPerWeek * 2) !== r.hoursPerWeek * 2) fields[key] = hoursMessage;
  }
  return fields;
}

/** Replaces the hours of the given grades of a year (rows with 0 hours are dropped), audited. */
export async function saveCurriculum(db: Database, origin: AuditOrigin, yearId: string, grades: number[], rows: HoursRow[]): Promise<void> {
  const codes = new Set((await listSubjects(db)).map((s) => s.code));
  const problems = validateHours(rows, codes);
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  await db.transaction(async (tx) => {
    const [year] = await tx.select().from(academicYear).where(eq(academicYear.id, yearId));
    if (!year) throw errors.notFound();
    if (grades.length > 0) await tx.delete(curriculumHours).where(and(eq(curriculumHours.yearId, yearId), inArray(curriculumHours.grade, grades)));
    const kept = rows.filter((r) => r.hoursPerWeek > 0 && grades.includes(r.grade));
    if (kept.length > 0) await tx.insert(curriculumHours).values(kept.map((r) => ({ yearId, grade: r.grade, subjectCode: r.subjectCode, hoursPerWeek: String(r.hoursPerWeek) })));
    await recordAudit(tx, origin, { action: 'update', entityType: 'curriculum', entityId: yearId, municipalityId: year.municipalityId, organizationId: year.organizationId, details: { grades, rows: kept.length } });
  });
}

/** Fills a year's curriculum with the federal hours for every grade that has none yet. */
export async function applyFederalCurriculum(db: Executor, yearId: string): Promise<number> {
  const present = new Set((await curriculumOf(db, yearId)).map((r) => r.grade));
  const codes = new Set((await listSubjects(db)).map((s) => s.code));
  const rows = [];
  for (let grade = 1; grade <= 11; grade += 1) {
    if (present.has(grade)) continue;
    for (const h of federalHoursOf(grade)) if (codes.has(h.subjectCode)) rows.push({ yearId, grade, subjectCode: h.subjectCode, hoursPerWeek: String(h.hoursPerWeek) });
  }
  if (rows.length > 0) await db.insert(curriculumHours).values(rows).onConflictDoNothing();
  return rows.length;
}

// Teaching assignments -------------------------------------------------------------------------------

export interface AssignmentInput {
  classId: string;
  subgroupId: string | null;
  subjectCode: string;
  teacherId: string;
}

export interface AssignmentListItem extends AssignmentRow {
  className: string;
  grade: number;
  letter: string;
  yearId: string;
  subgroupName: string | null;
  subjectNameRu: string;
  subjectNameEn: string;
  teacherName: string;
  classTeacherId: string | null;
}

const assignmentMessages = {
  teacher: { ru: 'Учитель должен быть сотрудником школы', en: 'The teacher must be on the school staff' },
  subject: { ru: 'Выберите предмет', en: 'Choose the subject' },
  subgroup: { ru: 'Подгруппа не из этого класса', en: 'The subgroup is not of this class' },
  duplicate: { ru: 'Этот предмет в этом классе (подгруппе) уже назначен', en: 'This subject is already assigned in this class (subgroup)' },
} satisfies Record<string, Message>;

async function assignmentRows(db: Executor, where: ReturnType<typeof and>): Promise<AssignmentListItem[]> {
  const rows = await db
    .select({
      a: teachingAssignment,
      grade: schoolClass.grade,
      letter: schoolClass.letter,
      yearId: schoolClass.yearId,
      classTeacherId: schoolClass.classTeacherId,
      subgroupName: classSubgroup.name,
      subjectNameRu: subject.nameRu,
      subjectNameEn: subject.nameEn,
      subjectSort: subject.sort,
    })
    .from(teachingAssignment)
    .innerJoin(schoolClass, eq(schoolClass.id, teachingAssignment.classId))
    .innerJoin(subject, eq(subject.code, teachingAssignment.subjectCode))
    .leftJoin(classSubgroup, eq(classSubgroup.id, teachingAssignment.subgroupId))
    .where(where)
    .orderBy(asc(schoolClass.grade), asc(schoolClass.letter), asc(subject.sort), asc(classSubgroup.name));
  const names = await findPersonNames(db, rows.map((r) => r.a.teacherId));
  return rows.map((r) => {
    const n = names.get(r.a.teacherId);
    return {
      ...r.a,
      className: className(r),
      grade: r.grade,
      letter: r.letter,
      yearId: r.yearId,
      classTeacherId: r.classTeacherId,
      subgroupName: r.subgroupName ?? null,
      subjectNameRu: r.subjectNameRu,
      subjectNameEn: r.subjectNameEn,
      teacherName: n ? personFullName(n) : '',
    };
  });
}

export async function assignmentsOfClass(db: Executor, classId: string): Promise<AssignmentListItem[]> {
  if (!isUuid(classId)) return [];
  return assignmentRows(db, and(eq(teachingAssignment.classId, classId.toLowerCase())));
}

export async function assignmentsOfYear(db: Executor, yearId: string): Promise<AssignmentListItem[]> {
  return assignmentRows(db, and(eq(schoolClass.yearId, yearId)));
}

/** A teacher's assignments (optionally of one year): their timetable and gradebooks start here. */
export async function assignmentsOfTeacher(db: Executor, teacherId: string, yearId?: string): Promise<AssignmentListItem[]> {
  if (!isUuid(teacherId)) return [];
  return assignmentRows(db, and(eq(teachingAssignment.teacherId, teacherId.toLowerCase()), yearId ? eq(schoolClass.yearId, yearId) : undefined));
}

export async function findAssignment(db: Executor, id: string): Promise<AssignmentListItem | null> {
  if (!isUuid(id)) return null;
  const [row] = await assignmentRows(db, and(eq(teachingAssignment.id, id.toLowerCase())));
  return row ?? null;
}

/** The facts the assignment policy needs. */
export async function loadAssignmentAccess(db: Executor, id: string): Promise<AssignmentAccess | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select({ a: teachingAssignment, classTeacherId: schoolClass.classTeacherId })
    .from(teachingAssignment)
    .innerJoin(schoolClass, eq(schoolClass.id, teachingAssignment.classId))
    .where(eq(teachingAssignment.id, id.toLowerCase()));
  if (!row) return null;
  return {
    assignmentId: row.a.id,
    classId: row.a.classId,
    organizationId: row.a.organizationId,
    municipalityId: row.a.municipalityId,
    teacherId: row.a.teacherId,
    classTeacherId: row.classTeacherId,
  };
}

export function parseAssignmentInput(raw: Record<string, unknown>): { ok: true; value: AssignmentInput } | { ok: false; errors: FieldErrors } {
  const fields: FieldErrors = {};
  const classId = String(raw['classId'] ?? '').trim().toLowerCase();
  const subgroupRaw = String(raw['subgroupId'] ?? '').trim().toLowerCase();
  const subjectCode = String(raw['subjectCode'] ?? '').trim();
  const teacherId = String(raw['teacherId'] ?? '').trim().toLowerCase();
  if (!isUuid(classId)) fields['classId'] = { ru: 'Выберите класс', en: 'Choose the class' };
  if (subgroupRaw !== '' && !isUuid(subgroupRaw)) fields['subgroupId'] = assignmentMessages.subgroup;
  if (!/^[a-zA-Z][a-zA-Z0-9]{1,39}$/.test(subjectCode)) fields['subjectCode'] = assignmentMessages.subject;
  if (!isUuid(teacherId)) fields['teacherId'] = assignmentMessages.teacher;
  if (Object.keys(fields).length > 0) return { ok: false, errors: fields };
  return { ok: true, value: { classId, subgroupId: subgroupRaw === '' ? null : subgroupRaw, subjectCode, teacherId } };
}

/**
 * Assigns a teacher (one of the school's staff) to teach a subject to a class or a subgroup of
 * it; an existing assignment of the same class, subgroup and subject gets the new teacher.
 * Audited. Returns the assignment id.
 */
export async function assignTeacher(db: Database, origin: AuditOrigin, input: AssignmentInput): Promise<string> {
  return db.transaction(async (tx) => {
    const [c] = await tx.select().from(schoolClass).where(eq(schoolClass.id, input.classId));
    if (!c) throw errors.validation({ classId: { ru: 'Класс не найден', en: 'Class not found' } });
    const [s] = await tx.select().from(subject).where(eq(subject.code, input.subjectCode));
    if (!s) throw errors.validation({ subjectCode: assignmentMessages.subject });
    if (input.subgroupId) {
      const [g] = await tx.select().from(classSubgroup).where(and(eq(classSubgroup.id, input.subgroupId), eq(classSubgroup.classId, c.id)));
      if (!g) throw errors.validation({ subgroupId: assignmentMessages.subgroup });
    }
    if (!(await staffAmong(tx, c.organizationId, [input.teacherId])).has(input.teacherId)) throw errors.validation({ teacherId: assignmentMessages.teacher });
    const [existing] = await tx
      .select()
      .from(teachingAssignment)
      .where(
        and(
          eq(teachingAssignment.classId, c.id),
          eq(teachingAssignment.subjectCode, input.subjectCode),
          input.subgroupId ? eq(teachingAssignment.subgroupId, input.subgroupId) : isNull(teachingAssignment.subgroupId),
        ),
      )
      .for('update');
    let id: string;
    if (existing) {
      await tx.update(teachingAssignment).set({ teacherId: input.teacherId }).where(eq(teachingAssignment.id, existing.id));
      id = existing.id;
    } else {
      const [row] = await tx
        .insert(teachingAssignment)
        .values({ ...input, organizationId: c.organizationId, municipalityId: c.municipalityId })
        .returning({ id: teachingAssignment.id });
      id = row!.id;
    }
    await recordAudit(tx, origin, {
      action: existing ? 'update' : 'create',
      entityType: 'teaching-assignment',
      entityId: id,
      municipalityId: c.municipalityId,
      organizationId: c.organizationId,
      details: { classId: c.id, subgroupId: input.subgroupId, subjectCode: input.subjectCode, teacherId: input.teacherId, previousTeacherId: existing?.teacherId ?? null },
    });
    return id;
  });
}

/** Removes an assignment that has no lessons yet (lessons keep theirs; the database refuses otherwise, 409). */
export async function removeAssignment(db: Database, origin: AuditOrigin, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(teachingAssignment).where(eq(teachingAssignment.id, id));
    if (!row) throw errors.notFound();
    try {
      await tx.delete(teachingAssignment).where(eq(teachingAssignment.id, id));
    } catch {
      throw errors.conflict('assignment-in-use', { ru: 'По назначению уже есть уроки: смените учителя вместо удаления', en: 'The assignment has lessons: change the teacher instead of removing it' });
    }
    await recordAudit(tx, origin, { action: 'delete', entityType: 'teaching-assignment', entityId: id, municipalityId: row.municipalityId, organizationId: row.organizationId, details: { classId: row.classId, subjectCode: row.subjectCode } });
  });
}

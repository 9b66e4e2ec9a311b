/**
 * Classes of a school's academic year (grade 1–11 and a letter, 1 «А») with their class teacher
 * (классный руководитель, one of the school's staff), and subgroups for divided lessons
 * (foreign language, technology, informatics). Authorisation is the caller's (journal.policy.ts).
 */
import { and, asc, eq, inArray, isNull, lte, or, gte, sql } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import type { Database, Executor } from '../platform/db/connect.ts';
import { errors, type FieldErrors } from '../platform/errors.ts';
import type { Message } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { findPersonNames, personFullName } from '../registry/person.service.ts';
import { staffAmong } from '../registry/pupil-registry.service.ts';
import { classSubgroup, classSubgroupMember, schoolClass } from './class.schema.ts';
import { teachingAssignment } from './curriculum.schema.ts';
import { classEnrolment } from './enrolment.schema.ts';
import type { ClassAccess } from './journal.policy.ts';
import { academicYear } from './school-year.schema.ts';

export type SchoolClassRow = typeof schoolClass.$inferSelect;
export type SubgroupRow = typeof classSubgroup.$inferSelect;

/** «5А». */
export function className(c: Pick<SchoolClassRow, 'grade' | 'letter'>): string {
  return `${c.grade}${c.letter}`;
}

export interface ClassInput {
  grade: number;
  letter: string;
  classTeacherId: string | null;
}

const msg = {
  grade: { ru: 'Параллель — число от 1 до 11', en: 'The grade is a number from 1 to 11' },
  letter: { ru: 'Буква класса — от 1 до 10 знаков', en: 'The class letter has 1 to 10 characters' },
  teacher: { ru: 'Классный руководитель должен быть сотрудником школы', en: 'The class teacher must be on the school staff' },
  duplicate: { ru: 'Такой класс в этом году уже есть', en: 'This class already exists in the year' },
  closed: { ru: 'Учебный год закрыт', en: 'The academic year is closed' },
} satisfies Record<string, Message>;

/** Parses form or API input of a class (pure). */
export function parseClassInput(raw: { grade?: unknown; letter?: unknown; classTeacherId?: unknown }): { ok: true; value: ClassInput } | { ok: false; errors: FieldErrors } {
  const fields: FieldErrors = {};
  const grade = Number(raw.grade);
  if (!Number.isInteger(grade) || grade < 1 || grade > 11) fields['grade'] = msg.grade;
  const letter = String(raw.letter ?? '').trim().toUpperCase();
  if (letter.length < 1 || letter.length > 10) fields['letter'] = msg.letter;
  const teacherRaw = String(raw.classTeacherId ?? '').trim();
  const classTeacherId = teacherRaw === '' ? null : teacherRaw.toLowerCase();
  if (classTeacherId !== null && !isUuid(classTeacherId)) fields['classTeacherId'] = msg.teacher;
  if (Object.keys(fields).length > 0) return { ok: false, errors: fields };
  return { ok: true, value: { grade, letter, classTeacherId } };
}

export async function findClass(db: Executor, id: string): Promise<SchoolClassRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(schoolClass).where(eq(schoolClass.id, id.toLowerCase())).limit(1);
  return row;
}

export interface ClassListItem extends SchoolClassRow {
  classTeacherName: string | null;
  /** Pupils in the class on the date asked. */
  pupils: number;
}

/** The classes of a year, by grade and letter, with the class teacher's name and the number of pupils on a date. */
export async function listClasses(db: Executor, yearId: string, onDate: string): Promise<ClassListItem[]> {
  const rows = await db
    .select({
      c: schoolClass,
      pupils: sql<number>`(SELECT count(*)::int FROM class_enrolment e WHERE e.class_id = ${schoolClass.id} AND e.starts_on <= ${onDate} AND (e.ends_on IS NULL OR e.ends_on >= ${onDate}))`,
    })
    .from(schoolClass)
    .where(eq(schoolClass.yearId, yearId))
    .orderBy(asc(schoolClass.grade), asc(schoolClass.letter));
  const names = await findPersonNames(db, rows.flatMap((r) => (r.c.classTeacherId ? [r.c.classTeacherId] : [])));
  return rows.map((r) => {
    const teacher = r.c.classTeacherId ? names.get(r.c.classTeacherId) : undefined;
    return { ...r.c, classTeacherName: teacher ? personFullName(teacher) : null, pupils: r.pupils };
  });
}

/** The facts the class policy needs: where it is, its class teacher and its teachers. */
export async function loadClassAccess(db: Executor, classId: string): Promise<ClassAccess | null> {
  const c = await findClass(db, classId);
  if (!c) return null;
  const teachers = await db.selectDistinct({ id: teachingAssignment.teacherId }).from(teachingAssignment).where(eq(teachingAssignment.classId, c.id));
  return {
    classId: c.id,
    organizationId: c.organizationId,
    municipalityId: c.municipalityId,
    classTeacherId: c.classTeacherId,
    teacherIds: teachers.map((t) => t.id),
  };
}

/** The classes (of any year) where the person is the class teacher or has an assignment. */
export async function classesOfTeacher(db: Executor, teacherId: string, yearId?: string): Promise<SchoolClassRow[]> {
  if (!isUuid(teacherId)) return [];
  const taught = db.select({ id: teachingAssignment.classId }).from(teachingAssignment).where(eq(teachingAssignment.teacherId, teacherId));
  const conditions = [or(eq(schoolClass.classTeacherId, teacherId), inArray(schoolClass.id, taught))];
  if (yearId) conditions.push(eq(schoolClass.yearId, yearId));
  return db.select().from(schoolClass).where(and(...conditions)).orderBy(asc(schoolClass.grade), asc(schoolClass.letter));
}

async function openYear(db: Executor, yearId: string) {
  const [year] = await db.select().from(academicYear).where(eq(academicYear.id, yearId)).limit(1);
  if (!year) throw errors.notFound();
  if (year.status === 'closed') throw errors.conflict('academic-year-closed', msg.closed);
  return year;
}

async function checkTeacher(db: Executor, organizationId: string, teacherId: string | null): Promise<void> {
  if (teacherId === null) return;
  const staff = await staffAmong(db, organizationId, [teacherId]);
  if (!staff.has(teacherId)) throw errors.validation({ classTeacherId: msg.teacher });
}

/** Adds a class to a year of a school, audited; a second «5А» of the year answers 409. */
export async function createClass(db: Database, origin: AuditOrigin, yearId: string, input: ClassInput): Promise<SchoolClassRow> {
  return db.transaction(async (tx) => {
    const year = await openYear(tx, yearId);
    await checkTeacher(tx, year.organizationId, input.classTeacherId);
    const [row] = await tx
      .insert(schoolClass)
      .values({ yearId, organizationId: year.organizationId, municipalityId: year.municipalityId, ...input })
      .onConflictDoNothing()
      .returning();
    if (!row) throw errors.conflict('class-exists', msg.duplicate);
    await recordAudit(tx, origin, {
      action: 'create',
      entityType: 'school-class',
      entityId: row.id,
      municipalityId: row.municipalityId,
      organizationId: row.organizationId,
      details: { grade: row.grade, letter: row.letter, classTeacherId: row.classTeacherId },
    });
    return row;
  });
}

/** Changes a class's letter, grade or class teacher, audited. */
export async function updateClass(db: Database, origin: AuditOrigin, classId: string, input: ClassInput): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await findClass(tx, classId);
    if (!current) throw errors.notFound();
    await openYear(tx, current.yearId);
    await checkTeacher(tx, current.organizationId, input.classTeacherId);
    const clash = await tx
      .select({ id: schoolClass.id })
      .from(schoolClass)
      .where(and(eq(schoolClass.yearId, current.yearId), eq(schoolClass.grade, input.grade), eq(schoolClass.letter, input.letter)));
    if (clash.some((c) => c.id !== current.id)) throw errors.conflict('class-exists', msg.duplicate);
    await tx.update(schoolClass).set(input).where(eq(schoolClass.id, current.id));
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'school-class',
      entityId: current.id,
      municipalityId: current.municipalityId,
      organizationId: current.organizationId,
      details: { grade: input.grade, letter: input.letter, classTeacherId: input.classTeacherId },
    });
  });
}

// Subgroups -------------------------------------------------------------------------------------

export async function listSubgroups(db: Executor, classId: string): Promise<Array<SubgroupRow & { pupilIds: string[] }>> {
  const groups = await db.select().from(classSubgroup).where(eq(classSubgroup.classId, classId)).orderBy(asc(classSubgroup.name));
  if (groups.length === 0) return [];
  const members = await db.select().from(classSubgroupMember).where(inArray(classSubgroupMember.subgroupId, groups.map((g) => g.id)));
  return groups.map((g) => ({ ...g, pupilIds: members.filter((m) => m.subgroupId === g.id).map((m) => m.pupilId) }));
}

/**
 * Creates a subgroup of a class with the given pupils (who must be in the class on `onDate`),
 * or replaces the members of the subgroup of that name. Audited.
 */
export async function saveSubgroup(db: Database, origin: AuditOrigin, classId: string, name: string, pupilIds: string[], onDate: string): Promise<SubgroupRow> {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 100) throw errors.validation({ name: { ru: 'Название подгруппы — от 1 до 100 знаков', en: 'The subgroup name has 1 to 100 characters' } });
  return db.transaction(async (tx) => {
    const c = await findClass(tx, classId);
    if (!c) throw errors.notFound();
    await openYear(tx, c.yearId);
    const wanted = [...new Set(pupilIds.filter(isUuid).map((id) => id.toLowerCase()))];
    if (wanted.length > 0) {
      const inClass = await tx
        .select({ id: classEnrolment.pupilId })
        .from(classEnrolment)
        .where(
          and(
            eq(classEnrolment.classId, c.id),
            inArray(classEnrolment.pupilId, wanted),
            lte(classEnrolment.startsOn, onDate),
            or(isNull(classEnrolment.endsOn), gte(classEnrolment.endsOn, onDate)),
          ),
        );
      if (inClass.length !== wanted.length) throw errors.validation({ pupilIds: { ru: 'Не все выбранные обучающиеся учатся в этом классе', en: 'Not every chosen pupil is in this class' } });
    }
    const [group] = await tx
      .insert(classSubgroup)
      .values({ classId: c.id, name: trimmed })
      .onConflictDoUpdate({ target: [classSubgroup.classId, classSubgroup.name], set: { name: trimmed } })
      .returning();
    await tx.delete(classSubgroupMember).where(eq(classSubgroupMember.subgroupId, group!.id));
    if (wanted.length > 0) await tx.insert(classSubgroupMember).values(wanted.map((pupilId) => ({ subgroupId: group!.id, pupilId })));
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'class-subgroup',
      entityId: group!.id,
      municipalityId: c.municipalityId,
      organizationId: c.organizationId,
      details: { classId: c.id, members: wanted.length },
    });
    return group!;
  });
}

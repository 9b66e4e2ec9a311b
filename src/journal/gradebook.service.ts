/**
 * Reads behind the gradebook and the finals screens: a teaching assignment with what its policy
 * and pages need, and the assignments a teacher (or a head's school) has in a year.
 */
import { and, asc, eq, or } from 'drizzle-orm';
import type { Executor } from '../platform/db/connect.ts';
import { errors } from '../platform/errors.ts';
import { isUuid } from '../platform/validation.ts';
import { schoolClass } from './class.schema.ts';
import { subject, teachingAssignment } from './curriculum.schema.ts';
import type { AssignmentAccess } from './journal.policy.ts';
import { journalYearSetting } from './lesson.schema.ts';
import { academicYear } from './school-year.schema.ts';

export interface AssignmentContext {
  access: AssignmentAccess;
  subgroupId: string | null;
  subjectCode: string;
  subjectNameRu: string;
  subjectNameEn: string;
  yearId: string;
  /** The year is closed: its journal is locked (closed-year.ts). */
  yearClosed: boolean;
  grade: number;
  letter: string;
  allowMarkOne: boolean;
}

/** The columns `toAssignmentContext` reads: select them joined as in `loadAssignment`. */
export const assignmentColumns = {
  a: teachingAssignment,
  classTeacherId: schoolClass.classTeacherId,
  yearId: schoolClass.yearId,
  yearStatus: academicYear.status,
  grade: schoolClass.grade,
  letter: schoolClass.letter,
  nameRu: subject.nameRu,
  nameEn: subject.nameEn,
  allowMarkOne: journalYearSetting.allowMarkOne,
};

type AssignmentColumns = { a: typeof teachingAssignment.$inferSelect; classTeacherId: string | null; yearId: string; yearStatus: string; grade: number; letter: string; nameRu: string; nameEn: string; allowMarkOne: boolean | null };

export function toAssignmentContext(r: AssignmentColumns): AssignmentContext {
  return {
    access: {
      assignmentId: r.a.id,
      classId: r.a.classId,
      teacherId: r.a.teacherId,
      classTeacherId: r.classTeacherId,
      organizationId: r.a.organizationId,
      municipalityId: r.a.municipalityId,
    },
    subgroupId: r.a.subgroupId,
    subjectCode: r.a.subjectCode,
    subjectNameRu: r.nameRu,
    subjectNameEn: r.nameEn,
    yearId: r.yearId,
    yearClosed: r.yearStatus === 'closed',
    grade: r.grade,
    letter: r.letter,
    allowMarkOne: r.allowMarkOne === true,
  };
}

/** One teaching assignment with its class, subject and year setting (one query), or 404. */
export async function loadAssignment(db: Executor, assignmentId: string): Promise<AssignmentContext> {
  if (!isUuid(assignmentId)) throw errors.notFound();
  const [r] = await db
    .select(assignmentColumns)
    .from(teachingAssignment)
    .innerJoin(schoolClass, eq(schoolClass.id, teachingAssignment.classId))
    .innerJoin(academicYear, eq(academicYear.id, schoolClass.yearId))
    .innerJoin(subject, eq(subject.code, teachingAssignment.subjectCode))
    .leftJoin(journalYearSetting, eq(journalYearSetting.yearId, schoolClass.yearId))
    .where(eq(teachingAssignment.id, assignmentId));
  if (!r) throw errors.notFound();
  return toAssignmentContext(r);
}

export interface TeachingItem {
  assignmentId: string;
  classId: string;
  grade: number;
  letter: string;
  subjectNameRu: string;
  subjectNameEn: string;
  subgroupId: string | null;
  yearId: string;
  yearName: string;
  /** Whether the person teaches it (else they are its class teacher). */
  own: boolean;
}

/**
 * The assignments a person teaches, and those of the classes they lead (class teacher), in the
 * open years of their schools: the teacher's start page.
 */
export async function teachingOf(db: Executor, personId: string): Promise<TeachingItem[]> {
  const rows = await db
    .select({
      assignmentId: teachingAssignment.id,
      classId: schoolClass.id,
      grade: schoolClass.grade,
      letter: schoolClass.letter,
      subjectNameRu: subject.nameRu,
      subjectNameEn: subject.nameEn,
      subgroupId: teachingAssignment.subgroupId,
      yearId: academicYear.id,
      yearName: academicYear.name,
      teacherId: teachingAssignment.teacherId,
    })
    .from(teachingAssignment)
    .innerJoin(schoolClass, eq(schoolClass.id, teachingAssignment.classId))
    .innerJoin(subject, eq(subject.code, teachingAssignment.subjectCode))
    .innerJoin(academicYear, eq(academicYear.id, schoolClass.yearId))
    .where(and(eq(academicYear.status, 'open'), or(eq(teachingAssignment.teacherId, personId), eq(schoolClass.classTeacherId, personId))))
    .orderBy(asc(schoolClass.grade), asc(schoolClass.letter), asc(subject.sort))
    .limit(500);
  return rows.map(({ teacherId, ...r }) => ({ ...r, own: teacherId === personId }));
}

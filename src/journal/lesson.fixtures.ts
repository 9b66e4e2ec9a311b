/**
 * Test fixture of a school running a term: a school with the 2025/2026 year (quarters and the
 * Krai's holidays), class 5 «А» with pupils, a mathematics teacher and a Russian teacher with their
 * assignments, and accounts for them and the head. Rows are inserted directly (no audit).
 */
import type { Database } from '../platform/db/connect.ts';
import { createOrganization } from '../registry/organization.factory.ts';
import { createPerson } from '../registry/person.factory.ts';
import { schoolClass } from './class.schema.ts';
import { teachingAssignment } from './curriculum.schema.ts';
import { classEnrolment } from './enrolment.schema.ts';
import { lesson as lessonTable } from './lesson.schema.ts';
import { academicTerm, academicYear, schoolHoliday } from './school-year.schema.ts';

export interface SchoolFixture {
  organizationId: string;
  municipalityId: number;
  yearId: string;
  terms: Array<{ id: string; yearId: string; number: number; startsOn: string; endsOn: string }>;
  classId: string;
  pupilIds: string[];
  mathTeacherId: string;
  russianTeacherId: string;
  mathAssignmentId: string;
  russianAssignmentId: string;
}

const quarters = [
  [1, '2025-09-01', '2025-10-25'],
  [2, '2025-11-05', '2025-12-27'],
  [3, '2026-01-12', '2026-03-21'],
  [4, '2026-03-30', '2026-05-26'],
] as const;

export async function createSchoolFixture(db: Database, options: { pupils?: number; municipalityId?: number; weekDays?: 5 | 6; letter?: string } = {}): Promise<SchoolFixture> {
  const municipalityId = options.municipalityId ?? 1;
  const school = await createOrganization(db, { municipalityId, kind: 'school' });
  const [year] = await db
    .insert(academicYear)
    .values({ organizationId: school.id, municipalityId, name: '2025/2026', startsOn: '2025-09-01', endsOn: '2026-05-26', weekDays: options.weekDays ?? 5, termKind: 'quarter' })
    .returning();
  const terms = await db
    .insert(academicTerm)
    .values(quarters.map(([number, startsOn, endsOn]) => ({ yearId: year!.id, number, startsOn, endsOn })))
    .returning();
  await db.insert(schoolHoliday).values([
    { yearId: year!.id, name: 'Осенние каникулы', startsOn: '2025-10-26', endsOn: '2025-11-04' },
    { yearId: year!.id, name: 'Зимние каникулы', startsOn: '2025-12-28', endsOn: '2026-01-11' },
    { yearId: year!.id, name: 'Весенние каникулы', startsOn: '2026-03-22', endsOn: '2026-03-29' },
  ]);
  const mathTeacher = await createPerson(db, { birthDate: '1980-01-01', municipalityId, lastName: 'Морозова', firstName: 'Ольга', sex: 'female' });
  const russianTeacher = await createPerson(db, { birthDate: '1975-01-01', municipalityId, lastName: 'Волкова', firstName: 'Ирина', sex: 'female' });
  const [cls] = await db
    .insert(schoolClass)
    .values({ yearId: year!.id, organizationId: school.id, municipalityId, grade: 5, letter: options.letter ?? 'А', classTeacherId: russianTeacher.id })
    .returning();
  const pupilIds: string[] = [];
  for (let i = 0; i < (options.pupils ?? 3); i++) {
    const p = await createPerson(db, { birthDate: '2014-04-01', municipalityId });
    pupilIds.push(p.id);
    await db.insert(classEnrolment).values({ pupilId: p.id, classId: cls!.id, organizationId: school.id, municipalityId, startsOn: '2025-09-01', startReason: 'admission' });
  }
  const [math, russian] = await db
    .insert(teachingAssignment)
    .values([
      { classId: cls!.id, subjectCode: 'mathematics', teacherId: mathTeacher.id, organizationId: school.id, municipalityId },
      { classId: cls!.id, subjectCode: 'russian', teacherId: russianTeacher.id, organizationId: school.id, municipalityId },
    ])
    .returning();
  return {
    organizationId: school.id,
    municipalityId,
    yearId: year!.id,
    terms: terms.map((t) => ({ id: t.id, yearId: t.yearId, number: t.number, startsOn: t.startsOn, endsOn: t.endsOn })).sort((a, b) => a.number - b.number),
    classId: cls!.id,
    pupilIds,
    mathTeacherId: mathTeacher.id,
    russianTeacherId: russianTeacher.id,
    mathAssignmentId: math!.id,
    russianAssignmentId: russian!.id,
  };
}

/** Test fixture: one lesson of the fixture's mathematics assignment, inserted directly (no audit). */
export async function createMathLesson(db: Database, school: SchoolFixture, lesson: { termNumber: number; heldOn: string; lessonNumber: number; topic?: string; status?: 'planned' | 'held' }): Promise<string> {
  const term = school.terms.find((t) => t.number === lesson.termNumber)!;
  const [row] = await db
    .insert(lessonTable)
    .values({ assignmentId: school.mathAssignmentId, classId: school.classId, organizationId: school.organizationId, municipalityId: school.municipalityId, termId: term.id, heldOn: lesson.heldOn, lessonNumber: lesson.lessonNumber, topic: lesson.topic ?? '', status: lesson.status ?? 'held' })
    .returning({ id: lessonTable.id });
  return row!.id;
}

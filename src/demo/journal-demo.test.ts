import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { queryRows } from '../platform/db/connect.ts';
import { assignmentsOfTeacher } from '../journal/curriculum.service.ts';
import { classPupils, currentEnrolments } from '../journal/enrolment.service.ts';
import { findClass } from '../journal/class.service.ts';
import { gradeFor, seedJournal } from './journal-demo.ts';
import { seedDemoRegion, type SeedReport } from './seed.ts';

test('grades by birth date for the year starting in 2026', () => {
  assert.equal(gradeFor('2019-03-01', 2026), 1);
  assert.equal(gradeFor('2020-02-29', 2026), 1);
  assert.equal(gradeFor('2019-02-28', 2026), 2);
  assert.equal(gradeFor('2013-05-20', 2026), 7);
  assert.equal(gradeFor('2009-03-01', 2026), 11);
  assert.equal(gradeFor('2009-02-28', 2026), null);
  assert.equal(gradeFor('2020-03-01', 2026), null);
});

describe('the demo region’s journal', () => {
  let database: TestDatabase;
  let report: SeedReport;
  const db = () => database.handle.db;

  before(async () => {
    database = await createTestDatabase();
    report = await seedDemoRegion(db(), { scale: 0.005, seed: 11 });
  });
  after(async () => {
    await database.drop();
  });

  test('every school has a 2026/2027 year, classes of about 25 with class teachers, and assignments per the curriculum', async () => {
    const [row] = await queryRows<{ schools: number; years: number; classes: number; big: number; no_teacher: number; stays: number; assignments: number }>(
      db(),
      sql`SELECT (SELECT count(*)::int FROM organization WHERE kind = 'school') AS schools,
                 (SELECT count(*)::int FROM academic_year WHERE name = '2026/2027') AS years,
                 (SELECT count(*)::int FROM school_class) AS classes,
                 (SELECT count(*)::int FROM (SELECT class_id FROM class_enrolment GROUP BY class_id HAVING count(*) > 40) x) AS big,
                 (SELECT count(*)::int FROM school_class WHERE class_teacher_id IS NULL) AS no_teacher,
                 (SELECT count(*)::int FROM class_enrolment WHERE ends_on IS NULL) AS stays,
                 (SELECT count(*)::int FROM teaching_assignment) AS assignments`,
    );
    assert.equal(row!.years, row!.schools);
    assert.ok(row!.classes > 0 && row!.stays > row!.classes * 5, JSON.stringify(row));
    assert.equal(row!.big, 0);
    assert.ok(row!.assignments > row!.classes * 8, JSON.stringify(row));
    assert.ok(row!.no_teacher < row!.classes / 5, JSON.stringify(row));
  });

  test('the demo teacher is the class teacher of the demo pupil and teaches mathematics there and elsewhere; the parent’s school-age children are pupils', async () => {
    const { teacherPersonId, pupilPersonId, parentPersonId, schoolId } = report.anchors;
    const stay = (await currentEnrolments(db(), [pupilPersonId])).get(pupilPersonId)!;
    assert.equal(stay.organizationId, schoolId);
    assert.equal(stay.grade, 6, 'grade of the registry’s 2025/26 snapshot');
    const c = (await findClass(db(), stay.classId))!;
    assert.equal(c.classTeacherId, teacherPersonId);
    assert.ok((await classPupils(db(), c.id, '2026-10-01')).some((p) => p.id === pupilPersonId));
    const mine = await assignmentsOfTeacher(db(), teacherPersonId);
    assert.ok(mine.some((a) => a.classId === c.id && ['mathematics', 'algebra'].includes(a.subjectCode)));
    assert.ok(new Set(mine.map((a) => a.classId)).size >= 2, 'a few classes');
    const children = await queryRows<{ id: string; birth_date: string }>(
      db(),
      sql`SELECT p.id::text AS id, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date FROM guardian_link g JOIN person p ON p.id = g.child_id WHERE g.guardian_id = ${parentPersonId}`,
    );
    const schoolAge = children.filter((ch) => gradeFor(ch.birth_date, 2025) !== null);
    assert.ok(schoolAge.length >= 1);
    const stays = await currentEnrolments(db(), schoolAge.map((ch) => ch.id));
    assert.equal(stays.size, schoolAge.length);
  });

  test('running the generator again over the seeded region leaves it as it is', async () => {
    const again = await seedJournal(db(), { municipalityIds: [1], startsYear: 2026 });
    assert.equal(again.tables['class_enrolment'] ?? 0, 0);
    assert.equal(again.tables['academic_year'] ?? 0, 0);
  });
});

/**
 * The diary's read model (class_week, migration 0028) stays true: after each kind of change —
 * the lesson form, its files, substitution, cancellation, a move to another week, regeneration,
 * the bell schedule, an assignment's teacher, a subject's name — every stored week equals the
 * week computed from the lessons themselves, and the pupil's diary follows. On PostgreSQL, two
 * transactions changing one class's week at once both end up in it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { createTestDatabase, testOnPostgres, type TestDatabase } from '../../test/support/database.ts';
import type { AuditOrigin } from '../platform/audit/audit.ts';
import { queryRows } from '../platform/db/connect.ts';
import { teachingAssignment } from './curriculum.schema.ts';
import { classEnrolment } from './enrolment.schema.ts';
import { createSchoolFixture, type SchoolFixture } from './lesson.fixtures.ts';
import { lesson } from './lesson.schema.ts';
import { addAttachment, attachmentsOf, loadLesson, pupilWeek, removeAttachment, updateLesson, weekOfClass } from './lesson.service.ts';
import { bellSchedule } from './school-year.schema.ts';
import { addSlot, changeLesson, generateLessons, loadClass } from './timetable.service.ts';

let database: TestDatabase;
const db = () => database.handle.db;
let school: SchoolFixture;
const system: AuditOrigin = { actor: { kind: 'anonymous' }, ip: null, requestId: null };
const at = (iso: string) => new Date(`${iso}T10:00:00+03:00`);
const q4 = () => school.terms[3]!;
const WEEK = '2026-04-06';
const NEXT = '2026-04-13';

before(async () => {
  database = await createTestDatabase();
  school = await createSchoolFixture(db(), { pupils: 2 });
  const cls = await loadClass(db(), school.classId);
  for (const [weekday, n] of [[1, 2], [3, 1], [5, 3]] as const) await addSlot(db(), system, cls, { assignmentId: school.mathAssignmentId, weekday, lessonNumber: n, validFrom: null, validTo: null });
  await addSlot(db(), system, cls, { assignmentId: school.russianAssignmentId, weekday: 2, lessonNumber: 1, validFrom: null, validTo: null });
  await db().insert(bellSchedule).values([
    { yearId: school.yearId, lessonNumber: 1, startsAt: '08:00', endsAt: '08:40' },
    { yearId: school.yearId, lessonNumber: 2, startsAt: '08:50', endsAt: '09:30' },
  ]);
  await generateLessons(db(), system, cls, q4(), at('2026-03-20'));
});
after(async () => {
  await database.drop();
});

interface StoredLesson {
  id: string;
  held_on: string;
  topic: string;
  homework: string;
  status: string;
  substitute_teacher_id: string | null;
  teacher_id: string;
  name_ru: string;
  starts_at: string | null;
  attachments: Array<{ id: string; fileName: string }>;
}

/** Every stored week of the class equals the week computed from the lessons, and no week with lessons lacks its row. */
async function assertReadModelTrue(): Promise<void> {
  const stored = await queryRows<{ week_start: string; lesson_ids: string[] | string; lessons: unknown }>(
    db(),
    sql`SELECT week_start::text AS week_start, lesson_ids, lessons FROM class_week WHERE class_id = ${school.classId} ORDER BY week_start`,
  );
  const weeks = await queryRows<{ week_start: string }>(
    db(),
    sql`SELECT DISTINCT (held_on - (extract(isodow FROM held_on)::int - 1))::text AS week_start FROM lesson WHERE class_id = ${school.classId} ORDER BY 1`,
  );
  assert.deepEqual(stored.map((s) => s.week_start), weeks.map((w) => w.week_start), 'one row for each week with lessons, none for a week without');
  for (const row of stored) {
    const truth = await weekOfClass(db(), school.classId, row.week_start);
    const files = await attachmentsOf(db(), truth.map((l) => l.id));
    const lessons = (typeof row.lessons === 'string' ? JSON.parse(row.lessons) : row.lessons) as StoredLesson[];
    assert.deepEqual(
      lessons.map((l) => ({ id: l.id, heldOn: l.held_on, topic: l.topic, homework: l.homework, status: l.status, substitute: l.substitute_teacher_id, teacher: l.teacher_id, subject: l.name_ru, startsAt: l.starts_at, files: l.attachments.map((f) => f.fileName) })),
      truth.map((l) => ({ id: l.id, heldOn: l.heldOn, topic: l.topic, homework: l.homework, status: l.status, substitute: l.substituteTeacherId, teacher: l.teacherId, subject: l.subjectNameRu, startsAt: l.startsAt, files: files.filter((f) => f.lessonId === l.id).map((f) => f.fileName) })),
      `the week of ${row.week_start}`,
    );
    const ids = typeof row.lesson_ids === 'string' ? row.lesson_ids.replace(/[{}]/g, '').split(',').filter(Boolean) : row.lesson_ids;
    assert.deepEqual(ids, truth.map((l) => l.id));
  }
}

async function lessonOn(heldOn: string, assignmentId = school.mathAssignmentId) {
  const [row] = await db().select().from(lesson).where(and(eq(lesson.assignmentId, assignmentId), eq(lesson.heldOn, heldOn)));
  return row!;
}

describe('the diary read model (class_week)', () => {
  it('is built for the generated term, with the bell times', async () => {
    await assertReadModelTrue();
    const week = await pupilWeek(db(), school.pupilIds[0]!, WEEK);
    assert.deepEqual(week.map((l) => `${l.heldOn}#${l.lessonNumber} ${l.subjectCode} ${l.startsAt ?? '-'}`), [
      '2026-04-06#2 mathematics 08:50',
      '2026-04-07#1 russian 08:00',
      '2026-04-08#1 mathematics 08:00',
      '2026-04-10#3 mathematics -',
    ]);
  });

  it('follows the lesson form, its files, substitution, cancellation and a move to another week', async () => {
    const monday = await lessonOn(WEEK);
    await updateLesson(db(), system, await loadLesson(db(), monday.id), { topic: 'Дроби', homework: '№ 12', workKind: 'classwork' }, at(WEEK));
    const file = await addAttachment(db(), system, await loadLesson(db(), monday.id), { fileName: 'задание.pdf', content: Buffer.from('%PDF-1.4 x') }, at(WEEK));
    await assertReadModelTrue();
    let week = await pupilWeek(db(), school.pupilIds[0]!, WEEK);
    assert.equal(week[0]!.topic, 'Дроби');
    assert.deepEqual(week[0]!.attachments.map((f) => f.fileName), ['задание.pdf']);

    await removeAttachment(db(), system, await loadLesson(db(), monday.id), file.id);
    await changeLesson(db(), system, await loadLesson(db(), monday.id), { kind: 'substitute', teacherId: school.russianTeacherId }, at(WEEK));
    const tuesday = await lessonOn('2026-04-07', school.russianAssignmentId);
    await changeLesson(db(), system, await loadLesson(db(), tuesday.id), { kind: 'cancel' }, at(WEEK));
    await assertReadModelTrue();
    week = await pupilWeek(db(), school.pupilIds[0]!, WEEK);
    assert.deepEqual(week[0]!.attachments, []);
    assert.equal(week[0]!.substituteTeacherId, school.russianTeacherId);
    assert.equal(week[1]!.status, 'cancelled');

    const friday = await lessonOn('2026-04-10');
    await changeLesson(db(), system, await loadLesson(db(), friday.id), { kind: 'move', heldOn: '2026-04-14', lessonNumber: 5 }, at(WEEK));
    await assertReadModelTrue();
    assert.ok(!(await pupilWeek(db(), school.pupilIds[0]!, WEEK)).some((l) => l.id === friday.id), 'gone from its old week');
    assert.ok((await pupilWeek(db(), school.pupilIds[0]!, NEXT)).some((l) => l.id === friday.id && l.heldOn === '2026-04-14'), 'in its new week');
  });

  it('follows the bell schedule, an assignment’s teacher and a subject’s name', async () => {
    await db().update(bellSchedule).set({ startsAt: '08:30', endsAt: '09:10' }).where(and(eq(bellSchedule.yearId, school.yearId), eq(bellSchedule.lessonNumber, 1)));
    await db().update(teachingAssignment).set({ teacherId: school.russianTeacherId }).where(eq(teachingAssignment.id, school.mathAssignmentId));
    await db().execute(sql`UPDATE subject SET name_ru = 'Математика (углублённая)' WHERE code = 'mathematics'`);
    try {
      await assertReadModelTrue();
      const week = await pupilWeek(db(), school.pupilIds[0]!, WEEK);
      const wednesday = week.find((l) => l.heldOn === '2026-04-08')!;
      assert.equal(wednesday.startsAt, '08:30');
      assert.equal(wednesday.teacherId, school.russianTeacherId);
      assert.equal(wednesday.subjectNameRu, 'Математика (углублённая)');
    } finally {
      await db().execute(sql`UPDATE subject SET name_ru = 'Математика' WHERE code = 'mathematics'`);
      await db().update(teachingAssignment).set({ teacherId: school.mathTeacherId }).where(eq(teachingAssignment.id, school.mathAssignmentId));
    }
    await assertReadModelTrue();
  });

  it('drops a week whose lessons are all removed, and shows a pupil only the days of their stay', async () => {
    await db().delete(lesson).where(and(eq(lesson.classId, school.classId), sql`${lesson.heldOn} BETWEEN '2026-05-18' AND '2026-05-24'`));
    await assertReadModelTrue();
    assert.deepEqual(await pupilWeek(db(), school.pupilIds[0]!, '2026-05-18'), []);

    // the second pupil leaves the class on Tuesday of the week
    await db().update(classEnrolment).set({ endsOn: '2026-04-21', endReason: 'leaving' }).where(eq(classEnrolment.pupilId, school.pupilIds[1]!));
    const days = (await pupilWeek(db(), school.pupilIds[1]!, '2026-04-20')).map((l) => l.heldOn);
    assert.deepEqual([...new Set(days)], ['2026-04-20', '2026-04-21']);
    assert.deepEqual(await pupilWeek(db(), school.pupilIds[1]!, '2026-04-27'), []);
  });

  it('refuses a week that does not start on a Monday', async () => {
    await assert.rejects(pupilWeek(db(), school.pupilIds[0]!, '2026-04-07'), /not a Monday/);
  });

  it('keeps both of two concurrent changes to one week (PostgreSQL)', { skip: testOnPostgres ? false : 'PGlite has one connection: no two transactions run at once' }, async () => {
    const a = await lessonOn('2026-04-29');
    const b = await lessonOn('2026-04-27');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = db().transaction(async (tx) => {
      await tx.update(lesson).set({ topic: 'Первая' }).where(eq(lesson.id, a.id));
      firstWrote();
      await held;
    });
    await wrote;
    // the second waits in its trigger for the first's lock on the week, then rebuilds from what the first committed
    const second = db().transaction(async (tx) => {
      await tx.update(lesson).set({ topic: 'Вторая' }).where(eq(lesson.id, b.id));
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await Promise.all([first, second]);
    await assertReadModelTrue();
    const topics = (await pupilWeek(db(), school.pupilIds[0]!, '2026-04-27')).map((l) => l.topic);
    assert.ok(topics.includes('Первая') && topics.includes('Вторая'), topics.join(', '));
  });
});

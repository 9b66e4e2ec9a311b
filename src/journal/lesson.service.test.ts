import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { AuditOrigin } from '../platform/audit/audit.ts';
import { sealPendingAudit } from '../platform/audit/audit-seal.ts';
import { auditEvent } from '../platform/audit/audit.schema.ts';
import { classSubgroup, classSubgroupMember } from './class.schema.ts';
import { teachingAssignment } from './curriculum.schema.ts';
import { createSchoolFixture, type SchoolFixture } from './lesson.fixtures.ts';
import { journalYearSetting, lesson } from './lesson.schema.ts';
import { gradebook, lessonHistory, loadLesson, pupilWeek, saveCells, updateLesson, weekOfClass } from './lesson.service.ts';
import { addSlot, changeLesson, generateLessons, loadClass } from './timetable.service.ts';

let database: TestDatabase;
const db = () => database.handle.db;
let school: SchoolFixture;
const system: AuditOrigin = { actor: { kind: 'anonymous' }, ip: null, requestId: null };

const at = (iso: string) => new Date(`${iso}T10:00:00+03:00`);
const q4 = () => school.terms[3]!;

before(async () => {
  database = await createTestDatabase();
  school = await createSchoolFixture(db(), { pupils: 3 });
  const cls = await loadClass(db(), school.classId);
  // Maths on Monday 2nd, Wednesday 1st and Friday 3rd lessons; Russian on Tuesday 1st
  for (const [weekday, n] of [[1, 2], [3, 1], [5, 3]] as const) await addSlot(db(), system, cls, { assignmentId: school.mathAssignmentId, weekday, lessonNumber: n, validFrom: null, validTo: null });
  await addSlot(db(), system, cls, { assignmentId: school.russianAssignmentId, weekday: 2, lessonNumber: 1, validFrom: null, validTo: null });
});
after(async () => {
  await database.drop();
});

async function lessonOn(assignmentId: string, heldOn: string) {
  const [row] = await db().select().from(lesson).where(and(eq(lesson.assignmentId, assignmentId), eq(lesson.heldOn, heldOn)));
  return row;
}

describe('generating the fourth quarter', () => {
  it('skips the May holidays and the spring break, and is idempotent', async () => {
    const cls = await loadClass(db(), school.classId);
    const first = await generateLessons(db(), system, cls, q4(), at('2026-03-20'));
    assert.ok(first.inserted > 0);
    assert.equal(await lessonOn(school.mathAssignmentId, '2026-05-01'), undefined, 'Friday 1 May is a public holiday');
    assert.equal(await lessonOn(school.mathAssignmentId, '2026-05-11'), undefined, 'Monday 11 May is the day off moved from Saturday 9 May');
    assert.ok(await lessonOn(school.mathAssignmentId, '2026-05-04'));
    assert.ok(await lessonOn(school.mathAssignmentId, '2026-03-30'), 'the quarter starts after the spring break');
    const again = await generateLessons(db(), system, cls, q4(), at('2026-03-20'));
    assert.deepEqual(again, { inserted: 0, removed: 0, kept: 0 });
  });

  it('keeps a filled lesson when the template no longer has it', async () => {
    const cls = await loadClass(db(), school.classId);
    const [extra] = await db().insert(lesson).values({ assignmentId: school.mathAssignmentId, classId: school.classId, organizationId: school.organizationId, municipalityId: school.municipalityId, termId: q4().id, heldOn: '2026-04-07', lessonNumber: 6, topic: 'Дроби' }).returning();
    const [empty] = await db().insert(lesson).values({ assignmentId: school.mathAssignmentId, classId: school.classId, organizationId: school.organizationId, municipalityId: school.municipalityId, termId: q4().id, heldOn: '2026-04-07', lessonNumber: 7 }).returning();
    const result = await generateLessons(db(), system, cls, q4(), at('2026-03-20'));
    assert.deepEqual(result, { inserted: 0, removed: 1, kept: 1 });
    assert.ok((await loadLesson(db(), extra!.id)).lesson.topic === 'Дроби');
    await assert.rejects(loadLesson(db(), empty!.id));
  });
});

describe('marks and attendance', () => {
  it('saves a cell and keeps no history on the day of the lesson', async () => {
    const l = await lessonOn(school.mathAssignmentId, '2026-04-06');
    const ctx = await loadLesson(db(), l!.id);
    const pupil = school.pupilIds[0]!;
    const cells = await saveCells(db(), system, ctx, [{ pupilId: pupil, mark: 5 }], at('2026-04-06'));
    assert.deepEqual(cells.get(pupil), { mark: 5, attendance: null });
    await saveCells(db(), system, ctx, [{ pupilId: pupil, mark: 4 }], at('2026-04-06'));
    assert.equal((await lessonHistory(db(), l!.id)).length, 0);
    assert.equal((await loadLesson(db(), l!.id)).lesson.status, 'held');
  });

  it('keeps the history of a mark and an absence changed after the day of the lesson', async () => {
    const l = await lessonOn(school.mathAssignmentId, '2026-04-08');
    const ctx = await loadLesson(db(), l!.id);
    const pupil = school.pupilIds[1]!;
    await saveCells(db(), system, ctx, [{ pupilId: pupil, mark: 3, attendance: 'late' }], at('2026-04-08'));
    await saveCells(db(), system, ctx, [{ pupilId: pupil, mark: 4, attendance: null }], at('2026-04-10'));
    const history = await lessonHistory(db(), l!.id);
    assert.deepEqual(
      history.map((h) => [h.entity, h.before, h.after]),
      [
        ['mark', { value: 3, workKind: 'classwork' }, { value: 4, workKind: 'classwork' }],
        ['attendance', { code: 'late' }, null],
      ],
    );
  });

  it('refuses the mark 1 unless the year allows it, and a pupil of another class', async () => {
    const l = await lessonOn(school.mathAssignmentId, '2026-04-13');
    let ctx = await loadLesson(db(), l!.id);
    await assert.rejects(saveCells(db(), system, ctx, [{ pupilId: school.pupilIds[0]!, mark: 1 }], at('2026-04-13')), /validation/);
    await db().insert(journalYearSetting).values({ yearId: school.yearId, allowMarkOne: true });
    ctx = await loadLesson(db(), l!.id);
    await saveCells(db(), system, ctx, [{ pupilId: school.pupilIds[0]!, mark: 1 }], at('2026-04-13'));
    await assert.rejects(saveCells(db(), system, ctx, [{ pupilId: school.mathTeacherId, mark: 4 }], at('2026-04-13')), /validation/);
    await assert.rejects(saveCells(db(), system, ctx, [{ pupilId: school.pupilIds[0]!, mark: 6 }], at('2026-04-13')), /validation/);
  });

  it('writes nothing when one pupil of the batch is not in the class, and audits only a change', async () => {
    const l = await lessonOn(school.mathAssignmentId, '2026-04-15');
    const ctx = await loadLesson(db(), l!.id);
    const pupil = school.pupilIds[2]!;
    // the cells' event is written pending and sealed into the chain a moment later: seal it now
    const events = async () => {
      await sealPendingAudit(db());
      return Number((await db().select({ n: sql<number>`count(*)` }).from(auditEvent).where(eq(auditEvent.entityId, l!.id)))[0]!.n);
    };
    await assert.rejects(saveCells(db(), system, ctx, [{ pupilId: pupil, mark: 5 }, { pupilId: school.mathTeacherId, mark: 4 }], at('2026-04-15')), /validation/);
    const grid = await gradebook(db(), { id: school.mathAssignmentId, classId: school.classId, subgroupId: null }, q4());
    assert.equal(grid.cells.get(`${l!.id}:${pupil}`), undefined);
    assert.equal(await events(), 0);
    await saveCells(db(), system, ctx, [{ pupilId: pupil, mark: 5, attendance: 'late' }, { pupilId: pupil, attendance: 'ill' }], at('2026-04-15'));
    assert.equal(await events(), 1);
    await saveCells(db(), system, ctx, [{ pupilId: pupil, mark: 5 }], at('2026-04-15'));
    assert.equal(await events(), 1);
    const after = await gradebook(db(), { id: school.mathAssignmentId, classId: school.classId, subgroupId: null }, q4());
    assert.deepEqual(after.cells.get(`${l!.id}:${pupil}`), { mark: 5, attendance: 'ill' });
  });

  it('shows the gradebook grid and the weeks of the class and of a pupil', async () => {
    const l = await lessonOn(school.mathAssignmentId, '2026-04-06');
    await updateLesson(db(), system, await loadLesson(db(), l!.id), { topic: 'Сложение дробей', homework: '№ 125, 127', workKind: 'classwork' }, at('2026-04-06'));
    const grid = await gradebook(db(), { id: school.mathAssignmentId, classId: school.classId, subgroupId: null }, q4());
    assert.equal(grid.pupils.length, 3);
    assert.equal(grid.cells.get(`${l!.id}:${school.pupilIds[0]}`)?.mark, 4);
    const week = await weekOfClass(db(), school.classId, '2026-04-06');
    assert.deepEqual(week.map((w) => `${w.heldOn}#${w.lessonNumber} ${w.subjectCode}`), [
      '2026-04-06#2 mathematics',
      '2026-04-07#1 russian',
      '2026-04-07#6 mathematics',
      '2026-04-08#1 mathematics',
      '2026-04-10#3 mathematics',
    ]);
    const mine = await pupilWeek(db(), school.pupilIds[0]!, '2026-04-06');
    const monday = mine.find((w) => w.heldOn === '2026-04-06')!;
    assert.equal(monday.topic, 'Сложение дробей');
    assert.equal(monday.homework, '№ 125, 127');
    assert.deepEqual(monday.marks.map((m) => [m.value, m.weight]), [[4, 1]]);
  });

  it('gives a subgroup lesson only to the subgroup in the pupil week', async () => {
    const [group] = await db().insert(classSubgroup).values({ classId: school.classId, name: 'Английский 1' }).returning();
    await db().insert(classSubgroupMember).values({ subgroupId: group!.id, pupilId: school.pupilIds[0]! });
    const [english] = await db().insert(teachingAssignment).values({ classId: school.classId, subgroupId: group!.id, subjectCode: 'foreignLanguage', teacherId: school.russianTeacherId, organizationId: school.organizationId, municipalityId: school.municipalityId }).returning();
    await db().insert(lesson).values({ assignmentId: english!.id, classId: school.classId, organizationId: school.organizationId, municipalityId: school.municipalityId, termId: q4().id, heldOn: '2026-04-09', lessonNumber: 4 });
    assert.ok((await pupilWeek(db(), school.pupilIds[0]!, '2026-04-06')).some((w) => w.subjectCode === 'foreignLanguage'));
    assert.ok(!(await pupilWeek(db(), school.pupilIds[1]!, '2026-04-06')).some((w) => w.subjectCode === 'foreignLanguage'));
  });

  it('moves, substitutes and cancels a lesson, and regeneration does not plan the moved one again', async () => {
    const l = await lessonOn(school.mathAssignmentId, '2026-04-15');
    await changeLesson(db(), system, await loadLesson(db(), l!.id), { kind: 'move', heldOn: '2026-04-16', lessonNumber: 5 }, at('2026-04-15'));
    await changeLesson(db(), system, await loadLesson(db(), l!.id), { kind: 'substitute', teacherId: school.russianTeacherId }, at('2026-04-15'));
    const moved = await loadLesson(db(), l!.id);
    assert.equal(moved.lesson.heldOn, '2026-04-16');
    assert.equal(moved.lesson.movedFromOn, '2026-04-15');
    assert.equal(moved.lesson.substituteTeacherId, school.russianTeacherId);
    const result = await generateLessons(db(), system, await loadClass(db(), school.classId), q4(), at('2026-04-15'));
    assert.equal(result.inserted, 0);
    const c = await lessonOn(school.mathAssignmentId, '2026-04-17');
    await changeLesson(db(), system, await loadLesson(db(), c!.id), { kind: 'cancel' }, at('2026-04-15'));
    await assert.rejects(saveCells(db(), system, await loadLesson(db(), c!.id), [{ pupilId: school.pupilIds[0]!, mark: 5 }], at('2026-04-17')), /cancelled/);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../test/support/app.ts';
import { createSchoolFixture, type SchoolFixture } from './lesson.fixtures.ts';
import { journalChange, lesson } from './lesson.schema.ts';
import { loadLesson, saveCells, updateLesson } from './lesson.service.ts';
import { addSlot, generateLessons, loadClass } from './timetable.service.ts';

let t: TestApp;
let school: SchoolFixture;
let teacher: Agent;
let otherTeacher: Agent;
const system = { actor: { kind: 'anonymous' as const }, ip: null, requestId: null };

before(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-05-20T08:00:00Z'));
  const db = t.context.db;
  school = await createSchoolFixture(db, { pupils: 2 });
  const cls = await loadClass(db, school.classId);
  await addSlot(db, system, cls, { assignmentId: school.mathAssignmentId, weekday: 1, lessonNumber: 1, validFrom: null, validTo: null });
  await generateLessons(db, system, cls, school.terms[3]! as never, t.clock.now());
  const lessons = await db.select().from(lesson).where(eq(lesson.assignmentId, school.mathAssignmentId)).orderBy(lesson.heldOn);
  const [a, b] = school.pupilIds as [string, string];
  // pupil a: 3 (classwork) and 4 (test, weight 2) → (3 + 8) / 3 = 3.67 → 4
  // pupil b: 4 and 5 → 4.5 → 5
  let ctx = await loadLesson(db, lessons[0]!.id);
  await saveCells(db, system, ctx, [{ pupilId: a, mark: 3 }, { pupilId: b, mark: 4 }], t.clock.now());
  ctx = await loadLesson(db, lessons[1]!.id);
  await updateLesson(db, system, ctx, { topic: 'Контрольная работа', homework: '', workKind: 'test' }, t.clock.now());
  ctx = await loadLesson(db, lessons[1]!.id);
  await saveCells(db, system, ctx, [{ pupilId: a, mark: 4 }], t.clock.now());
  ctx = await loadLesson(db, lessons[2]!.id);
  await saveCells(db, system, ctx, [{ pupilId: b, mark: 5 }], t.clock.now());
  teacher = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', organizationId: school.organizationId }], { personId: school.mathTeacherId }));
  otherTeacher = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', organizationId: school.organizationId }], { personId: school.russianTeacherId }));
});
after(async () => {
  await t.close();
});

describe('finals', () => {
  it('suggests the weighted average rounded half up and lets the teacher decide', async () => {
    const [a, b] = school.pupilIds as [string, string];
    const term = school.terms[3]!.id;
    const read = (await teacher.api('GET', `/api/v1/journal/assignments/${school.mathAssignmentId}/finals?termId=${term}`)).json() as { pupils: Array<{ pupilId: string; average: number; suggested: number; final: number | null }> };
    const by = new Map(read.pupils.map((p) => [p.pupilId, p]));
    assert.deepEqual([by.get(a)!.average, by.get(a)!.suggested], [3.67, 4]);
    assert.deepEqual([by.get(b)!.average, by.get(b)!.suggested], [4.5, 5]);
    await teacher.get(`/journal/assignments/${school.mathAssignmentId}/finals?term=${term}`);
    const post = await teacher.post(`/journal/assignments/${school.mathAssignmentId}/finals?term=${term}`, { [`final-${a}`]: '4', [`final-${b}`]: '4' });
    assert.equal(post.statusCode, 303);
    const again = (await teacher.api('GET', `/api/v1/journal/assignments/${school.mathAssignmentId}/finals?termId=${term}`)).json() as { pupils: Array<{ pupilId: string; final: number | null }> };
    assert.deepEqual(again.pupils.map((p) => p.final).sort(), [4, 4]);
  });

  it('keeps the history of a changed final and suggests the year from the term finals', async () => {
    const [, b] = school.pupilIds as [string, string];
    const term = school.terms[3]!.id;
    const put = await teacher.api('PUT', `/api/v1/journal/assignments/${school.mathAssignmentId}/finals`, { termId: term, finals: [{ pupilId: b, value: 5 }] });
    assert.deepEqual(put.json(), { changed: 1 });
    const history = await t.context.db.select().from(journalChange).where(and(eq(journalChange.pupilId, b), eq(journalChange.entity, 'final')));
    assert.deepEqual(history.map((h) => [h.before, h.after]), [[{ value: 4 }, { value: 5 }]]);
    const year = (await teacher.api('GET', `/api/v1/journal/assignments/${school.mathAssignmentId}/finals?termId=year`)).json() as { pupils: Array<{ pupilId: string; suggested: number }> };
    assert.equal(year.pupils.find((p) => p.pupilId === b)!.suggested, 5);
  });

  it('refuses a mark out of scale and another teacher', async () => {
    const [a] = school.pupilIds as [string];
    const term = school.terms[3]!.id;
    const bad = await teacher.post(`/journal/assignments/${school.mathAssignmentId}/finals?term=${term}`, { [`final-${a}`]: '1' });
    assert.equal(bad.statusCode, 422);
    assert.equal((await otherTeacher.api('PUT', `/api/v1/journal/assignments/${school.mathAssignmentId}/finals`, { termId: term, finals: [{ pupilId: a, value: 5 }] })).statusCode, 404);
    // the class teacher reads the finals but cannot decide them
    const page = await otherTeacher.get(`/journal/assignments/${school.mathAssignmentId}/finals?term=${term}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /name="final-/);
  });
});

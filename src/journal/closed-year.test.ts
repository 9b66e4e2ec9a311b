import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { AppError } from '../platform/errors.ts';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../test/support/app.ts';
import { closeYear, findYear } from './archive.service.ts';
import { guardClosedYear } from './closed-year.ts';
import { createSchoolFixture, type SchoolFixture } from './lesson.fixtures.ts';
import { lesson } from './lesson.schema.ts';
import { addAttachment, loadLesson } from './lesson.service.ts';
import { addSlot, generateLessons, loadClass } from './timetable.service.ts';

let t: TestApp;
let school: SchoolFixture;
let teacher: Agent;
let head: Agent;
let lessonId: string;
let workKind: string;
const system = { actor: { kind: 'anonymous' as const }, ip: null, requestId: null };

function isYearClosed(error: unknown): boolean {
  return error instanceof AppError && error.status === 409 && error.code === 'journal-year-closed';
}

before(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-04-06T08:00:00Z'));
  const db = t.context.db;
  school = await createSchoolFixture(db, { pupils: 2 });
  const cls = await loadClass(db, school.classId);
  await addSlot(db, system, cls, { assignmentId: school.mathAssignmentId, weekday: 1, lessonNumber: 2, validFrom: null, validTo: null });
  await generateLessons(db, system, cls, school.terms[3]! as never, t.clock.now());
  const [row] = await db.select().from(lesson).where(and(eq(lesson.assignmentId, school.mathAssignmentId), eq(lesson.heldOn, '2026-04-06')));
  lessonId = row!.id;
  workKind = row!.workKind;
  const at = { organizationId: school.organizationId };
  teacher = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', ...at }], { personId: school.mathTeacherId }));
  head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', ...at }]));
  await closeYear(db, system, (await findYear(db, school.yearId))!, t.clock.now());
});
after(async () => {
  await t.close();
});

describe('a closed year refuses journal writes with 409, not a database error', () => {
  it('answers the cell and lesson API with problem+json', async () => {
    const cell = await teacher.api('POST', `/api/v1/journal/lessons/${lessonId}/cells`, { pupilId: school.pupilIds[0], mark: 5 });
    assert.equal(cell.statusCode, 409, cell.body);
    assert.match(String(cell.headers['content-type']), /application\/problem\+json/);
    assert.match(cell.body, /journal-year-closed/);
    const absent = await teacher.api('POST', `/api/v1/journal/lessons/${lessonId}/cells`, { pupilId: school.pupilIds[0], attendance: 'absent' });
    assert.equal(absent.statusCode, 409, absent.body);
    const patch = await teacher.api('PATCH', `/api/v1/journal/lessons/${lessonId}`, { topic: 'Дроби', homework: '№ 5' });
    assert.equal(patch.statusCode, 409, patch.body);
  });

  it('keeps the lesson form’s input and says the year is closed', async () => {
    await teacher.get(`/journal/lessons/${lessonId}`);
    const page = await teacher.post(`/journal/lessons/${lessonId}`, { topic: 'Сложение дробей', homework: 'Стр. 12', workKind, [`mark-${school.pupilIds[0]}`]: '5' });
    assert.equal(page.statusCode, 409, page.body.slice(0, 500));
    assert.match(page.body, /value="Сложение дробей"/);
    assert.match(page.body, /Учебный год закрыт/);
    assert.match(page.body, /руководитель школы/);
  });

  it('refuses finals, timetable generation and the head’s lesson changes', async () => {
    const finals = await teacher.api('PUT', `/api/v1/journal/assignments/${school.mathAssignmentId}/finals`, { termId: school.terms[3]!.id, finals: [{ pupilId: school.pupilIds[0], value: 5 }] });
    assert.equal(finals.statusCode, 409, finals.body);
    const generate = await head.api('POST', `/api/v1/journal/classes/${school.classId}/timetable/generate`, { termId: school.terms[3]!.id });
    assert.equal(generate.statusCode, 409, generate.body);
    await head.get(`/journal/lessons/${lessonId}`);
    const cancel = await head.post(`/journal/lessons/${lessonId}/change`, { kind: 'cancel' });
    assert.equal(cancel.statusCode, 409);
    assert.match(cancel.body, /Учебный год закрыт/);
    const ctx = await loadLesson(t.context.db, lessonId);
    await assert.rejects(addAttachment(t.context.db, system, ctx, { fileName: 'task.txt', content: Buffer.from('x') }, t.clock.now()), isYearClosed);
  });

  it('maps the trigger’s refusal (the backstop) to the same 409', async () => {
    await assert.rejects(guardClosedYear(() => t.context.db.execute(sql`UPDATE lesson SET topic = 'x' WHERE id = ${lessonId}`)), isYearClosed);
  });
});

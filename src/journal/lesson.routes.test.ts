import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestAccount, type TestApp } from '../../test/support/app.ts';
import { createSchoolFixture, type SchoolFixture } from './lesson.fixtures.ts';
import { lesson } from './lesson.schema.ts';
import { loadLesson } from './lesson.service.ts';
import { addSlot, generateLessons, loadClass } from './timetable.service.ts';

let t: TestApp;
let school: SchoolFixture;
let other: SchoolFixture;
let mathTeacher: Agent;
let mathAccount: TestAccount;
let russianTeacher: Agent;
let head: Agent;
let otherHead: Agent;
let lessonId: string;
const system = { actor: { kind: 'anonymous' as const }, ip: null, requestId: null };

before(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-04-06T08:00:00Z'));
  const db = t.context.db;
  school = await createSchoolFixture(db, { pupils: 3 });
  other = await createSchoolFixture(db, { pupils: 1 });
  const cls = await loadClass(db, school.classId);
  await addSlot(db, system, cls, { assignmentId: school.mathAssignmentId, weekday: 1, lessonNumber: 2, validFrom: null, validTo: null });
  await addSlot(db, system, cls, { assignmentId: school.russianAssignmentId, weekday: 2, lessonNumber: 1, validFrom: null, validTo: null });
  await generateLessons(db, system, cls, school.terms[3]! as never, t.clock.now());
  const [row] = await db.select().from(lesson).where(and(eq(lesson.assignmentId, school.mathAssignmentId), eq(lesson.heldOn, '2026-04-06')));
  lessonId = row!.id;
  const at = { organizationId: school.organizationId };
  mathAccount = await createAccount(t.context, [{ role: 'teacher', ...at }], { personId: school.mathTeacherId });
  mathTeacher = await loggedInAgent(t.app, mathAccount);
  russianTeacher = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', ...at }], { personId: school.russianTeacherId }));
  head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', ...at }]));
  otherHead = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: other.organizationId }]));
});
after(async () => {
  await t.close();
});

describe('the gradebook and the cell endpoint', () => {
  it('shows the teacher their gradebook with the keyboard script and a CSRF token', async () => {
    const page = await mathTeacher.get(`/journal/assignments/${school.mathAssignmentId}/gradebook?term=${school.terms[3]!.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<script type="module" src="\/static\/gradebook.js">/);
    assert.match(page.body, /data-csrf="[^"]{20,}"/);
    assert.match(page.body, new RegExp(`href="/journal/lessons/${lessonId}"`));
    const teaching = await mathTeacher.get('/journal/teaching');
    assert.match(teaching.body, new RegExp(`/journal/assignments/${school.mathAssignmentId}/gradebook`));
  });

  it('saves a mark and an absence per cell', async () => {
    const pupilId = school.pupilIds[0]!;
    const r1 = await mathTeacher.api('POST', `/api/v1/journal/lessons/${lessonId}/cells`, { pupilId, mark: 5 });
    assert.equal(r1.statusCode, 200, r1.body);
    assert.deepEqual(r1.json(), { pupilId, mark: 5, attendance: null });
    const r2 = await mathTeacher.api('POST', `/api/v1/journal/lessons/${lessonId}/cells`, { pupilId: school.pupilIds[1]!, attendance: 'ill' });
    assert.deepEqual(r2.json(), { pupilId: school.pupilIds[1], mark: null, attendance: 'ill' });
    const read = await mathTeacher.api('GET', `/api/v1/journal/lessons/${lessonId}`);
    assert.equal(read.json().cells.length, 2);
  });

  it('validates the mark, the code and the pupil', async () => {
    const url = `/api/v1/journal/lessons/${lessonId}/cells`;
    assert.equal((await mathTeacher.api('POST', url, { pupilId: school.pupilIds[0]!, mark: 6 })).statusCode, 422);
    assert.equal((await mathTeacher.api('POST', url, { pupilId: school.pupilIds[0]!, mark: 1 })).statusCode, 422, 'the year does not allow 1');
    assert.equal((await mathTeacher.api('POST', url, { pupilId: school.pupilIds[0]!, attendance: 'away' })).statusCode, 422);
    assert.equal((await mathTeacher.api('POST', url, { pupilId: other.pupilIds[0]!, mark: 4 })).statusCode, 422, 'a pupil of another class');
  });

  it('refuses a save without the CSRF token', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/journal/lessons/${lessonId}/cells`,
      headers: { cookie: (mathTeacher as unknown as { cookieHeader(): string }).cookieHeader(), 'content-type': 'application/json' },
      payload: JSON.stringify({ pupilId: school.pupilIds[0], mark: 3 }),
    });
    assert.equal(response.statusCode, 403);
  });

  it('does not let a teacher write another teacher’s lesson, nor another school’s head read it', async () => {
    const url = `/api/v1/journal/lessons/${lessonId}/cells`;
    assert.equal((await russianTeacher.api('POST', url, { pupilId: school.pupilIds[0]!, mark: 2 })).statusCode, 404);
    assert.equal((await russianTeacher.post(`/journal/lessons/${lessonId}`, { topic: 'Чужая тема', workKind: 'classwork' })).statusCode, 404);
    // the class teacher reads the class's gradebook of another subject but cannot type in it
    const page = await russianTeacher.get(`/journal/assignments/${school.mathAssignmentId}/gradebook?term=${school.terms[3]!.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-editable="false"/);
    assert.doesNotMatch(page.body, /data-editable="true"/);
    assert.equal((await otherHead.get(`/journal/lessons/${lessonId}`)).statusCode, 404);
    assert.equal((await otherHead.api('POST', url, { pupilId: school.pupilIds[0]!, mark: 2 })).statusCode, 404);
    assert.equal((await new (mathTeacher.constructor as new (app: unknown) => Agent)(t.app).get(`/journal/lessons/${lessonId}`)).statusCode, 302, 'anonymous: to the login page');
  });

  it('lets the substitute of a lesson write it, and nothing else of the assignment', async () => {
    const [other] = await t.context.db.select().from(lesson).where(and(eq(lesson.assignmentId, school.mathAssignmentId), eq(lesson.heldOn, '2026-04-13')));
    const change = await head.post(`/journal/lessons/${other!.id}/change`, { kind: 'substitute', teacherId: school.russianTeacherId });
    assert.equal(change.statusCode, 303);
    assert.equal((await russianTeacher.api('POST', `/api/v1/journal/lessons/${other!.id}/cells`, { pupilId: school.pupilIds[0]!, mark: 4 })).statusCode, 200);
    assert.equal((await russianTeacher.api('POST', `/api/v1/journal/lessons/${lessonId}/cells`, { pupilId: school.pupilIds[0]!, mark: 4 })).statusCode, 404);
    assert.equal((await mathTeacher.post(`/journal/lessons/${other!.id}/change`, { kind: 'cancel' })).statusCode, 403, 'only the head changes the timetable');
  });
});

describe('the lesson form without JavaScript', () => {
  it('saves topic, homework, marks and attendance and redirects', async () => {
    await mathTeacher.get(`/journal/lessons/${lessonId}`);
    const [a, b, c] = school.pupilIds as [string, string, string];
    const response = await mathTeacher.post(`/journal/lessons/${lessonId}`, {
      topic: 'Сложение дробей',
      homework: '№ 125',
      workKind: 'independent',
      [`mark-${a}`]: '4',
      [`attendance-${a}`]: '',
      [`mark-${b}`]: '',
      [`attendance-${b}`]: 'absent',
      [`mark-${c}`]: '3',
      [`attendance-${c}`]: 'late',
    });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/journal/lessons/${lessonId}?done=saved`);
    const ctx = await loadLesson(t.context.db, lessonId);
    assert.equal(ctx.lesson.topic, 'Сложение дробей');
    assert.equal(ctx.lesson.workKind, 'independent');
    const read = (await mathTeacher.api('GET', `/api/v1/journal/lessons/${lessonId}`)).json() as { cells: Array<{ pupilId: string; mark: number | null; attendance: string | null }> };
    const byPupil = new Map(read.cells.map((x) => [x.pupilId, x]));
    assert.deepEqual(byPupil.get(a), { pupilId: a, mark: 4, attendance: null });
    assert.deepEqual(byPupil.get(b), { pupilId: b, mark: null, attendance: 'absent' });
    assert.deepEqual(byPupil.get(c), { pupilId: c, mark: 3, attendance: 'late' });
  });

  it('keeps the input and answers 422 on a bad mark', async () => {
    const [a] = school.pupilIds as [string];
    const response = await mathTeacher.post(`/journal/lessons/${lessonId}`, { topic: 'Новая тема', workKind: 'classwork', [`mark-${a}`]: '1' });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /value="Новая тема"/);
    assert.match(response.body, /Оценка — от 2 до 5/);
  });

  it('lets the head build the template and generate a term from the page', async () => {
    const page = await head.get(`/journal/classes/${school.classId}/timetable`);
    assert.equal(page.statusCode, 200);
    const add = await head.post(`/journal/classes/${school.classId}/timetable/slots`, { assignmentId: school.russianAssignmentId, weekday: '4', lessonNumber: '3', validFrom: '', validTo: '' });
    assert.equal(add.statusCode, 303);
    const bad = await head.post(`/journal/classes/${school.classId}/timetable/slots`, { assignmentId: school.russianAssignmentId, weekday: '7', lessonNumber: '3' });
    assert.equal(bad.statusCode, 422);
    const gen = await head.post(`/journal/classes/${school.classId}/timetable/generate`, { termId: school.terms[3]!.id });
    assert.equal(gen.statusCode, 303);
    assert.match(String(gen.headers.location), /generated=\d+/);
    assert.equal((await mathTeacher.post(`/journal/classes/${school.classId}/timetable/generate`, { termId: school.terms[3]!.id })).statusCode, 403);
    const mine = await mathTeacher.get('/journal/timetable/mine?week=2026-04-06');
    assert.match(mine.body, /5 «А» — Математика/);
  });
  it('attaches a homework file by a plain multipart form, serves it as a download only to the lesson’s readers', async () => {
    const page = await mathTeacher.get(`/journal/lessons/${lessonId}`);
    assert.match(page.body, /enctype="multipart\/form-data"/);
    const boundary = '----prostor-test-boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${mathTeacher.csrfToken}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="C:\\Users\\t\\Задание.pdf"\r\nContent-Type: text/html\r\n\r\n`),
      Buffer.from('%PDF-1.4 homework'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const cookie = (mathTeacher as unknown as { cookieHeader(): string }).cookieHeader();
    const upload = await t.app.inject({ method: 'POST', url: `/journal/lessons/${lessonId}/attachments`, headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body });
    assert.equal(upload.statusCode, 303, upload.body.slice(0, 300));
    const after = await mathTeacher.get(`/journal/lessons/${lessonId}`);
    const href = /href="(\/journal\/lessons\/[^"]+\/attachments\/[^"]+)">Задание.pdf</.exec(after.body)?.[1];
    assert.ok(href, 'the file is listed under its own name');
    const download = await mathTeacher.get(href!);
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'application/pdf', 'the type comes from the extension, not the browser');
    assert.match(String(download.headers['content-disposition']), /^attachment;/);
    assert.equal(download.headers['x-content-type-options'], 'nosniff');
    assert.equal(download.body, '%PDF-1.4 homework');
    assert.equal((await otherHead.get(href!)).statusCode, 404);
    const exe = Buffer.from(body.toString('latin1').replace('.pdf', '.exe'), 'latin1');
    const refused = await t.app.inject({ method: 'POST', url: `/journal/lessons/${lessonId}/attachments`, headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: exe });
    assert.equal(refused.statusCode, 422);
  });
  it('lets the head allow the mark 1 for the school year, after which a teacher may give it', async () => {
    const url = `/api/v1/journal/lessons/${lessonId}/cells`;
    assert.equal((await mathTeacher.get(`/journal/years/${school.yearId}/mark-scale`)).statusCode, 404, 'a teacher does not set the scale');
    assert.equal((await head.get(`/journal/years/${school.yearId}/mark-scale`)).statusCode, 200);
    const saved = await head.post(`/journal/years/${school.yearId}/mark-scale`, { allowMarkOne: ['false', 'true'] });
    assert.equal(saved.statusCode, 303);
    assert.equal((await mathTeacher.api('POST', url, { pupilId: school.pupilIds[2]!, mark: 1 })).statusCode, 200);
    await head.post(`/journal/years/${school.yearId}/mark-scale`, { allowMarkOne: 'false' });
    assert.equal((await mathTeacher.api('POST', url, { pupilId: school.pupilIds[2]!, mark: 1 })).statusCode, 422);
    await mathTeacher.api('POST', url, { pupilId: school.pupilIds[2]!, mark: 3 });
  });

  it('shows the history of a mark changed after the day of the lesson', async () => {
    t.clock.set(new Date('2026-04-08T08:00:00Z'));
    mathTeacher = await loggedInAgent(t.app, mathAccount);
    const [a] = school.pupilIds as [string];
    await mathTeacher.api('POST', `/api/v1/journal/lessons/${lessonId}/cells`, { pupilId: a, mark: 5 });
    const page = await mathTeacher.get(`/journal/lessons/${lessonId}`);
    assert.match(page.body, /История исправлений/);
    assert.match(page.body, /<td>отметка<\/td><td>4<\/td><td>5<\/td>/);
  });


});

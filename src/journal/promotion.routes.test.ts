/**
 * The promotion page and API through HTTP: the head previews (nothing written), changes a
 * pupil's decision, is told what is wrong with the order keeping the input, carries it out and
 * sees the result; a repeat is refused in Russian. Teachers, operators and other schools' heads
 * cannot do it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../test/support/app.ts';
import { createOrganization } from '../registry/organization.factory.ts';
import { addStaffDirectly, createPerson } from '../registry/person.factory.ts';
import type { PersonRow } from '../registry/person.service.ts';
import { schoolClass } from './class.schema.ts';
import { createClass, type SchoolClassRow } from './class.service.ts';
import { admitPupil, currentEnrolments } from './enrolment.service.ts';
import { createAcademicYear, type AcademicYearRow } from './school-year.service.ts';

let t: TestApp;
let school: { id: string; municipalityId: number };
let other: { id: string; municipalityId: number };
let year: AcademicYearRow;
let a4: SchoolClassRow;
let teacher: PersonRow;
let pupils: PersonRow[];

before(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2027-05-28T08:00:00Z'));
  const db = t.context.db;
  school = await createOrganization(db, { kind: 'school', municipalityId: 1 });
  other = await createOrganization(db, { kind: 'school', municipalityId: 1 });
  const setUp = await createAccount(t.context, []);
  const origin = { actor: { kind: 'account' as const, accountId: setUp.id, personId: null, displayName: 'Директор', grants: [], via: 'session' as const }, ip: null, requestId: null };
  year = await createAcademicYear(db, origin, { organizationId: school.id, municipalityId: 1 }, { startsYear: 2026, weekDays: 5, termKind: 'quarter' });
  teacher = await createPerson(db, { birthDate: '1980-02-02', lastName: 'Учителева', firstName: 'Ольга', sex: 'female' });
  await addStaffDirectly(db, teacher.id, school.id, 'учитель начальных классов');
  a4 = await createClass(db, origin, year.id, { grade: 4, letter: 'А', classTeacherId: teacher.id });
  pupils = [];
  for (const [lastName, firstName] of [['Абрамов', 'Олег'], ['Борисова', 'Вера']] as const) {
    const p = await createPerson(db, { birthDate: '2016-04-04', lastName, firstName });
    await admitPupil(t.context, origin, { pupilId: p.id, organizationId: school.id, grade: 4, classId: a4.id, startsOn: '2026-09-01', orderNumber: '3-у', orderIssuedOn: '2026-08-28' });
    pupils.push(p);
  }
});
after(async () => {
  await t.close();
});

test('the head previews, corrects the order, carries out the promotion and sees the result; a repeat is refused', async () => {
  const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.id }]));
  const list = await head.get(`/journal/years/${year.id}/classes`);
  assert.match(list.body, new RegExp(`href="/journal/years/${year.id}/promotion"`), 'the classes page offers the promotion');

  const preview = await head.get(`/journal/years/${year.id}/promotion`);
  assert.equal(preview.statusCode, 200);
  assert.match(preview.body, /4А → 5А/);
  assert.match(preview.body, /Абрамов Олег/);
  assert.match(preview.body, /2026\/2027 → 2027\/2028/);
  assert.match(preview.body, /будет создан по графику края/);

  // A changed decision is previewed, nothing written.
  const [abramov, borisova] = pupils;
  const recalculated = await head.post(`/journal/years/${year.id}/promotion`, { step: 'preview', [`pupil.${borisova!.id}`]: 'repeat', [`teacher.${a4.id}`]: teacher.id, orderNumber: '', orderIssuedOn: '' });
  assert.equal(recalculated.statusCode, 200);
  assert.match(recalculated.body, /Оставлены на повторное обучение: 1/);
  assert.match(recalculated.body, new RegExp(`<option value="repeat" selected`));
  assert.equal((await currentEnrolments(t.context.db, [borisova!.id])).get(borisova!.id)!.classId, a4.id);

  // A missing order number: 422, the choices and the date kept, the message in Russian.
  const bad = await head.post(`/journal/years/${year.id}/promotion`, { step: 'confirm', [`pupil.${borisova!.id}`]: 'repeat', [`teacher.${a4.id}`]: teacher.id, orderNumber: '', orderIssuedOn: '2027-05-27' });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Укажите номер приказа/);
  assert.match(bad.body, /value="2027-05-27"/);
  assert.match(bad.body, /<option value="repeat" selected/);

  const done = await head.post(`/journal/years/${year.id}/promotion`, { step: 'confirm', [`pupil.${borisova!.id}`]: 'repeat', [`teacher.${a4.id}`]: teacher.id, orderNumber: '90-п', orderIssuedOn: '2027-05-27' });
  assert.equal(done.statusCode, 303, done.body);
  const location = String(done.headers['location']);
  assert.match(location, /done=1&moved=1&heldBack=1&graduated=0&skipped=0&classesCreated=2/);
  const result = await head.get(location);
  assert.match(result.body, /Перевод проведён/);
  assert.match(result.body, /Переводятся в следующий класс: 1/);
  const now = await currentEnrolments(t.context.db, [abramov!.id, borisova!.id]);
  assert.deepEqual([now.get(abramov!.id)!.grade, now.get(borisova!.id)!.grade], [5, 4]);
  const [five] = await t.context.db.select().from(schoolClass).where(eq(schoolClass.id, now.get(abramov!.id)!.classId));
  assert.equal(five!.classTeacherId, teacher.id);
  assert.match(result.body, new RegExp(`href="/journal/years/${five!.yearId}/classes"`), 'links the new year’s classes');

  const again = await head.post(`/journal/years/${year.id}/promotion`, { step: 'confirm', orderNumber: '90-п', orderIssuedOn: '2027-05-27' });
  assert.equal(again.statusCode, 409);
  assert.match(again.body, /Переводить некого/);
  const api = await head.api('POST', `/api/v1/journal/years/${year.id}/promotion`, { orderNumber: '91-п', orderIssuedOn: '2027-05-28' });
  assert.equal(api.statusCode, 409);
});

test('only the head of the school may promote: a teacher and an operator are refused, another school’s head does not see the year', async () => {
  const classTeacher = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', organizationId: school.id }], { personId: teacher.id }));
  assert.equal((await classTeacher.get(`/journal/years/${year.id}/promotion`)).statusCode, 403);
  assert.equal((await classTeacher.post(`/journal/years/${year.id}/promotion`, { step: 'confirm', orderNumber: '1', orderIssuedOn: '2027-05-27' })).statusCode, 403);
  assert.doesNotMatch((await classTeacher.get(`/journal/years/${year.id}/classes`)).body, /\/promotion"/, 'no link for whoever cannot');
  const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
  assert.equal((await operator.get(`/journal/years/${year.id}/promotion`)).statusCode, 403);
  const otherHead = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: other.id }]));
  assert.equal((await otherHead.get(`/journal/years/${year.id}/promotion`)).statusCode, 404);
  assert.equal((await otherHead.post(`/journal/years/${year.id}/promotion`, { step: 'confirm', orderNumber: '1', orderIssuedOn: '2027-05-27' })).statusCode, 404);
  assert.equal((await otherHead.api('GET', `/api/v1/journal/years/${year.id}/promotion`)).statusCode, 404);
  assert.equal((await otherHead.api('POST', `/api/v1/journal/years/${year.id}/promotion`, { orderNumber: '1', orderIssuedOn: '2027-05-27' })).statusCode, 404);
});

test('the API previews and carries out a promotion with decisions per pupil', async () => {
  const db = t.context.db;
  const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: other.id }]));
  const created = await head.api('POST', '/api/v1/journal/years', { organizationId: other.id, startsYear: 2026 });
  const yearId = (created.json() as { year: { id: string } }).year.id;
  const c = await head.api('POST', `/api/v1/journal/years/${yearId}/classes`, { grade: 11, letter: 'А' });
  const classId = (c.json() as { id: string }).id;
  const leaver = await createPerson(db, { birthDate: '2009-01-01' });
  const repeater = await createPerson(db, { birthDate: '2009-02-01' });
  for (const p of [leaver, repeater]) {
    const admitted = await head.api('POST', '/api/v1/journal/enrolments/admission', { pupilId: p.id, organizationId: other.id, grade: 11, classId, on: '2026-09-01', orderNumber: '5', orderIssuedOn: '2026-08-30' });
    assert.equal(admitted.statusCode, 201, admitted.body);
  }
  const preview = await head.api('GET', `/api/v1/journal/years/${yearId}/promotion`);
  assert.equal(preview.statusCode, 200, preview.body);
  const body = preview.json() as { classes: Array<{ name: string; next: unknown; pupils: Array<{ choice: string }> }>; counts: { graduated: number } };
  assert.deepEqual(body.classes.map((x) => [x.name, x.next, x.pupils.map((p) => p.choice)]), [['11А', null, ['leave', 'leave']]]);
  const done = await head.api('POST', `/api/v1/journal/years/${yearId}/promotion`, { orderNumber: '60', orderIssuedOn: '2027-06-20', pupils: [{ pupilId: repeater.id, choice: 'repeat' }] });
  assert.equal(done.statusCode, 201, done.body);
  assert.deepEqual((done.json() as { counts: unknown }).counts, { moved: 0, heldBack: 1, graduated: 1, skipped: 0, classesCreated: 1 });
  const now = await currentEnrolments(db, [leaver.id, repeater.id]);
  assert.deepEqual([now.has(leaver.id), now.get(repeater.id)?.grade], [false, 11]);
});

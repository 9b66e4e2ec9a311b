/**
 * The head's school-year, class and movement pages and API, end to end through HTTP, and who
 * cannot reach them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../test/support/app.ts';
import { createOrganization } from '../registry/organization.factory.ts';
import { addStaffDirectly, createPerson } from '../registry/person.factory.ts';
import type { PersonRow } from '../registry/person.service.ts';
import { pupilHistory } from './enrolment.service.ts';
import { listSubgroups } from './class.service.ts';

let t: TestApp;
let school: { id: string; municipalityId: number };
let other: { id: string };
let teacher: PersonRow;
let child: PersonRow;

before(async () => {
  t = await createTestApp();
  const db = t.context.db;
  school = await createOrganization(db, { kind: 'school', municipalityId: 1 });
  other = await createOrganization(db, { kind: 'school', municipalityId: 1 });
  teacher = await createPerson(db, { birthDate: '1980-02-02', lastName: 'Учителева', firstName: 'Ольга', sex: 'female' });
  await addStaffDirectly(db, teacher.id, school.id, 'учитель математики');
  child = await createPerson(db, { birthDate: '2016-04-04', lastName: 'Зайцев', firstName: 'Пётр', sex: 'male' });
});
after(async () => {
  await t.close();
});

function location(response: { headers: Record<string, unknown> }): string {
  return String(response.headers['location'] ?? '');
}

test('the head creates a year, a class, admits a child by document, transfers and records leaving; others are kept out', async () => {
  const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.id }]));
  const years = await head.get(`/journal/school?organizationId=${school.id}`);
  assert.equal(years.statusCode, 200);
  const created = await head.post('/journal/school/years', { organizationId: school.id, startsYear: '2026', termKind: 'quarter', weekDays: '5' });
  assert.equal(created.statusCode, 303, created.body);
  const yearId = /\/journal\/years\/([0-9a-f-]{36})/.exec(location(created))![1]!;
  const calendar = await head.get(`/journal/years/${yearId}`);
  assert.equal(calendar.statusCode, 200);
  assert.match(calendar.body, /2026-10-24/);

  // A bad calendar keeps the input and says why, in Russian.
  const bad = await head.post(`/journal/years/${yearId}/calendar`, {
    version: '1', startsOn: '2026-09-01', endsOn: '2027-05-25', termKind: 'quarter', weekDays: '5',
    'terms.1.startsOn': '2026-09-01', 'terms.1.endsOn': '2026-11-30',
    'terms.2.startsOn': '2026-11-05', 'terms.2.endsOn': '2026-12-27',
    'terms.3.startsOn': '2027-01-11', 'terms.3.endsOn': '2027-03-20',
    'terms.4.startsOn': '2027-03-29', 'terms.4.endsOn': '2027-05-25',
  });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /2026-11-30/);
  assert.match(bad.body, /пересекаются/);
  const bells = await head.post(`/journal/years/${yearId}/bells`, { 'bells.0.lessonNumber': '1', 'bells.0.startsAt': '08:30', 'bells.0.endsAt': '09:15' });
  assert.equal(bells.statusCode, 303);

  const addClass = await head.post(`/journal/years/${yearId}/classes`, { grade: '4', letter: 'а', classTeacherId: teacher.id });
  assert.equal(addClass.statusCode, 303, addClass.body);
  const addClassB = await head.post(`/journal/years/${yearId}/classes`, { grade: '4', letter: 'Б', classTeacherId: '' });
  assert.equal(addClassB.statusCode, 303);
  const dup = await head.post(`/journal/years/${yearId}/classes`, { grade: '4', letter: 'А', classTeacherId: '' });
  assert.equal(dup.statusCode, 409);
  const classes = await head.api('GET', `/api/v1/journal/years/${yearId}/classes`);
  const [a4, b4] = (classes.json() as { items: Array<{ id: string; name: string }> }).items;
  assert.equal(a4!.name, '4А');

  const admit = await head.post(`/journal/classes/${a4!.id}/admit`, { document: `${child.birthCertificateSeries} ${child.birthCertificateNumber}`, on: '2026-09-01', orderNumber: '101', orderIssuedOn: '2026-08-30' });
  assert.equal(admit.statusCode, 303, admit.body);
  const unknown = await head.post(`/journal/classes/${a4!.id}/admit`, { document: '123-456-789 64', on: '2026-09-01', orderNumber: '101', orderIssuedOn: '2026-08-30' });
  assert.equal(unknown.statusCode, 422);
  const page = await head.get(`/journal/classes/${a4!.id}`);
  assert.match(page.body, /Зайцев Пётр/);
  assert.match(page.body, new RegExp(`href="/journal/classes/${a4!.id}/timetable"`), 'links the class timetable');

  const transfer = await head.post(`/journal/pupils/${child.id}/transfer`, { toClassId: b4!.id, on: '2026-10-01', orderNumber: '120', orderIssuedOn: '2026-09-30' });
  assert.equal(transfer.statusCode, 303, transfer.body);
  const leave = await head.post(`/journal/pupils/${child.id}/leave`, { reason: 'leaving', on: '2026-12-01', orderNumber: '150', orderIssuedOn: '2026-11-30' });
  assert.equal(leave.statusCode, 303, leave.body);
  assert.deepEqual((await pupilHistory(t.context.db, child.id)).map((h) => h.className), ['4Б', '4А']);

  // Search goes through POST; the URL carries no name.
  const again = await head.post(`/journal/classes/${a4!.id}/admit`, { document: `${child.birthCertificateSeries} ${child.birthCertificateNumber}`, on: '2027-01-11', orderNumber: '200', orderIssuedOn: '2027-01-10' });
  assert.equal(again.statusCode, 303, again.body);
  const search = await head.post('/journal/school/search', { organizationId: school.id, q: 'зайц' });
  assert.equal(search.statusCode, 200);
  assert.match(search.body, /Зайцев/);

  // The class teacher reads the class but cannot change it or move pupils.
  const teacherAgent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', organizationId: school.id }], { personId: teacher.id }));
  assert.equal((await teacherAgent.get(`/journal/classes/${a4!.id}`)).statusCode, 200);
  assert.equal((await teacherAgent.post(`/journal/classes/${a4!.id}`, { grade: '4', letter: 'Я', classTeacherId: '' })).statusCode, 403);
  assert.equal((await teacherAgent.get(`/journal/classes/${a4!.id}/admit`)).statusCode, 403);
  assert.equal((await teacherAgent.get(`/journal/classes/${b4!.id}`)).statusCode, 404, 'not their class');
  assert.equal((await teacherAgent.post('/journal/school/search', { organizationId: school.id, q: 'зайц' })).statusCode, 403);

  // Another school's head, a guardian and an operator of another municipality see nothing.
  const otherHead = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: other.id }]));
  assert.equal((await otherHead.get(`/journal/years/${yearId}`)).statusCode, 404);
  assert.equal((await otherHead.get(`/journal/classes/${a4!.id}`)).statusCode, 404);
  assert.equal((await otherHead.get(`/journal/pupils/${child.id}`)).statusCode, 404);
  assert.equal((await otherHead.post(`/journal/years/${yearId}/classes`, { grade: '5', letter: 'А' })).statusCode, 404);
  const stranger = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: (await createPerson(t.context.db, { birthDate: '1985-01-01' })).id }));
  assert.equal((await stranger.get(`/journal/pupils/${child.id}`)).statusCode, 404);
  assert.equal((await stranger.get(`/journal/classes/${a4!.id}`)).statusCode, 404);
  const sochi = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 2 }]));
  assert.equal((await sochi.get(`/journal/classes/${a4!.id}`)).statusCode, 404);
  const krasnodar = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
  assert.equal((await krasnodar.get(`/journal/classes/${a4!.id}`)).statusCode, 200);
  assert.equal((await krasnodar.post(`/journal/classes/${a4!.id}`, { grade: '4', letter: 'Я' })).statusCode, 403);
});

test('the JSON API admits, transfers between schools and tells the history', async () => {
  const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: other.id }]));
  const year = await head.api('POST', '/api/v1/journal/years', { organizationId: other.id, startsYear: 2026 });
  assert.equal(year.statusCode, 201, year.body);
  const yearId = (year.json() as { year: { id: string } }).year.id;
  const c = await head.api('POST', `/api/v1/journal/years/${yearId}/classes`, { grade: 4, letter: 'В' });
  assert.equal(c.statusCode, 201, c.body);
  const pupil = await createPerson(t.context.db, { birthDate: '2016-06-06' });
  const admitted = await head.api('POST', '/api/v1/journal/enrolments/admission', { pupilId: pupil.id, organizationId: other.id, grade: 4, on: '2026-09-01', orderNumber: '1', orderIssuedOn: '2026-08-31' });
  assert.equal(admitted.statusCode, 201, admitted.body);
  const history = await head.api('GET', `/api/v1/journal/pupils/${pupil.id}/history`);
  assert.equal(history.statusCode, 200);
  assert.equal((history.json() as { items: unknown[] }).items.length, 1);
  const classRead = await head.api('GET', `/api/v1/journal/classes/${(c.json() as { id: string }).id}`);
  assert.equal((classRead.json() as { pupils: unknown[] }).pupils.length, 1);
  // A subgroup of the class's pupils (a foreign-language group); a stranger cannot be put in it.
  const classId = (c.json() as { id: string }).id;
  assert.equal((await head.post(`/journal/classes/${classId}/subgroups`, { name: 'Английский 1', pupilIds: [pupil.id] })).statusCode, 303);
  assert.equal((await head.post(`/journal/classes/${classId}/subgroups`, { name: 'Английский 2', pupilIds: [child.id] })).statusCode, 422);
  const groups = await listSubgroups(t.context.db, classId);
  assert.deepEqual(groups.map((g) => [g.name, g.pupilIds]), [['Английский 1', [pupil.id]]]);
  const forbidden = await head.api('POST', '/api/v1/journal/enrolments/admission', { pupilId: pupil.id, organizationId: school.id, grade: 4, on: '2026-09-01', orderNumber: '1', orderIssuedOn: '2026-08-31' });
  assert.equal(forbidden.statusCode, 404);
});

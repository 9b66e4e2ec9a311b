import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../test/support/app.ts';
import { createOrganization } from '../registry/organization.factory.ts';
import { addStaffDirectly, createPerson } from '../registry/person.factory.ts';
import { createClass } from './class.service.ts';
import { curriculumOf } from './curriculum.service.ts';
import { createAcademicYear } from './school-year.service.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

test('the head keeps the curriculum and the teaching load; a teacher sees only their own; subjects are the region’s', async () => {
  const db = t.context.db;
  const school = await createOrganization(db, { kind: 'school' });
  const other = await createOrganization(db, { kind: 'school' });
  const headAccount = await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.id }]);
  const origin = { actor: { kind: 'anonymous' } as const, ip: null, requestId: null };
  const year = await createAcademicYear(db, origin, { organizationId: school.id, municipalityId: school.municipalityId }, { startsYear: 2026, weekDays: 5, termKind: 'quarter' });
  const c5 = await createClass(db, origin, year.id, { grade: 5, letter: 'А', classTeacherId: null });
  const teacher = await createPerson(db, { birthDate: '1979-01-01' });
  await addStaffDirectly(db, teacher.id, school.id, 'учитель математики');
  const outsider = await createPerson(db, { birthDate: '1979-01-01' });

  const head = await loggedInAgent(t.app, headAccount);
  const page = await head.get(`/journal/years/${year.id}/curriculum`);
  assert.equal(page.statusCode, 200);
  assert.ok((await curriculumOf(db, year.id)).some((r) => r.grade === 5 && r.subjectCode === 'mathematics' && r.hoursPerWeek === 5), 'federal hours applied');
  const saved = await head.post(`/journal/years/${year.id}/curriculum`, { 'hours.5.mathematics': '5,5', 'hours.5.russian': '5' });
  assert.equal(saved.statusCode, 303, saved.body);
  assert.deepEqual((await curriculumOf(db, year.id)).filter((r) => r.grade === 5).map((r) => [r.subjectCode, r.hoursPerWeek]), [['mathematics', 5.5], ['russian', 5]]);
  const bad = await head.post(`/journal/years/${year.id}/curriculum`, { 'hours.5.mathematics': '0.3' });
  assert.equal(bad.statusCode, 422);

  assert.equal((await head.post(`/journal/years/${year.id}/assignments`, { classId: c5.id, subjectCode: 'mathematics', teacherId: outsider.id })).statusCode, 422, 'not on the staff');
  const assigned = await head.post(`/journal/years/${year.id}/assignments`, { classId: c5.id, subjectCode: 'mathematics', teacherId: teacher.id });
  assert.equal(assigned.statusCode, 303, assigned.body);
  const load = await head.get(`/journal/years/${year.id}/assignments`);
  assert.match(load.body, /5,5/);

  const teacherAgent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', organizationId: school.id }], { personId: teacher.id }));
  const mine = await teacherAgent.api('GET', '/api/v1/journal/my/assignments');
  assert.deepEqual((mine.json() as { items: Array<{ className: string; subjectCode: string }> }).items.map((a) => [a.className, a.subjectCode]), [['5А', 'mathematics']]);
  assert.equal((await teacherAgent.post(`/journal/years/${year.id}/assignments`, { classId: c5.id, subjectCode: 'russian', teacherId: teacher.id })).statusCode, 403);

  const otherHead = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: other.id }]));
  assert.equal((await otherHead.get(`/journal/years/${year.id}/assignments`)).statusCode, 404);
  assert.equal((await otherHead.api('GET', `/api/v1/journal/years/${year.id}/curriculum`)).statusCode, 404);

  assert.equal((await head.post('/journal/subjects', { code: 'chess', nameRu: 'Шахматы', nameEn: 'Chess', sort: '900', active: 'true' })).statusCode, 403);
  const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
  assert.equal((await admin.post('/journal/subjects', { code: 'chess', nameRu: 'Шахматы', nameEn: 'Chess', sort: '900', active: 'true' })).statusCode, 303);
  assert.match((await head.get('/journal/subjects')).body, /Шахматы/);
});

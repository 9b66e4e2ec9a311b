/**
 * The regional list of kinds of work and their weights: who may read and edit it, the editor's
 * checks, a new weight counting for marks given from then on, deactivation, and deletion only
 * while unused. Every change audited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Actor, Role } from '../platform/access/access.ts';
import { queryRows } from '../platform/db/connect.ts';
import { createPerson } from '../registry/person.factory.ts';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../test/support/app.ts';
import { createSchoolFixture, type SchoolFixture } from './lesson.fixtures.ts';
import { weightedMarks } from './lesson.service.ts';
import { canEditWorkKinds, canReadWorkKinds } from './work-kind.policy.ts';
import { parseWorkKindInput } from './work-kind.service.ts';

const actor = (role: Role): Actor => ({ kind: 'account', accountId: 'a', personId: null, displayName: 'x', via: 'session', grants: [{ role, municipalityId: role === 'regionalAdmin' ? null : 1, organizationId: role === 'teacher' || role === 'organizationHead' ? 'o' : null } as never] });

describe('the policy of the kinds of work', () => {
  it('lets only the regional administrator edit, and staff read', () => {
    assert.equal(canEditWorkKinds(actor('regionalAdmin')), true);
    for (const role of ['municipalOperator', 'organizationHead', 'teacher', 'guardian', 'pupil'] as const) assert.equal(canEditWorkKinds(actor(role)), false, role);
    for (const role of ['regionalAdmin', 'municipalOperator', 'organizationHead', 'teacher'] as const) assert.equal(canReadWorkKinds(actor(role)), true, role);
    for (const role of ['guardian', 'pupil'] as const) assert.equal(canReadWorkKinds(actor(role)), false, role);
    assert.equal(canReadWorkKinds({ kind: 'anonymous' }), false);
  });

  it('checks a weight: 0.5 to 5 in tenths, a comma allowed', () => {
    const weight = (w: string) => parseWorkKindInput({ nameRu: 'Тест', nameEn: 'Quiz', weight: w }, { withCode: false });
    assert.deepEqual(['1,5', '0.5', '5', '2'].map((w) => { const p = weight(w); return p.ok ? p.value.weight : null; }), ['1.5', '0.5', '5.0', '2.0']);
    for (const w of ['0,4', '5.1', '1.25', '', 'два', '-1', '10']) assert.equal(weight(w).ok, false, w);
    assert.equal(parseWorkKindInput({ code: '1x', nameRu: 'a', nameEn: 'b', weight: '1' }, { withCode: true }).ok, false);
  });
});

describe('the editor of kinds of work', () => {
  let t: TestApp;
  let school: SchoolFixture;
  let admin: Agent;
  let teacher: Agent;
  let lessons: string[];

  const audit = async (entityId: string) =>
    queryRows<{ action: string; details: Record<string, unknown> }>(t.context.db, sql`SELECT action, details FROM audit_event WHERE entity_type = 'journal-work-kind' AND entity_id = ${entityId} ORDER BY seq`);
  // The lesson's marks' weights in the fixture's pupil order (both marks share the test clock's
  // time, so the time cannot order them).
  const markWeights = async (lessonId: string) =>
    (await queryRows<{ pupil_id: string; weight: string }>(t.context.db, sql`SELECT pupil_id, weight::text AS weight FROM mark WHERE lesson_id = ${lessonId}`))
      .sort((a, b) => school.pupilIds.indexOf(a.pupil_id) - school.pupilIds.indexOf(b.pupil_id))
      .map((r) => Number(r.weight));

  before(async () => {
    t = await createTestApp();
    t.clock.set(new Date('2026-03-02T09:00:00Z'));
    school = await createSchoolFixture(t.context.db, { pupils: 2 });
    const term = school.terms.find((x) => x.number === 3)!.id;
    lessons = [];
    for (const n of [1, 2]) {
      const [row] = await queryRows<{ id: string }>(
        t.context.db,
        sql`INSERT INTO lesson (assignment_id, class_id, organization_id, municipality_id, term_id, held_on, lesson_number)
            VALUES (${school.mathAssignmentId}, ${school.classId}, ${school.organizationId}, ${school.municipalityId}, ${term}, '2026-03-02', ${n}) RETURNING id::text AS id`,
      );
      lessons.push(row!.id);
    }
    admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
    teacher = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'teacher', organizationId: school.organizationId }], { personId: school.mathTeacherId }));
  });
  after(() => t.close());

  it('shows the list to staff, the editor only to the regional administrator', async () => {
    const page = await admin.get('/journal/work-kinds');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Контрольная работа/);
    assert.match(page.body, /уже выставленные отметки сохраняют прежний вес/);
    assert.match(page.body, /Добавить вид работы/);
    const read = await teacher.get('/journal/work-kinds');
    assert.equal(read.statusCode, 200);
    assert.doesNotMatch(read.body, /Добавить вид работы|\/journal\/work-kinds\/test"/);
    assert.equal((await teacher.post('/journal/work-kinds', { code: 'quiz', nameRu: 'Тест', nameEn: 'Quiz', weight: '1' })).statusCode, 403);
    assert.equal((await teacher.get('/journal/work-kinds/test')).statusCode, 403);
    assert.equal((await teacher.post('/journal/work-kinds/test', { nameRu: 'Контрольная', nameEn: 'Test', weight: '5', sort: '80' })).statusCode, 403);
    assert.equal((await teacher.post('/journal/work-kinds/test/active', { active: 'false' })).statusCode, 403);
    assert.equal((await teacher.post('/journal/work-kinds/homework/delete', {})).statusCode, 403);
    const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
    assert.equal((await operator.post('/journal/work-kinds/test/active', { active: 'false' })).statusCode, 403);
    const parent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: (await createPerson(t.context.db, { birthDate: '1985-01-01', municipalityId: 1 })).id }));
    assert.equal((await parent.get('/journal/work-kinds')).statusCode, 403);
    assert.equal((await parent.api('GET', '/api/v1/journal/work-kinds')).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/journal/work-kinds' })).statusCode, 401);
    const api = await teacher.api('GET', '/api/v1/journal/work-kinds');
    assert.equal(api.statusCode, 200);
    assert.deepEqual(api.json().items.find((k: { code: string }) => k.code === 'test'), { code: 'test', nameRu: 'Контрольная работа', nameEn: 'Test', weight: 2, sort: 80, active: true });
  });

  it('adds a kind after checking it, keeping what was typed on an error; audited', async () => {
    const bad = await admin.post('/journal/work-kinds', { code: 'quiz', nameRu: 'Тест', nameEn: 'Quiz', weight: '7', sort: '95' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Вес — число от 0,5 до 5/);
    assert.match(bad.body, /value="Тест"/);
    assert.match(bad.body, /value="7"/);
    assert.equal((await admin.post('/journal/work-kinds', { code: 'quiz', nameRu: 'Тест', nameEn: 'Quiz', weight: '1,5', sort: '95' })).statusCode, 303);
    const taken = await admin.post('/journal/work-kinds', { code: 'quiz', nameRu: 'Другой', nameEn: 'Other', weight: '1', sort: '1' });
    assert.equal(taken.statusCode, 422);
    assert.match(taken.body, /с таким кодом уже есть/);
    const list = await admin.get('/journal/work-kinds?done=created');
    assert.match(list.body, /Вид работы добавлен/);
    assert.match(list.body, /<td>Тест<\/td><td>Quiz<\/td><td>quiz<\/td><td>1,5<\/td>/);
    assert.deepEqual((await audit('quiz')).map((a) => a.action), ['create']);
  });

  it('counts a new weight for the marks given from then on; marks already given keep theirs', async () => {
    await t.context.db.execute(sql`UPDATE lesson SET work_kind = 'quiz' WHERE id = ${lessons[0]}`);
    const cell = (pupil: number, mark: number) => teacher.api('POST', `/api/v1/journal/lessons/${lessons[0]}/cells`, { pupilId: school.pupilIds[pupil], mark });
    assert.equal((await cell(0, 5)).statusCode, 200);
    assert.deepEqual(await markWeights(lessons[0]!), [1.5]);
    await admin.get('/journal/work-kinds/quiz');
    const saved = await admin.post('/journal/work-kinds/quiz', { nameRu: 'Тест (15 минут)', nameEn: 'Quiz', weight: '3', sort: '95' });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal((await cell(1, 3)).statusCode, 200);
    assert.deepEqual(await markWeights(lessons[0]!), [1.5, 3]);
    const weighted = await weightedMarks(t.context.db, school.mathAssignmentId, '2026-03-01', '2026-03-31');
    assert.deepEqual(weighted.get(school.pupilIds[0]!), [{ value: 5, weight: 1.5 }]);
    assert.deepEqual(weighted.get(school.pupilIds[1]!), [{ value: 3, weight: 3 }]);
    const [, update] = await audit('quiz');
    assert.deepEqual(update!.details, { before: { nameRu: 'Тест', weight: '1.5' }, after: { nameRu: 'Тест (15 минут)', weight: '3.0' } });
    assert.match((await teacher.get(`/journal/lessons/${lessons[0]}`)).body, /Тест \(15 минут\) \(×3\)/);
  });

  it('deactivates a kind: no longer offered for a lesson, kept where it is; the default kind stays', async () => {
    assert.equal((await admin.post('/journal/work-kinds/quiz/active', { active: 'false' })).statusCode, 303);
    assert.match((await admin.get('/journal/work-kinds')).body, /<td>quiz<\/td><td>3<\/td><td>95<\/td><td>отключён<\/td>/);
    const other = await teacher.get(`/journal/lessons/${lessons[1]}`);
    assert.doesNotMatch(other.body, /value="quiz"/);
    const refused = await teacher.post(`/journal/lessons/${lessons[1]}`, { topic: 'Дроби', homework: '', workKind: 'quiz' });
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /Выберите вид работы из списка/);
    assert.match((await teacher.get(`/journal/lessons/${lessons[0]}`)).body, /value="quiz" selected/);
    assert.equal((await teacher.post(`/journal/lessons/${lessons[0]}`, { topic: 'Дроби', homework: '', workKind: 'quiz', [`mark-${school.pupilIds[0]}`]: '5', [`mark-${school.pupilIds[1]}`]: '3' })).statusCode, 303, 'the lesson keeps its kind');
    const classwork = await admin.post('/journal/work-kinds/classwork/active', { active: 'false' });
    assert.equal(classwork.statusCode, 409);
    assert.match(classwork.body, /нельзя отключить или удалить/);
    assert.equal((await admin.post('/journal/work-kinds/quiz/active', { active: 'true' })).statusCode, 303);
    assert.deepEqual((await audit('quiz')).map((a) => a.details.active ?? null).slice(-2), [false, true]);
  });

  it('deletes only a kind nothing uses; a used one can only be deactivated', async () => {
    const usedPage = await admin.get('/journal/work-kinds/quiz');
    assert.match(usedPage.body, /удалить его нельзя, можно только отключить/);
    assert.doesNotMatch(usedPage.body, /Удалить вид работы/);
    const used = await admin.post('/journal/work-kinds/quiz/delete', {});
    assert.equal(used.statusCode, 409);
    assert.match(used.body, /его нельзя удалить, только отключить/);
    assert.equal((await admin.post('/journal/work-kinds', { code: 'mistake', nameRu: 'Ошибка', nameEn: 'Mistake', weight: '1', sort: '1' })).statusCode, 303);
    assert.match((await admin.get('/journal/work-kinds/mistake')).body, /Удалить вид работы/);
    assert.equal((await admin.post('/journal/work-kinds/mistake/delete', {})).statusCode, 303);
    assert.equal((await admin.get('/journal/work-kinds/mistake')).statusCode, 404);
    assert.deepEqual((await audit('mistake')).map((a) => a.action), ['create', 'delete']);
  });
});

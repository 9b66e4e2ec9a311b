import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { auditEvent } from '../../platform/audit/audit.schema.ts';
import { createOrganization } from '../../registry/organization.factory.ts';
import { getPreschoolSettings, listReference } from './reference.service.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

const settingsForm = { maxPreferences: '5', offerAcceptanceDays: '10', registrationDecisionDays: '15', ageReferenceDay: '1', ageReferenceMonth: '9', maxAgeYears: '8' };

async function admin() {
  return loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
}

test('the public reference API gives the settings and only active entries', async () => {
  const response = await t.app.inject({ url: '/api/v1/preschool/reference' });
  assert.equal(response.statusCode, 200);
  const body = JSON.parse(response.body);
  assert.equal(body.settings.maxPreferences > 0, true);
  assert.ok(body.ageGroups.some((g: { code: string }) => g.code === '3-4'));
  assert.ok(body.benefits.every((b: { active: boolean }) => b.active));
  assert.ok(body.benefits.some((b: { level: string; legalBasis: string }) => b.level === 'outOfTurn' && b.legalBasis.length > 0));
});

test('the regional administrator changes the numbers; a mistake keeps the input and says why in Russian', async () => {
  const agent = await admin();
  const page = await agent.get('/preschool/settings');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Параметры региона/);
  const wrong = await agent.post('/preschool/settings', { ...settingsForm, maxPreferences: '25', ageReferenceDay: '31', ageReferenceMonth: '2' });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /Введите целое число от 1 до 20/);
  assert.match(wrong.body, /В этом месяце нет такого дня/);
  assert.match(wrong.body, /value="25"/);
  const saved = await agent.post('/preschool/settings', { ...settingsForm, offerAcceptanceDays: '14' });
  assert.equal(saved.statusCode, 303);
  assert.equal((await getPreschoolSettings(t.context.db)).offerAcceptanceDays, 14);
  const events = await t.context.db.select().from(auditEvent).where(eq(auditEvent.entityType, 'preschool_setting'));
  assert.ok(events.length >= 1);
});

test('the administrator adds a benefit, edits it and deactivates it; the code is never deleted', async () => {
  const agent = await admin();
  await agent.get('/preschool/settings/benefits/new');
  const missing = await agent.post('/preschool/settings/benefits/new', { code: 'teacherChild', nameRu: 'Дети педагогов', nameEn: 'Children of teachers', level: '', legalBasis: '', provingDocument: '', sort: '30' });
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /Выберите вид права/);
  assert.match(missing.body, /value="Дети педагогов"/);
  const created = await agent.post('/preschool/settings/benefits/new', {
    code: 'teacherChild',
    nameRu: 'Дети педагогов',
    nameEn: 'Children of teachers',
    level: 'firstPriority',
    legalBasis: 'Федеральный закон № 273-ФЗ, ч. 3.2 ст. 67',
    provingDocument: 'Справка с места работы',
    sort: '30',
  });
  assert.equal(created.statusCode, 303);
  const duplicate = await agent.post('/preschool/settings/benefits/new', { code: 'teacherChild', nameRu: 'Дубль', nameEn: 'Dup', level: 'preferential', legalBasis: 'x', provingDocument: 'y', sort: '1' });
  assert.equal(duplicate.statusCode, 422);
  assert.match(duplicate.body, /Такой код уже есть/);

  await agent.get('/preschool/settings/benefits/teacherChild');
  await agent.post('/preschool/settings/benefits/teacherChild', {
    nameRu: 'Дети педагогических работников',
    nameEn: 'Children of teaching staff',
    level: 'firstPriority',
    legalBasis: 'Федеральный закон № 273-ФЗ, ч. 3.2 ст. 67',
    provingDocument: 'Справка с места работы',
    sort: '30',
  });
  const off = await agent.post('/preschool/settings/benefits/teacherChild/active', { active: 'false' });
  assert.equal(off.statusCode, 303);
  const stored = (await listReference(t.context.db, 'benefits')).find((b) => b.code === 'teacherChild');
  assert.equal(stored?.nameRu, 'Дети педагогических работников');
  assert.equal(stored?.active, false);
  const publicList = JSON.parse((await t.app.inject({ url: '/api/v1/preschool/reference' })).body);
  assert.ok(!publicList.benefits.some((b: { code: string }) => b.code === 'teacherChild'));
  const events = await t.context.db.select().from(auditEvent).where(and(eq(auditEvent.entityType, 'preschool_benefit'), eq(auditEvent.entityId, 'teacherChild')));
  assert.deepEqual(events.map((e) => e.action), ['create', 'update', 'update']);
});

test('the API lets the administrator add and (de)activate entries and change the settings', async () => {
  const agent = await admin();
  await agent.get('/preschool/settings');
  const created = await agent.api('POST', '/api/v1/preschool/reference/stayModes', { code: 'evening', nameRu: 'Вечерняя группа', nameEn: 'Evening group', sort: 9 });
  assert.equal(created.statusCode, 201, created.body);
  const off = await agent.api('PUT', '/api/v1/preschool/reference/stayModes/evening', { active: false });
  assert.equal(JSON.parse(off.body).active, false);
  const invalid = await agent.api('PUT', '/api/v1/preschool/settings', { maxPreferences: 0, offerAcceptanceDays: 10, registrationDecisionDays: 15, ageReferenceDay: 1, ageReferenceMonth: 9, maxAgeYears: 8 });
  assert.equal(invalid.statusCode, 422);
  const saved = await agent.api('PUT', '/api/v1/preschool/settings', { maxPreferences: 4, offerAcceptanceDays: 10, registrationDecisionDays: 15, ageReferenceDay: 1, ageReferenceMonth: 9, maxAgeYears: 8 });
  assert.equal(JSON.parse(saved.body).maxPreferences, 4);
});

test('anyone but a regional administrator is refused the settings pages and writes', async () => {
  const kindergarten = await createOrganization(t.context.db, { kind: 'kindergarten', municipalityId: 3 });
  for (const grants of [
    [{ role: 'municipalOperator' as const, municipalityId: 3 }],
    [{ role: 'organizationHead' as const, organizationId: kindergarten.id }],
    [{ role: 'teacher' as const, organizationId: kindergarten.id }],
    [{ role: 'guardian' as const }],
  ]) {
    const agent = await loggedInAgent(t.app, await createAccount(t.context, grants));
    assert.equal((await agent.get('/preschool/settings')).statusCode, 403);
    await agent.get('/login');
    assert.equal((await agent.post('/preschool/settings', settingsForm)).statusCode, 403);
    assert.equal((await agent.api('POST', '/api/v1/preschool/reference/orientations', { code: 'x1', nameRu: 'x', nameEn: 'x', sort: 1 })).statusCode, 403);
  }
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/v1/preschool/reference/orientations/general', payload: { active: false } })).statusCode, 401);
});

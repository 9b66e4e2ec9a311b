import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { listAuditEvents } from '../../platform/audit/audit.ts';
import { listPriorityCategories } from './application.service.ts';
import { getAdmissionSettings } from './campaign.service.ts';
import { admissionSettingFields } from './reference.service.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

test('the seeded categories carry their level and legal basis; the regional administrator edits settings and categories, audited', async () => {
  const categories = await listPriorityCategories(t.context.db);
  assert.ok(categories.some((c) => c.level === 'outOfTurn' && /458/.test(c.legalBasis)));
  assert.ok(categories.some((c) => c.code === 'sibling' && c.level === 'sibling'));
  const settings = await getAdmissionSettings(t.context.db);
  assert.equal(settings.stage2DecisionWorkingDays, 5);
  assert.equal(settings.minAgeMonths, 78, '6.5 years');
  const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
  const page = await admin.get('/admission/settings');
  assert.equal(page.statusCode, 200);
  const form = Object.fromEntries(admissionSettingFields.map((f) => [f, String(settings[f])]));
  const wrong = await admin.post('/admission/settings', { ...form, stage1OpenDay: '40' });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /value="40"/);
  assert.equal((await admin.post('/admission/settings', { ...form, stage1OpenMonth: '3', stage1OpenDay: '29' })).statusCode, 303);
  assert.equal((await getAdmissionSettings(t.context.db)).stage1OpenDay, 29);
  const saved = await admin.post('/admission/settings/categories', { code: 'largeFamily', level: 'first', nameRu: 'Дети из многодетных семей', nameEn: 'Children of large families', legalBasis: 'Закон Краснодарского края (проверка)', sort: '95', documentRequired: 'on', active: 'on' });
  assert.equal(saved.statusCode, 303);
  assert.ok((await listPriorityCategories(t.context.db)).some((c) => c.code === 'largeFamily'));
  const events = await listAuditEvents(t.context.db, { entityType: 'admission_priority_category', limit: 5 });
  assert.equal(events.length, 1);
});

test('only a regional administrator reaches the admission reference data', async () => {
  const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
  assert.equal((await operator.get('/admission/settings')).statusCode, 403);
  assert.equal((await operator.post('/admission/settings/categories', { code: 'x1' })).statusCode, 403);
});

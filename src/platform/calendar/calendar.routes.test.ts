import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { listAuditEvents } from '../audit/audit.ts';
import { isWorkingDay } from './calendar.service.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

test('the regional administrator sees a year and enters its transfers; the edit is audited', async () => {
  const agent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
  const page = await agent.get('/settings/calendar?year=2026');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Производственный календарь 2026/);
  assert.match(page.body, /Рабочих дней в году: 247/);
  assert.match(page.body, /2026-05-11 dayOff/);
  const wrong = await agent.post('/settings/calendar/2027', { source: 'проект', days: '2027-11-08 workingWeekend' });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /только суббота или воскресенье/);
  assert.match(wrong.body, /2027-11-08 workingWeekend/, 'the input is kept');
  const saved = await agent.post('/settings/calendar/2027', { source: 'Постановление (проверка)', confirmed: 'on', days: '2027-11-05 dayOff Перенос с субботы 13 ноября\n2027-11-13 workingWeekend' });
  assert.equal(saved.statusCode, 303);
  assert.equal(await isWorkingDay(t.context.db, '2027-11-05'), false);
  assert.equal(await isWorkingDay(t.context.db, '2027-11-13'), true);
  const events = await listAuditEvents(t.context.db, { entityType: 'production_calendar', limit: 10 });
  assert.ok(events.some((e) => e.entityId === '2027'));
});

test('nobody but a regional administrator reaches the calendar', async () => {
  const anonymous = await t.app.inject({ url: '/settings/calendar' });
  assert.ok([401, 302, 303].includes(anonymous.statusCode), `anonymous: ${anonymous.statusCode}`);
  const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
  assert.equal((await operator.get('/settings/calendar')).statusCode, 403);
  assert.equal((await operator.post('/settings/calendar/2027', { days: '' })).statusCode, 403);
});

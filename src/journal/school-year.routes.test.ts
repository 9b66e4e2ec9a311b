import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../test/support/app.ts';
import { createOrganization } from '../registry/organization.factory.ts';
import { yearCalendar } from './school-year.service.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

test('the regional administrator sets the Krai’s calendar of a year; a school’s new year starts from it; heads cannot change it', async () => {
  const school = await createOrganization(t.context.db, { kind: 'school' });
  const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.id }]));
  const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
  const form = {
    startsYear: '2027',
    'terms.1.startsOn': '2027-09-01', 'terms.1.endsOn': '2027-10-23',
    'terms.2.startsOn': '2027-11-03', 'terms.2.endsOn': '2027-12-26',
    'terms.3.startsOn': '2028-01-10', 'terms.3.endsOn': '2028-03-18',
    'terms.4.startsOn': '2028-03-27', 'terms.4.endsOn': '2028-05-25',
    'holidays.0.name': 'Осенние каникулы', 'holidays.0.startsOn': '2027-10-24', 'holidays.0.endsOn': '2027-11-02',
  };
  assert.equal((await head.post('/journal/calendar-defaults', form)).statusCode, 403);
  assert.equal((await admin.get('/journal/calendar-defaults?year=2027')).statusCode, 200);
  const bad = await admin.post('/journal/calendar-defaults', { ...form, 'terms.2.startsOn': '2027-10-01' });
  assert.equal(bad.statusCode, 422);
  assert.equal((await admin.post('/journal/calendar-defaults', form)).statusCode, 303);

  const created = await head.api('POST', '/api/v1/journal/years', { organizationId: school.id, startsYear: 2027 });
  assert.equal(created.statusCode, 201, created.body);
  const calendar = (await yearCalendar(t.context.db, (created.json() as { year: { id: string } }).year.id))!;
  assert.deepEqual(calendar.terms.map((x) => x.startsOn), ['2027-09-01', '2027-11-03', '2028-01-10', '2028-03-27']);
  assert.deepEqual(calendar.holidays.map((h) => h.name), ['Осенние каникулы']);

  // Trimesters are computed when asked for.
  const other = await createOrganization(t.context.db, { kind: 'school' });
  const otherHead = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: other.id }]));
  const tri = await otherHead.api('POST', '/api/v1/journal/years', { organizationId: other.id, startsYear: 2027, termKind: 'trimester', weekDays: 6 });
  assert.equal(tri.statusCode, 201, tri.body);
  assert.equal((tri.json() as { terms: unknown[] }).terms.length, 3);
  const stale = await otherHead.api('PUT', `/api/v1/journal/years/${(tri.json() as { year: { id: string } }).year.id}/calendar`, {
    version: 99, startsOn: '2027-09-01', endsOn: '2028-05-25', weekDays: 6, termKind: 'halfYear',
    terms: [{ startsOn: '2027-09-01', endsOn: '2027-12-28' }, { startsOn: '2028-01-10', endsOn: '2028-05-25' }], holidays: [],
  });
  assert.equal(stale.statusCode, 409);
});

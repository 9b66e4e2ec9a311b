import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { Agent, createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { createStreet } from '../../registry/address.factory.ts';
import { createApplication, createCampaign, createPlan, createSchool } from './admission-order.fixtures.ts';
import { admissionSchoolPlan } from './admission.schema.ts';
import { admissionBirthCount } from './planning.schema.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

/** A text/csv POST with the agent's session and CSRF header. */
function postCsv(agent: Agent, url: string, csv: string) {
  const cookie = (agent as unknown as { cookieHeader(): string }).cookieHeader();
  return t.app.inject({ method: 'POST', url, headers: { cookie, 'x-csrf-token': agent.csrfToken, 'content-type': 'text/csv; charset=utf-8' }, payload: csv });
}

describe('planning pages and API, per role', () => {
  test('the operator sees the shortage report, downloads it, opens a class and imports births; other scopes and roles cannot', async () => {
    const m = 12;
    const campaign = await createCampaign(t.context.db, { municipalityId: m });
    const school = await createSchool(t.context.db, m, { shortName: 'Школа № 102' });
    const other = await createSchool(t.context.db, m, { shortName: 'Лицей № 4' });
    await createPlan(t.context.db, campaign.id, school.id, 2, 2);
    await createPlan(t.context.db, campaign.id, other.id, 25, 25);
    for (let i = 0; i < 3; i++) await createApplication(t.context.db, campaign, school.id);
    const street = await createStreet(t.context.db, { municipalityId: m, houses: ['1'] });

    const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: m }]));
    assert.equal((await operator.get('/admission/planning')).statusCode, 200);
    const report = await operator.get(`/admission/planning/campaigns/${campaign.id}?q=${encodeURIComponent('школа')}`);
    assert.equal(report.statusCode, 200);
    assert.ok(report.body.includes('Школа № 102') && !report.body.includes('Лицей № 4'), 'searched by name');
    const csv = await operator.get(`/admission/planning/campaigns/${campaign.id}/shortage.csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.ok(csv.body.includes('Школа № 102;1;2;2;0;0;0;3;0;3;0;0;0;1;2'), csv.body);
    const api = await operator.api('GET', `/api/v1/admission/campaigns/${campaign.id}/shortage`);
    assert.equal(api.json().total.shortage, 1);
    assert.equal((await operator.get(`/admission/planning/campaigns/${campaign.id}/forecast`)).statusCode, 200);

    const schoolPage = await operator.get(`/admission/planning/campaigns/${campaign.id}/schools/${school.id}`);
    assert.equal(schoolPage.statusCode, 200);
    const opened = await operator.post(`/admission/planning/campaigns/${campaign.id}/schools/${school.id}`, { classes: '2', classSize: '2' });
    assert.equal(opened.statusCode, 303);
    const [plan] = await t.context.db.select().from(admissionSchoolPlan).where(eq(admissionSchoolPlan.organizationId, school.id));
    assert.equal(plan!.plannedPlaces, 4);
    const invalid = await operator.post(`/admission/planning/campaigns/${campaign.id}/schools/${school.id}`, { classes: 'много', classSize: '2' });
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /value="много"/);

    const pasted = await operator.post('/admission/planning/births', { file: `house_guid;birth_year;count\n${street.houses.get('1')};2019;12\nbad;2019;1\n` });
    assert.equal(pasted.statusCode, 200);
    assert.match(pasted.body, /Загружено строк: 1; отклонено: 1/);
    const streamed = await postCsv(operator, '/api/v1/admission/births', `house_guid,birth_year,count\r\n${street.houses.get('1')},2020,5\r\n`);
    assert.equal(streamed.statusCode, 200, streamed.body);
    assert.deepEqual(streamed.json(), { accepted: 1, rejectedCount: 0, rejected: [] });
    const rows = await t.context.db.select().from(admissionBirthCount).where(eq(admissionBirthCount.houseId, street.houses.get('1')!));
    assert.deepEqual(rows.map((r) => [r.birthYear, r.count]).sort(), [[2019, 12], [2020, 5]]);
    assert.equal((await postCsv(operator, '/api/v1/admission/births', 'nothing,here\n')).statusCode, 422);

    const stranger = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: m + 1 }]));
    assert.equal((await stranger.get(`/admission/planning/campaigns/${campaign.id}`)).statusCode, 404);
    assert.equal((await stranger.api('PUT', `/api/v1/admission/campaigns/${campaign.id}/schools/${school.id}/plan`, { classes: 9, classSize: 25 })).statusCode, 404);
    const foreign = await postCsv(stranger, '/api/v1/admission/births', `house_guid,birth_year,count\n${street.houses.get('1')},2021,5\n`);
    assert.equal(foreign.json().rejectedCount, 1, 'a house of another municipality is rejected');
    const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.id }]));
    assert.equal((await head.get('/admission/planning')).statusCode, 403);
    assert.equal((await head.get(`/admission/planning/campaigns/${campaign.id}`)).statusCode, 404);
    assert.equal((await new Agent(t.app).get('/admission/planning/births')).statusCode, 302);

    const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
    assert.equal((await admin.api('PUT', `/api/v1/admission/campaigns/${campaign.id}/schools/${school.id}/plan`, { classes: 3, classSize: 25 })).statusCode, 204);
  });
});

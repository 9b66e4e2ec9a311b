import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { Agent, createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { createPerson } from '../../registry/person.factory.ts';
import { createApplication, createCampaign, createPlan, createSchool } from './admission-order.fixtures.ts';
import { admissionApplication } from './admission.schema.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-07-02T09:00:00Z')); // stage 1 is over: its decisions may be made
});
after(() => t.close());

const statusOf = async (id: string) => (await t.context.db.select().from(admissionApplication).where(eq(admissionApplication.id, id)))[0]!.status;

describe('order of admission pages and API', () => {
  test('operator: dry run → review → commit; the protocol is public with receipt numbers only; other roles and scopes cannot run or see dry runs', async () => {
    const m = 5;
    const campaign = await createCampaign(t.context.db, { municipalityId: m });
    const school = await createSchool(t.context.db, m, { shortName: 'Школа № 102' });
    await createPlan(t.context.db, campaign.id, school.id, 1);
    const guardian = await createPerson(t.context.db, { lastName: 'Засекреченная', birthDate: '1990-01-01' });
    const first = await createApplication(t.context.db, campaign, school.id, { status: 'documentsChecked', guardianId: guardian.id });
    const second = await createApplication(t.context.db, campaign, school.id, { status: 'documentsChecked' });

    const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: m }]));
    const list = await operator.get('/admission/order');
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes(`/admission/order/campaigns/${campaign.id}`));
    assert.equal((await operator.post(`/admission/order/campaigns/${campaign.id}`, { stage: '7' })).statusCode, 422);
    const dry = await operator.post(`/admission/order/campaigns/${campaign.id}`, { stage: '1' });
    assert.equal(dry.statusCode, 303, dry.body);
    const runUrl = String(dry.headers.location);
    const review = await operator.get(runUrl);
    assert.equal(review.statusCode, 200);
    assert.ok(review.body.includes('Школа № 102'));
    assert.equal(await statusOf(first.id), 'documentsChecked', 'a dry run changes nothing');

    const stranger = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 6 }]));
    assert.equal((await stranger.get(runUrl)).statusCode, 404, 'another municipality does not even see the run');
    assert.equal((await stranger.post(`/admission/order/campaigns/${campaign.id}`, { stage: '1' })).statusCode, 404);
    const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.id }]));
    assert.equal((await head.get('/admission/order')).statusCode, 403);
    assert.equal((await head.post(`${runUrl}/commit`, {})).statusCode, 404);
    assert.equal((await new Agent(t.app).get(runUrl)).statusCode, 302, 'anonymous: sent to log in');

    const commit = await operator.post(`${runUrl}/commit`, {});
    assert.equal(commit.statusCode, 303);
    const protocolUrl = String(commit.headers.location);
    assert.equal(await statusOf(first.id), 'enrolled');
    assert.equal(await statusOf(second.id), 'refused');

    const anonymous = new Agent(t.app);
    const page = await anonymous.get(protocolUrl);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(String(first.receiptNumber)) && page.body.includes(String(second.receiptNumber)));
    assert.ok(!page.body.includes('Засекреченная') && !page.body.includes(first.id), 'numbers only');
    const found = await anonymous.post(`${protocolUrl}/lookup`, { number: String(second.receiptNumber) });
    assert.equal(found.statusCode, 200);
    assert.match(found.body, new RegExp(`Заявление № ${second.receiptNumber}: мест нет`));
    assert.equal((await anonymous.post(`${protocolUrl}/lookup`, { number: '999999' })).statusCode, 404);
    assert.equal((await anonymous.post(`${protocolUrl}/lookup`, { number: 'abc' })).statusCode, 422);
    const instance = await anonymous.get(`${protocolUrl}/instance.json`);
    assert.equal(instance.statusCode, 200);
    assert.ok(!instance.body.includes(first.id) && !instance.body.includes(guardian.id));
    const listPage = await anonymous.get(`/admission/campaigns/${campaign.id}/protocols`);
    assert.equal(listPage.statusCode, 200);
    assert.ok(listPage.body.includes(protocolUrl));
    const json = await anonymous.api('GET', `/api/v1/admission/public/protocols/${protocolUrl.split('/').pop()}`);
    assert.equal(json.statusCode, 200);
    assert.equal(json.json().assignment[String(first.receiptNumber)], school.id);
  });

  test('API: dry run, a stale commit answers 409, discard; a dry run is not a public protocol', async () => {
    const m = 7;
    const campaign = await createCampaign(t.context.db, { municipalityId: m });
    const school = await createSchool(t.context.db, m);
    await createPlan(t.context.db, campaign.id, school.id, 5);
    const a = await createApplication(t.context.db, campaign, school.id, { status: 'documentsChecked' });
    const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
    const created = await admin.api('POST', `/api/v1/admission/campaigns/${campaign.id}/runs`, { stage: 1 });
    assert.equal(created.statusCode, 201, created.body);
    const run = created.json();
    assert.equal(run.assignment[String(a.receiptNumber)], school.id);
    assert.equal((await new Agent(t.app).get(`/admission/protocols/${run.id}`)).statusCode, 404, 'dry runs are not public');
    await t.context.db.update(admissionApplication).set({ status: 'withdrawn', version: 9 }).where(eq(admissionApplication.id, a.id));
    const stale = await admin.api('POST', `/api/v1/admission/runs/${run.id}/commit`);
    assert.equal(stale.statusCode, 409);
    assert.equal((await admin.api('POST', `/api/v1/admission/runs/${run.id}/discard`)).statusCode, 204);
    assert.equal((await admin.api('POST', `/api/v1/admission/runs/${run.id}/discard`)).statusCode, 409);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { Agent, createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { createStreet } from '../../registry/address.factory.ts';
import { auditEvent } from '../../platform/audit/audit.schema.ts';
import { createApplication, createCampaign, createSchool } from './admission-order.fixtures.ts';
import { flagApplications } from './flags.service.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

describe('review queue of suspicious registrations, per role', () => {
  test('the operator of the municipality reviews; another municipality, the school and a guardian cannot; the school sees presence only; the regional admin sets thresholds', async () => {
    const m = 8;
    const campaign = await createCampaign(t.context.db, { municipalityId: m });
    const school = await createSchool(t.context.db, m, { shortName: 'Гимназия № 1' });
    const otherSchool = await createSchool(t.context.db, m);
    const street = await createStreet(t.context.db, { municipalityId: m, houses: ['9!'] });
    const app = await createApplication(t.context.db, campaign, school.id, { houseId: street.houses.get('9!')!, registeredSince: '2026-03-20' });
    await flagApplications(t.context, [app.id]);

    const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: m }]));
    const queue = await operator.get('/admission/flags?status=open');
    assert.equal(queue.statusCode, 200);
    assert.ok(queue.body.includes(`№ ${app.receiptNumber}`) && queue.body.includes('Гимназия № 1'));
    const api = await operator.api('GET', '/api/v1/admission/flags?kind=nonResidential');
    assert.equal(api.statusCode, 200);
    const [flag] = api.json().items;
    assert.equal(flag.kind, 'nonResidential');
    const reads = await t.context.db.select().from(auditEvent).where(eq(auditEvent.entityType, 'admissionFlag'));
    assert.ok(reads.some((e) => e.action === 'read'), 'reading the queue is audited');

    const missing = await operator.post(`/admission/flags/${flag.id}`, { status: 'confirmed', comment: '', expectedStatus: 'open' });
    assert.equal(missing.statusCode, 422);
    assert.match(missing.body, /Напишите, что проверено/);
    const saved = await operator.post(`/admission/flags/${flag.id}`, { status: 'confirmed', comment: 'Гараж, проживание не подтверждено', expectedStatus: 'open' });
    assert.equal(saved.statusCode, 303);
    const stale = await operator.post(`/admission/flags/${flag.id}`, { status: 'cleared', comment: 'x', expectedStatus: 'open' });
    assert.equal(stale.statusCode, 409);

    const stranger = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: m + 1 }]));
    assert.equal((await stranger.get(`/admission/flags/${flag.id}`)).statusCode, 404);
    assert.equal((await stranger.api('GET', '/api/v1/admission/flags')).json().items.length, 0);
    const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: school.id }]));
    assert.equal((await head.get('/admission/flags')).statusCode, 403);
    assert.equal((await head.get(`/admission/flags/${flag.id}`)).statusCode, 404);
    const presence = await head.api('GET', `/api/v1/admission/applications/${app.id}/open-flags`);
    assert.equal(presence.statusCode, 200);
    assert.deepEqual(presence.json(), { openFlags: 1 }, 'the recent registration is still open; no details');
    const otherHead = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: otherSchool.id }]));
    assert.equal((await otherHead.api('GET', `/api/v1/admission/applications/${app.id}/open-flags`)).statusCode, 404);
    const guardian = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }]));
    assert.equal((await guardian.get('/admission/flags')).statusCode, 403);
    assert.equal((await new Agent(t.app).get('/admission/flags')).statusCode, 302);

    assert.equal((await operator.get('/admission/parameters')).statusCode, 403, 'thresholds are the region’s');
    const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
    assert.equal((await admin.get('/admission/parameters')).statusCode, 200);
    const bad = await admin.post('/admission/parameters', { flagApartmentGuardians: '1' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /value="1"/, 'the input is kept');
    assert.equal((await admin.post('/admission/parameters', { flagApartmentGuardians: '4' })).statusCode, 303);
    assert.equal((await admin.api('GET', '/api/v1/admission/parameters')).json().flagApartmentGuardians, 4);
  });
});

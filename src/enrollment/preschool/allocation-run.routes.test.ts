import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { Agent, createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { createPerson } from '../../registry/person.factory.ts';
import { allocationRunPolicy } from './allocation-run.policy.ts';
import { createGroup, createKindergarten, createQueuedApplication } from './allocation-run.fixtures.ts';
import { expireOffers } from './offer.service.ts';
import { offerPolicy } from './offer.policy.ts';
import { can, type Actor } from '../../platform/access/access.ts';
import { kindergartenGroup, preschoolApplication, preschoolOffer } from './preschool.schema.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let t: TestApp;
const directory = mkdtempSync(path.join(tmpdir(), 'prostor-protocol-'));

before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
  rmSync(directory, { recursive: true, force: true });
});

const statusOf = async (id: string) => (await t.context.db.select().from(preschoolApplication).where(eq(preschoolApplication.id, id)))[0]!.status;

describe('allocation runs, offers and public pages end to end', () => {
  test('operator dry run → review → commit; protocol public with no names; the CLI re-runs instance.json to the same assignment; guardian accepts; head enrols', async () => {
    const m = 2;
    const k = await createKindergarten(t.context.db, { municipalityId: m });
    const group = await createGroup(t.context.db, k.id, { capacity: 20, occupied: 18 });
    const guardian = await createPerson(t.context.db, { birthDate: '1990-01-01', lastName: 'Засекреченная' });
    const first = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [k.id], guardianId: guardian.id, childLastName: 'Тайнова' });
    const second = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [k.id], childLastName: 'Скрытова' });
    const third = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [k.id], childLastName: 'Невидимов' });

    const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: m }]));
    const form = await operator.get('/preschool/allocation');
    assert.equal(form.statusCode, 200);
    const invalid = await operator.post('/preschool/allocation', { municipalityId: String(m), kind: 'main', allocationDate: 'завтра', mechanism: 'deferred-acceptance' });
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /ГГГГ-ММ-ДД/);
    assert.match(invalid.body, /value="завтра"/, 'the input is kept');

    const dry = await operator.post('/preschool/allocation', { municipalityId: String(m), kind: 'main', allocationDate: '2026-09-01', mechanism: 'deferred-acceptance' });
    assert.equal(dry.statusCode, 303);
    const runUrl = String(dry.headers.location);
    const review = await operator.get(runUrl);
    assert.equal(review.statusCode, 200);
    assert.ok(review.body.includes(first.number) && review.body.includes(third.number));
    assert.equal(await statusOf(first.id), 'inQueue');

    // Another municipality's operator does not even see the run.
    const stranger = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 3 }]));
    assert.equal((await stranger.get(runUrl)).statusCode, 404);

    const committed = await operator.post(`${runUrl}/commit`, {});
    assert.equal(committed.statusCode, 303);
    const protocolUrl = String(committed.headers.location);
    assert.match(protocolUrl, /^\/preschool\/protocols\/[0-9a-f-]{36}$/);
    assert.equal(await statusOf(first.id), 'offered');
    assert.equal(await statusOf(second.id), 'offered');
    assert.equal(await statusOf(third.id), 'inQueue');

    // Public, no login: list, protocol, instance; numbers only.
    const anonymous = t.app;
    const list = await anonymous.inject({ method: 'GET', url: '/preschool/protocols' });
    assert.equal(list.statusCode, 200);
    assert.match(String(list.headers['cache-control']), /public, max-age=/);
    const protocol = await anonymous.inject({ method: 'GET', url: protocolUrl });
    assert.equal(protocol.statusCode, 200);
    const instance = await anonymous.inject({ method: 'GET', url: `${protocolUrl}/instance.json` });
    const result = await anonymous.inject({ method: 'GET', url: `${protocolUrl}/result.json` });
    const visitor = new Agent(t.app);
    assert.equal((await visitor.get('/preschool/queue')).statusCode, 200);
    const lookup = await visitor.post('/preschool/queue', { number: third.number });
    const kindergarten = await anonymous.inject({ method: 'GET', url: `/preschool/queue/kindergartens/${k.id}` });
    const api = await anonymous.inject({ method: 'POST', url: '/api/v1/preschool/public/queue-position', payload: { number: third.number } });
    for (const page of [list, protocol, instance, result, lookup, kindergarten, api]) {
      assert.equal(page.statusCode, 200, page.body.slice(0, 300));
      for (const name of ['Тайнова', 'Скрытова', 'Невидимов', 'Засекреченная', first.childId, guardian.id]) assert.ok(!page.body.includes(name), `${name} on a public page`);
    }
    assert.ok(lookup.body.includes('В очереди'));
    assert.deepEqual(JSON.parse(api.body).positions.map((p: { position: number }) => p.position), [1]);
    assert.ok(kindergarten.body.includes(third.number));

    const file = path.join(directory, 'instance.json');
    writeFileSync(file, instance.body);
    const cli = spawnSync(process.execPath, [path.join(root, 'bin/prostor.mjs'), 'allocate', file], { cwd: root, encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const rerun = JSON.parse(cli.stdout);
    const published = JSON.parse(result.body);
    assert.deepEqual(rerun.assignment, published.assignment, 'the protocol re-runs to the same assignment');
    assert.equal(rerun.instanceSha256, published.instanceSha256);

    // The guardian accepts on the application page's routes; a stranger cannot.
    const guardianAgent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: guardian.id }));
    const otherGuardian = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: (await createPerson(t.context.db, { birthDate: '1985-01-01' })).id }));
    assert.equal((await otherGuardian.post(`/preschool/applications/${first.id}/offer/accept`, {})).statusCode, 404);
    const accepted = await guardianAgent.post(`/preschool/applications/${first.id}/offer/accept`, {});
    assert.equal(accepted.statusCode, 303, accepted.body.slice(0, 300));

    // The head of the kindergarten enrols.
    const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: k.id }]));
    const offers = await head.get('/preschool/offers');
    assert.equal(offers.statusCode, 200);
    assert.ok(offers.body.includes(first.number));
    const [offer] = await t.context.db.select().from(preschoolOffer).where(eq(preschoolOffer.applicationId, first.id));
    const enrol = await head.post(`/preschool/offers/${offer!.id}/enrol`, {});
    assert.equal(enrol.statusCode, 303);
    assert.equal(await statusOf(first.id), 'enrolled');
    const [after] = await t.context.db.select().from(kindergartenGroup).where(eq(kindergartenGroup.id, group.id));
    assert.equal(after!.occupied, 19);
    assert.equal(offer!.groupId, group.id);

    // The second offer expires at its deadline; the seat is free for the next run.
    const expired = await expireOffers(t.context.db, new Date(t.clock.now().getTime() + 11 * 86_400_000));
    assert.equal(expired, 1);
    assert.equal(await statusOf(second.id), 'offerExpired');
  });

  test('declining an offer: application declined, then the guardian chooses back to the queue', async () => {
    const m = 4;
    const k = await createKindergarten(t.context.db, { municipalityId: m });
    await createGroup(t.context.db, k.id, { capacity: 20, occupied: 19 });
    const guardian = await createPerson(t.context.db, { birthDate: '1990-01-01' });
    const app = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [k.id], guardianId: guardian.id });
    const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: m }]));
    const dry = await operator.api('POST', '/api/v1/preschool/allocation-runs', { municipalityId: m, kind: 'topUp', allocationDate: '2026-09-01' });
    assert.equal(dry.statusCode, 201, dry.body);
    const run = JSON.parse(dry.body);
    assert.equal(run.assignment[app.number], run.assignment[app.number] && run.assignment[app.number]);
    assert.equal((await operator.api('POST', `/api/v1/preschool/allocation-runs/${run.id}/commit`)).statusCode, 200);
    const guardianAgent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: guardian.id }));
    assert.equal((await guardianAgent.post(`/preschool/applications/${app.id}/offer/decline`, {})).statusCode, 303);
    assert.equal(await statusOf(app.id), 'declined');
    assert.equal((await guardianAgent.post(`/preschool/applications/${app.id}/offer/queue`, {})).statusCode, 303);
    assert.equal(await statusOf(app.id), 'inQueue');
    // The declined offer no longer holds the seat: a new run offers it again.
    const again = JSON.parse((await operator.api('POST', '/api/v1/preschool/allocation-runs', { municipalityId: m, kind: 'topUp', allocationDate: '2026-09-01' })).body);
    assert.ok(again.assignment[app.number]);
  });

  test('policy per role: only the municipality’s operator or the regional admin runs allocations; anyone reads protocols; the guardian answers, the head enrols', () => {
    const account = (grants: Array<{ role: 'guardian' | 'municipalOperator' | 'regionalAdmin' | 'organizationHead' | 'teacher'; municipalityId?: number; organizationId?: string }>, personId: string | null = null): Actor => ({
      kind: 'account',
      accountId: 'a',
      personId,
      displayName: 'x',
      via: 'session',
      grants: grants.map((g) => ({ role: g.role, municipalityId: g.municipalityId ?? null, organizationId: g.organizationId ?? null })),
    });
    const run = { municipalityId: 1, status: 'dryRun' as const };
    assert.equal(can(account([{ role: 'municipalOperator', municipalityId: 1 }]), allocationRunPolicy, 'commit', run), true);
    assert.equal(can(account([{ role: 'municipalOperator', municipalityId: 2 }]), allocationRunPolicy, 'commit', run), false);
    assert.equal(can(account([{ role: 'regionalAdmin' }]), allocationRunPolicy, 'run', run), true);
    assert.equal(can(account([{ role: 'organizationHead', organizationId: 'k' }]), allocationRunPolicy, 'run', run), false);
    assert.equal(can({ kind: 'anonymous' }, allocationRunPolicy, 'readProtocol', { municipalityId: 1, status: 'committed' }), true);
    assert.equal(can({ kind: 'anonymous' }, allocationRunPolicy, 'readProtocol', run), false, 'a dry run is not public');
    const offer = { municipalityId: 1, organizationId: 'k', guardianId: 'g', childGuardianIds: ['g2'] };
    assert.equal(can(account([{ role: 'guardian' }], 'g'), offerPolicy, 'respond', offer), true);
    assert.equal(can(account([{ role: 'guardian' }], 'g2'), offerPolicy, 'respond', offer), true);
    assert.equal(can(account([{ role: 'guardian' }], 'g3'), offerPolicy, 'read', offer), false);
    assert.equal(can(account([{ role: 'guardian' }], 'g'), offerPolicy, 'enrol', offer), false);
    assert.equal(can(account([{ role: 'organizationHead', organizationId: 'k' }]), offerPolicy, 'enrol', offer), true);
    assert.equal(can(account([{ role: 'organizationHead', organizationId: 'other' }]), offerPolicy, 'read', offer), false);
    assert.equal(can(account([{ role: 'teacher', organizationId: 'k' }]), offerPolicy, 'enrol', offer), false);
    assert.equal(can(account([{ role: 'municipalOperator', municipalityId: 1 }]), offerPolicy, 'respond', offer), true);
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../app.ts';
import { connectDatabase, queryRows } from '../../platform/db/connect.ts';
import { issueApiToken } from '../../platform/auth/api-tokens.ts';
import type { AppContext } from '../../platform/context.ts';
import { solvedPow } from '../../platform/http/proof-of-work.fixtures.ts';
import { issueSearchAllowance } from '../../platform/http/proof-of-work.ts';
import { createStreet } from '../../registry/address.factory.ts';
import { createPerson } from '../../registry/person.factory.ts';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../../test/support/app.ts';
import { testOnPostgres } from '../../../test/support/database.ts';
import { forgetRateRules } from './rate-limit.ts';
import { createDraft, createPublishedCampaign, testStages, type TestCampaign } from './submission.fixtures.ts';
import { batcherOptionsFor, submissionBatcher } from './submission.service.ts';

interface Guardian {
  app: TestApp['app'];
  personId: string;
  accountId: string;
  agent: Agent;
}

async function guardian(t: TestApp): Promise<Guardian> {
  const person = await createPerson(t.context.db, { birthDate: '1990-02-03' });
  const account = await createAccount(t.context, [{ role: 'guardian' }], { personId: person.id });
  return { app: t.app, personId: person.id, accountId: account.id, agent: await loggedInAgent(t.app, account) };
}

/** The agent's session cookie, for requests with headers of our own (Idempotency-Key). */
function cookieOf(agent: Agent): string {
  return (agent as unknown as { cookieHeader(): string }).cookieHeader();
}

function submit(g: Guardian, applicationId: string, key: string, body: Record<string, unknown> = {}) {
  return g.app.inject({
    method: 'POST',
    url: `/api/v1/admission/applications/${applicationId}/submit`,
    headers: { cookie: cookieOf(g.agent), 'x-csrf-token': g.agent.csrfToken, 'content-type': 'application/json', 'idempotency-key': key },
    payload: JSON.stringify(body),
  });
}

async function counts(context: AppContext, applicationId: string) {
  const [row] = await queryRows<{ changes: number; keys: number; jobs: number }>(
    context.db,
    sql`SELECT (SELECT count(*)::int FROM admission_status_change WHERE application_id = ${applicationId}) AS changes,
               (SELECT count(*)::int FROM admission_submission_key WHERE application_id = ${applicationId}) AS keys,
               (SELECT count(*)::int FROM job WHERE queue = 'admission.received' AND payload->'applicationIds' ? ${applicationId}) AS jobs`,
  );
  return row!;
}

describe('submitting a draft at the opening minute', () => {
  let t: TestApp;
  let campaign: TestCampaign;
  let mother: Guardian;

  before(async () => {
    t = await createTestApp();
    t.clock.set(new Date('2026-03-02T09:00:00Z')); // stage 1
    campaign = await createPublishedCampaign(t.context.db);
    mother = await guardian(t);
    // One guardian sends many drafts here; the limit test sets its own limits.
    await t.context.db.execute(sql`UPDATE admission_rate_rule SET max_hits = 1000`);
    forgetRateRules(t.context.db);
  });
  after(async () => t.close());

  test('the same key from four devices at once gives one application and the same receipt to all', async () => {
    const draft = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId });
    const responses = await Promise.all([1, 2, 3, 4].map(() => submit(mother, draft, 'device-key-0001')));
    const receipts = responses.map((r) => r.json() as { receiptNumber: number; receivedAt: string; replayed: boolean });
    assert.deepEqual(responses.map((r) => r.statusCode).sort(), [200, 200, 200, 201]);
    assert.equal(new Set(receipts.map((r) => `${r.receiptNumber}|${r.receivedAt}`)).size, 1, 'same number and time for every device');
    assert.deepEqual(await counts(t.context, draft), { changes: 1, keys: 1, jobs: 1 });

    // Later, a resend of the same key still returns the original receipt, even at another time.
    t.clock.advance(60_000);
    const again = await submit(mother, draft, 'device-key-0001');
    assert.equal(again.statusCode, 200);
    assert.deepEqual({ ...(again.json() as object), replayed: true }, { ...receipts[0], replayed: true });
    t.clock.advance(-60_000);
  });

  test('the same key with another request is refused with problem+json', async () => {
    const first = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId });
    const second = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId });
    assert.equal((await submit(mother, first, 'reused-key-0001')).statusCode, 201);
    const refused = await submit(mother, second, 'reused-key-0001');
    assert.equal(refused.statusCode, 422);
    assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
    assert.equal(refused.json().code, 'idempotency-key-reused');
    const [state] = await queryRows<{ status: string }>(t.context.db, sql`SELECT status FROM admission_application WHERE id = ${second}`);
    assert.equal(state!.status, 'draft');
  });

  test('a draft already submitted from another device (another key) returns its receipt', async () => {
    const draft = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId });
    const first = await submit(mother, draft, 'phone-key-00001');
    const second = await submit(mother, draft, 'laptop-key-0001');
    assert.equal(first.statusCode, 201);
    assert.equal(second.statusCode, 200);
    assert.equal(second.json().receiptNumber, first.json().receiptNumber);
    assert.equal((await counts(t.context, draft)).changes, 1);
  });

  test('a draft of another guardian is not found; no key answers 400', async () => {
    const other = await guardian(t);
    const draft = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId });
    assert.equal((await submit(other, draft, 'stranger-key-01')).statusCode, 404);
    const noKey = await t.app.inject({
      method: 'POST',
      url: `/api/v1/admission/applications/${draft}/submit`,
      headers: { cookie: cookieOf(mother.agent), 'x-csrf-token': mother.agent.csrfToken, 'content-type': 'application/json' },
      payload: '{}',
    });
    assert.equal(noKey.statusCode, 400);
    assert.equal(noKey.json().code, 'idempotency-key-required');
  });

  test('a draft changed since the page was opened is refused (409)', async () => {
    const draft = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId });
    const response = await submit(mother, draft, 'stale-key-00001', { applicationVersion: 7 });
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().code, 'draft-changed');
    assert.equal((await submit(mother, draft, 'fresh-key-00001', { applicationVersion: 1 })).statusCode, 201);
  });

  test('receipt numbers are gap-free and follow arrival under concurrency', async () => {
    const fresh = await createPublishedCampaign(t.context.db, { municipalityId: 2 });
    const drafts: string[] = [];
    for (let i = 0; i < 40; i++) drafts.push(await createDraft(t.context.db, fresh, { guardianId: mother.personId, accountId: mother.accountId }));
    const responses = await Promise.all(drafts.map((d, i) => submit(mother, d, `gapfree-key-${String(i).padStart(4, '0')}`)));
    assert.ok(responses.every((r) => r.statusCode === 201));
    const numbers = responses.map((r) => r.json().receiptNumber as number).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 40 }, (_, i) => i + 1));
  });

  test('outside the stage windows the refusal gives the dates', async () => {
    const draft = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId });
    try {
      t.clock.set(new Date('2026-02-27T09:00:00Z'));
      const early = await submit(mother, draft, 'early-key-00001');
      assert.equal(early.statusCode, 422);
      assert.equal(early.json().code, 'outside-window');
      assert.match(early.json().title, /ещё не начался.*01\.03\.2026/);
      // Months later the session has expired: the guardian logs in again.
      t.clock.set(new Date('2026-07-03T09:00:00Z'));
      const later = await guardian(t);
      const between = await submit(later, await createDraft(t.context.db, campaign, { guardianId: later.personId, accountId: later.accountId }), 'between-key-001');
      assert.equal(between.statusCode, 422);
      assert.match(between.json().title, /Между этапами/);
    } finally {
      t.clock.set(new Date('2026-03-02T09:00:00Z'));
    }
  });

  test('stage 1 accepts the territory and the priority categories; stage 2 anyone while places are free', async () => {
    const outside = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId, inTerritory: false });
    const refused = await submit(mother, outside, 'outside-key-001');
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().code, 'not-eligible');
    assert.match(refused.json().title, /закреплённой за школой территории/);
    const military = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId, inTerritory: false, priorityCode: 'military' });
    assert.equal((await submit(mother, military, 'military-key-01')).statusCode, 201);

    try {
      t.clock.set(testStages.stage2OpensAt);
      const later = await guardian(t);
      const outsideLater = await createDraft(t.context.db, campaign, { guardianId: later.personId, accountId: later.accountId, inTerritory: false });
      const stage2 = await submit(later, outsideLater, 'stage2-key-0001');
      assert.equal(stage2.statusCode, 201);
      assert.equal(stage2.json().stage, 2);
      const full = await createPublishedCampaign(t.context.db, { municipalityId: 3, plannedPlaces: 0 });
      const noPlace = await createDraft(t.context.db, full, { guardianId: later.personId, accountId: later.accountId, inTerritory: false });
      const noPlaces = await submit(later, noPlace, 'noplace-key-001');
      assert.equal(noPlaces.statusCode, 409);
      assert.equal(noPlaces.json().code, 'no-free-places');
    } finally {
      t.clock.set(new Date('2026-03-02T09:00:00Z'));
    }
  });

  test('per-account and per-address limits answer 429 with Retry-After and a Russian message', async () => {
    const father = await guardian(t);
    await t.context.db.execute(sql`UPDATE admission_rate_rule SET max_hits = 2 WHERE action = 'submission' AND scope = 'account'`);
    forgetRateRules(t.context.db);
    const drafts = [];
    for (let i = 0; i < 3; i++) drafts.push(await createDraft(t.context.db, campaign, { guardianId: father.personId, accountId: father.accountId }));
    assert.equal((await submit(father, drafts[0]!, 'limit-key-00001')).statusCode, 201);
    assert.equal((await submit(father, drafts[1]!, 'limit-key-00002')).statusCode, 201);
    const third = await submit(father, drafts[2]!, 'limit-key-00003');
    assert.equal(third.statusCode, 429);
    assert.ok(Number(third.headers['retry-after']) >= 1);
    assert.match(third.json().title, /Слишком много попыток с этой учётной записи/);

    await t.context.db.execute(sql`UPDATE admission_rate_rule SET max_hits = 1000 WHERE scope = 'account'`);
    await t.context.db.execute(sql`UPDATE admission_rate_rule SET max_hits = 1 WHERE action = 'submission' AND scope = 'address'`);
    forgetRateRules(t.context.db);
    const street = await createStreet(t.context.db, { municipalityId: 1, street: 'Красная', houses: ['12'] });
    const house = { id: street.houses.get('12')! };
    const a = await createDraft(t.context.db, campaign, { guardianId: father.personId, accountId: father.accountId, houseId: house.id, apartment: '12' });
    const b = await createDraft(t.context.db, campaign, { guardianId: father.personId, accountId: father.accountId, houseId: house.id, apartment: ' 12 ' });
    assert.equal((await submit(father, a, 'address-key-001')).statusCode, 201);
    const sameFlat = await submit(father, b, 'address-key-002');
    assert.equal(sameFlat.statusCode, 429);
    assert.match(sameFlat.json().title, /с этого адреса/);
    await t.context.db.execute(sql`UPDATE admission_rate_rule SET max_hits = 1000`);
    forgetRateRules(t.context.db);
  });

  test('the HTML form posts and redirects to the application; a resend with the same hidden key too', async () => {
    const draft = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId });
    const first = await mother.agent.post(`/admission/applications/${draft}/submit`, { idempotencyKey: 'form-key-000001', applicationVersion: '1' });
    assert.equal(first.statusCode, 303);
    assert.equal(first.headers.location, `/admission/applications/${draft}`);
    const resend = await mother.agent.post(`/admission/applications/${draft}/submit`, { idempotencyKey: 'form-key-000001', applicationVersion: '1' });
    assert.equal(resend.statusCode, 303);
    assert.equal((await counts(t.context, draft)).changes, 1);
  });

  test('an API token must carry a solved proof-of-work challenge, used once', async () => {
    const guardianGrant = { role: 'guardian' as const, municipalityId: null, organizationId: null };
    const token = await issueApiToken(t.context.db, { actor: { kind: 'anonymous' }, ip: null, requestId: null }, mother.accountId, { name: 'script', grant: guardianGrant, expiresAt: null }, t.context.clock.now());
    const draft = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId });
    const headers = { authorization: `Bearer ${token.token}`, 'content-type': 'application/json', 'idempotency-key': 'token-key-00001' };
    const without = await t.app.inject({ method: 'POST', url: `/api/v1/admission/applications/${draft}/submit`, headers, payload: '{}' });
    assert.equal(without.statusCode, 403);
    assert.equal(without.json().code, 'proof-of-work-required');
    assert.equal(without.json().challenge, '/api/v1/proof-of-work/challenge', 'the refusal says where to get a challenge');
    const { allowance } = await issueSearchAllowance(t.context.db, t.context.clock.now());
    const withAllowance = await t.app.inject({ method: 'POST', url: `/api/v1/admission/applications/${draft}/submit`, headers: { ...headers, 'x-pow-allowance': allowance }, payload: '{}' });
    assert.equal(withAllowance.statusCode, 403, 'a search allowance does not pay for a submission');
    const altcha = await solvedPow(t.context.db);
    const ok = await t.app.inject({ method: 'POST', url: `/api/v1/admission/applications/${draft}/submit`, headers: { ...headers, 'x-altcha': altcha }, payload: '{}' });
    assert.equal(ok.statusCode, 201);
    const replay = await t.app.inject({ method: 'POST', url: `/api/v1/admission/applications/${draft}/submit`, headers: { ...headers, 'x-altcha': altcha }, payload: '{}' });
    assert.equal(replay.statusCode, 403, 'a solution is accepted once');
  });

  test('when the batcher queue is full the submission sheds with 503 and Retry-After, and nothing is written', async () => {
    const draft = await createDraft(t.context.db, campaign, { guardianId: mother.personId, accountId: mother.accountId });
    submissionBatcher(t.context, { ...batcherOptionsFor(t.context), maxQueued: 0 });
    const shed = await submit(mother, draft, 'shed-key-000001');
    assert.equal(shed.statusCode, 503);
    assert.ok(Number(shed.headers['retry-after']) >= 1);
    assert.match(shed.json().title, /не отправлено/);
    assert.equal((await counts(t.context, draft)).changes, 0);
    submissionBatcher(t.context, batcherOptionsFor(t.context));
    assert.equal((await submit(mother, draft, 'shed-key-000001')).statusCode, 201, 'the retry with the same key succeeds');
  });
});

describe('two app processes on one PostgreSQL', { skip: testOnPostgres ? false : 'needs PostgreSQL: set TEST_DATABASE_URL (PGlite is one process, two app instances cannot share it)' }, () => {
  test('share one gap-free, unique receipt sequence', async () => {
    const t = await createTestApp();
    const second = await connectDatabase({ databaseUrl: t.database.url!, poolSize: 5 });
    const otherContext: AppContext = { ...t.context, database: second, db: second.db };
    const otherApp = await buildApp(otherContext);
    await otherApp.ready();
    try {
      t.clock.set(new Date('2026-03-02T09:00:00Z'));
      await t.context.db.execute(sql`UPDATE admission_rate_rule SET max_hits = 1000`);
      const campaign = await createPublishedCampaign(t.context.db);
      const g = await guardian(t);
      const drafts: string[] = [];
      for (let i = 0; i < 60; i++) drafts.push(await createDraft(t.context.db, campaign, { guardianId: g.personId, accountId: g.accountId }));
      const responses = await Promise.all(
        drafts.map((d, i) =>
          (i % 2 === 0 ? t.app : otherApp).inject({
            method: 'POST',
            url: `/api/v1/admission/applications/${d}/submit`,
            headers: { cookie: cookieOf(g.agent), 'x-csrf-token': g.agent.csrfToken, 'content-type': 'application/json', 'idempotency-key': `two-proc-${String(i).padStart(4, '0')}` },
            payload: '{}',
          }),
        ),
      );
      assert.ok(responses.every((r) => r.statusCode === 201), responses.map((r) => r.statusCode).join(','));
      const [row] = await queryRows<{ n: number; min: string; max: string; distinct: number }>(
        t.context.db,
        sql`SELECT count(*)::int AS n, min(receipt_number) AS min, max(receipt_number) AS max, count(DISTINCT receipt_number)::int AS distinct
            FROM admission_application WHERE campaign_id = ${campaign.campaignId} AND receipt_number IS NOT NULL`,
      );
      assert.deepEqual({ n: row!.n, min: Number(row!.min), max: Number(row!.max), distinct: row!.distinct }, { n: 60, min: 1, max: 60, distinct: 60 });
    } finally {
      await otherApp.close();
      await second.close();
      await t.close();
    }
  });
});

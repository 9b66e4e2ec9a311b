import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../../test/support/app.ts';
import { listAuditEvents } from '../../platform/audit/audit.ts';
import { createOrganization } from '../../registry/organization.factory.ts';
import { createPerson } from '../../registry/person.factory.ts';
import { listRateRules } from './rate-limit.service.ts';
import { createDraft, createPublishedCampaign, type TestCampaign } from './submission.fixtures.ts';

/** The form as the page shows it: every limit's two numbers, as stored. */
async function currentForm(t: TestApp): Promise<Record<string, string>> {
  const form: Record<string, string> = {};
  for (const r of await listRateRules(t.context.db)) {
    form[`${r.action}-${r.scope}-windowSeconds`] = String(r.windowSeconds);
    form[`${r.action}-${r.scope}-maxHits`] = String(r.maxHits);
  }
  return form;
}

describe('the editor of the admission rate limits', () => {
  let t: TestApp;
  let admin: Agent;
  let campaign: TestCampaign;

  before(async () => {
    t = await createTestApp();
    t.clock.set(new Date('2026-03-02T09:00:00Z')); // stage 1 of the test campaign, on a whole hour
    campaign = await createPublishedCampaign(t.context.db);
    admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
  });
  after(() => t.close());

  test('the regional administrator sees the limits in force and when a change takes effect; wrong numbers are refused in Russian keeping the input', async () => {
    const page = await admin.get('/admission/rate-limits');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Подача заявления/);
    assert.match(page.body, /3\s600 с \(1 ч\)/); // the seeded 30 per hour per account
    assert.match(page.body, /не позднее чем через 5 с — на каждом процессе сервера/);
    const home = await admin.get('/admission');
    assert.match(home.body, /href="\/admission\/rate-limits"/);

    const before = await currentForm(t);
    const wrong = await admin.post('/admission/rate-limits', { ...before, 'submission-account-maxHits': '0', 'submission-account-windowSeconds': '30', 'draft-address-maxHits': 'много' });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, /Целое число от 1 до 100\s000/);
    assert.match(wrong.body, /Целое число от 60 до 604\s800/);
    assert.match(wrong.body, /value="много"/);
    assert.match(wrong.body, /value="30"/);
    assert.deepEqual(await currentForm(t), before, 'nothing saved');
  });

  test('a change is audited and is the limit in force at once: over the new limit a submission gets 429 with Retry-After', async () => {
    const person = await createPerson(t.context.db, { birthDate: '1990-02-03' });
    const account = await createAccount(t.context, [{ role: 'guardian' }], { personId: person.id });
    const guardian = await loggedInAgent(t.app, account);
    const cookie = (guardian as unknown as { cookieHeader(): string }).cookieHeader();
    const submit = (applicationId: string, key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/admission/applications/${applicationId}/submit`,
        headers: { cookie, 'x-csrf-token': guardian.csrfToken, 'content-type': 'application/json', 'idempotency-key': key },
        payload: '{}',
      });
    const drafts: string[] = [];
    for (let i = 0; i < 3; i++) drafts.push(await createDraft(t.context.db, campaign, { guardianId: person.id, accountId: account.id }));

    // one submission per account in a 10-minute window
    const saved = await admin.post('/admission/rate-limits', { ...(await currentForm(t)), 'submission-account-maxHits': '1', 'submission-account-windowSeconds': '600' });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, '/admission/rate-limits?saved=1');
    assert.match((await admin.get('/admission/rate-limits?saved=1')).body, /Ограничения сохранены/);
    const [event] = await listAuditEvents(t.context.db, { entityType: 'admission_rate_rule', limit: 1 });
    assert.deepEqual((event!.details as { changes: unknown }).changes, { 'submission.account': { windowSeconds: { from: 3600, to: 600 }, maxHits: { from: 30, to: 1 } } });

    assert.equal((await submit(drafts[0]!, 'rate-edit-key-01')).statusCode, 201);
    const refused = await submit(drafts[1]!, 'rate-edit-key-02');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['retry-after'], '600', 'until the 10-minute window ends');
    assert.match(refused.json().title, /Слишком много попыток с этой учётной записи. Повторите через 10 мин\./);

    // raised again: the next submission in the same window is accepted
    assert.equal((await admin.api('PUT', '/api/v1/admission/rate-limits', { items: [{ action: 'submission', scope: 'account', windowSeconds: 600, maxHits: 3 }] })).statusCode, 204);
    assert.equal((await submit(drafts[1]!, 'rate-edit-key-03')).statusCode, 201);
    assert.deepEqual(
      (await admin.api('GET', '/api/v1/admission/rate-limits')).json().items.find((r: { action: string; scope: string }) => r.action === 'submission' && r.scope === 'account'),
      { action: 'submission', scope: 'account', windowSeconds: 600, maxHits: 3 },
    );
    const outOfRange = await admin.api('PUT', '/api/v1/admission/rate-limits', { items: [{ action: 'draft', scope: 'address', windowSeconds: 604_801, maxHits: 5 }] });
    assert.equal(outOfRange.statusCode, 422);
    assert.deepEqual(outOfRange.json().errors, [{ field: 'draft-address-windowSeconds', message: 'Целое число от 60 до 604\u00a0800' }]);
  });

  test('the municipal operator, school staff and guardians cannot read or change the limits; a visitor is asked to log in', async () => {
    const school = await createOrganization(t.context.db, { municipalityId: 1 });
    const form = await currentForm(t);
    for (const grants of [
      [{ role: 'municipalOperator' as const, municipalityId: 1 }],
      [{ role: 'organizationHead' as const, organizationId: school.id }],
      [{ role: 'teacher' as const, organizationId: school.id }],
      [{ role: 'guardian' as const }],
    ]) {
      const agent = await loggedInAgent(t.app, await createAccount(t.context, grants));
      const role = grants[0]!.role;
      assert.equal((await agent.get('/admission/rate-limits')).statusCode, 403, role);
      assert.equal((await agent.post('/admission/rate-limits', { ...form, 'submission-account-maxHits': '99999' })).statusCode, 403, role);
      assert.equal((await agent.api('GET', '/api/v1/admission/rate-limits')).statusCode, 403, role);
      assert.equal((await agent.api('PUT', '/api/v1/admission/rate-limits', { items: [{ action: 'submission', scope: 'account', windowSeconds: 600, maxHits: 99999 }] })).statusCode, 403, role);
      assert.doesNotMatch((await agent.get('/admission')).body, /\/admission\/rate-limits/, role);
    }
    assert.equal((await t.app.inject({ url: '/api/v1/admission/rate-limits' })).statusCode, 401);
    assert.notEqual((await t.app.inject({ url: '/admission/rate-limits' })).statusCode, 200);
    assert.deepEqual(await currentForm(t), form, 'nothing changed');
  });
});

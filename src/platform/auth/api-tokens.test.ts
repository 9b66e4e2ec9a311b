import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { queryRows } from '../db/connect.ts';
import { tokenDigest } from './tokens.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

async function createSchool(shortName: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    t.context.db,
    sql`INSERT INTO organization (municipality_id, kind, full_name, short_name, address, inn, ogrn)
        VALUES (2, 'school', ${`Муниципальное общеобразовательное учреждение ${shortName}`}, ${shortName},
                'г. Сочи, Курортный проспект, 10', '2319000000', '1022302000000')
        RETURNING id`,
  );
  return row!.id;
}

function bearer(url: string, token: string, method: 'GET' | 'POST' | 'DELETE' = 'GET', json?: unknown) {
  return t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(json !== undefined ? { payload: JSON.stringify(json) } : {}),
  });
}

async function operatorWithSchool() {
  const schoolId = await createSchool(`Гимназия № ${Math.floor(Math.random() * 1000)}`);
  const who = await createAccount(t.context, [
    { role: 'municipalOperator', municipalityId: 1 },
    { role: 'organizationHead', organizationId: schoolId },
  ]);
  return { who, schoolId, agent: await loggedInAgent(t.app, who) };
}

test('an issued token authenticates /api/v1/me and carries only the chosen grant', async () => {
  const { who, agent } = await operatorWithSchool();
  const issued = await agent.api('POST', '/api/v1/account/tokens', { name: 'Выгрузка в 1С', role: 'municipalOperator', municipalityId: 1 });
  assert.equal(issued.statusCode, 201);
  const { token, apiToken } = issued.json();
  assert.match(token, /^prostor_[A-Za-z0-9_-]{40,}$/);
  assert.equal(apiToken.status, 'active');
  assert.deepEqual(apiToken.grant, { role: 'municipalOperator', municipalityId: 1, organizationId: null });

  const me = await bearer('/api/v1/me', token);
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().accountId, who.id);
  assert.equal(me.json().via, 'apiToken');
  assert.deepEqual(me.json().grants, [{ role: 'municipalOperator', municipalityId: 1, organizationId: null }]);

  const bySession = await agent.api('GET', '/api/v1/me');
  assert.equal(bySession.json().via, 'session');
  assert.equal(bySession.json().grants.length, 2);

  // Only the digest is stored.
  const rows = await queryRows<{ token_hash: string }>(t.context.db, sql`SELECT token_hash FROM api_token WHERE id = ${apiToken.id}`);
  assert.equal(rows[0]!.token_hash, tokenDigest(token));
});

test('a token cannot be issued for a grant the user does not hold', async () => {
  const { agent } = await operatorWithSchool();
  for (const body of [
    { name: 'a', role: 'municipalOperator', municipalityId: 2 },
    { name: 'b', role: 'regionalAdmin' },
    { name: 'c', role: 'organizationHead', organizationId: '00000000-0000-4000-8000-000000000000' },
  ]) {
    const refused = await agent.api('POST', '/api/v1/account/tokens', body);
    assert.equal(refused.statusCode, 403, JSON.stringify(body));
    assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
  }
  // The same through the page with a forged choice.
  const forged = await agent.post('/account/tokens', { name: 'forged', grant: 'regionalAdmin::', expiresAt: '' });
  assert.equal(forged.statusCode, 403);
});

test('a guardian cannot issue tokens, and a token cannot issue or list tokens', async () => {
  const guardian = await createAccount(t.context, [{ role: 'guardian' }]);
  const parent = await loggedInAgent(t.app, guardian);
  assert.equal((await parent.api('POST', '/api/v1/account/tokens', { name: 'x', role: 'guardian' })).statusCode, 403);

  const { agent } = await operatorWithSchool();
  const { token } = (await agent.api('POST', '/api/v1/account/tokens', { name: 'integration', role: 'municipalOperator', municipalityId: 1 })).json();
  assert.equal((await bearer('/api/v1/account/tokens', token, 'POST', { name: 'child', role: 'municipalOperator', municipalityId: 1 })).statusCode, 403);
  assert.equal((await bearer('/api/v1/account/tokens', token)).statusCode, 403);
});

test('issuing a token with the session cookie needs the CSRF header', async () => {
  const { agent } = await operatorWithSchool();
  const good = agent.csrfToken;
  agent.csrfToken = 'not-the-session-token-but-long-enough';
  const refused = await agent.api('POST', '/api/v1/account/tokens', { name: 'x', role: 'municipalOperator', municipalityId: 1 });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().code, 'csrf');
  agent.csrfToken = good;
  assert.equal((await agent.api('POST', '/api/v1/account/tokens', { name: 'x', role: 'municipalOperator', municipalityId: 1 })).statusCode, 201);
});

test('a revoked token answers 401 problem+json, and revocation is audited', async () => {
  const { who, agent } = await operatorWithSchool();
  const { token, apiToken } = (await agent.api('POST', '/api/v1/account/tokens', { name: 'temporary', role: 'municipalOperator', municipalityId: 1 })).json();
  assert.equal((await bearer('/api/v1/me', token)).statusCode, 200);
  const revoked = await agent.api('DELETE', `/api/v1/account/tokens/${apiToken.id}`);
  assert.equal(revoked.statusCode, 204);
  const refused = await bearer('/api/v1/me', token);
  assert.equal(refused.statusCode, 401);
  assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
  assert.equal(refused.json().status, 401);

  const listed = (await agent.api('GET', '/api/v1/account/tokens')).json().items;
  assert.equal(listed.find((i: { id: string }) => i.id === apiToken.id).status, 'revoked');
  const audit = await queryRows<{ action: string; entity_id: string; municipality_id: number }>(
    t.context.db,
    sql`SELECT action, entity_id, municipality_id FROM audit_event WHERE actor_account_id = ${who.id} AND entity_type = 'api_token' ORDER BY seq`,
  );
  assert.deepEqual(
    audit.map((a) => [a.action, a.entity_id, Number(a.municipality_id)]),
    [
      ['create', apiToken.id, 1],
      ['revoke', apiToken.id, 1],
    ],
  );
});

test("one cannot revoke another account's token", async () => {
  const { agent } = await operatorWithSchool();
  const { apiToken } = (await agent.api('POST', '/api/v1/account/tokens', { name: 'mine', role: 'municipalOperator', municipalityId: 1 })).json();
  const other = await operatorWithSchool();
  assert.equal((await other.agent.api('DELETE', `/api/v1/account/tokens/${apiToken.id}`)).statusCode, 404);
  assert.equal((await other.agent.post(`/account/tokens/${apiToken.id}/revoke`, {})).statusCode, 404);
});

test('an expired token answers 401, and a token stops working when its grant is withdrawn', async () => {
  const { who, agent, schoolId } = await operatorWithSchool();
  const expiresAt = new Date(t.clock.now().getTime() + 3600_000).toISOString();
  const short = (await agent.api('POST', '/api/v1/account/tokens', { name: 'an hour', role: 'municipalOperator', municipalityId: 1, expiresAt })).json();
  const head = (await agent.api('POST', '/api/v1/account/tokens', { name: 'head', role: 'organizationHead', organizationId: schoolId })).json();
  assert.equal((await bearer('/api/v1/me', short.token)).statusCode, 200);
  assert.deepEqual((await bearer('/api/v1/me', head.token)).json().grants, [{ role: 'organizationHead', municipalityId: null, organizationId: schoolId }]);

  t.clock.advance(2 * 3600_000);
  const expired = await bearer('/api/v1/me', short.token);
  assert.equal(expired.statusCode, 401);
  assert.match(String(expired.headers['content-type']), /application\/problem\+json/);

  await queryRows(t.context.db, sql`DELETE FROM role_grant WHERE account_id = ${who.id} AND role = 'organizationHead'`);
  assert.equal((await bearer('/api/v1/me', head.token)).statusCode, 401);
});

test('an expiry in the past is refused with a field error', async () => {
  const { agent } = await operatorWithSchool();
  const past = new Date(t.clock.now().getTime() - 60_000).toISOString();
  const refused = await agent.api('POST', '/api/v1/account/tokens', { name: 'late', role: 'municipalOperator', municipalityId: 1, expiresAt: past });
  assert.equal(refused.statusCode, 422);
  assert.equal(refused.json().errors[0].field, 'expiresAt');
});

test('on the account page a staff user issues a token, sees it once, finds it listed, and revokes it', async () => {
  const { agent, schoolId } = await operatorWithSchool();
  const page = await agent.get('/account');
  assert.match(page.body, /API-токены для интеграций/);
  assert.match(page.body, new RegExp(`<option value="organizationHead::${schoolId}"`));

  const created = await agent.post('/account/tokens', { name: 'Отчёты школы', grant: `organizationHead::${schoolId}`, expiresAt: '2026-12-31' });
  assert.equal(created.statusCode, 200);
  assert.equal(created.headers['cache-control'], 'no-store');
  const token = /id="new-api-token">([^<]+)</.exec(created.body)![1]!;
  assert.match(created.body, /Руководитель организации — Гимназия/);
  assert.equal((await bearer('/api/v1/me', token)).statusCode, 200);
  const listed = (await agent.api('GET', '/api/v1/account/tokens')).json().items[0];
  // "Valid until 31.12.2026 inclusive": to the end of that day, Moscow time.
  assert.equal(listed.expiresAt, '2026-12-31T21:00:00.000Z');

  const account = await agent.get('/account');
  assert.match(account.body, /Отчёты школы/);
  assert.doesNotMatch(account.body, new RegExp(token), 'the token is never shown again');
  const revoke = await agent.post(`/account/tokens/${listed.id}/revoke`, {});
  assert.equal(revoke.statusCode, 303);
  assert.equal(revoke.headers.location, '/account?done=token-revoked');
  assert.match((await agent.get('/account?done=token-revoked')).body, /отозван/);
  assert.equal((await bearer('/api/v1/me', token)).statusCode, 401);
});

test('the token form keeps what was typed and explains a missing name or a bad date', async () => {
  const { agent } = await operatorWithSchool();
  await agent.get('/account');
  const refused = await agent.post('/account/tokens', { name: '   ', grant: 'municipalOperator:1:', expiresAt: '31.02.2027' });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /Введите дату в формате ДД.ММ.ГГГГ/);
  assert.match(refused.body, /value="31.02.2027"/);
  const noName = await agent.post('/account/tokens', { name: '   ', grant: 'municipalOperator:1:', expiresAt: '' });
  assert.equal(noName.statusCode, 422);
  assert.match(noName.body, /Введите название токена/);
  assert.match(noName.body, /<option value="municipalOperator:1:" selected/);
});

test('anonymous /api/v1/me is 401 problem+json, and the OpenAPI document lists the account routes', async () => {
  const anonymous = await t.app.inject({ url: '/api/v1/me' });
  assert.equal(anonymous.statusCode, 401);
  assert.match(String(anonymous.headers['content-type']), /application\/problem\+json/);
  const bogus = await bearer('/api/v1/me', 'prostor_not-a-real-token');
  assert.equal(bogus.statusCode, 401);
  const openapi = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
  assert.deepEqual(openapi.paths['/api/v1/account/tokens'].post.tags, ['account']);
  assert.ok(openapi.paths['/api/v1/account/tokens/{id}'].delete);
  assert.ok(openapi.paths['/api/v1/me'].get);
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { Agent, createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { queryRows } from '../db/connect.ts';
import { totpFor } from './totp.ts';

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
        VALUES (1, 'school', ${`Муниципальное бюджетное общеобразовательное учреждение ${shortName}`}, ${shortName},
                'г. Краснодар, ул. Красная, 1', '2310000000', '1022301000000')
        RETURNING id`,
  );
  return row!.id;
}

/** The code the authenticator app would show now, by the test clock. */
function codeNow(secret: string): string {
  return totpFor(secret).generate({ timestamp: t.clock.now().getTime() });
}

/** A six-digit code that is certainly not the current one. */
function wrongCode(secret: string): string {
  const right = codeNow(secret);
  return String((Number(right[0]) + 1) % 10) + right.slice(1);
}

async function auditDetails(accountId: string, entityType: string): Promise<Array<{ action: string; details: Record<string, unknown> }>> {
  return queryRows(
    t.context.db,
    sql`SELECT action, details FROM audit_event WHERE actor_account_id = ${accountId} AND entity_type = ${entityType} ORDER BY seq`,
  );
}

/** Enrols an agent's account in TOTP through the pages and returns the secret it was shown. */
async function enrolTotp(agent: Agent): Promise<string> {
  const started = await agent.post('/account/totp/start', {});
  assert.equal(started.statusCode, 303);
  assert.equal(started.headers.location, '/account/totp');
  const page = await agent.get('/account/totp');
  assert.equal(page.statusCode, 200);
  const secret = /secret=([A-Z2-7]+)/.exec(page.body)?.[1];
  assert.ok(secret, 'the enrolment page shows the otpauth URI with the secret');
  assert.match(page.body, /<img src="data:image\/svg\+xml;base64,/);
  const confirmed = await agent.post('/account/totp/confirm', { code: codeNow(secret) });
  assert.equal(confirmed.statusCode, 303);
  assert.equal(confirmed.headers.location, '/account?done=totp-on');
  return secret;
}

test('an anonymous visitor of /account is sent to log in and comes back', async () => {
  const response = await t.app.inject({ url: '/account' });
  assert.equal(response.statusCode, 302);
  assert.equal(response.headers.location, '/login?return=%2Faccount');
});

test('the account page names the user, their roles with scopes in words, and the sessions', async () => {
  const schoolId = await createSchool('МБОУ СОШ № 7');
  const who = await createAccount(
    t.context,
    [
      { role: 'municipalOperator', municipalityId: 1 },
      { role: 'teacher', organizationId: schoolId },
    ],
    { displayName: 'Кузнецова Мария Петровна' },
  );
  const agent = await loggedInAgent(t.app, who);
  await loggedInAgent(t.app, who); // a second device
  const page = await agent.get('/account');
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers['cache-control'], 'no-store');
  assert.match(page.body, /Кузнецова Мария Петровна/);
  assert.match(page.body, /Специалист муниципалитета — город Краснодар/);
  assert.match(page.body, /Педагог — МБОУ СОШ № 7/);
  assert.match(page.body, /2 активных сеанса/);
  assert.match(page.body, /href="\/organizations"/);
});

test('a regional administrator sees the region as the scope and a link to the audit log', async () => {
  const who = await createAccount(t.context, [{ role: 'regionalAdmin' }]);
  const page = await (await loggedInAgent(t.app, who)).get('/account');
  assert.match(page.body, /Администратор региона — Краснодарский край/);
  assert.match(page.body, /href="\/audit"/);
});

test('a guardian is not offered TOTP or API tokens, and cannot start either by posting', async () => {
  const who = await createAccount(t.context, [{ role: 'guardian' }]);
  const agent = await loggedInAgent(t.app, who);
  const page = await agent.get('/account');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Законный представитель — свои дети/);
  assert.doesNotMatch(page.body, /Вход с кодом подтверждения/);
  assert.doesNotMatch(page.body, /API-токены/);
  assert.equal((await agent.post('/account/totp/start', {})).statusCode, 403);
  assert.equal((await agent.get('/account/totp')).statusCode, 403);
  assert.equal((await agent.post('/account/tokens', { name: 'x', grant: 'guardian::' })).statusCode, 403);
});

test('TOTP is switched on only after a matching code, and a wrong code keeps it off', async () => {
  const who = await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]);
  const agent = await loggedInAgent(t.app, who);
  assert.match((await agent.get('/account')).body, /Включить вход с кодом/);
  await agent.post('/account/totp/start', {});
  const page = await agent.get('/account/totp');
  const secret = /secret=([A-Z2-7]+)/.exec(page.body)![1]!;
  assert.match(page.body, new RegExp(secret.slice(0, 4) + ' ' + secret.slice(4, 8)), 'the secret is shown in groups of four');
  const wrong = await agent.post('/account/totp/confirm', { code: wrongCode(secret) });
  assert.equal(wrong.statusCode, 422);
  assert.match(wrong.body, /Код не подошёл/);
  const [row] = await queryRows<{ totp_enabled: boolean }>(t.context.db, sql`SELECT totp_enabled FROM account WHERE id = ${who.id}`);
  assert.equal(row!.totp_enabled, false);
  // Logging in still needs the password only while TOTP is not confirmed.
  const other = new Agent(t.app);
  const login = await other.login(who.login);
  assert.equal(login.headers.location, '/account');
});

test('with TOTP on, login asks for the code; wrong codes are refused and lock; the right code lets in', async () => {
  const who = await createAccount(t.context, [{ role: 'teacher', organizationId: await createSchool('МБОУ СОШ № 12') }]);
  const agent = await loggedInAgent(t.app, who);
  const secret = await enrolTotp(agent);
  assert.match((await agent.get('/account?done=totp-on')).body, /Вход с кодом подтверждения включён/);
  assert.equal((await agent.post('/logout', {})).statusCode, 303);

  const login = await agent.login(who.login);
  assert.equal(login.statusCode, 303);
  assert.match(String(login.headers.location), /^\/login\/second-factor/);
  // Between the password and the code the session is not a login yet.
  assert.equal((await agent.get('/account')).statusCode, 302);
  assert.equal((await agent.get('/api/v1/me')).statusCode, 401);

  await agent.get('/login/second-factor');
  for (let attempt = 1; attempt <= t.context.config.loginMaxFailures; attempt++) {
    const refused = await agent.post('/login/second-factor', { code: wrongCode(secret), return: '/account' });
    assert.equal(refused.statusCode, 401, `wrong code ${attempt} is refused`);
  }
  const locked = await agent.post('/login/second-factor', { code: codeNow(secret), return: '/account' });
  assert.equal(locked.statusCode, 429, 'after the limit even the right code waits for the lock');
  assert.match(locked.body, /временно заблокирован, попробуйте через 15 мин/);

  t.clock.advance((t.context.config.loginLockoutMinutes + 1) * 60_000);
  await agent.get('/login/second-factor');
  const accepted = await agent.post('/login/second-factor', { code: codeNow(secret), return: '/account' });
  assert.equal(accepted.statusCode, 303);
  assert.equal(accepted.headers.location, '/account');
  assert.equal((await agent.get('/account')).statusCode, 200);

  const audit = await auditDetails(who.id, 'account');
  assert.ok(audit.some((e) => e.action === 'update' && e.details.change === 'totp-enabled'));
  assert.ok(audit.some((e) => e.action === 'login' && e.details.method === 'password+totp'));
});

test('switching TOTP off needs a current code and is audited', async () => {
  const who = await createAccount(t.context, [{ role: 'regionalAdmin' }]);
  const agent = await loggedInAgent(t.app, who);
  const secret = await enrolTotp(agent);
  const refused = await agent.post('/account/totp/disable', { code: wrongCode(secret) });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /Код не подошёл/);
  assert.match(refused.body, /Отключить/);
  const done = await agent.post('/account/totp/disable', { code: codeNow(secret) });
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, '/account?done=totp-off');
  const [row] = await queryRows<{ totp_enabled: boolean; totp_secret: string | null }>(
    t.context.db,
    sql`SELECT totp_enabled, totp_secret FROM account WHERE id = ${who.id}`,
  );
  assert.deepEqual(row, { totp_enabled: false, totp_secret: null });
  const audit = await auditDetails(who.id, 'account');
  assert.ok(audit.some((e) => e.action === 'update' && e.details.change === 'totp-disabled'));
  // And the next login is by password alone again.
  const again = await new Agent(t.app).login(who.login);
  assert.equal(again.headers.location, '/account');
});

test('a session idle longer than SESSION_IDLE_MINUTES is logged out, while activity keeps it alive', async () => {
  const who = await createAccount(t.context, [{ role: 'regionalAdmin' }]);
  const agent = await loggedInAgent(t.app, who);
  const idle = t.context.config.sessionIdleMinutes;
  t.clock.advance((idle - 10) * 60_000);
  assert.equal((await agent.get('/account')).statusCode, 200);
  t.clock.advance((idle - 10) * 60_000);
  assert.equal((await agent.get('/account')).statusCode, 200, 'each request slides the expiry forward');
  t.clock.advance((idle + 1) * 60_000);
  const expired = await agent.get('/account');
  assert.equal(expired.statusCode, 302);
  assert.equal(expired.headers.location, '/login?return=%2Faccount');
});

test('logging in issues a new session id: a planted or earlier session cookie is not carried over', async () => {
  const who = await createAccount(t.context, [{ role: 'regionalAdmin' }]);
  const planted = 'attacker-chosen-session-value-0123456789';
  const loginPage = await t.app.inject({ url: '/login', headers: { cookie: `prostor_session=${planted}` } });
  const csrfCookie = loginPage.cookies.find((c) => c.name === 'prostor_csrf')!.value;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(loginPage.body)![1]!;
  const response = await t.app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: `prostor_session=${planted}; prostor_csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, login: who.login, password: who.password }).toString(),
  });
  assert.equal(response.statusCode, 303);
  const first = response.cookies.find((c) => c.name === 'prostor_session')!.value;
  assert.notEqual(first, planted);

  // Logging in again from a logged-in browser replaces the session, and the old id stops working.
  const page = await t.app.inject({ url: '/account', headers: { cookie: `prostor_session=${first}` } });
  assert.equal(page.statusCode, 200);
  const sessionCsrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const relogin = await t.app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: `prostor_session=${first}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: sessionCsrf, login: who.login, password: who.password }).toString(),
  });
  assert.equal(relogin.statusCode, 303);
  const second = relogin.cookies.find((c) => c.name === 'prostor_session')!.value;
  assert.notEqual(second, first);
  assert.equal((await t.app.inject({ url: '/account', headers: { cookie: `prostor_session=${first}` } })).statusCode, 302);
  assert.equal((await t.app.inject({ url: '/account', headers: { cookie: `prostor_session=${second}` } })).statusCode, 200);
});

test('the account page is served in English when the language is switched', async () => {
  const who = await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 2 }]);
  const agent = await loggedInAgent(t.app, who);
  await agent.post('/settings/display', { lang: 'en', return: '/account' });
  const page = await agent.get('/account');
  assert.match(page.body, /<h1>My account<\/h1>/);
  assert.match(page.body, /Municipal operator — Sochi city/);
  assert.match(page.body, /1 active session\b/);
});

test('guessing codes to switch TOTP off locks like guessing them at login', async () => {
  const who = await createAccount(t.context, [{ role: 'regionalAdmin' }]);
  const agent = await loggedInAgent(t.app, who);
  const secret = await enrolTotp(agent);
  for (let attempt = 1; attempt < t.context.config.loginMaxFailures; attempt++) {
    assert.equal((await agent.post('/account/totp/disable', { code: wrongCode(secret) })).statusCode, 422);
  }
  const locked = await agent.post('/account/totp/disable', { code: wrongCode(secret) });
  assert.equal(locked.statusCode, 429);
  assert.ok(Number(locked.headers['retry-after']) > 0);
  assert.match(locked.body, /Слишком много неверных кодов/);
  assert.equal((await agent.post('/account/totp/disable', { code: codeNow(secret) })).statusCode, 429, 'the right code waits too');
  const [row] = await queryRows<{ totp_enabled: boolean }>(t.context.db, sql`SELECT totp_enabled FROM account WHERE id = ${who.id}`);
  assert.equal(row!.totp_enabled, true);
});

test('a TOTP code is accepted once: the same code cannot log in a second time (RFC 6238 §5.2)', async () => {
  const who = await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]);
  const secret = await enrolTotp(await loggedInAgent(t.app, who));
  t.clock.advance(60_000);
  const first = new Agent(t.app);
  await first.login(who.login);
  await first.get('/login/second-factor');
  const code = codeNow(secret);
  assert.equal((await first.post('/login/second-factor', { code, return: '/account' })).statusCode, 303);

  const replay = new Agent(t.app);
  await replay.login(who.login);
  await replay.get('/login/second-factor');
  const refused = await replay.post('/login/second-factor', { code, return: '/account' });
  assert.equal(refused.statusCode, 401);
  assert.match(refused.body, /Код не подошёл/);

  t.clock.advance(30_000);
  const next = await replay.post('/login/second-factor', { code: codeNow(secret), return: '/account' });
  assert.equal(next.statusCode, 303);
});

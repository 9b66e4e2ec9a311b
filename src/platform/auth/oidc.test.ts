import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { Agent, createAccount, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { startOidcProvider, type TestIdentity, type TestOidcProvider } from '../../../test/support/oidc-provider.ts';
import { queryRows } from '../db/connect.ts';
import { account, externalIdentity, roleGrant } from './auth.schema.ts';
import { oidcLoginState } from './oidc.ts';
import { newTotpSecret } from './totp.ts';

const publicUrl = 'http://prostor.test';
let idp: TestOidcProvider;
let t: TestApp;

before(async () => {
  idp = await startOidcProvider({ redirectUris: [`${publicUrl}/login/oidc/callback`] });
  t = await createTestApp({ oidcIssuer: idp.issuer, oidcClientId: idp.clientId, oidcClientSecret: idp.clientSecret, publicUrl });
});
after(async () => {
  await t?.close();
  await idp?.close();
});

// Factories ------------------------------------------------------------------------------------

let counter = 0;

/** A unique SNILS (11 digits; the checksum does not matter to the login). */
function newSnils(): string {
  counter += 1;
  return String(70_000_000_000 + process.pid * 1000 + counter).slice(-11);
}

function newSubject(): string {
  counter += 1;
  return `10${process.pid}${counter}`;
}

async function createPerson(options: { snils: string | null; lastName?: string; firstName?: string }): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    t.context.db,
    sql`INSERT INTO person (last_name, first_name, middle_name, birth_date, sex, snils, municipality_id)
        VALUES (${options.lastName ?? 'Петрова'}, ${options.firstName ?? 'Анна'}, 'Сергеевна', '1988-04-12', 'female', ${options.snils},
                (SELECT min(id) FROM municipality))
        RETURNING id`,
  );
  return row!.id;
}

async function linkChild(guardianId: string): Promise<void> {
  const childId = await createPerson({ snils: null, firstName: 'Маша' });
  await t.context.db.execute(sql`INSERT INTO guardian_link (guardian_id, child_id, relation) VALUES (${guardianId}, ${childId}, 'mother')`);
}

/** Starts the login at our app, passes the provider as `who`, and returns the callback URL. */
async function throughProvider(agent: Agent, who: TestIdentity | 'deny'): Promise<URL> {
  const start = await agent.get('/login/oidc');
  assert.equal(start.statusCode, 302, start.body);
  idp.nextLogin(who);
  return idp.authorize(String(start.headers.location));
}

async function loginThroughProvider(agent: Agent, who: TestIdentity | 'deny') {
  const callback = await throughProvider(agent, who);
  assert.equal(callback.origin, publicUrl);
  return agent.get(callback.pathname + callback.search);
}

async function auditEvents(action: string) {
  return queryRows<{ entity_id: string | null; actor_account_id: string | null; details: Record<string, unknown> }>(
    t.context.db,
    sql`SELECT entity_id, actor_account_id, details FROM audit_event WHERE action = ${action} ORDER BY seq`,
  );
}

// Tests ----------------------------------------------------------------------------------------

test('the login page offers the provider button when OIDC is configured', async () => {
  const page = await new Agent(t.app).get('/login');
  assert.match(page.body, /href="\/login\/oidc"/);
  assert.match(page.body, /Войти через Госуслуги/);
});

test('the login starts with a redirect to the provider carrying PKCE S256, a state and a nonce, bound to the browser by an HttpOnly cookie', async () => {
  const start = await new Agent(t.app).get('/login/oidc');
  assert.equal(start.statusCode, 302);
  const location = new URL(String(start.headers.location));
  assert.equal(location.origin, idp.issuer);
  assert.equal(location.searchParams.get('response_type'), 'code');
  assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(location.searchParams.get('code_challenge'));
  assert.ok(location.searchParams.get('nonce'));
  assert.equal(location.searchParams.get('scope'), 'openid snils');
  assert.equal(location.searchParams.get('redirect_uri'), `${publicUrl}/login/oidc/callback`);
  const state = location.searchParams.get('state');
  const cookie = start.cookies.find((c: { name: string }) => c.name === 'prostor_oidc_state') as { value: string; httpOnly?: boolean; sameSite?: string } | undefined;
  assert.equal(cookie?.value, state);
  assert.ok(cookie?.httpOnly);
  assert.equal(cookie?.sameSite, 'Lax');
  // The verifier and nonce stay on the server, under the hash of the state (not the state itself).
  const rows = await t.context.db.select().from(oidcLoginState);
  assert.ok(rows.length >= 1);
  assert.ok(rows.every((r) => r.stateHash !== state));
});

test('a person known by SNILS whose account exists gets the identity linked and is logged in, and it is audited', async () => {
  const snils = newSnils();
  const personId = await createPerson({ snils });
  const who = await createAccount(t.context, [{ role: 'guardian' }], { personId });
  const subject = newSubject();
  const agent = new Agent(t.app);
  // ESIA writes SNILS with separators; the registry keeps digits.
  const formatted = `${snils.slice(0, 3)}-${snils.slice(3, 6)}-${snils.slice(6, 9)} ${snils.slice(9)}`;
  const done = await loginThroughProvider(agent, { subject, snils: formatted });
  assert.equal(done.statusCode, 303, done.body);
  assert.equal(done.headers.location, '/account');
  const session = done.cookies.find((c: { name: string }) => c.name === 'prostor_session') as { httpOnly?: boolean; sameSite?: string } | undefined;
  assert.ok(session?.httpOnly);
  assert.equal(session?.sameSite, 'Lax');
  assert.match((await agent.get('/')).body, /Выйти/);

  const links = await t.context.db.select().from(externalIdentity).where(eq(externalIdentity.subject, subject));
  assert.equal(links.length, 1);
  assert.equal(links[0]!.accountId, who.id);
  assert.equal(links[0]!.issuer, idp.issuer);
  const logins = (await auditEvents('login')).filter((e) => e.entity_id === who.id);
  assert.equal(logins.length, 1);
  assert.equal(logins[0]!.details.method, 'oidc');
  assert.equal(logins[0]!.actor_account_id, who.id);
  assert.ok((await auditEvents('create')).some((e) => e.details.subject === subject));
  // The SNILS never reaches the audit log.
  const all = await queryRows<{ details: string }>(t.context.db, sql`SELECT details::text AS details FROM audit_event`);
  assert.ok(all.every((e) => !e.details.includes(snils)));
});

test('a second login uses the stored link, even when the provider no longer shares the SNILS', async () => {
  const snils = newSnils();
  const personId = await createPerson({ snils });
  const who = await createAccount(t.context, [{ role: 'guardian' }], { personId });
  const subject = newSubject();
  assert.equal((await loginThroughProvider(new Agent(t.app), { subject, snils })).statusCode, 303);
  const again = new Agent(t.app);
  const second = await loginThroughProvider(again, { subject });
  assert.equal(second.statusCode, 303, second.body);
  assert.match((await again.get('/')).body, /Выйти/);
  const links = await t.context.db.select().from(externalIdentity).where(eq(externalIdentity.accountId, who.id));
  assert.equal(links.length, 1);
  assert.equal((await auditEvents('login')).filter((e) => e.entity_id === who.id).length, 2);
});

test('a guardian in the registry without an account gets a new one with the guardian role and no password', async () => {
  const snils = newSnils();
  const personId = await createPerson({ snils, lastName: 'Сидорова', firstName: 'Ольга' });
  await linkChild(personId);
  const subject = newSubject();
  const agent = new Agent(t.app);
  const done = await loginThroughProvider(agent, { subject, snils });
  assert.equal(done.statusCode, 303, done.body);
  const [created] = await t.context.db.select().from(account).where(eq(account.personId, personId));
  assert.ok(created);
  assert.equal(created.login, `esia-${subject}`);
  assert.equal(created.passwordHash, null);
  assert.equal(created.displayName, 'Сидорова Ольга Сергеевна');
  const grants = await t.context.db.select().from(roleGrant).where(eq(roleGrant.accountId, created.id));
  assert.deepEqual(grants.map((g) => g.role), ['guardian']);
  assert.match((await agent.get('/')).body, /Выйти/);
});

test('a person in the registry who is no guardian gets an account with no roles at all', async () => {
  const snils = newSnils();
  const personId = await createPerson({ snils });
  const done = await loginThroughProvider(new Agent(t.app), { subject: newSubject(), snils });
  assert.equal(done.statusCode, 303, done.body);
  const [created] = await t.context.db.select().from(account).where(eq(account.personId, personId));
  assert.equal((await t.context.db.select().from(roleGrant).where(eq(roleGrant.accountId, created!.id))).length, 0);
});

test('an unknown SNILS is refused with a Russian page; nothing is created and the refusal is audited', async () => {
  const subject = newSubject();
  const agent = new Agent(t.app);
  const before = await t.context.db.select({ id: account.id }).from(account);
  const refused = await loginThroughProvider(agent, { subject, snils: newSnils() });
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /Ваша учётная запись не найдена в реестре/);
  assert.match(refused.body, /обратитесь|Обратитесь/);
  assert.equal(refused.cookies.some((c: { name: string; value: string }) => c.name === 'prostor_session' && c.value !== ''), false);
  assert.equal((await t.context.db.select().from(externalIdentity).where(eq(externalIdentity.subject, subject))).length, 0);
  assert.equal((await t.context.db.select({ id: account.id }).from(account)).length, before.length);
  const failures = (await auditEvents('login-failed')).filter((e) => e.details.subject === subject);
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.details.reason, 'unknown-person');
  assert.equal(failures[0]!.details.method, 'oidc');
  assert.doesNotMatch((await agent.get('/')).body, /Выйти/);
});

test('a provider that shares no SNILS for an unlinked identity gets a page saying so', async () => {
  const refused = await loginThroughProvider(new Agent(t.app), { subject: newSubject() });
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /Не получен СНИЛС/);
});

test('a tampered state is refused and nobody is logged in', async () => {
  const snils = newSnils();
  await createAccount(t.context, [{ role: 'guardian' }], { personId: await createPerson({ snils }) });
  const agent = new Agent(t.app);
  const callback = await throughProvider(agent, { subject: newSubject(), snils });
  callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
  const refused = await agent.get(callback.pathname + callback.search);
  assert.equal(refused.statusCode, 400);
  assert.match(refused.body, /Не удалось подтвердить вход/);
  assert.doesNotMatch((await agent.get('/')).body, /Выйти/);
  assert.ok((await auditEvents('login-failed')).some((e) => e.details.reason === 'state-mismatch'));
});

test('a callback opened in another browser (without the state cookie) is refused: no login CSRF', async () => {
  const snils = newSnils();
  await createAccount(t.context, [{ role: 'guardian' }], { personId: await createPerson({ snils }) });
  const callback = await throughProvider(new Agent(t.app), { subject: newSubject(), snils });
  const victim = new Agent(t.app);
  const refused = await victim.get(callback.pathname + callback.search);
  assert.equal(refused.statusCode, 400);
  assert.doesNotMatch((await victim.get('/')).body, /Выйти/);
});

test('a state is used once: replaying the callback is refused', async () => {
  const snils = newSnils();
  await createAccount(t.context, [{ role: 'guardian' }], { personId: await createPerson({ snils }) });
  const agent = new Agent(t.app);
  const callback = await throughProvider(agent, { subject: newSubject(), snils });
  const state = callback.searchParams.get('state')!;
  assert.equal((await agent.get(callback.pathname + callback.search)).statusCode, 303);
  const replay = await t.app.inject({ url: callback.pathname + callback.search, headers: { cookie: `prostor_oidc_state=${state}` } });
  assert.equal(replay.statusCode, 400);
  assert.match(replay.body, /Время на вход истекло/);
});

test('a login not finished within ten minutes is refused', async () => {
  const snils = newSnils();
  await createAccount(t.context, [{ role: 'guardian' }], { personId: await createPerson({ snils }) });
  const agent = new Agent(t.app);
  const callback = await throughProvider(agent, { subject: newSubject(), snils });
  t.clock.advance(11 * 60_000);
  const late = await agent.get(callback.pathname + callback.search);
  assert.equal(late.statusCode, 400);
  assert.match(late.body, /Время на вход истекло/);
});

test('a user who refuses consent at the provider sees a Russian page, not an error', async () => {
  const agent = new Agent(t.app);
  const denied = await loginThroughProvider(agent, 'deny');
  assert.equal(denied.statusCode, 403);
  assert.match(denied.body, /Вход отменён/);
  assert.match(denied.body, /href="\/login"/);
  assert.ok((await auditEvents('login-failed')).some((e) => e.details.reason === 'access-denied'));
});

test('a staff account with TOTP enabled still has to enter the second factor', async () => {
  const snils = newSnils();
  const personId = await createPerson({ snils });
  const who = await createAccount(t.context, [{ role: 'regionalAdmin' }], { personId });
  await t.context.db.update(account).set({ totpEnabled: true, totpSecret: newTotpSecret() }).where(eq(account.id, who.id));
  const agent = new Agent(t.app);
  const done = await loginThroughProvider(agent, { subject: newSubject(), snils });
  assert.equal(done.statusCode, 303, done.body);
  assert.match(String(done.headers.location), /^\/login\/second-factor/);
  assert.doesNotMatch((await agent.get('/')).body, /Выйти/);
  assert.equal((await agent.get('/login/second-factor')).statusCode, 200);
  assert.equal((await auditEvents('login')).filter((e) => e.entity_id === who.id).length, 0);
});

test('a disabled account is not let in through the provider', async () => {
  const snils = newSnils();
  const who = await createAccount(t.context, [{ role: 'guardian' }], { personId: await createPerson({ snils }) });
  await t.context.db.update(account).set({ disabledAt: t.clock.now() }).where(eq(account.id, who.id));
  const refused = await loginThroughProvider(new Agent(t.app), { subject: newSubject(), snils });
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /заблокирована/);
});

test('when the provider is down the login answers with a Russian page and 503, not a stack trace', async () => {
  // A port that was just free: nothing listens there.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const down = await createTestApp({ oidcIssuer: `http://127.0.0.1:${port}`, oidcClientId: 'x', oidcClientSecret: 'y', publicUrl });
  try {
    const page = await new Agent(down.app).get('/login/oidc');
    assert.equal(page.statusCode, 503);
    assert.match(page.body, /временно недоступен/);
    assert.doesNotMatch(page.body, /at .*\.ts:\d+/);
  } finally {
    await down.close();
  }
});

test('without an issuer configured there is no provider button and no OIDC route', async () => {
  const plain = await createTestApp();
  try {
    assert.doesNotMatch((await new Agent(plain.app).get('/login')).body, /\/login\/oidc/);
    assert.equal((await plain.app.inject({ url: '/login/oidc' })).statusCode, 404);
  } finally {
    await plain.close();
  }
});

test('hostile or broken callbacks get a 4xx page, never a 5xx', async () => {
  const queries = ['', '?state=', '?state=a&state=b', '?code=x', '?error=access_denied', '?state=%%%', `?state=${'x'.repeat(5000)}`];
  for (const query of queries) {
    const response = await t.app.inject({ url: `/login/oidc/callback${query}`, headers: { cookie: 'prostor_oidc_state=a' } });
    assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${query} → ${response.statusCode}`);
  }
  // A genuine state with a forged code: the provider refuses the exchange.
  const agent = new Agent(t.app);
  const start = await agent.get('/login/oidc');
  const state = new URL(String(start.headers.location)).searchParams.get('state')!;
  const forged = await agent.get(`/login/oidc/callback?state=${state}&code=forged-code&iss=${encodeURIComponent(idp.issuer)}`);
  assert.equal(forged.statusCode, 400);
  assert.match(forged.body, /Не удалось войти через Госуслуги/);
});

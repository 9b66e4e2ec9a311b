import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createTestApp, loggedInAgent, Agent, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

test('the home page is served in Russian with security headers and no inline script allowed', async () => {
  const response = await t.app.inject({ url: '/' });
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /<html lang="ru"/);
  assert.match(response.body, /Перейти к содержанию/);
  assert.match(String(response.headers['content-security-policy']), /script-src 'self'/);
  assert.doesNotMatch(String(response.headers['content-security-policy']), /unsafe-inline/);
});

test('healthz answers and readyz checks the database', async () => {
  assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
  const ready = await t.app.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 200);
  assert.equal(ready.json().status, 'ready');
});

test('an unknown API path answers problem+json 404, an unknown page a Russian page', async () => {
  const api = await t.app.inject({ url: '/api/v1/nothing' });
  assert.equal(api.statusCode, 404);
  assert.match(String(api.headers['content-type']), /application\/problem\+json/);
  assert.equal(api.json().status, 404);
  const page = await t.app.inject({ url: '/nothing-here' });
  assert.equal(page.statusCode, 404);
  assert.match(page.body, /Не найдено/);
});

test('a form posted without the CSRF token is refused', async () => {
  const response = await t.app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'login=a&password=b',
  });
  assert.equal(response.statusCode, 403);
  assert.match(response.body, /Форма устарела/);
});

test('a user logs in with a password, gets an HttpOnly SameSite session cookie, and logs out', async () => {
  const who = await createAccount(t.context, [{ role: 'regionalAdmin' }]);
  const agent = new Agent(t.app);
  const response = await agent.login(who.login);
  assert.equal(response.statusCode, 303);
  const cookie = response.cookies.find((c: { name: string }) => c.name === 'prostor_session') as { httpOnly?: boolean; sameSite?: string } | undefined;
  assert.ok(cookie?.httpOnly);
  assert.equal(cookie?.sameSite, 'Lax');
  const home = await agent.get('/');
  assert.match(home.body, /Выйти/);
  assert.equal(home.headers['cache-control'], 'no-store');
  const out = await agent.post('/logout', {});
  assert.equal(out.statusCode, 303);
  assert.doesNotMatch((await agent.get('/')).body, /Выйти/);
});

test('a wrong password keeps the login typed and says so in Russian', async () => {
  const who = await createAccount(t.context, []);
  const agent = new Agent(t.app);
  const response = await agent.login(who.login, 'wrong-password-1');
  assert.equal(response.statusCode, 401);
  assert.match(response.body, /Неверный логин или пароль/);
  assert.match(response.body, new RegExp(`value="${who.login}"`));
});

test('after five failed attempts the login is locked even for the right password', async () => {
  const who = await createAccount(t.context, [{ role: 'regionalAdmin' }]);
  const agent = new Agent(t.app);
  for (let i = 0; i < 5; i++) await agent.login(who.login, `wrong-${i}-password`);
  const locked = await agent.login(who.login);
  assert.equal(locked.statusCode, 429);
  assert.match(locked.body, /временно заблокирован/);
  t.clock.advance(16 * 60_000);
  const later = await loggedInAgent(t.app, who);
  assert.ok(later);
});

test('the language switch renders the page in English', async () => {
  const agent = new Agent(t.app);
  await agent.get('/');
  const switched = await agent.post('/settings/display', { lang: 'en', return: '/' });
  assert.equal(switched.statusCode, 303);
  const page = await agent.get('/');
  assert.match(page.body, /<html lang="en"/);
  assert.match(page.body, /Skip to main content/);
});

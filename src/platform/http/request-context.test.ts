import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

test('API answers to a logged-in account are never stored by browsers or proxies, by session or by token', async () => {
  const agent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
  for (const url of ['/api/v1/me', '/api/v1/audit', '/api/v1/account/tokens']) {
    const response = await agent.api('GET', url);
    assert.equal(response.statusCode, 200, url);
    assert.equal(response.headers['cache-control'], 'no-store', url);
  }
  const { token } = (await agent.api('POST', '/api/v1/account/tokens', { name: 'Отчёты', role: 'regionalAdmin' })).json();
  for (const url of ['/api/v1/me', '/api/v1/audit']) {
    const response = await t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.statusCode, 200, url);
    assert.equal(response.headers['cache-control'], 'no-store', url);
  }
});

test('public answers to anonymous visitors keep their own caching', async () => {
  const response = await t.app.inject({ url: '/api/v1/organizations' });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['cache-control'], 'public, max-age=60');
});

test('a public page without forms that need a token sets no cookie, so shared caches may keep it', async () => {
  const t = await createTestApp();
  try {
    const page = await t.app.inject({ url: '/organizations' });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['set-cookie'], undefined);
    assert.match(String(page.headers['cache-control']), /public/);
    const login = await t.app.inject({ url: '/login' });
    assert.ok(login.headers['set-cookie'], 'the login form issues the anonymous CSRF cookie');
    assert.doesNotMatch(String(login.headers['cache-control'] ?? ''), /public/);
  } finally {
    await t.close();
  }
});

test('the display preferences form works without a token; an anonymous post elsewhere without one is refused', async () => {
  const t = await createTestApp();
  try {
    const display = await t.app.inject({ method: 'POST', url: '/settings/display', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'lang=en&return=/' });
    assert.equal(display.statusCode, 303);
    const login = await t.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'login=a&password=b&_csrf=' });
    assert.equal(login.statusCode, 403);
  } finally {
    await t.close();
  }
});

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

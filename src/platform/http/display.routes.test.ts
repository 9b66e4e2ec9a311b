import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { safeReturnPath } from './display.routes.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

test('a return path never leads off the site, even through characters browsers drop or rewrite', () => {
  for (const hostile of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example', 'https://evil.example', ' /x']) {
    assert.equal(safeReturnPath(hostile, '/fallback'), '/fallback', JSON.stringify(hostile));
  }
  assert.equal(safeReturnPath('/organizations?municipality=3&page=2', '/'), '/organizations?municipality=3&page=2');
});

test('a return path a header cannot carry answers with the fallback, not a 500', async () => {
  const agent = new Agent(t.app);
  for (const unsendable of ['/организации', '/a\nb', '/\t/evil.example']) {
    const response = await agent.post('/settings/display', { lang: 'en', return: unsendable });
    assert.equal(response.statusCode, 303, JSON.stringify(unsendable));
    assert.equal(response.headers.location, '/');
  }
});

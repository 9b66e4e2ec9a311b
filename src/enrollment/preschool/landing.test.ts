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

test('anyone opens the kindergarten service page and is offered to log in, the public queue and the protocols', async () => {
  const page = await t.app.inject({ url: '/preschool' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /href="\/login\?return=\/preschool"/);
  assert.match(page.body, /href="\/preschool\/queue"/);
  assert.match(page.body, /href="\/preschool\/protocols"/);
  assert.doesNotMatch(page.body, /href="\/preschool\/allocation"/);
});

test('a municipal operator finds the desk, allocation runs and overdue deadlines from the service page', async () => {
  const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
  const page = await operator.get('/preschool');
  assert.equal(page.statusCode, 200);
  for (const href of ['/preschool/desk', '/preschool/allocation', '/preschool/overdue', '/preschool/groups']) assert.match(page.body, new RegExp(`href="${href}"`));
  assert.doesNotMatch(page.body, /href="\/preschool\/settings"/);
});

/**
 * Continuity: under overload the service sheds load with a clear answer (503 + Retry-After)
 * instead of falling over. The test blocks the event loop and checks the answer.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp({ overloadEventLoopDelayMs: 50 });
});
after(async () => {
  await t.close();
});

test('a lagging event loop makes the app answer 503 with Retry-After, then recover', async () => {
  // Block the event loop for longer than the guard's sampling interval (1 s), as a flood of
  // work would; the guard's sampler runs right after and records the lag.
  const busyUntil = Date.now() + 1500;
  while (Date.now() < busyUntil) {
    // busy
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  const shed = await t.app.inject({ url: '/' });
  assert.equal(shed.statusCode, 503);
  assert.ok(Number(shed.headers['retry-after']) > 0);
  assert.match(shed.body, /перегружен/);
  let recovered = 0;
  for (let i = 0; i < 40 && recovered !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    recovered = (await t.app.inject({ url: '/healthz' })).statusCode;
  }
  assert.equal(recovered, 200);
});

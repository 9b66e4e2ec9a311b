/**
 * Proof of work (issue 4 item 6): the signed challenge.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';

describe('proof of work', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('the challenge endpoint serves a signed challenge that is never cached', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/proof-of-work/challenge' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.match(response.json().signature, /^[0-9a-f]{64}$/);
    assert.equal(response.json().maxnumber, 100_000);
  });
});

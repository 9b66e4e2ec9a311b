/**
 * Proof of work (issue 4 item 6): the signed challenge, and one solution exchanged for a search
 * allowance that is signed, expires, runs out and cannot be forged. The searches that require it
 * are tested with their routes (src/registry/territory.routes.test.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { solvedPow } from './proof-of-work.fixtures.ts';
import { ALLOWANCE_REQUESTS, ALLOWANCE_TTL_SECONDS, issueSearchAllowance, spendSearchAllowance } from './proof-of-work.ts';

describe('proof of work', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const exchange = (altcha?: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/proof-of-work/allowance', headers: altcha === undefined ? {} : { 'x-altcha': altcha } });

  test('the challenge endpoint serves a signed challenge that is never cached', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/proof-of-work/challenge' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.match(response.json().signature, /^[0-9a-f]{64}$/);
    assert.equal(response.json().maxnumber, 100_000);
  });

  test('one solved challenge buys one allowance: the same solution again, a wrong one or none is refused with how to get one', async () => {
    const none = await exchange();
    assert.equal(none.statusCode, 403);
    assert.match(String(none.headers['content-type']), /application\/problem\+json/);
    assert.deepEqual(
      { code: none.json().code, challenge: none.json().challenge, allowance: none.json().allowance, header: none.json().header },
      { code: 'proof-of-work-required', challenge: '/api/v1/proof-of-work/challenge', allowance: '/api/v1/proof-of-work/allowance', header: 'X-Pow-Allowance' },
    );
    assert.match(none.json().title, /GET \/api\/v1\/proof-of-work\/challenge/);

    const altcha = await solvedPow(t.context.db);
    const issued = await exchange(altcha);
    assert.equal(issued.statusCode, 201);
    assert.equal(issued.headers['cache-control'], 'no-store');
    assert.equal(issued.json().requests, ALLOWANCE_REQUESTS);
    assert.equal(new Date(issued.json().expiresAt).getTime(), t.clock.now().getTime() + ALLOWANCE_TTL_SECONDS * 1000);
    assert.equal((await exchange(altcha)).statusCode, 403, 'a solution is exchanged once');

    const forged = JSON.parse(Buffer.from(await solvedPow(t.context.db), 'base64').toString('utf8')) as { number: number };
    forged.number += 1;
    assert.equal((await exchange(Buffer.from(JSON.stringify(forged)).toString('base64'))).statusCode, 403, 'a wrong number');
    assert.equal((await exchange('bm90IGpzb24=')).statusCode, 403, 'not a solution at all');
  });

  test('the API reference says which searches want proof of work, with which headers, and the refusal', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { description?: string; parameters?: Array<{ in: string; name: string }>; responses: Record<string, unknown> }>>;
    };
    for (const path of ['/api/v1/addresses', '/api/v1/addresses/{id}/schools']) {
      const op = doc.paths[path]!.get!;
      const headers = op.parameters!.filter((p) => p.in === 'header').map((p) => p.name);
      assert.deepEqual(headers.sort(), ['x-altcha', 'x-pow-allowance'], path);
      assert.ok(op.responses['403'], path);
      assert.match(op.description ?? '', /X-Pow-Allowance/);
    }
    assert.ok(doc.paths['/api/v1/proof-of-work/challenge']?.get);
    assert.ok(doc.paths['/api/v1/proof-of-work/allowance']?.post?.responses['201']);
  });

  test('an allowance is spent request by request, until it runs out or expires; a forged one never passes', async () => {
    const db = t.context.db;
    const { allowance } = await issueSearchAllowance(db, t.clock.now());
    for (let i = 0; i < ALLOWANCE_REQUESTS; i++) assert.equal(await spendSearchAllowance(db, allowance, t.clock.now()), true, `request ${i + 1}`);
    assert.equal(await spendSearchAllowance(db, allowance, t.clock.now()), false, 'used up');

    const fresh = (await issueSearchAllowance(db, t.clock.now())).allowance;
    const later = new Date(t.clock.now().getTime() + ALLOWANCE_TTL_SECONDS * 1000);
    assert.equal(await spendSearchAllowance(db, fresh, later), false, 'expired');
    assert.equal(await spendSearchAllowance(db, fresh, new Date(later.getTime() - 1000)), true, 'valid until then');

    const [expires, nonce, signature] = fresh.split('.') as [string, string, string];
    const forgeries = [
      `${Number(expires) + 3600}.${nonce}.${signature}`, // a longer life
      `${expires}.${'A'.repeat(16)}.${signature}`, // another nonce, the same signature
      `${expires}.${nonce}.${'A'.repeat(43)}`, // a made-up signature
      `${expires}.${nonce}`,
      '',
      'x'.repeat(1000),
    ];
    for (const forged of forgeries) assert.equal(await spendSearchAllowance(db, forged, t.clock.now()), false, forged.slice(0, 80));
  });
});

/**
 * DESIGN: every public page weighs ≤ 50 KB compressed (HTML + CSS + JS it loads), and loads
 * nothing from another origin. Fonts are excluded (cached once, served by us).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { createTestApp, type TestApp } from '../../test/support/app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

const publicPages = ['/', '/login', '/organizations', '/schools/find', '/api/docs'];

for (const url of publicPages) {
  test(`${url} weighs at most 50 KB compressed with its CSS and scripts, all from our origin`, async () => {
    const page = await t.app.inject({ url });
    assert.equal(page.statusCode, 200, `${url} answers`);
    const assets = [...page.body.matchAll(/<(?:link[^>]+href|script[^>]+src)="([^"]+)"/g)].map((m) => m[1]!);
    for (const asset of assets) assert.ok(asset.startsWith('/'), `${asset} is served by us`);
    let total = zlib.gzipSync(page.body).length;
    for (const asset of assets.filter((a) => /\.(css|js)$/.test(a))) {
      const response = await t.app.inject({ url: asset });
      assert.equal(response.statusCode, 200, `${asset} exists`);
      total += zlib.gzipSync(response.rawPayload).length;
    }
    assert.ok(total <= 50 * 1024, `${url} weighs ${total} bytes compressed`);
  });
}

test('pages are sent compressed to browsers that accept it', async () => {
  const response = await t.app.inject({ url: '/login', headers: { 'accept-encoding': 'br, gzip' } });
  assert.ok(['br', 'gzip'].includes(String(response.headers['content-encoding'])));
});

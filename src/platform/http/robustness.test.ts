/**
 * Bad input anywhere gets a clear 4xx, never a 5xx: every registered route is called with
 * malformed ids, hostile query strings and broken bodies, as an anonymous visitor and as a
 * regional administrator.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
let admin: Agent;
before(async () => {
  t = await createTestApp();
  admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
});
after(async () => {
  await t.close();
});

const badParams = ['not-a-uuid', '00000000-0000-0000-0000-000000000000', '%00', "1'; DROP TABLE person;--", '9'.repeat(40), '-1'];
const badQueries = ['', '?limit=100000', '?cursor=%%%', '?cursor=eyJhIjoxfQ', '?municipality=abc', '?municipality=99999999999&municipalityId=99999999999&limit=99999999999', '?kind=<script>', '?q=' + 'ё'.repeat(500), '?page=-5&from=not-a-date'];

function concrete(url: string, value: string): string {
  return url.replace(/:[A-Za-z]+/g, encodeURIComponent(value)).replace(/\*$/, 'x');
}

test('no route answers 5xx to malformed ids, queries or bodies', async () => {
  const routes = t.app.registeredRoutes.filter((r) => !['HEAD', 'OPTIONS'].includes(r.method) && !r.url.startsWith('/static'));
  assert.ok(routes.length > 10);
  const failures: string[] = [];
  for (const route of routes) {
    const values = route.url.includes(':') ? badParams : ['x'];
    for (const value of values) {
      const url = concrete(route.url, value);
      for (const query of route.method === 'GET' ? badQueries : ['']) {
        for (const who of ['anonymous', 'admin'] as const) {
          const response =
            who === 'admin'
              ? route.method === 'GET'
                ? await admin.get(url + query)
                : await admin.api(route.method as 'POST', url, { nonsense: [1, { deep: null }], version: 'x' })
              : await t.app.inject({ method: route.method as 'GET', url: url + query, payload: route.method === 'GET' ? undefined : '{"broken json', headers: { 'content-type': 'application/json' } });
          if (response.statusCode >= 500) failures.push(`${who} ${route.method} ${url}${query} → ${response.statusCode}`);
        }
      }
    }
  }
  assert.deepEqual(failures, []);
});

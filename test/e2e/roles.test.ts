/**
 * Every demo role logs in through the real form, lands on its account page and reaches what
 * its role is for; each page visited passes axe-core. The demo region is seeded by the same
 * generator `npm start` uses.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoAccounts } from '../../src/demo/demo-accounts.ts';
import { seedDemoRegion } from '../../src/demo/seed.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;
before(async () => {
  e2e = await startE2E();
  await seedDemoRegion(e2e.t.context.db, { scale: 0.002, seed: 1 });
});
after(async () => {
  await e2e.close();
});

/** The page each role is for, and a text it must show there. */
const destinations: Record<string, { path: string; shows: RegExp }> = {
  admin: { path: '/audit', shows: /Журнал аудита/ },
  operator: { path: '/people', shows: /Люди|люд/i },
  'operator.sochi': { path: '/organizations/new', shows: /Новая организация/ },
  head: { path: '/people', shows: /Люди|люд/i },
  teacher: { path: '/people', shows: /Люди|люд/i },
  parent: { path: '/people/mine', shows: /Смирнов/ },
  pupil: { path: '/people/mine', shows: /Смирнов/ },
};

for (const demo of demoAccounts) {
  test(`the demo ${demo.role} "${demo.login}" logs in, sees their account and reaches their work`, async () => {
    const { page, context, requests } = await newPage(e2e);
    await logIn(page, demo.login, demo.password);
    assert.equal(new URL(page.url()).pathname, '/account');
    assert.match(await page.getByRole('main').innerText(), new RegExp(demo.displayName.split(' ')[0]!));
    await assertAccessible(page);
    const destination = destinations[demo.login];
    assert.ok(destination, `a destination for ${demo.login}`);
    const response = await page.goto(destination.path);
    assert.equal(response?.status(), 200, `${demo.login} opens ${destination.path}`);
    assert.match(await page.getByRole('main').innerText(), destination.shows);
    await assertAccessible(page);
    assertSameOrigin(e2e, requests);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Выйти' }).click()]);
    assert.equal(await page.getByRole('button', { name: 'Выйти' }).count(), 0);
    await context.close();
  });
}

test('a guardian asking for the list of people sees only their own family', async () => {
  const { page, context } = await newPage(e2e);
  await logIn(page, 'parent', 'prostor-parent');
  await page.goto('/people');
  const rows = await page.locator('main table tbody tr').allInnerTexts();
  assert.ok(rows.length >= 2 && rows.length <= 5, `${rows.length} rows`);
  for (const row of rows) assert.match(row, /Смирнов/);
  await context.close();
});

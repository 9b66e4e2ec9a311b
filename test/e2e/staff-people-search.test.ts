/**
 * Staff search the people registry without the term ever entering a URL: the search form posts,
 * the results come back in place, the next page is posted again. Works with JavaScript off; the
 * results page passes axe-core.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, testPassword } from '../support/app.ts';
import { createPerson } from '../../src/registry/person.factory.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage, startE2E, type E2E } from './support/harness.ts';

const term = 'Тайнопоискова';

let e2e: E2E;
before(async () => {
  e2e = await startE2E();
  for (let i = 0; i < 52; i++) await createPerson(e2e.t.context.db, { municipalityId: 1, lastName: term, firstName: 'Дарья', sex: 'female' });
  await createPerson(e2e.t.context.db, { municipalityId: 1, lastName: 'Посторонняя', sex: 'female' });
});
after(async () => {
  await e2e.close();
});

test('an operator searches people by name with JavaScript off, pages through the results, and no URL ever holds the name', async () => {
  const operator = await createAccount(e2e.t.context, [{ role: 'municipalOperator', municipalityId: 1 }], { login: 'e2e-people-search' });
  const { page, context, requests } = await newPage(e2e, { javaScriptEnabled: false });
  await logIn(page, operator.login, testPassword);
  await page.goto('/people');
  await page.getByLabel('Фамилия, имя или номер документа').fill(term);
  await Promise.all([page.waitForNavigation(), page.getByRole('main').getByRole('button', { name: 'Найти' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/people/search');
  assert.equal(new URL(page.url()).search, '');
  assert.equal(await page.getByLabel('Фамилия, имя или номер документа').inputValue(), term);
  assert.equal(await page.locator('main table tbody tr').count(), 50);
  assert.equal(await page.getByRole('link', { name: /Посторонняя/ }).count(), 0);

  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Следующая страница' }).click()]);
  assert.equal(await page.locator('main table tbody tr').count(), 2);
  assert.equal(await page.getByLabel('Фамилия, имя или номер документа').inputValue(), term);
  assert.equal(await page.getByRole('button', { name: 'Следующая страница' }).count(), 0);

  const leaking = requests.filter((url) => decodeURIComponent(url).toLowerCase().includes(term.toLowerCase()));
  assert.deepEqual(leaking, [], 'a request URL carried the search term');
  assertSameOrigin(e2e, requests);
  await context.close();

  const { page: checked, context: checkedContext } = await newPage(e2e);
  await logIn(checked, operator.login, testPassword);
  await checked.goto('/people');
  await checked.getByLabel('Фамилия, имя или номер документа').fill(term);
  await Promise.all([checked.waitForNavigation(), checked.getByRole('main').getByRole('button', { name: 'Найти' }).click()]);
  await assertAccessible(checked);
  await checkedContext.close();
});

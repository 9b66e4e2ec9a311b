/**
 * The regional administrator keeps the kinds of work and their weights in Chromium: reaches the
 * list from "Школа", adds a kind (a weight out of range is refused with the input kept), changes
 * its weight, deactivates it, and deletes one added by mistake. Every page passes axe-core and
 * makes no foreign request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/connect.ts';
import { createAccount, testPassword } from '../support/app.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;

before(async () => {
  e2e = await startE2E();
});
after(async () => {
  await e2e.close();
});

test('the regional administrator adds a kind of work, reweighs and deactivates it, and deletes an unused one', async () => {
  const admin = await createAccount(e2e.t.context, [{ role: 'regionalAdmin' }], { login: 'e2e-work-kinds-admin' });
  const { page, context, requests } = await newPage(e2e);
  await logIn(page, admin.login, testPassword);
  await page.getByRole('link', { name: 'Школа' }).first().click();
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Виды работ и веса отметок' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/journal/work-kinds');
  assert.match(await page.getByRole('main').innerText(), /уже выставленные отметки сохраняют прежний вес/);
  await assertAccessible(page);

  // A weight out of range: the error beside the field and at the top, the input kept.
  await page.getByLabel('Код (латиница, не меняется)').fill('quiz');
  await page.getByRole('textbox', { name: 'Название', exact: true }).fill('Тест');
  await page.getByLabel('Название по-английски').fill('Quiz');
  await page.getByRole('textbox', { name: 'Вес' }).fill('7');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Добавить' }).click()]);
  assert.match(await page.getByRole('alert').innerText(), /Вес — число от 0,5 до 5/);
  assert.equal(await page.getByRole('textbox', { name: 'Название', exact: true }).inputValue(), 'Тест');
  await assertAccessible(page);
  await page.getByRole('textbox', { name: 'Вес' }).fill('1,5');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Добавить' }).click()]);
  assert.match(await page.getByRole('status').innerText(), /Вид работы добавлен/);
  assert.match(await page.locator('tr[data-kind="quiz"]').innerText(), /Тест\s+Quiz\s+quiz\s+1,5/);

  // Its page: a new weight, then deactivation.
  await Promise.all([page.waitForNavigation(), page.locator('tr[data-kind="quiz"]').getByRole('link', { name: /Изменить/ }).click()]);
  await assertAccessible(page);
  await page.getByRole('textbox', { name: 'Вес' }).fill('2,5');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Сохранить' }).click()]);
  assert.match(await page.locator('tr[data-kind="quiz"]').innerText(), /2,5/);
  await Promise.all([page.waitForNavigation(), page.locator('tr[data-kind="quiz"]').getByRole('link', { name: /Изменить/ }).click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Отключить вид работы' }).click()]);
  assert.match(await page.locator('tr[data-kind="quiz"]').innerText(), /отключён/);
  const [row] = await queryRows<{ weight: string; active: boolean }>(e2e.t.context.db, sql`SELECT weight::text AS weight, active FROM work_kind WHERE code = 'quiz'`);
  assert.deepEqual({ ...row }, { weight: '2.5', active: false });

  // Nothing uses it yet, so it can also be deleted (a used one offers only deactivation).
  await Promise.all([page.waitForNavigation(), page.locator('tr[data-kind="quiz"]').getByRole('link', { name: /Изменить/ }).click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Удалить вид работы' }).click()]);
  assert.match(await page.getByRole('status').innerText(), /Вид работы удалён/);
  assert.equal(await page.locator('tr[data-kind="quiz"]').count(), 0);
  await assertAccessible(page);
  assertSameOrigin(e2e, requests);
  await context.close();
});

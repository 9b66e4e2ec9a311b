/**
 * Staff journey through the registry: an operator finds organisations, adds one with a
 * mistake the form explains, edits it, and the regional administrator sees both changes in the
 * audit log. axe-core checks every page on the way.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, testPassword } from '../support/app.ts';
import { createOrganization } from '../../src/registry/organization.factory.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;
before(async () => {
  e2e = await startE2E();
  await createOrganization(e2e.t.context.db, { municipalityId: 1, kind: 'school', shortName: 'МБОУ СОШ № 101', fullName: 'Муниципальное бюджетное общеобразовательное учреждение СОШ № 101' });
  await createOrganization(e2e.t.context.db, { municipalityId: 2, kind: 'kindergarten', shortName: 'МДОБУ детский сад № 7 «Ёлочка»', fullName: 'Муниципальное дошкольное образовательное бюджетное учреждение детский сад № 7 «Ёлочка»' });
});
after(async () => {
  await e2e.close();
});

test('anyone searches the public directory, ё or е alike, and opens an organisation', async () => {
  const { page, context, requests } = await newPage(e2e, { javaScriptEnabled: false });
  await page.goto('/organizations');
  await page.getByLabel('Название или адрес').fill('елочка');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Найти' }).click()]);
  const link = page.getByRole('link', { name: /Ёлочка/ });
  assert.equal(await link.count(), 1);
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Ёлочка/);
  assertSameOrigin(e2e, requests);
  await context.close();
  const { page: checked, context: checkedContext } = await newPage(e2e);
  await checked.goto('/organizations?q=%D0%B5%D0%BB%D0%BE%D1%87%D0%BA%D0%B0');
  await assertAccessible(checked);
  await checkedContext.close();
});

test('an operator adds an organisation, is told about a bad INN, fixes it, edits it, and the administrator sees it audited', async () => {
  const operator = await createAccount(e2e.t.context, [{ role: 'municipalOperator', municipalityId: 1 }], { login: 'e2e-operator' });
  const admin = await createAccount(e2e.t.context, [{ role: 'regionalAdmin' }], { login: 'e2e-admin' });
  const { page, context, requests } = await newPage(e2e);
  await logIn(page, operator.login, testPassword);
  await page.goto('/organizations');
  await assertAccessible(page);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Добавить организацию' }).click()]);
  await assertAccessible(page);
  await page.locator('[name="fullName"]').fill('Муниципальное автономное общеобразовательное учреждение гимназия № 202');
  await page.locator('[name="shortName"]').fill('МАОУ гимназия № 202');
  await page.locator('[name="kind"]').selectOption('school');
  await page.locator('[name="municipalityId"]').selectOption('1');
  await page.locator('[name="address"]').fill('350000, г. Краснодар, ул. Красная, д. 202');
  await page.locator('[name="inn"]').fill('2310000001');
  await page.locator('[name="ogrn"]').fill('1022301000001');
  await Promise.all([page.waitForNavigation(), page.getByRole('main').getByRole('button', { name: 'Добавить организацию' }).click()]);
  // The form comes back with the mistake explained and the input kept.
  await page.getByRole('alert').first().waitFor();
  assert.match(await page.getByRole('alert').first().innerText(), /ИНН/);
  assert.equal(await page.locator('[name="shortName"]').inputValue(), 'МАОУ гимназия № 202');
  await assertAccessible(page);
  await page.locator('[name="inn"]').fill('7707083893');
  await page.locator('[name="ogrn"]').fill('1027700132195');
  await Promise.all([page.waitForNavigation(), page.getByRole('main').getByRole('button', { name: 'Добавить организацию' }).click()]);
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /гимназия № 202/);
  await assertAccessible(page);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Редактировать' }).click()]);
  await page.locator('[name="phone"]').fill('+7 (861) 255-20-20');
  await Promise.all([page.waitForNavigation(), page.getByRole('main').getByRole('button', { name: 'Сохранить' }).click()]);
  assert.match(await page.getByRole('main').innerText(), /255-20-20/);
  assertSameOrigin(e2e, requests);
  await context.close();

  const { page: adminPage, context: adminContext } = await newPage(e2e);
  await logIn(adminPage, admin.login, testPassword);
  await adminPage.goto('/audit');
  const log = await adminPage.getByRole('main').innerText();
  assert.match(log, /organization/);
  assert.ok((log.match(/Тестовый|e2e-operator/g) ?? []).length >= 1, 'the operator is named as the actor');
  await assertAccessible(adminPage);
  await adminContext.close();
});

test('a teacher is not offered to add organisations and is refused if they try', async () => {
  const teacher = await createAccount(e2e.t.context, [{ role: 'teacher', organizationId: (await createOrganization(e2e.t.context.db, { municipalityId: 1 })).id }], { login: 'e2e-teacher' });
  const { page, context } = await newPage(e2e);
  await logIn(page, teacher.login, testPassword);
  await page.goto('/organizations');
  assert.equal(await page.getByRole('link', { name: 'Добавить организацию' }).count(), 0);
  const response = await page.goto('/organizations/new');
  assert.equal(response?.status(), 403);
  await assertAccessible(page);
  await context.close();
});

/**
 * The head runs the school year and the pupils' registry in Chromium through plain forms (the
 * pages carry no script at all, so this is the JavaScript-off path; axe-core itself needs script):
 * creates the year from the Krai's defaults, adds a class, admits a child by their birth
 * certificate, keeps the curriculum and the teaching load; the operator merges duplicates.
 * Every page passes axe-core and makes no foreign request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, testPassword } from '../support/app.ts';
import { createOrganization } from '../../src/registry/organization.factory.ts';
import { addStaffDirectly, createPerson } from '../../src/registry/person.factory.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;

before(async () => {
  e2e = await startE2E();
});
after(async () => {
  await e2e.close();
});

test('the head sets up the year, a class and an admission; the operator compares duplicates — every page plain forms and accessible', async () => {
  const db = e2e.t.context.db;
  const school = await createOrganization(db, { kind: 'school', municipalityId: 1 });
  const teacher = await createPerson(db, { birthDate: '1981-03-03', lastName: 'Сергеева', firstName: 'Нина', sex: 'female' });
  await addStaffDirectly(db, teacher.id, school.id, 'учитель начальных классов');
  const child = await createPerson(db, { birthDate: '2018-05-05', lastName: 'Ковалёв', firstName: 'Илья', sex: 'male' });
  const head = await createAccount(e2e.t.context, [{ role: 'organizationHead', organizationId: school.id }], { login: 'e2e-core-head' });

  const { page, context, requests } = await newPage(e2e);
  await logIn(page, head.login, testPassword);
  await page.getByRole('link', { name: 'Школа' }).first().click();
  assert.match(page.url(), /\/journal\/school\?organizationId=/);
  await assertAccessible(page);
  await page.locator('input[name="startsYear"]').fill('2026');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Создать год' }).click()]);
  assert.match(page.url(), /\/journal\/years\/[0-9a-f-]{36}\?done=created/);
  assert.equal(await page.locator('input[name="terms.1.endsOn"]').inputValue(), '2026-10-24');
  await assertAccessible(page);

  await page.getByRole('link', { name: 'Классы' }).first().click();
  await assertAccessible(page);
  await page.locator('select[name="grade"]').selectOption('2');
  await page.locator('input[name="letter"]').fill('Б');
  await page.locator('select[name="classTeacherId"]').selectOption(teacher.id);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Добавить класс' }).click()]);
  await page.getByRole('link', { name: '2Б' }).click();
  await assertAccessible(page);
  await page.getByRole('link', { name: 'Зачислить обучающегося' }).click();
  await assertAccessible(page);
  await page.locator('input[name="document"]').fill(`${child.birthCertificateSeries} ${child.birthCertificateNumber}`);
  await page.locator('input[name="on"]').fill('2026-09-01');
  await page.locator('input[name="orderNumber"]').fill('15-у');
  await page.locator('input[name="orderIssuedOn"]').fill('2026-08-31');
  await Promise.all([page.waitForNavigation(), page.getByRole('main').getByRole('button', { name: 'Зачислить' }).click()]);
  assert.match(await page.locator('main').innerText(), /Ковалёв Илья/);
  await page.getByRole('link', { name: 'Ковалёв Илья' }).click();
  assert.match(await page.locator('main').innerText(), /15-у/);
  await assertAccessible(page);

  const yearHref = await page.locator('main a[href*="/journal/classes/"]').first().getAttribute('href');
  await page.goto(yearHref!);
  const classesHref = await page.locator('main a[href$="/classes"]').first().getAttribute('href');
  await page.goto(classesHref!.replace(/\/classes$/, '/curriculum'));
  await assertAccessible(page);
  await page.goto(classesHref!.replace(/\/classes$/, '/assignments'));
  await assertAccessible(page);
  await page.goto('/journal/subjects');
  await assertAccessible(page);
  assertSameOrigin(e2e, requests);
  await context.close();

  const a = await createPerson(db, { lastName: 'Дублева', firstName: 'Мария', birthDate: '2016-01-01', sex: 'female' });
  const b = await createPerson(db, { lastName: 'Дублева', firstName: 'Мария', birthDate: '2016-01-01', sex: 'female' });
  const operator = await createAccount(e2e.t.context, [{ role: 'municipalOperator', municipalityId: 1 }], { login: 'e2e-core-operator' });
  const second = await newPage(e2e);
  await logIn(second.page, operator.login, testPassword);
  await second.page.goto('/registry/merge');
  await assertAccessible(second.page);
  await second.page.locator('input[name="a"]').fill(a.id);
  await second.page.locator('input[name="b"]').fill(b.snils!);
  await Promise.all([second.page.waitForNavigation(), second.page.getByRole('button', { name: 'Сравнить' }).click()]);
  await assertAccessible(second.page);
  await Promise.all([second.page.waitForNavigation(), second.page.getByRole('button', { name: 'Оставить A, объединить с ней B' }).click()]);
  assert.match(await second.page.locator('main').innerText(), /Записи объединены/);
  await assertAccessible(second.page);
  assertSameOrigin(e2e, second.requests);
  await second.context.close();
});

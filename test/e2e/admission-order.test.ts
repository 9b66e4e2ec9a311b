/**
 * The municipality's side of first-grade admission in Chromium with JavaScript off: the operator
 * makes a dry run of the order of admission and commits it, anyone reads the protocol (numbers
 * only), the operator reviews a flagged registration, reads the shortage report and opens a class,
 * imports births; the regional admin sets the thresholds. Every page is axe-clean, small, and
 * requests nothing from other origins.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createStreet } from '../../src/registry/address.factory.ts';
import { createApplication, createCampaign, createPlan, createSchool } from '../../src/enrollment/admission/admission-order.fixtures.ts';
import { flagApplications } from '../../src/enrollment/admission/flags.service.ts';
import { createAccount, testPassword } from '../support/app.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;
const m = 3;

before(async () => {
  e2e = await startE2E();
});
after(async () => {
  await e2e.close();
});

async function checkAccessible(url: string, login?: string): Promise<void> {
  const { page, context, requests } = await newPage(e2e);
  if (login) await logIn(page, login, testPassword);
  const response = await page.goto(url);
  assert.equal(response!.status(), 200, url);
  assert.ok((await response!.body()).length < 50_000, `${url} weighs under 50 KB`);
  await assertAccessible(page);
  assertSameOrigin(e2e, requests);
  await context.close();
}

test('operator: order of admission, protocol, flags and planning pages, with JavaScript off, axe-clean', async () => {
  const { context } = e2e.t;
  const campaign = await createCampaign(context.db, { municipalityId: m });
  const school = await createSchool(context.db, m, { shortName: 'Школа № 102' });
  await createPlan(context.db, campaign.id, school.id, 1);
  const street = await createStreet(context.db, { municipalityId: m, houses: ['5!'] });
  const first = await createApplication(context.db, campaign, school.id, { status: 'documentsChecked' });
  const second = await createApplication(context.db, campaign, school.id, { status: 'documentsChecked', houseId: street.houses.get('5!')! });
  await flagApplications(context, [second.id]);
  const operator = await createAccount(context, [{ role: 'municipalOperator', municipalityId: m }]);

  const { page, context: browserContext, requests } = await newPage(e2e, { javaScriptEnabled: false, width: 320 });
  await logIn(page, operator.login, testPassword);
  await page.goto('/admission/order');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: new RegExp(`${campaign.year}`) }).click()]);
  const campaignUrl = page.url();
  await page.getByRole('combobox', { name: 'Этап' }).selectOption('1');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Выполнить пробный расчёт' }).click()]);
  const reviewUrl = page.url();
  assert.match(reviewUrl, /\/admission\/order\/runs\//);
  await page.getByRole('heading', { name: 'Кто получит место' }).waitFor();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Утвердить и принять решения' }).click()]);
  const protocolUrl = page.url();
  assert.match(protocolUrl, /\/admission\/protocols\//);
  const text = await page.getByRole('main').innerText();
  assert.ok(text.includes(String(first.receiptNumber)) && text.includes(String(second.receiptNumber)));

  await page.goto('/admission/flags?status=open');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: `№ ${second.receiptNumber}` }).click()]);
  const flagUrl = page.url();
  await page.getByRole('combobox', { name: 'Решение' }).selectOption('cleared');
  await page.getByRole('textbox', { name: 'Что проверено' }).fill('Выезд: жилой дом, ошибка в реестре');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Сохранить' }).click()]);
  await page.getByText('Решение сохранено').waitFor();

  await page.goto(`/admission/planning/campaigns/${campaign.id}`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Школа № 102' }).click()]);
  const schoolUrl = page.url();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Открыть ещё один класс/ }).click()]);
  await page.getByText('План сохранён').waitFor();
  await page.goto('/admission/planning/births');
  await page.getByRole('textbox', { name: 'Содержимое файла' }).fill(`house_guid;birth_year;count\n${street.houses.get('5!')};2019;3\n`);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Загрузить' }).click()]);
  await page.getByText('Загружено строк: 1; отклонено: 0').waitFor();
  assertSameOrigin(e2e, requests);
  await browserContext.close();

  for (const url of [new URL(campaignUrl).pathname, new URL(reviewUrl).pathname, '/admission/order', '/admission/flags', new URL(flagUrl).pathname, `/admission/planning/campaigns/${campaign.id}`, `/admission/planning/campaigns/${campaign.id}/forecast`, new URL(schoolUrl).pathname, '/admission/planning/births', '/admission/planning']) {
    await checkAccessible(url, operator.login);
  }
  await checkAccessible(new URL(protocolUrl).pathname);
  await checkAccessible(`${new URL(protocolUrl).pathname}/lookup`);
  await checkAccessible(`/admission/campaigns/${campaign.id}/protocols`);
  const admin = await createAccount(context, [{ role: 'regionalAdmin' }]);
  await checkAccessible('/admission/parameters', admin.login);
});

/**
 * The first-grade admission journey in a real browser: a family finds its school by address,
 * prepares a draft before the opening, submits it at the opening minute (the test moves the
 * app's clock), the school checks the originals and issues the enrolment order, and the guardian
 * sees «зачислен»; the public live page shows numbers only. axe-core checks every page.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createAccount, testPassword } from '../support/app.ts';
import { createAdmissionArea, createFamily } from '../../src/enrollment/admission/admission.fixtures.ts';
import { createCampaign, defaultCampaignInput, getAdmissionSettings, listSchoolPlans, publishCampaign, saveSchoolPlans } from '../../src/enrollment/admission/campaign.service.ts';
import { receivedJobHandlers } from '../../src/enrollment/admission/received.job.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage as openPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;
before(async () => {
  e2e = await startE2E();
});
after(async () => {
  await e2e.close();
});

async function newPage(...args: Parameters<typeof openPage>): ReturnType<typeof openPage> {
  const opened = await openPage(...args);
  opened.context.setDefaultTimeout(10_000);
  return opened;
}

async function click(page: Page, locator: ReturnType<Page['getByRole']>): Promise<void> {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

async function statusOf(page: Page): Promise<string> {
  return (await page.locator('main p strong.status-tag').first().innerText()).trim();
}

const origin = { actor: { kind: 'anonymous' as const }, ip: null, requestId: null };

test('find the school by address, draft, submit at opening, the school checks and orders, the guardian sees «зачислен»', async () => {
  const { context } = e2e.t;
  const { db } = context;
  // Before the campaign: the demo-like clock is in autumn 2026; the campaign is for 1 September 2027.
  e2e.t.clock.set(new Date('2026-11-20T09:00:00Z'));
  const area = await createAdmissionArea(context, { schools: 2, street: 'Северная' });
  const family = await createFamily(db, { year: 2027 });
  const settings = await getAdmissionSettings(db);
  const campaign = await createCampaign(context, origin, 1, 2027, { ...defaultCampaignInput(settings, 2027), stage1OpensOn: '2027-03-29' });
  const plans = await listSchoolPlans(db, campaign);
  await saveSchoolPlans(context, origin, campaign, plans.map((p) => ({ organizationId: p.organizationId, classes: 2, classSize: 25 })));
  await publishCampaign(context, origin, campaign);
  const guardian = await createAccount(context, [{ role: 'guardian' }], { personId: family.guardianId });
  const head = await createAccount(context, [{ role: 'organizationHead', organizationId: area.schoolIds[0]! }]);

  // The family finds its school by address, with no login.
  const g = await newPage(e2e);
  await g.page.goto('/schools/find');
  await assertAccessible(g.page);
  await g.page.getByLabel(/Адрес: населённый пункт/).fill('Северная 2');
  await click(g.page, g.page.getByRole('main').getByRole('button', { name: 'Найти' }));
  await assertAccessible(g.page);
  await click(g.page, g.page.getByRole('link', { name: /Северная, д\. 2$/ }));
  await assertAccessible(g.page);
  assert.match(await g.page.locator('main').innerText(), /Школа № 100/);

  // A draft before the opening.
  await logIn(g.page, guardian.login, testPassword);
  await g.page.goto('/admission');
  await assertAccessible(g.page);
  await click(g.page, g.page.getByRole('link', { name: 'Подготовить черновик заявления' }));
  await assertAccessible(g.page);
  await g.page.getByRole('textbox', { name: /Адрес регистрации/ }).fill('Северная 2');
  await click(g.page, g.page.getByRole('button', { name: 'Найти адрес' }));
  await assertAccessible(g.page);
  await g.page.getByRole('radio', { name: /Северная, д\. 2$/ }).check();
  await g.page.getByRole('textbox', { name: 'Квартира' }).fill('5');
  await g.page.getByLabel('Школа *').selectOption({ index: 1 });
  await click(g.page, g.page.getByRole('button', { name: 'Сохранить черновик' }));
  await assertAccessible(g.page);
  assert.equal(await statusOf(g.page), 'черновик');
  assert.match(await g.page.locator('main').innerText(), /ещё не начался/);
  const applicationUrl = new URL(g.page.url()).pathname;

  // The opening minute: 29 March 2027, 00:00 Moscow time.
  e2e.t.clock.set(new Date('2027-03-28T21:00:01Z'));
  await logIn(g.page, guardian.login, testPassword);
  await g.page.goto(applicationUrl);
  await assertAccessible(g.page);
  await click(g.page, g.page.getByRole('button', { name: 'Подать заявление' }));
  assert.equal(new URL(g.page.url()).pathname, applicationUrl);
  await assertAccessible(g.page);
  assert.equal(await statusOf(g.page), 'принято');
  assert.match(await g.page.locator('main').innerText(), /Номер заявления\s+1/);
  const applicationId = applicationUrl.split('/')[3]!;
  await receivedJobHandlers['admission.received']!({ id: 1, queue: 'admission.received', payload: { applicationIds: [applicationId] }, attempt: 1, maxAttempts: 5 }, context);

  // The school checks the originals and issues the order.
  e2e.t.clock.set(new Date('2027-04-01T07:00:00Z'));
  const s = await newPage(e2e);
  await logIn(s.page, head.login, testPassword);
  await s.page.goto('/admission/school');
  await assertAccessible(s.page);
  await click(s.page, s.page.getByRole('link', { name: /2027/ }).first());
  await assertAccessible(s.page);
  await click(s.page, s.page.getByRole('link', { name: '1', exact: true }));
  await assertAccessible(s.page);
  await s.page.getByRole('textbox', { name: /Дата проверки/ }).fill('2027-04-01');
  await click(s.page, s.page.getByRole('button', { name: 'Записать проверку' }));
  await assertAccessible(s.page);
  assert.equal(await statusOf(s.page), 'документы проверены');
  await click(s.page, s.page.getByRole('link', { name: 'К заявлениям школы и приказам' }));
  await s.page.getByRole('textbox', { name: /Номер приказа/ }).fill('12-у');
  await s.page.getByRole('checkbox', { name: /№ 1 —/ }).check();
  await click(s.page, s.page.getByRole('button', { name: 'Издать приказ' }));
  await assertAccessible(s.page);
  assert.match(await s.page.locator('main').innerText(), /12-у/);

  // The guardian sees the decision.
  await logIn(g.page, guardian.login, testPassword);
  await g.page.goto(applicationUrl);
  await assertAccessible(g.page);
  assert.equal(await statusOf(g.page), 'зачислен');
  assert.match(await g.page.locator('main').innerText(), /№ 12-у/);

  // The public live page: numbers only.
  const p = await newPage(e2e);
  await p.page.goto(`/admission/live/${campaign.id}`);
  await assertAccessible(p.page);
  await click(p.page, p.page.getByRole('link', { name: /Школа № 100/ }));
  await assertAccessible(p.page);
  const text = await p.page.locator('main').innerText();
  assert.match(text, /Зачислено\s+1/);
  assert.match(text, /Свободных мест\s+49/);
  for (const opened of [g, s, p]) assertSameOrigin(e2e, opened.requests);
});

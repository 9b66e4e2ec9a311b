/**
 * A family finds its school by address, with JavaScript off on a 320 px phone: types the
 * address as people do, picks the house, sees the school and the school's list of addresses.
 * With JavaScript the houses appear while typing, which takes the proof of work the JSON search
 * asks of an anonymous visitor (issue 4 item 6); without it, or when it fails, the form does
 * the same. Every page is axe-clean and requests nothing from other origins.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous } from '../../src/platform/access/access.ts';
import { createSettlement, createStreet } from '../../src/registry/address.factory.ts';
import { createOrganization } from '../../src/registry/organization.factory.ts';
import { addRule, createAct, publishAct } from '../../src/registry/territory.service.ts';
import { assertAccessible, assertSameOrigin, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;
let schoolName: string;

before(async () => {
  e2e = await startE2E();
  const { context } = e2e.t;
  const origin = { actor: anonymous, ip: null, requestId: null };
  const city = await createSettlement(context.db, { municipalityId: 1, name: 'Краснодар' });
  const street = await createStreet(context.db, { municipalityId: 1, settlement: city, street: 'Зелёная', houses: ['10', '12', '12а', '14'] });
  const school = await createOrganization(context.db, { municipalityId: 1 });
  schoolName = school.shortName;
  const act = await createAct(context, origin, { municipalityId: 1, number: '501', signedOn: '2020-03-01', title: 'О закреплении территорий', documentUrl: null, documentName: null, validFrom: '2020-03-15' });
  await addRule(context, origin, act.id, { organizationId: school.id, objectId: street.streetId, kind: 'even', numberFrom: null, numberTo: null, houseId: null });
  await publishAct(context, origin, act.id);
});
after(async () => {
  await e2e.close();
});

/** Re-opens the current URL with JavaScript on, for axe-core. */
async function checkAccessible(url: string): Promise<void> {
  const { page, context, requests } = await newPage(e2e);
  await page.goto(url);
  await assertAccessible(page);
  assertSameOrigin(e2e, requests);
  await context.close();
}

test('a family finds its school by address without JavaScript on a phone', async () => {
  const { page, context, requests } = await newPage(e2e, { javaScriptEnabled: false, width: 320 });
  await page.goto('/schools/find');
  await checkAccessible(page.url());
  await page.getByRole('searchbox', { name: /Адрес/ }).fill('Краснодар, ул. Зеленая, д 12');
  await Promise.all([page.waitForNavigation(), page.getByRole('main').getByRole('button', { name: 'Найти' }).click()]);
  await checkAccessible(page.url());
  const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  assert.equal(overflow, 0);
  // the exact house comes first, then 12а
  const houses = page.getByRole('main').getByRole('list').last().getByRole('link');
  assert.deepEqual(await houses.allTextContents(), ['г Краснодар, ул Зелёная, д. 12', 'г Краснодар, ул Зелёная, д. 12а']);
  await Promise.all([page.waitForNavigation(), houses.first().click()]);
  await page.getByRole('heading', { level: 2, name: 'г Краснодар, ул Зелёная, д. 12' }).waitFor();
  await page.getByRole('link', { name: schoolName }).waitFor();
  await checkAccessible(page.url());
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Все адреса, закреплённые за школой' }).click()]);
  const rows = await page.getByRole('main').getByRole('cell').allTextContents();
  assert.deepEqual(rows, ['г Краснодар, ул Зелёная, д. 10', 'г Краснодар, ул Зелёная, д. 12', 'г Краснодар, ул Зелёная, д. 12а', 'г Краснодар, ул Зелёная, д. 14']);
  await checkAccessible(page.url());
  assertSameOrigin(e2e, requests);
  await context.close();
});

test('an address that does not exist gets a plain answer', async () => {
  const { page, context } = await newPage(e2e, { javaScriptEnabled: false });
  await page.goto(`/schools/find?q=${encodeURIComponent('Несуществующая 1')}`);
  await page.getByText('Адрес не найден').waitFor();
  await context.close();
});

test('with JavaScript the houses appear while typing, paid for with one solved challenge', async () => {
  const { page, context, requests } = await newPage(e2e);
  const searches: Array<{ url: string; allowance: string | undefined }> = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/v1/addresses?')) searches.push({ url: request.url(), allowance: request.headers()['x-pow-allowance'] });
  });
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  const errors: string[] = []; // a worker refused by the CSP would show here
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto('/schools/find');
  await page.getByText('Без JavaScript всё работает так же').waitFor();
  await page.getByRole('searchbox', { name: /Адрес/ }).pressSequentially('зеленая 14', { delay: 20 });
  const suggestion = page.getByRole('list', { name: 'Подсказки адресов' }).getByRole('link', { name: 'г Краснодар, ул Зелёная, д. 14' });
  await suggestion.waitFor({ timeout: 60_000 }); // solving takes seconds on a loaded machine
  await assertAccessible(page);
  // The suggestions came from the JSON search, which refuses an anonymous caller without proof
  // of work: the page solved a challenge (in a worker) and sent the allowance it bought.
  const path = (url: string) => new URL(url).pathname;
  assert.equal(requests.filter((url) => path(url) === '/api/v1/proof-of-work/challenge').length, 1, 'one challenge for the whole typing');
  assert.equal(requests.filter((url) => path(url) === '/api/v1/proof-of-work/allowance').length, 1);
  assert.ok(workers.length >= 1 && workers.every((url) => path(url) === '/static/pow.js'), 'solved in workers, not on the page');
  assert.deepEqual(errors, []);
  assert.ok(searches.length >= 1);
  for (const search of searches) assert.match(search.allowance ?? '', /^\d+\.[\w-]{16}\.[\w-]{43}$/, search.url);
  await Promise.all([page.waitForNavigation(), suggestion.click()]);
  await page.getByRole('link', { name: schoolName }).waitFor();
  assertSameOrigin(e2e, requests);
  await context.close();
});

test('a browser without workers solves the challenge on the page, in batches', async () => {
  const { page, context } = await newPage(e2e);
  await page.addInitScript('delete window.Worker');
  await page.goto('/schools/find');
  await page.getByRole('searchbox', { name: /Адрес/ }).pressSequentially('зеленая 12', { delay: 20 });
  await page.getByRole('list', { name: 'Подсказки адресов' }).getByRole('link', { name: 'г Краснодар, ул Зелёная, д. 12а' }).waitFor({ timeout: 60_000 });
  await context.close();
});

test('when the proof of work cannot be had, typing shows nothing and the form still finds the school', async () => {
  const { page, context } = await newPage(e2e);
  await page.route('**/api/v1/proof-of-work/challenge', (route) => route.fulfill({ status: 503, body: 'down' }));
  await page.goto('/schools/find');
  const box = page.getByRole('searchbox', { name: /Адрес/ });
  await box.pressSequentially('зеленая 14', { delay: 20 });
  await page.waitForTimeout(1000);
  assert.equal(await page.getByRole('list', { name: 'Подсказки адресов' }).getByRole('link').count(), 0);
  await Promise.all([page.waitForNavigation(), page.getByRole('main').getByRole('button', { name: 'Найти' }).click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('main').getByRole('link', { name: 'г Краснодар, ул Зелёная, д. 14' }).click()]);
  await page.getByRole('link', { name: schoolName }).waitFor();
  await context.close();
});

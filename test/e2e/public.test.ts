import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, assertSameOrigin, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;
before(async () => {
  e2e = await startE2E();
});
after(async () => {
  await e2e.close();
});

test('the home page is accessible, in Russian, and requests nothing from other origins', async () => {
  const { page, context, requests } = await newPage(e2e);
  await page.goto('/');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
  await assert.doesNotReject(page.getByRole('heading', { level: 1 }).waitFor());
  await assertAccessible(page);
  assertSameOrigin(e2e, requests);
  await context.close();
});

test('the skip link moves focus to the main content', async () => {
  const { page, context } = await newPage(e2e);
  await page.goto('/');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate('document.activeElement && document.activeElement.textContent');
  assert.match(String(focused), /Перейти к содержанию/);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate('location.hash'), '#main');
  await context.close();
});

test('the high-contrast large-text view and English work without JavaScript', async () => {
  const { page, context } = await newPage(e2e, { javaScriptEnabled: false });
  await page.goto('/');
  await page.getByRole('button', { name: 'Версия для слабовидящих' }).click();
  assert.equal(await page.locator('html').getAttribute('class'), 'theme-contrast');
  await assertAccessibleWithoutJs(page);
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await context.close();
});

test('the login page fits a 320 px wide phone without horizontal scrolling', async () => {
  const { page, context } = await newPage(e2e, { width: 320 });
  await page.goto('/login');
  const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  assert.equal(overflow, 0);
  await assertAccessible(page);
  await context.close();
});

/** axe needs script; check the same page again in a JS-enabled context. */
async function assertAccessibleWithoutJs(page: import('playwright-core').Page): Promise<void> {
  const url = page.url();
  const cookies = await page.context().cookies();
  const { page: jsPage, context } = await newPage(e2e);
  await context.addCookies(cookies);
  await jsPage.goto(url);
  await assertAccessible(jsPage);
  await context.close();
}

test('every design-system component example passes axe-core', async () => {
  const { page, context, requests } = await newPage(e2e);
  await page.goto('/design-system');
  await assertAccessible(page);
  assertSameOrigin(e2e, requests);
  await context.close();
});

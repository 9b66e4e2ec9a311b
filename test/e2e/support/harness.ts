/**
 * Browser tests: the real app listening on a local port over a fresh database, driven by
 * Debian's Chromium through playwright-core. Every page a test visits is checked by axe-core
 * (WCAG 2.2 A/AA) and every request the page makes must stay on the app's own origin.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../../support/app.ts';

const require = createRequire(import.meta.url);
const axeSource: string = (require('axe-core') as { source: string }).source;

export interface E2E {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startE2E(): Promise<E2E> {
  const t = await createTestApp();
  t.clock.set(new Date());
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as AddressInfo).port;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    t,
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** A page that records every request it makes, so a test can prove none left our origin. */
export async function newPage(e2e: E2E, options: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<{ page: Page; context: BrowserContext; requests: string[] }> {
  const context = await e2e.browser.newContext({
    baseURL: e2e.baseUrl,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1280, height: 900 },
    locale: 'ru-RU',
  });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  return { page, context, requests };
}

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core on the current page (WCAG 2.0/2.1/2.2 A and AA) and fails on any violation. */
export async function assertAccessible(page: Page): Promise<void> {
  const hasAxe = await page.evaluate('typeof window.axe !== "undefined"');
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({ target: n.target })) })))`,
  )) as AxeViolation[];
  const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  assert.deepEqual(summary, [], `axe-core found violations on ${page.url()}`);
}

export function assertSameOrigin(e2e: E2E, requests: string[]): void {
  const foreign = requests.filter((url) => !url.startsWith(e2e.baseUrl) && !url.startsWith('data:'));
  assert.deepEqual(foreign, [], 'a page requested something from another origin');
}

/** Logs in through the real form. */
export async function logIn(page: Page, login: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Логин', exact: true }).fill(login);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole('main').getByRole('button', { name: 'Войти' }).click()]);
}

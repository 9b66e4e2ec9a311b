/**
 * The head closes the school year and then corrects a mark in the closed journal (issue 5 §8),
 * JavaScript off: from the archive to the corrections page, class → subject → pupil and lesson,
 * the new mark and the reason; the correction appears in the year's list with the mark before and
 * after; the class's PDF, made before the correction, is named and made again. Each page visited
 * passes axe-core and makes no foreign request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { createAccount, testPassword } from '../support/app.ts';
import { queryRows } from '../../src/platform/db/connect.ts';
import { renderPendingArchives } from '../../src/journal/archive.service.ts';
import { createMathLesson, createSchoolFixture } from '../../src/journal/lesson.fixtures.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;

before(async () => {
  e2e = await startE2E();
});
after(async () => {
  await e2e.close();
});

test('the head closes the year and corrects a mark with a reason; the correction is listed', async () => {
  const db = e2e.t.context.db;
  const school = await createSchoolFixture(db, { pupils: 2 });
  const lessonId = await createMathLesson(db, school, { termNumber: 4, heldOn: '2026-04-07', lessonNumber: 3, topic: 'Проценты' });
  await db.execute(sql`INSERT INTO mark (lesson_id, pupil_id, value, work_kind, weight, entered_at, updated_at)
    VALUES (${lessonId}, ${school.pupilIds[0]}, 2, 'classwork', 1, '2026-04-07T09:00:00Z', '2026-04-07T09:00:00Z')`);
  const head = await createAccount(e2e.t.context, [{ role: 'organizationHead', organizationId: school.organizationId }], { login: 'e2e-corrections-head' });
  const { page, context, requests } = await newPage(e2e, { javaScriptEnabled: false });
  await logIn(page, head.login, testPassword);
  await page.goto('/journal/archive');
  await page.getByLabel(/Я подтверждаю/).check();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Закрыть учебный год' }).click()]);
  // the archive job makes the class's PDF (run here: the test server has no workers); a minute later the correction
  assert.equal(await renderPendingArchives(db, school.yearId, () => e2e.t.clock.now()), 1);
  e2e.t.clock.advance(60_000);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /Исправления журнала 2025\/2026/ }).click()]);

  await page.getByLabel('Класс', { exact: true }).selectOption({ label: '5 «А»' });
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Выбрать класс' }).click()]);
  await page.getByLabel('Предмет', { exact: true }).selectOption({ label: 'Математика' });
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Выбрать предмет' }).click()]);
  await page.getByLabel('Ученик', { exact: true }).selectOption(school.pupilIds[0]!);
  const pupilName = (await page.getByLabel('Ученик', { exact: true }).locator('option:checked').innerText()).trim();
  await page.getByLabel('Урок или период', { exact: true }).selectOption(`lesson:${lessonId}`);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Показать' }).click()]);

  const chosenUrl = page.url();
  assert.ok(await page.getByText('Отметка сейчас').count(), 'the stored mark is shown');
  await page.getByLabel('Новая отметка', { exact: true }).selectOption('4');
  // First without a reason: refused in Russian, the chosen mark kept.
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Сохранить исправление' }).click()]);
  assert.ok(await page.getByRole('alert').getByText(/Укажите причину исправления/).count(), 'the reason is required');
  assert.equal(await page.getByLabel('Новая отметка', { exact: true }).inputValue(), '4');
  await page.getByLabel(/Причина исправления/).fill('Ошибка ввода, приказ № 31 от 10.06.2026');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Сохранить исправление' }).click()]);

  await assert.doesNotReject(page.getByText('Исправление сохранено').waitFor());
  const list = page.getByRole('region', { name: /Исправления журнала 2025\/2026/ });
  const row = list.getByRole('row', { name: /Ошибка ввода, приказ № 31/ });
  assert.equal(await row.count(), 1, 'the correction is listed');
  assert.match(await row.innerText(), new RegExp(`${pupilName}`));
  assert.match(await row.innerText(), /2 → 4/);
  const [fixed] = await queryRows<{ value: number }>(db, sql`SELECT value FROM mark WHERE lesson_id = ${lessonId} AND pupil_id = ${school.pupilIds[0]}`);
  assert.equal(Number(fixed!.value), 4);
  // the class's PDF now predates a correction: the page says so and offers to make it again
  assert.ok(await page.getByText(/больше не совпадают с журналом/).count(), 'the stale PDF is named');
  assert.equal(await page.getByRole('button', { name: 'Сформировать PDF заново' }).count(), 1);
  assertSameOrigin(e2e, requests);
  await context.close();

  // axe-core runs as page script: check the pages in a context with JavaScript on.
  const { page: checked, context: checkedContext, requests: checkedRequests } = await newPage(e2e);
  await logIn(checked, head.login, testPassword);
  for (const url of ['/journal/archive', chosenUrl.replace(/^https?:\/\/[^/]+/, '')]) {
    await checked.goto(url);
    await assertAccessible(checked);
  }
  // the head makes the PDF again: the page confirms, and the earlier SHA-256 is kept in the audit log
  await Promise.all([checked.waitForNavigation(), checked.getByRole('button', { name: 'Сформировать PDF заново' }).click()]);
  await assert.doesNotReject(checked.getByText(/PDF журналов формируются заново/).waitFor());
  await assertAccessible(checked);
  const [pending] = await queryRows<{ status: string }>(db, sql`SELECT status FROM journal_archive WHERE year_id = ${school.yearId}`);
  assert.equal(pending!.status, 'pending');
  assertSameOrigin(e2e, checkedRequests);
  await checkedContext.close();
});

/**
 * A teacher fills a lesson in the demo school: opens the gradebook of their class from "My
 * classes", writes the topic through the lesson's form, then attendance and marks from the
 * keyboard in the grid (each cell saved as typed), reloads and sees everything saved. The same
 * lesson works as plain forms with JavaScript off. axe-core checks every page on the way.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/connect.ts';
import { seedDemoRegion, type SeedReport } from '../../src/demo/seed.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;
let report: SeedReport;
let demoClass: { grade: number; letter: string; assignment_id: string };
let lessons: Array<{ id: string; held_on: string }>;
let pupils: string[];

before(async () => {
  e2e = await startE2E();
  // The demo's "today" (journal-lessons-demo.ts): Friday 27 November 2026, 9:00 in Krasnodar.
  e2e.t.clock.set(new Date('2026-11-27T06:00:00Z'));
  report = await seedDemoRegion(e2e.t.context.db, { scale: 0.002, seed: 5 });
  const db = e2e.t.context.db;
  [demoClass] = (await queryRows<typeof demoClass>(
    db,
    sql`SELECT c.grade, c.letter, a.id::text AS assignment_id FROM school_class c JOIN teaching_assignment a ON a.class_id = c.id AND a.subject_code = 'mathematics'
         WHERE c.class_teacher_id = ${report.anchors.teacherPersonId} AND a.teacher_id = ${report.anchors.teacherPersonId}`,
  )) as [typeof demoClass];
  lessons = await queryRows(db, sql`SELECT id::text AS id, held_on::text AS held_on FROM lesson WHERE assignment_id = ${demoClass.assignment_id} AND status = 'planned' ORDER BY held_on, lesson_number LIMIT 2`);
  pupils = (await queryRows<{ pupil_id: string }>(db, sql`SELECT e.pupil_id::text AS pupil_id FROM class_enrolment e JOIN school_class c ON c.id = e.class_id JOIN teaching_assignment a ON a.class_id = c.id WHERE a.id = ${demoClass.assignment_id}`)).map((r) => r.pupil_id);
});
after(async () => {
  await e2e.close();
});

const dayMonth = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;

test('the demo teacher fills a lesson: topic by the form, attendance and marks from the keyboard, saved across a reload', async () => {
  assert.ok(demoClass && lessons.length === 2 && pupils.length >= 3, 'the demo has the teacher’s class with planned lessons');
  const lesson = lessons[0]!;
  const { page, context, requests } = await newPage(e2e);
  await logIn(page, 'teacher', 'prostor-teacher');
  await page.goto('/journal/teaching');
  await assertAccessible(page);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: new RegExp(`^${demoClass.grade} «${demoClass.letter}» — Математика`) }).click()]);
  const grid = page.getByRole('grid');
  await grid.waitFor();
  await assertAccessible(page);

  // The topic: the lesson's column header opens its form.
  await Promise.all([page.waitForNavigation(), page.locator(`thead a[href="/journal/lessons/${lesson.id}"]`).click()]);
  await assertAccessible(page);
  await page.getByLabel('Тема урока').fill('Деление десятичных дробей');
  await page.getByLabel('Домашнее задание').fill('№ 512, 515');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Сохранить урок' }).click()]);
  assert.match(await page.getByRole('status').first().innerText(), /Урок сохранён/);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /К журналу класса/ }).click()]);
  await grid.waitFor();

  // Attendance and marks from the keyboard: 5, н (absent), 4 in Latin-free Russian and b (ill) in Latin.
  const cell = (pupilIndex: number) => page.locator(`td[data-lesson="${lesson.id}"]`).nth(pupilIndex);
  await cell(0).click();
  await page.keyboard.press('5');
  // Playwright's keyboard knows only the US layout: send the key a Russian layout gives.
  await page.locator('td[data-lesson]:focus').dispatchEvent('keydown', { key: 'н', bubbles: true, cancelable: true });
  await page.keyboard.press('4');
  await page.keyboard.press('b');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('3');
  // focus moved down after each entry; ArrowUp went back to the 4th pupil's cell, now a 3 (ill and marked)
  await page.waitForFunction(() => document.querySelectorAll('td.is-saving').length === 0 && document.querySelectorAll('td.is-saved').length >= 4);
  assert.equal(await page.locator('td.is-failed').count(), 0);
  assert.match(await page.locator('#gradebook-status').innerText(), /Сохранено/);
  assert.equal(await cell(0).getAttribute('aria-label'), `${await page.locator('tbody th').nth(0).innerText()}, ${dayMonth(lesson.held_on)}: 5, сохранено`.replace('сохранено', 'Сохранено'));
  await assertAccessible(page);

  await page.reload();
  await grid.waitFor();
  assert.equal((await cell(0).innerText()).trim(), '5');
  assert.equal((await cell(1).innerText()).trim(), 'н');
  assert.equal((await cell(2).innerText()).trim(), '4');
  assert.equal((await cell(3).innerText()).trim(), 'б 3');
  assert.match((await page.locator(`thead a[href="/journal/lessons/${lesson.id}"]`).getAttribute('title')) ?? '', /Деление десятичных дробей/);

  // A failed save is shown and can be retried: the server refuses a 1 only if typed where 1 is not allowed, so
  // simulate the network failing instead.
  await page.route('**/api/v1/journal/lessons/*/cells', (route) => route.abort());
  await cell(4).click();
  await page.keyboard.press('2');
  await page.locator('td.is-failed').first().waitFor();
  assert.match(await page.getByRole('alert').innerText(), /Не сохранено/);
  await page.unroute('**/api/v1/journal/lessons/*/cells');
  await page.getByRole('button', { name: 'Повторить несохранённые' }).click();
  await page.waitForFunction(() => document.querySelectorAll('td.is-failed').length === 0 && document.querySelectorAll('td.is-saving').length === 0);
  assertSameOrigin(e2e, requests);
  await context.close();
});

test('with JavaScript off the same lesson is filled through the lesson form', async () => {
  const lesson = lessons[1]!;
  const { page, context } = await newPage(e2e, { javaScriptEnabled: false });
  await logIn(page, 'teacher', 'prostor-teacher');
  await page.goto(`/journal/assignments/${demoClass.assignment_id}/gradebook`);
  assert.equal(await page.getByRole('grid').count(), 0, 'a plain table without the script');
  await Promise.all([page.waitForNavigation(), page.locator(`thead a[href="/journal/lessons/${lesson.id}"]`).click()]);
  await page.getByLabel('Тема урока').fill('Контрольная работа № 2');
  await page.getByLabel('Вид работы для отметок').selectOption('test');
  const firstPupil = await page.locator('tbody th').nth(0).innerText();
  await page.getByLabel(`Отметка: ${firstPupil}`).selectOption('4');
  await page.getByLabel(`Посещаемость: ${await page.locator('tbody th').nth(1).innerText()}`).selectOption('late');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Сохранить урок' }).click()]);
  // (axe needs JavaScript: the same pages were checked in the test above)
  assert.equal(await page.getByLabel(`Отметка: ${firstPupil}`).inputValue(), '4');
  await page.goto(`/journal/assignments/${demoClass.assignment_id}/gradebook`);
  assert.equal((await page.locator(`td[data-lesson="${lesson.id}"]`).nth(0).innerText()).trim(), '4');
  assert.equal((await page.locator(`td[data-lesson="${lesson.id}"]`).nth(1).innerText()).trim(), 'о');
  await context.close();
});

test('the teacher finds an unfilled lesson on “What is missing”, fills its topic, and the lesson leaves the list', async () => {
  const db = e2e.t.context.db;
  // A past lesson left unfilled: no topic, attendance not taken.
  const [gap] = await queryRows<{ id: string; held_on: string }>(
    db,
    sql`UPDATE lesson SET topic = '', status = 'planned'
         WHERE id = (SELECT id FROM lesson WHERE assignment_id = ${demoClass.assignment_id} AND status = 'held' AND held_on < '2026-11-27' ORDER BY held_on DESC, lesson_number LIMIT 1)
        RETURNING id::text AS id, held_on::text AS held_on`,
  );
  assert.ok(gap);
  const { page, context, requests } = await newPage(e2e);
  await logIn(page, 'teacher', 'prostor-teacher');
  await page.goto('/journal/teaching');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Что не заполнено: 1 ур.' }).click()]);
  await assertAccessible(page);
  assert.match(await page.locator('#missing-counts').innerText(), /Незаполненных уроков: 1/);
  const row = page.locator(`tr[data-lesson="${gap.id}"]`);
  assert.match(await row.innerText(), new RegExp(`${gap.held_on.slice(8, 10)}\\.${gap.held_on.slice(5, 7)}\\.${gap.held_on.slice(0, 4)}`));
  assert.match(await row.innerText(), /тема, посещаемость/);

  await Promise.all([page.waitForNavigation(), row.getByRole('link', { name: /^Заполнить урок/ }).click()]);
  assert.equal(new URL(page.url()).pathname, `/journal/lessons/${gap.id}`);
  await page.getByLabel('Тема урока').fill('Повторение: десятичные дроби');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Сохранить урок' }).click()]);
  assert.match(await page.getByRole('status').first().innerText(), /Урок сохранён/);

  await page.goto('/journal/teaching/missing');
  assert.equal(await page.locator(`tr[data-lesson="${gap.id}"]`).count(), 0);
  assert.match(await page.getByRole('status').first().innerText(), /Всё заполнено/);
  await assertAccessible(page);

  // The filters keep what was chosen (the demo gives marks at every past lesson: none lacks them).
  await page.getByLabel('Чего не хватает').selectOption('marks');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Показать' }).click()]);
  assert.equal(new URL(page.url()).searchParams.get('missing'), 'marks');
  assert.equal(await page.getByLabel('Чего не хватает').inputValue(), 'marks');
  assert.match(await page.getByRole('status').first().innerText(), /по выбранному фильтру уроков нет/);
  await assertAccessible(page);
  assertSameOrigin(e2e, requests);
  await context.close();
});

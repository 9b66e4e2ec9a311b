/**
 * The head promotes the school to the next year in Chromium with JavaScript off (plain forms):
 * opens the promotion from the classes page, holds one pupil back, recalculates the preview,
 * carries it out by an order and sees the result and the new year's classes. Every page passes
 * axe-core and makes no foreign request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, testPassword } from '../support/app.ts';
import { createOrganization } from '../../src/registry/organization.factory.ts';
import { addStaffDirectly, createPerson } from '../../src/registry/person.factory.ts';
import { createClass } from '../../src/journal/class.service.ts';
import { admitPupil, currentEnrolments } from '../../src/journal/enrolment.service.ts';
import { createAcademicYear } from '../../src/journal/school-year.service.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;

before(async () => {
  e2e = await startE2E();
  e2e.t.clock.set(new Date('2027-05-28T07:00:00Z'));
});
after(async () => {
  await e2e.close();
});

test('the head previews the promotion, holds a pupil back and carries it out by an order — plain forms, accessible', async () => {
  const { context: appContext } = e2e.t;
  const db = appContext.db;
  const school = await createOrganization(db, { kind: 'school', municipalityId: 1 });
  const head = await createAccount(appContext, [{ role: 'organizationHead', organizationId: school.id }], { login: 'e2e-promotion-head' });
  const origin = { actor: { kind: 'account' as const, accountId: head.id, personId: null, displayName: 'Директор', grants: [], via: 'session' as const }, ip: null, requestId: null };
  const year = await createAcademicYear(db, origin, { organizationId: school.id, municipalityId: 1 }, { startsYear: 2026, weekDays: 5, termKind: 'quarter' });
  const teacher = await createPerson(db, { birthDate: '1982-04-04', lastName: 'Миронова', firstName: 'Анна', sex: 'female' });
  await addStaffDirectly(db, teacher.id, school.id, 'учитель начальных классов');
  const c4 = await createClass(db, origin, year.id, { grade: 4, letter: 'В', classTeacherId: teacher.id });
  const c11 = await createClass(db, origin, year.id, { grade: 11, letter: 'А', classTeacherId: null });
  const promoted = await createPerson(db, { birthDate: '2016-02-02', lastName: 'Ершов', firstName: 'Глеб', sex: 'male' });
  const heldBack = await createPerson(db, { birthDate: '2016-03-03', lastName: 'Жукова', firstName: 'Лиза', sex: 'female' });
  const graduate = await createPerson(db, { birthDate: '2009-03-03', lastName: 'Иванов', firstName: 'Денис', sex: 'male' });
  for (const [p, c] of [[promoted, c4], [heldBack, c4], [graduate, c11]] as const) {
    await admitPupil(appContext, origin, { pupilId: p.id, organizationId: school.id, grade: c.grade, classId: c.id, startsOn: '2026-09-01', orderNumber: '2-у', orderIssuedOn: '2026-08-29' });
  }

  const { page, context, requests } = await newPage(e2e, { javaScriptEnabled: false });
  await logIn(page, head.login, testPassword);
  await page.goto(`/journal/years/${year.id}/classes`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Перевод в следующий учебный год' }).click()]);
  const main = page.locator('main');
  assert.match(await main.innerText(), /4В → 5В/);
  assert.match(await main.innerText(), /11А — выпуск/);
  // axe-core needs script: check the same page in a context with JavaScript.
  const checker = await newPage(e2e);
  await logIn(checker.page, head.login, testPassword);
  await checker.page.goto(page.url());
  await assertAccessible(checker.page);

  await page.getByLabel('Решение: Жукова Лиза').selectOption('repeat');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Пересчитать' }).click()]);
  assert.match(await main.innerText(), /Оставлены на повторное обучение: 1/);
  assert.equal(await page.getByLabel('Решение: Жукова Лиза').inputValue(), 'repeat', 'the decision is kept');
  assert.equal(await page.getByLabel('Классный руководитель 5В').inputValue(), teacher.id, 'the class teacher goes with the class');

  await page.getByLabel('Номер приказа').fill('45-п');
  await page.getByLabel('Дата приказа').fill('2027-05-27');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Провести перевод' }).click()]);
  assert.match(page.url(), /\/promotion\?done=1/);
  const result = await main.innerText();
  assert.match(result, /Перевод проведён/);
  assert.match(result, /Переводятся в следующий класс: 1/);
  assert.match(result, /Выпуск и выбытие: 1/);
  assert.match(result, /нет обучающихся для перевода/);
  await checker.page.goto(page.url());
  await assertAccessible(checker.page);

  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Классы 2027/2028' }).click()]);
  const classes = await main.innerText();
  assert.match(classes, /5В/);
  assert.match(classes, /Миронова Анна/);
  await checker.page.goto(page.url());
  await assertAccessible(checker.page);

  const now = await currentEnrolments(db, [promoted.id, heldBack.id, graduate.id]);
  assert.deepEqual([now.get(promoted.id)?.grade, now.get(heldBack.id)?.grade, now.has(graduate.id)], [5, 4, false]);
  assertSameOrigin(e2e, requests);
  assertSameOrigin(e2e, checker.requests);
  await checker.context.close();
  await context.close();
});

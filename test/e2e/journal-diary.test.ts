/**
 * A guardian sees in the diary the mark the teacher has just entered: the teacher fills the
 * lesson's form (JavaScript off, plain form), the guardian opens the diary on a 320 px phone
 * with JavaScript off, sees topic, homework and the mark, switches to the other child, and each
 * diary page passes axe-core, stays under 50 KB and makes no foreign request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { createAccount, testPassword } from '../support/app.ts';
import { queryRows } from '../../src/platform/db/connect.ts';
import { createPerson, linkGuardianDirectly } from '../../src/registry/person.factory.ts';
import { createSchoolFixture, type SchoolFixture } from '../../src/journal/lesson.fixtures.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;
let school: SchoolFixture;
let lessonId: string;

before(async () => {
  e2e = await startE2E();
  const db = e2e.t.context.db;
  school = await createSchoolFixture(db, { pupils: 2 });
  const term = school.terms.find((t) => t.number === 3)!;
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO lesson (assignment_id, class_id, organization_id, municipality_id, term_id, held_on, lesson_number, status)
        VALUES (${school.mathAssignmentId}, ${school.classId}, ${school.organizationId}, ${school.municipalityId}, ${term.id}, '2026-03-03', 2, 'planned') RETURNING id`,
  );
  lessonId = row!.id;
});
after(async () => {
  await e2e.close();
});

test('a guardian sees in the diary the mark the teacher entered, on a phone without JavaScript', async () => {
  const db = e2e.t.context.db;
  const teacher = await createAccount(e2e.t.context, [{ role: 'teacher', organizationId: school.organizationId }], { personId: school.mathTeacherId, login: 'e2e-diary-teacher' });
  const mother = await createPerson(db, { municipalityId: 1, birthDate: '1986-05-05', lastName: 'Дневникова', firstName: 'Елена', sex: 'female' });
  await linkGuardianDirectly(db, mother.id, school.pupilIds[0]!);
  await linkGuardianDirectly(db, mother.id, school.pupilIds[1]!);
  const guardian = await createAccount(e2e.t.context, [{ role: 'guardian' }], { personId: mother.id, login: 'e2e-diary-guardian' });

  // The teacher fills the lesson.
  const { page: teacherPage, context: teacherContext } = await newPage(e2e, { javaScriptEnabled: false });
  await logIn(teacherPage, teacher.login, testPassword);
  await teacherPage.goto(`/journal/lessons/${lessonId}`);
  await teacherPage.locator('input[name="topic"]').fill('Десятичные дроби');
  await teacherPage.locator('textarea[name="homework"]').fill('№ 731, 733');
  await teacherPage.locator(`select[name="mark-${school.pupilIds[0]}"]`).selectOption('5');
  await Promise.all([teacherPage.waitForNavigation(), teacherPage.locator('main form[action$="' + lessonId + '"] button[type="submit"], main form[action$="' + lessonId + '"] button:not([type])').first().click()]);
  await teacherContext.close();
  const [saved] = await queryRows<{ value: number }>(db, sql`SELECT value FROM mark WHERE lesson_id = ${lessonId} AND pupil_id = ${school.pupilIds[0]}`);
  assert.equal(saved?.value, 5, 'the teacher’s mark is stored');

  // The guardian opens the diary on a phone.
  const { page, context, requests } = await newPage(e2e, { javaScriptEnabled: false, width: 320 });
  await logIn(page, guardian.login, testPassword);
  await page.getByRole('link', { name: 'Дневник' }).first().click();
  const response = await page.goto(`/diary?child=${school.pupilIds[0]}&week=2026-03-02`);
  assert.ok(Buffer.byteLength(await response!.text()) < 50_000, 'the week page is under 50 KB');
  const tuesday = page.getByRole('region', { name: /Вторник, 03\.03/ }).or(page.locator('section', { has: page.getByRole('heading', { name: /Вторник, 03\.03/ }) }));
  await assert.doesNotReject(tuesday.getByText('Десятичные дроби').first().waitFor());
  assert.equal(await page.locator('main .mark').first().innerText().then((s) => s.trim()), '5');
  assert.ok(await page.getByText('№ 731, 733').count());
  // The other child: no mark that day.
  await page.goto(`/diary?child=${school.pupilIds[1]}&week=2026-03-02`);
  assert.equal(await page.locator('main .mark').count(), 0);
  assertSameOrigin(e2e, requests);
  await context.close();

  // axe-core runs as page script: check every diary page in a context with JavaScript on.
  const { page: checked, context: checkedContext, requests: checkedRequests } = await newPage(e2e, { width: 320 });
  await logIn(checked, guardian.login, testPassword);
  for (const url of [
    `/diary?child=${school.pupilIds[0]}&week=2026-03-02`,
    `/diary?child=${school.pupilIds[1]}&week=2026-03-02`,
    `/diary/marks?child=${school.pupilIds[0]}`,
    `/diary/settings?child=${school.pupilIds[0]}`,
    `/journal/pupils/${school.pupilIds[0]}/account`,
  ]) {
    await checked.goto(url);
    await assertAccessible(checked);
  }
  assertSameOrigin(e2e, checkedRequests);
  await checkedContext.close();
});

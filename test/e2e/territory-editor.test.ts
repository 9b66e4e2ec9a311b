/**
 * The municipality assigns houses to schools (Order 458 §8) in Chromium: the municipal operator
 * drafts an act, corrects its details (a Russian error keeps the input), adds a whole street, a
 * range, an odd side and a single house, reads the validation report (houses with no school and
 * with two), publishes; then a family's "find your school by address" resolves a house to that
 * school. Also the regional administrator's page of the admission rate limits (the other
 * municipal/regional editor of issue 4 built with this one). Every page visited is axe-clean and
 * requests nothing from other origins.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createSettlement, createStreet } from '../../src/registry/address.factory.ts';
import { listRateRules } from '../../src/enrollment/admission/rate-limit.service.ts';
import { createOrganization } from '../../src/registry/organization.factory.ts';
import { createAccount, testPassword } from '../support/app.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;
const m = 1;

before(async () => {
  e2e = await startE2E();
});
after(async () => {
  await e2e.close();
});

/** Clicks and waits for the page it leads to, then checks that page with axe-core. */
async function go(page: Page, click: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForNavigation(), click()]);
  await assertAccessible(page);
}

test('the operator drafts an act, corrects its details, adds rules, reads the check, publishes; a family finds its school', async () => {
  const { context } = e2e.t;
  const city = await createSettlement(context.db, { municipalityId: m, name: 'Краснодар' });
  await createStreet(context.db, { municipalityId: m, settlement: city, street: 'Зелёная', houses: ['1', '2', '3'] });
  await createStreet(context.db, { municipalityId: m, settlement: city, street: 'Садовая', houses: ['1', '2', '3', '4', '5', '6', '7', '8'] });
  await createStreet(context.db, { municipalityId: m, settlement: city, street: 'Лесная', houses: ['5', '7'] });
  const gymnasium = await createOrganization(context.db, { municipalityId: m, shortName: 'Гимназия № 3' });
  const school = await createOrganization(context.db, { municipalityId: m, shortName: 'Школа № 12' });
  const operator = await createAccount(context, [{ role: 'municipalOperator', municipalityId: m }]);

  const { page, context: browserContext, requests } = await newPage(e2e);
  await logIn(page, operator.login, testPassword);
  await assertAccessible(page);
  await page.goto('/territories');
  await assertAccessible(page);
  const main = page.getByRole('main');

  // A draft act (the only municipality the operator serves is chosen already).
  await main.getByRole('textbox', { name: 'Номер акта' }).fill('15');
  await main.getByLabel('Дата подписания').fill('2020-08-20');
  await main.getByRole('textbox', { name: 'Наименование' }).fill('О закреплении территорий за школами');
  await main.getByLabel('Действует с').fill('2020-08-25');
  await go(page, () => main.getByRole('button', { name: 'Создать черновик' }).click());
  await main.getByRole('heading', { level: 1, name: 'Постановление № 15 от 20.08.2020' }).waitFor();
  const actUrl = new URL(page.url()).pathname;

  // Its details: an error in Russian keeps what was typed; then the corrected details are saved.
  await go(page, () => main.getByRole('link', { name: 'Изменить реквизиты постановления' }).click());
  await main.getByRole('textbox', { name: 'Номер акта' }).fill('');
  await main.getByRole('textbox', { name: 'Наименование' }).fill('О закреплении муниципальных школ за территориями');
  await main.getByRole('textbox', { name: 'Ссылка на документ' }).fill('krd.example/15.pdf');
  await go(page, () => main.getByRole('button', { name: 'Сохранить реквизиты' }).click());
  const summary = page.getByRole('alert');
  assert.match(await summary.innerText(), /Номер акта: Укажите номер акта/);
  assert.match(await summary.innerText(), /Ссылка должна начинаться с http:\/\/ или https:\/\//);
  assert.equal(await main.getByRole('textbox', { name: 'Наименование' }).inputValue(), 'О закреплении муниципальных школ за территориями');
  assert.equal(await main.getByRole('textbox', { name: 'Ссылка на документ' }).inputValue(), 'krd.example/15.pdf');
  await main.getByRole('textbox', { name: 'Номер акта' }).fill('15-п');
  await main.getByRole('textbox', { name: 'Ссылка на документ' }).fill('https://krd.example/15.pdf');
  await main.getByLabel('Действует с').fill('2020-09-01');
  await go(page, () => main.getByRole('button', { name: 'Сохранить реквизиты' }).click());
  await page.getByText('Реквизиты постановления сохранены.').waitFor();
  await main.getByRole('heading', { level: 1, name: 'Постановление № 15-п от 20.08.2020' }).waitFor();
  assert.match(await main.innerText(), /01\.09\.2020/);

  /** Finds a street with the search form and picks it from the results. */
  async function pickStreet(typed: string, label: string): Promise<void> {
    await main.getByRole('searchbox', { name: 'Улица или населённый пункт' }).fill(typed);
    await go(page, () => main.getByRole('button', { name: 'Найти улицу' }).click());
    await go(page, () => main.getByRole('list', { name: 'Найденные улицы' }).getByRole('link', { name: label }).click());
  }
  async function addRule(schoolName: string, kind: string, fields: { from?: string; to?: string; house?: string } = {}): Promise<void> {
    await main.getByRole('combobox', { name: 'Школа' }).selectOption({ label: schoolName });
    await main.getByRole('combobox', { name: 'Что закрепляется' }).selectOption({ label: kind });
    await main.getByRole('textbox', { name: 'Номер дома с' }).fill(fields.from ?? '');
    await main.getByRole('textbox', { name: 'Номер дома по' }).fill(fields.to ?? '');
    if (fields.house) await main.getByRole('combobox', { name: 'Дом' }).selectOption({ label: fields.house });
    await go(page, () => main.getByRole('button', { name: 'Добавить правило' }).click());
  }

  // A whole street to the gymnasium.
  await pickStreet('зеленая', 'г Краснодар, ул Зелёная');
  await addRule('Гимназия № 3', 'вся улица (весь населённый пункт)');
  await page.getByText('Правило добавлено.').waitFor();
  // Houses 1–4 of Садовая to the gymnasium — first typed backwards, which is refused in Russian.
  await pickStreet('Садовая', 'г Краснодар, ул Садовая');
  await addRule('Гимназия № 3', 'дома с … по …', { from: '4', to: '1' });
  assert.match(await page.getByRole('alert').innerText(), /Номер дома по: Конец диапазона меньше начала/);
  assert.equal(await main.getByRole('textbox', { name: 'Номер дома с' }).inputValue(), '4');
  await addRule('Гимназия № 3', 'дома с … по …', { from: '1', to: '4' });
  // The odd side of Садовая to school 12: houses 1 and 3 now have two schools.
  await addRule('Школа № 12', 'нечётная сторона');
  // One house of Лесная to school 12.
  await pickStreet('лесная', 'г Краснодар, ул Лесная');
  await addRule('Школа № 12', 'один дом', { house: 'д. 5' });

  const bySchool = async (name: string) => (await main.getByRole('region', { name }).getByRole('listitem').allInnerTexts()).map((s) => s.replace(/\s*Удалить$/, ''));
  assert.deepEqual(await bySchool('Гимназия № 3'), ['г Краснодар, ул Зелёная: вся улица (весь населённый пункт)', 'г Краснодар, ул Садовая: дома, 1–4']);
  assert.deepEqual(await bySchool('Школа № 12'), ['г Краснодар, ул Лесная, д. 5', 'г Краснодар, ул Садовая: нечётная сторона']);

  // The check: Садовая 6 and 8 and Лесная 7 have no school; Садовая 1 and 3 have two.
  await go(page, () => main.getByRole('link', { name: 'Проверка: дома без школы и дома с двумя школами' }).click());
  assert.match(await page.getByRole('status').innerText(), /Жилых домов без школы: 3; закреплённых за двумя школами и более: 2/);
  // (the schools of a house are listed in no particular order)
  const rows = await main.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
  assert.deepEqual(
    rows.map(([house, schools]) => `${house} — ${schools!.split('; ').sort().join('; ')}`),
    [
      'г Краснодар, ул Лесная, д. 7 — нет',
      'г Краснодар, ул Садовая, д. 1 — Гимназия № 3; Школа № 12',
      'г Краснодар, ул Садовая, д. 3 — Гимназия № 3; Школа № 12',
      'г Краснодар, ул Садовая, д. 6 — нет',
      'г Краснодар, ул Садовая, д. 8 — нет',
    ],
  );
  await go(page, () => main.getByRole('link', { name: 'Две школы и более' }).click());
  assert.equal(await main.getByRole('row').count(), 3);

  // Publishing: the dates lock, the number, title and document can still be corrected.
  await page.goto(actUrl);
  await assertAccessible(page);
  await go(page, () => main.getByRole('button', { name: 'Опубликовать постановление' }).click());
  await page.getByText('Постановление опубликовано.', { exact: true }).waitFor();
  await main.getByText('Постановление опубликовано: его правила и даты больше не меняются').waitFor();
  await go(page, () => main.getByRole('link', { name: 'Исправить номер, наименование или документ' }).click());
  await main.getByRole('heading', { name: 'Постановление опубликовано: даты не меняются' }).waitFor();
  assert.equal(await main.getByLabel('Действует с').count(), 0);
  await main.getByRole('textbox', { name: 'Имя файла документа' }).fill('postanovlenie-15-p.pdf');
  await go(page, () => main.getByRole('button', { name: 'Сохранить реквизиты' }).click());
  await page.getByText('Реквизиты постановления сохранены.').waitFor();
  assertSameOrigin(e2e, requests);
  await browserContext.close();

  // A family, not logged in, finds the school of Садовая 5 (the odd side) and of Зелёная 2.
  const family = await newPage(e2e);
  for (const [typed, house, schoolName, schoolId] of [
    ['Садовая 5', 'г Краснодар, ул Садовая, д. 5', 'Школа № 12', school.id],
    ['Краснодар, ул. Зеленая, д 2', 'г Краснодар, ул Зелёная, д. 2', 'Гимназия № 3', gymnasium.id],
  ] as const) {
    await family.page.goto('/schools/find');
    await assertAccessible(family.page);
    const found = family.page.getByRole('main');
    await found.getByRole('searchbox', { name: /Адрес/ }).fill(typed);
    await go(family.page, () => found.getByRole('button', { name: 'Найти' }).click());
    await go(family.page, () => found.getByRole('link', { name: house }).first().click());
    await found.getByRole('heading', { level: 2, name: house }).waitFor();
    assert.match(await found.innerText(), /Дом закреплён за школой:/);
    const link = found.getByRole('link', { name: schoolName });
    assert.equal(await link.getAttribute('href'), `/organizations/${schoolId}`);
  }
  assertSameOrigin(e2e, family.requests);
  await family.context.close();
});

test('the regional administrator lowers a rate limit: a wrong number is refused in Russian, the right one saved', async () => {
  const admin = await createAccount(e2e.t.context, [{ role: 'regionalAdmin' }]);
  const { page, context: browserContext, requests } = await newPage(e2e);
  await logIn(page, admin.login, testPassword);
  await assertAccessible(page);
  await page.goto('/admission');
  await assertAccessible(page);
  await go(page, () => page.getByRole('main').getByRole('link', { name: 'Ограничения частоты заявлений' }).click());
  const main = page.getByRole('main');
  await main.getByText('не позднее чем через 5 с — на каждом процессе сервера').waitFor();
  const submissions = main.getByRole('group', { name: 'Подача заявления на одну учётную запись' });
  await submissions.getByRole('textbox', { name: 'Не более попыток за окно' }).fill('0');
  await go(page, () => main.getByRole('button', { name: 'Сохранить ограничения' }).click());
  assert.match(await page.getByRole('alert').innerText(), /Подача заявления на одну учётную запись: не более попыток за окно: Целое число от 1 до 100\s000/);
  assert.equal(await submissions.getByRole('textbox', { name: 'Не более попыток за окно' }).inputValue(), '0');
  await submissions.getByRole('textbox', { name: 'Не более попыток за окно' }).fill('5');
  await submissions.getByRole('textbox', { name: 'Окно, секунд' }).fill('900');
  await go(page, () => main.getByRole('button', { name: 'Сохранить ограничения' }).click());
  await page.getByText('Ограничения сохранены.').waitFor();
  const row = await main.getByRole('row').filter({ hasText: 'на одну учётную запись' }).first().innerText();
  assert.match(row.replace(/\s+/g, ' '), /Подача заявления на одну учётную запись 900 с \(15 мин\) 5/);
  const stored = (await listRateRules(e2e.t.context.db)).find((r) => r.action === 'submission' && r.scope === 'account');
  assert.deepEqual([stored!.windowSeconds, stored!.maxHits], [900, 5]);
  assertSameOrigin(e2e, requests);
  await browserContext.close();
});

/**
 * The whole kindergarten journey in a real browser: a guardian applies online with JavaScript
 * off on a 320 px phone, the municipal operator checks the documents and puts the application in
 * the queue, makes a dry run of the allocation and commits it, the guardian accepts the offer,
 * the head of the kindergarten enrols the child, and anyone can see the published protocol and
 * look the application up by its number — with no person's name on the public pages. axe-core
 * checks every page on the way.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createAccount, testPassword } from '../support/app.ts';
import { createOrganization } from '../../src/registry/organization.factory.ts';
import { createPerson, uniqueBirthCertificate } from '../../src/registry/person.factory.ts';
import { createGroup } from '../../src/enrollment/preschool/allocation-run.fixtures.ts';
import { assertAccessible, assertSameOrigin, logIn, newPage as openPage, startE2E, type E2E } from './support/harness.ts';

let e2e: E2E;
before(async () => {
  e2e = await startE2E();
});
after(async () => {
  await e2e.close();
});

/** A page that fails fast: every step here is a page load, none should take seconds. */
async function newPage(...args: Parameters<typeof openPage>): ReturnType<typeof openPage> {
  const opened = await openPage(...args);
  opened.context.setDefaultTimeout(10_000);
  return opened;
}

/** axe needs script; check the same page again in a JS-enabled context with the same cookies. */
async function assertAccessibleWithoutJs(page: Page): Promise<void> {
  const url = page.url();
  const cookies = await page.context().cookies();
  const { page: jsPage, context } = await newPage(e2e);
  await context.addCookies(cookies);
  await jsPage.goto(url);
  await assertAccessible(jsPage);
  await context.close();
}

/**
 * A page the JS-off browser got in answer to a POST cannot be re-opened by its URL: load its
 * HTML into a JS-enabled page of the same origin (so the styles apply) and check that.
 */
async function assertAccessibleSnapshot(page: Page): Promise<void> {
  const html = await page.content();
  const { page: jsPage, context } = await newPage(e2e);
  await jsPage.goto('/');
  await jsPage.setContent(html, { waitUntil: 'load' });
  await assertAccessible(jsPage);
  await context.close();
}

async function noHorizontalScroll(page: Page): Promise<number> {
  return (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
}

async function click(page: Page, locator: ReturnType<Page['getByRole']>): Promise<void> {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

/** The status in the application's summary list. */
async function statusOf(page: Page): Promise<string> {
  return (await page.locator('main dl dt:text-is("Статус") + dd').first().innerText()).trim();
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

test('a guardian applies, the operator queues and allocates, the guardian accepts, the head enrols, and the public sees numbers only', async () => {
  const { db } = e2e.t.context;
  // A start a month ahead; the child turns 4 in the spring of that year, so on 1 September
  // (the age reference day) they are in the 4–5 age group.
  const startDate = isoDate(new Date(e2e.t.clock.now().getTime() + 30 * 24 * 3600_000));
  const startYear = Number(startDate.slice(0, 4));
  const childBirthDate = `${startYear - 4}-03-15`;
  const certificate = uniqueBirthCertificate();

  const kindergarten = await createOrganization(db, {
    municipalityId: 1,
    kind: 'kindergarten',
    shortName: 'МБДОУ детский сад № 77 «Радуга»',
    fullName: 'Муниципальное бюджетное дошкольное образовательное учреждение детский сад № 77 «Радуга»',
  });
  await createGroup(db, kindergarten.id, { name: 'Солнышко', ageGroupCode: '4-5', orientationCode: 'general', stayModeCode: 'fullDay', capacity: 3, occupied: 0, planStatus: 'approved' });
  const mother = await createPerson(db, { lastName: 'Журавлёва', firstName: 'Ольга', middleName: 'Игоревна', sex: 'female', birthDate: '1991-06-20', email: 'o.zhuravleva@example.test' });
  const guardian = await createAccount(e2e.t.context, [{ role: 'guardian' }], { personId: mother.id, login: 'journey-guardian', displayName: 'Журавлёва Ольга Игоревна' });
  const operator = await createAccount(e2e.t.context, [{ role: 'municipalOperator', municipalityId: 1 }], { login: 'journey-operator', displayName: 'Оператор Краснодара' });
  const head = await createAccount(e2e.t.context, [{ role: 'organizationHead', organizationId: kindergarten.id }], { login: 'journey-head', displayName: 'Заведующая д/с № 77' });
  const personNames = ['Журавлёва', 'Журавлёв', 'Ольга', 'Тимофей'];

  // 1. The guardian applies online: JavaScript off, a 320 px phone. ----------------------------
  const parent = await newPage(e2e, { javaScriptEnabled: false, width: 320 });
  const gp = parent.page;
  await gp.goto('/login');
  await assertAccessibleWithoutJs(gp);
  await logIn(gp, guardian.login, testPassword);
  await assertAccessibleWithoutJs(gp);
  await gp.goto('/preschool');
  await assertAccessibleWithoutJs(gp);
  await click(gp, gp.getByRole('link', { name: 'Подать заявление' }));
  assert.equal(new URL(gp.url()).pathname, '/preschool/apply');
  assert.equal(await noHorizontalScroll(gp), 0, 'the form fits a 320 px screen');
  await assertAccessibleWithoutJs(gp);

  await gp.getByRole('radio', { name: 'Добавить ребёнка' }).check();
  const child = gp.getByRole('group', { name: /Новый ребёнок/ });
  await child.getByRole('textbox', { name: 'Фамилия', exact: true }).fill('Журавлёв');
  await child.getByRole('textbox', { name: 'Имя', exact: true }).fill('Тимофей');
  await child.getByRole('textbox', { name: 'Отчество (если есть)' }).fill('Андреевич');
  await child.getByLabel('Дата рождения').fill(childBirthDate);
  await child.getByRole('combobox', { name: 'Пол' }).selectOption({ label: 'Мужской' });
  await child.getByRole('textbox', { name: 'Серия свидетельства о рождении' }).fill(certificate.series);
  await child.getByRole('textbox', { name: 'Номер свидетельства о рождении' }).fill(certificate.number);
  await child.getByRole('combobox', { name: 'Кем вы приходитесь ребёнку' }).selectOption({ label: 'Мать' });
  // The picker works by posting the whole draft back: search, then add.
  await gp.getByLabel('Найти детский сад: название, район или адрес').fill('Радуга');
  await click(gp, gp.getByRole('button', { name: 'Найти', exact: true }));
  assert.equal(await child.getByRole('textbox', { name: 'Фамилия', exact: true }).inputValue(), 'Журавлёв', 'the draft survives the search');
  await assertAccessibleSnapshot(gp);
  await click(gp, gp.getByRole('button', { name: 'Добавить МБДОУ детский сад № 77 «Радуга»' }));
  assert.match(await gp.getByRole('group', { name: /Детские сады/ }).innerText(), /Выбранные детские сады\s+1\. МБДОУ детский сад № 77 «Радуга»/);
  assert.equal(await noHorizontalScroll(gp), 0, 'the form with a chosen kindergarten fits 320 px');
  await assertAccessibleSnapshot(gp);
  const conditions = gp.getByRole('group', { name: 'Условия' });
  await conditions.getByLabel('Желаемая дата начала посещения').fill(startDate);
  await conditions.getByRole('combobox', { name: 'Направленность группы' }).selectOption('general');
  await conditions.getByRole('combobox', { name: 'Режим пребывания' }).selectOption('fullDay');
  await conditions.getByRole('combobox', { name: 'Льгота', exact: true }).selectOption({ label: 'Нет льготы' });
  await conditions.getByLabel(/Согласен\(на\) на другой детский сад/).check();
  await click(gp, gp.getByRole('button', { name: 'Подать заявление' }));

  assert.match(new URL(gp.url()).pathname, /^\/preschool\/applications\/[0-9a-f-]{36}$/, `registered, now at ${gp.url()}`);
  const applicationUrl = new URL(gp.url()).pathname;
  const number = /Заявление № (\S+)/.exec(await gp.getByRole('heading', { level: 1 }).innerText())?.[1] ?? '';
  assert.match(number, /^[0-9A-Za-z-]+$/);
  assert.match(await gp.getByRole('main').innerText(), /Заявление зарегистрировано/);
  assert.equal(await statusOf(gp), 'Новое, документы на проверке');
  await assertAccessibleWithoutJs(gp);
  await click(gp, gp.getByRole('link', { name: /Расписка о приёме заявления/ }));
  const receipt = await gp.getByRole('main').innerText();
  assert.ok(receipt.includes(number), 'the receipt shows the number');
  assert.match(receipt, /МБДОУ детский сад № 77 «Радуга»/);
  await assertAccessibleWithoutJs(gp);
  await click(gp, gp.getByRole('link', { name: 'К заявлению' }));
  assert.equal(await statusOf(gp), 'Новое, документы на проверке');

  // 2. The operator finds it by number, checks the documents, puts it in the queue. -----------
  const desk = await newPage(e2e);
  const op = desk.page;
  await logIn(op, operator.login, testPassword);
  await assertAccessible(op);
  await op.goto('/preschool/desk');
  await assertAccessible(op);
  const search = op.getByRole('form', { name: 'Поиск по номеру' });
  await search.getByRole('textbox', { name: 'Номер заявления' }).fill(number);
  await click(op, search.getByRole('button', { name: 'Найти' }));
  assert.match(await op.getByRole('table').innerText(), /Журавлёв Тимофей Андреевич/);
  await assertAccessible(op);
  await click(op, op.getByRole('link', { name: number }));
  await assertAccessible(op);
  await click(op, op.getByRole('button', { name: 'Документы проверены' }));
  assert.match(await op.getByRole('main').innerText(), /Статус изменён/);
  await assertAccessible(op);
  await click(op, op.getByRole('button', { name: 'Поставить в очередь' }));
  assert.match(await op.getByRole('main').innerText(), /В очереди/);
  await assertAccessible(op);

  // 3. The operator's dry run shows who gets what; committing issues the offers. --------------
  await op.goto('/preschool/allocation');
  await assertAccessible(op);
  await op.getByLabel('Дата комплектования').fill(startDate);
  await click(op, op.getByRole('button', { name: 'Выполнить пробный расчёт' }));
  assert.match(new URL(op.url()).pathname, /^\/preschool\/allocation\/runs\//);
  const offersTable = op.getByRole('table', { name: 'Направления по номерам заявлений' });
  assert.match(await offersTable.innerText(), new RegExp(`${number}\\s+МБДОУ детский сад № 77 «Радуга»`));
  await assertAccessible(op);
  await click(op, op.getByRole('button', { name: 'Утвердить и выдать направления' }));
  assert.match(new URL(op.url()).pathname, /^\/preschool\/protocols\//);
  const sha256 = (await op.locator('main code.hash').first().innerText()).trim();
  assert.match(sha256, /^[0-9a-f]{64}$/);
  await assertAccessible(op);
  assertSameOrigin(e2e, desk.requests);
  await desk.context.close();

  // 4. The guardian sees the offer, accepts it, and has a notice about it. --------------------
  await gp.goto(applicationUrl);
  const offer = gp.getByRole('region', { name: 'Направление в детский сад' });
  assert.match(await offer.innerText(), /МБДОУ детский сад № 77 «Радуга».*«Солнышко»/s);
  assert.equal(await statusOf(gp), 'Выдано направление');
  await assertAccessibleWithoutJs(gp);
  await click(gp, offer.getByRole('button', { name: 'Принять направление' }));
  assert.match(await gp.getByRole('region', { name: 'Направление в детский сад' }).innerText(), /Принято, ожидает зачисления/);
  await assertAccessibleWithoutJs(gp);
  await gp.goto('/notifications');
  const inbox = await gp.getByRole('main').innerText();
  assert.ok(inbox.includes(`Заявление № ${number}`), 'the in-app notice names the application');
  await assertAccessibleWithoutJs(gp);

  // 5. The head enrols the accepted offer; the guardian sees the child enrolled. --------------
  const kg = await newPage(e2e);
  await logIn(kg.page, head.login, testPassword);
  await assertAccessible(kg.page);
  await kg.page.goto('/preschool/offers');
  await assertAccessible(kg.page);
  const row = kg.page.getByRole('row').filter({ hasText: number });
  assert.match(await row.innerText(), /Принято, ожидает зачисления/);
  await click(kg.page, row.getByRole('button', { name: 'Зачислить' }));
  assert.match(await kg.page.getByRole('main').innerText(), /Ребёнок зачислен/);
  assert.match(await kg.page.getByRole('row').filter({ hasText: number }).innerText(), /Зачислен/);
  await assertAccessible(kg.page);
  assertSameOrigin(e2e, kg.requests);
  await kg.context.close();

  await gp.goto(applicationUrl);
  assert.equal(await statusOf(gp), 'Зачислен');
  await assertAccessibleWithoutJs(gp);
  await gp.goto('/preschool');
  assert.match(await gp.getByRole('row').filter({ hasText: number }).innerText(), /Зачислен/);
  await assertAccessibleWithoutJs(gp);
  assertSameOrigin(e2e, parent.requests);
  await parent.context.close();

  // 6. Anyone: the protocol with its hash, and the lookup by number — numbers only. -----------
  const visitor = await newPage(e2e);
  const vp = visitor.page;
  const noNames = async (where: string) => {
    const text = await vp.locator('body').innerText();
    for (const name of personNames) assert.ok(!text.includes(name), `${where} shows no person's name (found ${name})`);
  };
  await vp.goto('/preschool/protocols');
  assert.ok((await vp.getByRole('table').innerText()).includes(sha256), 'the protocol list shows the hash');
  await noNames('the protocol list');
  await assertAccessible(vp);
  await click(vp, vp.getByRole('row').filter({ hasText: sha256 }).getByRole('link'));
  assert.ok((await vp.getByRole('main').innerText()).includes(number), 'the protocol lists the application by number');
  await noNames('the protocol');
  await assertAccessible(vp);
  await vp.goto('/preschool/queue');
  await assertAccessible(vp);
  await vp.getByRole('textbox', { name: 'Номер заявления' }).fill(number);
  await click(vp, vp.getByRole('button', { name: 'Узнать место в очереди' }));
  const found = vp.getByRole('region', { name: `Заявление № ${number}` });
  assert.match(await found.innerText(), /Зачислен/);
  assert.match(await found.innerText(), /МБДОУ детский сад № 77 «Радуга»/);
  await noNames('the queue lookup');
  await assertAccessible(vp);
  await click(vp, found.getByRole('link', { name: 'МБДОУ детский сад № 77 «Радуга»' }));
  await noNames('the kindergarten queue');
  await assertAccessible(vp);
  assertSameOrigin(e2e, visitor.requests);
  await visitor.context.close();
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { Agent, createAccount, createTestApp, loggedInAgent, type TestApp } from '../../test/support/app.ts';
import { auditEvent } from '../platform/audit/audit.schema.ts';
import { buildOrganization, createOrganization } from './organization.factory.ts';
import { findOrganization } from './organization.service.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

const tag = () => `t${crypto.randomBytes(4).toString('hex')}`;

function decode(html: string): string {
  return html.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}

function link(html: string, rel: 'next' | 'prev'): string | null {
  const match = new RegExp(`<a href="([^"]+)" rel="${rel}"`).exec(html);
  return match ? decode(match[1]!) : null;
}

/** The form fields of an organisation as a browser would post them. */
function formOf(o: ReturnType<typeof buildOrganization>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

test('the public directory works without login, shows the count found and is cacheable', async () => {
  const name = tag();
  await createOrganization(t.context.db, { shortName: `МБОУ СОШ ${name}` });
  const response = await t.app.inject({ url: `/organizations?q=${name}` });
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /Реестр образовательных организаций/);
  assert.match(response.body, /Найдено: 1 организация/);
  assert.match(response.body, new RegExp(`МБОУ СОШ ${name}`));
  assert.match(response.body, /<form action="\/organizations" method="get"/);
  assert.match(response.body, new RegExp(`href="/organizations.csv\\?q=${name}"`));
  assert.match(response.body, new RegExp(`href="/organizations.json\\?q=${name}"`));
  assert.equal(response.headers['cache-control'], 'public, max-age=60');
  assert.match(String(response.headers.vary), /Cookie/);
  assert.doesNotMatch(response.body, /Добавить организацию/);
});

test('the directory filters by municipality and kind from a plain GET form, and says when nothing is found', async () => {
  const name = tag();
  await createOrganization(t.context.db, { shortName: `Лагерь ${name}`, kind: 'camp', municipalityId: 2 });
  await createOrganization(t.context.db, { shortName: `Школа ${name}`, kind: 'school', municipalityId: 2 });
  const camps = await t.app.inject({ url: `/organizations?q=${name}&municipality=2&kind=camp` });
  assert.match(camps.body, /Найдено: 1 организация/);
  assert.match(camps.body, /<option value="camp" selected>лагерь<\/option>/);
  assert.match(camps.body, /<option value="2" selected>город Сочи<\/option>/);
  const empty = await t.app.inject({ url: `/organizations?q=${name}&municipality=1&kind=` });
  assert.match(empty.body, /Найдено: 0 организаций/);
  assert.match(empty.body, /Ничего не найдено/);
});

test('the directory pages forward and back with cursor links and a link to the first page', async () => {
  const name = tag();
  for (let i = 0; i < 30; i++) await createOrganization(t.context.db, { shortName: `Сад ${name} ${String(i).padStart(2, '0')}` });
  const first = await t.app.inject({ url: `/organizations?q=${name}` });
  assert.match(first.body, /Найдено: 30 организаций/);
  assert.equal((first.body.match(/<tr>/g) ?? []).length, 26); // header + 25
  assert.equal(link(first.body, 'prev'), null);
  const nextUrl = link(first.body, 'next');
  assert.ok(nextUrl?.includes(`q=${name}`) && nextUrl.includes('cursor='));
  const second = await t.app.inject({ url: nextUrl! });
  assert.equal((second.body.match(/<tr>/g) ?? []).length, 6);
  assert.match(second.body, new RegExp(`Сад ${name} 29`));
  assert.doesNotMatch(second.body, new RegExp(`Сад ${name} 24<`));
  assert.equal(link(second.body, 'next'), null);
  assert.match(second.body, /К началу списка/);
  const back = await t.app.inject({ url: link(second.body, 'prev')! });
  assert.match(back.body, new RegExp(`Сад ${name} 00`));
  assert.match(back.body, new RegExp(`Сад ${name} 24`));
});

test('a broken cursor or an unknown kind is a 400 page, not a server error', async () => {
  assert.equal((await t.app.inject({ url: '/organizations?cursor=garbage' })).statusCode, 400);
  assert.equal((await t.app.inject({ url: '/organizations?kind=zoo' })).statusCode, 400);
});

test('the card shows every field of the organisation; an unknown or malformed id is 404', async () => {
  const o = await createOrganization(t.context.db, { municipalityId: 2, kind: 'college', capacity: 1250, website: 'https://college.example' });
  const response = await t.app.inject({ url: `/organizations/${o.id}` });
  assert.equal(response.statusCode, 200);
  for (const value of [o.fullName, o.shortName, 'колледж', 'город Сочи', o.address, o.headName!, o.phone!, o.email!, o.website!, o.inn, o.ogrn, o.licenceNumber!]) {
    assert.ok(decode(response.body).includes(value), value);
  }
  assert.match(response.body, /1\s250/); // capacity in Russian number format
  assert.equal(response.headers['cache-control'], 'public, max-age=60');
  assert.doesNotMatch(response.body, /Редактировать/);
  assert.equal((await t.app.inject({ url: `/organizations/${crypto.randomUUID()}` })).statusCode, 404);
  assert.equal((await t.app.inject({ url: '/organizations/not-a-uuid' })).statusCode, 404);
});

test('the CSV download is UTF-8 with a BOM and semicolons, of the filtered list', async () => {
  const name = tag();
  await createOrganization(t.context.db, { shortName: `${name}; "Звёздочка"`, kind: 'kindergarten' });
  await createOrganization(t.context.db, { shortName: `${name} школа`, kind: 'school' });
  const response = await t.app.inject({ url: `/organizations.csv?q=${name}&kind=kindergarten` });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/csv; charset=utf-8/);
  assert.match(String(response.headers['content-disposition']), /attachment; filename="organizations.csv"/);
  assert.equal(response.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf');
  const lines = response.body.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^Идентификатор;Муниципальное образование;/);
  assert.ok(lines[1]!.includes(`"${name}; ""Звёздочка"""`));
  assert.ok(lines[1]!.includes(';детский сад;'));
});

test('the JSON download is an array of the filtered organisations', async () => {
  const name = tag();
  const a = await createOrganization(t.context.db, { shortName: `${name} А` });
  const b = await createOrganization(t.context.db, { shortName: `${name} Б` });
  const response = await t.app.inject({ url: `/organizations.json?q=${name}` });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const list = response.json() as Array<{ id: string; inn: string }>;
  assert.deepEqual(list.map((o) => o.id), [a.id, b.id]);
  assert.equal(list[0]!.inn, a.inn);
  const none = await t.app.inject({ url: `/organizations.json?q=${name}-nothing` });
  assert.deepEqual(none.json(), []);
});

test('the directory is in English when the visitor chose English', async () => {
  const response = await t.app.inject({ url: '/organizations?kind=camp', cookies: { prostor_lang: 'en' } });
  assert.match(response.body, /Registry of educational organisations/);
  assert.match(response.body, /<option value="camp" selected>camp<\/option>/);
  assert.match(response.body, /Found: /);
});

test('a regional administrator adds an organisation through the form; errors are shown per field and input is kept', async () => {
  const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
  const directory = await admin.get('/organizations');
  assert.match(directory.body, /Добавить организацию/);
  assert.equal(directory.headers['cache-control'], 'no-store');
  const form = await admin.get('/organizations/new');
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Новая организация/);

  const o = buildOrganization({ municipalityId: 2, kind: 'kindergarten' });
  const bad = await admin.post('/organizations/new', { ...formOf(o), inn: '7707083894', email: 'не почта', capacity: '-1', fullName: '' });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Исправьте ошибки/);
  assert.match(bad.body, /Неверная контрольная цифра ИНН/);
  assert.match(bad.body, /Введите адрес электронной почты/);
  assert.match(bad.body, /Введите целое неотрицательное число/);
  assert.match(bad.body, /Заполните это поле/);
  assert.match(bad.body, /value="7707083894"/); // the user's input is kept
  assert.ok(decode(bad.body).includes(`value="${o.shortName}"`));
  assert.match(bad.body, /<option value="kindergarten" selected>/);

  const created = await admin.post('/organizations/new', formOf(o));
  assert.equal(created.statusCode, 303);
  const location = String(created.headers.location);
  assert.match(location, /^\/organizations\/[0-9a-f-]{36}\?saved=1$/);
  const card = await admin.get(location);
  assert.match(card.body, /Изменения сохранены/);
  assert.ok(decode(card.body).includes(o.fullName!));
  const id = location.slice('/organizations/'.length, location.indexOf('?'));
  const events = await t.context.db.select().from(auditEvent).where(and(eq(auditEvent.entityType, 'organization'), eq(auditEvent.entityId, id)));
  assert.equal(events.length, 1);
  assert.equal(events[0]!.action, 'create');
  assert.equal(events[0]!.municipalityId, 2);
});

test('editing keeps post/redirect/get; a stale form gets 409 with what is stored now, not a silent overwrite', async () => {
  const admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
  const o = await createOrganization(t.context.db);
  const card = await admin.get(`/organizations/${o.id}`);
  assert.match(card.body, new RegExp(`href="/organizations/${o.id}/edit"`));
  const form = await admin.get(`/organizations/${o.id}/edit`);
  assert.match(form.body, /name="version" value="1"/);
  assert.ok(decode(form.body).includes(`value="${o.inn}"`));

  const values = { ...formOf(o), municipalityId: '1', version: '1' };
  const saved = await admin.post(`/organizations/${o.id}/edit`, { ...values, phone: '+7 (861) 111-11-11' });
  assert.equal(saved.statusCode, 303);
  assert.equal(saved.headers.location, `/organizations/${o.id}?saved=1`);
  assert.equal((await findOrganization(t.context.db, o.id))!.phone, '+7 (861) 111-11-11');

  // A second editor still holds version 1.
  const stale = await admin.post(`/organizations/${o.id}/edit`, { ...values, phone: '+7 (861) 222-22-22' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /изменил другой пользователь/);
  assert.match(stale.body, /\+7 \(861\) 111-11-11/); // what is stored now
  assert.match(stale.body, /value="\+7 \(861\) 222-22-22"/); // what they typed
  assert.match(stale.body, /name="version" value="2"/);
  assert.equal((await findOrganization(t.context.db, o.id))!.phone, '+7 (861) 111-11-11');

  const invalid = await admin.post(`/organizations/${o.id}/edit`, { ...values, version: '2', ogrn: '1027700132196' });
  assert.equal(invalid.statusCode, 422);
  assert.match(invalid.body, /контрольная цифра ОГРН/);
});

test('the head of an organisation gets a form with contact fields only; registration data is read-only', async () => {
  const o = await createOrganization(t.context.db);
  const head = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'organizationHead', organizationId: o.id }]));
  const form = await head.get(`/organizations/${o.id}/edit`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /name="phone"/);
  assert.doesNotMatch(form.body, /name="inn"/);
  assert.doesNotMatch(form.body, /name="kind"/);
  assert.match(form.body, /Изменяет учредитель/);
  // A crafted post with an INN and a kind changes the contact field only.
  const response = await head.post(`/organizations/${o.id}/edit`, { version: '1', address: o.address, phone: '+7 (861) 333-33-33', inn: '7707083893', kind: 'camp' });
  assert.equal(response.statusCode, 303);
  const after = (await findOrganization(t.context.db, o.id))!;
  assert.equal(after.phone, '+7 (861) 333-33-33');
  assert.equal(after.inn, o.inn);
  assert.equal(after.kind, 'school');
});

test('an anonymous visitor asking for a staff form is sent to log in', async () => {
  const o = await createOrganization(t.context.db);
  const response = await new Agent(t.app).get(`/organizations/${o.id}/edit`);
  assert.equal(response.statusCode, 302);
  assert.equal(response.headers.location, `/login?return=${encodeURIComponent(`/organizations/${o.id}/edit`)}`);
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { anonymous } from '../platform/access/access.ts';
import { auditEvent } from '../platform/audit/audit.schema.ts';
import { ManualClock } from '../platform/context.ts';
import type { AppError } from '../platform/errors.ts';
import { isValidInn, isValidOgrn } from './identifiers.ts';
import { buildOrganization, createOrganization } from './organization.factory.ts';
import {
  addOrganization,
  csvField,
  csvRow,
  decodeCursor,
  encodeCursor,
  iterateOrganizations,
  listOrganizations,
  normaliseSearch,
  organizationsCsv,
  parseDirectoryQuery,
  parseOrganizationInput,
  updateOrganization,
  type DirectoryFilter,
  type OrganizationInput,
} from './organization.service.ts';

let database: TestDatabase;
const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
const ctx = () => ({ db: database.handle.db, clock });
const origin = { actor: anonymous, ip: '127.0.0.1', requestId: 'test' };
const municipalities = new Set(Array.from({ length: 44 }, (_, i) => i + 1));

before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
});

/** A word no other test uses, to keep each test's rows apart in a shared database. */
const tag = () => `t${crypto.randomBytes(4).toString('hex')}`;

async function collect(filter: DirectoryFilter): Promise<string[]> {
  const ids: string[] = [];
  for await (const row of iterateOrganizations(database.handle.db, filter, 3)) ids.push(row.id);
  return ids;
}

test('the factory builds organisations with valid INN and OGRN', () => {
  for (let i = 0; i < 50; i++) {
    const o = buildOrganization();
    assert.ok(isValidInn(o.inn), o.inn);
    assert.ok(isValidOgrn(o.ogrn), o.ogrn);
  }
});

test('search ignores case and treats ё as е, in the query and in the data', async () => {
  const t = tag();
  const yolochka = await createOrganization(database.handle.db, { kind: 'kindergarten', shortName: `Детский сад «Ёлочка» ${t}` });
  const lesnaya = await createOrganization(database.handle.db, { address: `г. Краснодар, ул. Лесная, 5 ${t}` });
  for (const q of ['елочка', 'ЁЛОЧКА', 'Ёлочка', 'ёлочка']) {
    const page = await listOrganizations(database.handle.db, { q: `${q} ${t}` }, { limit: 10 });
    assert.deepEqual(page.items.map((o) => o.id), [yolochka.id], q);
  }
  const byAddress = await listOrganizations(database.handle.db, { q: `ЛЕСНАЯ ${t}` }, { limit: 10 });
  assert.deepEqual(byAddress.items.map((o) => o.id), [lesnaya.id]);
  assert.equal(normaliseSearch('  Ёжик   В ТУМАНЕ '), 'ежик в тумане');
});

test('search treats % and _ as plain characters, not wildcards', async () => {
  const t = tag();
  await createOrganization(database.handle.db, { shortName: `Школа ${t} abc` });
  assert.equal((await listOrganizations(database.handle.db, { q: `${t} a%c` }, { limit: 10 })).total, 0);
  assert.equal((await listOrganizations(database.handle.db, { q: `${t} a_c` }, { limit: 10 })).total, 0);
});

test('filters by municipality and kind combine with the search, and the total counts all pages', async () => {
  const t = tag();
  await createOrganization(database.handle.db, { shortName: `Школа ${t} 1`, municipalityId: 1, kind: 'school' });
  await createOrganization(database.handle.db, { shortName: `Школа ${t} 2`, municipalityId: 2, kind: 'school' });
  await createOrganization(database.handle.db, { shortName: `Сад ${t} 3`, municipalityId: 2, kind: 'kindergarten' });
  await createOrganization(database.handle.db, { shortName: `Сад ${t} 4`, municipalityId: 2, kind: 'kindergarten' });
  const db = database.handle.db;
  assert.equal((await listOrganizations(db, { q: t }, { limit: 1 })).total, 4);
  assert.equal((await listOrganizations(db, { q: t, municipalityId: 2 }, { limit: 10 })).total, 3);
  const sochiGardens = await listOrganizations(db, { q: t, municipalityId: 2, kind: 'kindergarten' }, { limit: 10 });
  assert.deepEqual(sochiGardens.items.map((o) => o.shortName), [`Сад ${t} 3`, `Сад ${t} 4`]);
  assert.equal((await listOrganizations(db, { q: t, municipalityId: 1, kind: 'kindergarten' }, { limit: 10 })).total, 0);
});

test('keyset pages forward and back have no duplicates and no gaps, even with equal short names', async () => {
  const t = tag();
  const db = database.handle.db;
  const created = [];
  // 23 rows, many sharing a short name, so the order falls back to the id.
  for (let i = 0; i < 23; i++) created.push(await createOrganization(db, { shortName: `Школа ${t} ${i % 4}` }));
  const expected = created
    .slice()
    .sort((a, b) => (a.shortName === b.shortName ? (a.id < b.id ? -1 : 1) : a.shortName < b.shortName ? -1 : 1))
    .map((o) => o.id);

  const forward: string[][] = [];
  let page = await listOrganizations(db, { q: t }, { limit: 5 });
  assert.equal(page.previousCursor, null);
  forward.push(page.items.map((o) => o.id));
  while (page.nextCursor) {
    page = await listOrganizations(db, { q: t }, { cursor: decodeCursor(page.nextCursor), limit: 5 });
    forward.push(page.items.map((o) => o.id));
    assert.equal(page.total, 23);
  }
  assert.deepEqual(forward.flat(), expected);
  assert.equal(forward.length, 5);

  // Back from the last page, page by page, gives the same pages in reverse.
  const backward: string[][] = [page.items.map((o) => o.id)];
  while (page.previousCursor) {
    page = await listOrganizations(db, { q: t }, { cursor: decodeCursor(page.previousCursor), limit: 5 });
    backward.unshift(page.items.map((o) => o.id));
  }
  assert.deepEqual(backward, forward);
  assert.equal(page.nextCursor !== null, true);

  // The batched iteration for downloads sees every row once, in the same order.
  assert.deepEqual(await collect({ q: t }), expected);
});

test('a row added during paging is neither repeated nor makes another row skipped', async () => {
  const t = tag();
  const db = database.handle.db;
  for (const name of ['Б', 'Г', 'Е', 'З']) await createOrganization(db, { shortName: `${t} ${name}` });
  const first = await listOrganizations(db, { q: t }, { limit: 2 });
  await createOrganization(db, { shortName: `${t} А` }); // sorts before the cursor
  const second = await listOrganizations(db, { q: t }, { cursor: decodeCursor(first.nextCursor!), limit: 2 });
  assert.deepEqual([...first.items, ...second.items].map((o) => o.shortName.split(' ')[1]), ['Б', 'Г', 'Е', 'З']);
});

test('a cursor that was not made by the service is refused with 400', () => {
  assert.throws(() => decodeCursor('not-a-cursor'), (e: AppError) => e.status === 400);
  assert.throws(() => decodeCursor(Buffer.from('["a","x","nope"]').toString('base64url')), (e: AppError) => e.status === 400);
  const cursor = { shortName: 'Школа; "1"', id: crypto.randomUUID(), direction: 'before' as const };
  assert.deepEqual(decodeCursor(encodeCursor(cursor)), cursor);
});

test('directory query strings: empty means any; a bad kind, municipality or limit is 400', () => {
  assert.deepEqual(parseDirectoryQuery({ q: '', municipality: '', kind: '' }).filter, {});
  assert.deepEqual(parseDirectoryQuery({ q: ' школа ', municipality: '2', kind: 'camp', limit: '10' }), {
    filter: { q: 'школа', municipalityId: 2, kind: 'camp' },
    cursor: null,
    limit: 10,
  });
  for (const bad of [{ kind: 'zoo' }, { municipality: 'abc' }, { limit: '10000' }, { limit: '0' }, { q: 'я'.repeat(201) }]) {
    assert.throws(() => parseDirectoryQuery(bad), (e: AppError) => e.status === 400, JSON.stringify(bad));
  }
});

test('CSV fields are quoted for Excel: separators, quotes, line breaks; formulas are neutralised', () => {
  assert.equal(csvField('простой текст'), 'простой текст');
  assert.equal(csvField('а;б'), '"а;б"');
  assert.equal(csvField('МБОУ СОШ № 1 "Гимназия"'), '"МБОУ СОШ № 1 ""Гимназия"""');
  assert.equal(csvField('строка\nдругая'), '"строка\nдругая"');
  assert.equal(csvField(null), '');
  assert.equal(csvField(0), '0');
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField('+7 (861) 255-12-34'), '+7 (861) 255-12-34');
  assert.equal(csvField('+cmd'), "'+cmd");
});

test('the CSV download starts with a BOM, has a Russian header and one line per organisation', async () => {
  const t = tag();
  const db = database.handle.db;
  const o = await createOrganization(db, { shortName: `${t}; "Радуга"`, municipalityId: 2, kind: 'camp', capacity: 120 });
  let text = '';
  for await (const chunk of organizationsCsv(db, { q: t }, 'ru', new Map([[2, 'город Сочи']]))) text += chunk;
  assert.ok(text.startsWith('\uFEFF'));
  const lines = text.slice(1).split('\r\n');
  assert.equal(lines.length, 3); // header, one row, the empty tail after the last CRLF
  assert.match(lines[0]!, /^Идентификатор;Муниципальное образование;Вид организации;Полное наименование;Краткое наименование;Адрес;/);
  assert.equal(lines[1], csvRow(o, 'ru', new Map([[2, 'город Сочи']])).replace(/\r\n$/, ''));
  assert.ok(lines[1]!.includes(`;"${t}; ""Радуга""";`));
  assert.ok(lines[1]!.includes(';город Сочи;лагерь;'));
  assert.ok(lines[1]!.endsWith(';120'));
});

function validInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const o = buildOrganization();
  return { ...o, municipalityId: String(o.municipalityId), capacity: String(o.capacity), ...overrides };
}

test('input validation gives a Russian message per field and normalises what people type', () => {
  const ok = parseOrganizationInput(validInput({ website: 'school1.ru', email: 'Info@School1.RU', inn: ' 7707083893 ', headName: '' }), ['website', 'email', 'inn', 'headName'], municipalities);
  assert.deepEqual(ok.errors, {});
  assert.deepEqual(ok.values, { website: 'https://school1.ru', email: 'info@school1.ru', inn: '7707083893', headName: null });

  const bad = parseOrganizationInput(
    { municipalityId: '99', kind: 'zoo', fullName: '', shortName: 'Ш', address: 'ул', inn: '7707083894', ogrn: '123', email: 'нет', website: 'javascript:alert(1)', phone: 'позвоните', capacity: '-5' },
    ['municipalityId', 'kind', 'fullName', 'shortName', 'address', 'inn', 'ogrn', 'email', 'website', 'phone', 'capacity'],
    municipalities,
  );
  assert.deepEqual(Object.keys(bad.errors).sort(), ['address', 'capacity', 'email', 'fullName', 'inn', 'kind', 'municipalityId', 'ogrn', 'phone', 'shortName', 'website']);
  assert.match(bad.errors.inn!.ru, /контрольная цифра ИНН/);
  assert.match(bad.errors.ogrn!.ru, /13 цифр/);
  assert.match(bad.errors.fullName!.ru, /Заполните/);
  assert.match(bad.errors.capacity!.ru, /неотрицательное/);
});

test('creating writes the row and an audit event naming the fields, in one transaction', async () => {
  const parsed = parseOrganizationInput(validInput({ headName: '' }), ['municipalityId', 'kind', 'fullName', 'shortName', 'address', 'headName', 'phone', 'email', 'website', 'inn', 'ogrn', 'licenceNumber', 'capacity'], municipalities);
  assert.deepEqual(parsed.errors, {});
  const row = await addOrganization(ctx(), origin, parsed.values as OrganizationInput);
  assert.equal(row.version, 1);
  const events = await database.handle.db.select().from(auditEvent).where(eq(auditEvent.entityId, row.id));
  assert.equal(events.length, 1);
  assert.equal(events[0]!.action, 'create');
  assert.equal(events[0]!.entityType, 'organization');
  assert.equal(events[0]!.municipalityId, 1);
  assert.equal(events[0]!.organizationId, row.id);
  assert.ok(!(events[0]!.details.changed as string[]).includes('headName'));
  assert.ok((events[0]!.details.changed as string[]).includes('inn'));
});

test('an update bumps the version and audits the changed field names; a stale version is 409', async () => {
  const db = database.handle.db;
  const row = await createOrganization(db);
  const { row: updated, changed } = await updateOrganization(ctx(), origin, row, 1, { phone: '+7 (862) 000-00-00', email: row.email });
  assert.deepEqual(changed, ['phone']);
  assert.equal(updated.version, 2);
  const [event] = await db.select().from(auditEvent).where(eq(auditEvent.entityId, row.id));
  assert.deepEqual(event!.details.changed, ['phone']);
  await assert.rejects(updateOrganization(ctx(), origin, updated, 1, { phone: '1' }), (e: AppError) => e.status === 409 && e.code === 'stale-version');
  // The race: two editors read version 2; the second write finds the row already moved on.
  await updateOrganization(ctx(), origin, updated, 2, { headName: 'Петров П. П.' });
  await assert.rejects(updateOrganization(ctx(), origin, updated, 2, { headName: 'Сидоров С. С.' }), (e: AppError) => e.status === 409);
  const events = await db.select().from(auditEvent).where(eq(auditEvent.entityId, row.id));
  assert.equal(events.length, 2);
});

test('an update that changes nothing writes nothing', async () => {
  const db = database.handle.db;
  const row = await createOrganization(db);
  const result = await updateOrganization(ctx(), origin, row, 1, { phone: row.phone });
  assert.equal(result.row.version, 1);
  assert.equal((await db.select().from(auditEvent).where(eq(auditEvent.entityId, row.id))).length, 0);
});

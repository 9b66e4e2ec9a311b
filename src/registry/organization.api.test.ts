import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../test/support/app.ts';
import { auditEvent } from '../platform/audit/audit.schema.ts';
import { buildOrganization, createOrganization } from './organization.factory.ts';

let t: TestApp;
let admin: Agent;
before(async () => {
  t = await createTestApp();
  admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
});
after(async () => {
  await t.close();
});

const tag = () => `t${crypto.randomBytes(4).toString('hex')}`;

interface ListBody {
  items: Array<{ id: string; shortName: string; version: number }>;
  total: number;
  nextCursor: string | null;
  previousCursor: string | null;
}

function newOrganizationJson(overrides: Record<string, unknown> = {}) {
  const { municipalityId, kind, fullName, shortName, address, headName, phone, email, website, inn, ogrn, licenceNumber, capacity } = buildOrganization();
  return { municipalityId, kind, fullName, shortName, address, headName, phone, email, website, inn, ogrn, licenceNumber, capacity, ...overrides };
}

test('the API lists organisations publicly with items, total and a next cursor, ё/е-insensitive', async () => {
  const name = tag();
  for (let i = 0; i < 5; i++) await createOrganization(t.context.db, { shortName: `Ёлочка ${name} ${i}`, kind: 'kindergarten' });
  const first = await t.app.inject({ url: `/api/v1/organizations?q=елочка%20${name}&limit=3` });
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers['cache-control'], 'public, max-age=60');
  const body = first.json() as ListBody;
  assert.equal(body.total, 5);
  assert.equal(body.items.length, 3);
  assert.equal(body.previousCursor, null);
  assert.ok(body.nextCursor);
  const second = (await t.app.inject({ url: `/api/v1/organizations?q=елочка%20${name}&limit=3&cursor=${body.nextCursor}` })).json() as ListBody;
  assert.equal(second.items.length, 2);
  assert.equal(second.nextCursor, null);
  const all = [...body.items, ...second.items].map((o) => o.shortName);
  assert.deepEqual(all, [0, 1, 2, 3, 4].map((i) => `Ёлочка ${name} ${i}`));
});

test('the API filters by municipality and kind', async () => {
  const name = tag();
  await createOrganization(t.context.db, { shortName: `${name} a`, municipalityId: 3, kind: 'college' });
  await createOrganization(t.context.db, { shortName: `${name} b`, municipalityId: 3, kind: 'school' });
  await createOrganization(t.context.db, { shortName: `${name} c`, municipalityId: 4, kind: 'college' });
  const body = (await t.app.inject({ url: `/api/v1/organizations?q=${name}&municipality=3&kind=college` })).json() as ListBody;
  assert.deepEqual(body.items.map((o) => o.shortName), [`${name} a`]);
  assert.equal(body.total, 1);
});

test('bad input to the API is a 4xx problem, never a 5xx', async () => {
  for (const url of [
    '/api/v1/organizations?limit=10000',
    '/api/v1/organizations?limit=0',
    '/api/v1/organizations?kind=zoo',
    '/api/v1/organizations?municipality=abc',
    '/api/v1/organizations?cursor=garbage',
    `/api/v1/organizations?q=${'я'.repeat(300)}`,
    '/api/v1/organizations/not-a-uuid',
    `/api/v1/organizations/${crypto.randomUUID()}`,
  ]) {
    const response = await t.app.inject({ url });
    assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${url} → ${response.statusCode}`);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/, url);
  }
  const patched = await admin.api('PATCH', '/api/v1/organizations/not-a-uuid', { version: 1, phone: '+7 861 000 00 00' });
  assert.ok(patched.statusCode >= 400 && patched.statusCode < 500);
});

test('one organisation by id', async () => {
  const o = await createOrganization(t.context.db, { capacity: null, website: null });
  const response = await t.app.inject({ url: `/api/v1/organizations/${o.id}` });
  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.equal(body.id, o.id);
  assert.equal(body.inn, o.inn);
  assert.equal(body.capacity, null);
  assert.equal(body.website, null);
  assert.equal(body.version, 1);
  assert.equal(body.createdAt, o.createdAt.toISOString());
});

test('POST creates an organisation: 201 with Location, and an audit event', async () => {
  const input = newOrganizationJson({ municipalityId: 5, website: 'school.example', capacity: 0 });
  const response = await admin.api('POST', '/api/v1/organizations', input);
  assert.equal(response.statusCode, 201, response.body);
  const body = response.json();
  assert.equal(response.headers.location, `/api/v1/organizations/${body.id}`);
  assert.equal(body.website, 'https://school.example');
  assert.equal(body.capacity, 0);
  assert.equal(body.municipalityId, 5);
  const fetched = await t.app.inject({ url: String(response.headers.location) });
  assert.equal(fetched.json().inn, input.inn);
  const events = await t.context.db.select().from(auditEvent).where(eq(auditEvent.entityId, body.id));
  assert.equal(events.length, 1);
  assert.equal(events[0]!.action, 'create');
  assert.equal(events[0]!.municipalityId, 5);
});

test('POST with invalid fields answers 422 problem+json with a Russian message per field', async () => {
  const response = await admin.api('POST', '/api/v1/organizations', newOrganizationJson({ inn: '7707083894', ogrn: '12', email: 'x', municipalityId: 999 }));
  assert.equal(response.statusCode, 422);
  assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  const problem = response.json() as { status: number; errors: Array<{ field: string; message: string }> };
  assert.equal(problem.status, 422);
  const fields = Object.fromEntries(problem.errors.map((e) => [e.field, e.message]));
  assert.deepEqual(Object.keys(fields).sort(), ['email', 'inn', 'municipalityId', 'ogrn']);
  assert.match(fields.inn!, /контрольная цифра ИНН/);
  const missing = await admin.api('POST', '/api/v1/organizations', { kind: 'school' });
  assert.equal(missing.statusCode, 422);
  assert.ok((missing.json().errors as Array<{ field: string }>).some((e) => e.field === 'inn'));
  const wrongKind = await admin.api('POST', '/api/v1/organizations', newOrganizationJson({ kind: 'zoo' }));
  assert.equal(wrongKind.statusCode, 422);
});

test('PATCH with the current version changes the fields; a stale version is 409 and changes nothing', async () => {
  const o = await createOrganization(t.context.db);
  const ok = await admin.api('PATCH', `/api/v1/organizations/${o.id}`, { version: 1, phone: '+7 (861) 999-99-99', capacity: 640 });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().version, 2);
  assert.equal(ok.json().capacity, 640);
  const stale = await admin.api('PATCH', `/api/v1/organizations/${o.id}`, { version: 1, phone: '+7 (861) 000-00-00' });
  assert.equal(stale.statusCode, 409);
  assert.equal(stale.json().code, 'stale-version');
  assert.match(stale.json().title, /изменил другой пользователь/);
  const now = (await t.app.inject({ url: `/api/v1/organizations/${o.id}` })).json();
  assert.equal(now.phone, '+7 (861) 999-99-99');
  const events = await t.context.db.select().from(auditEvent).where(eq(auditEvent.entityId, o.id));
  assert.deepEqual(events.map((e) => e.details.changed), [['phone', 'capacity']]);
  const unknownField = await admin.api('PATCH', `/api/v1/organizations/${o.id}`, { version: 2, colour: 'red' });
  assert.equal(unknownField.statusCode, 422);
  const noVersion = await admin.api('PATCH', `/api/v1/organizations/${o.id}`, { phone: '+7 (861) 000-00-00' });
  assert.equal(noVersion.statusCode, 422);
});

test('the municipalities are listed as JSON', async () => {
  const response = await t.app.inject({ url: '/api/v1/municipalities' });
  assert.equal(response.statusCode, 200);
  const items = response.json().items as Array<{ id: number; nameRu: string; nameEn: string; kind: string }>;
  assert.equal(items.length, 44);
  assert.deepEqual(items[0], { id: 1, code: '23-01', kind: 'cityDistrict', nameRu: 'город Краснодар', nameEn: 'Krasnodar city', populationThousands: 1100 });
  assert.equal(items[1]!.nameRu, 'город Сочи');
});

test('the OpenAPI document describes the organisation routes with tags and summaries', async () => {
  const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
  for (const [path, method] of [
    ['/api/v1/organizations', 'get'],
    ['/api/v1/organizations', 'post'],
    ['/api/v1/organizations/{id}', 'get'],
    ['/api/v1/organizations/{id}', 'patch'],
  ] as const) {
    const operation = doc.paths[path]?.[method];
    assert.ok(operation, `${method} ${path}`);
    assert.deepEqual(operation.tags, ['organizations']);
    assert.ok(operation.summary);
  }
  assert.ok(doc.paths['/api/v1/municipalities']?.get?.summary);
  assert.equal(doc.paths['/organizations'], undefined);
});

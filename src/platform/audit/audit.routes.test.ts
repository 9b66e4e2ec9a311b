/**
 * The audit log page and API: regional administrators only, newest first, keyset pages,
 * filters (days in Moscow time), Russian action names and each event's chain status.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createAccount, createTestApp, loggedInAgent, type Agent, type TestApp } from '../../../test/support/app.ts';
import { auditEvent } from './audit.schema.ts';
import { startOfDayInZone } from './audit-browse.ts';

let t: TestApp;
let admin: Agent;
before(async () => {
  t = await createTestApp();
  admin = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'regionalAdmin' }]));
});
after(async () => {
  await t.close();
});

/** A unique entity type per test keeps each test's events apart in the shared log. */
const entityTypeFor = () => `test-${crypto.randomBytes(3).toString('hex')}`;

async function insertEvent(values: Partial<typeof auditEvent.$inferInsert> & { entityType: string }): Promise<void> {
  // seq, prev_hash and hash are set by the chaining trigger; occurred_at is kept when given.
  await t.context.db.insert(auditEvent).values({ seq: 0, prevHash: '', hash: '', actorLabel: 'Тест', action: 'update', ...values });
}

test('anonymous visitors are sent to log in; staff other than regional administrators get 403', async () => {
  const anonymous = await t.app.inject({ url: '/audit' });
  assert.equal(anonymous.statusCode, 302);
  assert.match(String(anonymous.headers.location), /^\/login\?return=%2Faudit/);
  const operator = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]));
  assert.equal((await operator.get('/audit')).statusCode, 403);
  const guardian = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }]));
  assert.equal((await guardian.get('/audit')).statusCode, 403);
  assert.equal((await guardian.api('GET', '/api/v1/audit')).statusCode, 403);
  const api = await t.app.inject({ url: '/api/v1/audit' });
  assert.equal(api.statusCode, 401);
  assert.match(String(api.headers['content-type']), /problem\+json/);
});

test('a regional administrator sees events newest first with time, actor, action in Russian, scope, ip, request id and chain status', async () => {
  const entityType = entityTypeFor();
  await insertEvent({ entityType, entityId: 'first', action: 'create', occurredAt: new Date('2026-03-02T06:15:00Z'), municipalityId: 1, ip: '198.51.100.7', requestId: 'req-first' });
  await insertEvent({ entityType, entityId: 'second', action: 'read', occurredAt: new Date('2026-03-02T06:16:00Z') });
  const page = await admin.get(`/audit?entityType=${entityType}`);
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers['cache-control'], 'no-store');
  const body = page.body;
  assert.ok(body.indexOf('second') < body.indexOf('first'), 'newest first');
  assert.match(body, /Просмотр/);
  assert.match(body, /Создание/);
  // 06:15 UTC is 09:15 in Moscow.
  assert.match(body, /02\.03\.2026, 09:15:00/);
  assert.match(body, /198\.51\.100\.7/);
  assert.match(body, /req-first/);
  assert.match(body, /цела/);
  assert.match(body, /Проверка цепочки: цепочка цела/);
});

test('the log pages by seq: the next page continues where the first ended and links back', async () => {
  const entityType = entityTypeFor();
  for (let i = 1; i <= 5; i++) await insertEvent({ entityType, entityId: `n${i}` });
  const first = await admin.api('GET', `/api/v1/audit?entityType=${entityType}&limit=2`);
  assert.equal(first.statusCode, 200);
  const one = first.json() as { items: Array<{ entityId: string; seq: number }>; nextBefore: number | null };
  assert.deepEqual(one.items.map((e) => e.entityId), ['n5', 'n4']);
  const second = (await admin.api('GET', `/api/v1/audit?entityType=${entityType}&limit=2&before=${one.nextBefore}`)).json() as typeof one;
  assert.deepEqual(second.items.map((e) => e.entityId), ['n3', 'n2']);
  const last = (await admin.api('GET', `/api/v1/audit?entityType=${entityType}&limit=2&before=${second.nextBefore}`)).json() as typeof one;
  assert.deepEqual(last.items.map((e) => e.entityId), ['n1']);
  assert.equal(last.nextBefore, null);

  const pageTwo = await admin.get(`/audit?entityType=${entityType}&limit=2&before=${one.nextBefore}`);
  const previousLink = /<a href="([^"]+)" rel="prev"/.exec(pageTwo.body);
  assert.ok(previousLink, 'a link to newer events');
  const back = await admin.get(previousLink[1]!.replace(/&amp;/g, '&'));
  assert.match(back.body, /n5/);
  assert.doesNotMatch(back.body, /<code>n3<\/code>/);
});

test('filters by action, entity id, actor login or account id, and municipality', async () => {
  const entityType = entityTypeFor();
  const actor = await createAccount(t.context, [{ role: 'regionalAdmin' }]);
  await insertEvent({ entityType, entityId: 'by-actor', action: 'delete', actorAccountId: actor.id, municipalityId: 5 });
  await insertEvent({ entityType, entityId: 'other', action: 'update', municipalityId: 7 });
  const ids = async (query: string) =>
    ((await admin.api('GET', `/api/v1/audit?entityType=${entityType}&${query}`)).json() as { items: Array<{ entityId: string }> }).items.map((e) => e.entityId);
  assert.deepEqual(await ids('action=delete'), ['by-actor']);
  assert.deepEqual(await ids('entityId=other'), ['other']);
  assert.deepEqual(await ids(`actor=${actor.login}`), ['by-actor']);
  assert.deepEqual(await ids(`actor=${actor.id}`), ['by-actor']);
  assert.deepEqual(await ids('actor=nobody-with-this-login'), []);
  assert.deepEqual(await ids('municipalityId=7'), ['other']);
  const page = await admin.get(`/audit?entityType=${entityType}&action=delete`);
  assert.match(page.body, /by-actor/);
  assert.doesNotMatch(page.body, /<code>other<\/code>/);
});

test('date filters are whole days in Moscow time, both ends inclusive', async () => {
  const entityType = entityTypeFor();
  await insertEvent({ entityType, entityId: 'mar1-late', occurredAt: new Date('2026-03-01T20:59:59Z') }); // 23:59:59 MSK, 1 March
  await insertEvent({ entityType, entityId: 'mar2-start', occurredAt: new Date('2026-03-01T21:00:00Z') }); // 00:00 MSK, 2 March
  await insertEvent({ entityType, entityId: 'mar2-end', occurredAt: new Date('2026-03-02T20:59:59Z') }); // 23:59:59 MSK, 2 March
  await insertEvent({ entityType, entityId: 'mar3-start', occurredAt: new Date('2026-03-02T21:00:00Z') }); // 00:00 MSK, 3 March
  const response = await admin.api('GET', `/api/v1/audit?entityType=${entityType}&from=2026-03-02&to=2026-03-02`);
  assert.deepEqual(
    (response.json() as { items: Array<{ entityId: string }> }).items.map((e) => e.entityId),
    ['mar2-end', 'mar2-start'],
  );
  assert.equal(startOfDayInZone('2026-03-02', 'Europe/Moscow').toISOString(), '2026-03-01T21:00:00.000Z');
});

test('an impossible date is a 422 with the field named, on the page and in the API', async () => {
  const page = await admin.get('/audit?from=2026-02-30');
  assert.equal(page.statusCode, 422);
  assert.match(page.body, /ГГГГ-ММ-ДД/);
  assert.match(page.body, /value="2026-02-30"/);
  const api = await admin.api('GET', '/api/v1/audit?from=2026-02-30');
  assert.equal(api.statusCode, 422);
  assert.equal((api.json() as { errors: Array<{ field: string }> }).errors[0]!.field, 'from');
  assert.equal((await admin.api('GET', '/api/v1/audit?limit=100000')).statusCode, 422);
});

test('the API names actions in the request language and returns the chain status of each event', async () => {
  const entityType = entityTypeFor();
  await insertEvent({ entityType, action: 'login-failed' });
  const body = (await admin.api('GET', `/api/v1/audit?entityType=${entityType}`)).json() as { items: Array<{ actionLabel: string; chainStatus: string; hash: string }> };
  assert.equal(body.items[0]!.actionLabel, 'Неудачная попытка входа');
  assert.equal(body.items[0]!.chainStatus, 'intact');
  assert.match(body.items[0]!.hash, /^[0-9a-f]{64}$/);
});

test('an event altered behind the guard shows as altered, and the verify line names it', { concurrency: false }, async () => {
  // Runs last in this file: it breaks the chain on purpose.
  const entityType = entityTypeFor();
  await insertEvent({ entityType, entityId: 'victim' });
  await insertEvent({ entityType, entityId: 'after-victim' });
  const [victim] = (await admin.api('GET', `/api/v1/audit?entityType=${entityType}&entityId=victim`)).json().items as Array<{ seq: number }>;
  await t.database.handle.withConnection(async (exec) => {
    await exec('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update');
    await exec(`UPDATE audit_event SET entity_id = 'victim', ip = '10.0.0.1' WHERE seq = ${victim!.seq}`);
    await exec('ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update');
  });
  const page = await admin.get(`/audit?entityType=${entityType}`);
  assert.match(page.body, /запись изменена/);
  assert.match(page.body, new RegExp(`цепочка нарушена`));
  assert.match(page.body, new RegExp(`событие № ${victim!.seq}`));
  const api = (await admin.api('GET', `/api/v1/audit?entityType=${entityType}`)).json() as { items: Array<{ entityId: string; chainStatus: string }> };
  assert.deepEqual(
    api.items.map((e) => [e.entityId, e.chainStatus]),
    [
      ['after-victim', 'intact'],
      ['victim', 'altered'],
    ],
  );
});

test('filters outside what the database can hold are refused with 422, never a 500', async () => {
  for (const query of ['municipalityId=99999999999', 'to=9999-12-31', 'from=0001-01-01']) {
    assert.equal((await admin.get(`/audit?${query}`)).statusCode, 422, query);
    const api = await admin.api('GET', `/api/v1/audit?${query}`);
    assert.equal(api.statusCode, 422, query);
    assert.equal(api.json().code, 'validation');
  }
});

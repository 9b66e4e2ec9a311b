/**
 * The inbox shows a person only their own notices, newest first, a page at a time, unread ones
 * marked; marking read works for one's own notices only. The outbox exists only in demo mode,
 * for staff, and each view of it is audited.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { createPerson } from '../../../test/support/people.ts';
import { listAuditEvents } from '../audit/audit.ts';
import { notifyPerson } from './notify.ts';
import { notification } from './notify.schema.ts';

let t: TestApp;
let demo: TestApp;
before(async () => {
  t = await createTestApp();
  demo = await createTestApp({ demoMode: true });
});
after(async () => {
  await t.close();
  await demo.close();
});

async function guardianWithAccount(app: TestApp, email: string | null = null) {
  const person = await createPerson(app.context.db, { birthDate: '1990-02-03', email });
  const account = await createAccount(app.context, [{ role: 'guardian' }], { personId: person.id });
  return { person, account };
}

async function notify(app: TestApp, personId: string, subject: string) {
  await app.context.db.transaction((tx) => notifyPerson(tx, { personId, subject, body: `Текст: ${subject}`, link: '/preschool' }));
  const [row] = await app.context.db.select().from(notification).where(eq(notification.subject, subject));
  return row!;
}

test('an anonymous visitor is sent to log in; the API answers 401', async () => {
  const page = await t.app.inject({ url: '/notifications' });
  assert.equal(page.statusCode, 302);
  assert.match(String(page.headers.location), /^\/login\?return=%2Fnotifications/);
  const api = await t.app.inject({ url: '/api/v1/notifications' });
  assert.equal(api.statusCode, 401);
});

test('a person sees only their own notices, newest first, with the unread ones marked', async () => {
  const mother = await guardianWithAccount(t);
  const other = await guardianWithAccount(t);
  await notify(t, mother.person.id, 'Первое уведомление мамы');
  await notify(t, other.person.id, 'Чужое уведомление');
  const second = await notify(t, mother.person.id, 'Второе уведомление мамы');
  await t.context.db.update(notification).set({ readAt: new Date() }).where(eq(notification.id, second.id));

  const agent = await loggedInAgent(t.app, mother.account);
  const page = await agent.get('/notifications');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<a href="\/notifications" aria-current="page">Уведомления<\/a>/);
  assert.doesNotMatch(page.body, /Чужое уведомление/);
  const first = page.body.indexOf('Первое уведомление мамы');
  const newest = page.body.indexOf('Второе уведомление мамы');
  assert.ok(newest > 0 && first > newest, 'newest first');
  assert.equal(page.body.match(/notification--unread/g)?.length, 1, 'only the unread one is highlighted');
  assert.match(page.body, /Новое<\/span> Первое уведомление мамы/);

  const api = await agent.api('GET', '/api/v1/notifications');
  assert.equal(api.statusCode, 200);
  assert.deepEqual(
    api.json().items.map((n: { subject: string }) => n.subject),
    ['Второе уведомление мамы', 'Первое уведомление мамы'],
  );
  assert.equal(api.json().items[0].link, '/preschool');
});

test('a person marks their own notice read; someone else’s notice is not found and stays unread', async () => {
  const mother = await guardianWithAccount(t);
  const other = await guardianWithAccount(t);
  const own = await notify(t, mother.person.id, 'Своё непрочитанное');
  const foreign = await notify(t, other.person.id, 'Чужое непрочитанное');
  const agent = await loggedInAgent(t.app, mother.account);
  await agent.get('/notifications');

  const marked = await agent.post(`/notifications/${own.id}/read`, {});
  assert.equal(marked.statusCode, 303);
  assert.equal(marked.headers.location, '/notifications');
  const [ownAfter] = await t.context.db.select().from(notification).where(eq(notification.id, own.id));
  assert.equal(ownAfter!.readAt?.toISOString(), t.clock.now().toISOString());

  assert.equal((await agent.post(`/notifications/${foreign.id}/read`, {})).statusCode, 404);
  assert.equal((await agent.api('POST', `/api/v1/notifications/${foreign.id}/read`)).statusCode, 404);
  const [foreignAfter] = await t.context.db.select().from(notification).where(eq(notification.id, foreign.id));
  assert.equal(foreignAfter!.readAt, null);
});

test('the API marks a notice read with 204, and "mark all" clears every unread notice of the person only', async () => {
  const mother = await guardianWithAccount(t);
  const other = await guardianWithAccount(t);
  const one = await notify(t, mother.person.id, 'API: одно');
  await notify(t, mother.person.id, 'API: два');
  const foreign = await notify(t, other.person.id, 'API: чужое');
  const agent = await loggedInAgent(t.app, mother.account);
  assert.equal((await agent.api('POST', `/api/v1/notifications/${one.id}/read`)).statusCode, 204);
  await agent.get('/notifications');
  assert.equal((await agent.post('/notifications/read-all', {})).statusCode, 303);
  const unread = (await agent.api('GET', '/api/v1/notifications')).json().items.filter((n: { readAt: string | null }) => n.readAt === null);
  assert.equal(unread.length, 0);
  const [foreignAfter] = await t.context.db.select().from(notification).where(eq(notification.id, foreign.id));
  assert.equal(foreignAfter!.readAt, null);
});

test('the inbox is paged by keyset: 20 newest, then the rest, with no notice twice', async () => {
  const { person, account } = await guardianWithAccount(t);
  for (let i = 1; i <= 23; i += 1) await notify(t, person.id, `Пачка ${String(i).padStart(2, '0')} ${person.id.slice(0, 8)}`);
  const agent = await loggedInAgent(t.app, account);
  const first = (await agent.api('GET', '/api/v1/notifications')).json();
  assert.equal(first.items.length, 20);
  assert.match(first.items[0].subject, /^Пачка 23/);
  assert.ok(first.nextBefore);
  const second = (await agent.api('GET', `/api/v1/notifications?before=${first.nextBefore}`)).json();
  assert.deepEqual(
    second.items.map((n: { subject: string }) => n.subject.slice(0, 8)),
    ['Пачка 03', 'Пачка 02', 'Пачка 01'],
  );
  assert.equal(second.nextBefore, null);
  const page = await agent.get(`/notifications?before=${first.nextBefore}`);
  assert.match(page.body, /Пачка 03/);
  assert.doesNotMatch(page.body, /Пачка 04/);
  assert.match(page.body, /rel="prev"/);
});

test('a staff account without a person record gets an empty inbox with an explanation', async () => {
  const operator = await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]);
  const agent = await loggedInAgent(t.app, operator);
  const page = await agent.get('/notifications');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /не связана с записью о человеке/);
  assert.deepEqual((await agent.api('GET', '/api/v1/notifications')).json(), { items: [], nextBefore: null });
});

test('outside demo mode the outbox does not exist, even for a regional administrator', async () => {
  const admin = await createAccount(t.context, [{ role: 'regionalAdmin' }]);
  const agent = await loggedInAgent(t.app, admin);
  assert.equal((await agent.get('/outbox')).statusCode, 404);
});

test('in demo mode staff see every e-mail with recipient, subject, body and status, and the view is audited', async () => {
  const { person } = await guardianWithAccount(demo, 'outbox-demo@example.ru');
  await notify(demo, person.id, 'Письмо для демо-ящика');
  const operator = await createAccount(demo.context, [{ role: 'municipalOperator', municipalityId: 1 }]);
  const agent = await loggedInAgent(demo.app, operator);
  const page = await agent.get('/outbox');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /outbox-demo@example\.ru/);
  assert.match(page.body, /Письмо для демо-ящика/);
  assert.match(page.body, /Текст: Письмо для демо-ящика/);
  assert.match(page.body, /В очереди на отправку/);
  const [event] = await listAuditEvents(demo.context.db, { entityType: 'emailOutbox', action: 'read', limit: 1 });
  assert.ok(event, 'the read is audited');
  assert.equal(event.actorAccountId, operator.id);
  assert.equal(JSON.stringify(event.details).includes('outbox-demo'), false, 'no address in the audit details');
});

test('in demo mode a guardian may not see the outbox, and an anonymous visitor is sent to log in', async () => {
  const { account } = await guardianWithAccount(demo);
  const agent = await loggedInAgent(demo.app, account);
  assert.equal((await agent.get('/outbox')).statusCode, 403);
  const anonymous = await demo.app.inject({ url: '/outbox' });
  assert.equal(anonymous.statusCode, 302);
  assert.match(String(anonymous.headers.location), /^\/login/);
});

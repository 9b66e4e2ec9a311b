/**
 * Regulation deadlines: the overdue list per role (operator: own municipality; regional admin:
 * all; others: refused), the 'preschool.expire-offers' job expiring unanswered offers when the
 * clock passes their deadline, and the reminder two days before a deadline, sent once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, like } from 'drizzle-orm';
import { createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { startWorker } from '../../platform/jobs/jobs.ts';
import { notification } from '../../platform/notify/notify.schema.ts';
import { createGroup, createKindergarten, createQueuedApplication } from './allocation-run.fixtures.ts';
import { preschoolOfferReminder } from './deadlines.schema.ts';
import { preschoolJobHandlers, preschoolJobSchedules } from './preschool.module.ts';
import { preschoolApplication, preschoolOffer, preschoolStatusChange, type ApplicationStatus, type OfferStatus } from './preschool.schema.ts';
import { changeApplicationStatus } from './application-status.service.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

async function application(options: { municipalityId?: number; status: ApplicationStatus; decisionDueAt?: Date }) {
  const row = await createQueuedApplication(t.context.db, { preferences: [], municipalityId: options.municipalityId ?? 1, status: options.status });
  if (options.decisionDueAt) {
    await t.context.db.update(preschoolApplication).set({ decisionDueAt: options.decisionDueAt }).where(eq(preschoolApplication.id, row.id));
  }
  return row;
}

/** An application in status 'offered' with an offer to a group, due at `deadlineAt`. */
async function offered(options: { deadlineAt: Date; municipalityId?: number; offerStatus?: OfferStatus }) {
  const municipalityId = options.municipalityId ?? 1;
  const kindergarten = await createKindergarten(t.context.db, { municipalityId });
  const group = await createGroup(t.context.db, kindergarten.id);
  const app = await application({ municipalityId, status: 'offered' });
  const [offer] = await t.context.db
    .insert(preschoolOffer)
    .values({
      applicationId: app.id,
      groupId: group.id,
      status: options.offerStatus ?? 'pending',
      issuedAt: new Date(options.deadlineAt.getTime() - 10 * DAY),
      deadlineAt: options.deadlineAt,
    })
    .returning();
  return { app, offer: offer! };
}

async function runDeadlineJobs(): Promise<void> {
  const worker = startWorker(t.context, preschoolJobHandlers, { pollMs: HOUR, schedules: preschoolJobSchedules });
  try {
    await worker.runOnce();
  } finally {
    await worker.stop();
  }
}

test('the operator sees overdue decisions and offers of their municipality only, with days overdue and desk links; the regional admin sees all', async () => {
  t.clock.set(new Date('2026-04-10T09:00:00Z'));
  const now = t.clock.now();
  const late = await application({ status: 'new', decisionDueAt: new Date(now.getTime() - 2 * DAY - HOUR) });
  const notYetDue = await application({ status: 'new', decisionDueAt: new Date(now.getTime() + DAY) });
  const decided = await application({ status: 'documentsChecked', decisionDueAt: new Date(now.getTime() - 5 * DAY) });
  const elsewhere = await application({ municipalityId: 2, status: 'new', decisionDueAt: new Date(now.getTime() - DAY) });
  const lateOffer = await offered({ deadlineAt: new Date(now.getTime() - HOUR) });
  const openOffer = await offered({ deadlineAt: new Date(now.getTime() + DAY) });
  const acceptedOffer = await offered({ deadlineAt: new Date(now.getTime() - DAY), offerStatus: 'accepted' });
  const lateOfferElsewhere = await offered({ deadlineAt: new Date(now.getTime() - 4 * DAY), municipalityId: 2 });

  const operator = await createAccount(t.context, [{ role: 'municipalOperator', municipalityId: 1 }]);
  const agent = await loggedInAgent(t.app, operator);
  const page = await agent.get('/preschool/overdue');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(`<a href="/preschool/desk/applications/${late.id}">${late.number}</a>`));
  assert.match(page.body, /3 дня/);
  assert.match(page.body, new RegExp(`<a href="/preschool/desk/applications/${lateOffer.app.id}">${lateOffer.app.number}</a>`));
  for (const hidden of [notYetDue, decided, elsewhere, openOffer.app, acceptedOffer.app, lateOfferElsewhere.app]) {
    assert.doesNotMatch(page.body, new RegExp(hidden.number));
  }

  const api = (await agent.api('GET', '/api/v1/preschool/overdue')).json();
  const decision = api.decisions.find((d: { number: string }) => d.number === late.number);
  assert.equal(decision.daysOverdue, 3);
  assert.equal(decision.municipalityId, 1);
  assert.ok(api.decisions.every((d: { municipalityId: number }) => d.municipalityId === 1));
  const offer = api.offers.find((o: { number: string }) => o.number === lateOffer.app.number);
  assert.equal(offer.daysOverdue, 1);
  assert.equal(offer.offerId, lateOffer.offer.id);
  assert.ok(api.offers.every((o: { municipalityId: number }) => o.municipalityId === 1));

  const admin = await createAccount(t.context, [{ role: 'regionalAdmin' }]);
  const adminAgent = await loggedInAgent(t.app, admin);
  const all = (await adminAgent.api('GET', '/api/v1/preschool/overdue')).json();
  const numbers = [...all.decisions, ...all.offers].map((r: { number: string }) => r.number);
  for (const shown of [late, elsewhere, lateOffer.app, lateOfferElsewhere.app]) assert.ok(numbers.includes(shown.number), shown.number);
  for (const hidden of [notYetDue, decided, openOffer.app, acceptedOffer.app]) assert.ok(!numbers.includes(hidden.number), hidden.number);
  const adminPage = await adminAgent.get('/preschool/overdue');
  assert.match(adminPage.body, /Муниципалитет/);
  assert.ok(all.offers.findIndex((o: { number: string }) => o.number === lateOfferElsewhere.app.number) < all.offers.findIndex((o: { number: string }) => o.number === lateOffer.app.number), 'most overdue first');
});

test('guardians, kindergarten heads and anonymous visitors do not get the overdue list', async () => {
  const guardian = await createAccount(t.context, [{ role: 'guardian' }]);
  const kindergarten = await createKindergarten(t.context.db);
  const head = await createAccount(t.context, [{ role: 'organizationHead', organizationId: kindergarten.id }]);
  for (const who of [guardian, head]) {
    const agent = await loggedInAgent(t.app, who);
    assert.equal((await agent.get('/preschool/overdue')).statusCode, 403);
    assert.equal((await agent.api('GET', '/api/v1/preschool/overdue')).statusCode, 403);
  }
  const anonymous = await t.app.inject({ url: '/preschool/overdue' });
  assert.equal(anonymous.statusCode, 302);
  assert.match(String(anonymous.headers.location), /^\/login/);
  assert.equal((await t.app.inject({ url: '/api/v1/preschool/overdue' })).statusCode, 401);
});

test('the scheduled expiry job leaves an offer alone before its deadline and expires it, with the application, once the clock passes it', async () => {
  t.clock.set(new Date('2026-06-01T09:00:00Z'));
  const { app, offer } = await offered({ deadlineAt: new Date(t.clock.now().getTime() + DAY) });
  const answered = await offered({ deadlineAt: new Date(t.clock.now().getTime() + DAY), offerStatus: 'accepted' });

  await runDeadlineJobs();
  let [current] = await t.context.db.select().from(preschoolOffer).where(eq(preschoolOffer.id, offer.id));
  assert.equal(current!.status, 'pending');

  t.clock.advance(DAY + 15 * 60_000);
  await runDeadlineJobs();
  [current] = await t.context.db.select().from(preschoolOffer).where(eq(preschoolOffer.id, offer.id));
  assert.equal(current!.status, 'expired');
  const [application] = await t.context.db.select().from(preschoolApplication).where(eq(preschoolApplication.id, app.id));
  assert.equal(application!.status, 'offerExpired');
  const history = await t.context.db.select().from(preschoolStatusChange).where(eq(preschoolStatusChange.applicationId, app.id));
  assert.equal(history.at(-1)!.toStatus, 'offerExpired');
  assert.equal(history.at(-1)!.changedAt.toISOString(), t.clock.now().toISOString());
  assert.match(history.at(-1)!.actorLabel, /preschool\.expire-offers/);
  const notices = await t.context.db.select().from(notification).where(eq(notification.personId, app.guardianId));
  assert.ok(notices.some((n) => /Срок направления истёк/.test(n.subject)), 'the guardian is told');

  const [stillAccepted] = await t.context.db.select().from(preschoolOffer).where(eq(preschoolOffer.id, answered.offer.id));
  assert.equal(stillAccepted!.status, 'accepted', 'an accepted offer does not expire');
});

test('the guardian is reminded once, two days before an offer’s deadline, however often the job runs', async () => {
  t.clock.set(new Date('2026-07-01T09:00:00Z'));
  const { app, offer } = await offered({ deadlineAt: new Date(t.clock.now().getTime() + 5 * DAY) });
  const reminders = () =>
    t.context.db
      .select()
      .from(notification)
      .where(and(eq(notification.personId, app.guardianId), like(notification.subject, '%срок ответа на направление истекает%')));

  await runDeadlineJobs();
  assert.equal((await reminders()).length, 0, 'not five days ahead');

  t.clock.advance(3 * DAY + HOUR);
  await runDeadlineJobs();
  const sent = await reminders();
  assert.equal(sent.length, 1);
  assert.match(sent[0]!.subject, new RegExp(app.number));
  assert.equal(sent[0]!.link, `/preschool/applications/${app.id}`);
  const [remembered] = await t.context.db.select().from(preschoolOfferReminder).where(eq(preschoolOfferReminder.offerId, offer.id));
  assert.equal(remembered!.sentAt.toISOString(), t.clock.now().toISOString());

  t.clock.advance(20 * 60_000);
  await runDeadlineJobs();
  t.clock.advance(20 * 60_000);
  await runDeadlineJobs();
  assert.equal((await reminders()).length, 1, 'still one reminder');
});

test('removing an offered child cancels the live offer, and an orphaned pending offer does not stop the expiry of the others', async () => {
  // Later than every other test here: the scheduled jobs remember when they are next due.
  t.clock.set(new Date('2026-09-01T09:00:00Z'));
  const removed = await offered({ deadlineAt: new Date(t.clock.now().getTime() + DAY) });
  const origin = { actor: { kind: 'anonymous' as const }, ip: null, requestId: null };
  await t.context.db.transaction((tx) =>
    changeApplicationStatus(tx, origin, t.clock.now(), removed.app.id, { to: 'removed', reason: 'снят по заявлению' }),
  );
  const [cancelled] = await t.context.db.select().from(preschoolOffer).where(eq(preschoolOffer.id, removed.offer.id));
  assert.equal(cancelled!.status, 'cancelled');

  // An offer left pending although its application is no longer offered (data from before the
  // rule above) comes first by deadline; the job must cancel it and still expire the next one.
  const orphan = await offered({ deadlineAt: new Date(t.clock.now().getTime() + HOUR) });
  await t.context.db.update(preschoolApplication).set({ status: 'inQueue' }).where(eq(preschoolApplication.id, orphan.app.id));
  const due = await offered({ deadlineAt: new Date(t.clock.now().getTime() + 2 * HOUR) });
  t.clock.advance(DAY);
  await runDeadlineJobs();
  const [orphanOffer] = await t.context.db.select().from(preschoolOffer).where(eq(preschoolOffer.id, orphan.offer.id));
  assert.equal(orphanOffer!.status, 'cancelled');
  const [dueOffer] = await t.context.db.select().from(preschoolOffer).where(eq(preschoolOffer.id, due.offer.id));
  assert.equal(dueOffer!.status, 'expired');
});

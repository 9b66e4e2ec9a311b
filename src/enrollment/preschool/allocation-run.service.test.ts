import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, inArray, sql } from 'drizzle-orm';
import type { AuditOrigin } from '../../platform/audit/audit.ts';
import { ManualClock } from '../../platform/context.ts';
import { queryRows } from '../../platform/db/connect.ts';
import { createTestDatabase, testOnPostgres, type TestDatabase } from '../../../test/support/database.ts';
import { addSiblingAttending, createGroup, createKindergarten, createQueuedApplication } from './allocation-run.fixtures.ts';
import { buildAllocationInstance, commitRun, createDryRun, discardRun, getRun, settlementOf, shortCodes, StaleRunError, type RunOptions, type StoredResult } from './allocation-run.service.ts';
import { freePlaces } from './group.service.ts';
import { allocationRun, preschoolApplication, preschoolOffer, preschoolStatusChange } from './preschool.schema.ts';

let database: TestDatabase;
const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));
const origin: AuditOrigin = { actor: { kind: 'anonymous' }, ip: null, requestId: 'test' };
let context: { db: TestDatabase['handle']['db']; clock: ManualClock };
// Each test uses its own municipality so runs do not see each other's data.
let nextMunicipality = 1;
const municipality = () => nextMunicipality++;

before(async () => {
  database = await createTestDatabase();
  context = { db: database.handle.db, clock };
});
after(() => database.drop());

const options = (municipalityId: number, extra: Partial<RunOptions> = {}): RunOptions => ({
  municipalityId,
  allocationDate: '2026-09-01',
  kind: 'main',
  mechanism: 'deferred-acceptance',
  offerNearest: false,
  ...extra,
});

async function statusOf(id: string) {
  const [row] = await context.db.select({ status: preschoolApplication.status }).from(preschoolApplication).where(eq(preschoolApplication.id, id));
  return row!.status;
}

describe('building the allocation instance', () => {
  test('priority tiers at a place: verified out of turn, then first priority, then sibling or preferential, then registration order; an unverified benefit counts for nothing', async () => {
    const m = municipality();
    const k = await createKindergarten(context.db, { municipalityId: m });
    await createGroup(context.db, k.id, { capacity: 20, occupied: 19 });
    const t = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s));
    const general = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id], registeredAt: t(1) });
    const claimed = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id], registeredAt: t(2), benefitCode: 'judge', benefitStatus: 'claimed' });
    const sibling = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id], registeredAt: t(3) });
    await addSiblingAttending(context.db, sibling.guardianId, k.id);
    const police = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id], registeredAt: t(4), benefitCode: 'police' });
    const judge = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id], registeredAt: t(5), benefitCode: 'judge' });
    const preferential = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id], registeredAt: t(6), benefitCode: 'sibling' });

    const { instance } = await buildAllocationInstance(context.db, options(m));
    assert.deepEqual(
      instance.applicants.map((a) => a.id),
      [general, claimed, sibling, police, judge, preferential].map((a) => a.number),
      'applicants in registration order: that order is the tie-break',
    );
    assert.equal(instance.tieBreak, undefined);
    assert.equal(instance.places.length, 1);
    assert.deepEqual(instance.places[0]!.priority, [[judge.number], [police.number], [sibling.number, preferential.number]]);
    assert.equal(instance.places[0]!.capacity, 1);
  });

  test('a sibling lifts the priority only at the kindergarten the sibling attends', async () => {
    const m = municipality();
    const [a, b] = [await createKindergarten(context.db, { municipalityId: m }), await createKindergarten(context.db, { municipalityId: m })];
    await createGroup(context.db, a.id);
    await createGroup(context.db, b.id);
    const child = await createQueuedApplication(context.db, { municipalityId: m, preferences: [a.id, b.id] });
    await addSiblingAttending(context.db, child.guardianId, b.id);
    const { instance, pools } = await buildAllocationInstance(context.db, options(m));
    const placeOf = (orgId: string) => instance.places.find((p) => pools[p.id]!.organizationId === orgId)!;
    assert.equal(placeOf(a.id).priority, undefined);
    assert.deepEqual(placeOf(b.id).priority, [[child.number]]);
  });

  test('preferences map to the pool of the child’s age group, orientation and stay mode; kindergartens without one are skipped; later starts wait', async () => {
    const m = municipality();
    const [a, b, c] = [
      await createKindergarten(context.db, { municipalityId: m }),
      await createKindergarten(context.db, { municipalityId: m }),
      await createKindergarten(context.db, { municipalityId: m }),
    ];
    await createGroup(context.db, a.id, { ageGroupCode: '3-4' });
    await createGroup(context.db, a.id, { ageGroupCode: '1-2' });
    await createGroup(context.db, b.id, { ageGroupCode: '1-2' }); // no 3-4 group here
    await createGroup(context.db, c.id, { ageGroupCode: '3-4', stayModeCode: 'shortStay' }); // wrong mode
    await createGroup(context.db, c.id, { ageGroupCode: '3-4', planStatus: 'draft' }); // not approved
    await createGroup(context.db, c.id, { ageGroupCode: '3-4', capacity: 10, occupied: 10 }); // full
    const older = await createQueuedApplication(context.db, { municipalityId: m, preferences: [b.id, c.id, a.id] });
    const toddler = await createQueuedApplication(context.db, { municipalityId: m, preferences: [b.id, a.id], birthDate: '2025-03-01' });
    const later = await createQueuedApplication(context.db, { municipalityId: m, preferences: [a.id], desiredStartDate: '2026-09-02' });
    const { instance } = await buildAllocationInstance(context.db, options(m, { allocationDate: '2026-09-01' }));
    const prefs = Object.fromEntries(instance.applicants.map((x) => [x.id, x.preferences]));
    const code = shortCodes([a.id, b.id, c.id]);
    assert.deepEqual(prefs[older.number], [`${code.get(a.id)}/3-4/general/fullDay`]);
    assert.deepEqual(prefs[toddler.number], [`${code.get(b.id)}/1-2/general/fullDay`, `${code.get(a.id)}/1-2/general/fullDay`]);
    assert.equal(prefs[later.number], undefined, 'a desired start after the allocation date is not in this run');
  });

  test('the instance is anonymised: application numbers and short codes, no names or ids of people', async () => {
    const m = municipality();
    const k = await createKindergarten(context.db, { municipalityId: m });
    await createGroup(context.db, k.id);
    const child = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id], childLastName: 'Неповторимова' });
    const { instance } = await buildAllocationInstance(context.db, options(m));
    const text = JSON.stringify(instance);
    assert.ok(text.includes(child.number));
    for (const secret of ['Неповторимова', child.id, child.childId, child.guardianId, k.shortName, k.id]) assert.ok(!text.includes(secret), secret);
    assert.match(instance.places[0]!.id, /^[0-9a-f]{8}\/3-4\/general\/fullDay$/);
  });

  test('short codes are id prefixes of at least 8 characters, longer only where two ids share them; settlements come from the address', () => {
    const codes = shortCodes(['abcdef0123-1', 'abcdef0123-2', '12345678-aaaa']);
    assert.deepEqual([...codes.values()].sort(), ['12345678', 'abcdef0123-1', 'abcdef0123-2']);
    assert.equal(settlementOf('353440, г. Анапа, ул. Крымская, д. 1'), 'г. анапа');
    assert.equal(settlementOf('352000, Краснодарский край, ст-ца Полтавская, ул. Ленина, 5'), 'ст-ца полтавская');
  });
});

describe('dry run and commit', () => {
  test('a dry run shows who would get what and changes nothing; commit issues the offers to concrete groups and moves applications to offered', async () => {
    const m = municipality();
    const k = await createKindergarten(context.db, { municipalityId: m });
    const g1 = await createGroup(context.db, k.id, { capacity: 20, occupied: 19 });
    const g2 = await createGroup(context.db, k.id, { capacity: 20, occupied: 19 });
    const first = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id] });
    const second = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id] });
    const third = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id] });
    const run = await createDryRun(context, origin, options(m));
    const stored = run.result as StoredResult;
    assert.equal(run.status, 'dryRun');
    assert.deepEqual(stored.main.assignment[third.number], null);
    assert.ok(stored.main.assignment[first.number] && stored.main.assignment[second.number]);
    assert.equal(await statusOf(first.id), 'inQueue', 'a dry run changes nothing');

    const { offers } = await commitRun(context, origin, run.id);
    assert.equal(offers, 2);
    assert.equal(await statusOf(first.id), 'offered');
    assert.equal(await statusOf(third.id), 'inQueue');
    const rows = await context.db.select().from(preschoolOffer).where(inArray(preschoolOffer.applicationId, [first.id, second.id]));
    assert.deepEqual(rows.map((r) => r.groupId).sort(), [g1.id, g2.id].sort(), 'one offer per group with a free place');
    assert.ok(rows.every((r) => r.status === 'pending' && r.deadlineAt.getTime() === clock.now().getTime() + 10 * 86_400_000));
    const history = await context.db.select().from(preschoolStatusChange).where(eq(preschoolStatusChange.applicationId, first.id));
    assert.deepEqual(history.map((h) => [h.fromStatus, h.toStatus]), [['inQueue', 'offered']]);
    const notices = await queryRows<{ n: number }>(context.db, sql`SELECT count(*)::int AS n FROM notification WHERE person_id = ${first.guardianId}`);
    assert.equal(Number(notices[0]!.n), 1, 'the guardian is notified');
    assert.equal((await getRun(context.db, run.id)).status, 'committed');
    assert.equal((await freePlaces(context.db, { municipalityId: m })).reduce((s, g) => s + g.free, 0), 0);
    await assert.rejects(commitRun(context, origin, run.id), /already committed/);
  });

  test('a commit e-mails each offered guardian who has an address (outbox row + notify.email job); a guardian without one gets the inbox notice only', async () => {
    const m = municipality();
    const k = await createKindergarten(context.db, { municipalityId: m });
    await createGroup(context.db, k.id, { capacity: 20, occupied: 18 });
    const withMail = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id], email: `guardian-${m}@example.test` });
    const withoutMail = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id], email: null });
    const run = await createDryRun(context, origin, options(m));
    assert.equal((await commitRun(context, origin, run.id)).offers, 2);
    const mails = await queryRows<{ id: string; subject: string; body: string; link: string | null }>(context.db, sql`SELECT id::text AS id, subject, body, link FROM email_message WHERE to_address = ${`guardian-${m}@example.test`}`);
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, new RegExp(withMail.number));
    // The link is kept apart from the body, as notifyPerson keeps it: the sender makes it absolute.
    assert.equal(mails[0]!.link, `/preschool/applications/${withMail.id}`);
    const jobs = await queryRows<{ n: number }>(context.db, sql`SELECT count(*)::int AS n FROM job WHERE queue = 'notify.email' AND payload->>'emailId' = ${mails[0]!.id}`);
    assert.equal(Number(jobs[0]!.n), 1);
    const other = await queryRows<{ n: number }>(context.db, sql`SELECT count(*)::int AS n FROM email_message WHERE body LIKE ${`%${withoutMail.number}%`}`);
    assert.equal(Number(other[0]!.n), 0);
  });

  test('a failure mid-way through a commit leaves nothing: no offer, every application still in the queue, the run still a dry run', async () => {
    const m = municipality();
    const k = await createKindergarten(context.db, { municipalityId: m });
    await createGroup(context.db, k.id, { capacity: 20, occupied: 18 });
    const a = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id] });
    const b = await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id] });
    const run = await createDryRun(context, origin, options(m));
    await assert.rejects(
      commitRun(context, origin, run.id, {
        beforeFinish: () => {
          throw new Error('injected failure');
        },
      }),
      /injected failure/,
    );
    assert.equal(await statusOf(a.id), 'inQueue');
    assert.equal(await statusOf(b.id), 'inQueue');
    assert.equal((await context.db.select().from(preschoolOffer).where(inArray(preschoolOffer.applicationId, [a.id, b.id]))).length, 0);
    assert.equal((await getRun(context.db, run.id)).status, 'dryRun');
    assert.equal((await commitRun(context, origin, run.id)).offers, 2, 'the same run commits once the failure is gone');
  });

  test('a stale dry run whose seats were taken meanwhile is refused with a clear message', async () => {
    const m = municipality();
    const k = await createKindergarten(context.db, { municipalityId: m });
    await createGroup(context.db, k.id, { capacity: 20, occupied: 19 });
    await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id] });
    const older = await createDryRun(context, origin, options(m));
    const newer = await createDryRun(context, origin, options(m));
    await commitRun(context, origin, newer.id);
    const error = await commitRun(context, origin, older.id).catch((e: unknown) => e);
    assert.ok(error instanceof StaleRunError);
    assert.equal(error.status, 409);
    assert.match(error.userMessage.ru, /Пробный расчёт устарел/);
    assert.equal((await getRun(context.db, older.id)).status, 'dryRun');
    await discardRun(context, origin, older.id);
    assert.equal((await getRun(context.db, older.id)).status, 'discarded');
  });

  test('two commits at the same time never offer one seat twice', async () => {
    const m = municipality();
    const k = await createKindergarten(context.db, { municipalityId: m });
    await createGroup(context.db, k.id, { capacity: 20, occupied: 17 });
    for (let i = 0; i < 5; i++) await createQueuedApplication(context.db, { municipalityId: m, preferences: [k.id] });
    const one = await createDryRun(context, origin, options(m));
    const two = await createDryRun(context, origin, options(m));
    const results = await Promise.allSettled([commitRun(context, origin, one.id), commitRun(context, origin, two.id)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, testOnPostgres ? 'on PostgreSQL the group locks serialise the commits' : 'one wins');
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(rejected.reason instanceof StaleRunError, String(rejected.reason));
    const live = await queryRows<{ n: number }>(
      context.db,
      sql`SELECT count(*)::int AS n FROM preschool_offer o JOIN kindergarten_group g ON g.id = o.group_id WHERE g.organization_id = ${k.id} AND o.status IN ('pending','accepted')`,
    );
    assert.equal(Number(live[0]!.n), 3);
    const committed = await context.db.select().from(allocationRun).where(inArray(allocationRun.id, [one.id, two.id]));
    assert.deepEqual(committed.map((r) => r.status).sort(), ['committed', 'dryRun']);
  });

  test('offering the nearest: a consenting applicant left without a place gets a free place of the same kind, same settlement first', async () => {
    const m = municipality();
    const wanted = await createKindergarten(context.db, { municipalityId: m, settlement: 'ст-ца Динская' });
    const far = await createKindergarten(context.db, { municipalityId: m, settlement: 'х. Дальний' });
    const near = await createKindergarten(context.db, { municipalityId: m, settlement: 'ст-ца Динская' });
    await createGroup(context.db, wanted.id, { capacity: 20, occupied: 19 });
    await createGroup(context.db, far.id, { capacity: 20, occupied: 19 });
    await createGroup(context.db, near.id, { capacity: 20, occupied: 19 });
    await createQueuedApplication(context.db, { municipalityId: m, preferences: [wanted.id] });
    const consenting = await createQueuedApplication(context.db, { municipalityId: m, preferences: [wanted.id], consentAlternative: true });
    const notConsenting = await createQueuedApplication(context.db, { municipalityId: m, preferences: [wanted.id] });
    const withoutOption = (await createDryRun(context, origin, options(m))).result as StoredResult;
    assert.equal(withoutOption.alternative, null);
    const run = await createDryRun(context, origin, options(m, { offerNearest: true }));
    const stored = run.result as StoredResult;
    assert.ok(stored.alternative);
    const place = stored.alternative.result.assignment[consenting.number]!;
    assert.equal(stored.pools[place]!.organizationId, near.id);
    assert.equal(stored.alternative.result.assignment[notConsenting.number], undefined);
    await discardRun(context, origin, (await createDryRun(context, origin, options(m))).id);
    assert.equal((await commitRun(context, origin, run.id)).offers, 2);
    assert.equal(await statusOf(consenting.id), 'offered');
  });
});

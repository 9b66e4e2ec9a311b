import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { Agent, createAccount, createTestApp, loggedInAgent, type TestApp } from '../../../test/support/app.ts';
import { queryRows } from '../../platform/db/connect.ts';
import { buildAllocationInstance } from './allocation-run.service.ts';
import { createGroup, createKindergarten, createQueuedApplication, type ApplicationFixture } from './allocation-run.fixtures.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.close();
});

interface PublicPosition {
  organizationId: string;
  kindergartenName: string;
  rank: number;
  ageGroupCode: string | null;
  position: number | null;
  ahead: number;
  queueLength: number;
}
interface GuardianPlace {
  rank: number;
  organizationId: string;
  position: number;
  ahead: number;
  total: number;
}

const at = (minute: number) => new Date(Date.UTC(2025, 2, 1, 9, minute));

async function publicLookup(number: string) {
  const response = await new Agent(t.app).api('POST', '/api/v1/preschool/public/queue-position', { number });
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as { status: string; tier: number; ageGroupCode: string | null; positions: PublicPosition[]; howComputed: { ru: string } };
}

/** What the guardian's own application page shows (its JSON twin, same service function). */
async function guardianView(application: ApplicationFixture) {
  const agent = await loggedInAgent(t.app, await createAccount(t.context, [{ role: 'guardian' }], { personId: application.guardianId }));
  const response = await agent.api('GET', `/api/v1/preschool/applications/${application.id}`);
  assert.equal(response.statusCode, 200, response.body);
  return (response.json() as { queue: { tier: number; ageGroupCode: string | null; inQueue: boolean; places: GuardianPlace[] } }).queue;
}

describe('the public queue and the guardian’s page show one queue position', () => {
  test('the public lookup by number shows the guardian page’s position, ahead and queue length at every preferred kindergarten; a verified benefit goes ahead, a claimed one does not', async () => {
    const m = 31;
    const [a, b, c] = [await createKindergarten(t.context.db, { municipalityId: m }), await createKindergarten(t.context.db, { municipalityId: m }), await createKindergarten(t.context.db, { municipalityId: m })];
    const general = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id, b.id], registeredAt: at(1) });
    const police = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [b.id, a.id], registeredAt: at(2), benefitCode: 'police', benefitStatus: 'verified' });
    const claimed = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id, c.id], registeredAt: at(3), benefitCode: 'prosecutor', benefitStatus: 'claimed' });
    const older = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id], registeredAt: at(4), birthDate: '2022-03-01' });
    const waiting = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [c.id, a.id], registeredAt: at(0), status: 'documentsChecked' });
    const sibling = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id, b.id, c.id], registeredAt: at(5), benefitCode: 'sibling', benefitStatus: 'verified' });
    const all = [general, police, claimed, older, waiting, sibling];

    for (const application of all) {
      const [shown, mine] = [await publicLookup(application.number), await guardianView(application)];
      assert.equal(shown.tier, mine.tier, application.number);
      assert.equal(shown.ageGroupCode, mine.ageGroupCode, application.number);
      assert.equal(shown.status === 'inQueue', mine.inQueue, application.number);
      assert.deepEqual(
        shown.positions.map((p) => ({ rank: p.rank, organizationId: p.organizationId, position: p.position, ahead: p.ahead, total: p.queueLength })),
        mine.places.map((p) => ({ rank: p.rank, organizationId: p.organizationId, position: mine.inQueue ? p.position : null, ahead: p.ahead, total: p.total })),
        `${application.number}: the public page and the guardian's page disagree`,
      );
      assert.match(shown.howComputed.ru, /подтверждённым/);
    }

    // The rule itself at kindergarten A, age group 3-4: verified first priority, verified
    // preferential, then registration time (the claimed benefit counts as none).
    const positionAtA = async (application: ApplicationFixture) => (await publicLookup(application.number)).positions.find((p) => p.organizationId === a.id)!;
    assert.deepEqual(await Promise.all([police, sibling, general, claimed].map(async (x) => (await positionAtA(x)).position)), [1, 2, 3, 4]);
    assert.deepEqual(await positionAtA(older), { ...(await positionAtA(older)), ageGroupCode: '4-5', position: 1, ahead: 0, queueLength: 1 });
    const notQueued = await positionAtA(waiting);
    assert.equal(notQueued.position, null, 'a position only once in the queue');
    assert.equal(notQueued.queueLength, 4);
  });

  test('the kindergarten’s public queue lists its applicants in the order of their positions (tier, registration time, id), per stored age group', async () => {
    const m = 32;
    const a = await createKindergarten(t.context.db, { municipalityId: m });
    const other = await createKindergarten(t.context.db, { municipalityId: m });
    await createGroup(t.context.db, a.id, { ageGroupCode: '3-4' });
    const same = at(10);
    const later = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [other.id, a.id], registeredAt: at(20) });
    const tiedOne = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id], registeredAt: same });
    const tiedTwo = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id], registeredAt: same });
    const outOfTurn = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id], registeredAt: at(30), benefitCode: 'judge', benefitStatus: 'verified' });
    const rejected = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id], registeredAt: at(5), benefitCode: 'judge', benefitStatus: 'rejected' });
    const toddler = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id], registeredAt: at(1), birthDate: '2025-03-01' });
    await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id], registeredAt: at(0), status: 'suspended' });

    const response = await new Agent(t.app).api('GET', `/api/v1/preschool/public/kindergartens/${a.id}/queue`);
    assert.equal(response.statusCode, 200, response.body);
    const groups = (response.json() as { ageGroups: Array<{ code: string; queue: Array<{ position: number; number: string }> }> }).ageGroups;
    const ties = [tiedOne, tiedTwo].sort((x, y) => (x.id < y.id ? -1 : 1));
    const threeFour = groups.find((g) => g.code === '3-4')!.queue;
    assert.deepEqual(threeFour.map((q) => q.number), [outOfTurn, rejected, ...ties, later].map((x) => x.number));
    assert.deepEqual(groups.find((g) => g.code === '1-2')!.queue.map((q) => q.number), [toddler.number]);
    // the n-th row is the application whose own lookup says n
    for (const row of [...threeFour, ...groups.find((g) => g.code === '1-2')!.queue]) {
      const shown = await publicLookup(row.number);
      assert.equal(shown.positions.find((p) => p.organizationId === a.id)!.position, row.position, row.number);
    }
    const page = await new Agent(t.app).get(`/preschool/queue/kindergartens/${a.id}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.indexOf(outOfTurn.number) < page.body.indexOf(later.number));
  });

  test('the public lookup page shows the positions and how they are computed, and nothing personal', async () => {
    const m = 33;
    const a = await createKindergarten(t.context.db, { municipalityId: m });
    const first = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id], registeredAt: at(1), childLastName: 'Неразглашаемова' });
    const second = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id], registeredAt: at(2) });
    const visitor = new Agent(t.app);
    await visitor.get('/preschool/queue');
    const page = await visitor.post('/preschool/queue', { number: second.number });
    assert.equal(page.statusCode, 200, page.body.slice(0, 300));
    assert.match(page.body, /<td>2<\/td>\s*<td>1<\/td>\s*<td>2<\/td>/, 'position 2, one ahead, two in the queue');
    assert.ok(page.body.includes('Как считается') || page.body.includes('Очередь считается'));
    for (const personal of ['Неразглашаемова', first.childId, first.guardianId, second.childId]) assert.ok(!page.body.includes(personal));
    assert.equal((await visitor.post('/preschool/queue', { number: 'no-such-number' })).statusCode, 404);
  });

  test('fixtures store the age group a registration stores, and an allocation run maps preferences by that stored group', async () => {
    const m = 34;
    const a = await createKindergarten(t.context.db, { municipalityId: m });
    await createGroup(t.context.db, a.id, { ageGroupCode: '3-4' });
    await createGroup(t.context.db, a.id, { ageGroupCode: '4-5' });
    const three = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id] });
    const four = await createQueuedApplication(t.context.db, { municipalityId: m, preferences: [a.id], birthDate: '2022-03-01' });
    const stored = await queryRows<{ number: string; age_group_code: string | null }>(
      t.context.db,
      sql`SELECT number, age_group_code FROM preschool_application WHERE municipality_id = ${m} ORDER BY registered_at`,
    );
    assert.deepEqual(new Map(stored.map((r) => [r.number, r.age_group_code])), new Map([[three.number, '3-4'], [four.number, '4-5']]));
    // the run reads the stored group: change it and the run follows (one definition of the group)
    await queryRows(t.context.db, sql`UPDATE preschool_application SET age_group_code = '4-5' WHERE number = ${three.number} RETURNING id`);
    const { instance } = await buildAllocationInstance(t.context.db, { municipalityId: m, allocationDate: '2026-09-01', mechanism: 'deferred-acceptance', kind: 'main' });
    const preferencesOf = (number: string) => instance.applicants.find((x) => x.id === number)!.preferences;
    assert.match(preferencesOf(three.number)[0]!, /\/4-5\//);
    assert.match(preferencesOf(four.number)[0]!, /\/4-5\//);
  });
});

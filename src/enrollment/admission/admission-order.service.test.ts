import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eq, inArray } from 'drizzle-orm';
import type { AuditOrigin } from '../../platform/audit/audit.ts';
import { ManualClock, type AppContext } from '../../platform/context.ts';
import { createLogger } from '../../platform/logger.ts';
import { loadConfig } from '../../config.ts';
import { createStreet } from '../../registry/address.factory.ts';
import { addRule, createAct, publishAct } from '../../registry/territory.service.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createApplication, createCampaign, createPlan, createSchool } from './admission-order.fixtures.ts';
import { lotteryRank } from './admission-order.ts';
import { commitAdmissionRun, createAdmissionDryRun, discardAdmissionRun, findAdmissionRun, protocolJson, settlementKey, StaleAdmissionRunError, type StoredAdmissionResult } from './admission-order.service.ts';
import { admissionApplication, admissionStatusChange } from './admission.schema.ts';
import { notification } from '../../platform/notify/notify.schema.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const directory = mkdtempSync(path.join(tmpdir(), 'prostor-admission-'));
let database: TestDatabase;
const clock = new ManualClock(new Date('2026-07-02T09:00:00Z'));
const origin: AuditOrigin = { actor: { kind: 'anonymous' }, ip: null, requestId: 'test' };
let context: AppContext;
let nextMunicipality = 1;
const municipality = () => nextMunicipality++;

before(async () => {
  database = await createTestDatabase();
  context = { config: loadConfig({ LOG_LEVEL: 'silent', DEMO_MODE: 'false' }), database: database.handle, db: database.handle.db, clock, logger: createLogger('silent') };
});
after(async () => {
  rmSync(directory, { recursive: true, force: true });
  await database.drop();
});

async function statuses(ids: string[]) {
  const rows = await context.db.select({ id: admissionApplication.id, status: admissionApplication.status, offered: admissionApplication.offeredOrganizationId }).from(admissionApplication).where(inArray(admissionApplication.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

describe('admission runs', () => {
  test('a dry run ranks by level then receipt, fills planned places minus those enrolled, and changes nothing', async () => {
    const m = municipality();
    const campaign = await createCampaign(context.db, { municipalityId: m });
    const school = await createSchool(context.db, m);
    await createPlan(context.db, campaign.id, school.id, 3);
    await createApplication(context.db, campaign, school.id, { status: 'enrolled' }); // holds one of the 3 places
    const territory = await createApplication(context.db, campaign, school.id);
    const later = await createApplication(context.db, campaign, school.id);
    const sibling = await createApplication(context.db, campaign, school.id, { priorityCode: 'sibling' });
    const outsider = await createApplication(context.db, campaign, school.id, { inTerritory: false, stage: 2 });

    const stage1 = await createAdmissionDryRun(context, origin, campaign.id, 1);
    const stored = stage1.result as StoredAdmissionResult;
    assert.deepEqual(stored.result.assignment, { [territory.receiptNumber!]: school.id, [later.receiptNumber!]: null, [sibling.receiptNumber!]: school.id });
    assert.deepEqual(stage1.instance && (stage1.instance as { places: unknown[] }).places, [{ id: school.id, capacity: 2, priority: [[String(sibling.receiptNumber)], [String(territory.receiptNumber), String(later.receiptNumber)]] }]);
    const stage2 = await createAdmissionDryRun({ ...context, clock: new ManualClock(new Date('2026-07-10T09:00:00Z')) }, origin, campaign.id, 2);
    assert.equal((stage2.result as StoredAdmissionResult).result.assignment[String(outsider.receiptNumber)], null, 'a stage 2 applicant without priority comes after the territory');
    assert.equal((await statuses([territory.id])).get(territory.id)!.status, 'received');
  });

  test('commit enrols those with a place and checked documents, keeps the unchecked in the order, refuses the rest with an offer of a school with places in the same settlement', async () => {
    const m = municipality();
    const campaign = await createCampaign(context.db, { municipalityId: m });
    const full = await createSchool(context.db, m, { address: '350000, г. Краснодар, ул. Красная, 1' });
    const farAway = await createSchool(context.db, m, { address: '353000, ст-ца Динская, ул. Ленина, 2' });
    const near = await createSchool(context.db, m, { address: '350001, г. Краснодар, ул. Северная, 3' });
    await createPlan(context.db, campaign.id, full.id, 2);
    await createPlan(context.db, campaign.id, farAway.id, 25);
    await createPlan(context.db, campaign.id, near.id, 1);
    const street = await createStreet(context.db, { municipalityId: m, settlementName: 'Краснодар', houses: ['10'] });
    const houseId = street.houses.get('10')!;
    const first = await createApplication(context.db, campaign, full.id, { status: 'documentsChecked', houseId });
    const unchecked = await createApplication(context.db, campaign, full.id, { houseId });
    const refusedNear = await createApplication(context.db, campaign, full.id, { status: 'documentsChecked', houseId });
    const refusedFar = await createApplication(context.db, campaign, full.id, { houseId });

    const run = await createAdmissionDryRun(context, origin, campaign.id, 1);
    const stored = run.result as StoredAdmissionResult;
    assert.deepEqual(stored.offers, { [refusedNear.receiptNumber!]: near.id, [refusedFar.receiptNumber!]: farAway.id }, 'the near school’s one place goes to the first refused');
    assert.deepEqual(stored.awaitingDocuments, [String(unchecked.receiptNumber)]);
    assert.deepEqual(await commitAdmissionRun(context, origin, run.id), { enrolled: 1, refused: 2, awaitingDocuments: 1 });

    const after = await statuses([first.id, unchecked.id, refusedNear.id, refusedFar.id]);
    assert.equal(after.get(first.id)!.status, 'enrolled');
    assert.equal(after.get(unchecked.id)!.status, 'received');
    assert.equal(after.get(refusedNear.id)!.status, 'refused');
    assert.equal(after.get(refusedNear.id)!.offered, near.id);
    assert.equal(after.get(refusedFar.id)!.offered, farAway.id);
    const history = await context.db.select().from(admissionStatusChange).where(eq(admissionStatusChange.applicationId, refusedFar.id));
    assert.deepEqual(history.map((h) => `${h.fromStatus}→${h.toStatus}`), ['draft→received', 'received→refused'], 'the same history rows as any decision');
    assert.match(history[1]!.reason, /отсутствием свободных мест/);
    const [notice] = await context.db.select().from(notification).where(eq(notification.personId, refusedFar.guardianId));
    assert.match(notice!.subject, new RegExp(`№ ${refusedFar.receiptNumber}: отказано`));
    assert.match(notice!.body, /предлагает место в другой школе/);
    assert.ok(notice!.body.includes(farAway.shortName), 'the notice names the school offered');
    assert.equal((await findAdmissionRun(context.db, run.id))!.status, 'committed');
    await assert.rejects(commitAdmissionRun(context, origin, run.id), /already committed|уже утверждён/);
  });

  test('the offer to a refused child is the school of their own territory first, even with fewer places left', async () => {
    const m = municipality();
    const campaign = await createCampaign(context.db, { municipalityId: m });
    const popular = await createSchool(context.db, m, { address: '350000, г. Краснодар, ул. Красная, 1' });
    const own = await createSchool(context.db, m, { address: '350000, г. Краснодар, ул. Садовая, 2' });
    const big = await createSchool(context.db, m, { address: '350000, г. Краснодар, ул. Северная, 3' });
    await createPlan(context.db, campaign.id, popular.id, 0);
    await createPlan(context.db, campaign.id, own.id, 1);
    await createPlan(context.db, campaign.id, big.id, 50);
    const street = await createStreet(context.db, { municipalityId: m, settlementName: 'Краснодар', street: 'Садовая', houses: ['7'] });
    const act = await createAct(context, origin, { municipalityId: m, number: '1', signedOn: '2026-03-01', title: 'О закреплении', documentUrl: null, documentName: null, validFrom: '2026-03-10' });
    await addRule(context, origin, act.id, { organizationId: own.id, objectId: street.streetId, kind: 'wholeStreet', numberFrom: null, numberTo: null, houseId: null });
    await publishAct(context, origin, act.id);
    const refused = await createApplication(context.db, campaign, popular.id, { houseId: street.houses.get('7')!, inTerritory: false, priorityCode: 'police' });
    const run = await createAdmissionDryRun(context, origin, campaign.id, 1);
    assert.equal((run.result as StoredAdmissionResult).offers[String(refused.receiptNumber)], own.id);
  });

  test('a stale dry run is refused and changes nothing: an application withdrawn since, or places lowered', async () => {
    const m = municipality();
    const campaign = await createCampaign(context.db, { municipalityId: m });
    const school = await createSchool(context.db, m);
    await createPlan(context.db, campaign.id, school.id, 2);
    const a = await createApplication(context.db, campaign, school.id, { status: 'documentsChecked' });
    const b = await createApplication(context.db, campaign, school.id, { status: 'documentsChecked' });
    const run = await createAdmissionDryRun(context, origin, campaign.id, 1);
    await context.db.update(admissionApplication).set({ status: 'withdrawn', version: 2 }).where(eq(admissionApplication.id, b.id));
    await assert.rejects(commitAdmissionRun(context, origin, run.id), (e: unknown) => e instanceof StaleAdmissionRunError && e.status === 409);
    assert.equal((await statuses([a.id])).get(a.id)!.status, 'documentsChecked', 'nothing committed');

    const second = await createAdmissionDryRun(context, origin, campaign.id, 1);
    await createPlan(context.db, campaign.id, school.id, 0);
    await assert.rejects(commitAdmissionRun(context, origin, second.id), /fewer free places|свободных мест стало меньше/);
    await discardAdmissionRun(context, origin, second.id);
    assert.equal((await findAdmissionRun(context.db, second.id))!.status, 'discarded');
  });

  test('stage 1 is decided only after it ends, stage 2 only once it has opened', async () => {
    const m = municipality();
    const campaign = await createCampaign(context.db, { municipalityId: m });
    const early = new ManualClock(new Date('2026-06-30T12:00:00Z'));
    await assert.rejects(createAdmissionDryRun({ ...context, clock: early }, origin, campaign.id, 1), /after it ends/);
    await assert.rejects(createAdmissionDryRun({ ...context, clock: early }, origin, campaign.id, 2), /not opened yet/);
    await createAdmissionDryRun(context, origin, campaign.id, 1);
  });

  test('a lottery campaign cannot run before its seed is revealed, nor with a seed that does not match the published hash', async () => {
    const m = municipality();
    const campaign = await createCampaign(context.db, { municipalityId: m, seed: 'tirage-2026' });
    const school = await createSchool(context.db, m);
    await createPlan(context.db, campaign.id, school.id, 1);
    await createApplication(context.db, campaign, school.id);
    const { admissionCampaign } = await import('./admission.schema.ts');
    await context.db.update(admissionCampaign).set({ lotterySeed: null }).where(eq(admissionCampaign.id, campaign.id));
    await assert.rejects(createAdmissionDryRun(context, origin, campaign.id, 1), /not been revealed/);
    await context.db.update(admissionCampaign).set({ lotterySeed: 'forged' }).where(eq(admissionCampaign.id, campaign.id));
    await assert.rejects(createAdmissionDryRun(context, origin, campaign.id, 1), /differs from the one published/);
  });

  test('a published lottery protocol re-runs with `npx prostor allocate` to the same hash and assignment, and its order is the documented hash of seed and receipt number', async () => {
    const m = municipality();
    const campaign = await createCampaign(context.db, { municipalityId: m, seed: 'tirage-2026' });
    const school = await createSchool(context.db, m);
    await createPlan(context.db, campaign.id, school.id, 3);
    const apps = [];
    // 8 in the first hour (one a minute from the opening), 2 after it
    for (let i = 0; i < 10; i++) apps.push(await createApplication(context.db, campaign, school.id, { status: 'documentsChecked', receivedAt: new Date(campaign.stage1OpensAt.getTime() + (i < 8 ? i * 60_000 : 2 * 3_600_000 + i)) }));
    const run = await createAdmissionDryRun(context, origin, campaign.id, 1);
    await commitAdmissionRun(context, origin, run.id);
    const published = protocolJson((await findAdmissionRun(context.db, run.id))!);

    const instance = run.instance as { tieBreak: { order: string[] } };
    const drawn = apps.slice(0, 8).map((a) => String(a.receiptNumber)).sort((x, y) => (lotteryRank('tirage-2026', Number(x)) < lotteryRank('tirage-2026', Number(y)) ? -1 : 1));
    assert.deepEqual(instance.tieBreak.order, [...drawn, String(apps[8]!.receiptNumber), String(apps[9]!.receiptNumber)]);

    const file = path.join(directory, 'instance.json');
    writeFileSync(file, JSON.stringify(run.instance, null, 2));
    const cli = spawnSync(process.execPath, [path.join(root, 'bin/prostor.mjs'), 'allocate', file], { cwd: root, encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const rerun = JSON.parse(cli.stdout);
    assert.equal(rerun.instanceSha256, published.instanceSha256);
    assert.deepEqual(rerun.assignment, published.assignment);
    assert.deepEqual(Object.keys(published.assignment).sort(), apps.map((a) => String(a.receiptNumber)).sort(), 'receipt numbers only');
    assert.equal(JSON.stringify(run.instance).includes(apps[0]!.id), false, 'no application ids in the instance');
  });

  test('the settlement of an address is read from a house label and from a school address alike', () => {
    assert.equal(settlementKey('г Краснодар, ул Красная, д. 12'), 'краснодар');
    assert.equal(settlementKey('350000, г. Краснодар, ул. Красная, 1'), 'краснодар');
    assert.equal(settlementKey('353000, ст-ца Динская, ул. Ленина'), 'динская');
    assert.equal(settlementKey('ул Ленина'), '');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { AuditOrigin } from '../../platform/audit/audit.ts';
import { ManualClock } from '../../platform/context.ts';
import { createStreet } from '../../registry/address.factory.ts';
import { createPerson } from '../../registry/person.factory.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createApplication, createCampaign, createSchool } from './admission-order.fixtures.ts';
import { admissionApplication } from './admission.schema.ts';
import { flagApplications, listFlags, openFlagCounts, parameterValue, reviewFlag, updateParameters } from './flags.service.ts';
import { admissionFlag } from './flags.schema.ts';

let database: TestDatabase;
const clock = new ManualClock(new Date('2026-04-01T09:00:00Z'));
const origin: AuditOrigin = { actor: { kind: 'anonymous' }, ip: null, requestId: 'test' };
let context: { db: TestDatabase['handle']['db']; clock: ManualClock };
let nextMunicipality = 10;

before(async () => {
  database = await createTestDatabase();
  context = { db: database.handle.db, clock };
});
after(() => database.drop());

async function setup() {
  const m = nextMunicipality++;
  const campaign = await createCampaign(context.db, { municipalityId: m });
  const school = await createSchool(context.db, m);
  const street = await createStreet(context.db, { municipalityId: m, houses: ['1', '2', '3!'] });
  return { m, campaign, school, house: (n: string) => street.houses.get(n)! };
}

async function kindsOf(applicationId: string) {
  const rows = await context.db.select().from(admissionFlag).where(eq(admissionFlag.applicationId, applicationId));
  return rows.map((r) => r.kind).sort();
}

describe('suspicious registrations', () => {
  test('three families at one apartment are flagged, all three; siblings of one guardian count once; another apartment is not', async () => {
    const { campaign, school, house } = await setup();
    const mother = await createPerson(context.db, { birthDate: '1988-01-01' });
    const twinA = await createApplication(context.db, campaign, school.id, { houseId: house('1'), apartment: '5', guardianId: mother.id });
    const twinB = await createApplication(context.db, campaign, school.id, { houseId: house('1'), apartment: 'кв. 5', guardianId: mother.id });
    const other = await createApplication(context.db, campaign, school.id, { houseId: house('1'), apartment: '5' });
    const neighbour = await createApplication(context.db, campaign, school.id, { houseId: house('1'), apartment: '6' });
    await flagApplications(context, [twinA.id, twinB.id, other.id, neighbour.id]);
    assert.deepEqual(await kindsOf(other.id), [], 'two guardians are below the threshold of 3');

    const third = await createApplication(context.db, campaign, school.id, { houseId: house('1'), apartment: '5 ' });
    await flagApplications(context, [third.id]);
    for (const a of [twinA, twinB, other, third]) assert.deepEqual(await kindsOf(a.id), ['crowdedApartment'], 'every application at the apartment');
    assert.deepEqual(await kindsOf(neighbour.id), []);
    const [flag] = await context.db.select().from(admissionFlag).where(eq(admissionFlag.applicationId, third.id));
    assert.equal((flag!.details as { guardians: number }).guardians, 3);
    assert.equal(flag!.status, 'open', 'a flag, never a refusal');
    const [app] = await context.db.select().from(admissionApplication).where(eq(admissionApplication.id, third.id));
    assert.equal(app!.status, 'received');
  });

  test('registration within the set number of days before stage 1 opens is flagged, and the threshold is reference data', async () => {
    const { campaign, school, house } = await setup();
    const recent = await createApplication(context.db, campaign, school.id, { houseId: house('2'), apartment: '1', registeredSince: '2026-02-15' }); // 45 days before 1 April
    const settled = await createApplication(context.db, campaign, school.id, { houseId: house('2'), apartment: '2', registeredSince: '2024-09-01' });
    await flagApplications(context, [recent.id, settled.id]);
    assert.deepEqual(await kindsOf(recent.id), ['recentRegistration']);
    assert.deepEqual(await kindsOf(settled.id), []);
    await updateParameters(context, origin, { flagRegisteredDays: '30' });
    assert.equal(await parameterValue(context.db, 'flagRegisteredDays'), 30);
    const later = await createApplication(context.db, campaign, school.id, { houseId: house('2'), apartment: '3', registeredSince: '2026-02-15' });
    await flagApplications(context, [later.id]);
    assert.deepEqual(await kindsOf(later.id), [], '45 days is no longer "shortly before" at 30');
    await updateParameters(context, origin, { flagRegisteredDays: '90' });
    await assert.rejects(updateParameters(context, origin, { flagApartmentGuardians: '1' }), (e: { status?: number }) => e.status === 422);
  });

  test('an address that is not housing is flagged', async () => {
    const { campaign, school, house } = await setup();
    const garage = await createApplication(context.db, campaign, school.id, { houseId: house('3!') });
    const home = await createApplication(context.db, campaign, school.id, { houseId: house('2') });
    await flagApplications(context, [garage.id, home.id]);
    assert.deepEqual(await kindsOf(garage.id), ['nonResidential']);
    assert.deepEqual(await kindsOf(home.id), []);
  });

  test('the same priority document in two applications for different children flags both, written however', async () => {
    const { campaign, school } = await setup();
    const first = await createApplication(context.db, campaign, school.id, { priorityCode: 'police', priorityDocument: 'АБ № 123-456' });
    const second = await createApplication(context.db, campaign, school.id, { priorityCode: 'police', priorityDocument: 'аб123456' });
    const own = await createApplication(context.db, campaign, school.id, { priorityCode: 'police', priorityDocument: 'АБ 999999' });
    await flagApplications(context, [second.id, own.id]);
    assert.deepEqual(await kindsOf(first.id), ['sharedDocument']);
    assert.deepEqual(await kindsOf(second.id), ['sharedDocument']);
    assert.deepEqual(await kindsOf(own.id), []);
  });

  test('re-flagging keeps the review; the queue filters by kind and status and pages by keyset; the school sees presence only', async () => {
    const { m, campaign, school, house } = await setup();
    const a = await createApplication(context.db, campaign, school.id, { houseId: house('3!') });
    const b = await createApplication(context.db, campaign, school.id, { houseId: house('3!'), registeredSince: '2026-03-30' });
    await flagApplications(context, [a.id, b.id]);
    const all = await listFlags(context.db, { municipalityIds: [m] }, { cursor: null, limit: 10 });
    assert.equal(all.length, 3);
    const firstPage = await listFlags(context.db, { municipalityIds: [m] }, { cursor: null, limit: 2 });
    const secondPage = await listFlags(context.db, { municipalityIds: [m] }, { cursor: { createdAt: firstPage[1]!.createdAt.toISOString(), id: firstPage[1]!.id }, limit: 2 });
    assert.deepEqual([...firstPage, ...secondPage].map((f) => f.id).sort(), all.map((f) => f.id).sort());
    assert.equal((await listFlags(context.db, { municipalityIds: [m], kind: 'recentRegistration' }, { cursor: null, limit: 10 })).length, 1);
    assert.equal((await listFlags(context.db, { municipalityIds: [m + 100] }, { cursor: null, limit: 10 })).length, 0, 'another municipality sees none');

    const target = all.find((f) => f.applicationId === a.id)!;
    await assert.rejects(reviewFlag(context, origin, target.id, { status: 'cleared', comment: '' }), (e: { status?: number }) => e.status === 422);
    await reviewFlag(context, origin, target.id, { status: 'cleared', comment: 'Выезд на место: жилой дом, ошибка ГАР', expectedStatus: 'open' });
    await assert.rejects(reviewFlag(context, origin, target.id, { status: 'confirmed', comment: 'x', expectedStatus: 'open' }), (e: { status?: number }) => e.status === 409);
    await flagApplications(context, [a.id]);
    const [again] = await context.db.select().from(admissionFlag).where(eq(admissionFlag.id, target.id));
    assert.equal(again!.status, 'cleared', 'a re-check does not reopen a reviewed flag');
    assert.equal((await listFlags(context.db, { municipalityIds: [m], status: 'open' }, { cursor: null, limit: 10 })).length, 2);
    assert.deepEqual(Object.fromEntries(await openFlagCounts(context.db, [a.id, b.id])), { [b.id]: 2 });
  });
});

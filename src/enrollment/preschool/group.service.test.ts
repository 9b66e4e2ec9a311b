import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createOrganization } from '../../registry/organization.factory.ts';
import { createPerson } from '../../registry/person.factory.ts';
import { freePlaces, groupsByPool } from './group.service.ts';
import { kindergartenGroup, preschoolApplication, preschoolOffer, type OfferStatus } from './preschool.schema.ts';

let database: TestDatabase;
const db = () => database.handle.db;

before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
});

async function group(organizationId: string, values: Partial<typeof kindergartenGroup.$inferInsert> = {}) {
  const [row] = await db()
    .insert(kindergartenGroup)
    .values({
      organizationId,
      name: `Группа ${crypto.randomBytes(3).toString('hex')}`,
      ageGroupCode: '3-4',
      orientationCode: 'general',
      stayModeCode: 'fullDay',
      capacity: 20,
      occupied: 0,
      planStatus: 'approved',
      ...values,
    })
    .returning();
  return row!;
}

/** An application in the queue with an offer of the given status in the group. */
async function offer(groupId: string, municipalityId: number, status: OfferStatus) {
  const child = await createPerson(db(), { birthDate: '2022-05-01' });
  const guardian = await createPerson(db(), { birthDate: '1990-01-01' });
  const now = new Date('2026-03-02T09:00:00Z');
  const [application] = await db()
    .insert(preschoolApplication)
    .values({
      number: `T-${crypto.randomBytes(5).toString('hex')}`,
      childId: child.id,
      guardianId: guardian.id,
      municipalityId,
      registeredAt: now,
      submittedVia: 'online',
      desiredStartDate: '2026-09-01',
      orientationCode: 'general',
      stayModeCode: 'fullDay',
      status: status === 'pending' ? 'offered' : status === 'accepted' ? 'offered' : 'inQueue',
      statusChangedAt: now,
      decisionDueAt: now,
    })
    .returning();
  await db().insert(preschoolOffer).values({ applicationId: application!.id, groupId, status, issuedAt: now, deadlineAt: now });
}

test('free places are capacity minus occupied minus pending and accepted offers, of approved groups only', async () => {
  const kindergarten = await createOrganization(db(), { kind: 'kindergarten', municipalityId: 5 });
  const approved = await group(kindergarten.id, { capacity: 20, occupied: 15 });
  await group(kindergarten.id, { capacity: 20, occupied: 0, planStatus: 'draft' });
  await offer(approved.id, 5, 'pending');
  await offer(approved.id, 5, 'accepted');
  await offer(approved.id, 5, 'declined');
  await offer(approved.id, 5, 'expired');
  const places = await freePlaces(db(), { municipalityId: 5 });
  assert.equal(places.length, 1);
  assert.equal(places[0]!.groupId, approved.id);
  assert.equal(places[0]!.liveOffers, 2);
  assert.equal(places[0]!.free, 3);
});

test('free places never go below zero when a group is overfull', async () => {
  const kindergarten = await createOrganization(db(), { kind: 'kindergarten', municipalityId: 6 });
  const full = await group(kindergarten.id, { capacity: 10, occupied: 10 });
  await offer(full.id, 6, 'pending');
  const [only] = await freePlaces(db(), { municipalityId: 6 });
  assert.equal(only!.free, 0);
});

test('free places are limited to the municipality and to the named kindergartens within it', async () => {
  const a = await createOrganization(db(), { kind: 'kindergarten', municipalityId: 7 });
  const b = await createOrganization(db(), { kind: 'kindergarten', municipalityId: 7 });
  const elsewhere = await createOrganization(db(), { kind: 'kindergarten', municipalityId: 8 });
  await group(a.id);
  await group(b.id);
  await group(elsewhere.id);
  const all = await freePlaces(db(), { municipalityId: 7 });
  assert.deepEqual(new Set(all.map((g) => g.organizationId)), new Set([a.id, b.id]));
  const onlyA = await freePlaces(db(), { municipalityId: 7, organizationIds: [a.id, elsewhere.id] });
  assert.deepEqual(onlyA.map((g) => g.organizationId), [a.id]);
  assert.deepEqual(await freePlaces(db(), { municipalityId: 7, organizationIds: [] }), []);
});

test('groups of the same kindergarten, age group, orientation and stay mode form one pool', async () => {
  const kindergarten = await createOrganization(db(), { kind: 'kindergarten', municipalityId: 9 });
  await group(kindergarten.id, { name: 'Солнышко', capacity: 5 });
  await group(kindergarten.id, { name: 'Звёздочка', capacity: 7 });
  await group(kindergarten.id, { name: 'Малыши', ageGroupCode: '2-3', capacity: 4 });
  const pools = groupsByPool(await freePlaces(db(), { municipalityId: 9 }));
  assert.equal(pools.size, 2);
  const three = [...pools.values()].find((p) => p.ageGroupCode === '3-4')!;
  assert.equal(three.free, 12);
  assert.deepEqual(three.groups.map((g) => g.name), ['Звёздочка', 'Солнышко']);
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../platform/context.ts';
import { anonymous } from '../platform/access/access.ts';
import { listAuditEvents } from '../platform/audit/audit.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createSettlement, createStreet, type CreatedStreet } from './address.factory.ts';
import { createOrganization } from './organization.factory.ts';
import {
  addRule,
  createAct,
  listTerritoryHouses,
  publishAct,
  removeRule,
  schoolsServingHouses,
  territoryHouseIds,
  territoryReport,
  updateActDetails,
  type TerritoryRuleInput,
} from './territory.service.ts';

const origin = { actor: anonymous, ip: null, requestId: null };

describe('territory resolution', () => {
  let database: TestDatabase;
  let context: { db: TestDatabase['handle']['db']; clock: ManualClock };
  let red: CreatedStreet;
  let green: CreatedStreet;
  let hamlet: CreatedStreet;
  let school1: string;
  let school2: string;
  let school3: string;
  let actId: string;

  const rule = (over: Partial<TerritoryRuleInput> & Pick<TerritoryRuleInput, 'organizationId' | 'objectId' | 'kind'>): TerritoryRuleInput => ({
    numberFrom: null,
    numberTo: null,
    houseId: null,
    ...over,
  });

  before(async () => {
    database = await createTestDatabase();
    context = { db: database.handle.db, clock: new ManualClock(new Date('2026-03-01T09:00:00Z')) };
    const db = database.handle.db;
    const city = await createSettlement(db, { municipalityId: 1, name: 'Краснодар' });
    red = await createStreet(db, { municipalityId: 1, settlement: city, street: 'Красная', houses: ['1', '2', '11', '12', '12а', '12/1', '12 к2', '13', '40', '41', 'б/н', '5!'] });
    green = await createStreet(db, { municipalityId: 1, settlement: city, street: 'Зелёная', houses: ['1', '2'] });
    const village = await createSettlement(db, { municipalityId: 1, name: 'Ленина', typeName: 'х' });
    hamlet = await createStreet(db, { municipalityId: 1, settlement: village, street: 'Садовая', houses: ['1', '2'] });
    school1 = (await createOrganization(db, { municipalityId: 1 })).id;
    school2 = (await createOrganization(db, { municipalityId: 1 })).id;
    school3 = (await createOrganization(db, { municipalityId: 1 })).id;
    const act = await createAct(context, origin, {
      municipalityId: 1,
      number: '123',
      signedOn: '2026-03-10',
      title: 'О закреплении территорий',
      documentUrl: 'https://krd.example/act-123.pdf',
      documentName: null,
      validFrom: '2026-03-15',
    });
    actId = act.id;
    // Red street: odd side up to 13 → school 1; even side 2–20 → school 2; from 40 on → school 3
    await addRule(context, origin, actId, rule({ organizationId: school1, objectId: red.streetId, kind: 'odd', numberTo: 13 }));
    await addRule(context, origin, actId, rule({ organizationId: school2, objectId: red.streetId, kind: 'even', numberFrom: 2, numberTo: 20 }));
    await addRule(context, origin, actId, rule({ organizationId: school3, objectId: red.streetId, kind: 'range', numberFrom: 40, numberTo: 99 }));
    // a single house also given to school 3: 12/1 is served by two schools (an error to report)
    await addRule(context, origin, actId, rule({ organizationId: school3, objectId: red.streetId, kind: 'house', houseId: red.houses.get('12/1')! }));
    await addRule(context, origin, actId, rule({ organizationId: school1, objectId: green.streetId, kind: 'wholeStreet' }));
    // a whole settlement
    await addRule(context, origin, actId, rule({ organizationId: school3, objectId: hamlet.settlementId, kind: 'wholeStreet' }));
  });
  after(() => database.drop());

  const serve = async (street: CreatedStreet, house: string, onDate = '2026-04-01') =>
    (await schoolsServingHouses(database.handle.db, [street.houses.get(house)!], onDate)).get(street.houses.get(house)!) ?? [];

  test('a draft act serves nobody; the published act serves from its valid_from date', async () => {
    assert.deepEqual(await serve(red, '1'), []);
    await publishAct(context, origin, actId);
    assert.deepEqual(await serve(red, '1'), [school1]);
    assert.deepEqual(await serve(red, '1', '2026-03-14'), []);
  });

  test('odd and even sides within ranges, and a range: "12а", "12 к2" are on the even side by their number 12', async () => {
    assert.deepEqual(await serve(red, '11'), [school1]);
    assert.deepEqual(await serve(red, '13'), [school1]);
    assert.deepEqual(await serve(red, '2'), [school2]);
    assert.deepEqual(await serve(red, '12а'), [school2]);
    assert.deepEqual(await serve(red, '12 к2'), [school2]);
    assert.deepEqual(await serve(red, '40'), [school3]);
    assert.deepEqual(await serve(red, '41'), [school3]);
    assert.deepEqual(await serve(red, 'б/н'), []);
  });

  test('thousands of houses at once (more ids than one statement takes parameters)', async () => {
    const unknown = Array.from({ length: 12_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const served = await schoolsServingHouses(database.handle.db, [...unknown, red.houses.get('11')!, green.houses.get('1')!], '2026-04-01');
    assert.deepEqual([...served.values()], [[school1], [school1]]);
  });

  test('a single house and a whole street, a whole settlement', async () => {
    assert.deepEqual((await serve(red, '12/1')).sort(), [school2, school3].sort());
    assert.deepEqual(await serve(green, '2'), [school1]);
    assert.deepEqual(await serve(hamlet, '1'), [school3]);
  });

  test("a school's territory on a date, and its public pages of addresses", async () => {
    const ids = await territoryHouseIds(database.handle.db, school1, '2026-04-01');
    const expected = [red.houses.get('1'), red.houses.get('11'), red.houses.get('13'), red.houses.get('5!'), green.houses.get('1'), green.houses.get('2')];
    assert.deepEqual(ids.sort(), (expected as string[]).sort());
    const first = await listTerritoryHouses(database.handle.db, school1, '2026-04-01', { limit: 4 });
    assert.equal(first.total, 6);
    assert.equal(first.items.length, 4);
    const second = await listTerritoryHouses(database.handle.db, school1, '2026-04-01', { limit: 4, cursor: first.nextCursor });
    assert.equal(second.items.length, 2);
    assert.equal(second.nextCursor, null);
    const beyond = await listTerritoryHouses(database.handle.db, school1, '2026-04-01', { limit: 4, cursor: `${second.items.at(-1)!.label}|${second.items.at(-1)!.id}` });
    assert.deepEqual([beyond.items.length, beyond.total], [0, 6]);
    assert.deepEqual(await territoryHouseIds(database.handle.db, school1, '2026-03-01'), []);
  });

  test('the validation report lists residential houses with no school or two', async () => {
    const report = await territoryReport(database.handle.db, actId, { limit: 10 });
    assert.equal(report.multiple, 1);
    assert.equal(report.unassigned, 1); // 'б/н'; the non-residential '5!' does not count
    assert.deepEqual(report.items.map((i) => i.label).sort(), ['г Краснодар, ул Красная, д. 12/1', 'г Краснодар, ул Красная, д. б/н']);
    const onlyUnassigned = await territoryReport(database.handle.db, actId, { limit: 10, problem: 'unassigned' });
    assert.deepEqual(onlyUnassigned.items.map((i) => i.organizationIds), [[]]);
  });

  test('a published act no longer changes; rule changes are audited', async () => {
    await assert.rejects(addRule(context, origin, actId, rule({ organizationId: school1, objectId: red.streetId, kind: 'wholeStreet' })), /act-published/);
    const draft = await createAct(context, origin, { municipalityId: 1, number: '124', signedOn: '2026-05-01', title: 'Изменения', documentUrl: null, documentName: 'act-124.pdf', validFrom: '2026-06-01' });
    const added = await addRule(context, origin, draft.id, rule({ organizationId: school2, objectId: green.streetId, kind: 'wholeStreet' }));
    await removeRule(context, origin, draft.id, added.id);
    const events = await listAuditEvents(database.handle.db, { entityType: 'territoryRule', limit: 50 });
    assert.ok(events.some((e) => e.action === 'delete' && e.entityId === added.id));
    // the later act (with no rules) takes over from its date once published
    await publishAct(context, origin, draft.id);
    assert.deepEqual(await serve(green, '2', '2026-06-01'), []);
    assert.deepEqual(await serve(green, '2', '2026-05-31'), [school1]);
  });

  test('a school, street or house of another municipality is refused', async () => {
    const other = await createOrganization(database.handle.db, { municipalityId: 2 });
    const draft = await createAct(context, origin, { municipalityId: 1, number: '125', signedOn: '2026-05-01', title: 'x', documentUrl: null, documentName: null, validFrom: '2026-06-01' });
    await assert.rejects(addRule(context, origin, draft.id, rule({ organizationId: other.id, objectId: red.streetId, kind: 'wholeStreet' })), /validation/);
    await assert.rejects(addRule(context, origin, draft.id, rule({ organizationId: school1, objectId: red.streetId, kind: 'house', houseId: green.houses.get('1')! })), /validation/);
  });

  test("an act's own fields: a draft changes them all; a published act its number, title and document, never its dates; audited; a stale form is refused", async () => {
    const fields = { number: '7', signedOn: '2026-02-01', title: 'О закреплении', documentUrl: null, documentName: null, validFrom: '2026-02-10' };
    const draft = await createAct(context, origin, { municipalityId: 5, ...fields });
    const edited = await updateActDetails(context, origin, draft.id, draft.version, { ...fields, number: '7-п', signedOn: '2026-02-02', validFrom: '2026-02-12' });
    assert.deepEqual(edited.changed, ['number', 'signedOn', 'validFrom']);
    assert.deepEqual([edited.row.number, edited.row.signedOn, edited.row.validFrom, edited.row.version], ['7-п', '2026-02-02', '2026-02-12', draft.version + 1]);
    const [event] = await listAuditEvents(database.handle.db, { entityType: 'territoryAct', entityId: draft.id, action: 'update', limit: 1 });
    assert.equal(event!.entityId, draft.id);
    assert.deepEqual((event!.details as { changes: unknown }).changes, { number: { from: '7', to: '7-п' }, signedOn: { from: '2026-02-01', to: '2026-02-02' }, validFrom: { from: '2026-02-10', to: '2026-02-12' } });
    // the form opened before that save is stale
    await assert.rejects(updateActDetails(context, origin, draft.id, draft.version, { ...fields, title: 'Другое' }), /stale-version/);
    // nothing changed → nothing written
    const same = await updateActDetails(context, origin, draft.id, edited.row.version, { ...fields, number: '7-п', signedOn: '2026-02-02', validFrom: '2026-02-12' });
    assert.deepEqual([same.changed, same.row.version], [[], edited.row.version]);

    const published = await publishAct(context, origin, draft.id);
    const now = { number: '7-п', signedOn: '2026-02-02', title: 'О закреплении', documentUrl: null, documentName: null, validFrom: '2026-02-12' };
    await assert.rejects(updateActDetails(context, origin, draft.id, published.version, { ...now, validFrom: '2026-01-01' }), /act-published/);
    await assert.rejects(updateActDetails(context, origin, draft.id, published.version, { ...now, signedOn: '2026-01-01' }), /act-published/);
    const corrected = await updateActDetails(context, origin, draft.id, published.version, { ...now, number: '7', documentUrl: 'https://krd.example/7.pdf', documentName: '7.pdf' });
    assert.deepEqual(corrected.changed, ['number', 'documentUrl', 'documentName']);
    assert.deepEqual([corrected.row.status, corrected.row.validFrom, corrected.row.documentUrl], ['published', '2026-02-12', 'https://krd.example/7.pdf']);
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createOrganization } from '../registry/organization.factory.ts';
import { countHouses, searchAddresses } from '../registry/address.service.ts';
import { listActs, schoolsServingHouses, territoryReport } from '../registry/territory.service.ts';
import { krasnodarMunicipalities } from '../registry/krasnodar-krai.ts';
import { seedAddressDemo } from './address-demo.ts';

describe('the demo addresses and territories', () => {
  let database: TestDatabase;
  let schools: Array<{ id: string; municipalityId: number }>;
  let report: Awaited<ReturnType<typeof seedAddressDemo>>;
  let ms: number;

  before(async () => {
    database = await createTestDatabase();
    const db = database.handle.db;
    schools = [];
    for (const m of krasnodarMunicipalities) {
      for (let i = 0; i < (m.id === 1 ? 3 : 1); i++) schools.push({ id: (await createOrganization(db, { municipalityId: m.id })).id, municipalityId: m.id });
    }
    let n = 0;
    const newId = () => `00000000-0000-7000-8000-${(++n).toString(16).padStart(12, '0')}`;
    const started = performance.now();
    report = await seedAddressDemo(db, { seed: 1, scale: 0.02, schools, newId, batchRows: 10_000 });
    ms = performance.now() - started;
  });
  after(() => database.drop());

  test('houses in proportion to the scale, in every municipality, quickly', async () => {
    const houses = await countHouses(database.handle.db);
    assert.equal(houses, report.tables.address_house);
    assert.ok(houses >= 5_000 && houses < 8_000, `${houses} houses`);
    for (const m of [1, 15, 44]) assert.ok((await countHouses(database.handle.db, m)) >= 60);
    assert.ok(ms < 10_000, `${Math.round(ms)} ms`);
  });

  test('every residential house of every municipality has exactly one school', async () => {
    const acts = await listActs(database.handle.db, undefined);
    assert.equal(acts.length, 44);
    for (const act of acts) {
      const check = await territoryReport(database.handle.db, act.id, { limit: 5 });
      assert.deepEqual([check.unassigned, check.multiple], [0, 0], `municipality ${act.municipalityId}`);
    }
  });

  test('a demo address is found by typing and served by a school of its municipality', async () => {
    const [house] = await searchAddresses(database.handle.db, { query: 'Краснодар Красная 1' });
    assert.ok(house, 'found');
    const served = await schoolsServingHouses(database.handle.db, [house.id], '2026-04-01');
    const school = served.get(house.id)?.[0];
    assert.equal(schools.find((s) => s.id === school)?.municipalityId, 1);
  });
});

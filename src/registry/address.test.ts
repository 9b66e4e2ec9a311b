import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createSettlement, createStreet } from './address.factory.ts';
import { houseNumberInt, houseNumberKey, nameWords, parseAddressQuery } from './address.normalize.ts';
import { getHouses, searchAddresses, searchAddressObjects } from './address.service.ts';

describe('normalising what people type', () => {
  test('ё is е, case and abbreviations do not matter, the house is the number at the end', () => {
    assert.deepEqual(parseAddressQuery('ул. Красная, д 12'), { words: ['красная'], houseKey: '12' });
    assert.deepEqual(parseAddressQuery('красная 12'), { words: ['красная'], houseKey: '12' });
    assert.deepEqual(parseAddressQuery('г Краснодар, улица Красная, дом 12А'), { words: ['краснодар', 'красная'], houseKey: '12а' });
    assert.deepEqual(parseAddressQuery('Тимашёвск Пролетарская 5 корп 2'), { words: ['тимашевск', 'пролетарская'], houseKey: '5к2' });
    assert.deepEqual(parseAddressQuery('Красная 12 к2'), { words: ['красная'], houseKey: '12к2' });
    assert.deepEqual(parseAddressQuery('Красная 12/1'), { words: ['красная'], houseKey: '12/1' });
    assert.deepEqual(parseAddressQuery('ст-ца Динская, пр-кт Мира, д. 3 стр 1'), { words: ['динская', 'мира'], houseKey: '3с1' });
    assert.deepEqual(parseAddressQuery('ул 1 Мая 15'), { words: ['1', 'мая'], houseKey: '15' });
    assert.deepEqual(parseAddressQuery('ул 1-я Линия'), { words: ['1', 'линия'], houseKey: null });
  });

  test('names split into words without their type', () => {
    assert.deepEqual(nameWords('им. 40-летия Победы'), ['40', 'летия', 'победы']);
    assert.deepEqual(nameWords('Усть-Лабинск'), ['усть', 'лабинск']);
    assert.deepEqual(nameWords('Кущёвская'), ['кущевская']);
  });

  test('house numbers keep their letter, fraction, building and structure', () => {
    assert.equal(houseNumberKey('12А'), '12а');
    assert.equal(houseNumberKey('12', '2'), '12к2');
    assert.equal(houseNumberKey('12', null, '1'), '12с1');
    assert.equal(houseNumberInt('12/1'), 12);
    assert.equal(houseNumberInt('б/н'), null);
  });
});

describe('search by typing', () => {
  let database: TestDatabase;
  let krasnaya: Awaited<ReturnType<typeof createStreet>>;
  let dinskaya: Awaited<ReturnType<typeof createStreet>>;

  before(async () => {
    database = await createTestDatabase();
    const db = database.handle.db;
    const krasnodar = await createSettlement(db, { municipalityId: 1, name: 'Краснодар' });
    krasnaya = await createStreet(db, { municipalityId: 1, settlement: krasnodar, street: 'Красная', houses: ['10', '12', '12а', '12/1', '12 к2', '120', '3!'] });
    await createStreet(db, { municipalityId: 1, settlement: krasnodar, street: 'Пролетарская', houses: ['12'] });
    await createStreet(db, { municipalityId: 1, settlement: krasnodar, street: 'Зелёная', houses: ['7'] });
    const dinskayaSettlement = await createSettlement(db, { municipalityId: 15, name: 'Динская', typeName: 'ст-ца' });
    dinskaya = await createStreet(db, { municipalityId: 15, settlement: dinskayaSettlement, street: 'Красная', houses: ['12', '14'] });
  });
  after(() => database.drop());

  test('"красная 12" finds the exact house first, then the numbers starting with 12', async () => {
    const found = await searchAddresses(database.handle.db, { query: 'красная 12' });
    const labels = found.map((h) => h.label);
    assert.ok(labels.slice(0, 2).every((l) => l.endsWith('Красная, д. 12')), labels.join('\n'));
    assert.ok(labels.includes('г Краснодар, ул Красная, д. 12а'));
    assert.ok(labels.includes('г Краснодар, ул Красная, д. 12 к. 2'));
    assert.ok(labels.includes('г Краснодар, ул Красная, д. 120'));
    assert.ok(!labels.some((l) => l.includes('Пролетарская')));
  });

  test('the settlement narrows the street: "Краснодар Красная 12" and "ст-ца Динская, ул. Красная, д 12"', async () => {
    const [first] = await searchAddresses(database.handle.db, { query: 'Краснодар Красная 12' });
    assert.equal(first?.id, krasnaya.houses.get('12'));
    const found = await searchAddresses(database.handle.db, { query: 'ст-ца Динская, ул. Красная, д 12' });
    assert.deepEqual(found.map((h) => h.id), [dinskaya.houses.get('12')]);
    assert.equal(found[0]?.municipalityId, 15);
  });

  test('ё and е, prefixes and the municipality filter', async () => {
    const [green] = await searchAddresses(database.handle.db, { query: 'зеленая 7' });
    assert.equal(green?.label, 'г Краснодар, ул Зелёная, д. 7');
    const prefix = await searchAddresses(database.handle.db, { query: 'красн краснод 12/1' });
    assert.deepEqual(prefix.map((h) => h.id), [krasnaya.houses.get('12/1')]);
    const onlyDinskoy = await searchAddresses(database.handle.db, { query: 'красная 12', municipalityId: 15 });
    assert.deepEqual(onlyDinskoy.map((h) => h.id), [dinskaya.houses.get('12')]);
    assert.deepEqual(await searchAddresses(database.handle.db, { query: '12' }), []);
  });

  test('"12 к2" finds the building; non-residential buildings say so', async () => {
    const [building] = await searchAddresses(database.handle.db, { query: 'Красная 12 корп. 2' });
    assert.equal(building?.id, krasnaya.houses.get('12 к2'));
    const houses = await getHouses(database.handle.db, [krasnaya.houses.get('3!')!, 'not-a-uuid', '00000000-0000-0000-0000-000000000000']);
    assert.equal(houses.size, 1);
    assert.equal([...houses.values()][0]?.residential, false);
  });

  test('streets are found for the territory editor', async () => {
    const streets = await searchAddressObjects(database.handle.db, { query: 'красная', municipalityId: 1, kind: 'street' });
    assert.deepEqual(streets.map((s) => s.label), ['г Краснодар, ул Красная']);
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { countHouses, getHouses, searchAddresses } from './address.service.ts';
import { formatGarReport, importGar } from './gar-import.service.ts';
import { scanElements } from './gar-import.scanner.ts';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/gar');
const guid = (objectId: number) => `5a1d0000-0000-4000-8000-${objectId.toString(16).padStart(12, '0')}`;

describe('the GAR element scanner', () => {
  test('reads one-line elements split anywhere across chunks, multi-byte letters and entities included', async () => {
    const xml = '<?xml version="1.0"?><ITEMS><ITEM ID="1" NAME="Улица &quot;Ёлочная&quot; &amp; Co" /><ITEM ID="2" PATH="a>b" /></ITEMS>';
    const bytes = Buffer.from(xml, 'utf8');
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)); // one byte at a time
    const rows = [];
    for await (const row of scanElements(Readable.from(chunks), 'ITEM')) rows.push(row);
    assert.deepEqual(rows, [
      { ID: '1', NAME: 'Улица "Ёлочная" & Co' },
      { ID: '2', PATH: 'a>b' },
    ]);
  });
});

describe('GAR import of the fixture', () => {
  let database: TestDatabase;
  let first: Awaited<ReturnType<typeof importGar>>;

  before(async () => {
    database = await createTestDatabase();
    first = await importGar(database.handle.db, fixture);
  });
  after(() => database.drop());

  test('imports the active settlements, streets and houses and counts the history it skipped', () => {
    assert.equal(first.settlements, 2);
    assert.equal(first.streets, 5);
    assert.equal(first.houses, 10);
    assert.equal(first.skippedHistorical, 2);
  });

  test('reports every rejected row with its reason', () => {
    assert.equal(first.rejected.count, 6);
    assert.deepEqual(first.rejected.reasons, {
      'OBJECTGUID is not a GUID': 1,
      'no municipality of the region found above the settlement': 1,
      'no settlement above the street': 1,
      'no parent in AS_ADM_HIERARCHY': 1,
      'HOUSENUM is empty': 1,
      'parent is not a settlement or street of the region': 1,
    });
    assert.ok(first.rejected.examples.some((e) => e.objectId === '2010' && e.file.startsWith('AS_HOUSES_')));
    assert.match(formatGarReport(first), /Rejected: 6/);
  });

  test('houses land in their municipality with labels, buildings and the non-housing flag', async () => {
    const houses = await getHouses(database.handle.db, [guid(2002), guid(2007), guid(2001), guid(2005), guid(2013)]);
    assert.deepEqual(houses.get(guid(2002)), { id: guid(2002), municipalityId: 15, label: 'ст-ца Динская, ул Красная, д. 12 к. 2', residential: true });
    assert.equal(houses.get(guid(2007))?.residential, false); // HOUSETYPE 4: garage
    assert.equal(houses.get(guid(2005))?.label, 'г Краснодар, ул Красная, д. 1'); // the inactive older link is ignored
    assert.equal(houses.get(guid(2013))?.label, 'г Краснодар, ул им. "Правды", д. 5');
    const [found] = await searchAddresses(database.handle.db, { query: 'динская красная 12' });
    assert.equal(found?.id, guid(2001));
  });

  test('a second import of the same files changes nothing', async () => {
    const again = await importGar(database.handle.db, fixture);
    assert.equal(again.houses, 10);
    assert.equal(again.rejected.count, 6);
    assert.equal(await countHouses(database.handle.db), 10);
  });
});

/**
 * The demo region's addresses and school territories:
 *  - the settlements of each municipality (places.ts), Kuban street names (the big cities' own
 *    streets first), and houses in proportion to population, a sixth of the Krai's houses at scale 1
 *    (housesAtScaleOne); numbers 1…n with now and then a letter (12а), a fraction (12/1) or a building
 *    (12 к2), and a few garages and sheds that nobody lives in;
 *  - one published act per municipality (распорядительный акт, Order 458 §8) assigning every
 *    house to a school of the municipality: streets go to schools in blocks, mostly whole, some
 *    split into the odd and even sides or into two ranges between neighbouring schools.
 * Deterministic: its own Random stream per municipality, ids from the generator, GAR OBJECTIDs
 * from a counter. Rows go through a BulkSink with column names taken from the Drizzle mirrors.
 */
import { getTableName } from 'drizzle-orm';
import type { Executor } from '../platform/db/connect.ts';
import { krasnodarMunicipalities } from '../registry/krasnodar-krai.ts';
import { houseRow, objectLabel } from '../registry/address.service.ts';
import { nameWords, nameSearchKey } from '../registry/address.normalize.ts';
import { addressHouse, addressObject, addressObjectWord } from '../registry/address.schema.ts';
import { territoryAct, territoryRule } from '../registry/territory.schema.ts';
import { BulkSink, columnsOf, type TableSpec } from './bulk-insert.ts';
import { cityStreets, places, streets } from './places.ts';
import { Random, apportion } from './random.ts';

/**
 * Houses at scale 1. ГАР holds ~1.5 million buildings in the Krai; the demo keeps a sixth of
 * that (shorter streets, fewer of them) so that seeding stays quick on the embedded PGlite,
 * where every house costs its indexes. Search speed at the Krai's size is measured separately.
 */
export const housesAtScaleOne = 250_000;
/** The random streams of this part (the generator uses 1, 100 + m, 1000 + m; preschool 7000). */
const STREAM = 8000;
/** GAR OBJECTIDs of demo objects start here (real ones are below 2·10⁸). */
const firstObjectId = 1_000_000_000;

export interface AddressDemoOptions {
  seed: number;
  scale: number;
  /** The schools of each municipality, in generation order. */
  schools: ReadonlyArray<{ id: string; municipalityId: number }>;
  newId: () => string;
  batchRows: number;
}

export interface AddressDemoReport {
  tables: Record<string, number>;
  serverMs: Record<string, number>;
}


const objectColumns = ['id', 'objectId', 'level', 'kind', 'name', 'typeName', 'parentId', 'municipalityId', 'label', 'searchKey'] as const;
const houseColumns = ['id', 'objectId', 'parentId', 'settlementId', 'municipalityId', 'houseNumber', 'building', 'structure', 'numberKey', 'numberInt', 'residential', 'label'] as const;
const actColumns = ['id', 'municipalityId', 'number', 'signedOn', 'title', 'documentUrl', 'documentName', 'validFrom', 'status', 'publishedAt', 'createdAt', 'updatedAt'] as const;
const ruleColumns = ['id', 'actId', 'organizationId', 'objectId', 'kind', 'numberFrom', 'numberTo', 'houseId', 'createdAt'] as const;

export const addressTableSpecs: TableSpec[] = [
  { table: getTableName(addressObject), columns: columnsOf(addressObject, objectColumns) },
  { table: getTableName(addressObjectWord), after: [getTableName(addressObject)], columns: columnsOf(addressObjectWord, ['word', 'objectId', 'own']) },
  { table: getTableName(addressHouse), after: [getTableName(addressObject)], columns: columnsOf(addressHouse, houseColumns) },
  { table: getTableName(territoryAct), columns: columnsOf(territoryAct, actColumns) },
  {
    table: getTableName(territoryRule),
    after: [getTableName(territoryAct), getTableName(addressObject), getTableName(addressHouse)],
    columns: columnsOf(territoryRule, ruleColumns),
  },
];

/** GAR type names for the abbreviations places.ts uses. */
const typeNames: Record<string, string> = { 'г.': 'г', 'пос.': 'п', 'с.': 'с', 'х.': 'х', 'ст-ца': 'ст-ца', пгт: 'пгт', 'ул.': 'ул', 'пер.': 'пер', 'пр-т': 'пр-кт', 'б-р': 'б-р', шоссе: 'ш' };

/** 'ул. Красная' → ['ул', 'Красная']; 'Курортный пр-т' → ['пр-кт', 'Курортный']. */
function splitType(text: string): [type: string, name: string] {
  const words = text.split(' ');
  const first = typeNames[words[0]!];
  if (first) return [first, words.slice(1).join(' ')];
  const last = typeNames[words.at(-1)!];
  if (last) return [last, words.slice(0, -1).join(' ')];
  return ['ул', text];
}

interface DemoStreet {
  id: string;
  houses: Array<{ id: string; numberInt: number }>;
}

export async function seedAddressDemo(db: Executor, options: AddressDemoOptions): Promise<AddressDemoReport> {
  const sink = new BulkSink(db, addressTableSpecs, options.batchRows);
  const perMunicipality = apportion(
    Math.round(housesAtScaleOne * options.scale),
    krasnodarMunicipalities.map((m) => m.populationThousands),
  );
  let nextObjectId = firstObjectId;
  const at = new Date(Date.UTC(2025, 2, 12, 9, 0)).toISOString();

  for (const [index, municipality] of krasnodarMunicipalities.entries()) {
    const random = new Random(options.seed, STREAM + municipality.id);
    const place = places[municipality.id]!;
    const houseTotal = Math.max(60, perMunicipality[index]!);
    const settlementNames = place.settlements.filter((s) => !s.includes(','));
    const centreShare = municipality.kind === 'cityDistrict' ? 0.8 : 0.45;
    const weights = settlementNames.map((_, i) => (i === 0 ? centreShare : (1 - centreShare) / Math.max(1, settlementNames.length - 1)));
    const housesPerSettlement = apportion(houseTotal, weights);
    const municipalityStreets: DemoStreet[] = [];

    for (const [s, settlementText] of settlementNames.entries()) {
      const [settlementType, settlementName] = splitType(settlementText);
      const settlementId = options.newId();
      const settlementLabel = objectLabel({ name: settlementName, typeName: settlementType });
      sink.push('address_object', [settlementId, ++nextObjectId, settlementType === 'г' ? 5 : 6, 'settlement', settlementName, settlementType, null, municipality.id, settlementLabel, nameSearchKey(settlementName)]);
      for (const word of nameWords(settlementName)) sink.push('address_object_word', [word, settlementId, true]);

      const big = municipality.kind === 'cityDistrict' && s === 0;
      const names = random.shuffle([...new Set([...(s === 0 ? (cityStreets[municipality.id] ?? []) : []), ...streets])]);
      let left = housesPerSettlement[s]!;
      for (let n = 0; left > 0; n++) {
        const [streetType, streetName] = n < names.length ? splitType(names[n]!) : ['ул', `${n - names.length + 1}-я Линия`];
        const count = Math.min(left, random.int(big ? 15 : 6, big ? 120 : 50));
        left -= count;
        const streetId = options.newId();
        const parent = { id: settlementId, name: settlementName, label: settlementLabel };
        const streetLabel = objectLabel({ name: streetName, typeName: streetType, parent });
        sink.push('address_object', [streetId, ++nextObjectId, 8, 'street', streetName, streetType, settlementId, municipality.id, streetLabel, nameSearchKey(streetName)]);
        const own = nameWords(streetName);
        for (const word of own) sink.push('address_object_word', [word, streetId, true]);
        for (const word of nameWords(settlementName)) if (!own.includes(word)) sink.push('address_object_word', [word, streetId, false]);

        const street: DemoStreet = { id: streetId, houses: [] };
        let number = 0;
        for (let h = 0; h < count; h++) {
          const roll = random.float();
          let houseNumber: string;
          let building: string | null = null;
          // most numbers follow each other; now and then a lettered or fractional neighbour, or a second building
          if (number > 0 && roll < 0.05) houseNumber = `${number}${random.pick(['а', 'б', 'в'])}`;
          else if (number > 0 && roll < 0.07) houseNumber = `${number}/${random.int(1, 3)}`;
          else if (number > 0 && big && roll < 0.1) {
            houseNumber = String(number);
            building = String(random.int(1, 4));
          } else houseNumber = String(++number);
          const residential = !random.chance(0.03); // a garage, a boiler house, a shop
          const row = houseRow({
            id: options.newId(),
            objectId: ++nextObjectId,
            parentId: streetId,
            settlementId,
            municipalityId: municipality.id,
            houseNumber,
            building,
            structure: null,
            residential,
            parentLabel: streetLabel,
          });
          sink.push('address_house', houseColumns.map((c) => row[c] ?? null) as Array<string | number | boolean | null>);
          street.houses.push({ id: row.id, numberInt: row.numberInt ?? 0 });
        }
        municipalityStreets.push(street);
        const flushing = sink.flushFull();
        if (flushing) await flushing;
      }
    }

    // The act and its rules -------------------------------------------------------------------
    const schools = options.schools.filter((school) => school.municipalityId === municipality.id);
    if (schools.length === 0) continue;
    const actId = options.newId();
    sink.push('territory_act', [
      actId,
      municipality.id,
      `${municipality.id * 10 + 100}-р`,
      '2025-03-10',
      `О закреплении муниципальных общеобразовательных организаций за территориями: ${municipality.nameRu}`,
      `https://${place.slug}.kuban.example/docs/territory-2025.pdf`,
      null,
      '2025-03-15',
      'published',
      at,
      at,
      at,
    ]);
    const rule = (organizationId: string, objectId: string, kind: string, from: number | null = null, to: number | null = null) =>
      sink.push('territory_rule', [options.newId(), actId, organizationId, objectId, kind, from, to, null, at]);
    for (const [i, street] of municipalityStreets.entries()) {
      const school = schools[Math.floor((i * schools.length) / municipalityStreets.length)]!;
      const neighbour = schools[(schools.indexOf(school) + 1) % schools.length]!;
      const roll = random.float();
      const longest = street.houses.reduce((max, h) => Math.max(max, h.numberInt), 0);
      if (neighbour !== school && longest >= 30 && roll < 0.15) {
        rule(school.id, street.id, 'odd');
        rule(neighbour.id, street.id, 'even');
      } else if (neighbour !== school && longest >= 30 && roll < 0.3) {
        const middle = Math.floor(longest / 2);
        rule(school.id, street.id, 'range', 0, middle);
        rule(neighbour.id, street.id, 'range', middle + 1, 999_999);
      } else {
        rule(school.id, street.id, 'wholeStreet');
      }
    }
  }
  await sink.finish();
  return { tables: { ...sink.written }, serverMs: Object.fromEntries(Object.entries(sink.serverMs).map(([t, ms]) => [t, Math.round(ms)])) };
}

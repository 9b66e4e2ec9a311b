/**
 * Import of the state address register (ГАР, the FNS's GAR XML delivery) into the address
 * register: settlements, streets and houses with their GAR GUIDs. Streams every file (they are
 * gigabytes) and writes in batches; re-running it updates the same rows (upsert by OBJECTID).
 * The subset read and the mapping to our municipalities are described in docs/addresses.md.
 *
 * Passes:
 *  1. AS_ADDR_OBJ: active, actual objects → memory (a region has ~10⁵ of them).
 *  2. AS_HOUSES: the OBJECTIDs of active, actual houses → a sorted Float64Array (8 bytes each).
 *  3. AS_ADM_HIERARCHY: the parent of every address object and of every house found above.
 *  4. Settlements and streets resolved (settlement, municipality) and saved.
 *  5. AS_HOUSES again: houses saved under their street or settlement.
 * Memory stays ~20 bytes per house plus the address objects, whatever the size of the files.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Executor } from '../platform/db/connect.ts';
import { isUuid } from '../platform/validation.ts';
import { objectLabel, saveAddressObjects, saveHouses, type AddressObjectInput, type HouseInput } from './address.service.ts';
import { scanElements } from './gar-import.scanner.ts';
import { listMunicipalities } from './region.service.ts';

/** GAR levels (AS_OBJECT_LEVELS) kept as settlements and as streets. */
const settlementLevels = new Set([5, 6]); // город; населённый пункт
const streetLevels = new Set([7, 8]); // элемент планировочной структуры; элемент улично-дорожной сети
const districtLevel = 2; // административный район

/**
 * GAR HOUSETYPE (AS_HOUSE_TYPES) of buildings people live in: 1 владение, 2 дом, 3 домовладение.
 * Others — 4 гараж, 5 здание, 6 шахта, 7 строение, 8 сооружение, 9 литера, 10 корпус, 11 подвал,
 * 12 котельная, 13 погреб, 14 объект незавершённого строительства — are not housing.
 */
const residentialHouseTypes = new Set(['1', '2', '3']);
/** GAR ADDTYPE1/ADDTYPE2 (AS_ADDHOUSE_TYPES): 1 корпус; 2 строение, 3 сооружение, 4 литера. */
const buildingAddType = '1';

export interface GarFiles {
  addressObjects: string[];
  houses: string[];
  hierarchy: string[];
}

export interface RejectedRow {
  file: string;
  objectId: string;
  reason: string;
}

export interface GarImportReport {
  files: GarFiles;
  settlements: number;
  streets: number;
  houses: number;
  /** rows not active or not actual (history), left out by design */
  skippedHistorical: number;
  rejected: { count: number; reasons: Record<string, number>; examples: RejectedRow[] };
}

/** Finds the GAR files in a directory (and its region subdirectories, like '23/'). */
export async function findGarFiles(directory: string): Promise<GarFiles> {
  const entries = (await fs.readdir(directory, { recursive: true })) as string[];
  const pick = (pattern: RegExp) =>
    entries
      .filter((entry) => pattern.test(path.basename(entry)))
      .map((entry) => path.join(directory, entry))
      .sort();
  return {
    // AS_ADDR_OBJ_20240101_<guid>.XML, not AS_ADDR_OBJ_PARAMS_… nor AS_ADDR_OBJ_DIVISION_…
    addressObjects: pick(/^AS_ADDR_OBJ_\d{8}_[\w-]+\.xml$/i),
    houses: pick(/^AS_HOUSES_\d{8}_[\w-]+\.xml$/i),
    hierarchy: pick(/^AS_ADM_HIERARCHY_\d{8}_[\w-]+\.xml$/i),
  };
}

interface GarObject {
  guid: string;
  name: string;
  typeName: string;
  level: number;
  parent: number | null;
  file: string;
}

interface SavedObject {
  id: string;
  kind: 'settlement' | 'street';
  settlementId: string;
  municipalityId: number;
  label: string;
}

const normalizeName = (name: string) => name.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();

function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

const exampleLimit = 20;
const batchSize = 1000;

/** Reads the GAR files of a directory into the address register; returns what was done and refused. */
export async function importGar(db: Executor, directory: string, options: { onProgress?: (message: string) => void } = {}): Promise<GarImportReport> {
  const progress = options.onProgress ?? (() => {});
  const files = await findGarFiles(directory);
  const report: GarImportReport = { files, settlements: 0, streets: 0, houses: 0, skippedHistorical: 0, rejected: { count: 0, reasons: {}, examples: [] } };
  const reject = (file: string, objectId: string | undefined, reason: string) => {
    report.rejected.count += 1;
    report.rejected.reasons[reason] = (report.rejected.reasons[reason] ?? 0) + 1;
    if (report.rejected.examples.length < exampleLimit) report.rejected.examples.push({ file: path.basename(file), objectId: objectId ?? '', reason });
  };
  const active = (row: Record<string, string>) => row.ISACTUAL !== '0' && row.ISACTIVE !== '0';

  // 1. Address objects ---------------------------------------------------------------------
  const objects = new Map<number, GarObject>();
  for (const file of files.addressObjects) {
    for await (const row of scanElements(createReadStream(file), 'OBJECT')) {
      if (!active(row)) {
        report.skippedHistorical += 1;
        continue;
      }
      const objectId = Number(row.OBJECTID);
      const level = Number(row.LEVEL);
      if (!Number.isSafeInteger(objectId) || objectId <= 0) reject(file, row.OBJECTID, 'OBJECTID is not a positive integer');
      else if (!isUuid(row.OBJECTGUID)) reject(file, row.OBJECTID, 'OBJECTGUID is not a GUID');
      else if (!row.NAME?.trim()) reject(file, row.OBJECTID, 'NAME is empty');
      else if (!Number.isInteger(level) || level < 1) reject(file, row.OBJECTID, 'LEVEL is not a level');
      else objects.set(objectId, { guid: row.OBJECTGUID!.toLowerCase(), name: row.NAME!.trim(), typeName: (row.TYPENAME ?? '').trim(), level, parent: null, file });
    }
  }
  progress(`address objects read: ${objects.size}`);

  // 2. House ids -----------------------------------------------------------------------------
  const houseIdList: number[] = [];
  for (const file of files.houses) {
    for await (const row of scanElements(createReadStream(file), 'HOUSE')) {
      const objectId = Number(row.OBJECTID);
      if (active(row) && Number.isSafeInteger(objectId)) houseIdList.push(objectId);
    }
  }
  const houseIds = Float64Array.from(houseIdList).sort();
  houseIdList.length = 0;
  const houseParents = new Float64Array(houseIds.length).fill(Number.NaN);
  progress(`houses listed: ${houseIds.length}`);

  // 3. Hierarchy -----------------------------------------------------------------------------
  for (const file of files.hierarchy) {
    for await (const row of scanElements(createReadStream(file), 'ITEM')) {
      if (row.ISACTIVE === '0') continue;
      const objectId = Number(row.OBJECTID);
      const parent = Number(row.PARENTOBJID);
      if (!Number.isSafeInteger(objectId) || !Number.isSafeInteger(parent)) continue;
      const object = objects.get(objectId);
      if (object) {
        object.parent = parent;
        continue;
      }
      const at = lowerBound(houseIds, objectId);
      if (houseIds[at] === objectId) houseParents[at] = parent;
    }
  }
  progress('hierarchy read');

  // 4. Settlements and streets ---------------------------------------------------------------
  const municipalities = await listMunicipalities(db);
  const districtByName = new Map(municipalities.filter((m) => m.kind === 'district').map((m) => [normalizeName(m.nameRu), m.id]));
  const cityByName = new Map(municipalities.filter((m) => m.kind === 'cityDistrict').map((m) => [normalizeName(m.nameRu), m.id]));
  /** The municipality of an object: the first ancestor (or itself) that is a city district's city or a district. */
  const municipalityOf = (start: GarObject): number | null => {
    let current: GarObject | undefined = start;
    for (let depth = 0; current && depth < 20; depth++) {
      if (current.level === 5) {
        const id = cityByName.get(normalizeName(`город ${current.name}`));
        if (id !== undefined) return id;
      }
      if (current.level === districtLevel) {
        const id = districtByName.get(normalizeName(`${current.name} район`));
        if (id !== undefined) return id;
      }
      current = current.parent === null ? undefined : objects.get(current.parent);
    }
    return null;
  };
  const settlementOf = (start: GarObject): [number, GarObject] | null => {
    let id = start.parent;
    for (let depth = 0; id !== null && depth < 20; depth++) {
      const current = objects.get(id);
      if (!current) return null;
      if (settlementLevels.has(current.level)) return [id, current];
      id = current.parent;
    }
    return null;
  };

  const saved = new Map<number, SavedObject>();
  const settlementInputs: AddressObjectInput[] = [];
  for (const [objectId, object] of objects) {
    if (!settlementLevels.has(object.level)) continue;
    const municipalityId = municipalityOf(object);
    if (municipalityId === null) {
      reject(object.file, String(objectId), 'no municipality of the region found above the settlement');
      continue;
    }
    const input: AddressObjectInput = { id: object.guid, objectId, level: object.level, kind: 'settlement', name: object.name, typeName: object.typeName, municipalityId };
    settlementInputs.push(input);
    saved.set(objectId, { id: object.guid, kind: 'settlement', settlementId: object.guid, municipalityId, label: objectLabel(input) });
  }
  await saveAddressObjects(db, settlementInputs);
  report.settlements = settlementInputs.length;

  const streetInputs: AddressObjectInput[] = [];
  for (const [objectId, object] of objects) {
    if (!streetLevels.has(object.level)) continue;
    const found = settlementOf(object);
    const settlement = found ? saved.get(found[0]) : undefined;
    if (!found || !settlement) {
      reject(object.file, String(objectId), object.parent === null ? 'no parent in AS_ADM_HIERARCHY' : 'no settlement above the street');
      continue;
    }
    const input: AddressObjectInput = {
      id: object.guid,
      objectId,
      level: object.level,
      kind: 'street',
      name: object.name,
      typeName: object.typeName,
      municipalityId: settlement.municipalityId,
      parent: { id: settlement.id, name: found[1].name, label: settlement.label },
    };
    streetInputs.push(input);
    saved.set(objectId, { id: object.guid, kind: 'street', settlementId: settlement.id, municipalityId: settlement.municipalityId, label: objectLabel(input) });
  }
  await saveAddressObjects(db, streetInputs);
  report.streets = streetInputs.length;
  progress(`settlements ${report.settlements}, streets ${report.streets} saved`);

  // 5. Houses ----------------------------------------------------------------------------------
  let batch: HouseInput[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await saveHouses(db, batch);
    report.houses += batch.length;
    batch = [];
  };
  for (const file of files.houses) {
    for await (const row of scanElements(createReadStream(file), 'HOUSE')) {
      if (!active(row)) {
        report.skippedHistorical += 1;
        continue;
      }
      const objectId = Number(row.OBJECTID);
      if (!Number.isSafeInteger(objectId) || objectId <= 0) {
        reject(file, row.OBJECTID, 'OBJECTID is not a positive integer');
        continue;
      }
      if (!isUuid(row.OBJECTGUID)) {
        reject(file, row.OBJECTID, 'OBJECTGUID is not a GUID');
        continue;
      }
      const houseNumber = (row.HOUSENUM ?? '').trim();
      if (!houseNumber) {
        reject(file, row.OBJECTID, 'HOUSENUM is empty');
        continue;
      }
      const at = lowerBound(houseIds, objectId);
      const parentObjectId = houseIds[at] === objectId ? houseParents[at]! : Number.NaN;
      if (Number.isNaN(parentObjectId)) {
        reject(file, row.OBJECTID, 'no parent in AS_ADM_HIERARCHY');
        continue;
      }
      const parent = saved.get(parentObjectId);
      if (!parent) {
        reject(file, row.OBJECTID, objects.has(parentObjectId) ? 'parent is not a settlement or street of the region' : 'parent object not imported');
        continue;
      }
      let building: string | null = null;
      let structure: string | null = null;
      for (const [number, type] of [
        [row.ADDNUM1, row.ADDTYPE1],
        [row.ADDNUM2, row.ADDTYPE2],
      ] as const) {
        const value = number?.trim();
        if (!value) continue;
        if (type === buildingAddType && building === null) building = value;
        else if (structure === null) structure = value;
      }
      batch.push({
        id: row.OBJECTGUID!.toLowerCase(),
        objectId,
        parentId: parent.id,
        settlementId: parent.settlementId,
        municipalityId: parent.municipalityId,
        houseNumber,
        building,
        structure,
        residential: residentialHouseTypes.has((row.HOUSETYPE ?? '').trim()),
        parentLabel: parent.label,
      });
      if (batch.length >= batchSize) await flush();
    }
  }
  await flush();
  progress(`houses saved: ${report.houses}`);
  return report;
}

/** The report as text for the command line. */
export function formatGarReport(report: GarImportReport): string {
  const lines = [
    `Files: ${report.files.addressObjects.length} AS_ADDR_OBJ, ${report.files.houses.length} AS_HOUSES, ${report.files.hierarchy.length} AS_ADM_HIERARCHY`,
    `Imported: ${report.settlements} settlements, ${report.streets} streets, ${report.houses} houses`,
    `Skipped (not active or not actual): ${report.skippedHistorical}`,
    `Rejected: ${report.rejected.count}`,
    ...Object.entries(report.rejected.reasons).map(([reason, n]) => `  ${n} × ${reason}`),
  ];
  if (report.rejected.examples.length) {
    lines.push(`First ${report.rejected.examples.length} rejected rows:`);
    for (const e of report.rejected.examples) lines.push(`  ${e.file} OBJECTID=${e.objectId}: ${e.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

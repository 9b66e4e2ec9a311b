/**
 * Test support: a settlement, its streets and houses, written through the same save functions
 * as the GAR import. `createStreet(db, { municipalityId, settlement, street, houses })` where a
 * house is written like '12', '12а', '12/1', '12 к2', '5 стр1' (a trailing '!' marks a
 * non-residential building: '3!').
 */
import { randomUUID } from 'node:crypto';
import type { Executor } from '../platform/db/connect.ts';
import { objectLabel, saveAddressObjects, saveHouses, type HouseInput } from './address.service.ts';

let nextObjectId = 9_000_000_000 + (process.pid % 1000) * 1_000_000;

export interface CreatedStreet {
  settlementId: string;
  streetId: string;
  /** house as written in the spec → house id */
  houses: Map<string, string>;
}

export async function createSettlement(db: Executor, options: { municipalityId: number; name?: string; typeName?: string }): Promise<{ id: string; name: string; label: string }> {
  const name = options.name ?? 'Краснодар';
  const typeName = options.typeName ?? 'г';
  const id = randomUUID();
  await saveAddressObjects(db, [{ id, objectId: ++nextObjectId, level: 5, kind: 'settlement', name, typeName, municipalityId: options.municipalityId }]);
  return { id, name, label: objectLabel({ name, typeName }) };
}

export async function createStreet(
  db: Executor,
  options: {
    municipalityId: number;
    settlement?: { id: string; name: string; label: string };
    settlementName?: string;
    street?: string;
    typeName?: string;
    houses?: string[];
  },
): Promise<CreatedStreet> {
  const settlement = options.settlement ?? (await createSettlement(db, { municipalityId: options.municipalityId, name: options.settlementName }));
  const streetId = randomUUID();
  const name = options.street ?? 'Красная';
  const typeName = options.typeName ?? 'ул';
  await saveAddressObjects(db, [{ id: streetId, objectId: ++nextObjectId, level: 8, kind: 'street', name, typeName, municipalityId: options.municipalityId, parent: settlement }]);
  const parentLabel = objectLabel({ name, typeName, parent: settlement });
  const houses = new Map<string, string>();
  const inputs: HouseInput[] = (options.houses ?? []).map((spec) => {
    const match = /^(\S+?)(?: к(\S+?))?(?: стр(\S+?))?(!)?$/.exec(spec)!;
    const id = randomUUID();
    houses.set(spec, id);
    return {
      id,
      objectId: ++nextObjectId,
      parentId: streetId,
      settlementId: settlement.id,
      municipalityId: options.municipalityId,
      houseNumber: match[1]!,
      building: match[2] ?? null,
      structure: match[3] ?? null,
      residential: !match[4],
      parentLabel,
    };
  });
  await saveHouses(db, inputs);
  return { settlementId: settlement.id, streetId, houses };
}

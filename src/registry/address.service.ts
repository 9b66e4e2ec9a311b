/**
 * The address register: settlements, streets and houses shaped like ГАР/ФИАС, each with its GAR
 * GUID, and search by typing. Other domains call only the exported functions here
 * (getHouses, searchAddresses); see docs/addresses.md.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db/connect.ts';
import { isUuid } from '../platform/validation.ts';
import { houseLabel, houseNumberInt, houseNumberKey, nameSearchKey, nameWords, parseAddressQuery } from './address.normalize.ts';
import { addressHouse, addressObject, addressObjectWord, type AddressObjectKind } from './address.schema.ts';

/** A house as other domains see it. */
export interface HouseSummary {
  /** GAR OBJECTGUID */
  id: string;
  municipalityId: number;
  /** 'г Краснодар, ул Красная, д. 12' */
  label: string;
  /** false for a garage, shed or other non-housing building */
  residential: boolean;
}

export interface AddressObjectSummary {
  id: string;
  kind: AddressObjectKind;
  municipalityId: number;
  label: string;
}

/** Largest page of search results. */
export const maxSearchLimit = 50;

/** Houses by id (GAR OBJECTGUID); unknown or malformed ids are absent from the map. */
export async function getHouses(db: Executor, ids: string[]): Promise<Map<string, HouseSummary>> {
  const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  const result = new Map<string, HouseSummary>();
  for (let i = 0; i < wanted.length; i += 1000) {
    const rows = await db
      .select({ id: addressHouse.id, municipalityId: addressHouse.municipalityId, label: addressHouse.label, residential: addressHouse.residential })
      .from(addressHouse)
      .where(inArray(addressHouse.id, wanted.slice(i, i + 1000)));
    for (const row of rows) result.set(row.id, row);
  }
  return result;
}

/** Settlements and streets by id. */
export async function getAddressObjects(db: Executor, ids: string[]): Promise<Map<string, AddressObjectSummary>> {
  const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: addressObject.id, kind: addressObject.kind, municipalityId: addressObject.municipalityId, label: addressObject.label })
    .from(addressObject)
    .where(inArray(addressObject.id, wanted));
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * The settlements and streets whose names (a street's together with its settlement's) have a
 * word starting with every typed word, best first: more typed words matched as whole words.
 * One pass over the word index (a prefix range per typed word, grouped by object; an index-only
 * scan once the table is vacuumed); only the chosen candidates are read from address_object, by primary key,
 * so a common name ('красная' in a thousand settlements) costs milliseconds, not a scan.
 */
function candidateObjects(words: string[], municipalityId: number | undefined, limit: number, kind?: AddressObjectKind): SQL {
  const likes = words.map((w) => sql`word LIKE ${`${w}%`}`);
  // bool_or per word, not count(DISTINCT …): no per-group sort of text
  const exact = sql.join(
    words.map((w) => sql`bool_or(word = ${w})::int`),
    sql` + `,
  );
  const conditions: SQL[] = [];
  if (municipalityId !== undefined) conditions.push(sql`o.municipality_id = ${municipalityId}`);
  if (kind) conditions.push(sql`o.kind = ${kind}`);
  const scoped = conditions.length > 0;
  return sql`
    SELECT o.id, o.kind, o.municipality_id, o.label, m.exact_words
    FROM (
      SELECT f.object_id, f.exact_words
      FROM (
        SELECT object_id, (${exact}) AS exact_words
        FROM address_object_word
        WHERE ${sql.join(likes, sql` OR `)}
        GROUP BY object_id
        HAVING ${sql.join(
          likes.map((like) => sql`bool_or(${like})`),
          sql` AND `,
        )}
      ) f
      ${scoped ? sql`JOIN address_object o ON o.id = f.object_id WHERE ${sql.join(conditions, sql` AND `)}` : sql``}
      ORDER BY f.exact_words DESC, f.object_id
      LIMIT ${limit}
    ) m
    JOIN address_object o ON o.id = m.object_id
    ORDER BY m.exact_words DESC, o.label`;
}

/**
 * Houses matching what a person types: 'красная 12', 'ул. Красная, д 12', 'Краснодар Красная 12',
 * 'ст-ца Динская, ул Красная 5 к2' (ё/е, case and abbreviations do not matter). With a house
 * number, exact matches come first, then numbers starting with it (12а, 12/1, 120); without one,
 * the houses of the best matching streets in number order. One round trip.
 */
export async function searchAddresses(db: Executor, options: { query: string; municipalityId?: number; limit?: number }): Promise<HouseSummary[]> {
  const limit = Math.min(Math.max(options.limit ?? 20, 1), maxSearchLimit);
  const parsed = parseAddressQuery(options.query.slice(0, 200));
  if (parsed.words.length === 0) return [];
  const houseKey = parsed.houseKey;
  // Without a number the houses of the first streets fill the page: `limit` streets are enough.
  const candidates = candidateObjects(parsed.words, options.municipalityId, houseKey === null ? limit : 200);
  const houses =
    houseKey === null
      ? sql`SELECT h.* FROM address_house h WHERE h.parent_id = c.id ORDER BY h.number_int NULLS LAST, h.number_key LIMIT ${limit}`
      : sql`SELECT h.* FROM address_house h WHERE h.parent_id = c.id AND h.number_key LIKE ${`${houseKey}%`} ORDER BY (h.number_key = ${houseKey}) DESC, h.number_int NULLS LAST, h.number_key LIMIT ${limit}`;
  const rows = await queryRows<{ id: string; municipality_id: number; label: string; residential: boolean }>(
    db,
    sql`
      WITH c AS (${candidates}), ranked AS (SELECT c.*, row_number() OVER (ORDER BY exact_words DESC, label) AS rank FROM c)
      SELECT h.id, h.municipality_id, h.label, h.residential
      FROM ranked c
      CROSS JOIN LATERAL (${houses}) h
      ORDER BY ${houseKey === null ? sql`` : sql`(h.number_key = ${houseKey}) DESC,`} c.rank, h.number_int NULLS LAST, h.number_key
      LIMIT ${limit}`,
  );
  return rows.map((r) => ({ id: r.id, municipalityId: Number(r.municipality_id), label: r.label, residential: r.residential }));
}

/** Settlements and streets matching typed words (for the territory editor's street picker). */
export async function searchAddressObjects(
  db: Executor,
  options: { query: string; municipalityId?: number; kind?: AddressObjectKind; limit?: number },
): Promise<AddressObjectSummary[]> {
  const limit = Math.min(Math.max(options.limit ?? 20, 1), maxSearchLimit);
  const words = parseAddressQuery(options.query.slice(0, 200)).words;
  if (words.length === 0) return [];
  const rows = await queryRows<{ id: string; kind: AddressObjectKind; municipality_id: number; label: string }>(
    db,
    candidateObjects(words, options.municipalityId, limit, options.kind),
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, municipalityId: Number(r.municipality_id), label: r.label }));
}

/** The houses of a street (or of a settlement, directly), in number order. */
export async function listHousesOf(db: Executor, objectId: string, limit = 500): Promise<Array<HouseSummary & { numberKey: string; numberInt: number | null }>> {
  if (!isUuid(objectId)) return [];
  return db
    .select({
      id: addressHouse.id,
      municipalityId: addressHouse.municipalityId,
      label: addressHouse.label,
      residential: addressHouse.residential,
      numberKey: addressHouse.numberKey,
      numberInt: addressHouse.numberInt,
    })
    .from(addressHouse)
    .where(eq(addressHouse.parentId, objectId))
    .orderBy(sql`${addressHouse.numberInt} NULLS LAST`, asc(addressHouse.numberKey))
    .limit(limit);
}

// Writing (GAR import and the demo) -------------------------------------------------------------

export interface AddressObjectInput {
  id: string;
  objectId: number;
  level: number;
  kind: AddressObjectKind;
  name: string;
  typeName: string;
  municipalityId: number;
  /** The settlement of a street; absent for a settlement. */
  parent?: { id: string; name: string; label: string } | null;
}

/** 'г Краснодар' or 'г Краснодар, ул Красная'. */
export function objectLabel(input: Pick<AddressObjectInput, 'name' | 'typeName' | 'parent'>): string {
  const own = `${input.typeName} ${input.name}`.trim();
  return input.parent ? `${input.parent.label}, ${own}` : own;
}

/**
 * Inserts or updates settlements and streets by GAR OBJECTID, with their search words. Parents
 * must be saved before (or in the same call before) their streets.
 */
export async function saveAddressObjects(db: Executor, inputs: AddressObjectInput[]): Promise<void> {
  for (let i = 0; i < inputs.length; i += 1000) {
    const batch = inputs.slice(i, i + 1000);
    const rows = batch.map((o) => ({
      id: o.id,
      objectId: o.objectId,
      level: o.level,
      kind: o.kind,
      name: o.name,
      typeName: o.typeName,
      parentId: o.parent?.id ?? null,
      municipalityId: o.municipalityId,
      label: objectLabel(o),
      searchKey: nameSearchKey(o.name),
    }));
    await db.transaction(async (tx) => {
      const saved = await tx
        .insert(addressObject)
        .values(rows)
        .onConflictDoUpdate({
          target: addressObject.objectId,
          set: {
            level: sql`excluded.level`,
            kind: sql`excluded.kind`,
            name: sql`excluded.name`,
            typeName: sql`excluded.type_name`,
            parentId: sql`excluded.parent_id`,
            municipalityId: sql`excluded.municipality_id`,
            label: sql`excluded.label`,
            searchKey: sql`excluded.search_key`,
            updatedAt: sql`now()`,
          },
        })
        .returning({ id: addressObject.id, objectId: addressObject.objectId });
      const idByObjectId = new Map(saved.map((r) => [Number(r.objectId), r.id]));
      const ids = [...idByObjectId.values()];
      await tx.delete(addressObjectWord).where(inArray(addressObjectWord.objectId, ids));
      const words = batch.flatMap((o) => {
        const objectId = idByObjectId.get(o.objectId)!;
        const own = nameWords(o.name);
        const inherited = o.parent ? nameWords(o.parent.name).filter((w) => !own.includes(w)) : [];
        return [...own.map((word) => ({ word, objectId, own: true })), ...inherited.map((word) => ({ word, objectId, own: false }))];
      });
      if (words.length) await tx.insert(addressObjectWord).values(words);
    });
  }
}

export interface HouseInput {
  id: string;
  objectId: number;
  parentId: string;
  settlementId: string;
  municipalityId: number;
  houseNumber: string;
  building?: string | null;
  structure?: string | null;
  residential: boolean;
  /** The label of the parent street (or settlement). */
  parentLabel: string;
}

/** The stored row of a house (keys and label computed). */
export function houseRow(h: HouseInput): typeof addressHouse.$inferInsert {
  return {
    id: h.id,
    objectId: h.objectId,
    parentId: h.parentId,
    settlementId: h.settlementId,
    municipalityId: h.municipalityId,
    houseNumber: h.houseNumber,
    building: h.building ?? null,
    structure: h.structure ?? null,
    numberKey: houseNumberKey(h.houseNumber, h.building, h.structure),
    numberInt: houseNumberInt(h.houseNumber),
    residential: h.residential,
    label: houseLabel(h.parentLabel, h.houseNumber, h.building, h.structure),
  };
}

/** Inserts or updates houses by GAR OBJECTID, in batches. */
export async function saveHouses(db: Executor, inputs: HouseInput[]): Promise<void> {
  for (let i = 0; i < inputs.length; i += 1000) {
    await db
      .insert(addressHouse)
      .values(inputs.slice(i, i + 1000).map(houseRow))
      .onConflictDoUpdate({
        target: addressHouse.objectId,
        set: {
          parentId: sql`excluded.parent_id`,
          settlementId: sql`excluded.settlement_id`,
          municipalityId: sql`excluded.municipality_id`,
          houseNumber: sql`excluded.house_number`,
          building: sql`excluded.building`,
          structure: sql`excluded.structure`,
          numberKey: sql`excluded.number_key`,
          numberInt: sql`excluded.number_int`,
          residential: sql`excluded.residential`,
          label: sql`excluded.label`,
          updatedAt: sql`now()`,
        },
      });
  }
}

/** How many houses a municipality has (for the validation report and the demo). */
export async function countHouses(db: Executor, municipalityId?: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(addressHouse)
    .where(municipalityId === undefined ? undefined : and(eq(addressHouse.municipalityId, municipalityId)));
  return Number(row?.n ?? 0);
}

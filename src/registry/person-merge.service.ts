/**
 * Merging duplicate person records (DESIGN.md "a child exists once in the region … duplicates are
 * merged with an audited tool, never silently"). The operator picks two records of the same
 * person, sees them side by side, and keeps one: every reference to the other is moved to the
 * kept record, and the other is marked merged (person_merge) but not deleted — audit events and
 * archives may cite it.
 *
 * Design: the registry cannot know every domain's tables (and must not import them), so it asks
 * the database. Every single-column foreign key referencing person(id) is found in the catalog
 * (pg_constraint), and each such column is moved in one transaction. A new domain table that
 * references person is covered without touching this file.
 *
 * Unique constraints that include the column decide what happens when both records have a row:
 * - a unique key of the column alone (account.person_id): both records have one → refused (409),
 *   the operator resolves it first (e.g. disables one account);
 * - a unique key of the column and others (guardian_link (guardian_id, child_id), a subgroup
 *   member): the merged record's row states the same fact as the kept one's → it is dropped;
 * - partial or expression unique indexes (one open class stay per pupil): a violation refuses the
 *   merge (409) naming the table.
 * Identity documents the kept record lacks are taken over from the merged one.
 */
import { eq, inArray, or, sql } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import { queryRows, type Database, type Executor } from '../platform/db/connect.ts';
import { AppError, errors } from '../platform/errors.ts';
import type { Message } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { personMerge } from './person-merge.schema.ts';
import { person } from './person.schema.ts';
import { databaseErrorOf } from './person.service.ts';

export type PersonRow = typeof person.$inferSelect;

/** A column that references person(id), and the unique keys of its table that contain it. */
export interface PersonReference {
  table: string;
  column: string;
  /** Plain unique keys (no predicate, no expression) containing the column: the other columns of each. */
  uniqueWith: string[][];
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every single-column foreign key to person(id) in the public schema, from the catalog. */
export async function personReferences(db: Executor): Promise<PersonReference[]> {
  const fks = await queryRows<{ table_name: string; column_name: string }>(
    db,
    sql`SELECT cl.relname AS table_name, a.attname AS column_name
        FROM pg_constraint c
        JOIN pg_class cl ON cl.oid = c.conrelid
        JOIN pg_namespace n ON n.oid = cl.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid = 'public.person'::regclass AND n.nspname = 'public'
          AND array_length(c.conkey, 1) = 1 AND cl.relname <> 'person_merge'
        ORDER BY cl.relname, a.attname`,
  );
  const uniques = await queryRows<{ table_name: string; columns: string[] | string }>(
    db,
    sql`SELECT cl.relname AS table_name,
               array(SELECT a.attname::text FROM unnest(i.indkey::int2[]) AS k(attnum) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS columns
        FROM pg_index i
        JOIN pg_class cl ON cl.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL AND n.nspname = 'public'`,
  );
  const parsed = uniques.map((u) => ({ table: u.table_name, columns: Array.isArray(u.columns) ? u.columns : String(u.columns).replace(/^\{|\}$/g, '').split(',') }));
  return fks.map((fk) => ({
    table: fk.table_name,
    column: fk.column_name,
    uniqueWith: parsed.filter((u) => u.table === fk.table_name && u.columns.includes(fk.column_name)).map((u) => u.columns.filter((c) => c !== fk.column_name)),
  }));
}

/** How many rows of each referencing column point at each of the people ({"guardian_link.child_id": n}). */
export async function countReferences(db: Executor, personIds: string[]): Promise<Map<string, Record<string, number>>> {
  const refs = await personReferences(db);
  const result = new Map<string, Record<string, number>>(personIds.map((id) => [id, {}]));
  for (const ref of refs) {
    const rows = await queryRows<{ id: string; n: number }>(
      db,
      sql`SELECT ${sql.raw(quoteIdent(ref.column))}::text AS id, count(*)::int AS n FROM ${sql.raw(quoteIdent(ref.table))}
          WHERE ${sql.raw(quoteIdent(ref.column))} = ANY(string_to_array(${personIds.join(',')}, ',')::uuid[]) GROUP BY 1`,
    );
    for (const r of rows) result.get(r.id)![`${ref.table}.${ref.column}`] = Number(r.n);
  }
  return result;
}

export interface MergeCandidate {
  person: PersonRow;
  /** The record this one was merged into, if it was. */
  mergedInto: string | null;
  references: Record<string, number>;
}

/** Two records side by side, with what refers to each. */
export async function comparePeople(db: Executor, aId: string, bId: string): Promise<[MergeCandidate, MergeCandidate] | null> {
  if (!isUuid(aId) || !isUuid(bId)) return null;
  const ids = [aId.toLowerCase(), bId.toLowerCase()];
  const rows = await db.select().from(person).where(inArray(person.id, ids));
  if (rows.length !== 2) return null;
  const merges = await db.select().from(personMerge).where(inArray(personMerge.mergedPersonId, ids));
  const refs = await countReferences(db, ids);
  const one = (id: string): MergeCandidate => ({
    person: rows.find((r) => r.id === id)!,
    mergedInto: merges.find((m) => m.mergedPersonId === id)?.keptPersonId ?? null,
    references: refs.get(id) ?? {},
  });
  return [one(ids[0]!), one(ids[1]!)];
}

/** The record a merged one now lives on (follows chains), or the id itself. */
export async function resolveMergedPerson(db: Executor, personId: string): Promise<string> {
  let id = personId.toLowerCase();
  for (let i = 0; i < 10; i += 1) {
    const [row] = await db.select({ kept: personMerge.keptPersonId }).from(personMerge).where(eq(personMerge.mergedPersonId, id));
    if (!row) return id;
    id = row.kept;
  }
  return id;
}

const messages = {
  same: { ru: 'Выберите две разные записи', en: 'Choose two different records' },
  merged: { ru: 'Одна из записей уже объединена с другой', en: 'One of the records has already been merged' },
  bothHave: { ru: 'У обеих записей есть {what}: разрешите это до объединения', en: 'Both records have {what}: resolve it before merging' },
  clash: { ru: 'Объединение нарушает правило таблицы {what} (например, два открытых пребывания в классах): сначала закройте одно из них', en: 'The merge breaks a rule of {what} (e.g. two open class stays): close one of them first' },
} satisfies Record<string, Message>;

function withWhat(message: Message, what: string): Message {
  return { ru: message.ru.replace('{what}', what), en: message.en.replace('{what}', what) };
}

export interface MergeResult {
  keptPersonId: string;
  mergedPersonId: string;
  /** Rows moved per "table.column". */
  moved: Record<string, number>;
  /** Rows of the merged record dropped as duplicates of the kept record's rows, per "table.column". */
  dropped: Record<string, number>;
  /** Identity fields taken over from the merged record. */
  takenOver: string[];
}

const takeOverFields = [
  ['snils', 'snils'],
  ['birthCertificateSeries', 'birth_certificate_series'],
  ['birthCertificateNumber', 'birth_certificate_number'],
  ['passportSeries', 'passport_series'],
  ['passportNumber', 'passport_number'],
  ['phone', 'phone'],
  ['email', 'email'],
  ['middleName', 'middle_name'],
  ['organizationId', 'organization_id'],
] as const;

/**
 * Merges `mergedId` into `keptId` in one transaction: every reference moved, duplicates of the
 * same fact dropped, missing identity fields taken over, the merged record marked, one audit
 * event listing what moved. Authorisation is the caller's (the merge policy, on both records'
 * municipalities).
 */
export async function mergePeople(db: Database, origin: AuditOrigin, keptId: string, mergedId: string, now: Date): Promise<MergeResult> {
  if (!isUuid(keptId) || !isUuid(mergedId)) throw errors.notFound();
  const kept = keptId.toLowerCase();
  const merged = mergedId.toLowerCase();
  if (kept === merged) throw errors.validation({ mergedPersonId: messages.same });
  return db.transaction(async (tx) => {
    const people = await tx.select().from(person).where(inArray(person.id, [kept, merged])).for('update');
    const keptRow = people.find((p) => p.id === kept);
    const mergedRow = people.find((p) => p.id === merged);
    if (!keptRow || !mergedRow) throw errors.notFound();
    const already = await tx.select().from(personMerge).where(or(inArray(personMerge.mergedPersonId, [kept, merged])));
    if (already.length > 0) throw errors.conflict('already-merged', messages.merged);

    const moved: Record<string, number> = {};
    const dropped: Record<string, number> = {};
    for (const ref of await personReferences(tx)) {
      const key = `${ref.table}.${ref.column}`;
      const t = sql.raw(quoteIdent(ref.table));
      const c = sql.raw(quoteIdent(ref.column));
      for (const others of ref.uniqueWith) {
        if (others.length === 0) {
          const [both] = await queryRows<{ k: number; m: number }>(
            tx,
            sql`SELECT count(*) FILTER (WHERE ${c} = ${kept}::uuid)::int AS k, count(*) FILTER (WHERE ${c} = ${merged}::uuid)::int AS m FROM ${t} WHERE ${c} IN (${kept}::uuid, ${merged}::uuid)`,
          );
          if (Number(both!.k) > 0 && Number(both!.m) > 0) throw errors.conflict('merge-conflict', withWhat(messages.bothHave, key));
          continue;
        }
        const same = sql.join(
          others.map((o) => sql`k.${sql.raw(quoteIdent(o))} IS NOT DISTINCT FROM m.${sql.raw(quoteIdent(o))}`),
          sql` AND `,
        );
        const gone = await queryRows<{ n: number }>(
          tx,
          sql`WITH d AS (DELETE FROM ${t} m WHERE m.${c} = ${merged}::uuid AND EXISTS (SELECT 1 FROM ${t} k WHERE k.${c} = ${kept}::uuid AND ${same}) RETURNING 1)
              SELECT count(*)::int AS n FROM d`,
        );
        const n = Number(gone[0]?.n ?? 0);
        if (n > 0) dropped[key] = (dropped[key] ?? 0) + n;
      }
      try {
        const rows = await queryRows<{ n: number }>(
          tx,
          sql`WITH u AS (UPDATE ${t} SET ${c} = ${kept}::uuid WHERE ${c} = ${merged}::uuid RETURNING 1) SELECT count(*)::int AS n FROM u`,
        );
        const n = Number(rows[0]?.n ?? 0);
        if (n > 0) moved[key] = n;
      } catch (error) {
        if (databaseErrorOf(error)?.code === '23505') throw errors.conflict('merge-conflict', withWhat(messages.clash, ref.table));
        throw error;
      }
    }

    // Identity fields the kept record lacks: cleared on the merged record first (they are unique).
    const takenOver = takeOverFields.filter(([field]) => keptRow[field] === null && mergedRow[field] !== null).map(([field]) => field);
    if (takenOver.length > 0) {
      const values = Object.fromEntries(takenOver.map((f) => [f, mergedRow[f]]));
      const cleared = Object.fromEntries(takenOver.filter((f) => f !== 'organizationId').map((f) => [f, null]));
      if (Object.keys(cleared).length > 0) await tx.update(person).set({ ...cleared, updatedAt: now }).where(eq(person.id, merged));
      await tx.update(person).set({ ...values, updatedAt: now, version: sql`${person.version} + 1` }).where(eq(person.id, kept));
    }
    // Chains: what was merged into the merged record now points at the kept one.
    await tx.update(personMerge).set({ keptPersonId: kept }).where(eq(personMerge.keptPersonId, merged));
    await tx.insert(personMerge).values({
      mergedPersonId: merged,
      keptPersonId: kept,
      mergedAt: now,
      mergedBy: origin.actor.kind === 'account' ? origin.actor.accountId : null,
      moved,
    });
    await recordAudit(tx, origin, [
      {
        action: 'update',
        entityType: 'person',
        entityId: kept,
        municipalityId: keptRow.municipalityId,
        organizationId: keptRow.organizationId,
        details: { change: 'merged', mergedPersonId: merged, moved, dropped, takenOver },
      },
      {
        action: 'update',
        entityType: 'person',
        entityId: merged,
        municipalityId: mergedRow.municipalityId,
        organizationId: mergedRow.organizationId,
        details: { change: 'merged-into', keptPersonId: kept },
      },
    ]);
    return { keptPersonId: kept, mergedPersonId: merged, moved, dropped, takenOver };
  }).catch((error: unknown) => {
    if (error instanceof AppError) throw error;
    const dbError = databaseErrorOf(error);
    if (dbError?.code === '23505' || dbError?.code === '23503') throw errors.conflict('merge-conflict', withWhat(messages.clash, dbError.constraint ?? ''));
    throw error;
  });
}

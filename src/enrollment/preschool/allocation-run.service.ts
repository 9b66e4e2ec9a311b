/**
 * Allocation runs (комплектование): build the anonymised instance of a municipality's waiting
 * list on an allocation date, run the pure engine (src/enrollment/allocation) on it, store the
 * run as a dry run for the operator to review, and commit it — issue the offers (направления)
 * atomically — or discard it. A committed run is a published protocol (public-queue.routes.tsx).
 *
 * The instance (docs/allocation.md):
 * - applicants: applications in status inQueue of the municipality whose desired start date is on
 *   or before the allocation date, listed in registration order (registered_at, then number) —
 *   that order is the tie-break (no `tieBreak` field). Ids are application numbers.
 * - places: one per pool — (kindergarten, age group, orientation, stay mode) — of approved groups
 *   with free places; capacity = the pool's free places. Ids are
 *   `<kindergarten short code>/<age group>/<orientation>/<stay mode>`, the short code being the
 *   shortest prefix (at least 8 characters) of the kindergarten's id that is unique in the run.
 * - an applicant's preferences: their preferred kindergartens in rank order, each mapped to the
 *   pool of their age group, orientation and stay mode; kindergartens without such a pool are
 *   skipped. The age group is the one stored at registration (migrations/0009: age on the
 *   reference day of the desired start year, reference.service.ts ageGroupFor) — the same the
 *   queue position counts in, so a run and the queue never disagree about a child's group.
 * - priority at each place, in tiers (ties inside a tier go to the tie-break): a verified
 *   out-of-turn benefit; a verified first-priority benefit; a sibling attending that kindergarten
 *   (Federal Law 273-FZ art. 67 part 3.1) or a verified preferential benefit; then everyone else.
 *
 * "Offer the nearest kindergarten to those who consented" runs as a second, equally reproducible
 * instance after the first: applicants left without a place who consented to an alternative
 * (consent_alternative) against the places left, each listing every pool of their age group,
 * orientation and stay mode in the municipality — kindergartens in the same settlement as their
 * first choice first, then the rest of the municipality (we hold no coordinates, so "nearest"
 * means "same settlement first"), each part ordered by place id.
 */
import { eq, sql } from 'drizzle-orm';
import { allocate, ENGINE_VERSION, MECHANISMS, type AllocationInstance, type AllocationResult, type Mechanism } from '../allocation/allocate.ts';
import type { AuditOrigin } from '../../platform/audit/audit.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { queryRows, type Executor } from '../../platform/db/connect.ts';
import { AppError, errors, type FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { iterateOrganizations } from '../../registry/organization.service.ts';
import { findSiblingOrganizations } from '../../registry/person.service.ts';
import { freePlaces, groupsByPool, poolKey, type PlacePool } from './group.service.ts';
import { issueOffers, offerAcceptanceDays } from './offer.service.ts';
import { allocationRun, type BenefitLevel } from './preschool.schema.ts';

export type RunKind = 'main' | 'topUp';
export const runKinds: readonly RunKind[] = ['main', 'topUp'];
export type RunRow = typeof allocationRun.$inferSelect;

export const runKindNames: Record<RunKind, Message> = {
  main: { ru: 'Основное комплектование', en: 'Main allocation' },
  topUp: { ru: 'Доукомплектование', en: 'Top-up' },
};

export const mechanismNames: Record<Mechanism, Message> = {
  'deferred-acceptance': { ru: 'Отложенное принятие (по умолчанию)', en: 'Deferred acceptance (default)' },
  'top-trading-cycles': { ru: 'Циклы обмена (TTC)', en: 'Top trading cycles' },
  'immediate-acceptance': { ru: 'Немедленное принятие («бостонский», для сравнения)', en: 'Immediate acceptance ("Boston", for comparison)' },
};

export const runStatusNames: Record<RunRow['status'], Message> = {
  dryRun: { ru: 'Пробный расчёт', en: 'Dry run' },
  committed: { ru: 'Утверждено, направления выданы', en: 'Committed, offers issued' },
  discarded: { ru: 'Отменено', en: 'Discarded' },
};

export interface RunOptions {
  municipalityId: number;
  /** YYYY-MM-DD */
  allocationDate: string;
  kind: RunKind;
  mechanism: Mechanism;
  offerNearest: boolean;
}

/** What a pool of the instance stands for (kept with the run, not published). */
export interface PoolFacts {
  organizationId: string;
  ageGroupCode: string;
  orientationCode: string;
  stayModeCode: string;
}

/** What is stored in allocation_run.result. */
export interface StoredResult {
  main: AllocationResult;
  /** The second stage (offer the nearest), when asked for and anyone was left to place. */
  alternative: { instance: AllocationInstance; result: AllocationResult } | null;
  /** Place id → the pool it stands for. */
  pools: Record<string, PoolFacts>;
}

export interface BuiltInstance {
  instance: AllocationInstance;
  pools: Record<string, PoolFacts>;
  /** Applicants of the instance, in registration order. */
  applicants: ApplicantFacts[];
}

export interface ApplicantFacts {
  number: string;
  ageGroupCode: string | null;
  orientationCode: string;
  stayModeCode: string;
  /** Tier of a verified benefit: 0 out of turn, 1 first priority, 2 preferential, 3 none. */
  benefitTier: 0 | 1 | 2 | 3;
  consentAlternative: boolean;
  /** Preferred kindergartens in rank order. */
  preferredOrganizations: string[];
  /** Kindergartens a sibling attends. */
  siblingOrganizations: Set<string>;
}

const tierOfLevel: Record<BenefitLevel, 0 | 1 | 2> = { outOfTurn: 0, firstPriority: 1, preferential: 2 };

/** Shortest prefix (≥ 8) of each id that no other id shares. */
export function shortCodes(ids: readonly string[]): Map<string, string> {
  const codes = new Map<string, string>();
  const sorted = [...new Set(ids)].sort();
  for (let i = 0; i < sorted.length; i++) {
    const id = sorted[i]!;
    let length = 8;
    for (const neighbour of [sorted[i - 1], sorted[i + 1]]) {
      if (!neighbour) continue;
      let common = 0;
      while (common < id.length && id[common] === neighbour[common]) common++;
      length = Math.max(length, common + 1);
    }
    codes.set(id, id.slice(0, Math.min(length, id.length)));
  }
  return codes;
}

/** Settlement part of a Russian address ("350000, г. Краснодар, ул. …" → "г. краснодар"). */
export function settlementOf(address: string): string {
  for (const part of address.split(',').map((p) => p.trim())) {
    if (/^(г\.|город|ст-ца|ст\.|станица|пос\.|п\.|пгт|с\.|село|х\.|хутор|аул|д\.)\s*\S/i.test(part)) return part.toLowerCase().replace(/ё/g, 'е');
  }
  return '';
}

/** Reads the applicants of a run: inQueue, desired start on or before the date, registration order. */
async function loadApplicants(db: Executor, municipalityId: number, allocationDate: string): Promise<ApplicantFacts[]> {
  const rows = await queryRows<{
    number: string;
    child_id: string;
    age_group_code: string | null;
    orientation_code: string;
    stay_mode_code: string;
    level: BenefitLevel | null;
    consent_alternative: boolean;
    preferences: string | null;
  }>(
    db,
    sql`SELECT a.number, a.child_id::text AS child_id, a.age_group_code,
          a.orientation_code, a.stay_mode_code, CASE WHEN a.benefit_status = 'verified' THEN b.level END AS level, a.consent_alternative,
          (SELECT string_agg(p.organization_id::text, ',' ORDER BY p.rank) FROM preschool_preference p WHERE p.application_id = a.id) AS preferences
        FROM preschool_application a
        LEFT JOIN preschool_benefit b ON b.code = a.benefit_code
        WHERE a.municipality_id = ${municipalityId} AND a.status = 'inQueue' AND a.desired_start_date <= ${allocationDate}::date
        ORDER BY a.registered_at, a.number`,
  );
  // siblings' kindergartens through the registry's batch service (house rule 3), one query
  const siblingsOf = await findSiblingOrganizations(db, rows.map((r) => r.child_id));
  return rows.map((r) => {
    const level = r.level ? tierOfLevel[r.level] : 3;
    return {
      number: r.number,
      ageGroupCode: r.age_group_code,
      orientationCode: r.orientation_code,
      stayModeCode: r.stay_mode_code,
      benefitTier: level,
      consentAlternative: r.consent_alternative,
      preferredOrganizations: r.preferences ? r.preferences.split(',') : [],
      siblingOrganizations: siblingsOf.get(r.child_id) ?? new Set<string>(),
    };
  });
}

/** The tier of an applicant at a kindergarten: 0 out of turn, 1 first priority, 2 sibling/preferential, 3 general. */
function priorityTier(a: ApplicantFacts, organizationId: string): number {
  if (a.benefitTier < 3) return a.benefitTier;
  return a.siblingOrganizations.has(organizationId) ? 2 : 3;
}

/** Builds places' priority lists: three tiers of applicants who list the place (ties → tie-break). */
function priorities(applicants: readonly ApplicantFacts[], preferences: readonly string[][], pools: Record<string, PoolFacts>): Map<string, string[][]> {
  const tiers = new Map<string, string[][]>();
  applicants.forEach((a, i) => {
    for (const placeId of preferences[i]!) {
      const tier = priorityTier(a, pools[placeId]!.organizationId);
      if (tier === 3) continue;
      let lists = tiers.get(placeId);
      if (!lists) tiers.set(placeId, (lists = [[], [], []]));
      lists[tier]!.push(a.number);
    }
  });
  return tiers;
}

function placeEntries(capacities: Map<string, number>, tiers: Map<string, string[][]>) {
  return [...capacities.keys()].sort().map((id) => {
    const priority = (tiers.get(id) ?? []).filter((t) => t.length > 0);
    return priority.length > 0 ? { id, capacity: capacities.get(id)!, priority } : { id, capacity: capacities.get(id)! };
  });
}

/**
 * Builds the anonymised instance for a municipality on an allocation date from the database:
 * applicants, pools of free places and priorities (see the header comment).
 */
export async function buildAllocationInstance(
  db: Executor,
  options: { municipalityId: number; allocationDate: string; mechanism: Mechanism; kind: RunKind },
): Promise<BuiltInstance & { poolsByKey: Map<string, PlacePool> }> {
  const poolsByKey = groupsByPool((await freePlaces(db, { municipalityId: options.municipalityId })).filter((g) => g.free > 0));
  const codes = shortCodes([...poolsByKey.values()].map((p) => p.organizationId));
  const pools: Record<string, PoolFacts> = Object.create(null);
  const placeIdOfKey = new Map<string, string>();
  const capacities = new Map<string, number>();
  for (const pool of poolsByKey.values()) {
    if (pool.free <= 0) continue;
    const id = `${codes.get(pool.organizationId)}/${pool.ageGroupCode}/${pool.orientationCode}/${pool.stayModeCode}`;
    placeIdOfKey.set(pool.key, id);
    capacities.set(id, pool.free);
    pools[id] = { organizationId: pool.organizationId, ageGroupCode: pool.ageGroupCode, orientationCode: pool.orientationCode, stayModeCode: pool.stayModeCode };
  }
  const applicants = await loadApplicants(db, options.municipalityId, options.allocationDate);
  const preferences = applicants.map((a) => {
    if (!a.ageGroupCode) return [];
    const list: string[] = [];
    for (const organizationId of a.preferredOrganizations) {
      const id = placeIdOfKey.get(poolKey({ organizationId, ageGroupCode: a.ageGroupCode, orientationCode: a.orientationCode, stayModeCode: a.stayModeCode }));
      if (id && !list.includes(id)) list.push(id);
    }
    return list;
  });
  const instance: AllocationInstance = {
    mechanism: options.mechanism,
    applicants: applicants.map((a, i) => ({ id: a.number, preferences: preferences[i]! })),
    places: placeEntries(capacities, priorities(applicants, preferences, pools)),
    meta: {
      municipalityId: options.municipalityId,
      allocationDate: options.allocationDate,
      kind: options.kind,
      stage: 'main',
      tieBreak: 'registration order: applicants are listed by registration time, then application number',
      placeId: '<kindergarten short code>/<age group>/<orientation>/<stay mode>',
      priorityTiers: ['verified out-of-turn benefit', 'verified first-priority benefit', 'sibling attends this kindergarten or verified preferential benefit'],
    },
  };
  return { instance, pools, applicants, poolsByKey };
}

/** The second stage: unplaced consenting applicants against the places left, nearest first. */
async function buildAlternativeInstance(
  db: Executor,
  built: BuiltInstance,
  main: AllocationResult,
  options: { municipalityId: number; allocationDate: string; mechanism: Mechanism; kind: RunKind },
): Promise<AllocationInstance | null> {
  const left = new Map<string, number>();
  for (const [id, n] of Object.entries(main.placesLeft)) if (n > 0) left.set(id, n);
  if (left.size === 0) return null;
  const settlements = new Map<string, string>();
  for await (const org of iterateOrganizations(db, { municipalityId: options.municipalityId, kind: 'kindergarten' }, 1000)) {
    settlements.set(org.id, settlementOf(org.address));
  }
  const byType = new Map<string, string[]>();
  for (const id of [...left.keys()].sort()) {
    const p = built.pools[id]!;
    const type = `${p.ageGroupCode}|${p.orientationCode}|${p.stayModeCode}`;
    if (!byType.has(type)) byType.set(type, []);
    byType.get(type)!.push(id);
  }
  const chosen: ApplicantFacts[] = [];
  const preferences: string[][] = [];
  for (const a of built.applicants) {
    if (!a.consentAlternative || main.assignment[a.number] !== null || !a.ageGroupCode) continue;
    const candidates = byType.get(`${a.ageGroupCode}|${a.orientationCode}|${a.stayModeCode}`);
    if (!candidates) continue;
    const home = a.preferredOrganizations[0] ? settlements.get(a.preferredOrganizations[0]) ?? '' : '';
    const near = candidates.filter((id) => home !== '' && settlements.get(built.pools[id]!.organizationId) === home);
    const far = candidates.filter((id) => !near.includes(id));
    chosen.push(a);
    preferences.push([...near, ...far]);
  }
  if (chosen.length === 0) return null;
  return {
    mechanism: options.mechanism,
    applicants: chosen.map((a, i) => ({ id: a.number, preferences: preferences[i]! })),
    places: placeEntries(left, priorities(chosen, preferences, built.pools)),
    meta: {
      municipalityId: options.municipalityId,
      allocationDate: options.allocationDate,
      kind: options.kind,
      stage: 'alternative',
      tieBreak: 'registration order: applicants are listed by registration time, then application number',
      nearest: 'kindergartens in the settlement of the first choice first, then the rest of the municipality, each by place id',
    },
  };
}

/** Parses and checks the operator's form; throws 422 with per-field messages. */
export function parseRunOptions(raw: Record<string, unknown>, allowedMunicipalities: readonly number[]): RunOptions {
  const fields: FieldErrors = {};
  const one = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
  const municipalityId = Number(one(raw.municipalityId) || (allowedMunicipalities.length === 1 ? allowedMunicipalities[0] : ''));
  if (!Number.isInteger(municipalityId) || !allowedMunicipalities.includes(municipalityId)) {
    fields.municipalityId = { ru: 'Выберите муниципальное образование', en: 'Choose a municipality' };
  }
  const kind = one(raw.kind) as RunKind;
  if (!runKinds.includes(kind)) fields.kind = { ru: 'Выберите вид комплектования', en: 'Choose the kind of run' };
  const allocationDate = one(raw.allocationDate);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(allocationDate) || Number.isNaN(Date.parse(`${allocationDate}T00:00:00Z`))) {
    fields.allocationDate = { ru: 'Укажите дату в формате ГГГГ-ММ-ДД', en: 'Enter a date as YYYY-MM-DD' };
  }
  const mechanism = (one(raw.mechanism) || 'deferred-acceptance') as Mechanism;
  if (!(MECHANISMS as readonly string[]).includes(mechanism)) fields.mechanism = { ru: 'Выберите механизм', en: 'Choose a mechanism' };
  if (Object.keys(fields).length > 0) throw errors.validation(fields);
  const nearest = one(raw.offerNearest);
  return { municipalityId, allocationDate, kind, mechanism, offerNearest: nearest === 'yes' || nearest === 'true' || nearest === 'on' };
}

/** Builds the instance(s), runs the engine, stores a dry run. Returns the run. */
export async function createDryRun(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, options: RunOptions): Promise<RunRow> {
  const built = await buildAllocationInstance(context.db, options);
  const main = allocate(built.instance);
  let alternative: StoredResult['alternative'] = null;
  if (options.offerNearest) {
    const second = await buildAlternativeInstance(context.db, built, main, options);
    if (second) alternative = { instance: second, result: allocate(second) };
  }
  const stored: StoredResult = { main, alternative, pools: built.pools };
  return context.db.transaction(async (tx) => {
    const [run] = await tx
      .insert(allocationRun)
      .values({
        municipalityId: options.municipalityId,
        kind: options.kind,
        mechanism: options.mechanism,
        allocationDate: options.allocationDate,
        status: 'dryRun',
        instance: built.instance,
        result: stored,
        instanceSha256: main.instanceSha256,
        engineVersion: ENGINE_VERSION,
        offerNearest: options.offerNearest,
        createdBy: origin.actor.kind === 'account' ? origin.actor.accountId : null,
        createdAt: context.clock.now(),
      })
      .returning();
    await recordAudit(tx, origin, {
      action: 'create',
      entityType: 'allocationRun',
      entityId: run!.id,
      municipalityId: options.municipalityId,
      details: { status: 'dryRun', kind: options.kind, mechanism: options.mechanism, allocationDate: options.allocationDate, instanceSha256: main.instanceSha256 },
    });
    return run!;
  });
}

export async function findRun(db: Executor, id: string): Promise<RunRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(allocationRun).where(eq(allocationRun.id, id)).limit(1);
  return row;
}

export async function getRun(db: Executor, id: string): Promise<RunRow> {
  const row = await findRun(db, id);
  if (!row) throw errors.notFound();
  return row;
}

/** Every assignment of a stored run (both stages): application number → place id. */
export function runAssignments(result: StoredResult): Array<{ number: string; placeId: string; stage: 'main' | 'alternative' }> {
  const list: Array<{ number: string; placeId: string; stage: 'main' | 'alternative' }> = [];
  for (const [number, placeId] of Object.entries(result.main.assignment)) if (placeId) list.push({ number, placeId, stage: 'main' });
  if (result.alternative) {
    for (const [number, placeId] of Object.entries(result.alternative.result.assignment)) if (placeId) list.push({ number, placeId, stage: 'alternative' });
  }
  return list;
}

export class StaleRunError extends AppError {
  constructor(detail: Message) {
    super(409, 'stale-allocation-run', {
      ru: `Пробный расчёт устарел и не может быть утверждён: ${detail.ru}. Выполните новый пробный расчёт.`,
      en: `The dry run is out of date and cannot be committed: ${detail.en}. Make a new dry run.`,
    });
  }
}

const notDryRun = (status: RunRow['status']) =>
  errors.conflict('allocation-run-not-dry', {
    ru: `Расчёт уже ${status === 'committed' ? 'утверждён' : 'отменён'}`,
    en: `The run is already ${status === 'committed' ? 'committed' : 'discarded'}`,
  });

/**
 * Commits a dry run in one transaction: locks the run and the groups of its kindergartens
 * (SELECT … FOR UPDATE, in id order so concurrent commits queue instead of deadlocking),
 * re-counts the free places, refuses if any pool has fewer than the run hands out (a stale dry
 * run), sends each offer to a concrete group of its pool, moves the applications inQueue →
 * offered (issueOffers) and marks the run committed. Anything failing rolls everything back.
 * `hooks.beforeFinish` exists for tests that prove a failure mid-way leaves nothing behind.
 */
export async function commitRun(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  runId: string,
  hooks: { beforeFinish?: () => Promise<void> | void } = {},
): Promise<{ offers: number }> {
  const now = context.clock.now();
  return context.db.transaction(async (tx) => {
    const [run] = await tx.select().from(allocationRun).where(eq(allocationRun.id, runId)).for('update');
    if (!run) throw errors.notFound();
    if (run.status !== 'dryRun') throw notDryRun(run.status);
    const stored = run.result as StoredResult;
    const assignments = runAssignments(stored);
    const needed = new Map<string, number>();
    for (const a of assignments) needed.set(a.placeId, (needed.get(a.placeId) ?? 0) + 1);
    const organizationIds = [...new Set([...needed.keys()].map((id) => stored.pools[id]!.organizationId))].sort();
    // Lock every approved group of these kindergartens, then count the live offers afresh.
    if (organizationIds.length > 0) {
      await queryRows(
        tx,
        sql`SELECT id FROM kindergarten_group WHERE organization_id IN (SELECT unnest(string_to_array(${organizationIds.join(',')}, ','))::uuid)
            ORDER BY id FOR UPDATE`,
      );
    }
    const pools = groupsByPool(organizationIds.length > 0 ? await freePlaces(tx, { municipalityId: run.municipalityId, organizationIds }) : []);
    const offers: Array<{ number: string; groupId: string }> = [];
    const short: string[] = [];
    const cursor = new Map<string, { groupIndex: number; usedInGroup: number }>();
    for (const a of assignments) {
      const facts = stored.pools[a.placeId]!;
      const pool = pools.get(poolKey(facts));
      const free = pool?.free ?? 0;
      if (free < needed.get(a.placeId)!) {
        if (!short.includes(a.placeId)) short.push(a.placeId);
        continue;
      }
      let at = cursor.get(a.placeId) ?? { groupIndex: 0, usedInGroup: 0 };
      while (at.usedInGroup >= pool!.groups[at.groupIndex]!.free) at = { groupIndex: at.groupIndex + 1, usedInGroup: 0 };
      offers.push({ number: a.number, groupId: pool!.groups[at.groupIndex]!.groupId });
      cursor.set(a.placeId, { groupIndex: at.groupIndex, usedInGroup: at.usedInGroup + 1 });
    }
    if (short.length > 0) {
      const list = short.slice(0, 5).join(', ') + (short.length > 5 ? ` (+${short.length - 5})` : '');
      throw new StaleRunError({ ru: `свободных мест стало меньше, чем распределено (${list})`, en: `fewer free places than allocated (${list})` });
    }
    const days = await offerAcceptanceDays(tx);
    const deadline = new Date(now.getTime() + days * 86_400_000);
    const issued = await issueOffers(tx, origin, now, { runId: run.id, municipalityId: run.municipalityId, deadline, offers });
    if (issued !== offers.length) {
      throw new StaleRunError({ ru: 'часть заявлений больше не в очереди', en: 'some applications are no longer in the queue' });
    }
    await hooks.beforeFinish?.();
    await tx
      .update(allocationRun)
      .set({ status: 'committed', committedAt: now, committedBy: origin.actor.kind === 'account' ? origin.actor.accountId : null })
      .where(eq(allocationRun.id, run.id));
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'allocationRun',
      entityId: run.id,
      municipalityId: run.municipalityId,
      details: { status: 'committed', offers: offers.length, instanceSha256: run.instanceSha256 },
    });
    return { offers: offers.length };
  });
}

/** Discards a dry run (kept for the record, never committed). */
export async function discardRun(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, runId: string): Promise<void> {
  await context.db.transaction(async (tx) => {
    const [run] = await tx.select().from(allocationRun).where(eq(allocationRun.id, runId)).for('update');
    if (!run) throw errors.notFound();
    if (run.status !== 'dryRun') throw notDryRun(run.status);
    await tx.update(allocationRun).set({ status: 'discarded' }).where(eq(allocationRun.id, runId));
    await recordAudit(tx, origin, { action: 'update', entityType: 'allocationRun', entityId: runId, municipalityId: run.municipalityId, details: { status: 'discarded' } });
  });
}

/** A run in a list: no instance or result (they can be megabytes). */
export interface RunSummary {
  id: string;
  municipalityId: number;
  kind: RunKind;
  mechanism: string;
  allocationDate: string;
  status: RunRow['status'];
  instanceSha256: string;
  engineVersion: string;
  offerNearest: boolean;
  createdAt: Date;
  committedAt: Date | null;
  applicants: number;
  assigned: number;
}

const summaryColumns = sql`id::text AS id, municipality_id, kind, mechanism, allocation_date::text AS allocation_date, status, instance_sha256, engine_version,
  offer_nearest, created_at, committed_at,
  (result -> 'main' -> 'summary' ->> 'applicants')::int AS applicants,
  coalesce((result -> 'main' -> 'summary' ->> 'assigned')::int, 0) + coalesce((result -> 'alternative' -> 'result' -> 'summary' ->> 'assigned')::int, 0) AS assigned`;

function toSummary(r: Record<string, unknown>): RunSummary {
  return {
    id: String(r.id),
    municipalityId: Number(r.municipality_id),
    kind: r.kind as RunKind,
    mechanism: String(r.mechanism),
    allocationDate: String(r.allocation_date),
    status: r.status as RunRow['status'],
    instanceSha256: String(r.instance_sha256),
    engineVersion: String(r.engine_version),
    offerNearest: Boolean(r.offer_nearest),
    createdAt: new Date(r.created_at as string),
    committedAt: r.committed_at ? new Date(r.committed_at as string) : null,
    applicants: Number(r.applicants ?? 0),
    assigned: Number(r.assigned ?? 0),
  };
}

/** Runs of the given municipalities (null = all), newest first. */
export async function listRuns(db: Executor, municipalityIds: readonly number[] | null, limit = 50): Promise<RunSummary[]> {
  const where = municipalityIds === null ? sql`true` : sql`municipality_id IN (SELECT unnest(string_to_array(${municipalityIds.join(',') || '0'}, ','))::int)`;
  const rows = await queryRows<Record<string, unknown>>(db, sql`SELECT ${summaryColumns} FROM allocation_run WHERE ${where} ORDER BY created_at DESC, id LIMIT ${limit}`);
  return rows.map(toSummary);
}

/** Published protocols: committed runs, newest first, keyset by (committed_at, id). */
export async function listProtocols(db: Executor, page: { before?: { committedAt: string; id: string } | null; limit: number }): Promise<RunSummary[]> {
  const keyset = page.before ? sql`AND (committed_at, id) < (${page.before.committedAt}::timestamptz, ${page.before.id}::uuid)` : sql``;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT ${summaryColumns} FROM allocation_run WHERE status = 'committed' ${keyset} ORDER BY committed_at DESC, id DESC LIMIT ${page.limit}`,
  );
  return rows.map(toSummary);
}

/** A committed run (a protocol) or 404: dry and discarded runs are not public. */
export async function getProtocol(db: Executor, id: string): Promise<RunRow> {
  const run = await findRun(db, id);
  if (!run || run.status !== 'committed') throw errors.notFound();
  return run;
}

/** Kindergarten names of a municipality (for the operator's review; never published with numbers). */
export async function kindergartenNames(db: Executor, municipalityId: number): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const org of iterateOrganizations(db, { municipalityId, kind: 'kindergarten' }, 1000)) names.set(org.id, org.shortName);
  return names;
}

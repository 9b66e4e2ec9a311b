/**
 * Kindergarten groups and the plan of places (план комплектования): the head of a kindergarten
 * drafts its groups, the municipal operator approves the plan, and only approved places are
 * allocated. Free places = capacity − occupied − live offers (pending or accepted направления).
 * Authorisation is the caller's (group.policy.ts); validation of user input is here.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connect.ts';
import { iterateOrganizations } from '../../registry/organization.service.ts';
import { kindergartenGroup, preschoolOffer } from './preschool.schema.ts';

export type GroupRow = typeof kindergartenGroup.$inferSelect;

/** One approved group and the places it has left for an allocation. */
export interface GroupFreePlaces {
  groupId: string;
  organizationId: string;
  name: string;
  ageGroupCode: string;
  orientationCode: string;
  stayModeCode: string;
  capacity: number;
  occupied: number;
  /** Offers of this group that still hold a place (pending or accepted). */
  liveOffers: number;
  /** capacity − occupied − liveOffers, never below zero. */
  free: number;
}

/** The kindergartens of a municipality (ids), through the registry's service. */
export async function kindergartenIdsOf(db: Executor, municipalityId: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const row of iterateOrganizations(db, { municipalityId, kind: 'kindergarten' }, 1000)) ids.push(row.id);
  return ids;
}

/**
 * Free places per APPROVED group of the kindergartens of a municipality (optionally only the
 * given kindergartens, which must lie in that municipality: others are ignored). Draft groups
 * have no places to allocate. Ordered by kindergarten, age group, orientation, stay mode, name.
 * Pass a transaction to read the places consistently with what you then write.
 */
export async function freePlaces(
  db: Executor,
  options: { municipalityId: number; organizationIds?: readonly string[] },
): Promise<GroupFreePlaces[]> {
  let ids = await kindergartenIdsOf(db, options.municipalityId);
  if (options.organizationIds) {
    const wanted = new Set(options.organizationIds);
    ids = ids.filter((id) => wanted.has(id));
  }
  if (ids.length === 0) return [];
  const live = db
    .select({ groupId: preschoolOffer.groupId, n: sql<number>`count(*)::int`.as('n') })
    .from(preschoolOffer)
    .where(inArray(preschoolOffer.status, ['pending', 'accepted']))
    .groupBy(preschoolOffer.groupId)
    .as('live');
  const rows = await db
    .select({
      groupId: kindergartenGroup.id,
      organizationId: kindergartenGroup.organizationId,
      name: kindergartenGroup.name,
      ageGroupCode: kindergartenGroup.ageGroupCode,
      orientationCode: kindergartenGroup.orientationCode,
      stayModeCode: kindergartenGroup.stayModeCode,
      capacity: kindergartenGroup.capacity,
      occupied: kindergartenGroup.occupied,
      liveOffers: sql<number>`coalesce(${live.n}, 0)::int`,
    })
    .from(kindergartenGroup)
    .leftJoin(live, eq(live.groupId, kindergartenGroup.id))
    .where(and(inArray(kindergartenGroup.organizationId, ids), eq(kindergartenGroup.planStatus, 'approved')))
    .orderBy(
      asc(kindergartenGroup.organizationId),
      asc(kindergartenGroup.ageGroupCode),
      asc(kindergartenGroup.orientationCode),
      asc(kindergartenGroup.stayModeCode),
      asc(kindergartenGroup.name),
      asc(kindergartenGroup.id),
    );
  return rows.map((r) => {
    const liveOffers = Number(r.liveOffers);
    return { ...r, liveOffers, free: Math.max(0, r.capacity - r.occupied - liveOffers) };
  });
}

/** A pool of interchangeable places: one kindergarten, age group, orientation and stay mode. */
export interface PlacePool {
  key: string;
  organizationId: string;
  ageGroupCode: string;
  orientationCode: string;
  stayModeCode: string;
  /** Sum of the free places of the pool's groups. */
  free: number;
  /** The pool's groups with free places first by most free, then by name (where to send offers). */
  groups: GroupFreePlaces[];
}

export function poolKey(p: { organizationId: string; ageGroupCode: string; orientationCode: string; stayModeCode: string }): string {
  return `${p.organizationId}|${p.ageGroupCode}|${p.orientationCode}|${p.stayModeCode}`;
}

/** Groups the result of `freePlaces` into pools (a pool is one place of the allocation instance). */
export function groupsByPool(groups: readonly GroupFreePlaces[]): Map<string, PlacePool> {
  const pools = new Map<string, PlacePool>();
  for (const g of groups) {
    const key = poolKey(g);
    let pool = pools.get(key);
    if (!pool) {
      pool = { key, organizationId: g.organizationId, ageGroupCode: g.ageGroupCode, orientationCode: g.orientationCode, stayModeCode: g.stayModeCode, free: 0, groups: [] };
      pools.set(key, pool);
    }
    pool.free += g.free;
    pool.groups.push(g);
  }
  for (const pool of pools.values()) pool.groups.sort((a, b) => b.free - a.free || a.name.localeCompare(b.name) || a.groupId.localeCompare(b.groupId));
  return pools;
}

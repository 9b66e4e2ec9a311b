/**
 * The public queue (fairness and openness, DESIGN.md): anyone, without logging in, sees
 * - by application number: its status and its position in the queue of each preferred
 *   kindergarten (queue-position.ts defines the position) — nothing personal;
 * - per kindergarten and age group: the queue in order, application numbers only, and the free
 *   places.
 * Age groups follow reference.service.ts (ageGroupFor), tiers and order queue-position.ts.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../platform/db/connect.ts';
import { findOrganization } from '../../registry/organization.service.ts';
import { freePlaces } from './group.service.ts';
import type { ApplicationStatus, BenefitLevel, BenefitStatus } from './preschool.schema.ts';
import { benefitTier, compareQueueEntries, queuePosition, type QueueEntry, type Tier } from './queue-position.ts';
import { ageGroupFor, getPreschoolSettings, listReference } from './reference.service.ts';

interface QueueRow {
  id: string;
  number: string;
  organization_id: string;
  rank: number;
  registered_at: string | Date;
  level: BenefitLevel | null;
  benefit_status: BenefitStatus;
  birth_date: string;
  desired_start_date: string;
}

interface QueuedApplication extends QueueEntry {
  number: string;
  organizationId: string;
  ageGroupCode: string | null;
}

/** inQueue applications of a municipality that list any of these kindergartens, with their age group. */
async function queuedListing(db: Executor, municipalityId: number, organizationIds: readonly string[]): Promise<QueuedApplication[]> {
  if (organizationIds.length === 0) return [];
  const [settings, ageGroups, rows] = await Promise.all([
    getPreschoolSettings(db),
    listReference(db, 'ageGroups', { activeOnly: true }),
    queryRows<QueueRow>(
    db,
    sql`SELECT a.id::text AS id, a.number, p.organization_id::text AS organization_id, p.rank, a.registered_at,
          b.level, a.benefit_status, c.birth_date::text AS birth_date, a.desired_start_date::text AS desired_start_date
        FROM preschool_preference p
        JOIN preschool_application a ON a.id = p.application_id
        JOIN preschool_applicant_child c ON c.application_id = a.id
        LEFT JOIN preschool_benefit b ON b.code = a.benefit_code
        WHERE p.organization_id IN (SELECT unnest(string_to_array(${organizationIds.join(',')}, ','))::uuid)
          AND a.status = 'inQueue' AND a.municipality_id = ${municipalityId}`,
    ),
  ]);
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    organizationId: r.organization_id,
    tier: benefitTier(r.level, r.benefit_status),
    registeredAt: new Date(r.registered_at),
    ageGroupCode: ageGroupFor(r.birth_date, r.desired_start_date, settings, ageGroups)?.code ?? null,
  }));
}

export interface PositionAtKindergarten {
  organizationId: string;
  kindergartenName: string;
  rank: number;
  ageGroupCode: string | null;
  position: number | null;
  queueLength: number;
}

export interface PublicQueueLookup {
  number: string;
  status: ApplicationStatus;
  tier: Tier;
  positions: PositionAtKindergarten[];
}

/** Status and positions of one application by its number, or null when no such number exists. */
export async function lookupQueuePosition(db: Executor, number: string): Promise<PublicQueueLookup | null> {
  const [application] = await queryRows<{
    id: string;
    number: string;
    status: ApplicationStatus;
    municipality_id: number;
    level: BenefitLevel | null;
    benefit_status: BenefitStatus;
    preferences: string | null;
  }>(
    db,
    sql`SELECT a.id::text AS id, a.number, a.status, a.municipality_id, b.level, a.benefit_status,
          (SELECT string_agg(p.organization_id::text, ',' ORDER BY p.rank) FROM preschool_preference p WHERE p.application_id = a.id) AS preferences
        FROM preschool_application a LEFT JOIN preschool_benefit b ON b.code = a.benefit_code
        WHERE a.number = ${number}`,
  );
  if (!application) return null;
  const preferred = application.preferences ? application.preferences.split(',') : [];
  const tier = benefitTier(application.level, application.benefit_status);
  // Only queued applications hold a position; the rest are read in parallel (one round trip of wall time).
  const queued = application.status === 'inQueue';
  const [listing, names] = await Promise.all([
    queued ? queuedListing(db, Number(application.municipality_id), preferred) : Promise.resolve([]),
    Promise.all(preferred.map(async (id) => (await findOrganization(db, id))?.shortName ?? '')),
  ]);
  const self = listing.find((q) => q.id === application.id);
  const positions = preferred.map((organizationId, i) => {
    const queue = self ? listing.filter((q) => q.organizationId === organizationId && q.ageGroupCode === self.ageGroupCode) : [];
    return {
      organizationId,
      kindergartenName: names[i]!,
      rank: i + 1,
      ageGroupCode: self?.ageGroupCode ?? null,
      position: self ? queuePosition(self, queue) : null,
      queueLength: queue.length,
    };
  });
  return { number: application.number, status: application.status, tier, positions };
}

export interface KindergartenQueue {
  organizationId: string;
  name: string;
  address: string;
  municipalityId: number;
  ageGroups: Array<{ code: string; name: string; free: number; queue: Array<{ position: number; number: string; tier: Tier }> }>;
}

/** Per age group: free places and the queue in order (numbers only). Null when not a kindergarten. */
export async function kindergartenQueue(db: Executor, organizationId: string): Promise<KindergartenQueue | null> {
  const org = await findOrganization(db, organizationId);
  if (!org || org.kind !== 'kindergarten') return null;
  const [listing, groups, ageGroups] = await Promise.all([
    queuedListing(db, org.municipalityId, [org.id]),
    freePlaces(db, { municipalityId: org.municipalityId, organizationIds: [org.id] }),
    listReference(db, 'ageGroups', { activeOnly: true }),
  ]);
  const ageGroupsOut = ageGroups
    .map((g) => {
      const queue = listing.filter((q) => q.ageGroupCode === g.code).sort(compareQueueEntries);
      const free = groups.filter((x) => x.ageGroupCode === g.code).reduce((s, x) => s + x.free, 0);
      return { code: g.code, name: g.nameRu, free, queue: queue.map((q, i) => ({ position: i + 1, number: q.number, tier: q.tier })) };
    })
    .filter((g) => g.queue.length > 0 || g.free > 0 || groups.some((x) => x.ageGroupCode === g.code));
  return { organizationId: org.id, name: org.shortName, address: org.address, municipalityId: org.municipalityId, ageGroups: ageGroupsOut };
}

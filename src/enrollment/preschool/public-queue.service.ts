/**
 * The public queue (fairness and openness, DESIGN.md): anyone, without logging in, sees
 * - by application number: its status and its position in the queue of each preferred
 *   kindergarten — nothing personal;
 * - per kindergarten and age group: the queue in order, application numbers only, and the free
 *   places.
 * A parent must see the same position here as on the application's own page, so there is one
 * definition (queue-position.ts) and one code path: the lookup by number calls the guardian
 * page's `findQueuePosition` (application.service.ts), and the kindergarten's queue orders by the
 * pure comparator over the same rows that query counts — the age group stored at registration
 * (migrations/0009), the tier of a verified benefit, registration time, id.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../platform/db/connect.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { findOrganization } from '../../registry/organization.service.ts';
import { findQueuePosition } from './application.service.ts';
import { freePlaces } from './group.service.ts';
import type { ApplicationStatus, BenefitLevel, BenefitStatus } from './preschool.schema.ts';
import { benefitTier, compareQueueEntries, queueRuleExplanation, type QueueEntry, type Tier } from './queue-position.ts';
import { listReference } from './reference.service.ts';

export interface PositionAtKindergarten {
  organizationId: string;
  kindergartenName: string;
  rank: number;
  ageGroupCode: string | null;
  /** Null unless the application is in the queue (as on the guardian's page). */
  position: number | null;
  /** Applications of that queue ahead of this one. */
  ahead: number;
  queueLength: number;
}

export interface PublicQueueLookup {
  number: string;
  status: ApplicationStatus;
  tier: Tier;
  ageGroupCode: string | null;
  ageGroupName: string | null;
  positions: PositionAtKindergarten[];
  /** How the position is computed (queue-position.ts), shown beside it. */
  howComputed: Message;
}

/**
 * Status and positions of one application by its number, or null when no such number exists.
 * Three round trips, the last two in parallel: the number's application id and preferred
 * kindergartens; then `findQueuePosition` (the guardian page's one query) beside the
 * kindergartens' short names and the age group's name.
 */
export async function lookupQueuePosition(db: Executor, number: string): Promise<PublicQueueLookup | null> {
  const [application] = await queryRows<{ id: string; number: string; preferences: string | null }>(
    db,
    sql`SELECT a.id::text AS id, a.number,
          (SELECT string_agg(p.organization_id::text, ',' ORDER BY p.rank) FROM preschool_preference p WHERE p.application_id = a.id) AS preferences
        FROM preschool_application a
        WHERE a.number = ${number}`,
  );
  if (!application) return null;
  const preferred = application.preferences ? application.preferences.split(',') : [];
  const [queue, names, ageGroups] = await Promise.all([
    findQueuePosition(db, application.id),
    Promise.all(preferred.map(async (id) => [id, (await findOrganization(db, id))?.shortName ?? ''] as const)),
    listReference(db, 'ageGroups'),
  ]);
  if (!queue) return null;
  const nameOf = new Map(names);
  const inQueue = queue.status === 'inQueue';
  return {
    number: application.number,
    status: queue.status,
    tier: queue.tier,
    ageGroupCode: queue.ageGroupCode,
    ageGroupName: ageGroups.find((g) => g.code === queue.ageGroupCode)?.nameRu ?? null,
    positions: queue.places.map((place) => ({
      organizationId: place.organizationId,
      kindergartenName: nameOf.get(place.organizationId) ?? '',
      rank: place.rank,
      ageGroupCode: queue.ageGroupCode,
      position: inQueue ? place.position : null,
      ahead: place.ahead,
      queueLength: place.total,
    })),
    howComputed: queueRuleExplanation,
  };
}

interface QueuedApplication extends QueueEntry {
  number: string;
  ageGroupCode: string | null;
}

/**
 * The waiting list of one kindergarten: inQueue applications of its municipality that list it
 * (at any rank), with the stored age group — the rows `findQueuePosition` counts.
 */
async function queuedAt(db: Executor, municipalityId: number, organizationId: string): Promise<QueuedApplication[]> {
  const rows = await queryRows<{ id: string; number: string; registered_at: string | Date; level: BenefitLevel | null; benefit_status: BenefitStatus; age_group_code: string | null }>(
    db,
    sql`SELECT a.id::text AS id, a.number, a.registered_at, b.level, a.benefit_status, a.age_group_code
        FROM preschool_preference p
        JOIN preschool_application a ON a.id = p.application_id
        LEFT JOIN preschool_benefit b ON b.code = a.benefit_code
        WHERE p.organization_id = ${organizationId} AND a.status = 'inQueue' AND a.municipality_id = ${municipalityId}`,
  );
  // registered_at is written from a JS Date (millisecond precision), so Date keeps the database's order
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    tier: benefitTier(r.level, r.benefit_status),
    registeredAt: new Date(r.registered_at),
    ageGroupCode: r.age_group_code,
  }));
}

export interface KindergartenQueue {
  organizationId: string;
  name: string;
  address: string;
  municipalityId: number;
  ageGroups: Array<{ code: string; name: string; free: number; queue: Array<{ position: number; number: string; tier: Tier }> }>;
}

/**
 * Per age group: free places and the queue in order (numbers only) by the pure comparator of
 * queue-position.ts, so the n-th row here is the application whose guardian sees position n.
 * Null when not a kindergarten.
 */
export async function kindergartenQueue(db: Executor, organizationId: string): Promise<KindergartenQueue | null> {
  const org = await findOrganization(db, organizationId);
  if (!org || org.kind !== 'kindergarten') return null;
  const [listing, groups, ageGroups] = await Promise.all([
    queuedAt(db, org.municipalityId, org.id),
    freePlaces(db, { municipalityId: org.municipalityId, organizationIds: [org.id] }),
    // inactive groups too: an application keeps the group it was registered in
    listReference(db, 'ageGroups'),
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

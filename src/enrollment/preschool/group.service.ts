/**
 * Kindergarten groups and the plan of places (план комплектования): the head of a kindergarten
 * drafts its groups, the municipal operator approves the plan, and only approved places are
 * allocated. Free places = capacity − occupied − live offers (pending or accepted направления).
 * Authorisation is the caller's (group.policy.ts); validation of user input is here.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { ScopeFilter } from '../../platform/access/access.ts';
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { errors, type FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { findOrganization, isUuid, iterateOrganizations, type OrganizationRow } from '../../registry/organization.service.ts';
import { kindergartenGroup, preschoolOffer } from './preschool.schema.ts';
import type { ReferenceLists } from './reference.service.ts';

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

// Kindergartens in reach ---------------------------------------------------------------------------

/** A kindergarten by id, or 404 (also for an organisation of another kind: it has no groups). */
export async function getKindergarten(db: Executor, id: string): Promise<OrganizationRow> {
  const row = await findOrganization(db, id);
  if (!row || row.kind !== 'kindergarten') throw errors.notFound();
  return row;
}

/** The kindergartens a list scope reaches, in directory order (short name). */
export async function kindergartensInScope(db: Executor, scope: ScopeFilter): Promise<OrganizationRow[]> {
  if (scope.kind === 'none') return [];
  const found = new Map<string, OrganizationRow>();
  if (scope.kind === 'all') {
    for await (const row of iterateOrganizations(db, { kind: 'kindergarten' }, 1000)) found.set(row.id, row);
  } else {
    for (const municipalityId of scope.municipalityIds) {
      for await (const row of iterateOrganizations(db, { municipalityId, kind: 'kindergarten' }, 1000)) found.set(row.id, row);
    }
    for (const id of scope.organizationIds) {
      if (found.has(id)) continue;
      const row = await findOrganization(db, id);
      if (row?.kind === 'kindergarten') found.set(id, row);
    }
  }
  return [...found.values()].sort((a, b) => a.shortName.localeCompare(b.shortName, 'ru') || a.id.localeCompare(b.id));
}

// List ---------------------------------------------------------------------------------------------

export const maxGroupPageSize = 200;

interface GroupCursor {
  organizationId: string;
  name: string;
  id: string;
}

function encodeGroupCursor(row: GroupRow): string {
  return Buffer.from(JSON.stringify([row.organizationId, row.name, row.id]), 'utf8').toString('base64url');
}

/** Throws 400 for anything that is not a cursor this service made. */
export function decodeGroupCursor(value: string): GroupCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3 && isUuid(parsed[0]) && typeof parsed[1] === 'string' && isUuid(parsed[2])) {
      return { organizationId: parsed[0], name: parsed[1], id: parsed[2] };
    }
  } catch {
    // fall through
  }
  throw errors.badRequest({ ru: 'Неверная ссылка на страницу списка', en: 'Invalid page cursor' });
}

/**
 * One page of groups of the given kindergartens (all of them when `organizationIds` is null:
 * a region-wide reader), in (kindergarten, name, id) order, keyset-paginated so the groups of
 * one kindergarten stay together and pages never skip or repeat a row.
 */
export async function listGroups(
  db: Executor,
  organizationIds: readonly string[] | null,
  page: { cursor?: string | null; limit: number },
): Promise<{ items: GroupRow[]; nextCursor: string | null }> {
  if (organizationIds && organizationIds.length === 0) return { items: [], nextCursor: null };
  const limit = Math.min(Math.max(1, Math.floor(page.limit)), maxGroupPageSize);
  const cursor = page.cursor ? decodeGroupCursor(page.cursor) : null;
  const conditions: SQL[] = [];
  if (organizationIds) conditions.push(inArray(kindergartenGroup.organizationId, [...organizationIds]));
  if (cursor) {
    conditions.push(
      sql`(${kindergartenGroup.organizationId}, ${kindergartenGroup.name}, ${kindergartenGroup.id}) > (${cursor.organizationId}::uuid, ${cursor.name}, ${cursor.id}::uuid)`,
    );
  }
  const rows = await db
    .select()
    .from(kindergartenGroup)
    .where(and(...conditions))
    .orderBy(asc(kindergartenGroup.organizationId), asc(kindergartenGroup.name), asc(kindergartenGroup.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeGroupCursor(items.at(-1)!) : null };
}

export async function findGroup(db: Executor, id: string): Promise<GroupRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(kindergartenGroup).where(eq(kindergartenGroup.id, id));
  return row;
}

/** A group and its kindergarten, or 404. */
export async function loadGroup(db: Executor, id: string): Promise<{ group: GroupRow; kindergarten: OrganizationRow }> {
  const group = await findGroup(db, id);
  if (!group) throw errors.notFound();
  return { group, kindergarten: await getKindergarten(db, group.organizationId) };
}

// Input ----------------------------------------------------------------------------------------------

export const groupFields = ['name', 'ageGroupCode', 'orientationCode', 'stayModeCode', 'capacity', 'occupied'] as const;
export type GroupField = (typeof groupFields)[number];

export interface GroupInput {
  name: string;
  ageGroupCode: string;
  orientationCode: string;
  stayModeCode: string;
  capacity: number;
  occupied: number;
}

export const groupFieldLabels: Record<GroupField, Message> = {
  name: { ru: 'Название группы', en: 'Group name' },
  ageGroupCode: { ru: 'Возрастная группа', en: 'Age group' },
  orientationCode: { ru: 'Направленность', en: 'Orientation' },
  stayModeCode: { ru: 'Режим пребывания', en: 'Stay mode' },
  capacity: { ru: 'Мест всего', en: 'Places in total' },
  occupied: { ru: 'Занято мест', en: 'Places taken' },
};

export const planStatusNames: Record<GroupRow['planStatus'], Message> = {
  draft: { ru: 'черновик', en: 'draft' },
  approved: { ru: 'утверждено', en: 'approved' },
};

function whole(raw: unknown): number | null {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  return /^\d{1,4}$/.test(text) ? Number(text) : null;
}

/**
 * Reads a group from a form (strings) or JSON. Codes must be active entries of the reference
 * lists, or the group's current code (a code deactivated later stays valid on its groups).
 */
export function parseGroupInput(raw: Record<string, unknown>, lists: ReferenceLists, current?: GroupRow): { ok: true; value: GroupInput } | { ok: false; errors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const name = typeof raw.name === 'string' ? raw.name.trim().replace(/\s+/g, ' ') : '';
  if (!name) fieldErrors.name = { ru: 'Введите название группы', en: 'Enter the group name' };
  else if (name.length > 100) fieldErrors.name = { ru: 'Не длиннее 100 знаков', en: 'At most 100 characters' };
  const code = (field: 'ageGroupCode' | 'orientationCode' | 'stayModeCode', list: Array<{ code: string; active: boolean }>, message: Message): string => {
    const value = typeof raw[field] === 'string' ? (raw[field] as string).trim() : '';
    if (!list.some((item) => item.code === value && item.active) && value !== current?.[field]) fieldErrors[field] = message;
    return value;
  };
  const ageGroupCode = code('ageGroupCode', lists.ageGroups, { ru: 'Выберите возрастную группу', en: 'Choose the age group' });
  const orientationCode = code('orientationCode', lists.orientations, { ru: 'Выберите направленность', en: 'Choose the orientation' });
  const stayModeCode = code('stayModeCode', lists.stayModes, { ru: 'Выберите режим пребывания', en: 'Choose the stay mode' });
  const capacity = whole(raw.capacity);
  // 0–100: the database's bound; SanPiN 2.4.3648-20 sets the real limit by floor area.
  if (capacity === null || capacity > 100) fieldErrors.capacity = { ru: 'Введите целое число от 0 до 100', en: 'Enter a whole number from 0 to 100' };
  const occupied = raw.occupied === undefined || raw.occupied === '' ? 0 : whole(raw.occupied);
  if (occupied === null) fieldErrors.occupied = { ru: 'Введите целое неотрицательное число', en: 'Enter a whole number, zero or more' };
  else if (capacity !== null && !fieldErrors.capacity && occupied > capacity) {
    fieldErrors.occupied = { ru: 'Занято не может быть больше, чем мест всего', en: 'Taken cannot exceed the places in total' };
  }
  if (Object.keys(fieldErrors).length) return { ok: false, errors: fieldErrors };
  return { ok: true, value: { name, ageGroupCode, orientationCode, stayModeCode, capacity: capacity!, occupied: occupied! } };
}

const nameTaken: Message = { ru: 'В этом детском саду уже есть группа с таким названием', en: 'This kindergarten already has a group of that name' };

export const staleGroupMessage: Message = {
  ru: 'Группу только что изменил кто-то другой. Проверьте данные и сохраните ещё раз',
  en: 'Someone else has just changed this group. Check the data and save again',
};

// Changes --------------------------------------------------------------------------------------------

/** Adds a draft group to a kindergarten (validated input). Audited. */
export async function createGroup(db: Database, origin: AuditOrigin, kindergarten: OrganizationRow, input: GroupInput, now: Date): Promise<GroupRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(kindergartenGroup)
      .values({ ...input, organizationId: kindergarten.id, planStatus: 'draft', createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) throw errors.validation({ name: nameTaken });
    await recordAudit(tx, origin, {
      action: 'create',
      entityType: 'kindergarten_group',
      entityId: row.id,
      municipalityId: kindergarten.municipalityId,
      organizationId: kindergarten.id,
      details: { values: input },
    });
    return row;
  });
}

/** Fields whose change alters the places offered, so an approved plan must be approved again. */
const planFields: readonly GroupField[] = ['ageGroupCode', 'orientationCode', 'stayModeCode', 'capacity', 'occupied'];

/**
 * Saves a group (validated input) if `expectedVersion` is still current (else 409). Changing the
 * places — capacity, occupancy, age group, orientation or stay mode — of an approved group
 * returns it to draft: the operator approved other figures. Renaming keeps the approval.
 */
export async function updateGroup(
  db: Database,
  origin: AuditOrigin,
  kindergarten: OrganizationRow,
  groupId: string,
  expectedVersion: number,
  input: GroupInput,
  now: Date,
): Promise<GroupRow> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(kindergartenGroup).where(eq(kindergartenGroup.id, groupId)).for('update');
    if (!before || before.organizationId !== kindergarten.id) throw errors.notFound();
    if (before.version !== expectedVersion) throw errors.conflict('stale-version', staleGroupMessage);
    const changed = groupFields.filter((f) => before[f] !== input[f]);
    const reopen = before.planStatus === 'approved' && changed.some((f) => planFields.includes(f));
    const duplicate = input.name !== before.name
      ? await tx.select({ id: kindergartenGroup.id }).from(kindergartenGroup).where(and(eq(kindergartenGroup.organizationId, kindergarten.id), eq(kindergartenGroup.name, input.name)))
      : [];
    if (duplicate.length) throw errors.validation({ name: nameTaken });
    const [row] = await tx
      .update(kindergartenGroup)
      .set({
        ...input,
        version: before.version + 1,
        updatedAt: now,
        ...(reopen ? { planStatus: 'draft' as const, approvedBy: null, approvedAt: null } : {}),
      })
      .where(eq(kindergartenGroup.id, groupId))
      .returning();
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'kindergarten_group',
      entityId: groupId,
      municipalityId: kindergarten.municipalityId,
      organizationId: kindergarten.id,
      details: { changes: Object.fromEntries(changed.map((f) => [f, { from: before[f], to: input[f] }])), ...(reopen ? { planStatus: { from: 'approved', to: 'draft' } } : {}) },
    });
    return row!;
  });
}

/**
 * Approves the draft groups of a kindergarten — all of them, or only `groupIds` — and returns
 * the groups approved (already approved ones are left as they are). One audit event per group.
 */
export async function approveGroups(
  db: Database,
  origin: AuditOrigin,
  kindergarten: OrganizationRow,
  options: { groupIds?: readonly string[] },
  now: Date,
): Promise<GroupRow[]> {
  if (options.groupIds && options.groupIds.length === 0) return [];
  return db.transaction(async (tx) => {
    const approver = origin.actor.kind === 'account' ? origin.actor.accountId : null;
    const rows = await tx
      .update(kindergartenGroup)
      .set({ planStatus: 'approved', approvedBy: approver, approvedAt: now, updatedAt: now, version: sql`${kindergartenGroup.version} + 1` })
      .where(
        and(
          eq(kindergartenGroup.organizationId, kindergarten.id),
          eq(kindergartenGroup.planStatus, 'draft'),
          options.groupIds ? inArray(kindergartenGroup.id, [...options.groupIds]) : undefined,
        ),
      )
      .returning();
    await recordAudit(
      tx,
      origin,
      rows.map((row) => ({
        action: 'update' as const,
        entityType: 'kindergarten_group',
        entityId: row.id,
        municipalityId: kindergarten.municipalityId,
        organizationId: kindergarten.id,
        details: { planStatus: { from: 'draft', to: 'approved' }, capacity: row.capacity, occupied: row.occupied },
      })),
    );
    return rows;
  });
}

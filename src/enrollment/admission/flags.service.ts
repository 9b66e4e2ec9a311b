/**
 * Suspicious registrations (issue 4 item 7): flags for a human to review, never an automatic
 * refusal. Fictitious registration at an address in a popular school's territory is a known
 * abuse (criminal cases in Ekaterinburg, forged documents in St Petersburg; Nizhny Tagil checks
 * every address), but a flag only asks a municipal operator to look; the application goes on.
 *
 * Kinds (thresholds are reference data in admission_parameter, editable by a regional admin):
 * - crowdedApartment: active applications of the campaign at one house and apartment (a house
 *   without an apartment number counts as one) from at least `flagApartmentGuardians` different
 *   guardians — siblings share a guardian, so they count once;
 * - recentRegistration: registered at the address (registered_since) `flagRegisteredDays` days
 *   or fewer before stage 1 opens, or later;
 * - nonResidential: the house is not housing in the address register (GAR house type: garage,
 *   shed…; HouseSummary.residential = false);
 * - sharedDocument: the same priority document (series/number, compared without spaces, dashes
 *   and '№', case-insensitively) in another active application of the campaign for another child.
 *
 * `flagApplications` runs in the `admission.received` job after each batch of receipts (adm-core's
 * received.job.ts); it is idempotent: a flag is one row per application and kind, re-flagging
 * updates its details and keeps its review. The review queue is for the municipal operator; the
 * school sees only that an application has an open flag (openFlagCounts), never the details.
 */
import { and, eq, sql } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { queryRows, type Executor } from '../../platform/db/connect.ts';
import { errors, type FieldErrors } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { isUuid } from '../../platform/validation.ts';
import { getHouses } from '../../registry/address.service.ts';
import { admissionFlag, admissionParameter, flagKinds, flagStatuses, type FlagKind, type FlagStatus } from './flags.schema.ts';

export const flagKindNames: Record<FlagKind, Message> = {
  crowdedApartment: { ru: 'Много детей разных семей по одной квартире', en: 'Many unrelated children at one apartment' },
  recentRegistration: { ru: 'Регистрация незадолго до начала приёма', en: 'Registered shortly before the campaign' },
  nonResidential: { ru: 'Адрес — не жилое здание', en: 'The address is not housing' },
  sharedDocument: { ru: 'Один документ о льготе в двух заявлениях', en: 'The same priority document in two applications' },
};

export const flagStatusNames: Record<FlagStatus, Message> = {
  open: { ru: 'На проверке', en: 'Open' },
  cleared: { ru: 'Проверено, нарушений нет', en: 'Cleared' },
  confirmed: { ru: 'Нарушение подтверждено', en: 'Confirmed' },
};

export type ParameterCode = 'flagApartmentGuardians' | 'flagRegisteredDays' | 'forecastParticipationPercent';
export type ParameterRow = typeof admissionParameter.$inferSelect;

export async function listParameters(db: Executor): Promise<ParameterRow[]> {
  return db.select().from(admissionParameter).orderBy(admissionParameter.code);
}

export async function parameterValue(db: Executor, code: ParameterCode): Promise<number> {
  const [row] = await db.select({ value: admissionParameter.value }).from(admissionParameter).where(eq(admissionParameter.code, code));
  if (!row) throw new Error(`admission_parameter ${code} is missing (migration 0019 seeds it)`);
  return row.value;
}

/** Sets reference values (regional admin); 422 with per-field messages when out of range. */
export async function updateParameters(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, raw: Record<string, unknown>): Promise<void> {
  const current = await listParameters(context.db);
  const fields: FieldErrors = {};
  const changes: Array<{ code: string; from: number; to: number }> = [];
  for (const p of current) {
    const text = typeof raw[p.code] === 'string' ? (raw[p.code] as string).trim() : typeof raw[p.code] === 'number' ? String(raw[p.code]) : undefined;
    if (text === undefined) continue;
    const value = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
    if (!(value >= p.minValue && value <= p.maxValue)) {
      fields[p.code] = { ru: `Целое число от ${p.minValue} до ${p.maxValue}`, en: `A whole number from ${p.minValue} to ${p.maxValue}` };
    } else if (value !== p.value) changes.push({ code: p.code, from: p.value, to: value });
  }
  if (Object.keys(fields).length > 0) throw errors.validation(fields);
  if (changes.length === 0) return;
  await context.db.transaction(async (tx) => {
    for (const c of changes) await tx.update(admissionParameter).set({ value: c.to, updatedAt: context.clock.now() }).where(eq(admissionParameter.code, c.code));
    await recordAudit(tx, origin, { action: 'update', entityType: 'admissionParameter', entityId: null, details: { changes } });
  });
}

const ids = (list: readonly string[]) => sql`(SELECT unnest(string_to_array(${list.join(',')}, ','))::uuid)`;
const active = sql`('received', 'documentsChecked', 'enrolled')`;
const apartmentKey = (alias: string) => sql.raw(`coalesce(lower(regexp_replace(${alias}.apartment, '(кв\\.?|\\s)', '', 'gi')), '')`);
const documentKey = (alias: string) => sql.raw(`upper(regexp_replace(${alias}.priority_document, '[\\s№-]', '', 'g'))`);

interface Found {
  applicationId: string;
  kind: FlagKind;
  details: Record<string, unknown>;
}

/**
 * Checks the given applications (just received) and records a flag for each finding — on them
 * and, for the crowded apartment and the shared document, on the other applications involved.
 * Returns how many flags were written (new or refreshed).
 */
export async function flagApplications(context: Pick<AppContext, 'db' | 'clock'>, applicationIds: string[]): Promise<number> {
  const { db } = context;
  const list = [...new Set(applicationIds.filter((id) => isUuid(id)))];
  if (list.length === 0) return 0;
  const [guardians, days] = [await parameterValue(db, 'flagApartmentGuardians'), await parameterValue(db, 'flagRegisteredDays')];
  const found: Found[] = [];

  const crowded = await queryRows<{ id: string; guardians: number; numbers: string }>(
    db,
    sql`WITH spots AS (
          SELECT DISTINCT a.campaign_id, a.house_id, ${apartmentKey('a')} AS apartment
          FROM admission_application a WHERE a.id IN ${ids(list)} AND a.house_id IS NOT NULL AND a.status IN ${active}),
        crowds AS (
          SELECT s.campaign_id, s.house_id, s.apartment, count(DISTINCT b.guardian_id)::int AS guardians
          FROM spots s JOIN admission_application b ON b.campaign_id = s.campaign_id AND b.house_id = s.house_id AND ${apartmentKey('b')} = s.apartment AND b.status IN ${active}
          GROUP BY 1, 2, 3 HAVING count(DISTINCT b.guardian_id) >= ${guardians})
        SELECT b.id::text AS id, c.guardians,
          (SELECT string_agg(x.receipt_number::text, ',' ORDER BY x.receipt_number) FROM admission_application x
            WHERE x.campaign_id = c.campaign_id AND x.house_id = c.house_id AND ${apartmentKey('x')} = c.apartment AND x.status IN ${active}) AS numbers
        FROM crowds c JOIN admission_application b ON b.campaign_id = c.campaign_id AND b.house_id = c.house_id AND ${apartmentKey('b')} = c.apartment AND b.status IN ${active}`,
  );
  for (const r of crowded) found.push({ applicationId: r.id, kind: 'crowdedApartment', details: { guardians: r.guardians, threshold: guardians, receiptNumbers: r.numbers.split(',').map(Number) } });

  const recent = await queryRows<{ id: string; registered_since: string; days_before: number }>(
    db,
    sql`SELECT a.id::text AS id, a.registered_since::text AS registered_since,
          ((c.stage1_opens_at AT TIME ZONE 'Europe/Moscow')::date - a.registered_since)::int AS days_before
        FROM admission_application a JOIN admission_campaign c ON c.id = a.campaign_id
        WHERE a.id IN ${ids(list)} AND a.registered_since IS NOT NULL
          AND a.registered_since >= (c.stage1_opens_at AT TIME ZONE 'Europe/Moscow')::date - ${days}::int`,
  );
  for (const r of recent) found.push({ applicationId: r.id, kind: 'recentRegistration', details: { registeredSince: r.registered_since, daysBefore: r.days_before, threshold: days } });

  const withHouses = await queryRows<{ id: string; house_id: string }>(db, sql`SELECT id::text AS id, house_id::text AS house_id FROM admission_application WHERE id IN ${ids(list)} AND house_id IS NOT NULL`);
  const houses = await getHouses(db, [...new Set(withHouses.map((r) => r.house_id))]);
  for (const r of withHouses) if (houses.get(r.house_id)?.residential === false) found.push({ applicationId: r.id, kind: 'nonResidential', details: {} });

  const shared = await queryRows<{ id: string; numbers: string }>(
    db,
    sql`WITH docs AS (
          SELECT DISTINCT a.campaign_id, ${documentKey('a')} AS document FROM admission_application a
          WHERE a.id IN ${ids(list)} AND a.priority_document IS NOT NULL AND ${documentKey('a')} <> '' AND a.status IN ${active}),
        dupes AS (
          SELECT d.campaign_id, d.document FROM docs d JOIN admission_application b ON b.campaign_id = d.campaign_id AND b.priority_document IS NOT NULL AND ${documentKey('b')} = d.document AND b.status IN ${active}
          GROUP BY 1, 2 HAVING count(DISTINCT b.child_id) > 1)
        SELECT b.id::text AS id,
          (SELECT string_agg(x.receipt_number::text, ',' ORDER BY x.receipt_number) FROM admission_application x
            WHERE x.campaign_id = d.campaign_id AND x.priority_document IS NOT NULL AND ${documentKey('x')} = d.document AND x.status IN ${active}) AS numbers
        FROM dupes d JOIN admission_application b ON b.campaign_id = d.campaign_id AND b.priority_document IS NOT NULL AND ${documentKey('b')} = d.document AND b.status IN ${active}`,
  );
  for (const r of shared) found.push({ applicationId: r.id, kind: 'sharedDocument', details: { receiptNumbers: r.numbers.split(',').map(Number) } });

  if (found.length === 0) return 0;
  const now = context.clock.now();
  // One statement: the application's campaign, municipality and school come from its row.
  const values = sql.join(
    found.map((f) => sql`(${f.applicationId}::uuid, ${f.kind}, ${JSON.stringify(f.details)}::jsonb)`),
    sql`, `,
  );
  await db.execute(sql`
    INSERT INTO admission_flag (application_id, campaign_id, municipality_id, organization_id, kind, details, created_at)
    SELECT v.application_id, a.campaign_id, a.municipality_id, a.organization_id, v.kind, v.details, ${now}
    FROM (VALUES ${values}) AS v (application_id, kind, details) JOIN admission_application a ON a.id = v.application_id
    ON CONFLICT (application_id, kind) DO UPDATE SET details = excluded.details`);
  return found.length;
}

// The review queue -------------------------------------------------------------------------------

export interface FlagView {
  id: string;
  applicationId: string;
  receiptNumber: number | null;
  campaignId: string;
  municipalityId: number;
  organizationId: string;
  kind: FlagKind;
  details: Record<string, unknown>;
  status: FlagStatus;
  comment: string | null;
  createdAt: Date;
  reviewedAt: Date | null;
}

export interface FlagFilter {
  /** null = every municipality (regional admin). */
  municipalityIds: number[] | null;
  status?: FlagStatus;
  kind?: FlagKind;
  receiptNumber?: number;
}

export interface FlagCursor {
  createdAt: string;
  id: string;
}

export function parseFlagQuery(raw: Record<string, unknown>): { status?: FlagStatus; kind?: FlagKind; receiptNumber?: number; cursor: FlagCursor | null } {
  const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).trim() : '');
  const status = (flagStatuses as readonly string[]).includes(text('status')) ? (text('status') as FlagStatus) : undefined;
  const kind = (flagKinds as readonly string[]).includes(text('kind')) ? (text('kind') as FlagKind) : undefined;
  const receiptNumber = /^\d{1,12}$/.test(text('number')) ? Number(text('number')) : undefined;
  const after = text('after');
  const match = /^([0-9T:.\-+Z]{10,40})_([0-9a-f-]{36})$/i.exec(after);
  const cursor = match && !Number.isNaN(Date.parse(match[1]!)) ? { createdAt: match[1]!, id: match[2]! } : null;
  return { status, kind, receiptNumber, cursor };
}

export function encodeFlagCursor(flag: FlagView): string {
  return `${flag.createdAt.toISOString()}_${flag.id}`;
}

/** A page of the review queue, oldest first (keyset by created_at, id). */
export async function listFlags(db: Executor, filter: FlagFilter, page: { cursor: FlagCursor | null; limit: number }): Promise<FlagView[]> {
  const conditions = [sql`true`];
  if (filter.municipalityIds !== null) conditions.push(sql`f.municipality_id IN (SELECT unnest(string_to_array(${filter.municipalityIds.join(',') || '0'}, ','))::int)`);
  if (filter.status) conditions.push(sql`f.status = ${filter.status}`);
  if (filter.kind) conditions.push(sql`f.kind = ${filter.kind}`);
  if (filter.receiptNumber !== undefined) conditions.push(sql`a.receipt_number = ${filter.receiptNumber}`);
  if (page.cursor) conditions.push(sql`(f.created_at, f.id) > (${page.cursor.createdAt}::timestamptz, ${page.cursor.id}::uuid)`);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT f.id::text AS id, f.application_id::text AS application_id, a.receipt_number::text AS receipt_number, f.campaign_id::text AS campaign_id,
          f.municipality_id, f.organization_id::text AS organization_id, f.kind, f.details, f.status, f.comment, f.created_at, f.reviewed_at
        FROM admission_flag f JOIN admission_application a ON a.id = f.application_id
        WHERE ${sql.join(conditions, sql` AND `)}
        ORDER BY f.created_at, f.id LIMIT ${page.limit}`,
  );
  return rows.map(toFlagView);
}

function toFlagView(r: Record<string, unknown>): FlagView {
  return {
    id: String(r.id),
    applicationId: String(r.application_id),
    receiptNumber: r.receipt_number === null ? null : Number(r.receipt_number),
    campaignId: String(r.campaign_id),
    municipalityId: Number(r.municipality_id),
    organizationId: String(r.organization_id),
    kind: r.kind as FlagKind,
    details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
    status: r.status as FlagStatus,
    comment: (r.comment as string | null) ?? null,
    createdAt: new Date(r.created_at as string),
    reviewedAt: r.reviewed_at ? new Date(r.reviewed_at as string) : null,
  };
}

export async function findFlag(db: Executor, id: string): Promise<FlagView | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT f.id::text AS id, f.application_id::text AS application_id, a.receipt_number::text AS receipt_number, f.campaign_id::text AS campaign_id,
          f.municipality_id, f.organization_id::text AS organization_id, f.kind, f.details, f.status, f.comment, f.created_at, f.reviewed_at
        FROM admission_flag f JOIN admission_application a ON a.id = f.application_id WHERE f.id = ${id}`,
  );
  return row ? toFlagView(row) : undefined;
}

/** Audits a staff read of a page of the queue (which families' addresses are under review). */
export async function auditFlagRead(db: Executor, origin: AuditOrigin, flags: FlagView[]): Promise<void> {
  if (flags.length === 0) return;
  await recordAudit(db, origin, { action: 'read', entityType: 'admissionFlag', entityId: null, details: { flags: flags.map((f) => f.id) } });
}

/**
 * Records the operator's review of a flag: cleared (nothing wrong) or confirmed (the registration
 * is fictitious — the operator then acts through the ordinary decisions), with a comment; or
 * reopens it. Audited. 409 when someone reviewed it in between (the form carries the status seen).
 */
export async function reviewFlag(
  context: Pick<AppContext, 'db' | 'clock'>,
  origin: AuditOrigin,
  flagId: string,
  input: { status: string; comment: string; expectedStatus?: string },
): Promise<FlagView> {
  const status = input.status as FlagStatus;
  const comment = input.comment.trim();
  const fields: FieldErrors = {};
  if (!(flagStatuses as readonly string[]).includes(status)) fields.status = { ru: 'Выберите решение', en: 'Choose a decision' };
  if (status !== 'open' && comment.length === 0) fields.comment = { ru: 'Напишите, что проверено', en: 'Write what was checked' };
  if (comment.length > 2000) fields.comment = { ru: 'Не более 2000 знаков', en: 'At most 2000 characters' };
  if (Object.keys(fields).length > 0) throw errors.validation(fields);
  const now = context.clock.now();
  return context.db.transaction(async (tx) => {
    const [current] = await tx.select().from(admissionFlag).where(eq(admissionFlag.id, flagId)).for('update');
    if (!current) throw errors.notFound();
    if (input.expectedStatus && input.expectedStatus !== current.status) {
      throw errors.conflict('stale-flag', { ru: 'Флаг уже рассмотрел кто-то другой. Обновите страницу', en: 'Someone else has reviewed the flag. Reload the page' });
    }
    const reviewed = status !== 'open';
    await tx
      .update(admissionFlag)
      .set({ status, comment: comment || null, reviewedAt: reviewed ? now : null, reviewedBy: reviewed && origin.actor.kind === 'account' ? origin.actor.accountId : null })
      .where(and(eq(admissionFlag.id, flagId)));
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'admissionFlag',
      entityId: flagId,
      municipalityId: current.municipalityId,
      organizationId: current.organizationId,
      details: { kind: current.kind, from: current.status, to: status, comment },
    });
    return (await findFlag(tx, flagId))!;
  });
}

/** Open flags per application, for the school's list (presence only, no details). */
export async function openFlagCounts(db: Executor, applicationIds: string[]): Promise<Map<string, number>> {
  const list = applicationIds.filter((id) => isUuid(id));
  if (list.length === 0) return new Map();
  const rows = await queryRows<{ application_id: string; n: number }>(
    db,
    sql`SELECT application_id::text AS application_id, count(*)::int AS n FROM admission_flag WHERE status = 'open' AND application_id IN ${ids(list)} GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.application_id, Number(r.n)]));
}

/** Where an application sits (for the presence policy), or undefined. */
export async function applicationFlagScope(db: Executor, applicationId: string): Promise<{ municipalityId: number; organizationId: string } | undefined> {
  if (!isUuid(applicationId)) return undefined;
  const [row] = await queryRows<{ municipality_id: number; organization_id: string }>(
    db,
    sql`SELECT municipality_id, organization_id::text AS organization_id FROM admission_application WHERE id = ${applicationId}`,
  );
  return row ? { municipalityId: Number(row.municipality_id), organizationId: row.organization_id } : undefined;
}

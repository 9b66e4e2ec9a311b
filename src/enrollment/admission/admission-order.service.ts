/**
 * Runs of the order of admission (issue 4 item 5): for a campaign and a stage, build the
 * anonymised allocation instance from the applications awaiting a decision (admission-order.ts),
 * run the pure engine, keep it as a dry run for the municipal operator, then commit it — every
 * application to its decision with the same status and history rows as adm-core's
 * changeAdmissionStatus, set-based, with an audit event and a notice to each guardian, in one
 * transaction — or discard it. A committed run is a published protocol:
 * receipt numbers, school ids, the instance, the result and its SHA-256, re-runnable with
 * `npx prostor allocate` (docs/allocation.md, docs/admission.md).
 *
 * Who is in a run: applications of the campaign in status received or documentsChecked whose
 * stage is at most the run's stage. Capacity of a school: planned places (admission_school_plan)
 * minus applications already enrolled. The decisions on commit:
 * - a place, documents checked → enrolled (Order 458 § 16: the decision follows the check);
 * - a place, documents not yet checked → stays received: it keeps its place in the order, and
 *   the next run (after the check) enrols it — the dry run page says how many are waiting;
 * - no place → refused for lack of places (Order 458 § 14) with the municipality's offer of
 *   another school with places left (offered_organization_id).
 * The offer: schools of the campaign with places left after the run — the school of the territory
 *   of the child's house first (a child who applied elsewhere keeps the right to "their" school),
 *   then those in the settlement of the house (we hold no coordinates, so "nearest" is "same
 *   settlement"), then the rest; within each, most places left, then by id. Each offer takes one
 *   of the places left, in the order of admission, so one free seat is not offered to fifty families.
 * A dry run goes stale when an application of it has changed status since, or a school has
 * fewer places than the run hands out; committing a stale run is refused (409), as in preschool.
 */
import { eq, sql } from 'drizzle-orm';
import { allocate, ENGINE_VERSION, type AllocationResult } from '../allocation/allocate.ts';
import { actorLabel, recordAudit, type AuditOrigin } from '../../platform/audit/audit.ts';
import { notifyPeople } from '../../platform/notify/notify.ts';
import type { AppContext } from '../../platform/context.ts';
import { queryRows, type Executor } from '../../platform/db/connect.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { formatDateTime, type Message } from '../../platform/i18n/i18n.ts';
import { isUuid } from '../../platform/validation.ts';
import { getHouses } from '../../registry/address.service.ts';
import { iterateOrganizations } from '../../registry/organization.service.ts';
import { schoolCards, schoolsServingHouses } from '../../registry/territory.service.ts';
import { buildAdmissionInstance, seedMatches, type OrderApplication, type OrderingRule, type PriorityLevel } from './admission-order.ts';
import { admissionRun, type AdmissionRunStatus } from './admission-order.schema.ts';
import type { AdmissionStatus } from './admission.schema.ts';
import { admissionStatusNames, canMove } from './status.ts';
import { findCampaign, type CampaignRow } from './campaign.service.ts';

export type AdmissionRunRow = typeof admissionRun.$inferSelect;

export const admissionRunStatusNames: Record<AdmissionRunStatus, Message> = {
  dryRun: { ru: 'Пробный расчёт', en: 'Dry run' },
  committed: { ru: 'Утверждено, решения приняты', en: 'Committed, decisions made' },
  discarded: { ru: 'Отменено', en: 'Discarded' },
};


/** What a run keeps besides the instance: per application, what the commit needs (never published). */
export interface RunApplicant {
  applicationId: string;
  receiptNumber: number;
  organizationId: string;
  status: AdmissionStatus;
  version: number;
}

export interface StoredAdmissionResult {
  result: AllocationResult;
  /** Receipt number → the school offered instead (refusals for lack of places). */
  offers: Record<string, string | null>;
  /** Receipt numbers of applications with a place whose documents are not checked yet. */
  awaitingDocuments: string[];
  applicants: RunApplicant[];
}

/** The ordering rule of a campaign; refuses a lottery whose seed is not revealed or does not match. */
export function orderingRule(campaign: CampaignRow, now: Date): OrderingRule {
  if (campaign.ordering !== 'lottery') return { ordering: 'receipt', opensAt: campaign.stage1OpensAt, windowHours: null, seed: null };
  const windowEnd = new Date(campaign.stage1OpensAt.getTime() + (campaign.lotteryWindowHours ?? 0) * 3_600_000);
  if (!campaign.lotterySeed || now.getTime() < windowEnd.getTime()) {
    throw errors.conflict('lottery-seed-not-revealed', {
      ru: 'Жеребьёвка: зерно ещё не раскрыто (его раскрывают после окна жеребьёвки)',
      en: 'Lottery: the seed has not been revealed yet (it is revealed after the lottery window)',
    });
  }
  if (!campaign.lotterySeedSha256 || !seedMatches(campaign.lotterySeed, campaign.lotterySeedSha256)) {
    throw errors.conflict('lottery-seed-mismatch', {
      ru: 'Жеребьёвка: SHA-256 раскрытого зерна не совпадает с опубликованным до начала приёма',
      en: 'Lottery: the SHA-256 of the revealed seed differs from the one published before opening',
    });
  }
  return { ordering: 'lottery', opensAt: campaign.stage1OpensAt, windowHours: campaign.lotteryWindowHours, seed: campaign.lotterySeed };
}

interface PendingRow {
  id: string;
  receipt_number: string;
  received_at: string | Date;
  organization_id: string;
  house_id: string | null;
  status: AdmissionStatus;
  version: number;
  level: PriorityLevel | null;
  in_territory: boolean;
}

async function loadPending(db: Executor, campaignId: string, stage: 1 | 2): Promise<PendingRow[]> {
  return queryRows<PendingRow>(
    db,
    sql`SELECT a.id::text AS id, a.receipt_number::text AS receipt_number, a.received_at, a.organization_id::text AS organization_id,
          a.house_id::text AS house_id, a.status, a.version, c.level, a.in_territory
        FROM admission_application a
        LEFT JOIN admission_priority_category c ON c.code = a.priority_code
        WHERE a.campaign_id = ${campaignId} AND a.status IN ('received', 'documentsChecked') AND a.stage <= ${stage}
        ORDER BY a.receipt_number`,
  );
}

/** Free places per school of the campaign's plan: planned minus enrolled. */
export async function schoolCapacities(db: Executor, campaignId: string, organizationIds?: readonly string[]): Promise<Map<string, number>> {
  const only = organizationIds ? sql`AND p.organization_id IN (SELECT unnest(string_to_array(${organizationIds.join(',') || '00000000-0000-0000-0000-000000000000'}, ','))::uuid)` : sql``;
  const rows = await queryRows<{ organization_id: string; free: number }>(
    db,
    sql`SELECT p.organization_id::text AS organization_id,
          p.planned_places - (SELECT count(*) FROM admission_application a
                              WHERE a.campaign_id = p.campaign_id AND a.organization_id = p.organization_id AND a.status = 'enrolled')::int AS free
        FROM admission_school_plan p WHERE p.campaign_id = ${campaignId} ${only}`,
  );
  return new Map(rows.map((r) => [r.organization_id, Math.max(0, Number(r.free))]));
}

/** The settlement of an address ('г Краснодар, ул …' or '350000, г. Краснодар, …' → 'краснодар'). */
export function settlementKey(address: string): string {
  for (const part of address.split(',').map((p) => p.trim().toLowerCase().replace(/ё/g, 'е'))) {
    const match = /^(?:г|город|ст-ца|станица|пос|поселок|п|пгт|с|село|х|хутор|аул|д|деревня)\.?\s+(.+)$/.exec(part);
    if (match) return match[1]!.replace(/\s+/g, ' ');
  }
  return '';
}

/** Offers of another school to the refused, in the order of the tie-break (see the header). */
async function offersFor(db: Executor, campaign: CampaignRow, pending: PendingRow[], result: AllocationResult, tieBreak: readonly string[]): Promise<Record<string, string | null>> {
  const offers: Record<string, string | null> = {};
  const refused = pending.filter((p) => result.assignment[p.receipt_number] === null);
  if (refused.length === 0) return offers;
  const left = new Map<string, number>();
  for (const [id, n] of Object.entries(result.placesLeft)) if (n > 0) left.set(id, n);
  const schoolSettlement = new Map<string, string>();
  for await (const org of iterateOrganizations(db, { municipalityId: campaign.municipalityId, kind: 'school' }, 1000)) schoolSettlement.set(org.id, settlementKey(org.address));
  const houseIds = [...new Set(refused.flatMap((p) => (p.house_id ? [p.house_id] : [])))];
  const houses = await getHouses(db, houseIds);
  // The school(s) whose territory holds the child's house, by the act in force when stage 1 opened.
  const serving = await schoolsServingHouses(db, houseIds, new Date(campaign.stage1OpensAt.getTime() + 3 * 3_600_000).toISOString().slice(0, 10));
  const position = new Map(tieBreak.map((n, i) => [n, i]));
  refused.sort((a, b) => position.get(a.receipt_number)! - position.get(b.receipt_number)!);
  for (const p of refused) {
    const home = p.house_id ? settlementKey(houses.get(p.house_id)?.label ?? '') : '';
    const own = new Set(p.house_id ? serving.get(p.house_id) ?? [] : []);
    let best: string | null = null;
    for (const [school, n] of left) {
      if (n <= 0 || school === p.organization_id) continue;
      if (best === null) {
        best = school;
        continue;
      }
      const near = (id: string) => (own.has(id) ? 0 : home !== '' && schoolSettlement.get(id) === home ? 1 : 2);
      const better = near(school) - near(best) || left.get(best)! - n || (school < best ? -1 : 1);
      if (better < 0) best = school;
    }
    offers[p.receipt_number] = best;
    if (best) left.set(best, left.get(best)! - 1);
  }
  return offers;
}

/** Builds the instance of a campaign's stage, runs the engine and stores a dry run. */
export async function createAdmissionDryRun(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, campaignId: string, stage: 1 | 2): Promise<AdmissionRunRow> {
  const { db } = context;
  const now = context.clock.now();
  const campaign = isUuid(campaignId) ? await findCampaign(db, campaignId) : undefined;
  if (!campaign) throw errors.notFound();
  // Order 458 § 17: stage 1 decisions follow the end of stage 1 — deciding earlier would refuse
  // children whom a later stage-1 application of a higher level would have outranked anyway.
  if (stage === 1 && now < campaign.stage1ClosesAt) {
    throw errors.conflict('stage-not-over', { ru: `Решения первого этапа принимаются после его окончания (${formatDateTime('ru', campaign.stage1ClosesAt)} МСК)`, en: `Stage 1 decisions are made after it ends (${formatDateTime('en', campaign.stage1ClosesAt)} Moscow time)` });
  }
  if (stage === 2 && now < campaign.stage2OpensAt) {
    throw errors.conflict('stage-not-open', { ru: `Второй этап ещё не начался (${formatDateTime('ru', campaign.stage2OpensAt)} МСК)`, en: `Stage 2 has not opened yet (${formatDateTime('en', campaign.stage2OpensAt)} Moscow time)` });
  }
  const rule = orderingRule(campaign, now);
  const pending = await loadPending(db, campaignId, stage);
  const capacities = await schoolCapacities(db, campaignId);
  const applications: OrderApplication[] = pending.map((p) => ({
    receiptNumber: Number(p.receipt_number),
    receivedAt: new Date(p.received_at),
    organizationId: p.organization_id,
    level: p.level ?? (p.in_territory ? 'territory' : null),
  }));
  const instance = buildAdmissionInstance(applications, capacities, rule, {
    campaignId,
    municipalityId: campaign.municipalityId,
    year: campaign.year,
    stage,
    seedSha256: campaign.lotterySeedSha256,
  });
  const result = allocate(instance);
  const tieBreak = instance.tieBreak && 'order' in instance.tieBreak ? instance.tieBreak.order : [];
  const stored: StoredAdmissionResult = {
    result,
    offers: await offersFor(db, campaign, pending, result, tieBreak),
    awaitingDocuments: pending.filter((p) => result.assignment[p.receipt_number] !== null && p.status === 'received').map((p) => p.receipt_number),
    applicants: pending.map((p) => ({ applicationId: p.id, receiptNumber: Number(p.receipt_number), organizationId: p.organization_id, status: p.status, version: p.version })),
  };
  return db.transaction(async (tx) => {
    const [run] = await tx
      .insert(admissionRun)
      .values({
        campaignId,
        municipalityId: campaign.municipalityId,
        stage,
        status: 'dryRun',
        instance,
        result: stored,
        instanceSha256: result.instanceSha256,
        engineVersion: ENGINE_VERSION,
        createdBy: origin.actor.kind === 'account' ? origin.actor.accountId : null,
        createdAt: now,
      })
      .returning();
    await recordAudit(tx, origin, {
      action: 'create',
      entityType: 'admissionRun',
      entityId: run!.id,
      municipalityId: campaign.municipalityId,
      details: { status: 'dryRun', campaignId, stage, instanceSha256: result.instanceSha256 },
    });
    return run!;
  });
}

export async function findAdmissionRun(db: Executor, id: string): Promise<AdmissionRunRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(admissionRun).where(eq(admissionRun.id, id)).limit(1);
  return row;
}

export class StaleAdmissionRunError extends AppError {
  constructor(detail: Message) {
    super(409, 'stale-admission-run', {
      ru: `Пробный расчёт устарел и не может быть утверждён: ${detail.ru}. Выполните новый пробный расчёт.`,
      en: `The dry run is out of date and cannot be committed: ${detail.en}. Make a new dry run.`,
    });
  }
}

const notDryRun = (status: AdmissionRunStatus) =>
  errors.conflict('admission-run-not-dry', {
    ru: `Расчёт уже ${status === 'committed' ? 'утверждён' : 'отменён'}`,
    en: `The run is already ${status === 'committed' ? 'committed' : 'discarded'}`,
  });

const list = (items: readonly (string | number)[]) => items.slice(0, 5).join(', ') + (items.length > 5 ? ` (+${items.length - 5})` : '');

/**
 * Commits a dry run in one transaction: locks the run, its applications (in id order, so two
 * commits queue instead of deadlocking) and the campaign's plans; refuses a stale run; then moves
 * each application to its decision (set-based, see below) in this transaction.
 */
export async function commitAdmissionRun(context: Pick<AppContext, 'db' | 'clock'>, origin: AuditOrigin, runId: string): Promise<{ enrolled: number; refused: number; awaitingDocuments: number }> {
  const now = context.clock.now();
  return context.db.transaction(async (tx) => {
    const [run] = await tx.select().from(admissionRun).where(eq(admissionRun.id, runId)).for('update');
    if (!run) throw errors.notFound();
    if (run.status !== 'dryRun') throw notDryRun(run.status);
    const stored = run.result as StoredAdmissionResult;
    await queryRows(tx, sql`SELECT organization_id FROM admission_school_plan WHERE campaign_id = ${run.campaignId} ORDER BY organization_id FOR UPDATE`);
    const ids = stored.applicants.map((a) => a.applicationId).sort();
    // One array parameter, not one per id: a run may hold more applications than a statement has parameters.
    const current =
      ids.length === 0
        ? []
        : await queryRows<{ id: string; status: AdmissionStatus; version: number; guardian_id: string }>(
            tx,
            sql`SELECT id::text AS id, status, version, guardian_id::text AS guardian_id FROM admission_application
                WHERE campaign_id = ${run.campaignId} AND id IN (SELECT unnest(string_to_array(${ids.join(',')}, ','))::uuid)
                ORDER BY id FOR UPDATE`,
          );
    const latest = new Map(current.map((c) => [c.id, { status: c.status, version: Number(c.version), guardianId: c.guardian_id }]));
    const changed = stored.applicants.filter((a) => {
      const c = latest.get(a.applicationId);
      return !c || c.status !== a.status || c.version !== a.version;
    });
    if (changed.length > 0) {
      const numbers = list(changed.map((a) => a.receiptNumber));
      throw new StaleAdmissionRunError({ ru: `заявления изменились после расчёта (№ ${numbers})`, en: `applications changed after the run (no. ${numbers})` });
    }
    const needed = new Map<string, number>();
    for (const school of Object.values(stored.result.assignment)) if (school) needed.set(school, (needed.get(school) ?? 0) + 1);
    const capacities = await schoolCapacities(tx, run.campaignId, [...needed.keys()]);
    const short = [...needed].filter(([school, n]) => (capacities.get(school) ?? 0) < n).map(([school]) => school);
    if (short.length > 0) {
      throw new StaleAdmissionRunError({ ru: `свободных мест стало меньше, чем распределено (${list(short)})`, en: `fewer free places than allocated (${list(short)})` });
    }
    // The decisions, set-based: the same status and history rows changeAdmissionStatus writes for
    // one application, for the whole run in a few statements (a municipality's stage 1 is
    // thousands of applications); one audit event lists them, as preschool's bulk offers do.
    const decisions: Array<{ id: string; number: number; from: AdmissionStatus; to: AdmissionStatus; offered: string | null; reason: string; guardianId: string }> = [];
    for (const a of [...stored.applicants].sort((x, y) => x.receiptNumber - y.receiptNumber)) {
      const number = String(a.receiptNumber);
      const place = stored.result.assignment[number];
      const guardianId = latest.get(a.applicationId)!.guardianId;
      if (place && a.status === 'documentsChecked') {
        decisions.push({ id: a.applicationId, number: a.receiptNumber, from: a.status, to: 'enrolled', offered: null, guardianId, reason: `Решение по протоколу приёма ${run.id}: место предоставлено` });
      } else if (place === null) {
        decisions.push({ id: a.applicationId, number: a.receiptNumber, from: a.status, to: 'refused', offered: stored.offers[number] ?? null, guardianId, reason: `Отказ за отсутствием свободных мест (приказ 458 п. 14), протокол приёма ${run.id}` });
      }
    }
    for (const d of decisions) if (!canMove(d.from, d.to)) throw new Error(`admission run ${run.id}: ${d.from} → ${d.to} is not a transition`);
    if (decisions.length > 0) {
      const payload = JSON.stringify(decisions.map((d) => ({ id: d.id, from_status: d.from, to_status: d.to, offered: d.offered, reason: d.reason })));
      const actorAccountId = origin.actor.kind === 'account' ? origin.actor.accountId : null;
      await tx.execute(sql`
        UPDATE admission_application a
        SET status = d.to_status, decided_at = ${now}, updated_at = ${now}, version = a.version + 1,
            offered_organization_id = CASE WHEN d.to_status = 'refused' THEN d.offered ELSE a.offered_organization_id END
        FROM jsonb_to_recordset(${payload}::jsonb) AS d(id uuid, from_status text, to_status text, offered uuid, reason text)
        WHERE a.id = d.id AND a.status = d.from_status`);
      await tx.execute(sql`
        INSERT INTO admission_status_change (application_id, from_status, to_status, at, actor_account_id, actor_label, reason)
        SELECT d.id, d.from_status, d.to_status, ${now}, ${actorAccountId}::uuid, ${actorLabel(origin.actor)}, d.reason
        FROM jsonb_to_recordset(${payload}::jsonb) AS d(id uuid, from_status text, to_status text, offered uuid, reason text)`);
      await recordAudit(tx, origin, {
        action: 'update',
        entityType: 'admissionApplication',
        entityId: null,
        municipalityId: run.municipalityId,
        details: { runId: run.id, enrolled: decisions.filter((d) => d.to === 'enrolled').map((d) => d.number), refused: decisions.filter((d) => d.to === 'refused').map((d) => d.number) },
      });
      // The notice names the school offered (Order 458 § 14: the founder's offer of another school).
      const offeredNames = await schoolCards(tx, [...new Set(decisions.flatMap((d) => (d.offered ? [d.offered] : [])))]);
      await notifyPeople(
        tx,
        decisions.map((d) => {
          const name = admissionStatusNames[d.to];
          const detail =
            d.to === 'enrolled'
              ? null
              : d.offered
                ? `Муниципалитет предлагает место в другой школе: ${offeredNames.get(d.offered)?.shortName ?? 'подробности — на странице заявления'}. Обратитесь в управление образования.`
                : 'Свободных мест в других школах муниципалитета сейчас нет; обратитесь в управление образования.';
          return {
            personId: d.guardianId,
            subject: `Заявление в 1 класс № ${d.number}: ${name.ru}`,
            body: [`Статус заявления в 1 класс № ${d.number} изменился: «${name.ru}». Основание: ${d.reason}`, detail].filter(Boolean).join('\n'),
            link: `/admission/applications/${d.id}`,
          };
        }),
      );
    }
    const enrolled = decisions.filter((d) => d.to === 'enrolled').length;
    const refused = decisions.length - enrolled;
    await tx.update(admissionRun).set({ status: 'committed', committedAt: now, committedBy: origin.actor.kind === 'account' ? origin.actor.accountId : null }).where(eq(admissionRun.id, run.id));
    await recordAudit(tx, origin, {
      action: 'update',
      entityType: 'admissionRun',
      entityId: run.id,
      municipalityId: run.municipalityId,
      details: { status: 'committed', enrolled, refused, awaitingDocuments: stored.awaitingDocuments.length, instanceSha256: run.instanceSha256 },
    });
    return { enrolled, refused, awaitingDocuments: stored.awaitingDocuments.length };
  });
}

/** Discards a dry run (kept for the record). */
export async function discardAdmissionRun(context: Pick<AppContext, 'db'>, origin: AuditOrigin, runId: string): Promise<void> {
  await context.db.transaction(async (tx) => {
    const [run] = await tx.select().from(admissionRun).where(eq(admissionRun.id, runId)).for('update');
    if (!run) throw errors.notFound();
    if (run.status !== 'dryRun') throw notDryRun(run.status);
    await tx.update(admissionRun).set({ status: 'discarded' }).where(eq(admissionRun.id, runId));
    await recordAudit(tx, origin, { action: 'update', entityType: 'admissionRun', entityId: runId, municipalityId: run.municipalityId, details: { status: 'discarded' } });
  });
}

export interface AdmissionRunSummary {
  id: string;
  campaignId: string;
  municipalityId: number;
  stage: 1 | 2;
  status: AdmissionRunStatus;
  instanceSha256: string;
  engineVersion: string;
  createdAt: Date;
  committedAt: Date | null;
  applicants: number;
  assigned: number;
}

const summaryColumns = sql`id::text AS id, campaign_id::text AS campaign_id, municipality_id, stage, status, instance_sha256, engine_version, created_at, committed_at,
  (result -> 'result' -> 'summary' ->> 'applicants')::int AS applicants, (result -> 'result' -> 'summary' ->> 'assigned')::int AS assigned`;

function toSummary(r: Record<string, unknown>): AdmissionRunSummary {
  return {
    id: String(r.id),
    campaignId: String(r.campaign_id),
    municipalityId: Number(r.municipality_id),
    stage: Number(r.stage) as 1 | 2,
    status: r.status as AdmissionRunStatus,
    instanceSha256: String(r.instance_sha256),
    engineVersion: String(r.engine_version),
    createdAt: new Date(r.created_at as string),
    committedAt: r.committed_at ? new Date(r.committed_at as string) : null,
    applicants: Number(r.applicants ?? 0),
    assigned: Number(r.assigned ?? 0),
  };
}

/** Runs of a campaign, newest first. */
export async function listAdmissionRuns(db: Executor, campaignId: string, limit = 50): Promise<AdmissionRunSummary[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`SELECT ${summaryColumns} FROM admission_run WHERE campaign_id = ${campaignId} ORDER BY created_at DESC, id LIMIT ${limit}`);
  return rows.map(toSummary);
}

/** Published protocols of a campaign (committed runs), newest first, keyset by (committed_at, id). */
export async function listAdmissionProtocols(db: Executor, campaignId: string, page: { before?: { committedAt: string; id: string } | null; limit: number }): Promise<AdmissionRunSummary[]> {
  const keyset = page.before ? sql`AND (committed_at, id) < (${page.before.committedAt}::timestamptz, ${page.before.id}::uuid)` : sql``;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT ${summaryColumns} FROM admission_run WHERE campaign_id = ${campaignId} AND status = 'committed' ${keyset} ORDER BY committed_at DESC, id DESC LIMIT ${page.limit}`,
  );
  return rows.map(toSummary);
}

/** A committed run or 404: dry and discarded runs are not public. */
export async function getAdmissionProtocol(db: Executor, id: string): Promise<AdmissionRunRow> {
  const run = await findAdmissionRun(db, id);
  if (!run || run.status !== 'committed') throw errors.notFound();
  return run;
}

/** The public face of a protocol: numbers and school ids only (no application ids, no versions). */
export function protocolJson(run: AdmissionRunRow) {
  const stored = run.result as StoredAdmissionResult;
  return {
    id: run.id,
    campaignId: run.campaignId,
    municipalityId: run.municipalityId,
    stage: run.stage,
    engineVersion: run.engineVersion,
    instanceSha256: run.instanceSha256,
    committedAt: run.committedAt ? run.committedAt.toISOString() : null,
    assignment: stored.result.assignment,
    placesLeft: stored.result.placesLeft,
    offers: stored.offers,
  };
}

/** The decision of one receipt number in a run: its school or null (no place) with the offer; undefined if absent. */
export function findDecision(run: AdmissionRunRow, receiptNumber: string): { school: string | null; offered: string | null } | undefined {
  const stored = run.result as StoredAdmissionResult;
  if (!Object.prototype.hasOwnProperty.call(stored.result.assignment, receiptNumber)) return undefined;
  const school = stored.result.assignment[receiptNumber] ?? null;
  return { school, offered: school === null ? stored.offers[receiptNumber] ?? null : null };
}

/** School names of a municipality (public facts), for pages. */
export async function schoolNames(db: Executor, municipalityId: number): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const org of iterateOrganizations(db, { municipalityId, kind: 'school' }, 1000)) names.set(org.id, org.shortName);
  return names;
}

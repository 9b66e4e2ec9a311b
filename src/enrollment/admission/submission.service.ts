/**
 * The accepting path of first-grade admission: a guardian's draft becomes a received application
 * with a receipt number and time fixed by the server (Order 458 §§ 9–17: the order of receipt
 * decides within a priority level; the receipt time never changes).
 *
 * The opening minute (issue 4, item 6; docs/benchmarks.md "Admission opening minute"): each
 * request joins a batch of the concurrent ones in this process (submission.batcher.ts), and a
 * batch is one transaction of four statements whatever its size:
 *
 *   1. lock the receipt counters of the batch's campaigns (serialises batches of one campaign
 *      across every app process, so numbers are gap-free and unique, taken n at a time);
 *   2. one set-based statement that, per request: finds the idempotency key and the draft
 *      (locked), checks owner, status, stage window and stage eligibility, counts the rate-limit
 *      hits, takes the numbers in arrival order, turns drafts into receipts, writes the history
 *      rows and the idempotency keys — a request that fails a check fails alone, not the batch;
 *   3. one `admission.received` job with the batch's application ids (the notice, the flags and
 *      the counters happen there, after the commit);
 *   4. commit. Each request is answered only after this.
 *
 * If the statement still fails (a constraint no check foresaw), the batch is retried one request
 * at a time, so only the offending request fails.
 */
import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/access/access.ts';
import { actorLabel } from '../../platform/audit/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { queryRows, type Database, type Executor, type Transaction } from '../../platform/db/connect.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { arrayLiteral } from '../../demo/bulk-insert.ts';
import { loadCampaignForSubmission, stageAt, stageWindowMessage } from './campaign.service.ts';
import { dedupeBatch, idempotencyErrors, requestFingerprint } from './idempotency.ts';
import { ADMISSION_RECEIVED_QUEUE } from './received.job.ts';
import { rateLimitError, rateRules, secondsToWindowEnd, windowStart } from './rate-limit.ts';
import { BatcherOverloaded, GroupCommitter, defaultBatcherOptions, type BatcherOptions, type ItemResult } from './submission.batcher.ts';

export interface SubmitInput {
  applicationId: string;
  idempotencyKey: string;
  /** The draft version the guardian saw; a draft edited since is refused (409). */
  applicationVersion?: number | null;
}

/** What the guardian is given: the receipt. */
export interface SubmissionReceipt {
  applicationId: string;
  receiptNumber: number;
  receivedAt: Date;
  stage: 1 | 2;
  /** True when this answer repeats an earlier receipt (same key, or the draft was already sent). */
  replayed: boolean;
}

interface PendingSubmission {
  applicationId: string;
  accountId: string;
  personId: string | null;
  actorLabel: string;
  key: string;
  fingerprint: string;
  version: number | null;
  arrivedAt: Date;
}

type Verdict = 'accepted' | 'replay' | 'alreadyReceived' | 'keyReused' | 'notFound' | 'closed' | 'stale' | 'window' | 'notEligible' | 'noPlaces' | 'rateAccount' | 'rateAddress';

interface ResultRow {
  idx: number;
  verdict: Verdict;
  campaign_id: string | null;
  receipt_number: string | number | null;
  received_at: Date | string | null;
  stage: number | null;
}

const notEligibleMessage = {
  ru: 'В первый этап принимаются заявления детей, проживающих на закреплённой за школой территории, и детей с правом внеочередного, первоочередного или преимущественного приёма. Остальные заявления принимаются во втором этапе на свободные места',
  en: 'Stage 1 accepts children living in the school’s territory and children with an out-of-turn, first or sibling priority. Others may apply in stage 2 for the free places',
};

export const submissionErrors = {
  notFound: () => new AppError(404, 'not-found', { ru: 'Черновик заявления не найден', en: 'Draft application not found' }),
  closed: () =>
    new AppError(409, 'application-closed', { ru: 'Заявление отозвано или по нему принято решение; подать его снова нельзя', en: 'The application was withdrawn or decided; it cannot be submitted again' }),
  stale: () =>
    new AppError(409, 'draft-changed', { ru: 'Черновик изменился после открытия страницы. Проверьте его и отправьте снова', en: 'The draft changed after the page was opened. Check it and submit again' }),
  notEligible: () => new AppError(422, 'not-eligible', notEligibleMessage),
  noPlaces: () =>
    new AppError(409, 'no-free-places', { ru: 'В выбранной школе нет свободных мест во втором этапе. Выберите другую школу', en: 'The chosen school has no free places in stage 2. Choose another school' }),
  overloaded: (retryAfterSeconds: number) =>
    new AppError(
      503,
      'overloaded',
      { ru: `Сейчас очень много заявлений. Ваше заявление не отправлено — повторите через ${retryAfterSeconds} с, черновик сохранён`, en: `Too many applications right now. Yours was not sent — retry in ${retryAfterSeconds} s; the draft is kept` },
      {},
      { 'retry-after': String(retryAfterSeconds) },
    ),
};

// Campaigns are read on every submission: keep each for a few seconds per database handle
// (read through the batch's transaction: PGlite is one connection).
const CAMPAIGN_TTL_MS = 3_000;
type Campaign = NonNullable<Awaited<ReturnType<typeof loadCampaignForSubmission>>>;
const campaignCache = new WeakMap<object, Map<string, { at: number; campaign: Promise<Campaign | null> }>>();

function cachedCampaign(db: Database, executor: Executor, campaignId: string): Promise<Campaign | null> {
  let byId = campaignCache.get(db);
  if (!byId) campaignCache.set(db, (byId = new Map()));
  const hit = byId.get(campaignId);
  if (hit && performance.now() - hit.at < CAMPAIGN_TTL_MS) return hit.campaign;
  const campaign = loadCampaignForSubmission(executor, campaignId);
  byId.set(campaignId, { at: performance.now(), campaign });
  campaign.catch(() => byId.delete(campaignId));
  return campaign;
}

/** Forgets the cached campaigns (after an operator edits a campaign in this process; tests). */
export function forgetCachedCampaigns(db: Database): void {
  campaignCache.delete(db);
}

const batchers = new WeakMap<AppContext, GroupCommitter<PendingSubmission, SubmissionReceipt>>();

/** Batcher settings per engine: PGlite is one connection, so one batch at a time. */
export function batcherOptionsFor(context: AppContext): BatcherOptions {
  return context.database.engine === 'pglite' ? { ...defaultBatcherOptions, maxInFlight: 1 } : defaultBatcherOptions;
}

/** The process's batcher for this context (created on first use; tests may install their own). */
export function submissionBatcher(context: AppContext, options?: BatcherOptions): GroupCommitter<PendingSubmission, SubmissionReceipt> {
  let batcher = batchers.get(context);
  if (!batcher || options) {
    batcher = new GroupCommitter((items) => commitSubmissions(context, items), options ?? batcherOptionsFor(context));
    batchers.set(context, batcher);
  }
  return batcher;
}

/**
 * Submits a guardian's draft. Answers after the receipt is committed; throws AppError for a
 * refusal of this request alone (404, 409, 422, 429) and 503 when the process is overloaded
 * (nothing was written: the client retries with the same key).
 */
export async function submitApplication(context: AppContext, actor: Actor, input: SubmitInput): Promise<SubmissionReceipt> {
  if (actor.kind !== 'account') throw errors.unauthenticated();
  const version = input.applicationVersion ?? null;
  const pending: PendingSubmission = {
    applicationId: input.applicationId.toLowerCase(),
    accountId: actor.accountId,
    personId: actor.personId,
    actorLabel: actorLabel(actor),
    key: input.idempotencyKey,
    fingerprint: requestFingerprint(input.applicationId, version),
    version,
    arrivedAt: context.clock.now(),
  };
  try {
    return await submissionBatcher(context).submit(pending);
  } catch (error) {
    if (error instanceof BatcherOverloaded) throw submissionErrors.overloaded(error.retryAfterSeconds);
    throw error;
  }
}

/** Commits one batch; one result per item, in order. */
async function commitSubmissions(context: AppContext, items: PendingSubmission[]): Promise<Array<ItemResult<SubmissionReceipt>>> {
  const { primary, repeats } = dedupeBatch(items.map((i) => ({ ...i, key: i.key })));
  const sent = primary.map((i) => items[i]!);
  let sentResults: Array<ItemResult<SubmissionReceipt>>;
  try {
    sentResults = await commitUnique(context, sent);
  } catch (error) {
    if (sent.length === 1) throw error;
    // Something no check foresaw failed the statement: retry one by one so it fails alone.
    context.logger.warn({ batch: sent.length, err: { type: error instanceof Error ? error.name : 'unknown' } }, 'admission batch failed, retrying one by one');
    sentResults = [];
    for (const item of sent) {
      try {
        sentResults.push(...(await commitUnique(context, [item])));
      } catch (single) {
        sentResults.push({ ok: false, error: single });
      }
    }
  }
  const byIndex = new Map<number, ItemResult<SubmissionReceipt>>();
  primary.forEach((index, position) => byIndex.set(index, sentResults[position]!));
  return items.map((item, index) => {
    const own = byIndex.get(index);
    if (own) return own;
    const firstIndex = repeats.get(index)!;
    const first = items[firstIndex]!;
    const result = byIndex.get(firstIndex)!;
    // The same key for another request is refused; anything else repeats the first answer.
    if (first.accountId === item.accountId && first.key === item.key && first.fingerprint !== item.fingerprint) {
      return { ok: false, error: idempotencyErrors.keyReused() };
    }
    return result.ok ? { ok: true, value: { ...result.value, replayed: true } } : result;
  });
}

function uuidArray(values: readonly (string | null)[]) {
  return sql`${arrayLiteral(values)}::uuid[]`;
}

async function commitUnique(context: AppContext, items: PendingSubmission[]): Promise<Array<ItemResult<SubmissionReceipt>>> {
  const { db } = context;
  const rules = (await rateRules(db)).submission;
  return db.transaction(async (tx) => {
    const campaignOf = await lockCounters(tx, items.map((i) => i.applicationId));
    // Stage per request, by its arrival time and its campaign's dates (campaign.service rules).
    const campaigns = new Map<string, Campaign | null>();
    for (const campaignId of new Set(campaignOf.values())) campaigns.set(campaignId, await cachedCampaign(db, tx, campaignId));
    const stages = items.map((item) => {
      const campaignId = campaignOf.get(item.applicationId);
      const campaign = campaignId ? campaigns.get(campaignId) : null;
      return campaign ? (stageAt(campaign, item.arrivedAt) ?? 0) : 0;
    });
    const now = context.clock.now();
    const rows = await queryRows<ResultRow>(
      tx,
      sql`
      WITH input AS (
        SELECT * FROM unnest(
          ${arrayLiteral(items.map((_, i) => i))}::int[], ${uuidArray(items.map((i) => i.applicationId))}, ${uuidArray(items.map((i) => i.accountId))},
          ${uuidArray(items.map((i) => i.personId))}, ${arrayLiteral(items.map((i) => i.key))}::text[], ${arrayLiteral(items.map((i) => i.fingerprint))}::text[],
          ${arrayLiteral(items.map((i) => i.version))}::int[], ${arrayLiteral(stages)}::int[], ${arrayLiteral(items.map((i) => i.arrivedAt.toISOString()))}::timestamptz[],
          ${arrayLiteral(items.map((i) => i.actorLabel))}::text[]
        ) AS t(idx, app, acc, person, key, fingerprint, version, stage, at, label)
      ),
      draft AS (
        SELECT a.id, a.campaign_id, a.organization_id, a.house_id, a.apartment, a.in_territory, a.status, a.version,
               a.created_by_account_id, a.guardian_id, a.receipt_number, a.received_at, a.stage, pc.level
        FROM admission_application a LEFT JOIN admission_priority_category pc ON pc.code = a.priority_code
        WHERE a.id IN (SELECT app FROM input)
        ORDER BY a.id
        FOR UPDATE OF a
      ),
      classified AS (
        SELECT i.*, d.campaign_id, d.house_id, d.apartment,
          CASE
            WHEN k.key IS NOT NULL AND k.request_sha256 <> i.fingerprint THEN 'keyReused'
            WHEN d.id IS NULL OR NOT (d.created_by_account_id = i.acc OR d.guardian_id IS NOT DISTINCT FROM i.person) THEN 'notFound'
            WHEN k.key IS NOT NULL THEN 'replay'
            WHEN d.status IN ('received', 'documentsChecked', 'enrolled') THEN 'alreadyReceived'
            WHEN d.status <> 'draft' THEN 'closed'
            WHEN i.version IS NOT NULL AND i.version <> d.version THEN 'stale'
            WHEN i.stage = 0 THEN 'window'
            -- Order 458 §§ 9–12, 15: stage 1 is for the territory and the priority categories
            WHEN i.stage = 1 AND NOT (d.in_territory OR coalesce(d.level IN ('outOfTurn', 'first', 'sibling'), false)) THEN 'notEligible'
            -- Order 458 § 16: stage 2 while the school has free places
            WHEN i.stage = 2 AND NOT EXISTS (
              SELECT 1 FROM admission_school_plan p
              WHERE p.campaign_id = d.campaign_id AND p.organization_id = d.organization_id
                AND p.planned_places > (SELECT count(*) FROM admission_application e
                                        WHERE e.campaign_id = d.campaign_id AND e.organization_id = d.organization_id AND e.status = 'enrolled')
            ) THEN 'noPlaces'
            ELSE 'candidate'
          END AS verdict,
          'submission:account:' || i.acc::text AS account_bucket,
          CASE WHEN d.house_id IS NOT NULL
               THEN 'submission:address:' || d.house_id::text || ':' || lower(regexp_replace(coalesce(d.apartment, ''), '\\s+', '', 'g')) END AS address_bucket,
          d.receipt_number AS old_number, d.received_at AS old_received_at, d.stage AS old_stage
        FROM input i
        LEFT JOIN draft d ON d.id = i.app
        LEFT JOIN admission_submission_key k ON k.account_id = i.acc AND k.key = i.key
      ),
      wanted AS (
        SELECT bucket, window_start, count(*)::int AS n FROM (
          SELECT account_bucket AS bucket, ${windowStart(now, rules.account.windowSeconds).toISOString()}::timestamptz AS window_start FROM classified WHERE verdict = 'candidate'
          UNION ALL
          SELECT address_bucket, ${windowStart(now, rules.address.windowSeconds).toISOString()}::timestamptz FROM classified WHERE verdict = 'candidate' AND address_bucket IS NOT NULL
        ) b GROUP BY bucket, window_start
      ),
      counted AS (
        INSERT INTO admission_rate_counter (bucket, window_start, hits)
        SELECT bucket, window_start, n FROM wanted ORDER BY bucket
        ON CONFLICT (bucket, window_start) DO UPDATE SET hits = admission_rate_counter.hits + EXCLUDED.hits
        RETURNING bucket, hits
      ),
      limited AS (
        SELECT c.idx, c.app, c.acc, c.campaign_id, c.stage, c.at, c.label, c.key, c.fingerprint,
          (ca.hits - wa.n + row_number() OVER (PARTITION BY c.account_bucket ORDER BY c.idx)) <= ${rules.account.maxHits} AS account_ok,
          (c.address_bucket IS NULL OR (cd.hits - wd.n + row_number() OVER (PARTITION BY c.address_bucket ORDER BY c.idx)) <= ${rules.address.maxHits}) AS address_ok
        FROM classified c
        JOIN counted ca ON ca.bucket = c.account_bucket JOIN wanted wa ON wa.bucket = c.account_bucket
        LEFT JOIN counted cd ON cd.bucket = c.address_bucket LEFT JOIN wanted wd ON wd.bucket = c.address_bucket
        WHERE c.verdict = 'candidate'
      ),
      accepted AS (
        SELECT l.*, row_number() OVER (PARTITION BY l.campaign_id ORDER BY l.idx) AS ordinal
        FROM limited l WHERE l.account_ok AND l.address_ok
      ),
      taken AS (
        UPDATE admission_receipt_counter rc SET last_number = rc.last_number + x.n
        FROM (SELECT campaign_id, count(*) AS n FROM accepted GROUP BY campaign_id) x
        WHERE rc.campaign_id = x.campaign_id
        RETURNING rc.campaign_id, rc.last_number - x.n AS base
      ),
      received AS (
        UPDATE admission_application a
        SET status = 'received', stage = ac.stage, receipt_number = t.base + ac.ordinal, received_at = ac.at,
            updated_at = ac.at, version = a.version + 1
        FROM accepted ac JOIN taken t ON t.campaign_id = ac.campaign_id
        WHERE a.id = ac.app
        RETURNING a.id, a.receipt_number, a.received_at, a.stage
      ),
      history AS (
        INSERT INTO admission_status_change (application_id, from_status, to_status, at, actor_account_id, actor_label, reason)
        SELECT app, 'draft', 'received', at, acc, label, 'submitted' FROM accepted ORDER BY idx
      ),
      keys AS (
        INSERT INTO admission_submission_key (account_id, key, request_sha256, application_id, created_at)
        SELECT acc, key, fingerprint, app, at FROM accepted
        ON CONFLICT (account_id, key) DO NOTHING
      )
      SELECT c.idx, c.campaign_id,
        CASE WHEN r.id IS NOT NULL THEN 'accepted'
             WHEN c.verdict = 'candidate' AND NOT l.account_ok THEN 'rateAccount'
             WHEN c.verdict = 'candidate' THEN 'rateAddress'
             ELSE c.verdict END AS verdict,
        coalesce(r.receipt_number, c.old_number) AS receipt_number,
        coalesce(r.received_at, c.old_received_at) AS received_at,
        coalesce(r.stage, c.old_stage) AS stage
      FROM classified c
      LEFT JOIN received r ON r.id = c.app
      LEFT JOIN limited l ON l.idx = c.idx
      ORDER BY c.idx`,
    );
    const acceptedIds = rows.filter((r) => r.verdict === 'accepted').map((r) => items[r.idx]!.applicationId);
    if (acceptedIds.length > 0) await enqueue(tx, ADMISSION_RECEIVED_QUEUE, { applicationIds: acceptedIds });
    return rows.map((row): ItemResult<SubmissionReceipt> => {
      const item = items[row.idx]!;
      const campaign = row.campaign_id ? campaigns.get(row.campaign_id) : null;
      switch (row.verdict) {
        case 'accepted':
        case 'replay':
        case 'alreadyReceived':
          return {
            ok: true,
            value: {
              applicationId: item.applicationId,
              receiptNumber: Number(row.receipt_number),
              receivedAt: new Date(row.received_at!),
              stage: Number(row.stage) === 2 ? 2 : 1,
              replayed: row.verdict !== 'accepted',
            },
          };
        case 'keyReused':
          return { ok: false, error: idempotencyErrors.keyReused() };
        case 'notFound':
          return { ok: false, error: submissionErrors.notFound() };
        case 'closed':
          return { ok: false, error: submissionErrors.closed() };
        case 'stale':
          return { ok: false, error: submissionErrors.stale() };
        case 'window':
          return { ok: false, error: new AppError(422, 'outside-window', campaign ? stageWindowMessage(campaign, item.arrivedAt) : { ru: 'Приём заявлений не идёт', en: 'Applications are not being accepted' }) };
        case 'notEligible':
          return { ok: false, error: submissionErrors.notEligible() };
        case 'noPlaces':
          return { ok: false, error: submissionErrors.noPlaces() };
        case 'rateAccount':
          return { ok: false, error: rateLimitError('account', secondsToWindowEnd(now, rules.account.windowSeconds)) };
        case 'rateAddress':
          return { ok: false, error: rateLimitError('address', secondsToWindowEnd(now, rules.address.windowSeconds)) };
        default:
          return { ok: false, error: new Error(`unexpected verdict ${String(row.verdict)}`) };
      }
    });
  });
}

/**
 * Locks the receipt counters of the applications' campaigns, in campaign order (no deadlock
 * between processes), creating a missing counter first. Returns application → campaign.
 */
async function lockCounters(tx: Transaction, applicationIds: string[]): Promise<Map<string, string>> {
  const lock = () =>
    queryRows<{ id: string; campaign_id: string; locked: boolean }>(
      tx,
      sql`WITH wanted AS (SELECT id, campaign_id FROM admission_application WHERE id = ANY(${uuidArray(applicationIds)})),
               locked AS (SELECT rc.campaign_id FROM admission_receipt_counter rc
                          WHERE rc.campaign_id IN (SELECT campaign_id FROM wanted) ORDER BY rc.campaign_id FOR UPDATE)
          SELECT w.id, w.campaign_id, (l.campaign_id IS NOT NULL) AS locked FROM wanted w LEFT JOIN locked l ON l.campaign_id = w.campaign_id`,
    );
  let rows = await lock();
  const missing = [...new Set(rows.filter((r) => !r.locked).map((r) => r.campaign_id))];
  if (missing.length > 0) {
    await tx.execute(sql`INSERT INTO admission_receipt_counter (campaign_id) SELECT unnest(${uuidArray(missing)}) ON CONFLICT DO NOTHING`);
    rows = await lock();
  }
  return new Map(rows.map((r) => [r.id, r.campaign_id]));
}

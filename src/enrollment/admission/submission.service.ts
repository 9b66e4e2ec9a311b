/**
 * The accepting path of first-grade admission: a guardian's draft becomes a received application
 * with a receipt number and time fixed by the server (Order 458 §§ 9–17: the order of receipt
 * decides within a priority level; the receipt time never changes).
 *
 * The opening minute (issue 4, item 6; docs/benchmarks.md "Admission opening minute"): each
 * request joins a batch of the concurrent ones in this process (submission.batcher.ts), and a
 * batch is two autocommit statements whatever its size (round trips and commits are the budget,
 * DESIGN.md "Scale-out"):
 *
 *   1. read the drafts' campaigns and address buckets and count the per-account and per-address
 *      hits of the whole batch in one upsert (no lock on the receipt counters yet);
 *   2. one set-based statement that locks the receipt counters of the batch's campaigns and then
 *      the drafts (serialises batches of one campaign across every app process, so numbers are
 *      gap-free and unique, taken n at a time), and per request: finds the idempotency key and
 *      the draft, checks owner, status, stage window, stage eligibility and the limits, takes the
 *      numbers in arrival order, turns drafts into receipts, writes the history rows and the
 *      idempotency keys — a request that fails a check fails alone, not the batch — and one
 *      `admission.received` job with the batch's application ids (the notice, the flags and the
 *      counters happen there, after the commit). Being one statement in its own transaction, it
 *      holds the counters only while it runs and its commit is flushed: no client round trip
 *      (BEGIN, a second statement, COMMIT) happens inside the serialised part, which was what
 *      limited the rate when it was a transaction of two statements.
 *
 * Each request is answered only after statement 2 has committed.
 * If the statement still fails (a constraint no check foresaw), the batch is retried one request
 * at a time, so only the offending request fails.
 */
import type { Actor } from '../../platform/access/access.ts';
import { actorLabel } from '../../platform/audit/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { arrayLiteral, preparedRows, type Database, type Executor, type PreparedStatement } from '../../platform/db/connect.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { loadCampaignForSubmission, stageAt, stageWindowMessage } from './campaign.service.ts';
import { dedupeBatch, idempotencyErrors, requestFingerprint } from './idempotency.ts';
import { ADMISSION_RECEIVED_QUEUE } from './received.job.ts';
import { accountBucket, rateLimitError, rateRules, secondsToWindowEnd, windowStart, type RateRules } from './rate-limit.ts';
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
  return context.database.engine === 'pglite' ? { ...defaultBatcherOptions, maxInFlight: 1 } : { ...defaultBatcherOptions, maxInFlight: 2 };
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

async function commitUnique(context: AppContext, items: PendingSubmission[]): Promise<Array<ItemResult<SubmissionReceipt>>> {
  const { db } = context;
  const rules = (await rateRules(db)).submission;
  const now = context.clock.now();
  const batch = await prepareBatch(db, items, rules, now);
  const drafts = batch.drafts;
  // Stage per request, by its arrival time and its campaign's dates (campaign.service rules).
  const campaigns = new Map<string, Campaign | null>();
  for (const draft of drafts.values()) {
    if (!campaigns.has(draft.campaign_id)) campaigns.set(draft.campaign_id, await cachedCampaign(db, db, draft.campaign_id));
  }
  const stages = items.map((item) => {
    const draft = drafts.get(item.applicationId);
    const campaign = draft ? campaigns.get(draft.campaign_id) : null;
    return campaign ? (stageAt(campaign, item.arrivedAt) ?? 0) : 0;
  });
  {
    const limits = overLimits(items, batch, rules);
    // One autocommit statement: the counter locks are taken inside it and released by its own
    // commit, so no client round trip happens while a campaign's numbers are held.
    const rows = await preparedRows<ResultRow>(db, receiptStatement, [
      arrayLiteral(items.map((_, i) => i)),
      arrayLiteral(items.map((i) => i.applicationId)),
      arrayLiteral(items.map((i) => i.accountId)),
      arrayLiteral(items.map((i) => i.personId)),
      arrayLiteral(items.map((i) => i.key)),
      arrayLiteral(items.map((i) => i.fingerprint)),
      arrayLiteral(items.map((i) => i.version)),
      arrayLiteral(stages),
      arrayLiteral(items.map((i) => i.arrivedAt.toISOString())),
      arrayLiteral(items.map((i) => i.actorLabel)),
      arrayLiteral(limits),
      ADMISSION_RECEIVED_QUEUE,
    ]);
    rows.sort((a, b) => a.idx - b.idx);
    if (rows.length !== items.length) throw new Error(`admission batch: ${rows.length} results for ${items.length} requests`);
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
  }
}

interface BatchDraft {
  id: string;
  campaign_id: string;
  address_bucket: string | null;
}

interface PreparedBatch {
  drafts: Map<string, BatchDraft>;
  /** Hits per bucket after this batch's hits were added. */
  hits: Map<string, number>;
}

/**
 * One autocommit statement before the batch's receipt statement, outside any lock on the
 * counters: reads the drafts' campaigns and address buckets, creates a campaign's receipt
 * counter if it is missing, and counts the batch's hits on the per-account and per-address
 * limits (one upsert, in bucket order, so concurrent batches never deadlock). The hits are
 * committed whatever happens to the receipts: a limit counts attempts.
 */
async function prepareBatch(db: Database, items: PendingSubmission[], rules: RateRules['submission'], now: Date): Promise<PreparedBatch> {
  const rows = await preparedRows<{ id: string | null; campaign_id: string | null; address_bucket: string | null; bucket: string | null; hits: number | null }>(db, prepareStatement, [
    arrayLiteral(items.map((i) => i.applicationId)),
    windowStart(now, rules.account.windowSeconds).toISOString(),
    arrayLiteral(items.map((i) => i.accountId)),
    windowStart(now, rules.address.windowSeconds).toISOString(),
  ]);
  return {
    drafts: new Map(rows.filter((r) => r.id !== null).map((r) => [r.id!, { id: r.id!, campaign_id: r.campaign_id!, address_bucket: r.address_bucket }])),
    hits: new Map(rows.filter((r) => r.bucket !== null).map((r) => [r.bucket!, Number(r.hits)])),
  };
}

/**
 * Per request, 'account' or 'address' when it goes over its limit, else null. The hits of the
 * batch were counted together; within the batch they are taken in arrival order.
 */
function overLimits(items: PendingSubmission[], batch: PreparedBatch, rules: RateRules['submission']): Array<'account' | 'address' | null> {
  const perItem = items.map((item) => ({
    account: accountBucket('submission', item.accountId),
    address: batch.drafts.get(item.applicationId)?.address_bucket ?? null,
  }));
  const inBatch = new Map<string, number>();
  for (const b of perItem) {
    inBatch.set(b.account, (inBatch.get(b.account) ?? 0) + 1);
    if (b.address) inBatch.set(b.address, (inBatch.get(b.address) ?? 0) + 1);
  }
  const used = new Map([...inBatch].map(([bucket, n]) => [bucket, (batch.hits.get(bucket) ?? n) - n]));
  return perItem.map((b) => {
    const account = used.get(b.account)! + 1;
    used.set(b.account, account);
    let address = 0;
    if (b.address) {
      address = used.get(b.address)! + 1;
      used.set(b.address, address);
    }
    if (account > rules.account.maxHits) return 'account';
    if (b.address && address > rules.address.maxHits) return 'address';
    return null;
  });
}

/**
 * The receipt statement (see the header): one autocommit statement per batch, prepared once per
 * connection. Parameters are the batch's columns as arrays, in arrival order, and the job queue.
 */
const receiptStatement: PreparedStatement = {
  name: 'admission_receipts_v1',
  text: `
      WITH input AS (
        SELECT * FROM unnest(
          $1::int[], $2::uuid[], $3::uuid[],
          $4::uuid[], $5::text[], $6::text[],
          $7::int[], $8::int[], $9::timestamptz[],
          $10::text[], $11::text[]
        ) AS t(idx, app, acc, person, key, fingerprint, version, stage, at, label, over_limit)
      ),
      -- Lock the receipt counters of the batch's campaigns (in campaign order), then the drafts (in
      -- id order) — the same order in every process, so batches never deadlock. FOR UPDATE returns
      -- the latest committed version of each draft, so a draft received by a concurrent batch
      -- since this statement began is seen as received (no second number).
      counters AS (
        SELECT rc.campaign_id FROM admission_receipt_counter rc
        WHERE rc.campaign_id IN (SELECT campaign_id FROM admission_application WHERE id IN (SELECT app FROM input))
        ORDER BY rc.campaign_id FOR UPDATE
      ),
      locked AS (
        SELECT a.id, a.campaign_id, a.organization_id, a.created_by_account_id, a.guardian_id, a.status, a.version, a.in_territory,
               a.priority_code, a.receipt_number, a.received_at, a.stage
        FROM admission_application a
        WHERE a.id IN (SELECT app FROM input) AND (SELECT count(*) FROM counters) >= 0
        ORDER BY a.id FOR UPDATE
      ),
      classified AS (
        SELECT i.*, a.campaign_id, a.receipt_number AS old_number, a.received_at AS old_received_at, a.stage AS old_stage,
          CASE
            WHEN k.key IS NOT NULL AND k.request_sha256 <> i.fingerprint THEN 'keyReused'
            WHEN a.id IS NULL OR NOT (a.created_by_account_id = i.acc OR a.guardian_id IS NOT DISTINCT FROM i.person) THEN 'notFound'
            WHEN k.key IS NOT NULL THEN 'replay'
            WHEN a.status IN ('received', 'documentsChecked', 'enrolled') THEN 'alreadyReceived'
            WHEN a.status <> 'draft' THEN 'closed'
            WHEN i.version IS NOT NULL AND i.version <> a.version THEN 'stale'
            WHEN i.stage = 0 THEN 'window'
            -- Order 458 §§ 9–12, 15: stage 1 is for the territory and the priority categories
            WHEN i.stage = 1 AND NOT (a.in_territory OR coalesce(pc.level IN ('outOfTurn', 'first', 'sibling'), false)) THEN 'notEligible'
            -- Order 458 § 16: stage 2 while the school has free places
            WHEN i.stage = 2 AND NOT EXISTS (
              SELECT 1 FROM admission_school_plan p
              WHERE p.campaign_id = a.campaign_id AND p.organization_id = a.organization_id
                AND p.planned_places > (SELECT count(*) FROM admission_application e
                                        WHERE e.campaign_id = a.campaign_id AND e.organization_id = a.organization_id AND e.status = 'enrolled')
            ) THEN 'noPlaces'
            WHEN i.over_limit = 'account' THEN 'rateAccount'
            WHEN i.over_limit = 'address' THEN 'rateAddress'
            ELSE 'candidate'
          END AS verdict
        FROM input i
        LEFT JOIN locked a ON a.id = i.app
        LEFT JOIN admission_priority_category pc ON pc.code = a.priority_code
        LEFT JOIN admission_submission_key k ON k.account_id = i.acc AND k.key = i.key
      ),
      accepted AS (
        SELECT c.*, row_number() OVER (PARTITION BY c.campaign_id ORDER BY c.idx) AS ordinal FROM classified c WHERE c.verdict = 'candidate'
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
        RETURNING ac.idx, a.campaign_id, a.receipt_number, a.received_at, a.stage
      ),
      history AS (
        INSERT INTO admission_status_change (application_id, from_status, to_status, at, actor_account_id, actor_label, reason)
        SELECT app, 'draft', 'received', at, acc, label, 'submitted' FROM accepted ORDER BY idx
      ),
      keys AS (
        INSERT INTO admission_submission_key (account_id, key, request_sha256, application_id, created_at)
        SELECT acc, key, fingerprint, app, at FROM accepted
        ON CONFLICT (account_id, key) DO NOTHING
      ),
      -- The one job of the batch, as platform/jobs enqueue() writes it (due now, 5 attempts), in
      -- this statement to save a round trip while the counters are locked.
      job_row AS (
        INSERT INTO job (queue, payload, max_attempts)
        SELECT $12::text, jsonb_build_object('applicationIds', jsonb_agg(app ORDER BY idx)), 5 FROM accepted HAVING count(*) > 0
      )
      SELECT idx, campaign_id, 'accepted' AS verdict, receipt_number, received_at, stage FROM received
      UNION ALL
      SELECT idx, campaign_id, verdict, old_number, old_received_at, old_stage FROM classified WHERE verdict <> 'candidate'`,
};

const prepareStatement: PreparedStatement = {
  name: 'admission_prepare_batch_v1',
  text: `WITH drafts AS (
          SELECT a.id, a.campaign_id,
                 CASE WHEN a.house_id IS NOT NULL
                      THEN 'submission:address:' || a.house_id::text || ':' || lower(regexp_replace(coalesce(a.apartment, ''), '[[:space:]]+', '', 'g')) END AS address_bucket
          FROM admission_application a
          WHERE a.id = ANY($1::uuid[])
        ),
        missing AS (
          INSERT INTO admission_receipt_counter (campaign_id)
          SELECT DISTINCT d.campaign_id FROM drafts d
          WHERE NOT EXISTS (SELECT 1 FROM admission_receipt_counter rc WHERE rc.campaign_id = d.campaign_id)
          ON CONFLICT DO NOTHING
        ),
        wanted AS (
          SELECT bucket, window_start, count(*)::int AS n FROM (
            SELECT 'submission:account:' || lower(acc) AS bucket, $2::timestamptz AS window_start
            FROM unnest($3::text[]) AS acc
            UNION ALL
            SELECT d.address_bucket, $4::timestamptz
            FROM unnest($1::uuid[]) AS app JOIN drafts d ON d.id = app WHERE d.address_bucket IS NOT NULL
          ) b GROUP BY bucket, window_start
        ),
        counted AS (
          INSERT INTO admission_rate_counter (bucket, window_start, hits)
          SELECT bucket, window_start, n FROM wanted ORDER BY bucket
          ON CONFLICT (bucket, window_start) DO UPDATE SET hits = admission_rate_counter.hits + EXCLUDED.hits
          RETURNING bucket, hits
        )
        SELECT d.id, d.campaign_id, d.address_bucket, NULL::text AS bucket, NULL::int AS hits FROM drafts d
        UNION ALL
        SELECT NULL, NULL, NULL, bucket, hits FROM counted`,
};

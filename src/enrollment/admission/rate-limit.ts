/**
 * Per-account and per-address (house + apartment) limits on admission submissions and drafts
 * (issue 4, item 6). Fixed windows counted in PostgreSQL (`admission_rate_counter`, migration
 * 0018), so every app process shares them. The limits are reference data
 * (`admission_rate_rule`), read at most every few seconds.
 *
 * Submissions count their hits inside the batch statement of the accepting path (no commit of
 * its own); drafts call `hitRateLimits` in their own transaction.
 */
import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../../platform/db/connect.ts';
import { queryRows } from '../../platform/db/connect.ts';
import { AppError } from '../../platform/errors.ts';
import type { Message } from '../../platform/i18n/i18n.ts';
import { admissionRateRule, type RateAction, type RateScope } from './rate-limit.schema.ts';

export interface RateRule {
  maxHits: number;
  windowSeconds: number;
}

export type RateRules = Record<RateAction, Record<RateScope, RateRule>>;

/**
 * How long a process keeps the limits it read. An entry is stamped when its read starts, before
 * the read's snapshot, so a change committed later is seen by every process within this interval
 * (the editor's page states it from this constant).
 */
export const RATE_RULES_TTL_MS = 5_000;
const rulesCache = new WeakMap<object, { at: number; rules: Promise<RateRules> }>();

/** The limits, cached per database handle for a few seconds (they change once a year). */
export function rateRules(db: Database): Promise<RateRules> {
  const cached = rulesCache.get(db);
  if (cached && performance.now() - cached.at < RATE_RULES_TTL_MS) return cached.rules;
  const rules = (async () => {
    const rows = await db.select().from(admissionRateRule);
    const fallback: RateRule = { maxHits: 1_000_000, windowSeconds: 60 };
    const out: RateRules = { submission: { account: fallback, address: fallback }, draft: { account: fallback, address: fallback } };
    for (const row of rows) out[row.action][row.scope] = { maxHits: row.maxHits, windowSeconds: row.windowSeconds };
    return out;
  })();
  rulesCache.set(db, { at: performance.now(), rules });
  rules.catch(() => rulesCache.delete(db));
  return rules;
}

/** Forgets the cached limits (after a regional administrator edits them in this process: rate-limit.service; tests). */
export function forgetRateRules(db: Database): void {
  rulesCache.delete(db);
}

/** Start of the fixed window containing `now`. */
export function windowStart(now: Date, windowSeconds: number): Date {
  const ms = windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / ms) * ms);
}

/** Seconds until the window containing `now` ends (the Retry-After of a refusal). */
export function secondsToWindowEnd(now: Date, windowSeconds: number): number {
  return Math.max(1, Math.ceil((windowStart(now, windowSeconds).getTime() + windowSeconds * 1000 - now.getTime()) / 1000));
}

/** The bucket of an address: the house and the apartment, normalised. */
export function addressBucket(action: RateAction, houseId: string, apartment: string | null): string {
  return `${action}:address:${houseId.toLowerCase()}:${(apartment ?? '').trim().toLowerCase().replace(/\s+/g, '')}`;
}

export function accountBucket(action: RateAction, accountId: string): string {
  return `${action}:account:${accountId.toLowerCase()}`;
}

const scopeMessages: Record<RateScope, (minutes: number) => Message> = {
  account: (minutes) => ({
    ru: `Слишком много попыток с этой учётной записи. Повторите через ${minutes} мин.`,
    en: `Too many attempts from this account. Try again in ${minutes} min.`,
  }),
  address: (minutes) => ({
    ru: `Слишком много заявлений с этого адреса (дом и квартира). Повторите через ${minutes} мин. или обратитесь в школу лично`,
    en: `Too many applications from this address (house and apartment). Try again in ${minutes} min. or apply at the school in person`,
  }),
};

/** 429 with Retry-After and a message naming what was exceeded. */
export function rateLimitError(scope: RateScope, retryAfterSeconds: number): AppError {
  return new AppError(429, 'too-many-requests', scopeMessages[scope](Math.max(1, Math.ceil(retryAfterSeconds / 60))), {}, { 'retry-after': String(retryAfterSeconds) });
}

/**
 * Counts one hit for the account and, when given, for the address; throws 429 when either goes
 * over its limit. Run it inside the transaction that saves the draft.
 */
export async function hitRateLimits(
  executor: Executor,
  rules: RateRules,
  action: RateAction,
  subject: { accountId: string; houseId?: string | null; apartment?: string | null },
  now: Date,
): Promise<void> {
  const hits: Array<{ scope: RateScope; bucket: string; rule: RateRule }> = [{ scope: 'account', bucket: accountBucket(action, subject.accountId), rule: rules[action].account }];
  if (subject.houseId) hits.push({ scope: 'address', bucket: addressBucket(action, subject.houseId, subject.apartment ?? null), rule: rules[action].address });
  for (const hit of hits.sort((a, b) => a.bucket.localeCompare(b.bucket))) {
    const start = windowStart(now, hit.rule.windowSeconds);
    const [row] = await queryRows<{ hits: number }>(
      executor,
      sql`INSERT INTO admission_rate_counter (bucket, window_start, hits) VALUES (${hit.bucket}, ${start.toISOString()}::timestamptz, 1)
          ON CONFLICT (bucket, window_start) DO UPDATE SET hits = admission_rate_counter.hits + 1
          RETURNING hits`,
    );
    if (Number(row?.hits ?? 0) > hit.rule.maxHits) throw rateLimitError(hit.scope, secondsToWindowEnd(now, hit.rule.windowSeconds));
  }
}

export const RATE_COUNTER_PURGE_QUEUE = 'admission.purge-rate-counters';

/**
 * Deletes the counters of windows that have ended: a window is read only while `now` is inside
 * it, so a counter older than the longest window (plus an hour of slack for clocks) is never
 * read again. Run hourly by the job worker; returns how many were deleted.
 */
export async function purgeRateCounters(db: Executor, now: Date): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`WITH gone AS (
          DELETE FROM admission_rate_counter
           WHERE window_start < ${now.toISOString()}::timestamptz
                 - make_interval(secs => 3600 + coalesce((SELECT max(window_seconds) FROM admission_rate_rule), 0))
          RETURNING 1)
        SELECT count(*)::int AS n FROM gone`,
  );
  return Number(rows[0]?.n ?? 0);
}

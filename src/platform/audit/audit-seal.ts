/**
 * Sealing the pending audit events (migrations/0029_audit_pending.sql). A hot write path (saving
 * gradebook cells) writes its event to `audit_pending` in its own transaction instead of
 * chaining it there, so audited writes stop waiting for one another; `audit_seal()` then chains
 * the pending events into `audit_event` in the order they were written, a batch per transaction.
 * The writer asks for a seal a moment later (`requestAuditSeal`, coalesced per process); the
 * `platform.audit-seal` job seals whatever a process that ended left behind.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/connect.ts';

const BATCH = 500;

/** Chains every pending event, oldest first, `BATCH` per transaction; returns how many. */
export async function sealPendingAudit(db: Executor): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = await queryRows<{ n: number | string }>(db, sql`SELECT audit_seal(${BATCH}) AS n`);
    const n = Number(row?.n ?? 0);
    total += n;
    if (n < BATCH) return total;
  }
}

/** Events written but not yet chained. */
export async function countPendingAudit(db: Executor): Promise<number> {
  return (await pendingAudit(db, new Date())).count;
}

/** How many events wait to be chained, and how long the oldest has waited (seconds; 0 if none). */
export async function pendingAudit(db: Executor, now: Date): Promise<{ count: number; oldestSeconds: number }> {
  const [row] = await queryRows<{ n: number | string; oldest: Date | string | null }>(db, sql`SELECT count(*) AS n, min(occurred_at) AS oldest FROM audit_pending`);
  const oldest = row?.oldest ? new Date(row.oldest) : null;
  return { count: Number(row?.n ?? 0), oldestSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0 };
}

/** A pending event older than this means sealing has stalled (verify-audit fails). */
export const PENDING_AUDIT_MAX_SECONDS = 300;

const scheduled = new WeakSet<object>();

/**
 * Seals the pending events `delayMs` from now, once for all the writes of that moment. A failed
 * seal loses nothing: the events stay pending for the next seal or the periodic job, and
 * `verify-audit` fails if one waits too long.
 */
export function requestAuditSeal(db: Executor, delayMs = 50): void {
  if (scheduled.has(db)) return;
  scheduled.add(db);
  setTimeout(() => {
    scheduled.delete(db);
    // nothing is lost: the events stay pending for the next seal or the job; say why on stderr
    sealPendingAudit(db).catch((error: unknown) => process.emitWarning(`audit seal failed: ${(error as Error).message}`));
  }, delayMs).unref();
}

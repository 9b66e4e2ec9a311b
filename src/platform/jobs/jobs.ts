/**
 * Background jobs in PostgreSQL (docs/decisions/0002-own-job-queue.md). A job is a row in `job`:
 * enqueue it in the same transaction as the change that calls for it, so it exists exactly when
 * the change commits. Workers in any number of processes claim due jobs with
 * `FOR UPDATE SKIP LOCKED` and hold them under a lease (`locked_until`); a job whose lease ran out
 * (its process died) is claimed again. Failures are retried with exponential backoff until
 * `max_attempts`, then the job is marked failed and kept for inspection.
 *
 * Time: due-ness, leases and backoff follow the injected clock (`context.clock`), so tests move
 * time instead of waiting. A job enqueued without `runAt` is due at once whatever the clock says.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { queryRows, type Executor } from '../db/connect.ts';
import { loggableError } from '../http/error-handler.tsx';
import { job } from './jobs.schema.ts';

export type JobRow = typeof job.$inferSelect;

export interface EnqueueOptions {
  /** Not before this moment; absent → as soon as a worker is free. */
  runAt?: Date;
  /** Attempts before the job is marked failed (default 5). */
  maxAttempts?: number;
}

/** Adds a job. Pass the transaction of the change that calls for it. Returns the job id. */
export async function enqueue(executor: Executor, queue: string, payload: Record<string, unknown> = {}, options: EnqueueOptions = {}): Promise<number> {
  const [row] = await executor
    .insert(job)
    .values({
      queue,
      payload,
      // Without runAt the database stamps run_at = created_at: the worker reads that as "due now".
      ...(options.runAt ? { runAt: options.runAt } : {}),
      maxAttempts: options.maxAttempts ?? 5,
    })
    .returning({ id: job.id });
  return row!.id;
}

/** What a handler gets: the job (attempts counts this one) and the platform context. */
export interface JobRun {
  id: number;
  queue: string;
  payload: Record<string, unknown>;
  attempt: number;
  maxAttempts: number;
}

export type JobHandler = (run: JobRun, context: AppContext) => Promise<void>;

/** A queue the worker keeps fed by itself: one pending job at a time, `everyMs` apart. */
export interface JobSchedule {
  queue: string;
  everyMs: number;
  payload?: Record<string, unknown>;
}

export interface WorkerOptions {
  /** Jobs run at the same time by this worker. */
  concurrency?: number;
  /** How often an idle worker looks for due jobs. */
  pollMs?: number;
  /** How long a claimed job stays locked to this worker; a crash frees it after this. */
  leaseMs?: number;
  /** Backoff before retry n is baseBackoffMs · 2^(n−1), capped at maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  schedules?: JobSchedule[];
  /** Name in `locked_by`; defaults to host:pid:random. */
  workerId?: string;
}

export interface Worker {
  readonly id: string;
  /** Claims and runs due jobs once, without waiting for the timer (tests, and the poll loop). */
  runOnce(): Promise<number>;
  /** Stops claiming and waits for the running jobs to finish. */
  stop(): Promise<void>;
}

/** Delay before the next attempt after `attempt` failed attempts. */
export function backoffMs(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

interface ClaimedRow {
  id: string | number;
  queue: string;
  payload: Record<string, unknown> | string;
  attempts: number;
  max_attempts: number;
}

/** Starts a worker over the given queues. */
export function startWorker(context: AppContext, handlers: Record<string, JobHandler>, options: WorkerOptions = {}): Worker {
  const concurrency = options.concurrency ?? 2;
  const pollMs = options.pollMs ?? 1000;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const baseBackoffMs = options.baseBackoffMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 6 * 3600_000;
  const workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const queues = Object.keys(handlers);
  const schedules = (options.schedules ?? []).filter((s) => queues.includes(s.queue));
  const running = new Set<Promise<void>>();
  const { db, clock, logger } = context;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let polling: Promise<number> | null = null;
  let schedulesCheckedAt: number | null = null;

  async function ensureSchedules(now: Date): Promise<void> {
    for (const schedule of schedules) {
      // The advisory lock makes "is one pending? if not, add one" atomic across processes.
      await db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(727100003, hashtext(${schedule.queue}))`);
        const [state] = await queryRows<{ pending: number | string; last_run: Date | string | null }>(
          tx,
          sql`SELECT count(*) FILTER (WHERE completed_at IS NULL AND failed_at IS NULL) AS pending,
                     max(coalesce(completed_at, failed_at)) AS last_run
              FROM job WHERE queue = ${schedule.queue}`,
        );
        if (Number(state?.pending ?? 0) > 0) return;
        const lastRun = state?.last_run ? new Date(state.last_run) : null;
        const runAt = lastRun ? new Date(Math.max(now.getTime(), lastRun.getTime() + schedule.everyMs)) : now;
        await enqueue(tx, schedule.queue, schedule.payload ?? {}, { runAt, maxAttempts: 3 });
      });
    }
  }

  async function claim(now: Date, limit: number): Promise<ClaimedRow[]> {
    if (queues.length === 0) return [];
    const leaseUntil = new Date(now.getTime() + leaseMs);
    // A job whose last allowed attempt died with its process will never finish: fail it.
    await db.execute(sql`
      UPDATE job SET failed_at = ${now}, locked_by = NULL, locked_until = NULL,
             last_error = coalesce(last_error, 'the worker stopped before finishing the last attempt')
      WHERE completed_at IS NULL AND failed_at IS NULL AND locked_until < ${now} AND attempts >= max_attempts`);
    return queryRows<ClaimedRow>(
      db,
      sql`UPDATE job SET locked_by = ${workerId}, locked_until = ${leaseUntil}, attempts = attempts + 1
          WHERE id IN (
            SELECT id FROM job
            WHERE queue IN (${sql.join(queues.map((q) => sql`${q}`), sql`, `)})
              AND completed_at IS NULL AND failed_at IS NULL
              AND (
                (locked_until IS NULL AND (run_at <= ${now} OR (attempts = 0 AND run_at = created_at)))
                OR locked_until < ${now}
              )
            ORDER BY run_at, id
            LIMIT ${limit}
            FOR UPDATE SKIP LOCKED
          )
          RETURNING id, queue, payload, attempts, max_attempts`,
    );
  }

  async function execute(row: ClaimedRow): Promise<void> {
    const id = Number(row.id);
    const run: JobRun = {
      id,
      queue: row.queue,
      payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
    };
    try {
      await handlers[row.queue]!(run, context);
      const now = clock.now();
      // Only while the lease is still ours: another worker may have taken over an expired one.
      await db.execute(sql`UPDATE job SET completed_at = ${now}, locked_by = NULL, locked_until = NULL, last_error = NULL
                           WHERE id = ${id} AND locked_by = ${workerId}`);
    } catch (error) {
      const now = clock.now();
      // The full message goes to last_error (inside the database, for operators); logs get only
      // its kind and stack, as a failed query's message carries personal data.
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
      if (run.attempt >= run.maxAttempts) {
        logger.error({ job: id, queue: run.queue, attempt: run.attempt, err: loggableError(error) }, 'job failed for good');
        await db.execute(sql`UPDATE job SET failed_at = ${now}, locked_by = NULL, locked_until = NULL, last_error = ${message}
                             WHERE id = ${id} AND locked_by = ${workerId}`);
      } else {
        const retryAt = new Date(now.getTime() + backoffMs(run.attempt, baseBackoffMs, maxBackoffMs));
        logger.warn({ job: id, queue: run.queue, attempt: run.attempt, retryAt: retryAt.toISOString(), err: loggableError(error) }, 'job failed, will retry');
        await db.execute(sql`UPDATE job SET run_at = ${retryAt}, locked_by = NULL, locked_until = NULL, last_error = ${message}
                             WHERE id = ${id} AND locked_by = ${workerId}`);
      }
    }
  }

  async function poll(): Promise<number> {
    if (stopped) return 0;
    const now = clock.now();
    // Schedules are checked about once a minute (by the clock), not on every poll.
    if (schedules.length && (schedulesCheckedAt === null || now.getTime() - schedulesCheckedAt >= 60_000)) {
      schedulesCheckedAt = now.getTime();
      await ensureSchedules(now);
    }
    const free = concurrency - running.size;
    if (free <= 0) return 0;
    const rows = await claim(now, free);
    for (const row of rows) {
      const task = execute(row)
        .catch((error: unknown) => logger.error({ err: loggableError(error), job: Number(row.id) }, 'job bookkeeping failed'))
        .finally(() => {
          running.delete(task);
          // A slot freed up: look for more work now rather than at the next tick.
          if (!stopped) schedule(0);
        });
      running.add(task);
    }
    return rows.length;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void tick();
    }, delay);
  }

  async function tick(): Promise<void> {
    if (polling) {
      // runOnce() is polling right now; look again later.
      schedule(pollMs);
      return;
    }
    polling = poll();
    let claimed = 0;
    try {
      claimed = await polling;
    } catch (error) {
      logger.error({ err: loggableError(error) }, 'job poll failed');
    } finally {
      polling = null;
    }
    if (!timer) schedule(claimed > 0 && running.size < concurrency ? 0 : pollMs);
  }

  schedule(0);

  return {
    id: workerId,
    async runOnce() {
      while (polling) await polling.catch(() => 0);
      polling = poll();
      try {
        const claimed = await polling;
        await Promise.all([...running]);
        return claimed;
      } finally {
        polling = null;
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (polling) await polling.catch(() => 0);
      await Promise.all([...running]);
    },
  };
}

/** Removes jobs that completed before `before`; failed jobs are kept for inspection. */
export async function purgeCompletedJobs(executor: Executor, before: Date): Promise<void> {
  await executor.execute(sql`DELETE FROM job WHERE completed_at < ${before}`);
}

/** A job by id (for tests and operators). */
export async function findJob(executor: Executor, id: number): Promise<JobRow | undefined> {
  const [row] = await executor.select().from(job).where(sql`${job.id} = ${id}`);
  return row;
}

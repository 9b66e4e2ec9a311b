/**
 * The job queue: transactional enqueue, retries with exponential backoff by the clock, failure
 * after max attempts, recovery of jobs whose worker died, no job run twice by two workers, and
 * nothing lost across a restart.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../config.ts';
import { ManualClock, type AppContext } from '../context.ts';
import { connectDatabase, type DatabaseHandle } from '../db/connect.ts';
import { createLogger } from '../logger.ts';
import { createSession, resolveSessions } from '../auth/accounts.ts';
import { account } from '../auth/auth.schema.ts';
import { createTestDatabase, testOnPostgres, type TestDatabase } from '../../../test/support/database.ts';
import { enqueue, findJob, startWorker, type JobHandler, type Worker } from './jobs.ts';
import { platformJobHandlers, platformJobSchedules } from './platform-jobs.ts';

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
});

const hour = 3600_000;
/** Workers in these tests poll only when asked (runOnce) or when a job finishes. */
const manual = { pollMs: hour, concurrency: 2 } as const;

function contextAt(clock: ManualClock, handle: DatabaseHandle = database.handle): AppContext {
  return { config: loadConfig({ LOG_LEVEL: 'silent' }), database: handle, db: handle.db, clock, logger: createLogger('silent') };
}

/** A queue name of its own per test, so tests sharing the database never see each other's jobs. */
let queueCounter = 0;
const queueName = (label: string) => `test.${label}.${++queueCounter}`;

async function withWorker<T>(context: AppContext, handlers: Record<string, JobHandler>, work: (worker: Worker) => Promise<T>, options = {}): Promise<T> {
  const worker = startWorker(context, handlers, { ...manual, ...options });
  try {
    return await work(worker);
  } finally {
    await worker.stop();
  }
}

test('a job enqueued in a rolled-back transaction never exists; a committed one runs once', async () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const context = contextAt(clock);
  const queue = queueName('tx');
  const seen: unknown[] = [];
  await assert.rejects(
    context.db.transaction(async (tx) => {
      await enqueue(tx, queue, { n: 'rolled-back' });
      throw new Error('the change failed');
    }),
  );
  const id = await context.db.transaction((tx) => enqueue(tx, queue, { n: 'committed' }));
  await withWorker(context, { [queue]: async (run) => void seen.push(run.payload.n) }, async (worker) => {
    await worker.runOnce();
    await worker.runOnce();
  });
  assert.deepEqual(seen, ['committed']);
  const row = await findJob(context.db, id);
  assert.ok(row?.completedAt);
  assert.equal(row.attempts, 1);
  assert.equal(row.lockedBy, null);
});

test('a failing job is retried with exponential backoff by the clock and marked failed after max attempts', async () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const context = contextAt(clock);
  const queue = queueName('retry');
  let calls = 0;
  const id = await enqueue(context.db, queue, {}, { maxAttempts: 3 });
  await withWorker(
    context,
    {
      [queue]: async (run) => {
        calls += 1;
        throw new Error(`mail server down (attempt ${run.attempt})`);
      },
    },
    async (worker) => {
      await worker.runOnce();
      let row = await findJob(context.db, id);
      assert.equal(calls, 1);
      assert.equal(row!.attempts, 1);
      assert.equal(row!.lastError, 'mail server down (attempt 1)');
      assert.equal(row!.runAt.toISOString(), '2026-03-02T09:00:30.000Z', 'first retry after the base backoff');

      clock.advance(29_000);
      await worker.runOnce();
      assert.equal(calls, 1, 'not before the backoff has passed');

      clock.advance(1_000);
      await worker.runOnce();
      assert.equal(calls, 2);
      row = await findJob(context.db, id);
      assert.equal(row!.runAt.toISOString(), '2026-03-02T09:01:30.000Z', 'the second retry waits twice as long');

      clock.advance(60_000);
      await worker.runOnce();
      assert.equal(calls, 3);
      row = await findJob(context.db, id);
      assert.ok(row!.failedAt, 'failed after the last attempt');
      assert.equal(row!.completedAt, null);
      assert.equal(row!.lastError, 'mail server down (attempt 3)');

      clock.advance(24 * hour);
      await worker.runOnce();
      assert.equal(calls, 3, 'a failed job is not run again');
    },
    { baseBackoffMs: 30_000 },
  );
});

test('a job scheduled for later waits for its time', async () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const context = contextAt(clock);
  const queue = queueName('later');
  let calls = 0;
  await enqueue(context.db, queue, {}, { runAt: new Date('2026-03-02T12:00:00Z') });
  await withWorker(context, { [queue]: async () => void (calls += 1) }, async (worker) => {
    await worker.runOnce();
    assert.equal(calls, 0);
    clock.set(new Date('2026-03-02T12:00:00Z'));
    await worker.runOnce();
    assert.equal(calls, 1);
  });
});

test('a job whose worker died is picked up again once its lease has expired', async () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const context = contextAt(clock);
  const queue = queueName('lease');
  const id = await enqueue(context.db, queue, {});
  // What a crashed process leaves behind: the job claimed under a lease, never finished.
  await context.db.execute(
    sql`UPDATE job SET locked_by = 'dead-host:1:abc', locked_until = ${new Date('2026-03-02T09:05:00Z')}, attempts = 1 WHERE id = ${id}`,
  );
  const runs: number[] = [];
  await withWorker(context, { [queue]: async (run) => void runs.push(run.attempt) }, async (worker) => {
    await worker.runOnce();
    assert.deepEqual(runs, [], 'not while the lease holds');
    clock.set(new Date('2026-03-02T09:05:01Z'));
    await worker.runOnce();
    assert.deepEqual(runs, [2], 'run again, counted as the second attempt');
  });
  assert.ok((await findJob(context.db, id))?.completedAt);
});

test('a job whose worker died on its last attempt is marked failed, not run again', async () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const context = contextAt(clock);
  const queue = queueName('lease-last');
  const id = await enqueue(context.db, queue, {}, { maxAttempts: 1 });
  await context.db.execute(sql`UPDATE job SET locked_by = 'dead', locked_until = ${new Date('2026-03-02T09:05:00Z')}, attempts = 1 WHERE id = ${id}`);
  let calls = 0;
  clock.set(new Date('2026-03-02T10:00:00Z'));
  await withWorker(context, { [queue]: async () => void (calls += 1) }, (worker) => worker.runOnce());
  assert.equal(calls, 0);
  const row = await findJob(context.db, id);
  assert.ok(row?.failedAt);
  assert.match(row.lastError ?? '', /stopped before finishing/);
});

test('two workers on separate connections never run the same job', async () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  // On PostgreSQL the second worker has a pool of its own, as a second process would.
  const second = testOnPostgres ? await connectDatabase({ databaseUrl: database.url!, poolSize: 4 }) : database.handle;
  try {
    const queue = queueName('race');
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push(await enqueue(database.handle.db, queue, { i }));
    const runsByJob = new Map<number, string[]>();
    const handler =
      (name: string): JobHandler =>
      async (run) => {
        runsByJob.set(run.id, [...(runsByJob.get(run.id) ?? []), name]);
        await new Promise((resolve) => setTimeout(resolve, 5));
      };
    const a = startWorker(contextAt(clock), { [queue]: handler('a') }, { pollMs: 20, concurrency: 4, workerId: 'a' });
    const b = startWorker(contextAt(clock, second), { [queue]: handler('b') }, { pollMs: 20, concurrency: 4, workerId: 'b' });
    const deadline = Date.now() + 30_000;
    while (runsByJob.size < ids.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all([a.stop(), b.stop()]);
    assert.equal(runsByJob.size, ids.length, 'every job ran');
    const twice = [...runsByJob].filter(([, who]) => who.length > 1);
    assert.deepEqual(twice, [], 'no job ran twice');
    if (testOnPostgres) {
      const workers = new Set([...runsByJob.values()].flat());
      assert.equal(workers.size, 2, 'both workers took a share');
    }
    for (const id of ids) assert.ok((await findJob(database.handle.db, id))?.completedAt);
  } finally {
    if (second !== database.handle) await second.close();
  }
});

test('stop() waits for running jobs, and a job enqueued before a restart runs in the new worker', async () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const context = contextAt(clock);
  const queue = queueName('restart');
  let finished = 0;
  const slow: JobHandler = async () => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    finished += 1;
  };
  const running = await enqueue(context.db, queue, {});
  const first = startWorker(context, { [queue]: slow }, { pollMs: 10, concurrency: 1 });
  const deadline = Date.now() + 10_000;
  while (!(await findJob(context.db, running))?.lockedBy && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  const waiting = await enqueue(context.db, queue, {}, { runAt: new Date('2026-03-02T10:00:00Z') });
  await first.stop();
  assert.equal(finished, 1, 'the running job finished before stop() returned');
  assert.ok((await findJob(context.db, running))?.completedAt);
  assert.equal((await findJob(context.db, waiting))?.completedAt, null);

  clock.set(new Date('2026-03-02T10:00:00Z'));
  await withWorker(context, { [queue]: slow }, (worker) => worker.runOnce());
  assert.equal(finished, 2);
  assert.ok((await findJob(context.db, waiting))?.completedAt, 'the new worker picked it up');
});

test('the platform cleanup queue deletes expired sessions and schedules its next run itself', async () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const context = contextAt(clock);
  const [owner] = await context.db.insert(account).values({ login: 'cleanup-owner', displayName: 'Владелец' }).returning({ id: account.id });
  const expired = await createSession(context.db, owner!.id, { now: new Date('2026-03-01T09:00:00Z'), idleMinutes: 60 });
  const live = await createSession(context.db, owner!.id, { now: clock.now(), idleMinutes: 60 });
  const cleanupRows = () => context.db.execute(sql`SELECT id, run_at, completed_at FROM job WHERE queue = 'platform.cleanup' ORDER BY id`);
  await withWorker(context, platformJobHandlers, (worker) => worker.runOnce(), { schedules: platformJobSchedules });
  const sessionCount = await context.db.execute(sql`SELECT count(*) AS n FROM session WHERE account_id = ${owner!.id}`);
  assert.equal(Number((sessionCount as unknown as { rows: Array<{ n: unknown }> }).rows[0]!.n), 1);
  const found = await resolveSessions(context.db, [expired.token, live.token], clock.now(), 60);
  assert.equal(found.get(expired.token), undefined);
  assert.ok(found.get(live.token));

  clock.advance(2 * hour);
  await withWorker(context, platformJobHandlers, (worker) => worker.runOnce(), { schedules: platformJobSchedules });
  const rows = (await cleanupRows()) as unknown as { rows: Array<{ completed_at: unknown }> };
  assert.equal(rows.rows.length >= 2, true, 'a second run was scheduled an hour after the first');
  assert.ok(rows.rows.every((r) => r.completed_at));
});

import { after, before, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../platform/db/connect.ts';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { admissionJobHandlers, admissionJobSchedules } from './admission.module.ts';
import { anonymous } from '../../platform/access/access.ts';
import type { Database } from '../../platform/db/connect.ts';
import { purgeRateCounters, RATE_COUNTER_PURGE_QUEUE, RATE_RULES_TTL_MS, rateRules } from './rate-limit.ts';
import { listRateRules, updateRateRules } from './rate-limit.service.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

test('the hourly purge deletes counters of ended windows only, and the job is scheduled', async () => {
  const db = t.context.db;
  const now = new Date('2027-03-29T09:00:00Z');
  // the longest window in the reference data decides what has ended
  const [{ longest }] = (await queryRows<{ longest: number }>(db, sql`SELECT max(window_seconds)::int AS longest FROM admission_rate_rule`)) as [{ longest: number }];
  const ended = new Date(now.getTime() - (longest + 3600 + 60) * 1000);
  const current = new Date(now.getTime() - 60_000);
  await db.execute(sql`INSERT INTO admission_rate_counter (bucket, window_start, hits) VALUES
    ('submission:account:old', ${ended.toISOString()}::timestamptz, 3), ('submission:account:now', ${current.toISOString()}::timestamptz, 2)`);
  assert.equal(await purgeRateCounters(db, now), 1);
  const left = await queryRows<{ bucket: string }>(db, sql`SELECT bucket FROM admission_rate_counter ORDER BY bucket`);
  assert.deepEqual(left.map((r) => r.bucket), ['submission:account:now']);
  assert.ok(admissionJobSchedules.some((s) => s.queue === RATE_COUNTER_PURGE_QUEUE));
  assert.equal(typeof admissionJobHandlers[RATE_COUNTER_PURGE_QUEUE], 'function');
});

test('an edited limit applies at once in the process that saved it, and within RATE_RULES_TTL_MS (5 s) in every other process', async () => {
  assert.equal(RATE_RULES_TTL_MS, 5_000, 'the editor page and docs/admission.md state 5 seconds');
  let nowMs = 1_000_000;
  const clock = mock.method(performance, 'now', () => nowMs);
  try {
    // Another process: its own handle on the same database, with its own cache.
    const otherProcess = Object.create(t.context.db) as Database;
    const original = await listRateRules(t.context.db);
    const before = original.find((r) => r.action === 'draft' && r.scope === 'account')!;
    assert.equal((await rateRules(otherProcess)).draft.account.maxHits, before.maxHits);
    assert.equal((await rateRules(t.context.db)).draft.account.maxHits, before.maxHits);

    nowMs += 1_000;
    await updateRateRules(t.context, { actor: anonymous, ip: null, requestId: null }, [{ ...before, maxHits: before.maxHits + 7 }]);
    assert.equal((await rateRules(t.context.db)).draft.account.maxHits, before.maxHits + 7, 'the saving process at once');
    nowMs += RATE_RULES_TTL_MS - 1_001;
    assert.equal((await rateRules(otherProcess)).draft.account.maxHits, before.maxHits, 'another process still has its copy');
    nowMs += 1;
    assert.equal((await rateRules(otherProcess)).draft.account.maxHits, before.maxHits + 7, `another process ${RATE_RULES_TTL_MS} ms after its read`);
    await updateRateRules(t.context, { actor: anonymous, ip: null, requestId: null }, [before]);
  } finally {
    clock.mock.restore();
  }
});

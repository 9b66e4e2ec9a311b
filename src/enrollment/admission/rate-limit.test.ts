import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../platform/db/connect.ts';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { admissionJobHandlers, admissionJobSchedules } from './admission.module.ts';
import { purgeRateCounters, RATE_COUNTER_PURGE_QUEUE } from './rate-limit.ts';

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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatcherOverloaded, GroupCommitter, type BatcherOptions } from './submission.batcher.ts';

const options: BatcherOptions = { maxWaitMs: 5, maxBatch: 100, maxInFlight: 1, maxQueued: 1000, maxQueueWaitMs: 5000 };

test('concurrent requests are committed together in one batch, each answered after it', async () => {
  const batches: number[][] = [];
  const batcher = new GroupCommitter<number, number>(async (items) => {
    batches.push(items);
    return items.map((n) => ({ ok: true as const, value: n * 2 }));
  }, options);
  const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
  assert.deepEqual(answers, [2, 4, 6, 8, 10]);
  assert.deepEqual(batches, [[1, 2, 3, 4, 5]], 'one batch, in arrival order');
});

test('a batch is sent at once when it reaches maxBatch, and what queues meanwhile goes next as one batch', async () => {
  const batches: number[][] = [];
  let release!: () => void;
  const firstDone = new Promise<void>((resolve) => (release = resolve));
  const batcher = new GroupCommitter<number, number>(
    async (items) => {
      batches.push(items);
      if (batches.length === 1) await firstDone;
      return items.map((n) => ({ ok: true as const, value: n }));
    },
    { ...options, maxBatch: 3 },
  );
  const all = [1, 2, 3, 4, 5, 6, 7].map((n) => batcher.submit(n));
  await new Promise((resolve) => setTimeout(resolve, 20));
  release();
  await Promise.all(all);
  assert.deepEqual(batches, [[1, 2, 3], [4, 5, 6], [7]]);
});

test('a failed item fails only its own request', async () => {
  const batcher = new GroupCommitter<number, number>(async (items) => items.map((n) => (n === 2 ? { ok: false as const, error: new Error('not eligible') } : { ok: true as const, value: n })), options);
  const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
});

test('a full queue refuses new requests at once with a Retry-After, independent of event-loop delay', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const batcher = new GroupCommitter<number, number>(
    async (items) => {
      await gate;
      return items.map((n) => ({ ok: true as const, value: n }));
    },
    { ...options, maxBatch: 2, maxQueued: 2 },
  );
  const first = [batcher.submit(1), batcher.submit(2)]; // sent as the first batch (in flight)
  await new Promise((resolve) => setTimeout(resolve, 10));
  const queued = [batcher.submit(3), batcher.submit(4)];
  await assert.rejects(batcher.submit(5), (error: unknown) => error instanceof BatcherOverloaded && error.retryAfterSeconds >= 1);
  release();
  assert.deepEqual(await Promise.all([...first, ...queued]), [1, 2, 3, 4]);
  assert.equal(batcher.stats.refused, 1);
});

test('a request that waited too long for its batch is refused, never sent', async () => {
  const sent: number[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const batcher = new GroupCommitter<number, number>(
    async (items) => {
      sent.push(...items);
      await gate;
      return items.map((n) => ({ ok: true as const, value: n }));
    },
    { ...options, maxBatch: 1, maxQueueWaitMs: 200 },
  );
  const first = batcher.submit(1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const late = batcher.submit(2);
  await new Promise((resolve) => setTimeout(resolve, 400));
  release();
  assert.equal(await first, 1);
  await assert.rejects(late, BatcherOverloaded);
  assert.deepEqual(sent, [1]);
});

test('beyond the bound of submissions in flight a request is refused with 503 before any work, and a finished one frees its place', async () => {
  const { admissionGate } = await import('./submission.routes.tsx');
  const gate = admissionGate(2);
  const [a, b, c] = [{}, {}, {}] as unknown as Array<Parameters<typeof gate.onRequest>[0]>;
  await gate.onRequest(a!);
  await gate.onRequest(b!);
  await assert.rejects(gate.onRequest(c!), (error: unknown) => (error as { status?: number; headers?: Record<string, string> }).status === 503 && (error as { headers: Record<string, string> }).headers['retry-after'] === '2');
  await gate.onResponse(c!); // a refused request was never counted
  await gate.onResponse(a!);
  await gate.onRequest(c!);
});

test('the bound follows the capacity the process has shown, and a pause does not drop it to the floor', async () => {
  const { admissionGate, SUBMISSION_GATE } = await import('./submission.routes.tsx');
  let clock = 0;
  const gate = admissionGate(undefined, 250, () => clock);
  const finish = async (n: number, overMs: number) => {
    for (let i = 0; i < n; i++) {
      const request = {} as Parameters<typeof gate.onRequest>[0];
      await gate.onRequest(request);
      clock += overMs / n;
      await gate.onResponse(request);
    }
  };
  assert.equal(gate.state().bound, SUBMISSION_GATE.initial);
  // 4,000 a second for two seconds: capacity 4,000/s → 1,000 in flight at 250 ms
  for (let w = 0; w < 4; w++) await finish(2000, 500);
  assert.ok(gate.state().bound >= 900 && gate.state().bound <= 1000, `bound ${gate.state().bound}`);
  // a 2-second pause, then a trickle: the current rate is low, the bound stays near the capacity
  clock += 2000;
  for (let w = 0; w < 7; w++) await finish(10, 500);
  assert.ok(gate.state().rate < 100, `rate ${gate.state().rate}`);
  assert.ok(gate.state().bound > 800, `bound ${gate.state().bound} after a pause`);
  // long idle: the capacity decays (30 s half-life) back toward the floor
  clock += 300_000;
  await finish(10, 500);
  assert.equal(gate.state().bound, SUBMISSION_GATE.floor);
});

/**
 * Pending audit events (migration 0029, audit-seal.ts): written in the change's transaction
 * without taking the chain's head, then sealed into the chain in the order written, keeping the
 * time each happened and interleaving with events chained directly; the chain then verifies.
 * Nothing pending can be changed or removed except by sealing. On PostgreSQL, writers of
 * pending events do not wait for a transaction that holds the chain's head.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/connect.ts';
import { createTestDatabase, testOnPostgres, type TestDatabase } from '../../../test/support/database.ts';
import { countPendingAudit, requestAuditSeal, sealPendingAudit } from './audit-seal.ts';
import { recordAudit, verifyAuditChain, type AuditOrigin } from './audit.ts';

let database: TestDatabase;
const db = () => database.handle.db;
const origin: AuditOrigin = { actor: { kind: 'anonymous' }, ip: null, requestId: null };

before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
});

async function writePending(entityId: string, occurredAt: string): Promise<void> {
  await db().execute(sql`INSERT INTO audit_pending (actor_label, action, entity_type, entity_id, occurred_at, details)
                         VALUES ('Учитель', 'update', 'journal-lesson-cells', ${entityId}, ${occurredAt}::timestamptz, '{"pupils": 1}'::jsonb)`);
}

async function chained(): Promise<Array<{ seq: number; entity_id: string; occurred_at: string }>> {
  const rows = await queryRows<{ seq: string | number; entity_id: string; occurred_at: string }>(
    db(),
    sql`SELECT seq, entity_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS occurred_at FROM audit_event WHERE entity_id LIKE 'seal-%' ORDER BY seq`,
  );
  return rows.map((r) => ({ seq: Number(r.seq), entity_id: r.entity_id, occurred_at: r.occurred_at }));
}

test('pending events are chained in the order written, keep their time, and interleave with direct ones', async () => {
  await writePending('seal-1', '2026-11-30T15:00:01Z');
  await writePending('seal-2', '2026-11-30T15:00:02Z');
  await recordAudit(db(), origin, { action: 'update', entityType: 'organization', entityId: 'seal-direct' });
  await writePending('seal-3', '2026-11-30T15:00:03Z');
  assert.equal(await countPendingAudit(db()), 3);
  assert.deepEqual((await chained()).map((r) => r.entity_id), ['seal-direct']);

  assert.equal(await sealPendingAudit(db()), 3);
  assert.equal(await countPendingAudit(db()), 0);
  const rows = await chained();
  assert.deepEqual(rows.map((r) => r.entity_id), ['seal-direct', 'seal-1', 'seal-2', 'seal-3']);
  assert.deepEqual(rows.slice(1).map((r) => r.occurred_at), ['2026-11-30 15:00:01', '2026-11-30 15:00:02', '2026-11-30 15:00:03']);
  assert.deepEqual(rows.map((r) => r.seq - rows[0]!.seq), [0, 1, 2, 3], 'consecutive in the chain');
  assert.deepEqual(await verifyAuditChain(db()), { ok: true, events: rows[3]!.seq });
  assert.equal(await sealPendingAudit(db()), 0, 'nothing left');
});

test('a pending event cannot be changed or removed, only sealed', async () => {
  await writePending('seal-guarded', '2026-11-30T15:00:04Z');
  const refused = (pattern: RegExp) => (e: unknown) => pattern.test(String((e as { cause?: Error }).cause?.message ?? (e as Error).message));
  await assert.rejects(db().execute(sql`UPDATE audit_pending SET actor_label = 'кто-то'`), refused(/audit_pending is append-only/));
  await assert.rejects(db().execute(sql`DELETE FROM audit_pending`), refused(/only by audit_seal/));
  assert.equal(await countPendingAudit(db()), 1);
  await sealPendingAudit(db());
  assert.deepEqual((await chained()).map((r) => r.entity_id).at(-1), 'seal-guarded');
});

test('a requested seal happens by itself a moment later', async () => {
  await writePending('seal-requested', '2026-11-30T15:00:05Z');
  requestAuditSeal(db(), 10);
  requestAuditSeal(db(), 10);
  for (let i = 0; i < 100 && (await countPendingAudit(db())) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(await countPendingAudit(db()), 0);
  assert.equal((await chained()).map((r) => r.entity_id).at(-1), 'seal-requested');
  assert.equal((await verifyAuditChain(db())).ok, true);
});

test('writing a pending event does not wait for the chain’s head (PostgreSQL)', { skip: testOnPostgres ? false : 'PGlite has one connection: no two transactions run at once' }, async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let chainedOne!: () => void;
  const holding = new Promise<void>((resolve) => (chainedOne = resolve));
  // a transaction that chained an event and has not committed holds the head
  const holder = db().transaction(async (tx) => {
    await recordAudit(tx, origin, { action: 'update', entityType: 'organization', entityId: 'seal-holder' });
    chainedOne();
    await held;
  });
  await holding;
  const write = writePending('seal-fast', '2026-11-30T15:00:06Z');
  const outcome = await Promise.race([write.then(() => 'written'), new Promise((resolve) => setTimeout(() => resolve('waited'), 2000))]);
  release();
  await Promise.all([holder, write]);
  assert.equal(outcome, 'written', 'the pending write did not wait for the holder');
  await sealPendingAudit(db());
  assert.deepEqual((await chained()).map((r) => r.entity_id).slice(-2), ['seal-holder', 'seal-fast']);
  assert.equal((await verifyAuditChain(db())).ok, true);
});

/**
 * The audit log is tamper-evident: the database refuses changes, the chain check names the
 * first altered or missing event, the CLI says so with exit code 1, and concurrent writers
 * still produce one gap-free chain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { connectDatabase, queryRows, type DatabaseHandle } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { createTestDatabase, testOnPostgres } from '../../../test/support/database.ts';
import { recordAudit, verifyAuditChain, type AuditOrigin } from './audit.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const origin: AuditOrigin = {
  actor: { kind: 'account', accountId: '11111111-1111-4111-8111-111111111111', personId: null, displayName: 'Проверяющий', grants: [], via: 'session' },
  ip: '203.0.113.5',
  requestId: 'req-audit-test',
};

async function recordSome(handle: DatabaseHandle, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await recordAudit(handle.db, origin, { action: 'update', entityType: 'organization', entityId: `org-${i}`, municipalityId: 1, details: { field: 'phone', n: i } });
  }
}

/** Changes a row behind the guard, as only a superuser could: the attack the chain must reveal. */
async function tamper(handle: DatabaseHandle, statement: string): Promise<void> {
  await handle.withConnection(async (exec) => {
    await exec('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update');
    await exec(statement);
    await exec('ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update');
  });
}

/** A database the CLI, as a separate process, can open: a PostgreSQL test db, or PGlite in a temp dir. */
async function databaseForCli(): Promise<{ handle: DatabaseHandle; env: Record<string, string>; release(): Promise<void>; cleanup(): Promise<void> }> {
  if (testOnPostgres) {
    const database = await createTestDatabase({ migrateAndInstall: false });
    await migrate(database.handle);
    return { handle: database.handle, env: { DATABASE_URL: database.url! }, release: async () => {}, cleanup: () => database.drop() };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prostor-audit-'));
  const handle = await connectDatabase({ dataDir: dir });
  await migrate(handle);
  return {
    handle,
    env: { DATA_DIR: dir },
    // PGlite is one process's database: close it before the CLI opens the directory.
    release: () => handle.close(),
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

/** Drizzle wraps the database error; the reason is in its cause. */
function refusedFor(operation: string) {
  return (error: unknown) => {
    const reason = ((error as Error & { cause?: Error }).cause ?? (error as Error)).message;
    assert.match(reason, new RegExp(`append-only: ${operation} is not allowed`));
    return true;
  };
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/prostor.mjs', ...args], { cwd: root, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

test('UPDATE, DELETE and TRUNCATE on audit_event are rejected by the database', async () => {
  const database = await createTestDatabase({ migrateAndInstall: false });
  try {
    await migrate(database.handle);
    await recordSome(database.handle, 2);
    const db = database.handle.db;
    await assert.rejects(db.execute(sql`UPDATE audit_event SET details = '{}'::jsonb WHERE seq = 1`), refusedFor('UPDATE'));
    await assert.rejects(db.execute(sql`DELETE FROM audit_event WHERE seq = 2`), refusedFor('DELETE'));
    await assert.rejects(db.execute(sql`TRUNCATE audit_event`), refusedFor('TRUNCATE'));
    const [count] = await queryRows<{ n: string | number }>(db, sql`SELECT count(*) AS n FROM audit_event`);
    assert.equal(Number(count!.n), 2);
    assert.deepEqual(await verifyAuditChain(db), { ok: true, events: 2 });
  } finally {
    await database.drop();
  }
});

test('an intact chain verifies, and the CLI says so with exit code 0', async () => {
  const target = await databaseForCli();
  try {
    await recordSome(target.handle, 5);
    assert.deepEqual(await verifyAuditChain(target.handle.db), { ok: true, events: 5 });
    await target.release();
    const cli = await runCli(['verify-audit'], target.env);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /Audit chain intact: 5 events verified/);
  } finally {
    await target.cleanup();
  }
});

test('the CLI reports pending events, and exits 1 when one has waited too long (sealing stalled)', async () => {
  const target = await databaseForCli();
  try {
    await recordSome(target.handle, 2);
    await target.handle.db.execute(sql`INSERT INTO audit_pending (actor_label, action, entity_type, occurred_at) VALUES ('Учитель', 'update', 'journal-lesson-cells', now() - interval '10 minutes')`);
    await target.release();
    const cli = await runCli(['verify-audit'], target.env);
    assert.equal(cli.code, 1, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /Audit chain intact: 2 events verified; 1 pending/);
    assert.match(cli.stdout, /Audit sealing STALLED/);
  } finally {
    await target.cleanup();
  }
});

test('an event altered behind the guard is named by its seq, and the CLI exits 1', async () => {
  const target = await databaseForCli();
  try {
    await recordSome(target.handle, 5);
    await tamper(target.handle, `UPDATE audit_event SET details = '{"field":"phone","n":999}'::jsonb WHERE seq = 3`);
    const verdict = await verifyAuditChain(target.handle.db);
    assert.equal(verdict.ok, false);
    assert.ok(!verdict.ok && verdict.brokenAtSeq === 3 && /altered/.test(verdict.reason), JSON.stringify(verdict));
    assert.equal(verdict.events, 2);
    await target.release();
    const cli = await runCli(['verify-audit'], target.env);
    assert.equal(cli.code, 1, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /BROKEN at event 3: event 3 was altered/);
  } finally {
    await target.cleanup();
  }
});

test('a deleted middle event is named as missing, and the CLI exits 1', async () => {
  const target = await databaseForCli();
  try {
    await recordSome(target.handle, 5);
    await tamper(target.handle, 'DELETE FROM audit_event WHERE seq = 4');
    const verdict = await verifyAuditChain(target.handle.db);
    assert.ok(!verdict.ok && verdict.brokenAtSeq === 4 && /event 4 is missing/.test(verdict.reason), JSON.stringify(verdict));
    await target.release();
    const cli = await runCli(['verify-audit'], target.env);
    assert.equal(cli.code, 1, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /BROKEN at event 4: event 4 is missing/);
  } finally {
    await target.cleanup();
  }
});

test('a rehashed event still breaks the link to the next one', async () => {
  // An attacker who recomputes the altered row's own hash still cannot fix the next row's prev_hash.
  const database = await createTestDatabase({ migrateAndInstall: false });
  try {
    await migrate(database.handle);
    await recordSome(database.handle, 4);
    await tamper(
      database.handle,
      `UPDATE audit_event SET details = '{"field":"email"}'::jsonb WHERE seq = 2;
       UPDATE audit_event a SET hash = audit_event_digest(a) WHERE seq = 2;`,
    );
    const verdict = await verifyAuditChain(database.handle.db);
    assert.ok(!verdict.ok && verdict.brokenAtSeq === 3 && /does not link/.test(verdict.reason), JSON.stringify(verdict));
  } finally {
    await database.drop();
  }
});

test('50 concurrent audited transactions produce one gap-free, unforked chain', async () => {
  const database = await createTestDatabase({ migrateAndInstall: false });
  try {
    await migrate(database.handle);
    const db = database.handle.db;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        db.transaction(async (tx) => {
          await recordAudit(tx, { ...origin, requestId: `req-${i}` }, { action: 'create', entityType: 'application', entityId: `app-${i}` });
        }),
      ),
    );
    const rows = await queryRows<{ seq: string | number; prev_hash: string; hash: string }>(db, sql`SELECT seq, prev_hash, hash FROM audit_event ORDER BY seq`);
    assert.deepEqual(
      rows.map((r) => Number(r.seq)),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    // No fork: every prev_hash is used exactly once.
    assert.equal(new Set(rows.map((r) => r.prev_hash)).size, 50);
    assert.deepEqual(await verifyAuditChain(db), { ok: true, events: 50 });
  } finally {
    await database.drop();
  }
});

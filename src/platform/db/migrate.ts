/**
 * Committed SQL migrations in `migrations/NNNN_name.sql`, applied in order, each in its own
 * transaction, under an advisory lock so that several processes starting together apply them
 * once. Migrations are append-only: a changed checksum of an applied migration, or a database
 * that has migrations this code does not know, stops the start with a clear message.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseHandle } from './connect.ts';

export const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Arbitrary constant: the advisory lock key that serialises migrations. */
const MIGRATION_LOCK_KEY = 727_100_001;

export async function loadMigrations(dir = migrationsDir): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const sql = await fs.readFile(path.join(dir, file), 'utf8');
    migrations.push({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql,
      checksum: crypto.createHash('sha256').update(sql).digest('hex'),
    });
  }
  return migrations;
}

export interface MigrationReport {
  applied: string[];
  current: number;
}

export async function migrate(handle: DatabaseHandle, migrations?: Migration[]): Promise<MigrationReport> {
  const known = migrations ?? (await loadMigrations());
  return handle.withConnection(async (exec) => {
    await exec(`CREATE TABLE IF NOT EXISTS schema_migration (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    await exec(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      const rows = await exec('SELECT version, name, checksum FROM schema_migration ORDER BY version');
      const latestKnown = known.at(-1)?.version ?? 0;
      for (const row of rows) {
        const version = Number(row.version);
        const mine = known.find((m) => m.version === version);
        if (!mine) {
          throw new MigrationError(
            `The database has migration ${String(row.name)} (version ${version}), newer than this code knows ` +
              `(latest ${latestKnown}). Upgrade Prostor before starting it on this database.`,
          );
        }
        if (mine.checksum !== row.checksum) {
          throw new MigrationError(
            `Migration ${mine.name} was edited after it was applied (checksum differs). ` +
              'Migrations are append-only: restore the file and add a new migration.',
          );
        }
      }
      const done = new Set(rows.map((r) => Number(r.version)));
      const applied: string[] = [];
      for (const migration of known) {
        if (done.has(migration.version)) continue;
        await exec('BEGIN');
        try {
          await exec(migration.sql);
          await exec(
            `INSERT INTO schema_migration (version, name, checksum) VALUES (${migration.version}, '${migration.name}', '${migration.checksum}')`,
          );
          await exec('COMMIT');
        } catch (error) {
          await exec('ROLLBACK');
          throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
        }
        applied.push(migration.name);
      }
      return { applied, current: latestKnown };
    } finally {
      await exec(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../../../test/support/database.ts';
import { loadMigrations, migrate, MigrationError } from './migrate.ts';
import { queryRows } from './connect.ts';
import * as authTables from '../auth/auth.schema.ts';
import * as auditTables from '../audit/audit.schema.ts';
import * as jobTables from '../jobs/jobs.schema.ts';

test('migrations apply once: a second run applies nothing', async () => {
  const database = await createTestDatabase({ migrateAndInstall: false });
  try {
    const first = await migrate(database.handle);
    assert.ok(first.applied.length >= 1);
    const second = await migrate(database.handle);
    assert.deepEqual(second.applied, []);
  } finally {
    await database.drop();
  }
});

test('startup refuses a database whose migrations are newer than the code', async () => {
  const database = await createTestDatabase();
  try {
    await database.handle.withConnection((exec) =>
      exec(`INSERT INTO schema_migration (version, name, checksum) VALUES (9999, '9999_from_the_future', 'x')`),
    );
    await assert.rejects(migrate(database.handle), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /newer than this code knows/);
      assert.match(error.message, /9999_from_the_future/);
      return true;
    });
  } finally {
    await database.drop();
  }
});

test('a migration edited after it was applied stops the start', async () => {
  const database = await createTestDatabase();
  try {
    const migrations = await loadMigrations();
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await assert.rejects(migrate(database.handle, edited), /edited after it was applied/);
  } finally {
    await database.drop();
  }
});

test('a failing migration leaves no trace: its transaction is rolled back', async () => {
  const database = await createTestDatabase();
  try {
    const migrations = await loadMigrations();
    const broken = { version: 9000, name: '9000_broken', sql: 'CREATE TABLE half_done (id int); SELECT * FROM no_such_table;', checksum: 'b' };
    await assert.rejects(migrate(database.handle, [...migrations, broken]), /9000_broken failed/);
    const rows = await queryRows<{ n: string | number }>(database.handle.db, sql`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'half_done'`);
    assert.equal(Number(rows[0]?.n), 0);
  } finally {
    await database.drop();
  }
});

test('every Drizzle table mirrors a table of the migrations, column for column', async () => {
  const database = await createTestDatabase();
  try {
    const registryTables = await Promise.all([
      import('../../registry/region.schema.ts'),
      import('../../registry/organization.schema.ts'),
      import('../../registry/person.schema.ts'),
      import('../../enrollment/preschool/preschool.schema.ts'),
      import('../notify/notify.schema.ts'),
    ]);
    const tables = [authTables, auditTables, jobTables, ...registryTables]
      .flatMap((module) => Object.values(module))
      .filter((value): value is PgTable => typeof value === 'object' && value !== null && Symbol.for('drizzle:IsDrizzleTable') in value);
    assert.ok(tables.length >= 14);
    for (const table of tables) {
      const config = getTableConfig(table);
      const columns = await queryRows<{ column_name: string }>(
        database.handle.db,
        sql`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${config.name}`,
      );
      const inDatabase = new Set(columns.map((c) => c.column_name));
      assert.ok(inDatabase.size > 0, `table ${config.name} exists`);
      for (const column of config.columns) assert.ok(inDatabase.has(column.name), `${config.name}.${column.name} exists in the database`);
    }
  } finally {
    await database.drop();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../../../test/support/database.ts';
import { loadMigrations, migrate, MigrationError } from './migrate.ts';
import { queryRows } from './connect.ts';

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

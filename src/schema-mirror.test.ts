/**
 * Every Drizzle table (platform and domain alike) mirrors a table of the SQL migrations,
 * column for column. At the root of src/ because it reads every folder's schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../test/support/database.ts';
import { queryRows } from './platform/db/connect.ts';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

test('every Drizzle table mirrors a table of the migrations, column for column', async () => {
  const database = await createTestDatabase();
  try {
    // Every *.schema.ts under src/, found on disk, so a new schema file cannot be forgotten here.
    const files = (await fs.readdir(here, { recursive: true })).filter((f) => f.endsWith('.schema.ts'));
    const modules = await Promise.all(files.map((f) => import(path.join(here, f)) as Promise<Record<string, unknown>>));
    const tables = modules
      .flatMap((module) => Object.values(module))
      .filter((value): value is PgTable => typeof value === 'object' && value !== null && Symbol.for('drizzle:IsDrizzleTable') in value);
    assert.ok(tables.length >= 25, `${tables.length} tables found`);
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

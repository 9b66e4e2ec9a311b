import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../config.ts';
import { ManualClock, type AppContext } from '../platform/context.ts';
import { connectDatabase, queryRows } from '../platform/db/connect.ts';
import { createLogger } from '../platform/logger.ts';
import { createTestDatabase, testOnPostgres, type TestDatabase } from '../../test/support/database.ts';
import { ensureDemoRegion, readDemoSeededFact } from './first-start.ts';

function contextFor(database: TestDatabase, handle = database.handle): AppContext {
  const config = { ...loadConfig({ LOG_LEVEL: 'silent' }), demoScale: 0.002, demoSeed: 3 };
  return { config, database: handle, db: handle.db, clock: new ManualClock(new Date('2026-03-02T09:00:00Z')), logger: createLogger('silent') };
}

async function counts(context: AppContext): Promise<{ organizations: number; people: number; accounts: number }> {
  const [row] = await queryRows<{ organizations: number; people: number; accounts: number }>(
    context.db,
    sql`SELECT (SELECT count(*) FROM organization)::int AS organizations, (SELECT count(*) FROM person)::int AS people, (SELECT count(*) FROM account)::int AS accounts`,
  );
  return row!;
}

test('the first start seeds the demo region and records it; a restart seeds nothing more', async () => {
  const database = await createTestDatabase();
  try {
    const context = contextFor(database);
    await ensureDemoRegion(context);
    const seeded = await counts(context);
    assert.ok(seeded.organizations > 0 && seeded.people > 0);
    assert.equal(seeded.accounts, 7);
    const fact = await readDemoSeededFact(context.db);
    assert.deepEqual({ scale: fact?.scale, seed: fact?.seed, seededAt: fact?.seededAt }, { scale: 0.002, seed: 3, seededAt: '2026-03-02T09:00:00.000Z' });
    await ensureDemoRegion(context);
    assert.deepEqual(await counts(context), seeded);
  } finally {
    await database.drop();
  }
});

test('a database that already holds people is left alone', async () => {
  const database = await createTestDatabase();
  try {
    const context = contextFor(database);
    await context.db.execute(sql`INSERT INTO person (last_name, first_name, birth_date, sex, municipality_id) VALUES ('Иванов', 'Иван', '1980-01-01', 'male', 1)`);
    await ensureDemoRegion(context);
    assert.deepEqual(await counts(context), { organizations: 0, people: 1, accounts: 0 });
    assert.equal(await readDemoSeededFact(context.db), null);
  } finally {
    await database.drop();
  }
});

test('two processes starting at once seed the region once', { skip: !testOnPostgres && 'needs two connections (TEST_DATABASE_URL)' }, async () => {
  const database = await createTestDatabase();
  const secondHandle = await connectDatabase({ databaseUrl: database.url!, poolSize: 2 });
  try {
    const one = contextFor(database);
    const two = contextFor(database, secondHandle);
    await Promise.all([ensureDemoRegion(one), ensureDemoRegion(two)]);
    assert.equal((await counts(one)).accounts, 7);
  } finally {
    await secondHandle.close();
    await database.drop();
  }
});

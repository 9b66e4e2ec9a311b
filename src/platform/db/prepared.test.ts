import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '../../../test/support/database.ts';
import { arrayLiteral, preparedRows, queryRows, type PreparedStatement } from './connect.ts';

// preparedRows has three paths: a named statement on the PostgreSQL pool, a parameterised query
// on PGlite (whichever engine this run uses), and an unnamed statement inside a transaction.
const echo: PreparedStatement = {
  name: 'prepared_test_echo_v1',
  text: `SELECT x, $2::text || x AS labelled FROM unnest($1::text[]) AS t(x) ORDER BY x`,
};

test('a prepared statement gives the same rows on the engine, again, and inside a transaction — where it sees the transaction’s writes', async () => {
  const database = await createTestDatabase({ migrateAndInstall: false });
  try {
    const { db } = database.handle;
    const values = [arrayLiteral(['b', 'a, "quoted" \\ x']), 'n:'];
    const expected = [
      { x: 'a, "quoted" \\ x', labelled: 'n:a, "quoted" \\ x' },
      { x: 'b', labelled: 'n:b' },
    ];
    assert.deepEqual(await preparedRows(db, echo, values), expected);
    assert.deepEqual(await preparedRows(db, echo, values), expected, 'a second run (planned once on the pool) gives the same rows');
    await db.execute(sql`CREATE TABLE prepared_probe (v text)`);
    const probe: PreparedStatement = { name: 'prepared_test_probe_v1', text: 'SELECT count(*)::int AS n FROM prepared_probe WHERE v = $1' };
    await db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO prepared_probe VALUES ('seen')`);
      assert.deepEqual(await preparedRows(tx, echo, values), expected);
      assert.deepEqual(await preparedRows(tx, probe, ['seen']), [{ n: 1 }], 'inside a transaction it runs on the transaction’s connection');
      tx.rollback();
    }).catch((error: unknown) => {
      if (!(error instanceof Error) || !/rollback/i.test(error.message)) throw error;
    });
    assert.deepEqual(await queryRows(db, sql`SELECT count(*)::int AS n FROM prepared_probe`), [{ n: 0 }]);
  } finally {
    await database.drop();
  }
});

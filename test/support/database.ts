/**
 * A fresh database for one test file: in-memory PGlite by default, or, when TEST_DATABASE_URL
 * is set, a new PostgreSQL database with a unique name, dropped afterwards.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { connectDatabase, type DatabaseHandle } from '../../src/platform/db/connect.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { installRegion } from '../../src/registry/region.service.ts';

export interface TestDatabase {
  handle: DatabaseHandle;
  /** The URL of the PostgreSQL database, when on PostgreSQL (for tests that start processes). */
  url: string | null;
  drop(): Promise<void>;
}

export const testOnPostgres = !!process.env.TEST_DATABASE_URL;

export async function createTestDatabase(options: { migrateAndInstall?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  let handle: DatabaseHandle;
  let url: string | null = null;
  let drop: () => Promise<void>;
  if (adminUrl) {
    const name = `prostor_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const target = new URL(adminUrl);
    target.pathname = `/${name}`;
    url = target.toString();
    handle = await connectDatabase({ databaseUrl: url, poolSize: 5 });
    drop = async () => {
      await handle.close();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    };
  } else {
    handle = await connectDatabase({});
    drop = () => handle.close();
  }
  if (options.migrateAndInstall !== false) {
    await migrate(handle);
    await installRegion(handle.db);
  }
  return { handle, url, drop };
}

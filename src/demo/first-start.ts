/**
 * Demo mode's first start: seeds the demo region once, at DEMO_SCALE / DEMO_SEED, and records
 * it in `installation_fact` ('demo-seeded') in the same transaction, so a restart finds the
 * fact and does nothing. An advisory lock makes a second process that starts at the same time
 * wait for the first and then find the fact too.
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../platform/context.ts';
import { queryRows, type Executor } from '../platform/db/connect.ts';
import { seedDemoRegion, type SeedReport } from './seed.ts';

export const demoSeededFact = 'demo-seeded';

/** Arbitrary constant: the advisory lock key that serialises demo seeding. */
const DEMO_SEED_LOCK_KEY = 727_100_003;

export interface DemoSeededFact {
  scale: number;
  seed: number;
  rows: number;
  seededAt: string;
}

export async function readDemoSeededFact(db: Executor): Promise<DemoSeededFact | null> {
  const rows = await queryRows<{ value: DemoSeededFact | string }>(db, sql`SELECT value FROM installation_fact WHERE key = ${demoSeededFact}`);
  const value = rows[0]?.value;
  if (value === undefined) return null;
  return typeof value === 'string' ? (JSON.parse(value) as DemoSeededFact) : value;
}

/** True when the database already holds organisations or people (seeding would collide). */
export async function holdsRegistryData(db: Executor): Promise<boolean> {
  const rows = await queryRows<{ any: boolean }>(
    db,
    sql`SELECT (EXISTS (SELECT 1 FROM organization) OR EXISTS (SELECT 1 FROM person) OR EXISTS (SELECT 1 FROM account)) AS any`,
  );
  return rows[0]?.any === true;
}

export type SeedOutcome =
  | { seeded: true; report: SeedReport }
  | { seeded: false; reason: 'alreadySeeded'; fact: DemoSeededFact }
  | { seeded: false; reason: 'databaseNotEmpty' };

/**
 * Seeds the demo region into an empty database and records the fact, all in one transaction
 * under the advisory lock; does nothing if it was seeded already or the database holds data.
 * Used by first start and by `prostor seed`.
 */
export async function seedOnce(
  db: Executor,
  options: { scale: number; seed: number; now: Date; onProgress?: Parameters<typeof seedDemoRegion>[1]['onProgress'] },
): Promise<SeedOutcome> {
  return db.transaction(async (tx) => {
    // Held until the transaction ends: a second process waits here, then sees the fact.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${DEMO_SEED_LOCK_KEY})`);
    const fact = await readDemoSeededFact(tx);
    if (fact) return { seeded: false, reason: 'alreadySeeded', fact };
    if (await holdsRegistryData(tx)) return { seeded: false, reason: 'databaseNotEmpty' };
    const report = await seedDemoRegion(tx, { scale: options.scale, seed: options.seed, onProgress: options.onProgress });
    const value: DemoSeededFact = { scale: options.scale, seed: options.seed, rows: report.rows, seededAt: options.now.toISOString() };
    await tx.execute(
      sql`INSERT INTO installation_fact (key, value, recorded_at) VALUES (${demoSeededFact}, ${JSON.stringify(value)}::jsonb, ${options.now.toISOString()}::timestamptz)
          ON CONFLICT (key) DO NOTHING`,
    );
    return { seeded: true, report };
  });
}

/** On first start in demo mode: seed the demo region at the configured scale and seed. */
export async function ensureDemoRegion(context: AppContext): Promise<void> {
  const { demoScale: scale, demoSeed: seed } = context.config;
  const fact = await readDemoSeededFact(context.db);
  if (fact) {
    context.logger.debug({ scale: fact.scale, seed: fact.seed }, 'demo region already seeded');
    return;
  }
  context.logger.info({ scale, seed }, 'seeding the demo region (first start)');
  const outcome = await seedOnce(context.db, { scale, seed, now: context.clock.now() });
  if (outcome.seeded) {
    context.logger.info({ scale, seed, rows: outcome.report.rows, ms: outcome.report.ms, tables: outcome.report.tables }, 'demo region seeded');
  } else if (outcome.reason === 'databaseNotEmpty') {
    context.logger.warn('the database already holds organisations, people or accounts: the demo region was not seeded');
  }
}

/**
 * `prostor seed --scale S --seed N`: generates the deterministic demo region into the configured
 * database (DATABASE_URL, or the embedded one in DATA_DIR), after applying migrations and the
 * region's reference data. Refuses (exit 2) on bad arguments or a database that already holds
 * the demo region or other data: seeding is for a fresh database.
 */
import { loadConfig } from '../config.ts';
import { holdsRegistryData, readDemoSeededFact, seedOnce, type DemoSeededFact } from '../demo/first-start.ts';
import { scaleLimits, validateSeedOptions, SeedError, type SeedProgress } from '../demo/seed.ts';
import { migrate } from '../platform/db/migrate.ts';
import { installRegion } from '../registry/region.service.ts';
import { connectDatabase } from '../platform/db/connect.ts';
// type-only: commands.ts imports this file, so a value import would be circular
import type { Command } from './commands.ts';

const usage = `Usage: prostor seed [--scale S] [--seed N]

  --scale S   size of the region, ${scaleLimits.min}..${scaleLimits.max}; 1 ≈ the whole Krai
              (1,200 schools, 780,000 pupils). Default: DEMO_SCALE (0.02).
  --seed N    seed of the generator, 0..${2 ** 31 - 1}. Default: DEMO_SEED (1).
              The same scale and seed always give the same region.
`;

export interface SeedArguments {
  scale: number;
  seed: number;
}

/** Parses `--scale S --seed N` (or `--scale=S`); throws SeedError naming the problem. */
export function parseSeedArguments(args: string[], defaults: SeedArguments): SeedArguments {
  const result = { ...defaults };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag !== '--scale' && flag !== '--seed') throw new SeedError(`unknown argument "${arg}"`);
    const raw = inline ?? args[++i];
    if (raw === undefined || raw === '') throw new SeedError(`${flag} needs a value`);
    if (flag === '--scale') {
      if (!/^\d*\.?\d+(e-?\d+)?$/i.test(raw)) throw new SeedError(`--scale must be a number, got "${raw}"`);
      result.scale = Number(raw);
    } else {
      if (!/^\d+$/.test(raw)) throw new SeedError(`--seed must be a whole number, got "${raw}"`);
      result.seed = Number(raw);
    }
  }
  validateSeedOptions(result);
  return result;
}

function refuse(fact: DemoSeededFact | null): number {
  const why = fact
    ? `it already holds the demo region (scale ${fact.scale}, seed ${fact.seed}, seeded ${fact.seededAt})`
    : 'it already holds organisations, people or accounts';
  process.stderr.write(`prostor seed: refusing to seed this database: ${why}.\nSeed into a fresh database (a new DATABASE_URL, or an empty DATA_DIR).\n`);
  return 2;
}

const number = (n: number) => n.toLocaleString('en-US');

function progressLine(progress: SeedProgress): string {
  const parts = Object.entries(progress.tables)
    .filter(([, rows]) => rows > 0)
    .map(([table, rows]) => `${table} ${number(rows)}`);
  return `${String(Math.floor(progress.fraction * 100)).padStart(3)}%  ${parts.join(' · ')}`;
}

export const seedCommand: Command = {
  summary: 'generate the deterministic demo region: --scale S --seed N',
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(usage);
      return 0;
    }
    const config = loadConfig();
    let parsed: SeedArguments;
    try {
      parsed = parseSeedArguments(args, { scale: config.demoScale, seed: config.demoSeed });
    } catch (error) {
      if (!(error instanceof SeedError)) throw error;
      process.stderr.write(`prostor seed: ${error.message}\n\n${usage}`);
      return 2;
    }
    const handle = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await migrate(handle);
      await installRegion(handle.db);
      const fact = await readDemoSeededFact(handle.db);
      if (fact || (await holdsRegistryData(handle.db))) return refuse(fact);
      const where = handle.engine === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL in ${config.dataDir}`;
      process.stdout.write(`Seeding the demo region at scale ${parsed.scale}, seed ${parsed.seed} into ${where}…\n`);
      const tty = process.stdout.isTTY === true;
      let lastDecile = -1;
      const outcome = await seedOnce(handle.db, {
        ...parsed,
        now: new Date(),
        onProgress(progress) {
          if (tty) {
            process.stdout.write(`\r${progressLine(progress)}\u001b[K`);
          } else if (Math.floor(progress.fraction * 10) > lastDecile) {
            lastDecile = Math.floor(progress.fraction * 10);
            process.stdout.write(`${progressLine(progress)}\n`);
          }
        },
      });
      if (tty) process.stdout.write('\n');
      // another process may have seeded between the check above and the lock
      if (!outcome.seeded) return refuse(outcome.reason === 'alreadySeeded' ? outcome.fact : null);
      const { report } = outcome;
      const width = Math.max(...Object.keys(report.tables).map((t) => t.length));
      const lines = Object.entries(report.tables).map(([table, rows]) => `  ${table.padEnd(width)}  ${number(rows).padStart(11)}`);
      const seconds = report.ms / 1000;
      process.stdout.write(
        `Seeded ${number(report.rows)} rows in ${seconds.toFixed(1)} s (${number(Math.round(report.rows / Math.max(seconds, 0.001)))} rows/s):\n${lines.join('\n')}\n`,
      );
      return 0;
    } finally {
      await handle.close();
    }
  },
};

/**
 * `npm run bench:seed [-- --scale S] [-- --no-record]`: seeds the demo region (scale 1 by default:
 * the whole Krai) into a fresh PostgreSQL database, then measures in the same database what
 * this machine can write at most — a server-side `INSERT … SELECT generate_series` of rows as
 * wide as `person`, into a copy of `person` with its indexes and into one without — and appends
 * the figures, with the machine they were taken on, to docs/benchmarks.md.
 *
 * The database is created on BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
 * under a unique name and dropped at the end.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { seedDemoRegion, type SeedReport } from '../src/demo/seed.ts';
import { connectDatabase, type DatabaseHandle } from '../src/platform/db/connect.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { installRegion } from '../src/registry/region.service.ts';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const argv = process.argv.slice(2);
const scaleArg = argv.find((a) => a.startsWith('--scale'));
const scale = scaleArg ? Number(scaleArg.includes('=') ? scaleArg.split('=')[1] : argv[argv.indexOf(scaleArg) + 1]) : 1;
const seed = 1;
const record = !argv.includes('--no-record');
const benchmarksFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/benchmarks.md');
const sectionTitle = '## Seeding the demo region (`npm run bench:seed`)';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface LimitFigure {
  label: string;
  rows: number;
  seconds: number;
}

/** Server-side generation of rows shaped like the seeded people: the ceiling for any client. */
async function physicalLimit(handle: DatabaseHandle, rows: number): Promise<LimitFigure[]> {
  const columns = `id, last_name, first_name, middle_name, birth_date, sex, snils, birth_certificate_series, birth_certificate_number,
    passport_series, passport_number, phone, email, municipality_id, organization_id`;
  // Sequential ids and documents, as the generator issues them; names from a small set.
  const select = `SELECT
      ('01986200-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
      (ARRAY['Иванов','Смирнова','Кузнецов','Бондаренко','Петросян','Морозова','Волков','Ткаченко'])[1 + g % 8] || (g % 97)::text,
      (ARRAY['Артём','София','Михаил','Анна','Максим','Алиса','Лев','Ева'])[1 + g % 8],
      (ARRAY['Сергеевич','Андреевна','Дмитриевич','Игоревна'])[1 + g % 4],
      date '2008-03-01' + (g % 6300),
      CASE WHEN g % 2 = 0 THEN 'male' ELSE 'female' END,
      lpad((100000000 + g * 75)::text, 9, '0') || '00',
      CASE WHEN g % 2 = 0 THEN (ARRAY['I','II','III','IV','V','VI'])[1 + g / 2 / 1000000 % 6] || '-АГ' END, CASE WHEN g % 2 = 0 THEN lpad((g / 2 % 1000000)::text, 6, '0') END,
      CASE WHEN g % 2 = 1 THEN '03' || lpad((g / 2 / 1000000)::text, 2, '0') END, CASE WHEN g % 2 = 1 THEN lpad((g / 2 % 1000000)::text, 6, '0') END,
      '+7 918 ' || lpad((g % 10000000)::text, 7, '0'),
      NULL,
      1 + g % 44,
      NULL::uuid
    FROM generate_series(1, ${rows}) AS g`;
  const figures: LimitFigure[] = [];
  await handle.withConnection(async (exec) => {
    await exec('CREATE TABLE bench_person_indexed (LIKE person INCLUDING ALL)');
    await exec('CREATE TABLE bench_person_bare (LIKE person INCLUDING DEFAULTS INCLUDING GENERATED)');
    for (const [table, label] of [
      ['bench_person_indexed', 'INSERT … SELECT generate_series into a copy of `person` with its indexes'],
      ['bench_person_bare', 'the same into a copy of `person` without indexes'],
    ] as const) {
      const started = performance.now();
      await exec(`INSERT INTO ${table} (${columns}) ${select}`);
      figures.push({ label, rows, seconds: (performance.now() - started) / 1000 });
    }
    await exec('DROP TABLE bench_person_indexed, bench_person_bare');
  });
  return figures;
}

function recordFigures(markdown: string): void {
  let text = fs.existsSync(benchmarksFile)
    ? fs.readFileSync(benchmarksFile, 'utf8')
    : `# Benchmarks\n\nMeasured figures, appended by the benchmark scripts in \`bench/\` (and by hand for the ones\nthat are not scripted), each with the date and the machine it was taken on. Compare a figure\nwith the physical limit measured in the same run, not with a figure from another machine.\n`;
  if (!text.includes(sectionTitle)) {
    text = `${text.trimEnd()}\n\n${sectionTitle}\n\nThe whole demo region at scale 1 — 1,200 schools, 1,550 kindergartens, 780,000 pupils, 270,000\npreschool children with their guardians and the staff — generated and written into a fresh\nPostgreSQL database in one transaction by \`seedDemoRegion\` (\`src/demo/seed.ts\`). The "limit"\nrows are what the server alone writes when it generates rows of the same width itself.\n`;
  }
  // Append at the end of this section (before the next "## " heading, if any).
  const start = text.indexOf(sectionTitle);
  const next = text.indexOf('\n## ', start + sectionTitle.length);
  const at = next === -1 ? text.length : next;
  text = `${text.slice(0, at).trimEnd()}\n\n${markdown.trim()}\n${next === -1 ? '' : `\n${text.slice(at + 1)}`}`;
  fs.writeFileSync(benchmarksFile, text.endsWith('\n') ? text : `${text}\n`);
}

async function main(): Promise<void> {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`bad --scale ${scaleArg}`);
  const name = `prostor_bench_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let handle: DatabaseHandle | null = null;
  try {
    handle = await connectDatabase({ databaseUrl: url.toString(), poolSize: 2 });
    await migrate(handle);
    await installRegion(handle.db);
    const [version] = await handle.withConnection((exec) => exec('SHOW server_version'));
    process.stderr.write(`Seeding scale ${scale}, seed ${seed} into ${name}…\n`);
    let decile = -1;
    const report: SeedReport = await seedDemoRegion(handle.db, {
      scale,
      seed,
      onProgress(p) {
        if (Math.floor(p.fraction * 10) > decile) {
          decile = Math.floor(p.fraction * 10);
          process.stderr.write(`  ${String(decile * 10).padStart(3)}%  ${fmt(p.rows)} rows\n`);
        }
      },
    });
    const seconds = report.ms / 1000;
    process.stderr.write('Measuring the physical limit…\n');
    // as many rows as the seed wrote to `person`, so both fill tables (and indexes) of the same size
    const limitRows = Math.max(100_000, report.tables.person ?? 0);
    const limits = await physicalLimit(handle, limitRows);

    const lines: string[] = [];
    const day = new Date().toISOString().slice(0, 10);
    const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
    lines.push(`### ${day} — scale ${scale}, seed ${seed}`);
    lines.push('');
    lines.push(
      `Machine: ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, load average at start ${os.loadavg()[0]!.toFixed(1)}; ` +
        `PostgreSQL ${String(version?.server_version ?? '?')} (local, default settings); Node ${process.version}.`,
    );
    lines.push('');
    lines.push('| table | rows | seconds in the database |');
    lines.push('|---|---:|---:|');
    for (const [table, rows] of Object.entries(report.tables)) lines.push(`| ${table} | ${fmt(rows)} | ${((report.serverMs[table] ?? 0) / 1000).toFixed(1)} |`);
    lines.push('');
    lines.push('| measure | rows | seconds | rows/s |');
    lines.push('|---|---:|---:|---:|');
    lines.push(`| demo seed, all tables (generation overlapped with inserts) | ${fmt(report.rows)} | ${seconds.toFixed(1)} | ${fmt(report.rows / seconds)} |`);
    const personSeconds = (report.serverMs.person ?? 0) / 1000;
    if (personSeconds > 0) lines.push(`| demo seed, \`person\` inserts alone | ${fmt(report.tables.person ?? 0)} | ${personSeconds.toFixed(1)} | ${fmt((report.tables.person ?? 0) / personSeconds)} |`);
    for (const l of limits) lines.push(`| limit: ${l.label} | ${fmt(l.rows)} | ${l.seconds.toFixed(1)} | ${fmt(l.rows / l.seconds)} |`);
    const markdown = lines.join('\n');
    process.stdout.write(`\n${markdown}\n`);
    if (record) {
      recordFigures(markdown);
      process.stderr.write(`\nRecorded in ${path.relative(process.cwd(), benchmarksFile)}\n`);
    }
  } finally {
    await handle?.close();
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:seed failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

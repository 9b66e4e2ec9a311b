/**
 * `npm run bench:preschool [-- --applicants N] [-- --no-record] [-- --keep]`: the kindergarten allocation end
 * to end on PostgreSQL. A fresh database gets, in one municipality, 1,600 kindergartens × 6 age
 * groups of approved places and 150,000 applications in the queue with 5 preferred kindergartens
 * each (near "home", a skewed share of siblings attending and verified benefits), generated
 * deterministically by the server (INSERT … SELECT over generate_series and unnest — no random
 * numbers, the same database every time). Then it times what an operator's run does:
 *
 * 1. queue-position lookups by application number (1,000, pseudo-random, before the run: every
 *    application is in the queue, the worst case);
 * 2. the dry run: load the instance from the database, allocate (deferred acceptance), store it;
 * 3. the commit: lock the groups, re-count free places, issue every offer (offers, statuses,
 *    history, audit, notices).
 *
 * Figures, with the date and machine, are appended to docs/benchmarks.md. The database is
 * created on BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) under a
 * unique name and dropped at the end.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { allocate } from '../src/enrollment/allocation/allocate.ts';
import { buildAllocationInstance, commitRun, createDryRun, type RunOptions } from '../src/enrollment/preschool/allocation-run.service.ts';
import { lookupQueuePosition } from '../src/enrollment/preschool/public-queue.service.ts';
import { ageGroupFor, getPreschoolSettings, listReference } from '../src/enrollment/preschool/reference.service.ts';
import type { AuditOrigin } from '../src/platform/audit/audit.ts';
import { ManualClock } from '../src/platform/context.ts';
import { connectDatabase } from '../src/platform/db/connect.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { installRegion } from '../src/registry/region.service.ts';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : fallback);
const APPLICANTS = option('applicants', 150_000);
const KINDERGARTENS = option('kindergartens', 1_600);
const GUARDIANS = Math.round(APPLICANTS * 0.8);
const LOOKUPS = 1_000;
const record = !argv.includes('--no-record');
// --keep: leave the database behind (its name is printed) to EXPLAIN queries on it; drop it by hand
const keep = argv.includes('--keep');
const benchmarksFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/benchmarks.md');
const sectionTitle = '## Kindergarten allocation end to end (`npm run bench:preschool`)';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (ms: number) => fmt(ms / 1000, 2);

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

// Children's birth dates: 2020-01-15 + ((g * 37) mod BIRTH_DAYS) days.
const BIRTH_DAYS = 2_000;

/**
 * The age group registration stores for each of the BIRTH_DAYS birth dates (desired start
 * 2026-09-01), computed by the same function as a real registration (ageGroupFor) on the
 * database's reference data, as a SQL array literal indexed by 1 + offset.
 */
async function ageGroupArray(db: Parameters<typeof getPreschoolSettings>[0]): Promise<string> {
  const [settings, ageGroups] = await Promise.all([getPreschoolSettings(db), listReference(db, 'ageGroups', { activeOnly: true })]);
  const first = Date.UTC(2020, 0, 15);
  const codes = Array.from({ length: BIRTH_DAYS }, (_, offset) => {
    const birthDate = new Date(first + offset * 86_400_000).toISOString().slice(0, 10);
    const code = ageGroupFor(birthDate, '2026-09-01', settings, ageGroups)?.code;
    return code ? `'${code.replace(/'/g, "''")}'` : 'NULL';
  });
  return `(ARRAY[${codes.join(',')}]::text[])`;
}

/** The deterministic region: every value is arithmetic on the row number. */
function generationSql(ageGroups: string): string[] {
  const kg = (expr: string) => `('00000000-0000-4000-8000-' || lpad(to_hex(${expr}), 12, '0'))::uuid`;
  return [
    `INSERT INTO organization (id, municipality_id, kind, full_name, short_name, address, inn, ogrn)
     SELECT ${kg('g')}, 1, 'kindergarten', 'Муниципальное бюджетное дошкольное образовательное учреждение детский сад № ' || g,
            'МБДОУ д/с № ' || g, '350000, ' || (ARRAY['г. Краснодар','ст-ца Динская','г. Горячий Ключ','х. Ленина'])[1 + g % 4] || ', ул. Садовая, д. ' || g,
            lpad((2300000000 + g)::text, 10, '0'), lpad((1022300000000 + g)::text, 13, '0')
     FROM generate_series(1, ${KINDERGARTENS}) g`,
    // 6 age groups per kindergarten, 20 places, 0–7 of them free.
    `INSERT INTO kindergarten_group (organization_id, name, age_group_code, orientation_code, stay_mode_code, capacity, occupied, plan_status)
     SELECT ${kg('g')}, 'Группа ' || a, a, 'general', 'fullDay', 20, 20 - ((g * 7 + x * 3) % 8), 'approved'
     FROM generate_series(1, ${KINDERGARTENS}) g, unnest(ARRAY['1-2','2-3','3-4','4-5','5-6','6-7']) WITH ORDINALITY AS t(a, x)`,
    `INSERT INTO person (id, last_name, first_name, birth_date, sex, municipality_id)
     SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(g), 12, '0'))::uuid, 'Родитель', 'Имя', date '1990-01-01' + g % 3000, 'female', 1
     FROM generate_series(1, ${GUARDIANS}) g`,
    `INSERT INTO person (id, last_name, first_name, birth_date, sex, municipality_id)
     SELECT ('00000000-0000-4000-a000-' || lpad(to_hex(g), 12, '0'))::uuid, 'Ребёнок', 'Имя', date '2020-01-15' + (g * 37) % ${BIRTH_DAYS}, 'male', 1
     FROM generate_series(1, ${APPLICANTS}) g`,
    // One in eight guardians has an older child attending a kindergarten near home.
    `INSERT INTO person (id, last_name, first_name, birth_date, sex, municipality_id, organization_id)
     SELECT ('00000000-0000-4000-b000-' || lpad(to_hex(g), 12, '0'))::uuid, 'Сиблинг', 'Имя', date '2019-06-01', 'female', 1, ${kg(`1 + ((g * 7919) % ${KINDERGARTENS})`)}
     FROM generate_series(1, ${Math.round(GUARDIANS / 8)}) g`,
    `INSERT INTO guardian_link (guardian_id, child_id, relation)
     SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(1 + (g - 1) % ${GUARDIANS}), 12, '0'))::uuid, ('00000000-0000-4000-a000-' || lpad(to_hex(g), 12, '0'))::uuid, 'mother'
     FROM generate_series(1, ${APPLICANTS}) g`,
    `INSERT INTO guardian_link (guardian_id, child_id, relation)
     SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(g), 12, '0'))::uuid, ('00000000-0000-4000-b000-' || lpad(to_hex(g), 12, '0'))::uuid, 'mother'
     FROM generate_series(1, ${Math.round(GUARDIANS / 8)}) g`,
    // Applications: registered 10 minutes apart; 2% first priority, 1% out of turn (verified);
    // the age group stored as registration stores it (migrations/0009).
    `INSERT INTO preschool_application (id, number, child_id, guardian_id, municipality_id, registered_at, submitted_via, desired_start_date,
        orientation_code, stay_mode_code, benefit_code, benefit_status, consent_alternative, status, status_changed_at, decision_due_at, age_group_code)
     SELECT ('00000000-0000-4000-c000-' || lpad(to_hex(g), 12, '0'))::uuid, '23-01-2025-' || lpad(g::text, 6, '0'),
            ('00000000-0000-4000-a000-' || lpad(to_hex(g), 12, '0'))::uuid, ('00000000-0000-4000-9000-' || lpad(to_hex(1 + (g - 1) % ${GUARDIANS}), 12, '0'))::uuid,
            1, timestamptz '2021-01-01 00:00:00+00' + g * interval '10 minutes', 'online', date '2026-09-01', 'general', 'fullDay',
            CASE WHEN g % 100 = 0 THEN 'judge' WHEN g % 50 = 0 THEN 'police' END,
            CASE WHEN g % 50 = 0 THEN 'verified' ELSE 'none' END, g % 3 = 0, 'inQueue',
            timestamptz '2021-01-01 00:00:00+00' + g * interval '10 minutes', timestamptz '2021-01-01 00:00:00+00' + g * interval '10 minutes',
            ${ageGroups}[1 + (g * 37) % ${BIRTH_DAYS}]
     FROM generate_series(1, ${APPLICANTS}) g`,
    // Five kindergartens near home (home ± a step), the first the one nearest.
    `INSERT INTO preschool_preference (application_id, rank, organization_id)
     SELECT ('00000000-0000-4000-c000-' || lpad(to_hex(g), 12, '0'))::uuid, k + 1,
            ${kg(`1 + (((g * 7919) % ${KINDERGARTENS}) + k * (1 + g % 13)) % ${KINDERGARTENS}`)}
     FROM generate_series(1, ${APPLICANTS}) g, generate_series(0, 4) k`,
    // What autovacuum does to a loaded table in steady state: statistics, and the visibility map
    // that lets the queue position's covering indexes (migrations/0012) answer index-only.
    'VACUUM ANALYZE',
  ];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const name = `prostor_bench_preschool_${crypto.randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await connectDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  const loadAverage = os.loadavg()[0]!;
  try {
    await migrate(handle);
    await installRegion(handle.db);
    const generationStarted = performance.now();
    const ageGroups = await ageGroupArray(handle.db);
    await handle.withConnection(async (exec) => {
      for (const statement of generationSql(ageGroups)) await exec(statement);
    });
    const generationMs = performance.now() - generationStarted;
    console.log(`generated ${fmt(APPLICANTS)} applications in ${seconds(generationMs)} s`);

    const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));
    const context = { db: handle.db, clock };
    const origin: AuditOrigin = { actor: { kind: 'anonymous' }, ip: null, requestId: 'bench' };

    // Queue-position lookups (public page's service function), one warm-up, then 1,000 timed.
    await lookupQueuePosition(handle.db, '23-01-2025-000001');
    const lookups: number[] = [];
    let state = 12345;
    for (let i = 0; i < LOOKUPS; i++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      const number = `23-01-2025-${String(1 + (state % APPLICANTS)).padStart(6, '0')}`;
      const started = performance.now();
      const found = await lookupQueuePosition(handle.db, number);
      lookups.push(performance.now() - started);
      if (!found || found.positions.length !== 5) throw new Error(`lookup of ${number} failed`);
    }
    lookups.sort((a, b) => a - b);

    const options: RunOptions = { municipalityId: 1, allocationDate: '2026-09-01', kind: 'main', mechanism: 'deferred-acceptance', offerNearest: false };
    // The parts, for the record (each measured on its own).
    let started = performance.now();
    const built = await buildAllocationInstance(handle.db, options);
    const loadMs = performance.now() - started;
    started = performance.now();
    const result = allocate(built.instance);
    const allocateMs = performance.now() - started;
    // End to end: dry run (load + allocate + store) then commit (offers).
    started = performance.now();
    const run = await createDryRun(context, origin, options);
    const dryRunMs = performance.now() - started;
    started = performance.now();
    const { offers } = await commitRun(context, origin, run.id);
    const commitMs = performance.now() - started;
    const totalMs = dryRunMs + commitMs;
    const places = built.instance.places.reduce((s, p) => s + p.capacity, 0);

    const rows: Array<[string, string]> = [
      ['applications in the queue / preferences', `${fmt(APPLICANTS)} / ${fmt(APPLICANTS * 5)}`],
      ['places (pools) / free seats', `${fmt(built.instance.places.length)} / ${fmt(places)}`],
      ['load the instance from the database (`buildAllocationInstance`)', `${seconds(loadMs)} s`],
      ['allocate, deferred acceptance (`allocate`, validation and result included)', `${seconds(allocateMs)} s`],
      ['dry run: load + allocate + store the run (`createDryRun`)', `${seconds(dryRunMs)} s`],
      [`commit: lock, re-count, issue ${fmt(offers)} offers (\`commitRun\`)`, `${seconds(commitMs)} s`],
      ['**end to end (dry run + commit)**, target < 15 s', `**${seconds(totalMs)} s**`],
      [`queue-position lookup by number, ${fmt(LOOKUPS)} lookups: p50 / p95 / p99 (target p95 < 20 ms)`, `${fmt(percentile(lookups, 50), 1)} / ${fmt(percentile(lookups, 95), 1)} / ${fmt(percentile(lookups, 99), 1)} ms`],
    ];
    console.log(rows.map(([k, v]) => `${k}: ${v}`).join('\n'));
    console.log(`assigned ${fmt(result.summary.assigned)}; byChoice ${result.summary.byChoice.join(', ')}`);

    if (record) {
      const [version] = await handle.withConnection((exec) => exec('SELECT version() AS v'));
      const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
      const date = new Date().toISOString().slice(0, 10);
      const text = [
        `### ${date} — ${fmt(APPLICANTS)} applications, ${fmt(KINDERGARTENS)} kindergartens × 6 age groups`,
        '',
        `Machine: ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, load average at start ${loadAverage.toFixed(1)}; ` +
          `${String(version?.v ?? '').split(' on ')[0]} (local, default settings); Node ${process.version}. Data generated by the server in ${seconds(generationMs)} s (not timed below).`,
        '',
        '| step | figure |',
        '|---|---:|',
        ...rows.map(([k, v]) => `| ${k} | ${v} |`),
        '',
        `- Assigned ${fmt(result.summary.assigned)} of ${fmt(APPLICANTS)}; by choice: ${result.summary.byChoice.map((n) => fmt(n)).join(', ')}.`,
        '- The commit writes, per offer, the offer, the status, the history row and the guardian\'s inbox notice, set-based, plus one audit event for the batch (`issueOffers`).',
        '',
      ].join('\n');
      let doc = fs.readFileSync(benchmarksFile, 'utf8');
      if (!doc.includes(sectionTitle)) {
        doc = `${doc.trimEnd()}\n\n${sectionTitle}\n\nA municipality's whole main allocation on PostgreSQL: loading the anonymised instance from the database, deferred acceptance, and committing every offer in one transaction (\`bench/preschool.bench.ts\`). Queue-position lookups are the public page's service function.\n\n`;
      }
      fs.writeFileSync(benchmarksFile, `${doc.trimEnd()}\n\n${text}`);
      console.log(`recorded in ${benchmarksFile}`);
    }
  } finally {
    await handle.close();
    if (keep) console.log(`kept database ${name}`);
    else await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();

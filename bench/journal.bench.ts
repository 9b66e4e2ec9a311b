/**
 * `npm run bench:journal [-- --scale S] [-- --seconds N] [-- --connections N] [-- --no-record] [-- --keep]`:
 * the parents' evening on PostgreSQL (issue 5, item 11).
 *
 * A fresh database (created on BENCH_DATABASE_URL under a unique name, dropped at the end) gets
 * the demo region at scale 1.3 — its municipality 1, Krasnodar city, then has about 200,000
 * pupils — with every school's journal year, classes, stays and assignments (the seed calls
 * `seedJournal`, src/demo/journal-demo.ts), and then, for Krasnodar's schools, one full term of
 * lessons, attendance and marks written set-based by the server (bench/journal/generate.ts: the
 * demo's `seedJournalLessons` builds each row in Node, a few thousand rows a second — hours at
 * this size). Then, in the same run:
 *
 * 1. guardians' accounts with live sessions (20,000 guardians of Krasnodar pupils) and teachers'
 *    accounts with sessions for 2,000 sampled lessons, written set-based;
 * 2. the real server as child processes (`src/main.ts`, workers off, `--servers N`, default 2 —
 *    one per core, as behind a load balancer) and a keep-alive load
 *    generator in this process (bench/journal/load.ts): diary week pages (HTML, each a different
 *    guardian, child and week of the term), closed loop;
 * 3. saving a mark (POST /api/v1/journal/lessons/:id/cells) by teachers, closed loop, alone;
 * 4. both at once: diary pages and mark saves on separate connections — the diary first as a
 *    closed loop (the machine at its limit), then offered at the goal's 1,000 pages a second
 *    (open loop: the parents' evening at the goal's rate) while teachers save marks;
 * 5. the yardstick: pgbench running a diary page's database work alone (its three statements).
 * Figures with date and machine are appended to docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { seedDemoRegion } from '../src/demo/seed.ts';
import { connectDatabase } from '../src/platform/db/connect.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { installRegion } from '../src/registry/region.service.ts';
import { pupilWeekStatement } from '../src/journal/lesson.service.ts';
import { sessionLookup } from '../src/platform/auth/accounts.ts';
import { childrenOfGuardian } from '../src/registry/person.service.ts';
import { generateTerm } from './journal/generate.ts';
import { closedLoop, openLoop, type LoadResult, type Request } from './journal/load.ts';
import { httpPool } from './support/http.ts';
import { recordFigures } from './support/record.ts';
import { startServers, stopServer, type Server } from './support/server.ts';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : fallback);
const SCALE = option('scale', 1.3);
const SECONDS = option('seconds', 20);
const CONNECTIONS = option('connections', 32);
const MARK_CONNECTIONS = option('mark-connections', 4);
// The goal's rate of diary pages for the evening phase (open loop).
const EVENING_RATE = option('evening-rate', 1000);
// App processes on the one database, one per core, as behind a load balancer.
const SERVERS = option('servers', 2);
const GUARDIANS = 20_000;
const TARGETS = 2_000;
const record = !argv.includes('--no-record');
// --keep: leave the database for later runs (--database NAME); a reused one is always left
const keep = argv.includes('--keep');
// --database NAME: continue on a database an earlier run seeded and kept (the region's seed is
// the longest step on a busy machine); the term and everything after run as usual
const reuse = argv.includes('--database') ? argv[argv.indexOf('--database') + 1]! : null;
// --no-generate (with --database): the term is already written; go straight to the load
const generate = !argv.includes('--no-generate');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchmarksFile = path.join(root, 'docs/benchmarks.md');
const sectionTitle = '## The parents’ evening: diary pages and mark saves (`npm run bench:journal`)';
// The term the seed fills whole: quarter 1 of 2026/2027 (1 Sep – 24 Oct 2026).
const TODAY = '2026-10-23';
const WEEKS = ['2026-09-07', '2026-09-14', '2026-09-21', '2026-09-28', '2026-10-05', '2026-10-12', '2026-10-19'];

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/**
 * The yardstick: the database work of one diary page without Node — the app's own three
 * statements (the session, the guardian's children, the pupil's week; their SQL text is imported,
 * so it cannot drift), prepared, for a random guardian and week, under pgbench at the same
 * concurrency as the load.
 */
function pgbenchDiaryPage(databaseUrl: string, clients: number, seconds: number): { tps: number; latencyMs: number } {
  const script = path.join(os.tmpdir(), `journal-diary-pgbench-${process.pid}.sql`);
  // pgbench makes every ":word" a parameter, even inside a literal ('HH24:MI'); chr(58) is ':'
  const one = (text: string, params: string[]) =>
    text
      .replace(/\s+/g, ' ')
      .replace(/\$(\d+)/g, (_, n: string) => params[Number(n) - 1]!)
      .replace(/'HH24:MI'/g, `'HH24' || chr(58) || 'MI'`)
      .trim() + ';';
  fs.writeFileSync(
    script,
    [
      `\\set n random(0, ${GUARDIANS - 1})`,
      '\\set w random(0, 6)',
      `SELECT child_id AS c, guardian_id AS g, encode(sha256(convert_to('bench-guardian-session-' || i, 'UTF8')), 'hex') AS s,
              (DATE '${WEEKS[0]}' + 7 * :w)::text AS d1, (DATE '${WEEKS[0]}' + 7 * :w + 6)::text AS d2 FROM bench_pick WHERE n = :n \\gset`.replace(/\s+/g, ' '),
      one(sessionLookup.text, ['ARRAY[:s]', 'now()']),
      one(childrenOfGuardian.text, [':g::uuid']),
      one(pupilWeekStatement.text, [':c::uuid', ':d1', ':d2']),
      '',
    ].join('\n'),
  );
  const run = spawnSync('pgbench', ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', script, databaseUrl], { encoding: 'utf8' });
  fs.rmSync(script, { force: true });
  if (run.status !== 0 || /error/i.test(run.stderr)) throw new Error(`pgbench failed: ${run.stderr}`);
  return { tps: Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1]), latencyMs: Number(/latency average = ([\d.]+) ms/.exec(run.stdout)?.[1]) };
}

function describe(r: LoadResult): string {
  const failed = r.errors ? `, ${fmt(r.errors)} failed (${Object.entries(r.statuses).map(([s, n]) => `${s}: ${n}`).join(', ')})` : '';
  return `${fmt(r.perSecond)} req/s, p50 ${fmt(r.p50, 1)} ms, p95 ${fmt(r.p95, 1)} ms, p99 ${fmt(r.p99, 1)} ms${failed}`;
}

async function main(): Promise<void> {
  const name = reuse ?? `prostor_bench_journal_${crypto.randomBytes(4).toString('hex')}`;
  if (!/^prostor_bench_journal_[0-9a-f]{8}$/.test(name)) throw new Error(`not a benchmark database: ${name}`);
  if (!reuse) await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  log(`database ${name}`);
  const handle = await connectDatabase({ databaseUrl, poolSize: 4 });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  let servers: Server[] = [];
  const started = new Date();
  try {
    const timings: Array<[string, number]> = [];
    let t0 = performance.now();
    if (!reuse) {
      await migrate(handle);
      await installRegion(handle.db);
      const region = await seedDemoRegion(handle.db, { scale: SCALE, seed: 1 });
      timings.push([`demo region at scale ${SCALE} with every school's year, classes, stays and assignments (seedDemoRegion)`, performance.now() - t0]);
      log(`region: ${fmt(region.rows)} rows`);
    }
    const { classes } = (await pool.query(`SELECT count(*)::int AS classes FROM school_class WHERE municipality_id = 1`)).rows[0] as { classes: number };
    log(`journal (seeded with the region): ${fmt(classes)} classes in Krasnodar`);
    t0 = performance.now();
    let lastLog = 0;
    const generated = !generate ? {} : await generateTerm(pool, { municipalityId: 1, termNumber: 1, until: TODAY }, (done, total, rows) => {
      if (performance.now() - lastLog > 20_000 || done === total) {
        lastLog = performance.now();
        log(`term: ${done}/${total} schools, ${JSON.stringify(rows)}`);
      }
    });
    if (generate) timings.push(['Krasnodar: one full term of lessons, attendance, marks (bench/journal/generate.ts, set-based)', performance.now() - t0]);
    log(`term: ${JSON.stringify(generated)}`);
    t0 = performance.now();
    await pool.query(generate ? 'VACUUM ANALYZE' : 'ANALYZE');
    timings.push([generate ? 'VACUUM ANALYZE' : 'ANALYZE', performance.now() - t0]);
    const { pupils } = (await pool.query(`SELECT count(DISTINCT pupil_id)::int AS pupils FROM class_enrolment WHERE municipality_id = 1 AND ends_on IS NULL`)).rows[0] as { pupils: number };

    // 1. Sessions for guardians and teachers, set-based.
    t0 = performance.now();
    // A kept database (--database) already has them from its first run: only refresh the sessions.
    const alreadyThere = (await pool.query(`SELECT to_regclass('bench_guardian') IS NOT NULL AS there`)).rows[0].there as boolean;
    if (alreadyThere) {
      await pool.query(`UPDATE session SET last_seen_at = now(), expires_at = now() + interval '1 day' WHERE account_id IN (SELECT id FROM account WHERE login LIKE 'bench-%')`);
    } else {
      await pool.query(`
        CREATE TABLE bench_guardian AS
        SELECT (row_number() OVER (ORDER BY guardian_id) - 1)::int AS i, guardian_id, child_id FROM (
          SELECT DISTINCT ON (gl.guardian_id) gl.guardian_id, gl.child_id
            FROM guardian_link gl JOIN class_enrolment e ON e.pupil_id = gl.child_id AND e.municipality_id = 1 AND e.ends_on IS NULL
           WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.person_id = gl.guardian_id)
             AND EXISTS (SELECT 1 FROM lesson l WHERE l.class_id = e.class_id)
           ORDER BY gl.guardian_id, gl.child_id) g
        ORDER BY md5(guardian_id::text) LIMIT ${GUARDIANS}`);
      await pool.query(`CREATE UNIQUE INDEX ON bench_guardian (i)`);
      await pool.query(`INSERT INTO account (id, login, password_hash, person_id, display_name) SELECT md5('bg' || i)::uuid, 'bench-guardian-' || i, NULL, guardian_id, 'Родитель ' || i FROM bench_guardian`);
      await pool.query(`INSERT INTO role_grant (account_id, role) SELECT md5('bg' || i)::uuid, 'guardian' FROM bench_guardian`);
      await pool.query(`
        INSERT INTO session (id, account_id, csrf_token, created_at, last_seen_at, expires_at)
        SELECT encode(sha256(convert_to('bench-guardian-session-' || i, 'UTF8')), 'hex'), md5('bg' || i)::uuid, 'bench-csrf-' || i, now(), now(), now() + interval '1 day' FROM bench_guardian`);
      await pool.query(`
        CREATE TABLE bench_target AS
        SELECT (row_number() OVER (ORDER BY md5(l.id::text)) - 1)::int AS i, l.id AS lesson_id, ta.teacher_id, ta.organization_id, p.pupil_id
          FROM (SELECT id, assignment_id, class_id FROM lesson WHERE municipality_id = 1 AND status = 'held' ORDER BY md5(id::text) LIMIT ${TARGETS}) l
          JOIN teaching_assignment ta ON ta.id = l.assignment_id AND ta.subgroup_id IS NULL
          JOIN LATERAL (SELECT pupil_id FROM class_enrolment e WHERE e.class_id = l.class_id AND e.ends_on IS NULL ORDER BY md5(e.pupil_id::text) LIMIT 1) p ON true
         WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.person_id = ta.teacher_id)`);
      await pool.query(`INSERT INTO account (id, login, password_hash, person_id, display_name) SELECT DISTINCT md5('bt' || teacher_id)::uuid, 'bench-teacher-' || teacher_id, NULL, teacher_id, 'Учитель' FROM bench_target`);
      await pool.query(`INSERT INTO role_grant (account_id, role, organization_id) SELECT DISTINCT md5('bt' || teacher_id)::uuid, 'teacher', organization_id FROM bench_target ON CONFLICT DO NOTHING`);
      await pool.query(`
        INSERT INTO session (id, account_id, csrf_token, created_at, last_seen_at, expires_at)
        SELECT DISTINCT encode(sha256(convert_to('bench-teacher-session-' || teacher_id, 'UTF8')), 'hex'), md5('bt' || teacher_id)::uuid, 'bench-csrf-t', now(), now(), now() + interval '1 day' FROM bench_target`);
    }
    // bench_guardian.i are the guardians' numbers in the region (sparse); pgbench draws dense ones
    await pool.query(`CREATE TABLE IF NOT EXISTS bench_pick AS SELECT (row_number() OVER (ORDER BY i) - 1)::int AS n, i, guardian_id, child_id FROM bench_guardian`);
    await pool.query('CREATE UNIQUE INDEX IF NOT EXISTS bench_pick_n ON bench_pick (n)');
    await pool.query('VACUUM ANALYZE bench_guardian, bench_pick, bench_target, account, role_grant, session');
    timings.push([`sessions for ${fmt(GUARDIANS)} guardians and the teachers of ${fmt(TARGETS)} lessons`, performance.now() - t0]);
    const guardians = (await pool.query('SELECT i, child_id FROM bench_guardian ORDER BY i')).rows as Array<{ i: number; child_id: string }>;
    const targets = (await pool.query('SELECT i, lesson_id, teacher_id, pupil_id FROM bench_target ORDER BY i')).rows as Array<{ i: number; lesson_id: string; teacher_id: string; pupil_id: string }>;
    const counts = (await pool.query(`
      SELECT 'person' AS t, count(*)::bigint AS n FROM person UNION ALL SELECT 'school_class', count(*) FROM school_class WHERE municipality_id = 1
      UNION ALL SELECT 'class_enrolment', count(*) FROM class_enrolment WHERE municipality_id = 1 UNION ALL SELECT 'teaching_assignment', count(*) FROM teaching_assignment WHERE municipality_id = 1
      UNION ALL SELECT 'lesson', count(*) FROM lesson UNION ALL SELECT 'attendance', count(*) FROM attendance UNION ALL SELECT 'mark', count(*) FROM mark`)).rows as Array<{ t: string; n: string }>;
    const { size } = (await pool.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`)).rows[0] as { size: string };

    // 2–4. The server and the load.
    servers = await startServers(databaseUrl, SERVERS);
    const port = servers.map((s) => s.port);
    const diary = (i: number): Request => {
      const g = guardians[(i * 7919) % guardians.length]!;
      return { method: 'GET', path: `/diary?child=${g.child_id}&week=${WEEKS[i % WEEKS.length]}`, headers: { cookie: `prostor_session=bench-guardian-session-${g.i}` } };
    };
    const save = (i: number): Request => {
      const t = targets[i % targets.length]!;
      return {
        method: 'POST',
        path: `/api/v1/journal/lessons/${t.lesson_id}/cells`,
        headers: { cookie: `prostor_session=bench-teacher-session-${t.teacher_id}`, 'x-csrf-token': 'bench-csrf-t', 'content-type': 'application/json' },
        body: JSON.stringify({ pupilId: t.pupil_id, mark: 3 + (i % 3) }),
      };
    };
    // The pages must show lessons: a read model left empty (class_week) would serve empty weeks fast.
    const probe = httpPool(port[0]!, 1);
    let withLessons = 0;
    for (let i = 0; i < 50; i++) if ((await probe.send(diary(i))).body.includes('<tr><td>')) withLessons++;
    probe.close();
    if (withLessons < 45) throw new Error(`only ${withLessons} of 50 sampled diary pages show lessons: the data or the read model is incomplete`);
    log(`${withLessons} of 50 sampled diary pages show lessons`);
    log('warming up');
    await closedLoop(port, 8, 5, diary, 0);
    log('diary pages, closed loop');
    const diaryAlone = await closedLoop(port, CONNECTIONS, SECONDS, diary);
    log(`diary: ${describe(diaryAlone)}`);
    const saveAlone = await closedLoop(port, MARK_CONNECTIONS, SECONDS, save);
    log(`marks: ${describe(saveAlone)}`);
    const [diaryMixed, saveMixed] = await Promise.all([closedLoop(port, CONNECTIONS, SECONDS, diary), closedLoop(port, MARK_CONNECTIONS, SECONDS, save)]);
    log(`mixed: diary ${describe(diaryMixed)}; marks ${describe(saveMixed)}`);
    // The evening at the goal's rate: diary pages offered at EVENING_RATE a second (open loop,
    // latency from when each was due), teachers saving marks meanwhile (closed loop).
    const [diaryEvening, saveEvening] = await Promise.all([openLoop(port, EVENING_RATE, CONNECTIONS, SECONDS, diary), closedLoop(port, MARK_CONNECTIONS, SECONDS, save)]);
    log(`evening at ${fmt(EVENING_RATE)}/s: diary ${describe(diaryEvening)}; marks ${describe(saveEvening)}`);
    await Promise.all(servers.map((s) => stopServer(s)));
    servers = [];

    // 5. The yardstick.
    const yardstick = pgbenchDiaryPage(databaseUrl, CONNECTIONS, 15);
    log(`pgbench, the database work of a diary page: ${fmt(yardstick.tps)} tps, ${yardstick.latencyMs} ms average`);

    const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${fmt(os.totalmem() / 2 ** 30)} GiB RAM, load average at start ${os.loadavg()[0]!.toFixed(1)}; Node ${process.version}`;
    const { version } = (await pool.query('SELECT version()')).rows[0] as { version: string };
    const lines = [
      `### ${started.toISOString().slice(0, 10)} — scale ${SCALE}: Krasnodar with ${fmt(pupils)} pupils, one full term`,
      '',
      `Machine: ${machine}; ${version.split(' on ')[0]} (local, default settings). Database size after the seed: ${size}.`,
      '',
      '| step | seconds |',
      '|---|---:|',
      ...timings.map(([label, ms]) => `| ${label} | ${fmt(ms / 1000, 1)} |`),
      '',
      '| table | rows |',
      '|---|---:|',
      ...counts.map((c) => `| ${c.t}${['school_class', 'class_enrolment', 'teaching_assignment'].includes(c.t) ? ' (Krasnodar)' : ''} | ${fmt(Number(c.n))} |`),
      '',
      `| load (${SECONDS} s each, ${SERVERS} server processes and the load generator on this machine) | connections | result |`,
      '|---|---:|---|',
      `| diary week pages (HTML, a different guardian, child and week each) | ${CONNECTIONS} | ${describe(diaryAlone)} |`,
      `| saving a mark (POST …/cells, teachers) | ${MARK_CONNECTIONS} | ${describe(saveAlone)} |`,
      `| both at once: diary pages | ${CONNECTIONS} | ${describe(diaryMixed)} |`,
      `| both at once: saving a mark | ${MARK_CONNECTIONS} | ${describe(saveMixed)} |`,
      `| the evening at the goal's rate: diary pages offered at ${fmt(EVENING_RATE)}/s (open loop) | ≤ ${CONNECTIONS} per server | ${describe(diaryEvening)} |`,
      `| the evening at the goal's rate: saving a mark meanwhile | ${MARK_CONNECTIONS} | ${describe(saveEvening)} |`,
      `| yardstick: pgbench, a diary page's three statements without Node (session, children, week) | ${CONNECTIONS} | ${fmt(yardstick.tps)} tps, ${yardstick.latencyMs} ms average |`,
      '',
      `Goal: diary pages ≥ 1,000 req/s at p95 ≤ 50 ms; saving a mark p95 ≤ 30 ms. Diary pages: ${diaryAlone.perSecond >= 1000 && diaryAlone.p95 <= 50 ? 'met' : 'missed'} at the most the machine serves (closed loop), ${diaryEvening.perSecond >= 0.99 * EVENING_RATE && diaryEvening.p95 <= 50 && diaryEvening.errors === 0 ? 'met' : 'missed'} at ${fmt(EVENING_RATE)}/s; marks: ${saveAlone.p95 <= 30 ? 'met' : 'missed'} alone, ${saveEvening.p95 <= 30 ? 'met' : 'missed'} during ${fmt(EVENING_RATE)} diary pages a second, ${saveMixed.p95 <= 30 ? 'met' : 'missed'} beside a diary load at the machine's limit.`,
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
    if (record) {
      recordFigures(
        benchmarksFile,
        sectionTitle,
        "The diary and the gradebook under a municipality's evening load (`bench/journal.bench.ts`): the demo generator's region with Krasnodar's journal for one full term, the real server as child processes and a keep-alive load generator in the same run.",
        lines,
      );
    }
  } finally {
    await Promise.all(servers.map((s) => stopServer(s)));
    await pool.end();
    await handle.close();
    // a database passed by --database was kept by an earlier run: it stays for the next
    if (keep || reuse) log(`kept database ${name}`);
    else await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();

/**
 * `npm run bench:allocation`: the allocation engine on a region-size instance — 150,000 applicants
 * with 5 preferences each over 1,600 kindergartens × 6 age groups (9,600 places) — measured
 * engine-only (the instance is built in memory first; no JSON parsing, no I/O).
 *
 * The instance is generated deterministically (seeded PRNG below) and made realistic enough to
 * stress the mechanisms: kindergartens have skewed popularity (a few are wanted by everyone near
 * them), applicants choose among kindergartens near home, seats are fewer than applicants, about
 * 10% of applicants hold a benefit (out of turn, first priority) or a sibling priority.
 *
 * Options: --applicants N (default 150000), --kindergartens K (default 1600), --runs R (default 5),
 * --only TEXT (only the steps whose label contains TEXT), --write-instance FILE (write the instance
 * as JSON and stop).
 * Figures are recorded in docs/benchmarks.md.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { allocate, runMechanism } from '../src/enrollment/allocation/allocate.ts';
import { canonicalSha256 } from '../src/enrollment/allocation/canonical-json.ts';
import { compileInstance, type CompiledInstance } from '../src/enrollment/allocation/compile.ts';
import type { AllocationInstance, ApplicantInput, PlaceInput } from '../src/enrollment/allocation/instance.ts';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const APPLICANTS = option('applicants', 150_000);
const KINDERGARTENS = option('kindergartens', 1_600);
const RUNS = option('runs', 5);
const AGE_GROUPS = 6;
const PREFERENCES = 5;
/** Kindergartens an applicant considers: the ones within this many positions of home. */
const NEIGHBOURHOOD = 20;

/** mulberry32: small, fast, good enough to generate test data; seeded so every run is the same. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateRegion(seed: number): AllocationInstance {
  const random = prng(seed);
  // Popularity: log-normal, so a few kindergartens are wanted many times more than the typical one.
  const popularity = Array.from({ length: KINDERGARTENS }, () => {
    const u1 = random() || 1e-12;
    const u2 = random();
    return Math.exp(1.2 * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
  });
  const kindergartenId = (k: number) => `K${String(k + 1).padStart(4, '0')}`;
  const placeId = (k: number, group: number) => `${kindergartenId(k)}/g${group + 1}`;

  // Registration order (the default tie-break) is the order of `applicants`; ids are given in a
  // shuffled order so that id and registration time are unrelated. (Objects are created in their
  // final order, as JSON.parse or a database read would create them.)
  const idNumbers = Array.from({ length: APPLICANTS }, (_, i) => i + 1);
  for (let i = idNumbers.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [idNumbers[i], idNumbers[j]] = [idNumbers[j]!, idNumbers[i]!];
  }
  const applicants: ApplicantInput[] = [];
  const tiers: number[] = []; // 0 out of turn, 1 first priority, 2 sibling, 3 none
  const siblingAt: number[] = [];
  for (let a = 0; a < APPLICANTS; a++) {
    const home = Math.floor(random() * KINDERGARTENS);
    const group = Math.floor(random() * AGE_GROUPS);
    const chosen: number[] = [];
    const lo = Math.max(0, home - NEIGHBOURHOOD);
    const hi = Math.min(KINDERGARTENS - 1, home + NEIGHBOURHOOD);
    let total = 0;
    for (let k = lo; k <= hi; k++) total += popularity[k]!;
    while (chosen.length < PREFERENCES) {
      let x = random() * total;
      let k = lo;
      while (k < hi && x >= popularity[k]!) x -= popularity[k++]!;
      if (!chosen.includes(k)) chosen.push(k);
    }
    applicants.push({ id: `A${String(idNumbers[a]).padStart(6, '0')}`, preferences: chosen.map((k) => placeId(k, group)) });
    const r = random();
    tiers.push(r < 0.02 ? 0 : r < 0.07 ? 1 : r < 0.1 ? 2 : 3);
    siblingAt.push(chosen[Math.floor(random() * PREFERENCES)]!);
  }

  // Priorities name only applicants who listed the place (the others never propose there).
  const priorityLists = new Map<string, [string[], string[], string[]]>();
  applicants.forEach((applicant, a) => {
    const tier = tiers[a]!;
    if (tier === 3) return;
    for (const place of applicant.preferences) {
      if (tier === 2 && !place.startsWith(`${kindergartenId(siblingAt[a]!)}/`)) continue;
      let lists = priorityLists.get(place);
      if (!lists) priorityLists.set(place, (lists = [[], [], []]));
      lists[tier]!.push(applicant.id);
    }
  });

  const places: PlaceInput[] = [];
  for (let k = 0; k < KINDERGARTENS; k++) {
    for (let group = 0; group < AGE_GROUPS; group++) {
      const id = placeId(k, group);
      const lists = priorityLists.get(id);
      places.push({
        id,
        capacity: 2 + Math.floor(random() * 20), // ~12.5 on average: ~120,000 seats for 150,000 applicants
        ...(lists ? { priority: lists.filter((tie) => tie.length > 0) } : {}),
      });
    }
  }
  return { mechanism: 'deferred-acceptance', applicants, places };
}

const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

/** Wall-clock and CPU (user + system, all threads) milliseconds: median and min over RUNS runs. */
function measure(label: string, fn: () => unknown): void {
  if (ONLY && !label.includes(ONLY)) return;
  fn(); // warm-up (JIT)
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    fn();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const ms = (x: number) => x.toFixed(1).padStart(7);
  process.stdout.write(`| ${label.padEnd(56)} | ${ms(median(wall))} | ${ms(Math.min(...wall))} | ${ms(median(cpu))} |\n`);
}

/** The floor: one pass over every proposal, reading its place and rank and counting it. */
function onePassOverProposals(compiled: CompiledInstance): number {
  const { prefPlace, prefRank } = compiled;
  const counts = new Int32Array(compiled.placeIds.length);
  let checksum = 0;
  for (let s = 0; s < prefPlace.length; s++) {
    counts[prefPlace[s]!]! += 1;
    checksum = (checksum + prefRank[s]!) | 0;
  }
  return checksum + counts[0]!;
}

const writeTo = process.argv.includes('--write-instance') ? process.argv[process.argv.indexOf('--write-instance') + 1] : undefined;
if (writeTo) {
  // The same instance as a file, to time the whole CLI: `npx prostor allocate FILE`.
  writeFileSync(writeTo, JSON.stringify(generateRegion(20250601)));
  process.stdout.write(`Wrote ${writeTo}\n`);
  process.exit(0);
}
const generationStart = performance.now();
const instance = generateRegion(20250601);
const generationMs = performance.now() - generationStart;
const compilation = compileInstance(instance);
if (!compilation.ok) throw new Error(compilation.errors.join('\n'));
const compiled = compilation.compiled;
const proposals = compiled.prefPlace.length;
const seats = compiled.capacity.reduce((sum, c) => sum + c, 0);
const listed = compiled.listedApplicant.length;

process.stdout.write(
  `Allocation engine benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'cpu'}, nproc ${os.availableParallelism()}, ` +
    `RAM ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n` +
    `Instance: ${APPLICANTS} applicants × ${PREFERENCES} preferences = ${proposals} proposals; ${compiled.placeIds.length} places ` +
    `(${KINDERGARTENS} kindergartens × ${AGE_GROUPS} age groups), ${seats} seats; ${listed} priority entries; ` +
    `generated in ${generationMs.toFixed(0)} ms; ${RUNS} runs after a warm-up; load average ${os.loadavg()[0]!.toFixed(2)}\n\n` +
    `| ${'step (engine only, instance in memory)'.padEnd(56)} | wall median ms | wall min ms | CPU median ms |\n|---|---:|---:|---:|\n`,
);

measure('floor: one pass over all proposals', () => onePassOverProposals(compiled));
measure('validate + compile (ids → integers, ranks)', () => compileInstance(instance));
for (const mechanism of ['deferred-acceptance', 'top-trading-cycles', 'immediate-acceptance'] as const) {
  measure(`mechanism core: ${mechanism}`, () => runMechanism(mechanism, compiled));
}
measure('instanceSha256 (canonical JSON, SHA-256)', () => canonicalSha256(instance));
for (const mechanism of ['deferred-acceptance', 'top-trading-cycles', 'immediate-acceptance'] as const) {
  measure(`allocate() end to end: ${mechanism}`, () => allocate({ ...instance, mechanism }));
}
const lottery: AllocationInstance = { ...instance, tieBreak: { lottery: { seed: 'region-2025-main-round' } } };
measure('allocate() end to end: deferred-acceptance, lottery', () => allocate(lottery));

const result = allocate(instance);
process.stdout.write(
  `\nDA outcome: ${result.summary.assigned} assigned, ${result.summary.unassigned} unassigned; by choice ${result.summary.byChoice.join(' / ')}\n`,
);

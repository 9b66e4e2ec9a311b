/**
 * Seeds the deterministic demo region: organisations of the five kinds in all 44
 * municipalities, their staff, pupils and preschool children with their guardians, the
 * demo accounts of demo-accounts.ts bound to them, and the kindergarten groups and waiting list
 * (preschool-demo.ts). One transaction: the region appears whole
 * or not at all. Same (scale, seed) → the same rows, ids included (only the password hashes,
 * salted, differ).
 */
import type { Executor } from '../platform/db/connect.ts';
import { hashPassword } from '../platform/auth/passwords.ts';
import { BulkSink } from './bulk-insert.ts';
import { demoAccounts, type DemoAccount } from './demo-accounts.ts';
import { RegionGenerator, tableSpecs, type CastMember, type DemoAnchors, type DemoCast } from './generator.ts';
import { planRegion } from './plan.ts';
import { seedPreschoolDemo } from './preschool-demo.ts';
import { seedAddressDemo } from './address-demo.ts';
import { seedJournalDemo } from './journal-demo.ts';
import { seedJournalLessonsDemo } from './journal-lessons-demo.ts';
import { seedAdmissionDemo } from './admission-demo.ts';

export interface SeedOptions {
  /** 1 ≈ the whole Krai (≈ 780,000 pupils); 0.02 is the default demo. */
  scale: number;
  /** Seed of the generator's random streams. */
  seed: number;
  /** Called after each batch reaches the database. */
  onProgress?: (progress: SeedProgress) => void;
  /** Rows per INSERT statement (default 10,000). */
  batchRows?: number;
}

export interface SeedProgress {
  /** Rows written so far, per table. */
  tables: Record<string, number>;
  rows: number;
  /** 0..1, estimated from the plan. */
  fraction: number;
}

export interface SeedReport {
  rows: number;
  ms: number;
  /** Rows per table. */
  tables: Record<string, number>;
  /** Milliseconds each table's INSERTs spent in the database (they overlap generation). */
  serverMs: Record<string, number>;
  /** The rows the demo accounts are bound to. */
  anchors: DemoAnchors;
}

export const scaleLimits = { min: 0.0001, max: 2 } as const;

export class SeedError extends Error {
  override name = 'SeedError';
}

export function validateSeedOptions(options: Pick<SeedOptions, 'scale' | 'seed'>): void {
  if (!Number.isFinite(options.scale) || options.scale < scaleLimits.min || options.scale > scaleLimits.max) {
    throw new SeedError(`scale must be a number from ${scaleLimits.min} to ${scaleLimits.max}, got ${options.scale}`);
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 2 ** 31 - 1) {
    throw new SeedError(`seed must be an integer from 0 to ${2 ** 31 - 1}, got ${options.seed}`);
  }
}

function castMember(displayName: string): CastMember {
  const [lastName = displayName, firstName = displayName, middleName = null] = displayName.split(/\s+/);
  // Russian patronymics end in -вна/-чна for women; without one, the surname says (Смирнова).
  const female = middleName ? /(вна|чна)$/.test(middleName) : /(а|ая)$/.test(lastName);
  return { lastName, firstName, middleName, sex: female ? 'female' : 'male' };
}

function accountWithRole(role: DemoAccount['role']): DemoAccount {
  const found = demoAccounts.find((a) => a.role === role);
  if (!found) throw new SeedError(`demo-accounts.ts has no ${role} account`);
  return found;
}

/** The named people the demo accounts need, taken from their display names. */
export function demoCast(): DemoCast {
  return {
    head: castMember(accountWithRole('organizationHead').displayName),
    teacher: castMember(accountWithRole('teacher').displayName),
    parent: castMember(accountWithRole('guardian').displayName),
    pupil: castMember(accountWithRole('pupil').displayName),
  };
}

export async function seedDemoRegion(db: Executor, options: SeedOptions): Promise<SeedReport> {
  validateSeedOptions(options);
  const started = performance.now();
  const plan = planRegion(options.scale);
  // argon2 runs on libuv's thread pool, alongside the generation.
  const hashes = new Map<string, Promise<string>>();
  for (const a of demoAccounts) if (!hashes.has(a.password)) hashes.set(a.password, hashPassword(a.password));

  const children = plan.reduce((sum, p) => sum + p.pupils + p.preschoolChildren, 0);
  const organizations = plan.reduce((sum, p) => sum + Object.values(p.organizations).reduce((a, b) => a + b, 0), 0);
  // Per child ≈ 1 person + 1.2 guardians + 1.9 links; staff ≈ 1 per 9 children, two rows each.
  const estimatedRows = organizations + children * (1 + 1.2 + 1.9 + 2 / 9);
  const report = (tables: Record<string, number>) => {
    if (!options.onProgress) return;
    const rows = Object.values(tables).reduce((a, b) => a + b, 0);
    options.onProgress({ tables: { ...tables }, rows, fraction: Math.min(0.99, rows / estimatedRows) });
  };

  return db.transaction(async (tx) => {
    const sink = new BulkSink(tx, tableSpecs, options.batchRows ?? 10_000, (p) => report(p.tables));
    const generator = new RegionGenerator(options.seed, plan, sink, demoCast());
    for (const planned of plan) await generator.organizations(planned);
    for (const planned of plan) await generator.families(planned, () => {});

    const school = generator.schoolsOf(1)[0];
    const kindergarten = generator.kindergartensOf(1)[0];
    const { headPersonId, teacherPersonId, parentPersonId, pupilPersonId, preschoolChildPersonId } = generator.anchors;
    if (!school || !kindergarten || !headPersonId || !teacherPersonId || !parentPersonId || !pupilPersonId || !preschoolChildPersonId) {
      throw new SeedError('the demo school, kindergarten or demo family was not generated');
    }
    const anchors: DemoAnchors = { schoolId: school.id, kindergartenId: kindergarten.id, headPersonId, teacherPersonId, parentPersonId, pupilPersonId, preschoolChildPersonId };
    const personOf: Partial<Record<DemoAccount['role'], string>> = {
      organizationHead: headPersonId,
      teacher: teacherPersonId,
      guardian: parentPersonId,
      pupil: pupilPersonId,
    };
    const linked = new Set<string>();
    for (const a of demoAccounts) {
      const accountId = generator.newId();
      // one person per account (account.person_id is unique): the first account of a role gets it
      const personId = personOf[a.role] && !linked.has(personOf[a.role]!) ? personOf[a.role]! : null;
      if (personId) linked.add(personId);
      sink.push('account', [accountId, a.login, await hashes.get(a.password)!, personId, a.displayName]);
      const scope = a.scope;
      sink.push('role_grant', [
        generator.newId(),
        accountId,
        a.role,
        scope.kind === 'municipality' ? scope.municipalityId : null,
        scope.kind === 'demoSchool' ? anchors.schoolId : null,
      ]);
    }
    await sink.finish();
    // The kindergarten service's groups and waiting list (preschool-demo.ts), on the registry rows above.
    const preschool = await seedPreschoolDemo(tx, {
      seed: options.seed,
      kindergartens: plan.flatMap((p) => generator.kindergartensOf(p.municipalityId).map((k) => ({ id: k.id, municipalityId: p.municipalityId, target: k.target }))),
      excludeChildIds: [preschoolChildPersonId],
      newId: () => generator.newId(),
      batchRows: options.batchRows ?? 10_000,
    });
    // The journal's current year, classes, pupils' stays and assignments (journal-demo.ts).
    const journal = await seedJournalDemo(tx, {
      municipalityIds: plan.map((p) => p.municipalityId),
      newId: () => generator.newId(),
      batchRows: options.batchRows ?? 10_000,
      demo: { schoolId: anchors.schoolId, teacherPersonId, pupilPersonId },
    });
    // The demo school's timetable and this term's lessons, attendance and marks (journal-lessons-demo.ts).
    const lessons = await seedJournalLessonsDemo(tx, { schoolId: anchors.schoolId, seed: options.seed, newId: () => generator.newId(), batchRows: options.batchRows ?? 10_000 });
    // Addresses and the territories assigned to schools (address-demo.ts).
    const addresses = await seedAddressDemo(tx, {
      seed: options.seed,
      scale: options.scale,
      schools: plan.flatMap((p) => generator.schoolsOf(p.municipalityId).map((s) => ({ id: s.id, municipalityId: p.municipalityId }))),
      newId: () => generator.newId(),
      batchRows: options.batchRows ?? 10_000,
    });
    // First-grade admission: Krasnodar city's 2027 campaign, its plan and a few drafts (admission-demo.ts).
    const admission = await seedAdmissionDemo(tx, { municipalityId: 1, schoolIds: generator.schoolsOf(1).map((s) => s.id), newId: () => generator.newId() });
    const tables = { ...sink.written, ...preschool.tables, ...journal.tables, ...lessons.tables, ...addresses.tables, ...admission.tables };
    const rows = Object.values(tables).reduce((a, b) => a + b, 0);
    options.onProgress?.({ tables, rows, fraction: 1 });
    const serverMs = Object.fromEntries(Object.entries({ ...sink.serverMs, ...preschool.serverMs, ...journal.serverMs, ...lessons.serverMs, ...addresses.serverMs }).map(([table, ms]) => [table, Math.round(ms)]));
    return { rows, ms: Math.round(performance.now() - started), tables, serverMs, anchors };
  });
}

/**
 * The order of admission to a school's first grade (очерёдность приёма), as plain data in and out
 * (no database): who comes first where places are short, and the allocation instance that turns
 * that order into decisions through the pure engine (src/enrollment/allocation), so a committed
 * run is a protocol anyone can re-run with `npx prostor allocate` (docs/allocation.md).
 *
 * Order 458 §§ 9–12 and Federal Law 273-FZ art. 67 part 3.1: out-of-turn (внеочередное) before
 * first priority (первоочередное) before the preferential sibling right (преимущественное) before
 * the children of the school's territory; applicants with none of these (stage 2) come after.
 * Within a level the order of receipt decides (Order 458 § 17: the receipt time is fixed at
 * acceptance) — or, where the campaign's ordering is 'lottery', a lottery among every application
 * received in the first N hours after stage 1 opens, then the receipt order for later ones, so
 * that the first second of the opening is worth no more than the first hour.
 *
 * The lottery rank of an application is the lowercase hex SHA-256 of `seed:receiptNumber` (UTF-8,
 * receipt number in decimal without leading zeros), ascending — the engine's own lottery key
 * (tie-break.ts), so anyone can recompute it: `printf '%s' 'SEED:17' | sha256sum`. The seed's
 * SHA-256 is published before stage 1 opens and the seed itself after the window closes, so
 * nobody (the operator included) can know or steer the draw while applications come in.
 */
import { createHash } from 'node:crypto';
import type { AllocationInstance, Mechanism } from '../allocation/allocate.ts';
import { lotteryKey } from '../allocation/tie-break.ts';

export const priorityLevels = ['outOfTurn', 'first', 'sibling', 'territory'] as const;
export type PriorityLevel = (typeof priorityLevels)[number];

/** One received application as the order sees it (no names, no addresses). */
export interface OrderApplication {
  /** Gap-free receipt number of the campaign (admission_application.receipt_number). */
  receiptNumber: number;
  receivedAt: Date;
  /** The school applied to. */
  organizationId: string;
  /** The level of its priority category, or 'territory' for a child of the territory, or null. */
  level: PriorityLevel | null;
}

export interface OrderingRule {
  ordering: 'receipt' | 'lottery';
  /** When stage 1 opened: the lottery window starts here. */
  opensAt: Date;
  /** N of "the first N hours" (lottery only). */
  windowHours: number | null;
  /** The revealed seed (lottery only). */
  seed: string | null;
}

/** Rank of a level: 0 out of turn … 3 territory, 4 none. */
export function levelRank(level: PriorityLevel | null): number {
  return level === null ? 4 : priorityLevels.indexOf(level);
}

/** The end of the lottery window (exclusive), or null for receipt ordering. */
export function lotteryWindowEnd(rule: OrderingRule): Date | null {
  if (rule.ordering !== 'lottery' || !rule.windowHours) return null;
  return new Date(rule.opensAt.getTime() + rule.windowHours * 3_600_000);
}

/** The lottery rank of one application: hex SHA-256 of `seed:receiptNumber`; lower is earlier. */
export function lotteryRank(seed: string, receiptNumber: number): string {
  return lotteryKey(seed, String(receiptNumber));
}

/** Whether a revealed seed is the one whose SHA-256 was published before opening. */
export function seedMatches(seed: string, publishedSha256: string): boolean {
  return createHash('sha256').update(seed, 'utf8').digest('hex') === publishedSha256.trim().toLowerCase();
}

/**
 * The single tie-break order of a run, as receipt numbers: applications received within the
 * lottery window by their lottery rank (equal ranks, never seen, by receipt number), then every
 * later one by receipt number. With receipt ordering, simply by receipt number.
 */
export function tieBreakOrder(applications: readonly OrderApplication[], rule: OrderingRule): number[] {
  const end = lotteryWindowEnd(rule);
  if (end !== null && rule.seed === null) throw new Error('the lottery seed has not been revealed');
  const byReceipt = [...applications].sort((a, b) => a.receiptNumber - b.receiptNumber);
  if (end === null) return byReceipt.map((a) => a.receiptNumber);
  const inWindow: Array<{ n: number; rank: string }> = [];
  const later: number[] = [];
  for (const a of byReceipt) {
    if (a.receivedAt.getTime() < end.getTime()) inWindow.push({ n: a.receiptNumber, rank: lotteryRank(rule.seed!, a.receiptNumber) });
    else later.push(a.receiptNumber);
  }
  inWindow.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.n - b.n));
  return [...inWindow.map((x) => x.n), ...later];
}

/**
 * The order of admission at each school: level first, then the tie-break order. Returns
 * organization id → receipt numbers, first admitted first.
 */
export function admissionOrder(applications: readonly OrderApplication[], rule: OrderingRule): Map<string, number[]> {
  const position = new Map<number, number>();
  tieBreakOrder(applications, rule).forEach((n, i) => position.set(n, i));
  const bySchool = new Map<string, OrderApplication[]>();
  for (const a of applications) {
    let list = bySchool.get(a.organizationId);
    if (!list) bySchool.set(a.organizationId, (list = []));
    list.push(a);
  }
  const result = new Map<string, number[]>();
  for (const [school, list] of bySchool) {
    list.sort((a, b) => levelRank(a.level) - levelRank(b.level) || position.get(a.receiptNumber)! - position.get(b.receiptNumber)!);
    result.set(
      school,
      list.map((a) => a.receiptNumber),
    );
  }
  return result;
}

export interface InstanceMeta {
  campaignId: string;
  municipalityId: number;
  year: number;
  stage: 1 | 2;
  seedSha256: string | null;
}

/**
 * The allocation instance of a run: every application an applicant (id = receipt number) listing
 * its one school; one place per school (id = the school's organization id) with capacity = the
 * planned places minus those already enrolled; each place's priority = its applicants by level in
 * tiers (applicants with no level are unlisted: they come after every tier); tie-break = the order
 * above. Applicants are listed by receipt number. With one school per applicant, deferred
 * acceptance simply admits each school's first `capacity` applicants in the order of admission.
 */
export function buildAdmissionInstance(
  applications: readonly OrderApplication[],
  capacities: ReadonlyMap<string, number>,
  rule: OrderingRule,
  meta: InstanceMeta,
  mechanism: Mechanism = 'deferred-acceptance',
): AllocationInstance {
  const byReceipt = [...applications].sort((a, b) => a.receiptNumber - b.receiptNumber);
  const tiers = new Map<string, string[][]>();
  for (const a of byReceipt) {
    if (a.level === null) continue;
    let lists = tiers.get(a.organizationId);
    if (!lists) tiers.set(a.organizationId, (lists = [[], [], [], []]));
    lists[levelRank(a.level)]!.push(String(a.receiptNumber));
  }
  const schools = [...new Set([...capacities.keys(), ...byReceipt.map((a) => a.organizationId)])].sort();
  const windowEnd = lotteryWindowEnd(rule);
  return {
    mechanism,
    applicants: byReceipt.map((a) => ({ id: String(a.receiptNumber), preferences: [a.organizationId] })),
    places: schools.map((id) => {
      const priority = (tiers.get(id) ?? []).filter((t) => t.length > 0);
      const capacity = Math.max(0, capacities.get(id) ?? 0);
      return priority.length > 0 ? { id, capacity, priority } : { id, capacity };
    }),
    tieBreak: { order: tieBreakOrder(byReceipt, rule).map(String) },
    meta: {
      service: 'first-grade admission',
      campaignId: meta.campaignId,
      municipalityId: meta.municipalityId,
      year: meta.year,
      stage: meta.stage,
      applicantId: 'receipt number of the application',
      placeId: 'organization id of the school',
      capacity: 'planned first-grade places minus children already enrolled',
      priorityTiers: ['out of turn', 'first priority', 'sibling at the school (preferential)', 'lives in the school territory'],
      ordering: rule.ordering,
      ...(windowEnd
        ? {
            lottery: {
              seed: rule.seed,
              seedSha256: meta.seedSha256,
              windowFrom: rule.opensAt.toISOString(),
              windowUntil: windowEnd.toISOString(),
              rank: 'hex SHA-256 of "<seed>:<receipt number>" (UTF-8), ascending, for applications received in the window; later ones follow by receipt number',
            },
          }
        : { tieBreak: 'receipt number (the order of receipt)' }),
    },
  };
}

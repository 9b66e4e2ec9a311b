/**
 * Shared by the allocation engine's tests (kept out of the engine's pure folder): a fast-check
 * generator of small instances and brute-force reference checks written from the definitions,
 * independently of the engine's integer arrays, so that a property is never the engine checking
 * itself.
 */
import fc from 'fast-check';
import type { AllocationInstance, Mechanism, PriorityEntry } from '../../src/enrollment/allocation/instance.ts';
import { lotteryKey } from '../../src/enrollment/allocation/tie-break.ts';

export type Assignment = Record<string, string | null>;

export interface SmallInstanceOptions {
  maxApplicants?: number;
  maxPlaces?: number;
  maxCapacity?: number;
  mechanism?: Mechanism;
}

/** Small random instances: every kind of priority (strict, ties, unlisted) and of tie-break. */
export function smallInstance(options: SmallInstanceOptions = {}): fc.Arbitrary<AllocationInstance> {
  const { maxApplicants = 5, maxPlaces = 3, maxCapacity = 2, mechanism } = options;
  return fc
    .record({ applicantCount: fc.integer({ min: 1, max: maxApplicants }), placeCount: fc.integer({ min: 1, max: maxPlaces }) })
    .chain(({ applicantCount, placeCount }) => {
      const applicantIds = Array.from({ length: applicantCount }, (_, i) => `A${i + 1}`);
      const placeIds = Array.from({ length: placeCount }, (_, i) => `K${i + 1}`);
      const preferences = fc.shuffledSubarray(placeIds);
      // A priority: a random subset of applicants, in random order, cut into random tiers.
      const priority: fc.Arbitrary<PriorityEntry[]> = fc
        .tuple(fc.shuffledSubarray(applicantIds), fc.array(fc.boolean(), { minLength: applicantCount, maxLength: applicantCount }))
        .map(([listed, cuts]) => {
          const entries: PriorityEntry[] = [];
          let tie: string[] = [];
          listed.forEach((id, i) => {
            tie.push(id);
            if (cuts[i] || i === listed.length - 1) {
              entries.push(tie.length === 1 ? tie[0]! : tie);
              tie = [];
            }
          });
          return entries;
        });
      const tieBreak = fc.oneof(
        fc.constant(undefined),
        fc.shuffledSubarray(applicantIds, { minLength: applicantCount, maxLength: applicantCount }).map((order) => ({ order })),
        fc.string({ minLength: 1, maxLength: 8 }).map((seed) => ({ lottery: { seed } })),
      );
      return fc
        .record({
          preferences: fc.array(preferences, { minLength: applicantCount, maxLength: applicantCount }),
          capacities: fc.array(fc.integer({ min: 0, max: maxCapacity }), { minLength: placeCount, maxLength: placeCount }),
          priorities: fc.array(fc.option(priority, { nil: undefined }), { minLength: placeCount, maxLength: placeCount }),
          tieBreak,
          mechanism: mechanism ? fc.constant(mechanism) : fc.constantFrom<Mechanism>('deferred-acceptance', 'top-trading-cycles', 'immediate-acceptance'),
        })
        .map(({ preferences: lists, capacities, priorities, tieBreak: tb, mechanism: m }) => {
          const instance: AllocationInstance = {
            mechanism: m,
            applicants: applicantIds.map((id, i) => ({ id, preferences: lists[i]! })),
            places: placeIds.map((id, i) => ({ id, capacity: capacities[i]!, ...(priorities[i] ? { priority: priorities[i] } : {}) })),
          };
          if (tb) instance.tieBreak = tb;
          return instance;
        });
    });
}

/** The tie-break order, from its definition. */
export function referenceTieBreak(instance: AllocationInstance): string[] {
  const ids = instance.applicants.map((a) => a.id);
  const tieBreak = instance.tieBreak;
  if (!tieBreak) return ids;
  if ('order' in tieBreak) return tieBreak.order;
  const seed = tieBreak.lottery.seed;
  return ids
    .map((id) => ({ id, key: lotteryKey(seed, id) }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    .map((x) => x.id);
}

/** outranks(placeId, a, b): a has strictly higher priority than b at the place (after the tie-break). */
export function priorityOrder(instance: AllocationInstance): (placeId: string, a: string, b: string) => boolean {
  const tie = new Map(referenceTieBreak(instance).map((id, i) => [id, i]));
  const tiers = new Map<string, Map<string, number>>();
  for (const place of instance.places) {
    const tierOf = new Map<string, number>();
    (place.priority ?? []).forEach((entry, tier) => {
      for (const id of typeof entry === 'string' ? [entry] : entry) tierOf.set(id, tier);
    });
    tiers.set(place.id, tierOf);
  }
  return (placeId, a, b) => {
    const tierOf = tiers.get(placeId)!;
    const ta = tierOf.get(a) ?? Number.MAX_SAFE_INTEGER;
    const tb = tierOf.get(b) ?? Number.MAX_SAFE_INTEGER;
    return ta !== tb ? ta < tb : tie.get(a)! < tie.get(b)!;
  };
}

/** prefers(applicant, x, y): the applicant strictly prefers x to y (a place id, or null = unassigned). */
export function preferenceOrder(instance: AllocationInstance): (applicantId: string, x: string | null, y: string | null) => boolean {
  const rank = new Map(instance.applicants.map((a) => [a.id, new Map(a.preferences.map((p, i) => [p, i]))]));
  return (applicantId, x, y) => {
    const ranks = rank.get(applicantId)!;
    const rx = x === null ? Infinity : (ranks.get(x) ?? Infinity);
    const ry = y === null ? Infinity : (ranks.get(y) ?? Infinity);
    return rx < ry;
  };
}

/** Feasibility: each applicant only at a listed place, no place over capacity. Returns what is wrong. */
export function feasibilityProblems(instance: AllocationInstance, assignment: Assignment): string[] {
  const problems: string[] = [];
  const load = new Map<string, number>();
  for (const applicant of instance.applicants) {
    if (!(applicant.id in assignment)) problems.push(`${applicant.id} missing from the assignment`);
    const place = assignment[applicant.id];
    if (place === null || place === undefined) continue;
    if (!applicant.preferences.includes(place)) problems.push(`${applicant.id} assigned to ${place}, which they did not list`);
    load.set(place, (load.get(place) ?? 0) + 1);
  }
  for (const place of instance.places) {
    if ((load.get(place.id) ?? 0) > place.capacity) problems.push(`${place.id} holds ${load.get(place.id)} > capacity ${place.capacity}`);
  }
  if (Object.keys(assignment).length !== instance.applicants.length) problems.push('the assignment names other applicants');
  return problems;
}

/**
 * Blocking pairs (a, p): a prefers p to their assignment, and p has a free seat or holds someone
 * that a outranks at p.
 */
export function blockingPairs(instance: AllocationInstance, assignment: Assignment): string[] {
  const outranks = priorityOrder(instance);
  const prefers = preferenceOrder(instance);
  const holders = new Map<string, string[]>(instance.places.map((p) => [p.id, []]));
  for (const [applicant, place] of Object.entries(assignment)) if (place !== null) holders.get(place)!.push(applicant);
  const pairs: string[] = [];
  for (const applicant of instance.applicants) {
    for (const placeId of applicant.preferences) {
      if (!prefers(applicant.id, placeId, assignment[applicant.id] ?? null)) continue;
      const place = instance.places.find((p) => p.id === placeId)!;
      const held = holders.get(placeId)!;
      if (held.length < place.capacity) pairs.push(`(${applicant.id}, ${placeId}): a free seat`);
      for (const other of held) if (outranks(placeId, applicant.id, other)) pairs.push(`(${applicant.id}, ${placeId}): outranks ${other}`);
    }
  }
  return pairs;
}

/** Every feasible assignment (each applicant at a listed place or none, capacities respected). */
export function allFeasibleAssignments(instance: AllocationInstance): Assignment[] {
  const capacity = new Map(instance.places.map((p) => [p.id, p.capacity]));
  const results: Assignment[] = [];
  const current: Assignment = {};
  const load = new Map<string, number>();
  const visit = (i: number) => {
    if (i === instance.applicants.length) {
      results.push({ ...current });
      return;
    }
    const applicant = instance.applicants[i]!;
    current[applicant.id] = null;
    visit(i + 1);
    for (const place of applicant.preferences) {
      const used = load.get(place) ?? 0;
      if (used >= capacity.get(place)!) continue;
      load.set(place, used + 1);
      current[applicant.id] = place;
      visit(i + 1);
      load.set(place, used);
    }
    delete current[applicant.id];
  };
  visit(0);
  return results;
}

/** True when `other` Pareto-dominates `assignment`: nobody worse off, somebody better off. */
export function paretoDominates(instance: AllocationInstance, other: Assignment, assignment: Assignment): boolean {
  const prefers = preferenceOrder(instance);
  let someoneBetter = false;
  for (const { id } of instance.applicants) {
    if (prefers(id, assignment[id] ?? null, other[id] ?? null)) return false;
    if (prefers(id, other[id] ?? null, assignment[id] ?? null)) someoneBetter = true;
  }
  return someoneBetter;
}

/** Every ordered list of distinct places drawn from placeIds (including the empty list). */
export function allPreferenceLists(placeIds: string[]): string[][] {
  const lists: string[][] = [[]];
  const extend = (prefix: string[]) => {
    for (const id of placeIds) {
      if (prefix.includes(id)) continue;
      const list = [...prefix, id];
      lists.push(list);
      extend(list);
    }
  };
  extend([]);
  return lists;
}

/** Abdulkadiroğlu and Sönmez (2003), appendix example: 8 students, 4 schools with capacities 2, 2, 3, 3. */
export function abdulkadirogluSonmezExample(): AllocationInstance {
  const preferences = [
    [2, 1, 3, 4],
    [1, 2, 3, 4],
    [3, 2, 1, 4],
    [3, 4, 1, 2],
    [1, 3, 4, 2],
    [4, 1, 2, 3],
    [1, 2, 3, 4],
    [1, 2, 4, 3],
  ];
  const priorities = [
    [1, 2, 3, 4, 5, 6, 7, 8],
    [3, 5, 4, 8, 7, 2, 1, 6],
    [5, 3, 1, 7, 2, 8, 6, 4],
    [6, 8, 7, 4, 2, 3, 5, 1],
  ];
  const capacities = [2, 2, 3, 3];
  return {
    applicants: preferences.map((list, i) => ({ id: `i${i + 1}`, preferences: list.map((s) => `s${s}`) })),
    places: capacities.map((capacity, j) => ({ id: `s${j + 1}`, capacity, priority: priorities[j]!.map((i) => `i${i}`) })),
  };
}

/**
 * Top trading cycles exactly as the paper's steps read, slowly: in each step every remaining
 * applicant points to their best listed place with seats left (or leaves unassigned if none), every
 * place with seats left to its highest-priority remaining applicant; all cycles are traded at once.
 */
export function referenceTopTradingCycles(instance: AllocationInstance): Assignment {
  const outranks = priorityOrder(instance);
  const seats = new Map(instance.places.map((p) => [p.id, p.capacity]));
  const assignment: Assignment = {};
  let remaining = instance.applicants.map((a) => a.id);
  const lists = new Map(instance.applicants.map((a) => [a.id, a.preferences]));
  while (remaining.length > 0) {
    const applicantPoints = new Map<string, string>();
    for (const id of remaining) {
      const place = lists.get(id)!.find((p) => seats.get(p)! > 0);
      if (place === undefined) assignment[id] = null;
      else applicantPoints.set(id, place);
    }
    remaining = remaining.filter((id) => applicantPoints.has(id));
    if (remaining.length === 0) break;
    const placePoints = new Map<string, string>();
    for (const [placeId, left] of seats) {
      if (left === 0) continue;
      placePoints.set(placeId, remaining.reduce((best, id) => (outranks(placeId, id, best) ? id : best)));
    }
    const traded = new Set<string>();
    for (const start of remaining) {
      // Walk 2n steps: we are then inside the cycle the walk ends in; collect it.
      let a = start;
      for (let i = 0; i < 2 * remaining.length; i++) a = placePoints.get(applicantPoints.get(a)!)!;
      const cycleStart = a;
      do {
        traded.add(a);
        a = placePoints.get(applicantPoints.get(a)!)!;
      } while (a !== cycleStart);
    }
    for (const id of traded) {
      const place = applicantPoints.get(id)!;
      assignment[id] = place;
      seats.set(place, seats.get(place)! - 1);
    }
    remaining = remaining.filter((id) => !traded.has(id));
  }
  return assignment;
}

/** Immediate acceptance as its rounds read, slowly. */
export function referenceImmediateAcceptance(instance: AllocationInstance): Assignment {
  const outranks = priorityOrder(instance);
  const seats = new Map(instance.places.map((p) => [p.id, p.capacity]));
  const assignment: Assignment = Object.fromEntries(instance.applicants.map((a) => [a.id, null]));
  const rounds = Math.max(0, ...instance.applicants.map((a) => a.preferences.length));
  for (let round = 0; round < rounds; round++) {
    for (const place of instance.places) {
      const applying = instance.applicants
        .filter((a) => assignment[a.id] === null && a.preferences[round] === place.id)
        .map((a) => a.id)
        .sort((x, y) => (outranks(place.id, x, y) ? -1 : 1));
      const accepted = applying.slice(0, seats.get(place.id)!);
      for (const id of accepted) assignment[id] = place.id;
      seats.set(place.id, seats.get(place.id)! - accepted.length);
    }
  }
  return assignment;
}

/** Runs shared by the property tests: bounded so the whole suite stays fast. */
export const PROPERTY_RUNS = { numRuns: 200 } as const;

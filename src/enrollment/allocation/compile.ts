/**
 * Validation and compilation of an instance in ONE pass: every id is looked up once, and the result
 * is flat integer arrays, so that the mechanisms never touch a string or allocate while they run
 * (a region has ~150,000 applicants and ~750,000 proposals).
 *
 * Validation reports every problem with its JSON path instead of stopping at the first, and never
 * throws: a published instance that does not load must say exactly why.
 *
 * Every place's priority becomes a STRICT order: listed applicants by (tier, tie-break position),
 * then every unlisted applicant by tie-break position. An applicant's rank at a place is their
 * position in that order (0 = highest priority); it is stored once per preference slot, so a
 * proposal compares priorities in O(1) without any per-place table of all applicants.
 */
import { canonicalJson } from './canonical-json.ts';
import { MECHANISMS, type AllocationInstance, type ValidationResult } from './instance.ts';
import { lotteryPermutation } from './tie-break.ts';

export interface CompiledInstance {
  applicantIds: string[];
  placeIds: string[];
  /** Seats as declared, per place. */
  capacity: Float64Array;
  /** min(capacity, number of applicants who listed the place): no more seats can ever be used. */
  usableCapacity: Int32Array;
  /** Preferences in CSR form: applicant a's slots are prefStart[a] .. prefStart[a+1]-1, best first. */
  prefStart: Int32Array;
  /** The place index of each preference slot. */
  prefPlace: Int32Array;
  /** The applicant's rank at that slot's place (lower = higher priority), strict. */
  prefRank: Int32Array;
  /** The applicant of each slot. */
  slotApplicant: Int32Array;
  /** Tie-break position of each applicant (0 = first). */
  tiePosition: Int32Array;
  /** Applicant index at each tie-break position. */
  tieOrder: Int32Array;
  /** Listed applicants of each place in priority order (CSR): listedStart[p] .. listedStart[p+1]-1. */
  listedStart: Int32Array;
  listedApplicant: Int32Array;
}

export type CompileResult = { ok: true; instance: AllocationInstance; compiled: CompiledInstance } | { ok: false; errors: string[] };

/** Thrown by allocate() on a malformed instance; `errors` lists every problem with its JSON path. */
export class InvalidInstanceError extends Error {
  readonly errors: string[];
  constructor(errors: string[]) {
    super(`invalid allocation instance:\n  ${errors.join('\n  ')}`);
    this.name = 'InvalidInstanceError';
    this.errors = errors;
  }
}

/** At most this many errors are listed; a broken export would otherwise print a million lines. */
const MAX_ERRORS = 100;

const TOP_LEVEL_KEYS = ['mechanism', 'applicants', 'places', 'tieBreak', 'meta'];
const APPLICANT_KEYS = ['id', 'preferences'];
const PLACE_KEYS = ['id', 'capacity', 'priority'];

class ErrorList {
  readonly messages: string[] = [];
  count = 0;
  add(path: string, message: string): void {
    this.count += 1;
    if (this.messages.length < MAX_ERRORS) this.messages.push(`${path}: ${message}`);
  }
  result(): string[] {
    const extra = this.count - this.messages.length;
    return extra > 0 ? [...this.messages, `… and ${extra} more errors`] : this.messages;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `the string ${quote(value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function quote(id: string): string {
  return JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id);
}

/** Reports fields other than `allowed` of the object at `path` (or `path[index]`). */
function checkKeys(errors: ErrorList, path: string, index: number, object: Record<string, unknown>, allowed: string[]): void {
  for (const key in object) {
    if (!allowed.includes(key)) errors.add(`${index >= 0 ? `${path}[${index}]` : path}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
}

/**
 * Checks an instance (parsed from JSON or built in code) and compiles it. On success the instance is
 * returned as given (typed) with its compiled form; otherwise every problem found, each prefixed with
 * its JSON path (`$.places[3].priority[1][0]: unknown applicant "A7"`).
 */
export function compileInstance(raw: unknown): CompileResult {
  if (!isPlainObject(raw)) return { ok: false, errors: [`$: the instance must be a JSON object, got ${describe(raw)}`] };
  const errors = new ErrorList();
  checkKeys(errors, '$', -1, raw, TOP_LEVEL_KEYS);
  if (raw.meta !== undefined) {
    try {
      canonicalJson(raw.meta); // the hash covers it: it must have a JSON form
    } catch {
      errors.add('$.meta', 'must be plain JSON (no NaN, Infinity, BigInt or functions)');
    }
  }
  if (raw.mechanism !== undefined && !(MECHANISMS as readonly unknown[]).includes(raw.mechanism)) {
    errors.add('$.mechanism', `unknown mechanism ${describe(raw.mechanism)} (expected one of: ${MECHANISMS.join(', ')})`);
  }

  // --- Applicant ids ---
  const applicants: unknown[] = Array.isArray(raw.applicants) ? raw.applicants : [];
  if (raw.applicants === undefined) errors.add('$.applicants', 'missing (an array of {id, preferences})');
  else if (!Array.isArray(raw.applicants)) errors.add('$.applicants', `must be an array, got ${describe(raw.applicants)}`);
  const applicantCount = applicants.length;
  const applicantIds = new Array<string>(applicantCount);
  const applicantIndex = new Map<string, number>();
  let slotCount = 0;
  for (let a = 0; a < applicantCount; a++) {
    const applicant = applicants[a];
    applicantIds[a] = '';
    if (!isPlainObject(applicant)) {
      errors.add(`$.applicants[${a}]`, `must be an object {id, preferences}, got ${describe(applicant)}`);
      continue;
    }
    checkKeys(errors, '$.applicants', a, applicant, APPLICANT_KEYS);
    const id = applicant.id;
    if (!isId(id)) {
      errors.add(`$.applicants[${a}].id`, id === undefined ? 'missing' : `must be a non-empty string, got ${describe(id)}`);
    } else {
      const previous = applicantIndex.get(id);
      if (previous !== undefined) errors.add(`$.applicants[${a}].id`, `duplicate applicant id ${quote(id)} (also at $.applicants[${previous}])`);
      else applicantIndex.set(id, a);
      applicantIds[a] = id;
    }
    const preferences = applicant.preferences;
    if (preferences === undefined) errors.add(`$.applicants[${a}].preferences`, 'missing (an array of place ids, most preferred first)');
    else if (!Array.isArray(preferences)) errors.add(`$.applicants[${a}].preferences`, `must be an array of place ids, got ${describe(preferences)}`);
    else slotCount += preferences.length;
  }

  // --- Place ids and capacities ---
  const places: unknown[] = Array.isArray(raw.places) ? raw.places : [];
  if (raw.places === undefined) errors.add('$.places', 'missing (an array of {id, capacity, priority})');
  else if (!Array.isArray(raw.places)) errors.add('$.places', `must be an array, got ${describe(raw.places)}`);
  const placeCount = places.length;
  const placeIds = new Array<string>(placeCount);
  const placeIndex = new Map<string, number>();
  const capacity = new Float64Array(placeCount);
  for (let p = 0; p < placeCount; p++) {
    const place = places[p];
    const path = `$.places[${p}]`;
    placeIds[p] = '';
    if (!isPlainObject(place)) {
      errors.add(path, `must be an object {id, capacity, priority}, got ${describe(place)}`);
      continue;
    }
    checkKeys(errors, path, -1, place, PLACE_KEYS);
    const id = place.id;
    if (!isId(id)) {
      errors.add(`${path}.id`, id === undefined ? 'missing' : `must be a non-empty string, got ${describe(id)}`);
    } else {
      const previous = placeIndex.get(id);
      if (previous !== undefined) errors.add(`${path}.id`, `duplicate place id ${quote(id)} (also at $.places[${previous}])`);
      else placeIndex.set(id, p);
      placeIds[p] = id;
    }
    const seats = place.capacity;
    if (seats === undefined) errors.add(`${path}.capacity`, 'missing (a non-negative integer)');
    else if (typeof seats !== 'number' || !Number.isSafeInteger(seats) || seats < 0) {
      errors.add(`${path}.capacity`, `must be a non-negative integer, got ${describe(seats)}`);
    } else capacity[p] = seats;
  }

  // --- Preferences: place ids → indexes, each place at most once per applicant ---
  const prefStart = new Int32Array(applicantCount + 1);
  const prefPlace = new Int32Array(slotCount);
  const slotApplicant = new Int32Array(slotCount);
  const listers = new Int32Array(placeCount);
  const listedBy = new Int32Array(placeCount).fill(-1); // last applicant who listed the place
  let slot = 0;
  for (let a = 0; a < applicantCount; a++) {
    prefStart[a] = slot;
    const applicant = applicants[a];
    if (!isPlainObject(applicant) || !Array.isArray(applicant.preferences)) continue;
    const preferences: unknown[] = applicant.preferences;
    for (let k = 0; k < preferences.length; k++) {
      const id = preferences[k];
      const p = typeof id === 'string' ? placeIndex.get(id) : undefined;
      if (p === undefined) {
        errors.add(`$.applicants[${a}].preferences[${k}]`, isId(id) ? `unknown place ${quote(id)}` : `must be a place id (non-empty string), got ${describe(id)}`);
      } else if (listedBy[p] === a) {
        errors.add(`$.applicants[${a}].preferences[${k}]`, `place ${quote(id as string)} listed twice (an applicant ranks each place once)`);
      } else {
        listedBy[p] = a;
        listers[p]! += 1;
        prefPlace[slot] = p;
        slotApplicant[slot] = a;
        slot++;
      }
    }
  }
  prefStart[applicantCount] = slot;

  // --- Tie-break order ---
  const tieOrder = new Int32Array(applicantCount);
  const tiePosition = new Int32Array(applicantCount);
  compileTieBreak(errors, raw.tieBreak, applicantIds, applicantIndex, tieOrder, tiePosition);

  // --- Priorities: validated, then sorted by (tier, tie-break position) ---
  // The sort key tier*N + position is exact in a double for any instance that fits in memory.
  const rankedAt = new Int32Array(applicantCount).fill(-1); // last place whose priority listed the applicant
  const listedKeys: Float64Array[] = new Array(placeCount);
  let listedCount = 0;
  const n = applicantCount;
  for (let p = 0; p < placeCount; p++) {
    const place = places[p];
    const priority = isPlainObject(place) ? place.priority : undefined;
    if (priority === undefined) continue;
    const path = `$.places[${p}].priority`;
    if (!Array.isArray(priority)) {
      errors.add(path, `must be an array of applicant ids or arrays of tied applicant ids, got ${describe(priority)}`);
      continue;
    }
    let size = 0;
    for (const entry of priority) size += Array.isArray(entry) ? entry.length : 1;
    const keys = new Float64Array(size);
    let k = 0;
    const rank = (id: unknown, tier: number, at: () => string) => {
      const a = typeof id === 'string' ? applicantIndex.get(id) : undefined;
      if (a === undefined) {
        errors.add(at(), isId(id) ? `unknown applicant ${quote(id)}` : `must be an applicant id (non-empty string), got ${describe(id)}`);
      } else if (rankedAt[a] === p) {
        errors.add(at(), `applicant ${quote(id as string)} listed twice in this priority (an applicant has one priority at a place)`);
      } else {
        rankedAt[a] = p;
        keys[k++] = tier * n + tiePosition[a]!;
      }
    };
    for (let tier = 0; tier < priority.length; tier++) {
      const entry: unknown = priority[tier];
      if (Array.isArray(entry)) {
        if (entry.length === 0) errors.add(`${path}[${tier}]`, 'an empty tie (remove it)');
        for (let j = 0; j < entry.length; j++) rank(entry[j], tier, () => `${path}[${tier}][${j}]`);
      } else {
        rank(entry, tier, () => `${path}[${tier}]`);
      }
    }
    listedKeys[p] = keys;
    listedCount += size;
  }

  if (errors.count > 0) return { ok: false, errors: errors.result() };

  const usableCapacity = new Int32Array(placeCount);
  for (let p = 0; p < placeCount; p++) usableCapacity[p] = Math.min(capacity[p]!, listers[p]!);

  // Listed applicants of each place in priority order.
  const listedStart = new Int32Array(placeCount + 1);
  const listedApplicant = new Int32Array(listedCount);
  let listed = 0;
  for (let p = 0; p < placeCount; p++) {
    listedStart[p] = listed;
    const keys = listedKeys[p];
    if (!keys) continue;
    keys.sort();
    for (let i = 0; i < keys.length; i++) listedApplicant[listed + i] = tieOrder[keys[i]! % n]!;
    listed += keys.length;
  }
  listedStart[placeCount] = listed;

  // Ranks per preference slot: unlisted applicants rank after the listed ones, by tie-break (one
  // sequential pass); then the listed ones get their place in the priority order, found by scanning
  // their own few preferences.
  const prefRank = new Int32Array(slotCount);
  for (let a = 0; a < applicantCount; a++) {
    const position = tiePosition[a]!;
    for (let s = prefStart[a]!; s < prefStart[a + 1]!; s++) {
      const p = prefPlace[s]!;
      prefRank[s] = listedStart[p + 1]! - listedStart[p]! + position;
    }
  }
  for (let p = 0; p < placeCount; p++) {
    for (let i = listedStart[p]!; i < listedStart[p + 1]!; i++) {
      const a = listedApplicant[i]!;
      for (let s = prefStart[a]!; s < prefStart[a + 1]!; s++) {
        if (prefPlace[s] === p) {
          prefRank[s] = i - listedStart[p]!;
          break;
        }
      }
    }
  }

  return {
    ok: true,
    instance: raw as unknown as AllocationInstance,
    compiled: {
      applicantIds,
      placeIds,
      capacity,
      usableCapacity,
      prefStart,
      prefPlace,
      prefRank,
      slotApplicant,
      tiePosition,
      tieOrder,
      listedStart,
      listedApplicant,
    },
  };
}

/** Fills tieOrder/tiePosition from `tieBreak` (absent: the order of the applicants). */
function compileTieBreak(
  errors: ErrorList,
  tieBreak: unknown,
  applicantIds: string[],
  applicantIndex: Map<string, number>,
  tieOrder: Int32Array,
  tiePosition: Int32Array,
): void {
  const identity = () => {
    for (let a = 0; a < applicantIds.length; a++) {
      tieOrder[a] = a;
      tiePosition[a] = a;
    }
  };
  if (tieBreak === undefined) return identity();
  const path = '$.tieBreak';
  if (!isPlainObject(tieBreak)) {
    errors.add(path, `must be {"order": [...]} or {"lottery": {"seed": "..."}}, got ${describe(tieBreak)}`);
    return;
  }
  const keys = Object.keys(tieBreak);
  if (keys.length !== 1 || (keys[0] !== 'order' && keys[0] !== 'lottery')) {
    errors.add(path, `must have exactly one field, "order" or "lottery" (got: ${keys.join(', ') || 'none'})`);
    return;
  }
  if (keys[0] === 'lottery') {
    const lottery = tieBreak.lottery;
    if (!isPlainObject(lottery)) {
      errors.add(`${path}.lottery`, `must be {"seed": "..."}, got ${describe(lottery)}`);
      return;
    }
    checkKeys(errors, `${path}.lottery`, -1, lottery, ['seed']);
    if (typeof lottery.seed !== 'string' || lottery.seed.length === 0) {
      errors.add(`${path}.lottery.seed`, lottery.seed === undefined ? 'missing (the published seed, a string)' : `must be a non-empty string, got ${describe(lottery.seed)}`);
      return;
    }
    if (errors.count > 0) return; // ids may be broken: no point drawing
    tieOrder.set(lotteryPermutation(lottery.seed, applicantIds));
    for (let position = 0; position < tieOrder.length; position++) tiePosition[tieOrder[position]!] = position;
    return;
  }
  const order = tieBreak.order;
  if (!Array.isArray(order)) {
    errors.add(`${path}.order`, `must be an array of applicant ids, got ${describe(order)}`);
    return;
  }
  tiePosition.fill(-1);
  let seen = 0;
  for (let k = 0; k < order.length; k++) {
    const id: unknown = order[k];
    const a = typeof id === 'string' ? applicantIndex.get(id) : undefined;
    if (a === undefined) {
      errors.add(`${path}.order[${k}]`, isId(id) ? `unknown applicant ${quote(id)}` : `must be an applicant id (non-empty string), got ${describe(id)}`);
    } else if (tiePosition[a]! >= 0) {
      errors.add(`${path}.order[${k}]`, `applicant ${quote(id as string)} listed twice (also at [${tiePosition[a]}]); the order must be a permutation of the applicants`);
    } else {
      tiePosition[a] = k;
      tieOrder[seen++] = a;
    }
  }
  if (seen < applicantIndex.size) {
    const missing: string[] = [];
    for (const [id, a] of applicantIndex) {
      if (tiePosition[a]! < 0) missing.push(quote(id));
      if (missing.length === 10) break;
    }
    const more = applicantIndex.size - seen - missing.length;
    errors.add(`${path}.order`, `not a permutation of the applicants: ${applicantIndex.size - seen} missing (${missing.join(', ')}${more > 0 ? `, … ${more} more` : ''})`);
  }
}

/** Checks an instance without running it: the instance typed, or every problem with its JSON path. */
export function validateInstance(raw: unknown): ValidationResult {
  const result = compileInstance(raw);
  return result.ok ? { ok: true, instance: result.instance } : { ok: false, errors: result.errors };
}

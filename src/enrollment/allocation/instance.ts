/**
 * The allocation instance: what goes into the engine.
 *
 * The format is public (docs/allocation.md) because a published protocol must let anyone re-run an
 * allocation with `npx prostor allocate` and get the same answer. Validation lives in compile.ts
 * (one pass both checks and compiles).
 */

export const MECHANISMS = ['deferred-acceptance', 'top-trading-cycles', 'immediate-acceptance'] as const;
export type Mechanism = (typeof MECHANISMS)[number];
export const DEFAULT_MECHANISM: Mechanism = 'deferred-acceptance';

export interface ApplicantInput {
  id: string;
  /** Place ids, most preferred first. An empty list is allowed: the applicant stays unassigned. */
  preferences: string[];
}

/** A priority entry: one applicant id, or an array of applicant ids tied with each other. */
export type PriorityEntry = string | string[];

export interface PlaceInput {
  id: string;
  capacity: number;
  /** Applicants from highest to lowest priority; unlisted applicants come after all listed, tied. */
  priority?: PriorityEntry[];
}

export type TieBreak = { order: string[] } | { lottery: { seed: string } };

export interface AllocationInstance {
  /** Absent means deferred acceptance. */
  mechanism?: Mechanism;
  applicants: ApplicantInput[];
  places: PlaceInput[];
  /** Absent means the order of `applicants` (registration order) breaks ties. */
  tieBreak?: TieBreak;
  /** Free-form description of the run (campaign, date, territory); covered by the hash, ignored by the engine. */
  meta?: unknown;
}

export type ValidationResult = { ok: true; instance: AllocationInstance } | { ok: false; errors: string[] };

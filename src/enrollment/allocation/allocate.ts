/**
 * The allocation engine's entry point: a valid instance in, the assignment out. Pure and
 * deterministic: the same instance (whatever its key order or whitespace) gives the same result on
 * any machine, which is what lets anyone re-run a published allocation protocol.
 */
import { canonicalSha256 } from './canonical-json.ts';
import { compileInstance, InvalidInstanceError, type CompiledInstance } from './compile.ts';
import { deferredAcceptance } from './deferred-acceptance.ts';
import { immediateAcceptance } from './immediate-acceptance.ts';
import { DEFAULT_MECHANISM, type AllocationInstance, type Mechanism } from './instance.ts';
import { topTradingCycles } from './top-trading-cycles.ts';

export { InvalidInstanceError, validateInstance } from './compile.ts';
export { MECHANISMS, type AllocationInstance, type Mechanism, type ValidationResult } from './instance.ts';

/**
 * Named in every result. Bump it whenever the same instance could produce a different result
 * (a changed mechanism, tie-break or output format), so a protocol says which rules produced it.
 */
export const ENGINE_VERSION = 'prostor-allocation/1.0.0';

export interface AllocationResult {
  engineVersion: string;
  mechanism: Mechanism;
  /** SHA-256 (hex) of the canonical JSON form of the instance (see canonical-json.ts). */
  instanceSha256: string;
  tieBreak: { kind: 'applicant-order' } | { kind: 'order' } | { kind: 'lottery'; seed: string };
  /** Every applicant id → the place id they are assigned, or null. */
  assignment: Record<string, string | null>;
  /** Applicant ids left without a place, in instance order. */
  unassigned: string[];
  /** Every place id → seats left free. */
  placesLeft: Record<string, number>;
  summary: {
    applicants: number;
    assigned: number;
    unassigned: number;
    /** byChoice[k] = how many applicants got their (k+1)-th choice. */
    byChoice: number[];
  };
}

const runners: Record<Mechanism, (compiled: CompiledInstance) => Int32Array> = {
  'deferred-acceptance': deferredAcceptance,
  'top-trading-cycles': topTradingCycles,
  'immediate-acceptance': immediateAcceptance,
};

/** Runs a mechanism on a compiled instance: per applicant, the preference slot assigned or -1. */
export function runMechanism(mechanism: Mechanism, compiled: CompiledInstance): Int32Array {
  return runners[mechanism](compiled);
}

/**
 * Allocates places. The instance is validated first (it may come from anywhere); on a malformed
 * instance throws InvalidInstanceError listing every problem with its JSON path.
 */
export function allocate(instance: AllocationInstance): AllocationResult {
  const compilation = compileInstance(instance);
  if (!compilation.ok) throw new InvalidInstanceError(compilation.errors);
  const mechanism = instance.mechanism ?? DEFAULT_MECHANISM;
  const assigned = runMechanism(mechanism, compilation.compiled);
  return describeResult(instance, compilation.compiled, mechanism, assigned);
}

function describeResult(instance: AllocationInstance, compiled: CompiledInstance, mechanism: Mechanism, assigned: Int32Array): AllocationResult {
  const { applicantIds, placeIds, prefStart, prefPlace, capacity } = compiled;
  // Null-prototype records: an id such as "__proto__" must stay an ordinary key.
  const assignment: Record<string, string | null> = Object.create(null);
  const unassigned: string[] = [];
  const taken = new Float64Array(placeIds.length);
  const byChoice: number[] = [];
  for (let a = 0; a < applicantIds.length; a++) {
    const slot = assigned[a]!;
    if (slot < 0) {
      assignment[applicantIds[a]!] = null;
      unassigned.push(applicantIds[a]!);
      continue;
    }
    const p = prefPlace[slot]!;
    assignment[applicantIds[a]!] = placeIds[p]!;
    taken[p]! += 1;
    const choice = slot - prefStart[a]!;
    while (byChoice.length <= choice) byChoice.push(0);
    byChoice[choice]! += 1;
  }
  const placesLeft: Record<string, number> = Object.create(null);
  for (let p = 0; p < placeIds.length; p++) placesLeft[placeIds[p]!] = capacity[p]! - taken[p]!;
  const tieBreak = instance.tieBreak;
  return {
    engineVersion: ENGINE_VERSION,
    mechanism,
    instanceSha256: canonicalSha256(instance),
    tieBreak: !tieBreak ? { kind: 'applicant-order' } : 'order' in tieBreak ? { kind: 'order' } : { kind: 'lottery', seed: tieBreak.lottery.seed },
    assignment,
    unassigned,
    placesLeft,
    summary: {
      applicants: applicantIds.length,
      assigned: applicantIds.length - unassigned.length,
      unassigned: unassigned.length,
      byChoice,
    },
  };
}

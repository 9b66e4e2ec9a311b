/**
 * The single tie-break order: one global ranking of applicants that settles every tie within a
 * priority tier at every place ("single tie-breaking", as in New York and Amsterdam school choice;
 * one order for all places keeps the outcome easy to explain and audit).
 *
 * - `{ order: [...] }`: the given permutation (e.g. registration time, earliest first);
 * - `{ lottery: { seed } }`: applicants sorted by hex(SHA-256(seed + ':' + applicantId)) ascending
 *   (UTF-8), equal digests (never seen in practice) by applicant id; anyone can recompute it from
 *   the published seed, e.g. `printf '%s' 'seed:A1' | sha256sum`;
 * - absent: the order in which applicants are listed in the instance (registration order).
 */
import { createHash } from 'node:crypto';
import { sha256Many } from './sha256.ts';

/** The lottery key of one applicant: hex SHA-256 of `seed:applicantId` (UTF-8). */
export function lotteryKey(seed: string, applicantId: string): string {
  return createHash('sha256').update(`${seed}:${applicantId}`, 'utf8').digest('hex');
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The lottery as a permutation of applicant indexes, best first. Comparing the digests as 32-bit
 * big-endian words in order is the same as comparing their hex texts.
 */
export function lotteryPermutation(seed: string, applicantIds: readonly string[]): Int32Array {
  const count = applicantIds.length;
  const words = sha256Many(`${seed}:`, applicantIds);
  // The first 48 bits as a number decide almost every comparison.
  const head = new Float64Array(count);
  for (let a = 0; a < count; a++) head[a] = words[a * 8]! * 65536 + (words[a * 8 + 1]! >>> 16);
  const order = new Int32Array(count);
  for (let a = 0; a < count; a++) order[a] = a;
  order.sort((x, y) => {
    const difference = head[x]! - head[y]!;
    if (difference !== 0) return difference;
    for (let i = 1; i < 8; i++) {
      const wx = words[x * 8 + i]!;
      const wy = words[y * 8 + i]!;
      if (wx !== wy) return wx < wy ? -1 : 1;
    }
    return compareCodeUnits(applicantIds[x]!, applicantIds[y]!);
  });
  return order;
}

/** Applicant ids ordered by the lottery drawn from `seed`, best first. */
export function lotteryOrder(seed: string, applicantIds: readonly string[]): string[] {
  return Array.from(lotteryPermutation(seed, applicantIds), (a) => applicantIds[a]!);
}

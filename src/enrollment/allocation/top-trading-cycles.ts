/**
 * Top trading cycles for school choice (Abdulkadiroğlu and Sönmez 2003, section II.B): every place
 * with seats left points to its highest-priority applicant still in the market; every applicant
 * points to their most preferred place that still has seats; in each cycle every applicant gets the
 * place they point to, and a seat of each place in the cycle is used. Applicants whose listed
 * places are all full leave unassigned. The result is Pareto-efficient and strategy-proof, but,
 * unlike deferred acceptance, a lower-priority applicant may get a seat that a higher-priority
 * one wanted: priorities are traded, not only respected.
 *
 * As in the paper, a place points to its highest-priority remaining applicant whether or not that
 * applicant listed it (a priority is something one can trade). The outcome does not depend on the
 * order in which cycles are removed, so cycles are found by one walk along the pointers with a
 * stack (the path a0 -> p0 -> a1 -> p1 -> ...): when the walk meets an applicant already on the
 * path, that part of the path is a cycle; after it is traded only the applicant now on top of the
 * path can point elsewhere. Every applicant enters the path once, places' pointers only move down
 * their priority order, so the whole run is linear in the size of the instance.
 */
import type { CompiledInstance } from './compile.ts';

/** Returns, per applicant, the preference slot they are assigned through, or -1. */
export function topTradingCycles(compiled: CompiledInstance): Int32Array {
  const { prefStart, prefPlace, usableCapacity, tieOrder, listedStart, listedApplicant } = compiled;
  const applicantCount = prefStart.length - 1;
  const placeCount = usableCapacity.length;

  const assigned = new Int32Array(applicantCount).fill(-1);
  const remaining = new Uint8Array(applicantCount).fill(1);
  const seatsLeft = usableCapacity.slice();
  const applicantCursor = prefStart.slice(0, applicantCount);
  const placeCursor = listedStart.slice(0, placeCount);
  let unlistedCursor = 0; // into tieOrder: every place ranks unlisted applicants by the tie-break

  const stackPosition = new Int32Array(applicantCount).fill(-1);
  const stackApplicant = new Int32Array(applicantCount);
  const stackSlot = new Int32Array(applicantCount);

  for (let start = 0; start < applicantCount; start++) {
    if (!remaining[start]) continue;
    let depth = 1;
    stackApplicant[0] = start;
    stackPosition[start] = 0;
    while (depth > 0) {
      const a = stackApplicant[depth - 1]!;
      // a points to their best listed place with seats left.
      let s = applicantCursor[a]!;
      const end = prefStart[a + 1]!;
      while (s < end && seatsLeft[prefPlace[s]!] === 0) s++;
      applicantCursor[a] = s;
      if (s === end) {
        remaining[a] = 0;
        stackPosition[a] = -1;
        depth--;
        continue;
      }
      stackSlot[depth - 1] = s;
      // That place points to its highest-priority remaining applicant (a remains, so one exists).
      const p = prefPlace[s]!;
      let c = placeCursor[p]!;
      const listedEnd = listedStart[p + 1]!;
      while (c < listedEnd && !remaining[listedApplicant[c]!]) c++;
      placeCursor[p] = c;
      let b: number;
      if (c < listedEnd) {
        b = listedApplicant[c]!;
      } else {
        while (!remaining[tieOrder[unlistedCursor]!]) unlistedCursor++;
        b = tieOrder[unlistedCursor]!;
      }
      const position = stackPosition[b]!;
      if (position < 0) {
        stackPosition[b] = depth;
        stackApplicant[depth++] = b;
        continue;
      }
      // A cycle: stack[position .. depth-1]; each applicant gets the place they point to.
      for (let i = position; i < depth; i++) {
        const x = stackApplicant[i]!;
        const slot = stackSlot[i]!;
        assigned[x] = slot;
        remaining[x] = 0;
        stackPosition[x] = -1;
        seatsLeft[prefPlace[slot]!]! -= 1;
      }
      depth = position;
    }
  }
  return assigned;
}

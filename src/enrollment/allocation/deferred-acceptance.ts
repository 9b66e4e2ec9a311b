/**
 * Applicant-proposing deferred acceptance (Gale and Shapley 1962) with capacities: applicants
 * propose down their lists; each place holds its best `capacity` proposers so far by priority and
 * rejects the rest; nothing is final until nobody is rejected. The result is the applicant-optimal
 * stable assignment: no applicant and place would both rather be matched to each other, every
 * applicant weakly prefers it to any other stable assignment, and telling the truth is a dominant
 * strategy for applicants (Dubins and Freedman 1981; Roth 1982).
 *
 * The outcome does not depend on the order in which proposals are processed, so a plain stack is
 * used. Each place keeps its held applicants in a max-heap by rank (the worst held at the root), so
 * a proposal costs O(1) when rejected and O(log capacity) when accepted.
 */
import type { CompiledInstance } from './compile.ts';

/** Returns, per applicant, the preference slot they are assigned through, or -1. */
export function deferredAcceptance(compiled: CompiledInstance): Int32Array {
  const { prefStart, prefPlace, prefRank, slotApplicant, usableCapacity } = compiled;
  const applicantCount = prefStart.length - 1;
  const placeCount = usableCapacity.length;

  const heapStart = new Int32Array(placeCount + 1);
  for (let p = 0; p < placeCount; p++) heapStart[p + 1] = heapStart[p]! + usableCapacity[p]!;
  const heapSlot = new Int32Array(heapStart[placeCount]!);
  const heapRank = new Int32Array(heapStart[placeCount]!);
  const heapSize = new Int32Array(placeCount);

  const assigned = new Int32Array(applicantCount).fill(-1);
  const next = prefStart.slice(0, applicantCount);

  for (let first = 0; first < applicantCount; first++) {
    // Follow the chain of rejections started by this applicant's proposals.
    let a = first;
    while (a >= 0) {
      const s = next[a]!;
      if (s === prefStart[a + 1]) break; // list exhausted: stays unassigned
      next[a] = s + 1;
      const p = prefPlace[s]!;
      const capacity = usableCapacity[p]!;
      if (capacity === 0) continue;
      const rank = prefRank[s]!;
      const base = heapStart[p]!;
      const size = heapSize[p]!;
      if (size < capacity) {
        // Free seat: sift up in the max-heap.
        let i = size;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          const parentRank = heapRank[base + parent]!;
          if (parentRank >= rank) break;
          heapRank[base + i] = parentRank;
          heapSlot[base + i] = heapSlot[base + parent]!;
          i = parent;
        }
        heapRank[base + i] = rank;
        heapSlot[base + i] = s;
        heapSize[p] = size + 1;
        assigned[a] = s;
        a = -1;
        continue;
      }
      if (rank >= heapRank[base]!) continue; // rejected: everyone held outranks a
      // Displace the worst held applicant, who proposes next.
      const evicted = slotApplicant[heapSlot[base]!]!;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= capacity) break;
        let child = left;
        if (left + 1 < capacity && heapRank[base + left + 1]! > heapRank[base + left]!) child = left + 1;
        const childRank = heapRank[base + child]!;
        if (childRank <= rank) break;
        heapRank[base + i] = childRank;
        heapSlot[base + i] = heapSlot[base + child]!;
        i = child;
      }
      heapRank[base + i] = rank;
      heapSlot[base + i] = s;
      assigned[a] = s;
      assigned[evicted] = -1;
      a = evicted;
    }
  }
  return assigned;
}

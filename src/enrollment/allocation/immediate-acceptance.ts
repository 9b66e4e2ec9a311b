/**
 * Immediate acceptance ("the Boston mechanism"), kept for comparison: in round k every applicant
 * still unassigned applies to their k-th choice; a place accepts applicants by priority up to its
 * remaining seats and those acceptances are FINAL. It is not strategy-proof: ranking a popular
 * place first can cost an applicant a place where they had priority (Abdulkadiroğlu and Sönmez
 * 2003), which is why deferred acceptance is the default.
 */
import type { CompiledInstance } from './compile.ts';

/** Returns, per applicant, the preference slot they are assigned through, or -1. */
export function immediateAcceptance(compiled: CompiledInstance): Int32Array {
  const { prefStart, prefPlace, prefRank, slotApplicant, usableCapacity } = compiled;
  const applicantCount = prefStart.length - 1;
  const placeCount = usableCapacity.length;

  // Per place: seats [base, base+filled) are final; this round's tentative holders form a max-heap
  // by rank in [base+filled, base+filled+heapSize).
  const heapStart = new Int32Array(placeCount + 1);
  for (let p = 0; p < placeCount; p++) heapStart[p + 1] = heapStart[p]! + usableCapacity[p]!;
  const heapSlot = new Int32Array(heapStart[placeCount]!);
  const heapRank = new Int32Array(heapStart[placeCount]!);
  const filled = new Int32Array(placeCount);
  const heapSize = new Int32Array(placeCount);
  const touched = new Int32Array(placeCount);
  const isTouched = new Uint8Array(placeCount);

  const assigned = new Int32Array(applicantCount).fill(-1);
  let current = new Int32Array(applicantCount);
  let following = new Int32Array(applicantCount);
  let currentCount = 0;
  for (let a = 0; a < applicantCount; a++) if (prefStart[a + 1]! > prefStart[a]!) current[currentCount++] = a;

  for (let round = 0; currentCount > 0; round++) {
    let followingCount = 0;
    let touchedCount = 0;
    for (let j = 0; j < currentCount; j++) {
      const a = current[j]!;
      const s = prefStart[a]! + round;
      if (s >= prefStart[a + 1]!) continue; // list exhausted
      const p = prefPlace[s]!;
      const seats = usableCapacity[p]! - filled[p]!;
      const rejectedApplicant = seats <= 0 ? a : hold(p, s, prefRank[s]!, seats);
      if (rejectedApplicant >= 0) {
        if (prefStart[rejectedApplicant]! + round + 1 < prefStart[rejectedApplicant + 1]!) following[followingCount++] = rejectedApplicant;
      }
      if (rejectedApplicant !== a && !isTouched[p]) {
        isTouched[p] = 1;
        touched[touchedCount++] = p;
      }
    }
    // End of round: this round's holders are accepted for good.
    for (let t = 0; t < touchedCount; t++) {
      const p = touched[t]!;
      const base = heapStart[p]! + filled[p]!;
      for (let i = 0; i < heapSize[p]!; i++) {
        const s = heapSlot[base + i]!;
        assigned[slotApplicant[s]!] = s;
      }
      filled[p]! += heapSize[p]!;
      heapSize[p] = 0;
      isTouched[p] = 0;
    }
    [current, following] = [following, current];
    currentCount = followingCount;
  }
  return assigned;

  /** Offers slot s (rank) to place p with `seats` left this round; returns the rejected applicant or -1. */
  function hold(p: number, s: number, rank: number, seats: number): number {
    const base = heapStart[p]! + filled[p]!;
    const size = heapSize[p]!;
    if (size < seats) {
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
      return -1;
    }
    if (rank >= heapRank[base]!) return slotApplicant[s]!;
    const evicted = slotApplicant[heapSlot[base]!]!;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      let child = left;
      if (left + 1 < size && heapRank[base + left + 1]! > heapRank[base + left]!) child = left + 1;
      const childRank = heapRank[base + child]!;
      if (childRank <= rank) break;
      heapRank[base + i] = childRank;
      heapSlot[base + i] = heapSlot[base + child]!;
      i = child;
    }
    heapRank[base + i] = rank;
    heapSlot[base + i] = s;
    return evicted;
  }
}

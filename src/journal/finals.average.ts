/**
 * The weighted average of a pupil's marks and the final mark it suggests (pure).
 *
 * Average = Σ(mark × weight) / Σ(weight). The suggested final is the average rounded half up:
 * an average of x.5 or more rounds up to x + 1, anything below x.5 rounds down (3.5 → 4,
 * 4.49 → 4, 4.5 → 5, 2.5 → 3). This is the rule most Russian schools' «Положение о текущем
 * контроле и промежуточной аттестации» adopt; the school's order may differ, so the teacher
 * always decides the final (the suggestion only pre-fills the form).
 *
 * Weights are reference data with one decimal (numeric(3,1)); the comparison with x.5 is done
 * on integers (weights in tenths) so that no floating-point error can push 3.4999… below the
 * threshold.
 */

export interface WeightedMark {
  value: number;
  /** One decimal at most, > 0. */
  weight: number;
}

export interface Suggestion {
  /** The weighted average rounded to two decimals for display, or null without marks. */
  average: number | null;
  /** The average rounded half up, clamped to 1..5; null without marks. */
  suggested: number | null;
}

export function suggestFinal(marks: readonly WeightedMark[]): Suggestion {
  let sum = 0; // Σ value × weight×10
  let weights = 0; // Σ weight×10
  for (const m of marks) {
    const w = Math.round(m.weight * 10);
    if (w <= 0) continue;
    sum += m.value * w;
    weights += w;
  }
  if (weights === 0) return { average: null, suggested: null };
  // round half up: floor((2·sum + weights) / (2·weights)), all integers
  const suggested = Math.min(5, Math.max(1, Math.floor((2 * sum + weights) / (2 * weights))));
  return { average: Math.round((sum / weights) * 100) / 100, suggested };
}

/** The year's suggestion from the term finals (each term weighs the same). */
export function suggestYearFinal(termFinals: readonly number[]): Suggestion {
  return suggestFinal(termFinals.map((value) => ({ value, weight: 1 })));
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { suggestFinal, suggestYearFinal } from './finals.average.ts';

const plain = (...values: number[]) => values.map((value) => ({ value, weight: 1 }));

describe('the suggested final: weighted average rounded half up', () => {
  it('rounds an average of exactly 3.5 up to 4', () => {
    assert.deepEqual(suggestFinal(plain(3, 4)), { average: 3.5, suggested: 4 });
  });

  it('rounds 4.5 up to 5 and 2.5 up to 3', () => {
    assert.equal(suggestFinal(plain(4, 5)).suggested, 5);
    assert.equal(suggestFinal(plain(2, 3)).suggested, 3);
  });

  it('rounds an average just below x.5 down (4.49 → 4)', () => {
    // weights 51 and 49 tenths: (4×5.1 + 5×4.9) / 10 = 4.49
    const r = suggestFinal([
      { value: 4, weight: 5.1 },
      { value: 5, weight: 4.9 },
    ]);
    assert.equal(r.average, 4.49);
    assert.equal(r.suggested, 4);
  });

  it('weights a test above oral answers', () => {
    // 5 (oral, 1) + 5 (oral, 1) + 3 (test, 2) = 16 / 4 = 4.0
    assert.deepEqual(
      suggestFinal([
        { value: 5, weight: 1 },
        { value: 5, weight: 1 },
        { value: 3, weight: 2 },
      ]),
      { average: 4, suggested: 4 },
    );
    // without weights the same marks average 4.33 → 4; with the test weighing 1.5: 14.5/3.5 = 4.14 → 4
    assert.equal(suggestFinal(plain(5, 5, 3)).average, 4.33);
    // 3×1 + 4×1.5 = 9 / 2.5 = 3.6 → 4; 3.5 exactly with weights: 3×1.5 + 4×1.5 = 10.5/3 = 3.5 → 4
    assert.equal(suggestFinal([{ value: 3, weight: 1 }, { value: 4, weight: 1.5 }]).suggested, 4);
    assert.deepEqual(suggestFinal([{ value: 3, weight: 1.5 }, { value: 4, weight: 1.5 }]), { average: 3.5, suggested: 4 });
  });

  it('does not let floating point decide an exact x.5 (weights 0.1, 0.2)', () => {
    // 0.1 + 0.2 !== 0.3 in floating point; (3×0.1 + 4×0.1) / 0.2 = 3.5 exactly
    assert.equal(suggestFinal([{ value: 3, weight: 0.1 }, { value: 4, weight: 0.1 }]).suggested, 4);
    assert.equal(suggestFinal([{ value: 2, weight: 0.2 }, { value: 5, weight: 0.1 }, { value: 3, weight: 0.1 }]).suggested, 3);
  });

  it('suggests nothing without marks', () => {
    assert.deepEqual(suggestFinal([]), { average: null, suggested: null });
  });

  it('suggests the year from the term finals', () => {
    assert.equal(suggestYearFinal([4, 5, 4, 5]).suggested, 5);
    assert.equal(suggestYearFinal([3, 4, 3]).suggested, 3);
  });
});

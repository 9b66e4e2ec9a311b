import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { achievement, attendanceFigures, subjectAverages, type PupilSubjectRow } from './reports.maths.ts';

/*
 * The fixture, computed by hand.
 *
 * Class A (pupils p1..p5), subjects maths and russian, term 1:
 *   p1  maths final 5                       russian marks 5, 5        → 5 (avg 5)      results 5, 5
 *   p2  maths marks 4 (w1), 3 (w2)          russian final 4           → (4+6)/3 = 3.33 → 3; results 3, 4
 *   p3  maths final 2                       russian marks 3           → results 2, 3
 *   p4  (no marks at all)                                               → not attested
 *   p5  maths marks 4 (w1), 5 (w1)          russian: no marks          → 4.5 → 5 (half up); results 5
 * attested = 4 (p1 p2 p3 p5); passing (no 2) = p1 p2 p5 = 3 → 3/4 = 75.0 %
 * quality (only 4 and 5) = p1 p5 = 2 → 2/4 = 50.0 %; excellent (only 5) = p1 p5 = 2; one 3 = p2
 * maths average = (5 + 3 + 2 + 5) / 4 = 3.75; russian average = (5 + 4 + 3) / 3 = 4.00
 *
 * Class B (p6): maths final 3 → pass 100.0 %, quality 0.0 %, exactly one 3 → one-three 1.
 */
const rows: PupilSubjectRow[] = [
  { groupKey: 'A', pupilId: 'p1', subjectCode: 'mathematics', final: 5, marks: [] },
  { groupKey: 'A', pupilId: 'p1', subjectCode: 'russian', final: null, marks: [{ value: 5, weight: 1 }, { value: 5, weight: 1 }] },
  { groupKey: 'A', pupilId: 'p2', subjectCode: 'mathematics', final: null, marks: [{ value: 4, weight: 1 }, { value: 3, weight: 2 }] },
  { groupKey: 'A', pupilId: 'p2', subjectCode: 'russian', final: 4, marks: [{ value: 2, weight: 1 }] },
  { groupKey: 'A', pupilId: 'p3', subjectCode: 'mathematics', final: 2, marks: [{ value: 5, weight: 1 }] },
  { groupKey: 'A', pupilId: 'p3', subjectCode: 'russian', final: null, marks: [{ value: 3, weight: 1 }] },
  { groupKey: 'A', pupilId: 'p5', subjectCode: 'mathematics', final: null, marks: [{ value: 4, weight: 1 }, { value: 5, weight: 1 }] },
  { groupKey: 'A', pupilId: 'p5', subjectCode: 'russian', final: null, marks: [] },
  { groupKey: 'B', pupilId: 'p6', subjectCode: 'mathematics', final: 3, marks: [] },
];
const enrolled = new Map([
  ['A', ['p1', 'p2', 'p3', 'p4', 'p5']],
  ['B', ['p6']],
]);

describe('report figures on a fixture checked by hand', () => {
  it('computes pass rate and quality from finals, or the half-up average where no final is decided', () => {
    const [a, b] = achievement(rows, enrolled);
    assert.deepEqual(a, { groupKey: 'A', pupils: 5, attested: 4, notAttested: 1, passing: 3, quality: 2, passRate: 75, qualityRate: 50, excellent: 2, oneThree: 1 });
    assert.deepEqual(b, { groupKey: 'B', pupils: 1, attested: 1, notAttested: 0, passing: 1, quality: 0, passRate: 100, qualityRate: 0, excellent: 0, oneThree: 1 });
  });

  it('averages the pupils’ results per subject', () => {
    assert.deepEqual(subjectAverages(rows), [
      { groupKey: 'A', subjectCode: 'mathematics', pupils: 4, average: 3.75 },
      { groupKey: 'A', subjectCode: 'russian', pupils: 3, average: 4 },
      { groupKey: 'B', subjectCode: 'mathematics', pupils: 1, average: 3 },
    ]);
  });

  it('gives no rates to a group where nobody is attested', () => {
    const [empty] = achievement([], new Map([['C', ['p9']]]));
    assert.equal(empty!.passRate, null);
    assert.equal(empty!.notAttested, 1);
  });

  it('counts missed lessons without the late ones', () => {
    // 3 pupils × 10 lessons = 30 pupil-lessons; missed 2 + 1 + 3 = 6 → 20.0 %; late 4 is present
    const [figures] = attendanceFigures(
      [
        { groupKey: 'A', code: 'absent', count: 2 },
        { groupKey: 'A', code: 'excused', count: 1 },
        { groupKey: 'A', code: 'ill', count: 3 },
        { groupKey: 'A', code: 'late', count: 4 },
      ],
      new Map([['A', 30]]),
    );
    assert.deepEqual(figures, { groupKey: 'A', lessons: 30, byCode: { absent: 2, excused: 1, ill: 3, late: 4 }, missedRate: 20 });
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocate } from './allocate.ts';
import type { AllocationInstance } from './instance.ts';
import {
  abdulkadirogluSonmezExample,
  allFeasibleAssignments,
  allPreferenceLists,
  feasibilityProblems,
  paretoDominates,
  preferenceOrder,
  PROPERTY_RUNS,
  referenceTopTradingCycles,
  smallInstance,
} from '../../../test/support/allocation.ts';

const ttc = (instance: AllocationInstance) => allocate({ ...instance, mechanism: 'top-trading-cycles' }).assignment;

describe('top trading cycles', () => {
  test('no place holds more applicants than its capacity, and each applicant gets at most one place they listed', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 7, maxPlaces: 4, maxCapacity: 3 }), (instance) => {
        assert.deepEqual(feasibilityProblems(instance, ttc(instance)), []);
      }),
      PROPERTY_RUNS,
    );
  });

  test('the one-walk implementation gives the outcome of the paper\'s step-by-step definition', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 8, maxPlaces: 4, maxCapacity: 3 }), (instance) => {
        assert.deepEqual({ ...ttc(instance) }, referenceTopTradingCycles(instance));
      }),
      PROPERTY_RUNS,
    );
  });

  test('at a contested place the applicant with the highest priority gets the seat, whatever the tie-break', () => {
    const instance: AllocationInstance = {
      applicants: [
        { id: 'A1', preferences: ['K1'] },
        { id: 'A2', preferences: ['K1'] },
      ],
      places: [{ id: 'K1', capacity: 1, priority: ['A2'] }],
    };
    assert.deepEqual({ ...ttc(instance) }, { A1: null, A2: 'K1' });
  });

  test('the result is Pareto-efficient: no feasible assignment makes someone better off and nobody worse off (brute force)', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 5, maxPlaces: 3 }), (instance) => {
        const result = ttc(instance);
        for (const other of allFeasibleAssignments(instance)) {
          assert.ok(!paretoDominates(instance, other, result), `${JSON.stringify(other)} dominates ${JSON.stringify(result)}`);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('telling the truth is a dominant strategy: no applicant gains by reporting any other list (brute force)', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 4, maxPlaces: 3 }), (instance) => {
        const truthful = ttc(instance);
        const prefers = preferenceOrder(instance);
        const placeIds = instance.places.map((p) => p.id);
        for (const [index, applicant] of instance.applicants.entries()) {
          for (const report of allPreferenceLists(placeIds)) {
            const applicants = instance.applicants.map((a, i) => (i === index ? { id: a.id, preferences: report } : a));
            const got = ttc({ ...instance, applicants })[applicant.id]!;
            assert.ok(!prefers(applicant.id, got, truthful[applicant.id]!), `${applicant.id} gains ${got} by reporting ${report.join(' > ')}`);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  test('Abdulkadiroğlu and Sönmez (2003) example: the published top-trading-cycles outcome', () => {
    // Step 1 trades the cycle i1→s2→i3→s3→i5→s1→i1 and i6→s4→i6; step 2 gives i2 s1; step 3 trades
    // i4→s3→i7→s2→i4; step 4 gives i8 s4.
    assert.deepEqual(
      { ...ttc(abdulkadirogluSonmezExample()) },
      { i1: 's2', i2: 's1', i3: 's3', i4: 's3', i5: 's1', i6: 's4', i7: 's2', i8: 's4' },
    );
  });

  test('applicants trade the priorities they hold: the pair that deferred acceptance leaves unswapped swaps', () => {
    const instance: AllocationInstance = {
      applicants: [
        { id: 'i1', preferences: ['s2', 's1', 's3'] },
        { id: 'i2', preferences: ['s1', 's2', 's3'] },
        { id: 'i3', preferences: ['s1', 's2', 's3'] },
      ],
      places: [
        { id: 's1', capacity: 1, priority: ['i1', 'i3', 'i2'] },
        { id: 's2', capacity: 1, priority: ['i2', 'i1', 'i3'] },
        { id: 's3', capacity: 1, priority: ['i3', 'i1', 'i2'] },
      ],
    };
    assert.deepEqual({ ...ttc(instance) }, { i1: 's2', i2: 's1', i3: 's3' });
  });

  test('a place points to its top remaining applicant even one who did not list it, as in the paper', () => {
    // K1 ranks A2 first, A2 wants only K2, which ranks A1 first: A1 and A2 trade (A1 gets K1, A2 K2),
    // although A3 has higher priority at K1 than A1 (TTC does not eliminate justified envy).
    const instance: AllocationInstance = {
      applicants: [
        { id: 'A1', preferences: ['K1'] },
        { id: 'A2', preferences: ['K2'] },
        { id: 'A3', preferences: ['K1'] },
      ],
      places: [
        { id: 'K1', capacity: 1, priority: ['A2', 'A3', 'A1'] },
        { id: 'K2', capacity: 1, priority: ['A1', 'A2'] },
      ],
    };
    assert.deepEqual({ ...ttc(instance) }, { A1: 'K1', A2: 'K2', A3: null });
  });
});

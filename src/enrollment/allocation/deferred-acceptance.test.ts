import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocate } from './allocate.ts';
import type { AllocationInstance } from './instance.ts';
import {
  abdulkadirogluSonmezExample,
  allFeasibleAssignments,
  allPreferenceLists,
  blockingPairs,
  feasibilityProblems,
  preferenceOrder,
  priorityOrder,
  PROPERTY_RUNS,
  smallInstance,
} from '../../../test/support/allocation.ts';

const da = (instance: AllocationInstance) => allocate({ ...instance, mechanism: 'deferred-acceptance' }).assignment;

describe('deferred acceptance', () => {
  test('no place holds more applicants than its capacity, and each applicant gets at most one place they listed', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 7, maxPlaces: 4 }), (instance) => {
        assert.deepEqual(feasibilityProblems(instance, da(instance)), []);
      }),
      PROPERTY_RUNS,
    );
  });

  test('there is no blocking pair: nobody prefers a place that has a free seat or holds someone they outrank', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 7, maxPlaces: 4, maxCapacity: 3 }), (instance) => {
        assert.deepEqual(blockingPairs(instance, da(instance)), []);
      }),
      PROPERTY_RUNS,
    );
  });

  test('a higher priority never loses a place to a lower one at the same kindergarten', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 7, maxPlaces: 4 }), (instance) => {
        const assignment = da(instance);
        const outranks = priorityOrder(instance);
        const prefers = preferenceOrder(instance);
        for (const [holder, place] of Object.entries(assignment)) {
          if (place === null) continue;
          for (const { id } of instance.applicants) {
            const envies = prefers(id, place, assignment[id]!) && outranks(place, id, holder);
            assert.ok(!envies, `${id} outranks ${holder} at ${place} and wanted it more than ${assignment[id]}`);
          }
        }
      }),
      PROPERTY_RUNS,
    );
  });

  test('the result is the applicant-optimal stable assignment: every applicant likes it at least as much as any stable assignment (brute force)', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 5, maxPlaces: 3 }), (instance) => {
        const result = da(instance);
        const prefers = preferenceOrder(instance);
        for (const other of allFeasibleAssignments(instance)) {
          if (blockingPairs(instance, other).length > 0) continue;
          for (const { id } of instance.applicants) {
            assert.ok(!prefers(id, other[id]!, result[id]!), `${id} is better off in the stable ${JSON.stringify(other)}`);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  test('telling the truth is a dominant strategy: no applicant gains by reporting any other list (brute force)', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 4, maxPlaces: 3 }), (instance) => {
        const truthful = da(instance);
        const prefers = preferenceOrder(instance);
        const placeIds = instance.places.map((p) => p.id);
        for (const [index, applicant] of instance.applicants.entries()) {
          for (const report of allPreferenceLists(placeIds)) {
            const applicants = instance.applicants.map((a, i) => (i === index ? { id: a.id, preferences: report } : a));
            const got = da({ ...instance, applicants })[applicant.id]!;
            assert.ok(!prefers(applicant.id, got, truthful[applicant.id]!), `${applicant.id} gains ${got} by reporting ${report.join(' > ')}`);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  test('Gale and Shapley (1962), three men and three women: the proposing side gets its first choices', () => {
    // Men α β γ propose; women A B C hold. Rankings (man's, woman's):
    //      A     B     C
    // α  1,3   2,2   3,1
    // β  3,1   1,3   2,2
    // γ  2,2   3,1   1,3
    // Three stable matchings exist; the man-optimal one gives every man his first choice and every
    // woman her last, the woman-optimal one the reverse.
    const men: AllocationInstance = {
      applicants: [
        { id: 'alpha', preferences: ['A', 'B', 'C'] },
        { id: 'beta', preferences: ['B', 'C', 'A'] },
        { id: 'gamma', preferences: ['C', 'A', 'B'] },
      ],
      places: [
        { id: 'A', capacity: 1, priority: ['beta', 'gamma', 'alpha'] },
        { id: 'B', capacity: 1, priority: ['gamma', 'alpha', 'beta'] },
        { id: 'C', capacity: 1, priority: ['alpha', 'beta', 'gamma'] },
      ],
    };
    assert.deepEqual({ ...da(men) }, { alpha: 'A', beta: 'B', gamma: 'C' });
    const women: AllocationInstance = {
      applicants: [
        { id: 'A', preferences: ['beta', 'gamma', 'alpha'] },
        { id: 'B', preferences: ['gamma', 'alpha', 'beta'] },
        { id: 'C', preferences: ['alpha', 'beta', 'gamma'] },
      ],
      places: [
        { id: 'alpha', capacity: 1, priority: ['A', 'B', 'C'] },
        { id: 'beta', capacity: 1, priority: ['B', 'C', 'A'] },
        { id: 'gamma', capacity: 1, priority: ['C', 'A', 'B'] },
      ],
    };
    assert.deepEqual({ ...da(women) }, { A: 'beta', B: 'gamma', C: 'alpha' });
  });

  test('Abdulkadiroğlu and Sönmez (2003) example: the student-optimal stable matching', () => {
    assert.deepEqual(
      { ...da(abdulkadirogluSonmezExample()) },
      { i1: 's1', i2: 's1', i3: 's3', i4: 's3', i5: 's3', i6: 's4', i7: 's2', i8: 's2' },
    );
  });

  test('deferred acceptance need not be Pareto-efficient: two applicants would both gain by swapping', () => {
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
    assert.deepEqual({ ...da(instance) }, { i1: 's1', i2: 's2', i3: 's3' });
  });

  test('ties within a tier go to the earlier applicant in the tie-break order', () => {
    const instance: AllocationInstance = {
      applicants: [
        { id: 'A1', preferences: ['K1'] },
        { id: 'A2', preferences: ['K1'] },
        { id: 'A3', preferences: ['K1'] },
      ],
      places: [{ id: 'K1', capacity: 1, priority: [['A1', 'A2', 'A3']] }],
    };
    assert.equal(da(instance).A1, 'K1', 'by default the order of applicants (registration) breaks ties');
    assert.equal(da({ ...instance, tieBreak: { order: ['A3', 'A1', 'A2'] } }).A3, 'K1');
  });

  test('a benefit tier outranks an earlier registration; unlisted applicants come after all listed ones', () => {
    const instance: AllocationInstance = {
      applicants: [
        { id: 'early', preferences: ['K1'] },
        { id: 'sibling', preferences: ['K1'] },
        { id: 'benefit', preferences: ['K1'] },
      ],
      places: [{ id: 'K1', capacity: 2, priority: ['benefit', 'sibling'] }],
    };
    assert.deepEqual({ ...da(instance) }, { early: null, sibling: 'K1', benefit: 'K1' });
  });
});

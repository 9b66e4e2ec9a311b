import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocate } from './allocate.ts';
import type { AllocationInstance } from './instance.ts';
import { abdulkadirogluSonmezExample, feasibilityProblems, preferenceOrder, PROPERTY_RUNS, referenceImmediateAcceptance, smallInstance } from '../../../test/support/allocation.ts';

const ia = (instance: AllocationInstance) => allocate({ ...instance, mechanism: 'immediate-acceptance' }).assignment;

describe('immediate acceptance (Boston)', () => {
  test('no place holds more applicants than its capacity, and each applicant gets at most one place they listed', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 7, maxPlaces: 4, maxCapacity: 3 }), (instance) => {
        assert.deepEqual(feasibilityProblems(instance, ia(instance)), []);
      }),
      PROPERTY_RUNS,
    );
  });

  test('the result is that of the rounds as defined: in round k each place accepts its k-th-choice applicants by priority while seats last', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 8, maxPlaces: 4, maxCapacity: 3 }), (instance) => {
        assert.deepEqual({ ...ia(instance) }, referenceImmediateAcceptance(instance));
      }),
      PROPERTY_RUNS,
    );
  });

  test('acceptances are final: whoever gets a first choice keeps it, so first choices are never displaced by later rounds', () => {
    fc.assert(
      fc.property(smallInstance({ maxApplicants: 7, maxPlaces: 4 }), (instance) => {
        const assignment = ia(instance);
        // A place chosen first by more applicants than its capacity is filled by first-choosers only.
        for (const place of instance.places) {
          const firstChoosers = instance.applicants.filter((a) => a.preferences[0] === place.id).map((a) => a.id);
          const holders = Object.keys(assignment).filter((id) => assignment[id] === place.id);
          if (firstChoosers.length >= place.capacity) assert.ok(holders.every((id) => firstChoosers.includes(id)), place.id);
        }
      }),
      PROPERTY_RUNS,
    );
  });

  test('immediate acceptance is manipulable: ranking a less popular place first can win it (textbook example)', () => {
    // s1 ranks i1 > i2 > i3; s2 ranks i2 > i3 > i1. Truthful i2 (s1 > s2 > s3) loses s1 to i1 in round
    // 1 while i3, who ranked s2 first, takes s2 for good; i2 ends at s3. Reporting s2 first, i2 wins s2
    // in round 1 on priority — better for i2 by their true preferences. (Under deferred acceptance
    // the truthful i2 gets s2 anyway.)
    const truthful: AllocationInstance = {
      applicants: [
        { id: 'i1', preferences: ['s1', 's2', 's3'] },
        { id: 'i2', preferences: ['s1', 's2', 's3'] },
        { id: 'i3', preferences: ['s2', 's1', 's3'] },
      ],
      places: [
        { id: 's1', capacity: 1, priority: ['i1', 'i2', 'i3'] },
        { id: 's2', capacity: 1, priority: ['i2', 'i3', 'i1'] },
        { id: 's3', capacity: 1 },
      ],
    };
    assert.deepEqual({ ...ia(truthful) }, { i1: 's1', i2: 's3', i3: 's2' });
    const manipulated: AllocationInstance = {
      ...truthful,
      applicants: truthful.applicants.map((a) => (a.id === 'i2' ? { id: 'i2', preferences: ['s2', 's1', 's3'] } : a)),
    };
    const gained = ia(manipulated).i2!;
    assert.equal(gained, 's2');
    assert.ok(preferenceOrder(truthful)('i2', gained, 's3'), 'i2 truly prefers what the lie won');
    assert.equal(allocate({ ...truthful, mechanism: 'deferred-acceptance' }).assignment.i2, 's2');
  });

  test('Abdulkadiroğlu and Sönmez (2003) example under the Boston mechanism', () => {
    // Round 1: s1 takes i2, i5 (of i2, i5, i7, i8), s2 i1, s3 i3, i4, s4 i6. Round 2: s2's last seat
    // goes to i8 over i7. Round 3: i7 takes s3's last seat.
    assert.deepEqual(
      { ...ia(abdulkadirogluSonmezExample()) },
      { i1: 's2', i2: 's1', i3: 's3', i4: 's3', i5: 's1', i6: 's4', i7: 's3', i8: 's2' },
    );
  });
});

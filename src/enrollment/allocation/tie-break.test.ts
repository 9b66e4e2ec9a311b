import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocate } from './allocate.ts';
import type { AllocationInstance } from './instance.ts';
import { sha256Many, wordsToHex } from './sha256.ts';
import { lotteryKey, lotteryOrder } from './tie-break.ts';
import { PROPERTY_RUNS } from '../../../test/support/allocation.ts';

describe('tie-break', () => {
  test('the lottery key is SHA-256 of seed, colon, applicant id (as `printf %s seed:id | sha256sum` prints it)', () => {
    assert.equal(lotteryKey('2025', 'A1'), createHash('sha256').update('2025:A1').digest('hex'));
    // Fixed vector so that a change of formula cannot slip through unnoticed.
    assert.equal(lotteryKey('abc', ''), createHash('sha256').update('abc:').digest('hex'));
    assert.equal(createHash('sha256').update('abc').digest('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('the built-in SHA-256 agrees with node:crypto on any text, short or long, ASCII or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.array(fc.string({ unit: 'binary', maxLength: 150 }), { maxLength: 5 }), (prefix, texts) => {
        const words = sha256Many(prefix, texts);
        texts.forEach((text, i) => assert.equal(wordsToHex(words, i * 8), createHash('sha256').update(prefix + text, 'utf8').digest('hex')));
      }),
      PROPERTY_RUNS,
    );
  });

  test('a lottery is reproducible from its published seed: applicants sorted by their keys, ascending', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 30 }), (seed, ids) => {
        const expected = [...ids].sort((x, y) => {
          const kx = lotteryKey(seed, x);
          const ky = lotteryKey(seed, y);
          return kx < ky ? -1 : kx > ky ? 1 : 0;
        });
        assert.deepEqual(lotteryOrder(seed, ids), expected);
        assert.deepEqual(lotteryOrder(seed, [...ids].reverse()), expected, 'the order of the input does not matter');
      }),
      PROPERTY_RUNS,
    );
  });

  test('equal digests are ordered by applicant id (exercised with a repeated id, the only way to get equal digests)', () => {
    const order = lotteryOrder('s', ['B', 'A', 'B', 'C']);
    assert.equal(order.length, 4);
    assert.equal(order.indexOf('B') + 1, order.lastIndexOf('B'), 'the two equal keys are adjacent');
  });

  test('the same seed draws the same order; another seed draws another', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `A${i + 1}`);
    assert.deepEqual(lotteryOrder('campaign-2025', ids), lotteryOrder('campaign-2025', ids));
    assert.notDeepEqual(lotteryOrder('campaign-2025', ids), lotteryOrder('campaign-2026', ids));
  });

  test('with a lottery, ties at a place go to the applicant with the smaller key', () => {
    const ids = ['A1', 'A2', 'A3', 'A4'];
    const instance: AllocationInstance = {
      applicants: ids.map((id) => ({ id, preferences: ['K1'] })),
      places: [{ id: 'K1', capacity: 1 }],
      tieBreak: { lottery: { seed: 'published-seed' } },
    };
    const winner = [...ids].sort((x, y) => (lotteryKey('published-seed', x) < lotteryKey('published-seed', y) ? -1 : 1))[0]!;
    assert.equal(allocate(instance).assignment[winner], 'K1');
  });
});

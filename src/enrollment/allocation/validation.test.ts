import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocate, InvalidInstanceError, validateInstance } from './allocate.ts';
import { PROPERTY_RUNS, smallInstance } from '../../../test/support/allocation.ts';

const valid = () => ({
  mechanism: 'deferred-acceptance',
  applicants: [
    { id: 'A1', preferences: ['K1', 'K2'] },
    { id: 'A2', preferences: ['K1'] },
    { id: 'A3', preferences: [] },
  ],
  places: [
    { id: 'K1', capacity: 2, priority: ['A3', ['A1', 'A2']] },
    { id: 'K2', capacity: 1 },
  ],
  tieBreak: { order: ['A2', 'A1', 'A3'] },
});

function errorsOf(raw: unknown): string[] {
  const result = validateInstance(raw);
  assert.equal(result.ok, false, 'the instance should be rejected');
  return result.ok ? [] : result.errors;
}

function assertError(raw: unknown, path: string, fragment: string): void {
  const errors = errorsOf(raw);
  assert.ok(
    errors.some((e) => e.startsWith(`${path}: `) && e.includes(fragment)),
    `expected an error at ${path} mentioning "${fragment}", got:\n${errors.join('\n')}`,
  );
}

describe('instance validation', () => {
  test('a well-formed instance (the documented example) is accepted as it is', () => {
    const raw = valid();
    const result = validateInstance(raw);
    assert.ok(result.ok);
    assert.equal(result.instance, raw);
  });

  test('generated instances of every shape are accepted', () => {
    fc.assert(fc.property(smallInstance(), (instance) => validateInstance(instance).ok), PROPERTY_RUNS);
  });

  test('anything that is not an instance gives a list of errors and never throws', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const result = validateInstance(raw);
        assert.equal(result.ok, false);
        assert.ok(!result.ok && result.errors.length > 0);
      }),
      PROPERTY_RUNS,
    );
    fc.assert(
      fc.property(fc.record({ applicants: fc.anything(), places: fc.anything(), tieBreak: fc.anything(), mechanism: fc.anything() }, { requiredKeys: [] }), (raw) => {
        validateInstance(raw);
      }),
      PROPERTY_RUNS,
    );
  });

  test('the instance must be an object with applicants and places', () => {
    assertError([], '$', 'must be a JSON object');
    assertError({}, '$.applicants', 'missing');
    assertError({}, '$.places', 'missing');
    assertError({ applicants: {}, places: 'K1' }, '$.applicants', 'must be an array');
  });

  test('unknown fields are reported (a misspelt "tiebreak" must not be silently ignored)', () => {
    assertError({ ...valid(), tiebreak: {} }, '$.tiebreak', 'unknown field');
    const raw = valid();
    (raw.applicants[0] as Record<string, unknown>).preference = [];
    assertError(raw, '$.applicants[0].preference', 'unknown field');
  });

  test('meta may hold any JSON but nothing without a JSON form, since the hash covers it', () => {
    assert.ok(validateInstance({ ...valid(), meta: { campaign: 'main 2025', districts: [1, 2], draft: false } }).ok);
    assertError({ ...valid(), meta: { seats: Number.NaN } }, '$.meta', 'plain JSON');
    assertError({ ...valid(), meta: { big: 1n } }, '$.meta', 'plain JSON');
  });

  test('an unknown mechanism is named with the allowed ones', () => {
    assertError({ ...valid(), mechanism: 'boston' }, '$.mechanism', 'deferred-acceptance, top-trading-cycles, immediate-acceptance');
  });

  test('applicant and place ids must be non-empty strings and unique', () => {
    const raw = valid();
    raw.applicants[1]!.id = 'A1';
    assertError(raw, '$.applicants[1].id', 'duplicate applicant id "A1"');
    const raw2 = valid();
    raw2.places[1]!.id = 'K1';
    assertError(raw2, '$.places[1].id', 'duplicate place id "K1"');
    const raw3 = valid();
    (raw3.applicants[0] as Record<string, unknown>).id = 7;
    assertError(raw3, '$.applicants[0].id', 'non-empty string');
    const raw4 = valid();
    delete (raw4.places[0] as Record<string, unknown>).id;
    assertError(raw4, '$.places[0].id', 'missing');
  });

  test('capacity must be a non-negative integer', () => {
    for (const capacity of [-1, 1.5, '2', null, Number.MAX_SAFE_INTEGER + 2]) {
      const raw = valid();
      (raw.places[0] as Record<string, unknown>).capacity = capacity;
      assertError(raw, '$.places[0].capacity', 'non-negative integer');
    }
    const raw = valid();
    delete (raw.places[1] as Record<string, unknown>).capacity;
    assertError(raw, '$.places[1].capacity', 'missing');
  });

  test('preferences must name known places, each once', () => {
    const raw = valid();
    raw.applicants[0]!.preferences = ['K1', 'K9', 'K1'];
    assertError(raw, '$.applicants[0].preferences[1]', 'unknown place "K9"');
    assertError(raw, '$.applicants[0].preferences[2]', 'listed twice');
    const raw2 = valid();
    delete (raw2.applicants[2] as Record<string, unknown>).preferences;
    assertError(raw2, '$.applicants[2].preferences', 'missing');
  });

  test('a priority must name known applicants, each at most once, with no empty tie', () => {
    const raw = valid();
    raw.places[0]!.priority = ['A3', ['A1', 'A9'], 'A1', []];
    assertError(raw, '$.places[0].priority[1][1]', 'unknown applicant "A9"');
    assertError(raw, '$.places[0].priority[2]', 'listed twice in this priority');
    assertError(raw, '$.places[0].priority[3]', 'empty tie');
    const raw2 = valid();
    (raw2.places[0] as Record<string, unknown>).priority = 'A1';
    assertError(raw2, '$.places[0].priority', 'must be an array');
  });

  test('a tie-break order must be a permutation of the applicants', () => {
    assertError({ ...valid(), tieBreak: { order: ['A2', 'A1'] } }, '$.tieBreak.order', '1 missing ("A3")');
    assertError({ ...valid(), tieBreak: { order: ['A2', 'A1', 'A3', 'A1'] } }, '$.tieBreak.order[3]', 'listed twice');
    assertError({ ...valid(), tieBreak: { order: ['A2', 'A1', 'A4'] } }, '$.tieBreak.order[2]', 'unknown applicant "A4"');
  });

  test('a tie-break is either an order or a lottery with a seed', () => {
    assertError({ ...valid(), tieBreak: { lottery: {} } }, '$.tieBreak.lottery.seed', 'missing');
    assertError({ ...valid(), tieBreak: { lottery: { seed: 42 } } }, '$.tieBreak.lottery.seed', 'non-empty string');
    assertError({ ...valid(), tieBreak: { order: [], lottery: { seed: 's' } } }, '$.tieBreak', 'exactly one field');
    assertError({ ...valid(), tieBreak: 'lottery' }, '$.tieBreak', 'must be');
  });

  test('every problem is listed at once, and a flood of them is cut at 100 lines', () => {
    const raw = valid();
    raw.applicants[0]!.preferences = ['X1'];
    raw.places[0]!.capacity = -3;
    assert.equal(errorsOf(raw).length, 2);
    const many = { applicants: Array.from({ length: 500 }, (_, i) => ({ id: `A${i}`, preferences: ['nowhere'] })), places: [] };
    const errors = errorsOf(many);
    assert.equal(errors.length, 101);
    assert.equal(errors[100], '… and 400 more errors');
  });

  test('allocate refuses a malformed instance with InvalidInstanceError listing the problems', () => {
    const raw = valid();
    raw.places[0]!.capacity = -1;
    assert.throws(
      () => allocate(raw as never),
      (error: unknown) => error instanceof InvalidInstanceError && error.errors.some((e) => e.startsWith('$.places[0].capacity')),
    );
  });
});

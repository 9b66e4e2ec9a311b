import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocate, ENGINE_VERSION } from './allocate.ts';
import { canonicalJson, canonicalSha256 } from './canonical-json.ts';
import type { AllocationInstance } from './instance.ts';
import { PROPERTY_RUNS, smallInstance } from '../../../test/support/allocation.ts';

/** The same JSON value with every object's keys in a random order. */
function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, random));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, random)]));
}

describe('allocate', () => {
  test('the result names every applicant (a place or null) and every place with its seats left', () => {
    fc.assert(
      fc.property(smallInstance(), (instance) => {
        const result = allocate(instance);
        assert.deepEqual(Object.keys(result.assignment).sort(), instance.applicants.map((a) => a.id).sort());
        assert.deepEqual(result.unassigned, instance.applicants.filter((a) => result.assignment[a.id] === null).map((a) => a.id));
        for (const place of instance.places) {
          const taken = Object.values(result.assignment).filter((p) => p === place.id).length;
          assert.equal(result.placesLeft[place.id], place.capacity - taken);
        }
        assert.equal(result.summary.assigned + result.summary.unassigned, instance.applicants.length);
        assert.equal(result.summary.byChoice.reduce((s, n) => s + n, 0), result.summary.assigned);
        assert.equal(result.engineVersion, ENGINE_VERSION);
        assert.equal(result.mechanism, instance.mechanism ?? 'deferred-acceptance');
      }),
      PROPERTY_RUNS,
    );
  });

  test('determinism: the same instance gives the same result, whatever the key order of its JSON', () => {
    fc.assert(
      fc.property(smallInstance(), fc.integer(), (instance, seed) => {
        let state = seed;
        const random = () => ((state = (Math.imul(state, 1103515245) + 12345) | 0) >>> 0) / 2 ** 32;
        const shuffled = JSON.parse(JSON.stringify(shuffleKeys(instance, random))) as AllocationInstance;
        const first = allocate(instance);
        assert.deepEqual(allocate(instance), first);
        const again = allocate(shuffled);
        assert.equal(again.instanceSha256, first.instanceSha256);
        assert.deepEqual({ ...again.assignment }, { ...first.assignment });
      }),
      PROPERTY_RUNS,
    );
  });

  test('instanceSha256 is the SHA-256 of the canonical JSON: keys sorted, no whitespace', () => {
    const instance = {
      places: [{ priority: ['A1'], id: 'K1', capacity: 1 }],
      applicants: [{ preferences: ['K1'], id: 'A1' }],
    };
    const text = '{"applicants":[{"id":"A1","preferences":["K1"]}],"places":[{"capacity":1,"id":"K1","priority":["A1"]}]}';
    assert.equal(canonicalJson(instance), text);
    const expected = createHash('sha256').update(text, 'utf8').digest('hex');
    assert.equal(canonicalSha256(instance), expected);
    assert.equal(allocate(instance).instanceSha256, expected);
  });

  test('canonical JSON sorts keys by UTF-16 code units, keeps array order and writes strings as JSON.stringify does', () => {
    assert.equal(canonicalJson({ b: 1, a: [3, 1, 2], 'é': 'ü\n"', A: null, '10': true, '9': false }), '{"10":true,"9":false,"A":null,"a":[3,1,2],"b":1,"é":"ü\\n\\""}');
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assert.deepEqual(JSON.parse(canonicalJson(value)), JSON.parse(JSON.stringify(value)));
        assert.equal(canonicalSha256(value), createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex'));
      }),
      PROPERTY_RUNS,
    );
  });

  test('any change to the instance changes its hash', () => {
    const base: AllocationInstance = { applicants: [{ id: 'A1', preferences: ['K1', 'K2'] }], places: [{ id: 'K1', capacity: 1 }, { id: 'K2', capacity: 1 }] };
    const changed: AllocationInstance = { ...base, applicants: [{ id: 'A1', preferences: ['K2', 'K1'] }] };
    assert.notEqual(allocate(base).instanceSha256, allocate(changed).instanceSha256);
  });

  test('ids such as "__proto__" are ordinary keys of the result', () => {
    const result = allocate({ applicants: [{ id: '__proto__', preferences: ['constructor'] }], places: [{ id: 'constructor', capacity: 1 }] });
    assert.equal(result.assignment['__proto__'], 'constructor');
    assert.equal(JSON.parse(JSON.stringify(result)).placesLeft.constructor, 0);
  });

  test('the mechanism defaults to deferred acceptance', () => {
    assert.equal(allocate({ applicants: [], places: [] }).mechanism, 'deferred-acceptance');
  });
});

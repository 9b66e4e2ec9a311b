import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIsoDate, isUuid } from './validation.ts';

test('a UUID is accepted in either case; anything else is not', () => {
  assert.ok(isUuid('00000000-0000-0000-0000-000000000000'));
  assert.ok(isUuid('A1B2C3D4-0000-4000-8000-00000000ABCD'));
  assert.equal(isUuid('not-a-uuid'), false);
  assert.equal(isUuid(42), false);
});

test('only real calendar dates in YYYY-MM-DD pass', () => {
  assert.ok(isIsoDate('2024-02-29'));
  assert.equal(isIsoDate('2026-02-29'), false);
  assert.equal(isIsoDate('2026-13-01'), false);
  assert.equal(isIsoDate('01.09.2026'), false);
});

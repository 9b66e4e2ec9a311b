import { test } from 'node:test';
import assert from 'node:assert/strict';
import { can, type Actor, type Grant, type Role } from '../../platform/access/access.ts';
import { referencePolicy, referenceScope } from './reference.policy.ts';

function actor(role: Role, scope: Partial<Grant> = {}): Actor {
  return { kind: 'account', accountId: 'a', personId: null, displayName: 'x', via: 'session', grants: [{ role, municipalityId: null, organizationId: null, ...scope }] };
}

test('anyone reads the reference data; only a region-wide administrator changes it', () => {
  assert.ok(can({ kind: 'anonymous' }, referencePolicy, 'read', referenceScope));
  assert.ok(can(actor('regionalAdmin'), referencePolicy, 'manage', referenceScope));
  for (const who of [
    actor('municipalOperator', { municipalityId: 1 }),
    actor('organizationHead', { organizationId: '11111111-1111-4111-8111-111111111111' }),
    actor('teacher', { municipalityId: 1 }),
    actor('guardian'),
    { kind: 'anonymous' } as Actor,
  ]) {
    assert.ok(!can(who, referencePolicy, 'manage', referenceScope));
  }
});

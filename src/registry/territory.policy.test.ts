import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous, can, type Actor, type Grant } from '../platform/access/access.ts';
import { territoryEditScope, territoryPolicy } from './territory.policy.ts';

const as = (...grants: Grant[]): Actor => ({ kind: 'account', accountId: 'a', personId: null, displayName: 'x', grants, via: 'session' });
const krasnodar = { municipalityId: 1 };

test('the municipal operator edits the territories of their own municipality only', () => {
  const operator = as({ role: 'municipalOperator', municipalityId: 1, organizationId: null });
  assert.equal(can(operator, territoryPolicy, 'edit', krasnodar), true);
  assert.equal(can(operator, territoryPolicy, 'edit', { municipalityId: 2 }), false);
  assert.deepEqual(territoryEditScope(operator), { kind: 'some', municipalityIds: [1], organizationIds: [] });
});

test('the regional administrator edits everywhere; heads, teachers, guardians and visitors nowhere', () => {
  assert.equal(can(as({ role: 'regionalAdmin', municipalityId: null, organizationId: null }), territoryPolicy, 'edit', { municipalityId: 44 }), true);
  for (const role of ['organizationHead', 'teacher', 'guardian', 'pupil'] as const) {
    const actor = as({ role, municipalityId: role === 'guardian' || role === 'pupil' ? null : 1, organizationId: role === 'guardian' || role === 'pupil' ? null : 'o' });
    assert.equal(can(actor, territoryPolicy, 'edit', krasnodar), false, role);
  }
  assert.equal(can(anonymous, territoryPolicy, 'edit', krasnodar), false);
  assert.equal(can(anonymous, territoryPolicy, 'readPublished', null), true);
});

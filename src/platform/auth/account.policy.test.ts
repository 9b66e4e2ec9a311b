import { test } from 'node:test';
import assert from 'node:assert/strict';
import { can, type Actor, type Grant } from '../access/access.ts';
import { accountPolicy, apiTokenPolicy, tokenGrantsOf } from './account.policy.ts';

const school = '11111111-1111-4111-8111-111111111111';

function actor(grants: Grant[], via: 'session' | 'apiToken' = 'session'): Actor {
  return { kind: 'account', accountId: '00000000-0000-4000-8000-000000000001', personId: null, displayName: 'Тест', grants, via };
}

const teacher: Grant = { role: 'teacher', municipalityId: null, organizationId: school };
const guardian: Grant = { role: 'guardian', municipalityId: null, organizationId: null };
const operator: Grant = { role: 'municipalOperator', municipalityId: 1, organizationId: null };

test('TOTP and API tokens are offered to staff, not to guardians or pupils', () => {
  assert.equal(can(actor([teacher]), accountPolicy, 'useTotp', null), true);
  assert.equal(can(actor([guardian]), accountPolicy, 'useTotp', null), false);
  assert.equal(can(actor([{ role: 'pupil', municipalityId: null, organizationId: null }]), accountPolicy, 'manageApiTokens', null), false);
  assert.equal(can({ kind: 'anonymous' }, accountPolicy, 'view', null), false);
});

test('a caller authenticated by an API token cannot manage tokens or the second factor', () => {
  assert.equal(can(actor([operator], 'apiToken'), accountPolicy, 'manageApiTokens', null), false);
  assert.equal(can(actor([operator], 'apiToken'), accountPolicy, 'useTotp', null), false);
  assert.equal(can(actor([operator], 'apiToken'), apiTokenPolicy, 'issue', { grant: operator }), false);
});

test('a token may carry only a staff grant its owner holds, on exactly that scope', () => {
  const staffParent = actor([operator, guardian]);
  assert.equal(can(staffParent, apiTokenPolicy, 'issue', { grant: operator }), true);
  assert.equal(can(staffParent, apiTokenPolicy, 'issue', { grant: { ...operator, municipalityId: 2 } }), false);
  assert.equal(can(staffParent, apiTokenPolicy, 'issue', { grant: guardian }), false);
  assert.equal(can(staffParent, apiTokenPolicy, 'issue', { grant: { role: 'regionalAdmin', municipalityId: null, organizationId: null } }), false);
  assert.deepEqual(tokenGrantsOf(staffParent), [operator]);
});

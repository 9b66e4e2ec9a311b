import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor, Grant, Role } from '../../platform/access/access.ts';
import { canSeeGroups, groupListScope, groupPolicy } from './group.policy.ts';
import { can } from '../../platform/access/access.ts';

const kindergarten = '11111111-1111-4111-8111-111111111111';
const otherKindergarten = '22222222-2222-4222-8222-222222222222';
const group = { municipalityId: 1, organizationId: kindergarten };

function actor(role: Role, scope: Partial<Grant> = {}): Actor {
  return { kind: 'account', accountId: 'a', personId: null, displayName: 'x', via: 'session', grants: [{ role, municipalityId: null, organizationId: null, ...scope }] };
}

const head = actor('organizationHead', { organizationId: kindergarten });
const otherHead = actor('organizationHead', { organizationId: otherKindergarten });
const operator = actor('municipalOperator', { municipalityId: 1 });
const otherOperator = actor('municipalOperator', { municipalityId: 2 });
const admin = actor('regionalAdmin');
const teacher = actor('teacher', { organizationId: kindergarten });
const guardian = actor('guardian');
const anonymous: Actor = { kind: 'anonymous' };

test('the head of the kindergarten reads and edits its groups but does not approve the plan', () => {
  assert.ok(can(head, groupPolicy, 'read', group));
  assert.ok(can(head, groupPolicy, 'edit', group));
  assert.ok(!can(head, groupPolicy, 'approve', group));
});

test('the operator of the municipality reads and approves but does not edit the head’s figures', () => {
  assert.ok(can(operator, groupPolicy, 'read', group));
  assert.ok(can(operator, groupPolicy, 'approve', group));
  assert.ok(!can(operator, groupPolicy, 'edit', group));
});

test('the regional administrator may do everything', () => {
  for (const action of ['read', 'edit', 'approve'] as const) assert.ok(can(admin, groupPolicy, action, group));
});

test('the head of another kindergarten, an operator of another municipality, a teacher, a guardian and anonymous are refused', () => {
  for (const who of [otherHead, otherOperator, teacher, guardian, anonymous]) {
    for (const action of ['read', 'edit', 'approve'] as const) assert.ok(!can(who, groupPolicy, action, group), `${JSON.stringify(who)} ${action}`);
  }
});

test('the list scope follows the grants: a teacher or guardian sees no groups at all', () => {
  assert.deepEqual(groupListScope(admin), { kind: 'all' });
  assert.deepEqual(groupListScope(operator), { kind: 'some', municipalityIds: [1], organizationIds: [] });
  assert.deepEqual(groupListScope(head), { kind: 'some', municipalityIds: [], organizationIds: [kindergarten] });
  assert.ok(!canSeeGroups(teacher));
  assert.ok(!canSeeGroups(guardian));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor, Grant } from '../platform/access/access.ts';
import { can } from '../platform/access/access.ts';
import { isStaffRead, movesOutOfReach, personPlacementPolicy, personPolicy, personReadScope, staffingPolicy, type PersonAccessFacts } from './person.policy.ts';

const orgA = '00000000-0000-4000-8000-00000000000a';
const orgB = '00000000-0000-4000-8000-00000000000b';

function actor(grants: Grant[], personId: string | null = null): Actor {
  return { kind: 'account', accountId: 'acc', personId, displayName: 'x', grants, via: 'session' };
}
const grant = (role: Grant['role'], municipalityId: number | null = null, organizationId: string | null = null): Grant => ({ role, municipalityId, organizationId });

function personFacts(overrides: Partial<PersonAccessFacts> = {}): PersonAccessFacts {
  return { id: 'p1', municipalityId: 1, organizationId: null, staffOrganizationIds: [], guardianIds: [], ...overrides };
}

test('a teacher reads pupils and staff of their organisation but edits nobody', () => {
  const teacher = actor([grant('teacher', null, orgA)]);
  assert.ok(can(teacher, personPolicy, 'read', personFacts({ organizationId: orgA })));
  assert.ok(can(teacher, personPolicy, 'read', personFacts({ staffOrganizationIds: [orgA], municipalityId: 9 })));
  assert.ok(!can(teacher, personPolicy, 'read', personFacts({ organizationId: orgB })));
  assert.ok(!can(teacher, personPolicy, 'update', personFacts({ organizationId: orgA })));
});

test('a head reads and edits the people of their organisation only', () => {
  const head = actor([grant('organizationHead', null, orgA)]);
  assert.ok(can(head, personPolicy, 'update', personFacts({ organizationId: orgA })));
  assert.ok(!can(head, personPolicy, 'update', personFacts({ organizationId: orgB })));
  assert.ok(can(head, personPlacementPolicy, 'place', { municipalityId: 5, organizationId: orgA }));
  assert.ok(!can(head, personPlacementPolicy, 'place', { municipalityId: 1, organizationId: null }));
});

test('a municipal operator reaches records by the municipality of residence, not by employer', () => {
  const op = actor([grant('municipalOperator', 1)]);
  assert.ok(can(op, personPolicy, 'update', personFacts({ municipalityId: 1, organizationId: orgB })));
  assert.ok(!can(op, personPolicy, 'read', personFacts({ municipalityId: 2, staffOrganizationIds: [orgA] })));
  assert.ok(can(op, staffingPolicy, 'manage', { organizationId: orgA, municipalityId: 1 }));
  assert.ok(!can(op, staffingPolicy, 'manage', { organizationId: orgA, municipalityId: 2 }));
});

test('a guardian reads themself and linked children only, and that is not a staff read', () => {
  const g = actor([grant('guardian')], 'parent');
  const child = personFacts({ id: 'kid', guardianIds: ['parent'] });
  assert.ok(can(g, personPolicy, 'read', child));
  assert.ok(can(g, personPolicy, 'read', personFacts({ id: 'parent' })));
  assert.ok(!can(g, personPolicy, 'read', personFacts({ id: 'other' })));
  assert.ok(!can(g, personPolicy, 'update', child));
  assert.ok(!isStaffRead(g, child));
});

test('a pupil reads only themself; an account without a role reads nothing', () => {
  const pupil = actor([grant('pupil')], 'kid');
  assert.ok(can(pupil, personPolicy, 'read', personFacts({ id: 'kid' })));
  assert.ok(!can(pupil, personPolicy, 'read', personFacts({ id: 'sibling', guardianIds: ['kid'] })));
  assert.ok(!can(actor([], 'kid'), personPolicy, 'read', personFacts({ id: 'kid' })));
  assert.ok(!can({ kind: 'anonymous' }, personPolicy, 'read', personFacts()));
});

test('the list scope mirrors the record rules', () => {
  assert.deepEqual(personReadScope({ kind: 'anonymous' }), { kind: 'none' });
  assert.deepEqual(personReadScope(actor([grant('regionalAdmin')])), { kind: 'all' });
  assert.deepEqual(personReadScope(actor([grant('guardian')], 'parent')), { kind: 'some', municipalityIds: [], organizationIds: [], selfId: 'parent', childrenOfId: 'parent' });
  assert.deepEqual(personReadScope(actor([grant('pupil')], 'kid')), { kind: 'some', municipalityIds: [], organizationIds: [], selfId: 'kid', childrenOfId: null });
  assert.deepEqual(personReadScope(actor([grant('teacher', null, orgA), grant('municipalOperator', 3)])), {
    kind: 'some',
    municipalityIds: [3],
    organizationIds: [orgA],
    selfId: null,
    childrenOfId: null,
  });
});

test('an edit may not move a record to where the editor keeps no records', () => {
  const head = actor([grant('organizationHead', null, orgA)]);
  assert.ok(movesOutOfReach(head, { municipalityId: 1, organizationId: orgA }, { municipalityId: 1, organizationId: orgB }));
  assert.ok(!movesOutOfReach(head, { municipalityId: 1, organizationId: orgA }, { municipalityId: 2, organizationId: orgA }));
  // an unchanged placement is never a move, even if the editor reaches the person only as staff
  assert.ok(!movesOutOfReach(head, { municipalityId: 1, organizationId: null }, { municipalityId: 1, organizationId: null }));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor, Grant } from '../../platform/access/access.ts';
import { admissionApplicationPolicy, admissionReferencePolicy, campaignMunicipalities, campaignPolicy, schoolAdmissionPolicy, type AdmissionApplicationFacts } from './admission.policy.ts';

const schoolA = '00000000-0000-4000-8000-00000000000a';
const schoolB = '00000000-0000-4000-8000-00000000000b';
const application: AdmissionApplicationFacts = { municipalityId: 1, organizationId: schoolA, guardianId: 'g-1', childGuardianIds: ['g-1', 'g-2'] };

function actor(grants: Array<Partial<Grant> & Pick<Grant, 'role'>>, personId: string | null = null): Actor {
  return { kind: 'account', accountId: 'a', personId, displayName: 'x', via: 'session', grants: grants.map((g) => ({ municipalityId: null, organizationId: null, ...g })) };
}

const can = (who: Actor, action: 'read' | 'editDraft' | 'withdraw' | 'decide') => admissionApplicationPolicy.rules[action](who, application);

test('a guardian sees and withdraws only the applications of their own children, and decides nothing', () => {
  const own = actor([{ role: 'guardian' }], 'g-2');
  assert.equal(can(own, 'read'), true, 'linked to the child in the registry');
  assert.equal(can(own, 'withdraw'), true);
  assert.equal(can(own, 'decide'), false);
  assert.equal(can(actor([{ role: 'guardian' }], 'g-9'), 'read'), false);
  assert.equal(can(actor([{ role: 'teacher', organizationId: schoolA }], 'g-1'), 'read'), false, 'the guardian role is needed');
});

test('a head works only on the applications of their own school', () => {
  assert.equal(can(actor([{ role: 'organizationHead', organizationId: schoolA }]), 'decide'), true);
  assert.equal(can(actor([{ role: 'organizationHead', organizationId: schoolB }]), 'read'), false);
  assert.equal(can(actor([{ role: 'organizationHead', organizationId: schoolA }]), 'editDraft'), false, 'drafts are the family’s and the desk’s');
  assert.equal(schoolAdmissionPolicy.rules.work(actor([{ role: 'organizationHead', organizationId: schoolA }]), { municipalityId: 1, organizationId: schoolB }), false);
});

test('an operator acts only in their own municipality; the regional administrator everywhere', () => {
  const operator = actor([{ role: 'municipalOperator', municipalityId: 1 }]);
  assert.equal(can(operator, 'decide'), true);
  assert.equal(can(operator, 'editDraft'), true, 'the desk');
  assert.equal(can(actor([{ role: 'municipalOperator', municipalityId: 2 }]), 'read'), false);
  assert.equal(campaignPolicy.rules.manage(operator, { municipalityId: 2 }), false);
  assert.deepEqual(campaignMunicipalities(operator), [1]);
  const admin = actor([{ role: 'regionalAdmin' }]);
  assert.equal(can(admin, 'decide'), true);
  assert.equal(campaignMunicipalities(admin), undefined);
  assert.equal(admissionReferencePolicy.rules.manage(admin, null), true);
  assert.equal(admissionReferencePolicy.rules.manage(operator, null), false);
  assert.equal(can({ kind: 'anonymous' }, 'read'), false);
});

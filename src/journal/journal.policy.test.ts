/**
 * The policy matrix of issue 5 §9: each role reaches its own scope and nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor, Grant } from '../platform/access/access.ts';
import {
  canEditClass,
  canEditSchoolYear,
  canMergePeople,
  canMovePupils,
  canReadAssignment,
  canReadClass,
  canReadPupil,
  canReadSchoolYear,
  canWriteAssignment,
  isStaffPupilRead,
  type AssignmentAccess,
  type ClassAccess,
  type PupilAccess,
} from './journal.policy.ts';

const schoolA = { organizationId: 'a0000000-0000-4000-8000-000000000001', municipalityId: 1 };
const schoolB = { organizationId: 'b0000000-0000-4000-8000-000000000002', municipalityId: 2 };
const schoolA2 = { organizationId: 'a2000000-0000-4000-8000-000000000003', municipalityId: 1 };
const ids = {
  teacherA: 'c0000000-0000-4000-8000-000000000001',
  classTeacherA: 'c0000000-0000-4000-8000-000000000002',
  otherTeacherA: 'c0000000-0000-4000-8000-000000000003',
  teacherB: 'c0000000-0000-4000-8000-000000000004',
  guardian: 'd0000000-0000-4000-8000-000000000001',
  otherGuardian: 'd0000000-0000-4000-8000-000000000002',
  pupil: 'e0000000-0000-4000-8000-000000000001',
  otherPupil: 'e0000000-0000-4000-8000-000000000002',
};

function actor(personId: string | null, ...grants: Grant[]): Actor {
  return { kind: 'account', accountId: 'f0000000-0000-4000-8000-000000000000', personId, displayName: 'x', grants, via: 'session' };
}
const g = (role: Grant['role'], scope: { organizationId?: string; municipalityId?: number } = {}): Grant => ({
  role,
  organizationId: scope.organizationId ?? null,
  municipalityId: scope.organizationId ? null : (scope.municipalityId ?? null),
});

const actors = {
  anonymous: { kind: 'anonymous' } as Actor,
  regionalAdmin: actor(null, g('regionalAdmin')),
  operator1: actor(null, g('municipalOperator', { municipalityId: 1 })),
  operator2: actor(null, g('municipalOperator', { municipalityId: 2 })),
  headA: actor(null, g('organizationHead', { organizationId: schoolA.organizationId })),
  headB: actor(null, g('organizationHead', { organizationId: schoolB.organizationId })),
  teacherA: actor(ids.teacherA, g('teacher', { organizationId: schoolA.organizationId })),
  classTeacherA: actor(ids.classTeacherA, g('teacher', { organizationId: schoolA.organizationId })),
  otherTeacherA: actor(ids.otherTeacherA, g('teacher', { organizationId: schoolA.organizationId })),
  // The same person id as teacherA but granted at another school: the grant decides.
  teacherAelsewhere: actor(ids.teacherA, g('teacher', { organizationId: schoolB.organizationId })),
  guardian: actor(ids.guardian, g('guardian')),
  otherGuardian: actor(ids.otherGuardian, g('guardian')),
  pupil: actor(ids.pupil, g('pupil')),
  otherPupil: actor(ids.otherPupil, g('pupil')),
};
type Who = keyof typeof actors;

const classA: ClassAccess = { classId: 'k1', ...schoolA, classTeacherId: ids.classTeacherA, teacherIds: [ids.teacherA] };
const assignmentA: AssignmentAccess = { assignmentId: 'as1', classId: 'k1', ...schoolA, teacherId: ids.teacherA, classTeacherId: ids.classTeacherA };
const pupilA: PupilAccess = {
  pupilId: ids.pupil,
  municipalityId: 1,
  schools: [schoolA],
  classTeacherIds: [ids.classTeacherA],
  teacherIds: [ids.teacherA],
  guardianIds: [ids.guardian],
};

function matrix(check: (a: Actor) => boolean, allowed: Who[]) {
  for (const who of Object.keys(actors) as Who[]) {
    assert.equal(check(actors[who]), allowed.includes(who), `${who} should ${allowed.includes(who) ? '' : 'not '}be allowed`);
  }
}

test('school year: staff and supervisors in scope read; only the head (and region) edits', () => {
  matrix((a) => canReadSchoolYear(a, schoolA), ['regionalAdmin', 'operator1', 'headA', 'teacherA', 'classTeacherA', 'otherTeacherA']);
  matrix((a) => canEditSchoolYear(a, schoolA), ['regionalAdmin', 'headA']);
  matrix((a) => canReadSchoolYear(a, schoolB), ['regionalAdmin', 'operator2', 'headB', 'teacherAelsewhere']);
});

test('class: head, class teacher, its teachers and supervisors read; the head edits', () => {
  matrix((a) => canReadClass(a, classA), ['regionalAdmin', 'operator1', 'headA', 'teacherA', 'classTeacherA']);
  matrix((a) => canEditClass(a, classA), ['regionalAdmin', 'headA']);
});

test('movement of pupils: the head of that school only', () => {
  matrix((a) => canMovePupils(a, schoolA), ['regionalAdmin', 'headA']);
  matrix((a) => canMovePupils(a, schoolA2), ['regionalAdmin']);
});

test('assignment: the teacher writes only their own; the head writes any of the school; the class teacher reads', () => {
  matrix((a) => canWriteAssignment(a, assignmentA), ['regionalAdmin', 'headA', 'teacherA']);
  matrix((a) => canReadAssignment(a, assignmentA), ['regionalAdmin', 'headA', 'teacherA', 'classTeacherA']);
  matrix((a) => canWriteAssignment(a, { ...assignmentA, teacherId: ids.otherTeacherA }), ['regionalAdmin', 'headA', 'otherTeacherA']);
});

test('pupil: own guardian, self, class teacher, their teachers, head, supervisors in scope; staff reads are flagged for audit', () => {
  matrix((a) => canReadPupil(a, pupilA), ['regionalAdmin', 'operator1', 'headA', 'teacherA', 'classTeacherA', 'guardian', 'pupil']);
  assert.equal(isStaffPupilRead(actors.guardian, pupilA), false);
  assert.equal(isStaffPupilRead(actors.pupil, pupilA), false);
  assert.equal(isStaffPupilRead(actors.teacherA, pupilA), true);
  assert.equal(isStaffPupilRead(actors.operator1, pupilA), true);
  assert.equal(isStaffPupilRead(actors.otherTeacherA, pupilA), false);
  // After a transfer to school B, school A's staff no longer reach the pupil's current record.
  const moved: PupilAccess = { ...pupilA, schools: [schoolB], classTeacherIds: [], teacherIds: [ids.teacherB] };
  matrix((a) => canReadPupil(a, moved), ['regionalAdmin', 'operator1', 'operator2', 'headB', 'guardian', 'pupil']);
});

test('merging people: municipal operators of both records’ municipalities, and the region', () => {
  matrix((a) => canMergePeople(a, [1]), ['regionalAdmin', 'operator1']);
  matrix((a) => canMergePeople(a, [1, 2]), ['regionalAdmin']);
  matrix((a) => canMergePeople(a, []), []);
});

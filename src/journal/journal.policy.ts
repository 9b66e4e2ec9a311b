/**
 * Who may read and write what in the electronic journal (issue 5 §9; Federal Law 152-FZ "On
 * personal data": access only to those whose duties require it; letters АП-147/07 and
 * АК-3358/08 on electronic journals). Every journal route imports its rules from here.
 *
 * - regionalAdmin: the whole region; municipalOperator: the schools of their municipality. Both
 *   see the school year, classes and assignments, and read pupils' individual records only
 *   through the registry's supervision duty, each such read audited (`isStaffPupilRead`). They do
 *   not write the journal; the regional administrator edits reference data and merges duplicates.
 * - organizationHead (granted on a school): everything of their school — the year, its terms,
 *   holidays and bells, classes, the movement of pupils by orders, curriculum and assignments,
 *   and every lesson and mark of the school.
 * - teacher (granted on a school): reads and writes only their own teaching assignments (their
 *   person id is the assignment's teacher); reads the classes they teach; the class teacher
 *   (классный руководитель) reads their whole class and its pupils.
 * - guardian: only their own children (guardian_link); pupil: only themself. Read only.
 * - anonymous: nothing.
 *
 * Grants: organizationHead and teacher are granted on an organisation; municipalOperator on a
 * municipality; regionalAdmin on the region. The teacher is identified by the account's person id.
 * All rules are pure functions of the actor and facts loaded by the services
 * (`loadClassAccess`, `loadAssignmentAccess`, `loadPupilAccess` in the journal's services).
 */
import { can, definePolicy, grantCovers, hasRole, scopeFilter, type Actor, type Role, type ScopeFilter } from '../platform/access/access.ts';

/** A school (for its academic years, curriculum and lists). */
export interface SchoolScope {
  organizationId: string;
  municipalityId: number;
}

/** What the rules need to know about a class. */
export interface ClassAccess extends SchoolScope {
  classId: string;
  classTeacherId: string | null;
  /** Person ids of the teachers with a teaching assignment in the class. */
  teacherIds: readonly string[];
}

/** What the rules need to know about a teaching assignment (teacher × class or subgroup × subject). */
export interface AssignmentAccess extends SchoolScope {
  assignmentId: string;
  classId: string;
  teacherId: string;
  classTeacherId: string | null;
}

/** What the rules need to know about a pupil, for the period being read. */
export interface PupilAccess {
  pupilId: string;
  /** The municipality of the person record. */
  municipalityId: number;
  /** Schools (and their municipalities) where the pupil has a stay in the period read. */
  schools: readonly SchoolScope[];
  /** Class teachers of the pupil's classes in the period. */
  classTeacherIds: readonly string[];
  /** Teachers of the assignments of the pupil's classes in the period. */
  teacherIds: readonly string[];
  /** Person ids of the pupil's guardians. */
  guardianIds: readonly string[];
}

const supervisors = ['regionalAdmin', 'municipalOperator'] as const satisfies readonly Role[];
const heads = ['regionalAdmin', 'organizationHead'] as const satisfies readonly Role[];
const schoolStaff = ['organizationHead', 'teacher'] as const satisfies readonly Role[];

function personIdOf(actor: Actor): string | null {
  return actor.kind === 'account' ? actor.personId : null;
}

/** The head of this school (or the regional administrator). */
export function isHeadOf(actor: Actor, school: SchoolScope): boolean {
  return grantCovers(actor, heads, school);
}

/** A municipal operator of the school's municipality, or the regional administrator. */
function supervises(actor: Actor, school: SchoolScope): boolean {
  return grantCovers(actor, supervisors, school);
}

/** The actor's person is this teacher, and the actor works at the school (teacher or head grant there). */
function isTeacherAt(actor: Actor, school: SchoolScope, teacherId: string | null): boolean {
  const me = personIdOf(actor);
  return me !== null && teacherId !== null && me === teacherId && grantCovers(actor, schoolStaff, school);
}

function teachesAnyOf(actor: Actor, school: SchoolScope, teacherIds: readonly string[]): boolean {
  const me = personIdOf(actor);
  return me !== null && teacherIds.includes(me) && grantCovers(actor, schoolStaff, school);
}

// School year, bells, curriculum ---------------------------------------------------------------

export const schoolYearPolicy = definePolicy<SchoolScope, 'read' | 'edit'>('journal-school-year', {
  /** The calendar of a school is no secret to its staff and supervisors. */
  read: (actor, s) => grantCovers(actor, [...schoolStaff, ...supervisors], s),
  /** Create the year, edit terms, holidays, bells, classes and the curriculum: the head. */
  edit: (actor, s) => isHeadOf(actor, s),
});

export function canReadSchoolYear(actor: Actor, school: SchoolScope): boolean {
  return can(actor, schoolYearPolicy, 'read', school);
}

export function canEditSchoolYear(actor: Actor, school: SchoolScope): boolean {
  return can(actor, schoolYearPolicy, 'edit', school);
}

/** The schools whose years and classes the actor may list (for the start page of the registry). */
export function schoolListScope(actor: Actor): ScopeFilter {
  return scopeFilter(actor, [...schoolStaff, ...supervisors]);
}

/** Whether the actor manages some school (to show the "school year" link). */
export function managesSomeSchool(actor: Actor): boolean {
  return hasRole(actor, 'organizationHead', 'regionalAdmin');
}

// Classes ----------------------------------------------------------------------------------------

export const classPolicy = definePolicy<ClassAccess, 'read' | 'edit'>('journal-class', {
  /**
   * The list of the class's pupils: the head, the class teacher, the teachers of the class, and
   * the supervisors (their read of the pupils' names is audited by the caller).
   */
  read: (actor, c) =>
    isHeadOf(actor, c) || isTeacherAt(actor, c, c.classTeacherId) || teachesAnyOf(actor, c, c.teacherIds) || supervises(actor, c),
  edit: (actor, c) => isHeadOf(actor, c),
});

export function canReadClass(actor: Actor, c: ClassAccess): boolean {
  return can(actor, classPolicy, 'read', c);
}

export function canEditClass(actor: Actor, c: ClassAccess): boolean {
  return can(actor, classPolicy, 'edit', c);
}

/** Whether reading the class's pupils is a read by supervising staff outside the school (audited separately). */
export function isSupervisoryRead(actor: Actor, school: SchoolScope): boolean {
  return supervises(actor, school) && !grantCovers(actor, schoolStaff, school);
}

// Movement of pupils -----------------------------------------------------------------------------

/** Admission, transfer and leaving by the school's order: its head (or the regional administrator). */
export const enrolmentPolicy = definePolicy<SchoolScope, 'move'>('journal-enrolment', {
  move: (actor, s) => isHeadOf(actor, s),
});

export function canMovePupils(actor: Actor, school: SchoolScope): boolean {
  return can(actor, enrolmentPolicy, 'move', school);
}

/** Searching the school's pupils by name: its head and the supervisors (each search audited by the caller). */
export function canSearchPupils(actor: Actor, school: SchoolScope): boolean {
  return isHeadOf(actor, school) || supervises(actor, school);
}

// Teaching assignments ---------------------------------------------------------------------------

export const assignmentPolicy = definePolicy<AssignmentAccess, 'read' | 'write' | 'assign'>('journal-assignment', {
  /** The assignment's lessons and marks: its teacher, the class teacher, the head; supervisors see aggregates. */
  read: (actor, a) => isHeadOf(actor, a) || isTeacherAt(actor, a, a.teacherId) || isTeacherAt(actor, a, a.classTeacherId),
  /** Lessons, attendance and marks: only the assignment's own teacher, or the head of the school. */
  write: (actor, a) => isHeadOf(actor, a) || isTeacherAt(actor, a, a.teacherId),
  /** Create, change or remove the assignment itself: the head. */
  assign: (actor, a) => isHeadOf(actor, a),
});

export function canReadAssignment(actor: Actor, a: AssignmentAccess): boolean {
  return can(actor, assignmentPolicy, 'read', a);
}

export function canWriteAssignment(actor: Actor, a: AssignmentAccess): boolean {
  return can(actor, assignmentPolicy, 'write', a);
}

// Pupils -----------------------------------------------------------------------------------------

function isGuardianOf(actor: Actor, p: PupilAccess): boolean {
  const me = personIdOf(actor);
  return me !== null && hasRole(actor, 'guardian') && p.guardianIds.includes(me);
}

function isPupilSelf(actor: Actor, p: PupilAccess): boolean {
  const me = personIdOf(actor);
  return me !== null && hasRole(actor, 'pupil') && me === p.pupilId;
}

function staffReaches(actor: Actor, p: PupilAccess): boolean {
  return p.schools.some(
    (s) => isHeadOf(actor, s) || teachesAnyOf(actor, s, p.classTeacherIds) || teachesAnyOf(actor, s, p.teacherIds),
  );
}

function supervisorReaches(actor: Actor, p: PupilAccess): boolean {
  if (grantCovers(actor, ['regionalAdmin'], { municipalityId: p.municipalityId })) return true;
  return grantCovers(actor, ['municipalOperator'], { municipalityId: p.municipalityId }) || p.schools.some((s) => supervises(actor, s));
}

export const pupilPolicy = definePolicy<PupilAccess, 'read'>('journal-pupil', {
  read: (actor, p) => isGuardianOf(actor, p) || isPupilSelf(actor, p) || staffReaches(actor, p) || supervisorReaches(actor, p),
});

/**
 * Whether the actor may read this pupil's journal (marks, attendance, diary, movement history):
 * a guardian their own children, a pupil themself, the class teacher their class, the teachers
 * of the pupil's assignments, the head their school, municipal and regional staff in scope.
 */
export function canReadPupil(actor: Actor, p: PupilAccess): boolean {
  return can(actor, pupilPolicy, 'read', p);
}

/**
 * Whether a read of this pupil is a staff read, to be audited (152-FZ): every read that is not
 * the pupil's own or their guardian's.
 */
export function isStaffPupilRead(actor: Actor, p: PupilAccess): boolean {
  return !isGuardianOf(actor, p) && !isPupilSelf(actor, p) && canReadPupil(actor, p);
}

// Registry tools ---------------------------------------------------------------------------------

/** Merging duplicate person records: municipal operators (their municipality) and the region. */
export const mergePolicy = definePolicy<{ municipalityIds: readonly number[] }, 'merge'>('person-merge', {
  merge: (actor, r) => r.municipalityIds.length > 0 && r.municipalityIds.every((m) => grantCovers(actor, supervisors, { municipalityId: m })),
});

export function canMergePeople(actor: Actor, municipalityIds: readonly number[]): boolean {
  return can(actor, mergePolicy, 'merge', { municipalityIds });
}

/** Whether the actor may use the merge tool at all (to show it). */
export function mayMergeSomePeople(actor: Actor): boolean {
  return hasRole(actor, 'municipalOperator', 'regionalAdmin');
}

/** Subjects and the regional calendar defaults: reference data of the regional administrator. */
export function canEditJournalReference(actor: Actor): boolean {
  return actor.kind === 'account' && actor.grants.some((g) => g.role === 'regionalAdmin');
}

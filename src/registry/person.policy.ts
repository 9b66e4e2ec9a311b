/**
 * Who may see and change a person's record (Federal Law 152-FZ "On personal data": access only
 * to those whose duties require it).
 *
 * - regionalAdmin: everyone; municipalOperator: people whose record sits in their municipality;
 * - organizationHead and teacher: people who attend their organisation (`person.organization_id`)
 *   or are staff there; a teacher only reads, a head reads and edits;
 * - guardian: themself and the children linked to them; pupil: themself; both read only;
 * - anonymous: nothing.
 *
 * The same rules serve one record (`personPolicy`) and lists (`personReadScope`, which the
 * service turns into a SQL WHERE), so a list never shows what a card would refuse.
 */
import { authorize, can, definePolicy, hasRole, scopeFilter, type Actor, type Grant, type Role } from '../platform/access/access.ts';

/** What the policy needs to know about a person: where the record sits and who it is linked to. */
export interface PersonAccessFacts {
  id: string;
  municipalityId: number;
  organizationId: string | null;
  /** Organisations employing the person (staff_member). */
  staffOrganizationIds: string[];
  /** Person ids of the person's guardians (guardian_link). */
  guardianIds: string[];
}

/** Where a new or moved record would sit. */
export interface PersonPlacement {
  municipalityId: number;
  organizationId: string | null;
}

/** An organisation whose staff list is being changed. */
export interface StaffingTarget {
  organizationId: string;
  municipalityId: number;
}

const staffReaderRoles: readonly Role[] = ['teacher', 'organizationHead', 'municipalOperator', 'regionalAdmin'];
const editorRoles: readonly Role[] = ['organizationHead', 'municipalOperator', 'regionalAdmin'];

function grantsOf(actor: Actor, wanted: readonly Role[]): Grant[] {
  return actor.kind === 'account' ? actor.grants.filter((g) => wanted.includes(g.role)) : [];
}

/** Whether a staff grant of the given roles reaches the person (by municipality, attendance or employment). */
function staffGrantReaches(actor: Actor, wanted: readonly Role[], person: PersonAccessFacts): boolean {
  return grantsOf(actor, wanted).some((g) => {
    if (g.role === 'regionalAdmin') return true;
    if (g.role === 'municipalOperator') return g.municipalityId !== null && g.municipalityId === person.municipalityId;
    if (g.organizationId === null) return false;
    return person.organizationId === g.organizationId || person.staffOrganizationIds.includes(g.organizationId);
  });
}

function placementReachable(actor: Actor, wanted: readonly Role[], placement: PersonPlacement): boolean {
  return grantsOf(actor, wanted).some((g) => {
    if (g.role === 'regionalAdmin') return true;
    if (g.role === 'municipalOperator') return g.municipalityId === placement.municipalityId;
    return g.organizationId !== null && placement.organizationId === g.organizationId;
  });
}

function isSelf(actor: Actor, person: PersonAccessFacts): boolean {
  return actor.kind === 'account' && actor.personId !== null && actor.personId === person.id && hasRole(actor, 'guardian', 'pupil');
}

function isGuardianOf(actor: Actor, person: PersonAccessFacts): boolean {
  return actor.kind === 'account' && actor.personId !== null && hasRole(actor, 'guardian') && person.guardianIds.includes(actor.personId);
}

/**
 * Whether the actor reads this record through a staff grant. Such reads are audited; a guardian
 * reading their own child's record is not a staff read.
 */
export function isStaffRead(actor: Actor, person: PersonAccessFacts): boolean {
  return staffGrantReaches(actor, staffReaderRoles, person);
}

export const personPolicy = definePolicy<PersonAccessFacts, 'read' | 'update' | 'linkGuardian'>('person', {
  read: (actor, person) => staffGrantReaches(actor, staffReaderRoles, person) || isSelf(actor, person) || isGuardianOf(actor, person),
  update: (actor, person) => staffGrantReaches(actor, editorRoles, person),
  // A guardian is linked to a child by whoever may edit the child's record.
  linkGuardian: (actor, person) => staffGrantReaches(actor, editorRoles, person),
});

/** Creating a record, or moving one, is allowed only into a place the actor could edit. */
export const personPlacementPolicy = definePolicy<PersonPlacement, 'place'>('person-placement', {
  place: (actor, placement) => placementReachable(actor, editorRoles, placement),
});

/** Staff lists are kept by the organisation's head, its municipality and the region. */
export const staffingPolicy = definePolicy<StaffingTarget, 'manage'>('staffing', {
  manage: (actor, target) =>
    grantsOf(actor, editorRoles).some((g) => {
      if (g.role === 'regionalAdmin') return true;
      if (g.role === 'municipalOperator') return g.municipalityId === target.municipalityId;
      return g.organizationId === target.organizationId;
    }),
});

/**
 * Whether an edit would move a record to a municipality or organisation the actor may not place
 * records in (a head cannot hand a pupil to another school's scope).
 */
export function movesOutOfReach(actor: Actor, current: PersonPlacement, next: PersonPlacement): boolean {
  const moved = next.municipalityId !== current.municipalityId || next.organizationId !== current.organizationId;
  return moved && !can(actor, personPlacementPolicy, 'place', next);
}

/** Whether the actor can create records anywhere (to offer the "add a person" button). */
export function mayCreateSomePerson(actor: Actor): boolean {
  return grantsOf(actor, editorRoles).length > 0;
}

/**
 * Throws unless the actor may do `action` to the person: 404 when the record is outside the
 * actor's read scope (its existence is not revealed), 403 when it is readable but not for this.
 */
export function authorizePerson(actor: Actor, action: 'read' | 'update' | 'linkGuardian', person: PersonAccessFacts): void {
  authorize(actor, personPolicy, 'read', person, { hideExistence: true });
  if (action !== 'read') authorize(actor, personPolicy, action, person);
}

export function canPerson(actor: Actor, action: 'read' | 'update' | 'linkGuardian', person: PersonAccessFacts): boolean {
  return can(actor, personPolicy, action, person);
}

/**
 * The read scope of an actor for list queries, as plain data: the service turns it into a SQL
 * WHERE. `some` is the union of: records in these municipalities, records attending or
 * employed by these organisations, the actor's own record, the actor's linked children.
 */
export type PersonReadScope =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'some'; municipalityIds: number[]; organizationIds: string[]; selfId: string | null; childrenOfId: string | null };

export function personReadScope(actor: Actor): PersonReadScope {
  if (actor.kind !== 'account') return { kind: 'none' };
  const staff = scopeFilter(actor, staffReaderRoles);
  if (staff.kind === 'all') return { kind: 'all' };
  const selfId = actor.personId !== null && hasRole(actor, 'guardian', 'pupil') ? actor.personId : null;
  const childrenOfId = actor.personId !== null && hasRole(actor, 'guardian') ? actor.personId : null;
  const municipalityIds = staff.kind === 'some' ? staff.municipalityIds : [];
  const organizationIds = staff.kind === 'some' ? staff.organizationIds : [];
  if (municipalityIds.length === 0 && organizationIds.length === 0 && selfId === null && childrenOfId === null) return { kind: 'none' };
  return { kind: 'some', municipalityIds, organizationIds, selfId, childrenOfId };
}

/**
 * Who may do what with kindergarten groups and the plan of places.
 *
 * - The head of a kindergarten (organizationHead granted on that organisation) reads, adds and
 *   edits the groups of THEIR kindergarten: they know the rooms, the staff and who attends.
 * - A municipal operator reads the groups of the kindergartens of their municipality and
 *   approves the plan: the municipality is the founder (учредитель) and answers for the places it
 *   allocates, so only places it has approved go into an allocation. It does not edit the head's
 *   figures; it returns them by asking, and any edit by the head reopens the plan.
 * - A regional administrator may do everything, anywhere.
 * - Teachers, guardians, pupils and anonymous visitors get nothing here (free places are public
 *   as numbers on the public queue pages, not through these screens).
 * The organisation must be a kindergarten; the service refuses groups elsewhere.
 */
import { can, definePolicy, grantCovers, scopeFilter, type Actor, type ScopeFilter } from '../../platform/access/access.ts';

/** Where a group sits: its kindergarten and that kindergarten's municipality. */
export interface GroupScope {
  municipalityId: number;
  organizationId: string;
}

const readers = ['regionalAdmin', 'municipalOperator', 'organizationHead'] as const;
const editors = ['regionalAdmin', 'organizationHead'] as const;
const approvers = ['regionalAdmin', 'municipalOperator'] as const;

export const groupPolicy = definePolicy<GroupScope, 'read' | 'edit' | 'approve'>('kindergarten-group', {
  read: (actor, g) => grantCovers(actor, readers, g),
  /** Add a group to this kindergarten, or change one of its groups. */
  edit: (actor, g) => grantCovers(actor, editors, g),
  approve: (actor, g) => grantCovers(actor, approvers, g),
});

/** The part of the region whose groups the actor may list. */
export function groupListScope(actor: Actor): ScopeFilter {
  return scopeFilter(actor, readers);
}

/** Whether the actor works with groups at all (else the list page answers 403). */
export function canSeeGroups(actor: Actor): boolean {
  return groupListScope(actor).kind !== 'none';
}

export function canEditGroup(actor: Actor, g: GroupScope): boolean {
  return can(actor, groupPolicy, 'edit', g);
}

export function canApproveGroup(actor: Actor, g: GroupScope): boolean {
  return can(actor, groupPolicy, 'approve', g);
}

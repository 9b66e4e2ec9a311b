/**
 * Who reads and edits the regional list of kinds of work and their weights (work-kind.service.ts).
 * The list is regional reference data (house rule 6; migration 0021): the regional administrator
 * edits it; school staff and supervisors read it (a teacher chooses a kind for a lesson and sees
 * its weight); families have no use for it.
 */
import { can, definePolicy, isStaff, type Actor } from '../platform/access/access.ts';
import { canEditJournalReference } from './journal.policy.ts';

/** The one resource: the region's list. */
export type WorkKindList = 'region';

export const workKindPolicy = definePolicy<WorkKindList, 'read' | 'edit'>('journal-work-kind', {
  read: (actor) => isStaff(actor),
  edit: (actor) => canEditJournalReference(actor),
});

export function canReadWorkKinds(actor: Actor): boolean {
  return can(actor, workKindPolicy, 'read', 'region');
}

export function canEditWorkKinds(actor: Actor): boolean {
  return can(actor, workKindPolicy, 'edit', 'region');
}

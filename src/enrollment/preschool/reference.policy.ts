/**
 * Who may do what with the reference data of the kindergarten waiting list.
 *
 * - Anyone reads the active lists and the region's numbers: the application form needs them and
 *   they are public rules of the service.
 * - Only a regional administrator with a region-wide grant changes them: they are the region's
 *   rules (Order 236 leaves them to the region), not a municipality's or a kindergarten's.
 */
import { definePolicy, type Actor } from '../../platform/access/access.ts';

/** The region's reference data as a whole (there is one region). */
export type ReferenceScope = Record<string, never>;
export const referenceScope: ReferenceScope = {};

function isRegionalAdmin(actor: Actor): boolean {
  return actor.kind === 'account' && actor.grants.some((g) => g.role === 'regionalAdmin' && g.municipalityId === null && g.organizationId === null);
}

export const referencePolicy = definePolicy<ReferenceScope, 'read' | 'manage'>('preschool-reference', {
  read: () => true,
  manage: (actor) => isRegionalAdmin(actor),
});

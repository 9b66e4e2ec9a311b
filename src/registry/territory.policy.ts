/**
 * Who may do what with the territories assigned to schools.
 *
 * - Anyone, logged in or not, sees the published territories: which school serves an address
 *   and the addresses of a school (Order 458 §8 and §17: the act and the territory are published).
 *   Addresses and schools are not personal data.
 * - The municipal operator of a municipality drafts, edits and publishes its acts and sees
 *   their validation report; the regional administrator does so everywhere. Nobody else.
 */
import { definePolicy, grantCovers, scopeFilter, type Actor, type ScopeFilter } from '../platform/access/access.ts';

export interface TerritoryScope {
  municipalityId: number;
}

const editors = ['regionalAdmin', 'municipalOperator'] as const;

export const territoryPolicy = definePolicy<TerritoryScope | null, 'readPublished' | 'edit'>('territory', {
  readPublished: () => true,
  edit: (actor, t) => t !== null && grantCovers(actor, editors, { municipalityId: t.municipalityId }),
});

/** The municipalities whose acts the actor may edit, for the list of acts. */
export function territoryEditScope(actor: Actor): ScopeFilter {
  return scopeFilter(actor, editors);
}

/**
 * The production calendar is the region's reference data: a regional administrator with a
 * region-wide grant views and edits it (the decree on transfers is entered once a year).
 */
import { definePolicy, type Actor } from '../access/access.ts';

function isRegionalAdmin(actor: Actor): boolean {
  return actor.kind === 'account' && actor.grants.some((g) => g.role === 'regionalAdmin' && g.municipalityId === null && g.organizationId === null);
}

export const calendarPolicy = definePolicy<null, 'manage'>('production-calendar', {
  manage: (actor) => isRegionalAdmin(actor),
});

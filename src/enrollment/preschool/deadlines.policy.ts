/**
 * Who sees the overdue list (regulation deadlines): the municipal operator, for their
 * municipality (the list query is cut to it by `overdueReach`), and the regional administrator,
 * for the whole region. Guardians, heads and teachers do not.
 */
import { definePolicy, hasRole, scopeFilter, type Actor, type Role, type ScopeFilter } from '../../platform/access/access.ts';

const overdueRoles: readonly Role[] = ['municipalOperator', 'regionalAdmin'];

export const overduePolicy = definePolicy<null, 'browse'>('preschool-overdue', {
  browse: (actor) => hasRole(actor, ...overdueRoles) && overdueReach(actor).kind !== 'none',
});

/** The municipalities whose overdue applications and offers the actor sees. */
export function overdueReach(actor: Actor): ScopeFilter {
  const reach = scopeFilter(actor, overdueRoles);
  // An operator is granted on a municipality; an organisation-level grant reaches no list here.
  if (reach.kind === 'some' && reach.municipalityIds.length === 0) return { kind: 'none' };
  return reach;
}

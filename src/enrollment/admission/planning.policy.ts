/**
 * Who plans first-grade classes. The municipality, as the founder of its schools, sets the
 * places (Order 458 § 6: the number of places is published after the territory act), so:
 * - municipalOperator: the shortage report and forecast, the births import and the school plans
 *   of their own municipality;
 * - regionalAdmin: the same everywhere;
 * - nobody else (the births by house are the civil registry's data, not public).
 */
import { can, definePolicy, grantCovers, scopeFilter, type Actor, type Role } from '../../platform/access/access.ts';

export interface PlanningScope {
  municipalityId: number;
}

const planningRoles: readonly Role[] = ['municipalOperator', 'regionalAdmin'];

export const planningPolicy = definePolicy<PlanningScope, 'report' | 'importBirths' | 'changePlan'>('admission-planning', {
  report: (actor, s) => grantCovers(actor, planningRoles, s),
  importBirths: (actor, s) => grantCovers(actor, planningRoles, s),
  changePlan: (actor, s) => grantCovers(actor, planningRoles, s),
});

/** Municipalities the actor plans for; null = all. */
export function planningMunicipalities(actor: Actor): number[] | null {
  const scope = scopeFilter(actor, planningRoles);
  if (scope.kind === 'all') return null;
  return scope.kind === 'some' ? scope.municipalityIds : [];
}

export function canChangePlan(actor: Actor, scope: PlanningScope): boolean {
  return can(actor, planningPolicy, 'changePlan', scope);
}

/**
 * Who sees flags of suspicious registrations. A flag says that a family's address or document is
 * under suspicion — itself sensitive — so:
 * - municipalOperator: the review queue and the review of their own municipality's flags;
 * - regionalAdmin: the same everywhere, and the thresholds (reference data);
 * - organizationHead: only that an application of their school has an open flag (presence), so
 *   the school can wait for the municipality's review; never the details of other families;
 * - nobody else.
 */
import { can, definePolicy, grantCovers, hasRole, scopeFilter, type Actor, type Role } from '../../platform/access/access.ts';

export interface FlagScope {
  municipalityId: number;
  organizationId: string;
}

const reviewRoles: readonly Role[] = ['municipalOperator', 'regionalAdmin'];

export const flagPolicy = definePolicy<FlagScope, 'review' | 'seePresence'>('admission-flag', {
  review: (actor, f) => grantCovers(actor, reviewRoles, { municipalityId: f.municipalityId }),
  seePresence: (actor, f) => grantCovers(actor, [...reviewRoles, 'organizationHead'], f),
});

/** Municipalities whose queue the actor may review; null = all. */
export function flagMunicipalities(actor: Actor): number[] | null {
  const scope = scopeFilter(actor, reviewRoles);
  if (scope.kind === 'all') return null;
  return scope.kind === 'some' ? scope.municipalityIds : [];
}

export function canReviewFlag(actor: Actor, flag: FlagScope): boolean {
  return can(actor, flagPolicy, 'review', flag);
}

/** The thresholds of the checks and the forecast are regional reference data (DESIGN.md rule 6). */
export function mayEditParameters(actor: Actor): boolean {
  return hasRole(actor, 'regionalAdmin') && scopeFilter(actor, ['regionalAdmin']).kind === 'all';
}

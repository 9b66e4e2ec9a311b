/**
 * Who may run the order of admission. The municipality decides for its schools where places are
 * short (Order 458 § 14: refusal only for lack of places, with the founder's offer of another
 * school), so:
 * - municipalOperator: dry runs, review, commit and discard in their own municipality;
 * - regionalAdmin: the same in any municipality;
 * - everyone, logged in or not: the published protocols of committed runs (receipt numbers
 *   only, never names — fairness and openness);
 * - nobody else sees dry runs.
 */
import { can, definePolicy, grantCovers, scopeFilter, type Actor, type Role } from '../../platform/access/access.ts';

export interface AdmissionRunScope {
  municipalityId: number;
  status?: 'dryRun' | 'committed' | 'discarded';
}

const runRoles: readonly Role[] = ['municipalOperator', 'regionalAdmin'];

export const admissionRunPolicy = definePolicy<AdmissionRunScope, 'run' | 'review' | 'commit' | 'discard' | 'readProtocol'>('admission-run', {
  run: (actor, r) => grantCovers(actor, runRoles, r),
  review: (actor, r) => grantCovers(actor, runRoles, r),
  commit: (actor, r) => grantCovers(actor, runRoles, r),
  discard: (actor, r) => grantCovers(actor, runRoles, r),
  readProtocol: (_actor, r) => r.status === 'committed',
});

/** Municipalities the actor may run the order in; null = every one (regional admin). */
export function orderMunicipalities(actor: Actor): number[] | null {
  const scope = scopeFilter(actor, runRoles);
  if (scope.kind === 'all') return null;
  return scope.kind === 'some' ? scope.municipalityIds : [];
}

export function canRunOrder(actor: Actor, action: 'run' | 'review' | 'commit' | 'discard', run: AdmissionRunScope): boolean {
  return can(actor, admissionRunPolicy, action, run);
}

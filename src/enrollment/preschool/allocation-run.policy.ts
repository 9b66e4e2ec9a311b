/**
 * Who may run allocations (комплектование). The municipality is the founder of its
 * kindergartens and allocates their places (Order No. 236 of 15.05.2020 § 8):
 *
 * - municipalOperator: dry runs, review, commit and discard for their own municipality;
 * - regionalAdmin: the same for any municipality;
 * - everyone, logged in or not: the published protocols of committed runs (fairness and
 *   openness: a protocol holds application numbers only, never names);
 * - nobody else sees dry runs (they are drafts an operator has not stood behind).
 */
import { can, definePolicy, grantCovers, scopeFilter, type Actor, type Role } from '../../platform/access/access.ts';

export interface RunScope {
  municipalityId: number;
  status?: 'dryRun' | 'committed' | 'discarded';
}

const runRoles: readonly Role[] = ['municipalOperator', 'regionalAdmin'];

export const allocationRunPolicy = definePolicy<RunScope, 'run' | 'review' | 'commit' | 'discard' | 'readProtocol'>('allocation-run', {
  run: (actor, r) => grantCovers(actor, runRoles, r),
  review: (actor, r) => grantCovers(actor, runRoles, r),
  commit: (actor, r) => grantCovers(actor, runRoles, r),
  discard: (actor, r) => grantCovers(actor, runRoles, r),
  readProtocol: (_actor, r) => r.status === 'committed',
});

/** Municipalities the actor may allocate in; null = every one (regional admin). */
export function allocationMunicipalities(actor: Actor): number[] | null {
  const scope = scopeFilter(actor, runRoles);
  if (scope.kind === 'all') return null;
  return scope.kind === 'some' ? scope.municipalityIds : [];
}

/** Whether the actor may open the allocation page at all. */
export function mayAllocate(actor: Actor): boolean {
  const ids = allocationMunicipalities(actor);
  return ids === null || ids.length > 0;
}

export function canRun(actor: Actor, action: 'run' | 'review' | 'commit' | 'discard', run: RunScope): boolean {
  return can(actor, allocationRunPolicy, action, run);
}

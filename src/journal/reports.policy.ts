/**
 * Who reads which journal report (issue 5 §7, §9): the head their school's (with class, teacher
 * and pupil names); the municipal operator their municipality's aggregates by school; the
 * regional administrator the region's by municipality and any municipality's or school's.
 * Builds on the shared rules of journal.policy.ts.
 */
import { definePolicy, grantCovers, hasRole, scopeFilter, type Actor, type ScopeFilter } from '../platform/access/access.ts';
import { isHeadOf, type SchoolScope } from './journal.policy.ts';

export type ReportTarget = { kind: 'school'; school: SchoolScope } | { kind: 'municipality'; municipalityId: number } | { kind: 'region' };

export const journalReportPolicy = definePolicy<ReportTarget, 'read'>('journal-report', {
  read: (actor, target) => {
    if (target.kind === 'school') return isHeadOf(actor, target.school);
    if (target.kind === 'municipality') return grantCovers(actor, ['municipalOperator', 'regionalAdmin'], { municipalityId: target.municipalityId });
    return hasRole(actor, 'regionalAdmin') && grantCovers(actor, ['regionalAdmin'], { municipalityId: -1 });
  },
});

/** Whose reports the actor may open (the index page). */
export function reportScopes(actor: Actor): { schools: ScopeFilter; municipalities: ScopeFilter; region: boolean } {
  return {
    schools: scopeFilter(actor, ['organizationHead', 'regionalAdmin']),
    municipalities: scopeFilter(actor, ['municipalOperator', 'regionalAdmin']),
    region: hasRole(actor, 'regionalAdmin'),
  };
}

/** The regional setting "late after N days": the regional administrator. */
export function canEditReportSettings(actor: Actor): boolean {
  return hasRole(actor, 'regionalAdmin');
}

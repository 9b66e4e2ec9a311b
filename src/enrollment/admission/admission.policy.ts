/**
 * Who may see and act on first-grade admission (Federal Law 152-FZ: personal data only to those
 * whose duties need it; Order 458 puts the decisions on the school and the campaign on the
 * municipality).
 *
 * - guardian: the applications of their own children (applicant guardian, or linked to the child
 *   in the registry); prepares drafts, withdraws;
 * - organizationHead: the applications to their school: document checks, decisions, orders;
 * - municipalOperator: everything of their municipality — campaigns, plans, the desk (drafts on a
 *   family's behalf), and the school work as well;
 * - regionalAdmin: everything, and the region's reference data;
 * - anyone else: nothing; an application outside one's scope answers 404.
 */
import { authorize, can, definePolicy, grantCovers, hasRole, scopeFilter, type Actor, type Role } from '../../platform/access/access.ts';

export interface AdmissionApplicationFacts {
  municipalityId: number;
  organizationId: string;
  guardianId: string;
  childGuardianIds: string[];
}

const municipalRoles: readonly Role[] = ['municipalOperator', 'regionalAdmin'];
const schoolRoles: readonly Role[] = ['organizationHead', 'municipalOperator', 'regionalAdmin'];

function isOwnChild(actor: Actor, a: Pick<AdmissionApplicationFacts, 'guardianId' | 'childGuardianIds'>): boolean {
  if (actor.kind !== 'account' || actor.personId === null || !hasRole(actor, 'guardian')) return false;
  return a.guardianId === actor.personId || a.childGuardianIds.includes(actor.personId);
}

function atDesk(actor: Actor, a: { municipalityId: number }): boolean {
  return grantCovers(actor, municipalRoles, { municipalityId: a.municipalityId });
}

function atSchool(actor: Actor, a: { municipalityId: number; organizationId: string }): boolean {
  return grantCovers(actor, schoolRoles, { municipalityId: a.municipalityId, organizationId: a.organizationId });
}

export type AdmissionApplicationAction = 'read' | 'editDraft' | 'withdraw' | 'decide';

export const admissionApplicationPolicy = definePolicy<AdmissionApplicationFacts, AdmissionApplicationAction>('admission-application', {
  read: (actor, a) => isOwnChild(actor, a) || atSchool(actor, a),
  editDraft: (actor, a) => isOwnChild(actor, a) || atDesk(actor, a),
  withdraw: (actor, a) => isOwnChild(actor, a) || atDesk(actor, a),
  // document checks, decisions, orders: the school, and the municipality above it
  decide: (actor, a) => atSchool(actor, a),
});

/** 404 outside the read scope, 403 when readable but not for this action. */
export function authorizeAdmissionApplication(actor: Actor, action: AdmissionApplicationAction, a: AdmissionApplicationFacts): void {
  authorize(actor, admissionApplicationPolicy, 'read', a, { hideExistence: true });
  if (action !== 'read') authorize(actor, admissionApplicationPolicy, action, a);
}

export function canAdmissionApplication(actor: Actor, action: AdmissionApplicationAction, a: AdmissionApplicationFacts): boolean {
  return can(actor, admissionApplicationPolicy, action, a);
}

/** Drafts: a guardian for their own child (online), an operator at the desk in their municipality. */
export const admissionDraftPolicy = definePolicy<{ municipalityId: number }, 'applyOnline' | 'applyAtDesk'>('admission-draft', {
  applyOnline: (actor) => actor.kind === 'account' && actor.personId !== null && hasRole(actor, 'guardian'),
  applyAtDesk: (actor, target) => atDesk(actor, target),
});

/** Campaigns and plans: the municipality's operator, the regional administrator. */
export const campaignPolicy = definePolicy<{ municipalityId: number }, 'manage'>('admission-campaign', {
  manage: (actor, c) => atDesk(actor, c),
});

/** A school's list of applications, checks, decisions and orders. */
export const schoolAdmissionPolicy = definePolicy<{ municipalityId: number; organizationId: string }, 'work'>('admission-school', {
  work: (actor, s) => atSchool(actor, s),
});

/** The region's admission reference data (categories, settings): regional administrator only. */
export const admissionReferencePolicy = definePolicy<null, 'manage'>('admission-reference', {
  manage: (actor) => actor.kind === 'account' && actor.grants.some((g) => g.role === 'regionalAdmin' && g.municipalityId === null && g.organizationId === null),
});

/** The municipalities whose campaigns an actor manages (undefined = all). */
export function campaignMunicipalities(actor: Actor): number[] | undefined {
  const scope = scopeFilter(actor, municipalRoles);
  if (scope.kind === 'all') return undefined;
  if (scope.kind === 'none') return [];
  return scope.municipalityIds;
}

/** The schools an actor works for as head (organisation grants). */
export function headedSchools(actor: Actor): string[] {
  if (actor.kind !== 'account') return [];
  return actor.grants.filter((g) => g.role === 'organizationHead' && g.organizationId !== null).map((g) => g.organizationId!);
}

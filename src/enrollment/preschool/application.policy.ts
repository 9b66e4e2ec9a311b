/**
 * Who may see and act on a kindergarten application (Federal Law 152-FZ: access only to those
 * whose duties require it; the municipal regulation of the service).
 *
 * - guardian: the applications of their children — they are the applicant guardian, or are
 *   linked to the child in the registry; they may change the preferences and withdraw;
 * - municipalOperator: the applications of their municipality; they also check documents,
 *   decide on benefits, suspend, resume and remove (the desk);
 * - regionalAdmin: everything;
 * - anyone else: nothing, and a record outside one's scope answers 404 (its existence is hidden).
 */
import { authorize, can, definePolicy, grantCovers, hasRole, scopeFilter, type Actor, type Role } from '../../platform/access/access.ts';

/** What the policy needs to know about an application. */
export interface ApplicationAccessFacts {
  municipalityId: number;
  /** The applicant guardian (person id). */
  guardianId: string;
  /** Everyone linked to the child as a guardian in the registry. */
  childGuardianIds: string[];
}

const deskRoles: readonly Role[] = ['municipalOperator', 'regionalAdmin'];

function isOwnChild(actor: Actor, application: ApplicationAccessFacts): boolean {
  if (actor.kind !== 'account' || actor.personId === null || !hasRole(actor, 'guardian')) return false;
  return application.guardianId === actor.personId || application.childGuardianIds.includes(actor.personId);
}

function atDesk(actor: Actor, application: ApplicationAccessFacts): boolean {
  return grantCovers(actor, deskRoles, { municipalityId: application.municipalityId });
}

export type ApplicationAction = 'read' | 'editPreferences' | 'withdraw' | 'manage';

export const applicationPolicy = definePolicy<ApplicationAccessFacts, ApplicationAction>('preschool-application', {
  read: (actor, a) => isOwnChild(actor, a) || atDesk(actor, a),
  editPreferences: (actor, a) => isOwnChild(actor, a) || atDesk(actor, a),
  withdraw: (actor, a) => isOwnChild(actor, a) || atDesk(actor, a),
  // documents, benefit, suspend/resume, remove: the desk only
  manage: (actor, a) => atDesk(actor, a),
});

/** Where a new application may be registered. */
export const applicationCreatePolicy = definePolicy<{ municipalityId: number }, 'applyOnline' | 'registerAtDesk'>('preschool-application-create', {
  // a guardian applies for their own child, in any municipality of the region
  applyOnline: (actor) => actor.kind === 'account' && actor.personId !== null && hasRole(actor, 'guardian'),
  registerAtDesk: (actor, target) => grantCovers(actor, deskRoles, target),
});

/**
 * Throws unless the actor may do `action`: 404 when the application is outside the actor's
 * read scope, 403 when readable but not for this action.
 */
export function authorizeApplication(actor: Actor, action: ApplicationAction, application: ApplicationAccessFacts): void {
  authorize(actor, applicationPolicy, 'read', application, { hideExistence: true });
  if (action !== 'read') authorize(actor, applicationPolicy, action, application);
}

export function canApplication(actor: Actor, action: ApplicationAction, application: ApplicationAccessFacts): boolean {
  return can(actor, applicationPolicy, action, application);
}

/**
 * The list scope of an actor as plain data (the service turns it into SQL): everything; or the
 * applications of these municipalities plus those of this guardian's children; or nothing.
 */
export type ApplicationListScope =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'some'; municipalityIds: number[]; guardianPersonId: string | null };

export function applicationListScope(actor: Actor, view: 'own' | 'desk'): ApplicationListScope {
  if (actor.kind !== 'account') return { kind: 'none' };
  if (view === 'own') {
    return actor.personId !== null && hasRole(actor, 'guardian') ? { kind: 'some', municipalityIds: [], guardianPersonId: actor.personId } : { kind: 'none' };
  }
  const desk = scopeFilter(actor, deskRoles);
  if (desk.kind === 'all') return { kind: 'all' };
  if (desk.kind === 'none' || desk.municipalityIds.length === 0) return { kind: 'none' };
  return { kind: 'some', municipalityIds: desk.municipalityIds, guardianPersonId: null };
}

/** Whether the actor works at a desk somewhere (to show the desk). */
export function mayUseDesk(actor: Actor): boolean {
  return scopeFilter(actor, deskRoles).kind !== 'none';
}

/** The municipalities whose desk the actor works at; null = every one (regional admin). */
export function deskMunicipalities(actor: Actor): number[] | null {
  const desk = scopeFilter(actor, deskRoles);
  if (desk.kind === 'all') return null;
  return desk.kind === 'some' ? desk.municipalityIds : [];
}

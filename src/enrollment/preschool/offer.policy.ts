/**
 * Who may act on an offer of a place (направление):
 *
 * - the guardian of the child (the applicant guardian or one linked to the child in the
 *   registry) accepts or declines it, and afterwards chooses between the queue and removal;
 * - the municipal operator of the municipality may do the same on the guardian's behalf at the
 *   desk (a guardian who came in person), and sees the offers of the municipality;
 * - the head of the kindergarten sees the offers to its groups and enrols an accepted one;
 * - the regional administrator may do everything;
 * - anyone else: nothing, and an offer outside one's scope answers 404.
 */
import { authorize, can, definePolicy, grantCovers, hasRole, scopeFilter, type Actor } from '../../platform/access/access.ts';

export interface OfferAccessFacts {
  municipalityId: number;
  /** The kindergarten of the offered group. */
  organizationId: string;
  guardianId: string;
  childGuardianIds: string[];
}

function isOwnChild(actor: Actor, o: OfferAccessFacts): boolean {
  if (actor.kind !== 'account' || actor.personId === null || !hasRole(actor, 'guardian')) return false;
  return o.guardianId === actor.personId || o.childGuardianIds.includes(actor.personId);
}

const atDesk = (actor: Actor, o: OfferAccessFacts) => grantCovers(actor, ['municipalOperator', 'regionalAdmin'], { municipalityId: o.municipalityId });
const atKindergarten = (actor: Actor, o: OfferAccessFacts) =>
  grantCovers(actor, ['organizationHead', 'regionalAdmin'], { municipalityId: o.municipalityId, organizationId: o.organizationId });

export type OfferAction = 'read' | 'respond' | 'enrol';

export const offerPolicy = definePolicy<OfferAccessFacts, OfferAction>('preschool-offer', {
  read: (actor, o) => isOwnChild(actor, o) || atDesk(actor, o) || atKindergarten(actor, o),
  respond: (actor, o) => isOwnChild(actor, o) || atDesk(actor, o),
  enrol: (actor, o) => atKindergarten(actor, o),
});

export function canOffer(actor: Actor, action: OfferAction, o: OfferAccessFacts): boolean {
  return can(actor, offerPolicy, action, o);
}

/** 404 outside the read scope, 403 when readable but not for this action. */
export function authorizeOffer(actor: Actor, action: OfferAction, o: OfferAccessFacts): void {
  authorize(actor, offerPolicy, 'read', o, { hideExistence: true });
  if (action !== 'read') authorize(actor, offerPolicy, action, o);
}

/** Kindergartens whose offers the actor lists at /preschool/offers; null = all (regional admin). */
export function offerListScope(actor: Actor): string[] | null {
  const scope = scopeFilter(actor, ['organizationHead', 'regionalAdmin']);
  if (scope.kind === 'all') return null;
  return scope.kind === 'some' ? scope.organizationIds : [];
}

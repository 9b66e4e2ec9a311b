/**
 * Who may do what with their own account: the TOTP second factor and API tokens are for staff,
 * and a token can only carry a grant its owner holds.
 */
import { definePolicy, isStaff, staffRoles, type Actor, type Grant } from '../access/access.ts';

export function sameGrant(a: Grant, b: Grant): boolean {
  return a.role === b.role && a.municipalityId === b.municipalityId && a.organizationId === b.organizationId;
}

/** Staff grants an actor could put into a token (guardian and pupil grants never are). */
export function tokenGrantsOf(actor: Actor): Grant[] {
  return actor.kind === 'account' ? actor.grants.filter((g) => staffRoles.includes(g.role)) : [];
}

// Managing one's credentials needs the person at the keyboard: a token must not mint or revoke
// tokens, or a leaked token could make itself permanent.
const bySession = (actor: Actor): boolean => actor.kind === 'account' && actor.via === 'session';

export const accountPolicy = definePolicy<null, 'view' | 'useTotp' | 'manageApiTokens'>('account', {
  view: (actor) => bySession(actor),
  // Guardians and pupils log in through the state identity provider's own second factor.
  useTotp: (actor) => bySession(actor) && isStaff(actor),
  manageApiTokens: (actor) => bySession(actor) && isStaff(actor),
});

export const apiTokenPolicy = definePolicy<{ grant: Grant }, 'issue'>('apiToken', {
  issue: (actor, { grant }) => bySession(actor) && tokenGrantsOf(actor).some((g) => sameGrant(g, grant)),
});

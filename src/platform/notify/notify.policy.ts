/**
 * Who sees notices. The inbox is personal: an account sees only the notices of its own person
 * (account.personId), so the rule needs no resource. The outbox shows every e-mail with its
 * recipient — personal data — so it exists only in demo mode, for staff, and each view is audited.
 */
import { definePolicy, isStaff } from '../access/access.ts';

export const inboxPolicy = definePolicy<null, 'read'>('inbox', {
  read: (actor) => actor.kind === 'account',
});

export const outboxPolicy = definePolicy<{ demoMode: boolean }, 'browse'>('outbox', {
  browse: (actor, installation) => installation.demoMode && isStaff(actor),
});

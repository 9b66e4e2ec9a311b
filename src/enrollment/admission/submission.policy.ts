/**
 * Who may submit a first-grade draft: the guardian who prepared it — the account that created
 * it, or the account linked to the guardian person named on it. The accepting path checks a
 * whole batch at once in SQL (submission.service.ts, `classified`: the same rule, set-based, as
 * Immich checks a batch of ids); `ownsDraft` is the rule for one draft, for pages and tests.
 */
import { definePolicy, type Actor } from '../../platform/access/access.ts';

export interface DraftOwnership {
  createdByAccountId: string | null;
  guardianId: string;
}

export function ownsDraft(actor: Actor, draft: DraftOwnership): boolean {
  if (actor.kind !== 'account') return false;
  return draft.createdByAccountId === actor.accountId || (actor.personId !== null && draft.guardianId === actor.personId);
}

export const submissionPolicy = definePolicy<DraftOwnership | null, 'submit'>('admission.submission', {
  // null: "may this actor submit drafts at all" (a logged-in account); a draft: is it theirs.
  submit: (actor, draft) => (draft === null ? actor.kind === 'account' : ownsDraft(actor, draft)),
});

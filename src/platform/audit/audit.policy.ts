import { definePolicy, hasRole } from '../access/access.ts';

/** The audit log is read by regional administrators only; nobody may change it. */
export const auditPolicy = definePolicy<null, 'browse'>('audit', {
  browse: (actor) => hasRole(actor, 'regionalAdmin'),
});

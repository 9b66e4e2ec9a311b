/**
 * Accounts for pupils (issue 5 §6: «a pupil under 14 logs in with an account the guardian or
 * school issues» — a child under 14 has no ESIA account of their own). The guardian (for their
 * child) or the head of the pupil's school creates a login and an initial password; the account
 * holds the role `pupil` linked to the pupil's person record, so the diary shows only themself.
 * Either may reset the password. Every issue and reset is audited.
 */
import { and, eq, sql } from 'drizzle-orm';
import { recordAudit, type AuditOrigin } from '../platform/audit/audit.ts';
import type { Actor } from '../platform/access/access.ts';
import { account, roleGrant } from '../platform/auth/auth.schema.ts';
import { hashPassword, passwordProblem } from '../platform/auth/passwords.ts';
import { queryRows, type Database, type Executor } from '../platform/db/connect.ts';
import { errors, type FieldErrors } from '../platform/errors.ts';
import { findPersonAccessFacts, findPersonNames, personFullName } from '../registry/person.service.ts';
import { isHeadOf, type SchoolScope } from './journal.policy.ts';

export interface PupilAccountFacts {
  pupilId: string;
  name: string;
  guardianIds: readonly string[];
  /** Schools where the pupil is enrolled now. */
  schools: readonly SchoolScope[];
  /** The pupil's account, if one was issued. */
  account: { id: string; login: string } | null;
}

export async function pupilAccountFacts(db: Executor, pupilId: string): Promise<PupilAccountFacts | null> {
  const facts = (await findPersonAccessFacts(db, [pupilId])).get(pupilId.toLowerCase());
  if (!facts) return null;
  const names = await findPersonNames(db, [pupilId]);
  const schools = await queryRows<{ organization_id: string; municipality_id: number }>(
    db,
    sql`SELECT DISTINCT organization_id, municipality_id FROM class_enrolment WHERE pupil_id = ${pupilId} AND ends_on IS NULL`,
  );
  const [acc] = await db.select({ id: account.id, login: account.login }).from(account).where(eq(account.personId, pupilId));
  return {
    pupilId,
    name: names.get(pupilId) ? personFullName(names.get(pupilId)!) : '',
    guardianIds: facts.guardianIds,
    schools: schools.map((s) => ({ organizationId: s.organization_id, municipalityId: Number(s.municipality_id) })),
    account: acc ?? null,
  };
}

/** The guardian of the child, or the head of a school where the child is enrolled now. */
export function canManagePupilAccount(actor: Actor, facts: PupilAccountFacts): boolean {
  if (actor.kind !== 'account') return false;
  const me = actor.personId;
  if (me && actor.grants.some((g) => g.role === 'guardian') && facts.guardianIds.includes(me)) return true;
  return facts.schools.some((s) => isHeadOf(actor, s));
}

const loginPattern = /^[a-z0-9][a-z0-9._-]{2,39}$/;

export function validatePupilAccountInput(input: { login?: string; password: string }): FieldErrors {
  const fieldErrors: FieldErrors = {};
  if (input.login !== undefined && !loginPattern.test(input.login)) {
    fieldErrors.login = { ru: 'Логин: 3–40 латинских строчных букв, цифр, точек, дефисов', en: 'Login: 3–40 lowercase Latin letters, digits, dots, hyphens' };
  }
  const problem = passwordProblem(input.password);
  if (problem) fieldErrors.password = problem;
  return fieldErrors;
}

/** Creates the pupil's account (login + initial password, role pupil). 409 if the login is taken or one exists. */
export async function issuePupilAccount(db: Database, origin: AuditOrigin, facts: PupilAccountFacts, input: { login: string; password: string }): Promise<string> {
  const login = input.login.trim().toLowerCase();
  const fieldErrors = validatePupilAccountInput({ login, password: input.password });
  if (Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);
  if (facts.account) throw errors.conflict('pupil-account-exists', { ru: 'У обучающегося уже есть учётная запись', en: 'The pupil already has an account' });
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: account.id }).from(account).where(eq(account.login, login));
    if (taken) throw errors.validation({ login: { ru: 'Этот логин занят', en: 'This login is taken' } });
    const [row] = await tx.insert(account).values({ login, passwordHash, personId: facts.pupilId, displayName: facts.name || login }).returning({ id: account.id });
    await tx.insert(roleGrant).values({ accountId: row!.id, role: 'pupil', municipalityId: null, organizationId: null });
    await recordAudit(tx, origin, { action: 'create', entityType: 'pupil-account', entityId: row!.id, organizationId: facts.schools[0]?.organizationId ?? null, municipalityId: facts.schools[0]?.municipalityId ?? null, details: { pupilId: facts.pupilId } });
    return row!.id;
  });
}

/** Sets a new password on the pupil's account (and ends its sessions). */
export async function resetPupilPassword(db: Database, origin: AuditOrigin, facts: PupilAccountFacts, password: string): Promise<void> {
  const fieldErrors = validatePupilAccountInput({ password });
  if (Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);
  if (!facts.account) throw errors.notFound();
  const passwordHash = await hashPassword(password);
  const accountId = facts.account.id;
  await db.transaction(async (tx) => {
    // only an account that is a pupil's (never a staff account linked to the same person)
    const [grant] = await tx.select({ id: roleGrant.id }).from(roleGrant).where(and(eq(roleGrant.accountId, accountId), eq(roleGrant.role, 'pupil')));
    if (!grant) throw errors.forbidden();
    await tx.update(account).set({ passwordHash }).where(eq(account.id, accountId));
    await tx.execute(sql`DELETE FROM session WHERE account_id = ${accountId}`);
    await recordAudit(tx, origin, { action: 'update', entityType: 'pupil-account', entityId: accountId, details: { pupilId: facts.pupilId, change: 'password-reset' } });
  });
}

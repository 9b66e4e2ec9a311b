/**
 * The personal account: what the page shows (grants in words, sessions) and the TOTP second
 * factor for staff. Names of municipalities and organisations are read with plain SQL: the
 * platform knows these tables exist but never imports the registry's code.
 */
import { sql } from 'drizzle-orm';
import { roleNames, type Grant } from '../access/access.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit.ts';
import { queryRows, type Executor } from '../db/connect.ts';
import type { Message } from '../i18n/i18n.ts';
import { clearLoginFailures, countActiveSessions, findAccountById, lockedUntil, recordLoginFailure, setPendingTotpSecret, setTotpEnabled } from './accounts.ts';
import { newTotpSecret, verifyTotp } from './totp.ts';

export interface DescribedGrant {
  grant: Grant;
  role: Message;
  scope: Message;
}

/** "Специалист муниципалитета — город Краснодар": each grant's role and scope in words, in one query per kind. */
export async function describeGrants(db: Executor, grants: Grant[]): Promise<DescribedGrant[]> {
  const municipalityIds = [...new Set(grants.flatMap((g) => (g.municipalityId !== null ? [g.municipalityId] : [])))];
  const organizationIds = [...new Set(grants.flatMap((g) => (g.organizationId !== null ? [g.organizationId] : [])))];
  const needRegion = grants.some((g) => g.role === 'regionalAdmin');
  const [municipalities, organizations, regions] = await Promise.all([
    municipalityIds.length
      ? queryRows<{ id: number; name_ru: string; name_en: string }>(
          db,
          sql`SELECT id, name_ru, name_en FROM municipality WHERE id IN (${sql.join(municipalityIds.map((id) => sql`${id}`), sql`, `)})`,
        )
      : [],
    organizationIds.length
      ? queryRows<{ id: string; short_name: string }>(
          db,
          sql`SELECT id, short_name FROM organization WHERE id IN (${sql.join(organizationIds.map((id) => sql`${id}::uuid`), sql`, `)})`,
        )
      : [],
    needRegion ? queryRows<{ name_ru: string; name_en: string }>(db, sql`SELECT name_ru, name_en FROM region ORDER BY id LIMIT 1`) : [],
  ]);
  const municipalityName = new Map(municipalities.map((m) => [Number(m.id), { ru: m.name_ru, en: m.name_en }]));
  const organizationName = new Map(organizations.map((o) => [o.id, o.short_name]));
  const region = regions[0];
  return grants.map((grant) => {
    let scope: Message;
    if (grant.organizationId !== null) {
      const name = organizationName.get(grant.organizationId) ?? grant.organizationId;
      scope = { ru: name, en: name };
    } else if (grant.municipalityId !== null) {
      scope = municipalityName.get(grant.municipalityId) ?? { ru: `муниципалитет № ${grant.municipalityId}`, en: `municipality no. ${grant.municipalityId}` };
    } else if (grant.role === 'regionalAdmin') {
      scope = region ? { ru: region.name_ru, en: region.name_en } : { ru: 'весь регион', en: 'the whole region' };
    } else if (grant.role === 'guardian') {
      scope = { ru: 'свои дети', en: 'own children' };
    } else {
      scope = { ru: 'свои данные', en: 'own records' };
    }
    return { grant, role: roleNames[grant.role], scope };
  });
}

export interface AccountOverview {
  login: string;
  displayName: string;
  grants: DescribedGrant[];
  activeSessions: number;
  totpEnabled: boolean;
  /** A secret generated but not yet confirmed with a code. */
  totpPending: boolean;
}

export async function accountOverview(db: Executor, accountId: string, grants: Grant[], now: Date): Promise<AccountOverview | null> {
  const [row, described, activeSessions] = await Promise.all([
    findAccountById(db, accountId),
    describeGrants(db, grants),
    countActiveSessions(db, accountId, now),
  ]);
  if (!row) return null;
  return {
    login: row.login,
    displayName: row.displayName,
    grants: described,
    activeSessions,
    totpEnabled: row.totpEnabled,
    totpPending: !row.totpEnabled && !!row.totpSecret,
  };
}

// TOTP -----------------------------------------------------------------------------------------

/** Wrong codes on the account page count against the same lock as wrong codes at login. */
export const totpAttemptKey = (accountId: string) => `totp:${accountId}`;

export interface CodeLimits {
  now: Date;
  maxFailures: number;
  lockoutMinutes: number;
}

export type CodeCheck = { ok: true } | { ok: false; reason: 'wrong-code' | 'locked' | 'not-pending' | 'not-enabled'; lockedUntil?: Date };

/**
 * Starts enrolment: a new secret, kept beside the account but not in force until confirmed.
 * Starting again replaces an unconfirmed secret (a lost phone mid-setup).
 */
export async function startTotpEnrolment(db: Executor, accountId: string): Promise<string | null> {
  const row = await findAccountById(db, accountId);
  if (!row || row.totpEnabled) return null;
  const secret = newTotpSecret();
  await setPendingTotpSecret(db, accountId, secret);
  return secret;
}

/** The unconfirmed secret, to show on the enrolment page; null when there is none. */
export async function pendingTotpSecret(db: Executor, accountId: string): Promise<string | null> {
  const row = await findAccountById(db, accountId);
  return row && !row.totpEnabled && row.totpSecret ? row.totpSecret : null;
}

async function checkCode(db: Executor, accountId: string, secret: string, code: string, limits: CodeLimits): Promise<CodeCheck> {
  const key = totpAttemptKey(accountId);
  const lock = await lockedUntil(db, key, limits.now);
  if (lock) return { ok: false, reason: 'locked', lockedUntil: lock };
  if (!verifyTotp(secret, code, limits.now)) {
    const { locked } = await recordLoginFailure(db, key, limits);
    return locked
      ? { ok: false, reason: 'locked', lockedUntil: new Date(limits.now.getTime() + limits.lockoutMinutes * 60_000) }
      : { ok: false, reason: 'wrong-code' };
  }
  await clearLoginFailures(db, key);
  return { ok: true };
}

/** Switches TOTP on once a code from the app matches the pending secret. Audited. */
export async function confirmTotpEnrolment(db: Executor, origin: AuditOrigin, accountId: string, code: string, limits: CodeLimits): Promise<CodeCheck> {
  const secret = await pendingTotpSecret(db, accountId);
  if (!secret) return { ok: false, reason: 'not-pending' };
  const check = await checkCode(db, accountId, secret, code, limits);
  if (!check.ok) return check;
  await db.transaction(async (tx) => {
    await setTotpEnabled(tx, accountId, true);
    await recordAudit(tx, origin, { action: 'update', entityType: 'account', entityId: accountId, details: { change: 'totp-enabled' } });
  });
  return check;
}

/** Switches TOTP off; needs a current code, so a borrowed session alone cannot weaken the login. Audited. */
export async function disableTotp(db: Executor, origin: AuditOrigin, accountId: string, code: string, limits: CodeLimits): Promise<CodeCheck> {
  const row = await findAccountById(db, accountId);
  if (!row?.totpEnabled || !row.totpSecret) return { ok: false, reason: 'not-enabled' };
  const check = await checkCode(db, accountId, row.totpSecret, code, limits);
  if (!check.ok) return check;
  await db.transaction(async (tx) => {
    await setTotpEnabled(tx, accountId, false);
    await recordAudit(tx, origin, { action: 'update', entityType: 'account', entityId: accountId, details: { change: 'totp-disabled' } });
  });
  return check;
}

/**
 * Accounts, their role grants, sessions and failed-login counters. All of it lives in the
 * database, so any app process serves any user.
 */
import { and, count, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { isRole, type Actor, type Grant } from '../access/access.ts';
import { preparedRows, type Executor, type PreparedStatement } from '../db/connect.ts';
import { account, apiToken, loginAttempt, roleGrant, session } from './auth.schema.ts';
import { randomToken, tokenDigest } from './tokens.ts';

export type AccountRow = typeof account.$inferSelect;

export async function findAccountByLogin(db: Executor, login: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(account).where(eq(account.login, login.trim().toLowerCase())).limit(1);
  return row;
}

export async function findAccountById(db: Executor, id: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(account).where(eq(account.id, id)).limit(1);
  return row;
}

export async function grantsOf(db: Executor, accountId: string): Promise<Grant[]> {
  const rows = await db
    .select({ role: roleGrant.role, municipalityId: roleGrant.municipalityId, organizationId: roleGrant.organizationId })
    .from(roleGrant)
    .where(eq(roleGrant.accountId, accountId));
  return rows.flatMap((r) => (isRole(r.role) ? [{ role: r.role, municipalityId: r.municipalityId, organizationId: r.organizationId }] : []));
}

export function actorOf(row: AccountRow, grants: Grant[], via: 'session' | 'apiToken'): Actor {
  return { kind: 'account', accountId: row.id, personId: row.personId, displayName: row.displayName, grants, via };
}

// Sessions -----------------------------------------------------------------------------------

export interface NewSession {
  token: string;
  csrfToken: string;
}

export async function createSession(
  db: Executor,
  accountId: string,
  options: { now: Date; idleMinutes: number; secondFactorPending?: boolean; locale?: string },
): Promise<NewSession> {
  const token = randomToken();
  const csrfToken = randomToken();
  await db.insert(session).values({
    id: tokenDigest(token),
    accountId,
    csrfToken,
    secondFactorPending: options.secondFactorPending ?? false,
    locale: options.locale ?? 'ru',
    createdAt: options.now,
    lastSeenAt: options.now,
    expiresAt: new Date(options.now.getTime() + options.idleMinutes * 60_000),
  });
  return { token, csrfToken };
}

export interface ResolvedSession {
  id: string;
  csrfToken: string;
  secondFactorPending: boolean;
  account: AccountRow;
}

export interface SessionWithGrants extends ResolvedSession {
  grants: Grant[];
}

/**
 * Resolves many session tokens at once — each live session with its account and the account's
 * grants, in one statement — and touches the ones last seen over a minute ago in one more. The
 * request context coalesces the lookups of concurrent requests through this, so a burst (the
 * admission opening minute) costs one round trip per group of requests instead of two per
 * request (DESIGN.md "Scale-out": round trips are the budget). Keys of the map are the tokens.
 */
export async function resolveSessions(database: Executor, tokens: readonly string[], now: Date, idleMinutes: number): Promise<Map<string, SessionWithGrants>> {
  const byDigest = new Map<string, string[]>();
  for (const token of tokens) {
    const id = tokenDigest(token);
    byDigest.set(id, [...(byDigest.get(id) ?? []), token]);
  }
  const out = new Map<string, SessionWithGrants>();
  if (byDigest.size === 0) return out;
  const rows = await preparedRows<SessionLookupRow>(database, sessionLookup, [[...byDigest.keys()], now]);
  const stale = rows.filter((row) => now.getTime() - new Date(row.last_seen_at).getTime() > 60_000).map((row) => row.id);
  if (stale.length > 0) await preparedRows(database, sessionTouch, [stale, now, new Date(now.getTime() + idleMinutes * 60_000)]);
  for (const row of rows) {
    const grants = (row.grants ?? []).flatMap((g) => (isRole(g.role) ? [{ role: g.role, municipalityId: g.municipalityId, organizationId: g.organizationId }] : []));
    const resolved: SessionWithGrants = {
      id: row.id,
      csrfToken: row.csrf_token,
      secondFactorPending: row.second_factor_pending,
      account: {
        id: row.account_id,
        login: row.login,
        passwordHash: row.password_hash,
        personId: row.person_id,
        displayName: row.display_name,
        totpSecret: row.totp_secret,
        totpEnabled: row.totp_enabled,
        totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
        disabledAt: row.disabled_at === null ? null : new Date(row.disabled_at),
        createdAt: new Date(row.created_at),
      },
      grants,
    };
    for (const token of byDigest.get(row.id) ?? []) out.set(token, resolved);
  }
  return out;
}

interface SessionLookupRow {
  id: string;
  csrf_token: string;
  second_factor_pending: boolean;
  last_seen_at: Date | string;
  account_id: string;
  login: string;
  password_hash: string | null;
  person_id: string | null;
  display_name: string;
  totp_secret: string | null;
  totp_enabled: boolean;
  totp_last_step: string | number | null;
  disabled_at: Date | string | null;
  created_at: Date | string;
  grants: Array<{ role: string; municipalityId: number | null; organizationId: string | null }> | null;
}

// Every request with a cookie runs this: a prepared statement, planned once per connection.
export const sessionLookup: PreparedStatement = {
  name: 'session_lookup_v1',
  text: `SELECT s.id, s.csrf_token, s.second_factor_pending, s.last_seen_at,
                a.id AS account_id, a.login, a.password_hash, a.person_id, a.display_name, a.totp_secret, a.totp_enabled,
                a.totp_last_step, a.disabled_at, a.created_at,
                (SELECT jsonb_agg(jsonb_build_object('role', g.role, 'municipalityId', g.municipality_id, 'organizationId', g.organization_id))
                 FROM role_grant g WHERE g.account_id = a.id) AS grants
         FROM session s JOIN account a ON a.id = s.account_id
         WHERE s.id = ANY($1::text[]) AND s.expires_at > $2 AND a.disabled_at IS NULL`,
};

// Committed without waiting for the WAL flush (synchronous_commit off for this statement's own
// transaction only): a touch lost in a crash only ends a session a minute early, and on the
// parents' evening nearly every first page of a session touches it.
const sessionTouch: PreparedStatement = {
  name: 'session_touch_v2',
  text: `WITH no_flush AS (SELECT set_config('synchronous_commit', 'off', true))
         UPDATE session SET last_seen_at = $2, expires_at = $3 FROM no_flush WHERE id = ANY($1::text[])`,
};

export async function completeSecondFactor(db: Executor, sessionId: string): Promise<void> {
  await db.update(session).set({ secondFactorPending: false }).where(eq(session.id, sessionId));
}

export async function destroySession(db: Executor, sessionId: string): Promise<void> {
  await db.delete(session).where(eq(session.id, sessionId));
}

/** Live sessions of an account (signed in on how many devices), second-factor-pending included. */
export async function countActiveSessions(db: Executor, accountId: string, now: Date): Promise<number> {
  const [row] = await db.select({ n: count() }).from(session).where(and(eq(session.accountId, accountId), gt(session.expiresAt, now)));
  return Number(row?.n ?? 0);
}

export async function deleteExpiredSessions(db: Executor, now: Date): Promise<void> {
  await db.delete(session).where(lt(session.expiresAt, now));
}

// TOTP second factor --------------------------------------------------------------------------

/**
 * Stores a new secret that is not yet in force: login keeps asking for the password only until
 * the user proves with a code that the authenticator app holds the same secret.
 */
export async function setPendingTotpSecret(db: Executor, accountId: string, secret: string): Promise<void> {
  await db.update(account).set({ totpSecret: secret }).where(and(eq(account.id, accountId), eq(account.totpEnabled, false)));
}

export async function setTotpEnabled(db: Executor, accountId: string, enabled: boolean): Promise<void> {
  await db
    .update(account)
    .set(enabled ? { totpEnabled: true } : { totpEnabled: false, totpSecret: null })
    .where(eq(account.id, accountId));
}

// Failed logins ------------------------------------------------------------------------------

/** Until when a key (a login or a client address) is locked, if it is. */
export async function lockedUntil(db: Executor, key: string, now: Date): Promise<Date | null> {
  const [row] = await db.select({ lockedUntil: loginAttempt.lockedUntil }).from(loginAttempt).where(eq(loginAttempt.key, key));
  return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

/**
 * Counts a failure in a sliding window as long as the lockout; the failure that reaches the
 * limit locks the key. One atomic upsert, safe under concurrent attempts from several processes.
 */
export async function recordLoginFailure(
  db: Executor,
  key: string,
  options: { now: Date; maxFailures: number; lockoutMinutes: number },
): Promise<{ locked: boolean }> {
  const windowStart = new Date(options.now.getTime() - options.lockoutMinutes * 60_000);
  const lockUntil = new Date(options.now.getTime() + options.lockoutMinutes * 60_000);
  const [row] = await db
    .insert(loginAttempt)
    .values({ key, failures: 1, windowStartedAt: options.now, lockedUntil: options.maxFailures <= 1 ? lockUntil : null })
    .onConflictDoUpdate({
      target: loginAttempt.key,
      set: {
        failures: sql`CASE WHEN ${loginAttempt.windowStartedAt} < ${windowStart} THEN 1 ELSE ${loginAttempt.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${loginAttempt.windowStartedAt} < ${windowStart} THEN ${options.now} ELSE ${loginAttempt.windowStartedAt} END`,
        lockedUntil: sql`CASE WHEN ${loginAttempt.windowStartedAt} >= ${windowStart} AND ${loginAttempt.failures} + 1 >= ${options.maxFailures} THEN ${lockUntil}::timestamptz ELSE ${loginAttempt.lockedUntil} END`,
      },
    })
    .returning({ lockedUntil: loginAttempt.lockedUntil });
  return { locked: !!row?.lockedUntil && row.lockedUntil > options.now };
}

export async function clearLoginFailures(db: Executor, key: string): Promise<void> {
  await db.delete(loginAttempt).where(eq(loginAttempt.key, key));
}

// API tokens ---------------------------------------------------------------------------------

/** The actor an API bearer token stands for: its account with the token's one grant. */
export async function actorFromApiToken(db: Executor, token: string, now: Date): Promise<Actor | null> {
  const [row] = await db
    .select({ token: apiToken, account })
    .from(apiToken)
    .innerJoin(account, eq(account.id, apiToken.accountId))
    .where(and(eq(apiToken.tokenHash, tokenDigest(token)), isNull(apiToken.revokedAt), isNull(account.disabledAt)))
    .limit(1);
  if (!row) return null;
  if (row.token.expiresAt && row.token.expiresAt <= now) return null;
  if (!isRole(row.token.role)) return null;
  // The token works only while its account still holds the grant it was issued under.
  const grants = await grantsOf(db, row.account.id);
  const grant: Grant = { role: row.token.role, municipalityId: row.token.municipalityId, organizationId: row.token.organizationId };
  const stillHeld = grants.some(
    (g) => g.role === grant.role && g.municipalityId === grant.municipalityId && g.organizationId === grant.organizationId,
  );
  if (!stillHeld) return null;
  if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > 60_000) {
    await db.update(apiToken).set({ lastUsedAt: now }).where(eq(apiToken.id, row.token.id));
  }
  return { kind: 'account', accountId: row.account.id, personId: row.account.personId, displayName: `${row.account.displayName} / ${row.token.name}`, grants: [grant], via: 'apiToken' };
}

/**
 * Accepts a TOTP time step once (RFC 6238 §5.2): true only if it is later than the last step
 * accepted for the account. One atomic UPDATE, so two concurrent logins with one code cannot both pass.
 */
export async function claimTotpStep(db: Executor, accountId: string, step: number): Promise<boolean> {
  const rows = await db
    .update(account)
    .set({ totpLastStep: step })
    .where(and(eq(account.id, accountId), sql`(${account.totpLastStep} IS NULL OR ${account.totpLastStep} < ${step})`))
    .returning({ id: account.id });
  return rows.length === 1;
}

/**
 * Login through an external OpenID Connect provider (the state ESIA works this way): the
 * authorization code flow with PKCE (S256), a state and a nonce, and the linking of the
 * external identity to a person of the registry by SNILS.
 *
 * What lives where, so that the callback may land on any app process:
 * - the state value travels in the browser, in a short-lived HttpOnly cookie (binding the
 *   callback to the browser that started the login: no login CSRF);
 * - the PKCE verifier and the nonce stay on the server, in `oidc_login_state` (migration
 *   0006), keyed by the SHA-256 of the state and deleted on first use;
 * - the provider's metadata and keys are cached per process (they are public and refetched
 *   when the provider rotates its keys).
 *
 * Linking rules (one transaction):
 * 1. (issuer, subject) already in `external_identity` → that account.
 * 2. Else a person with the SNILS claim: their account gets the link; a person without an
 *    account gets a new one (login `esia-<subject>`, no password, no staff roles; the
 *    `guardian` role when the person is a guardian in `guardian_link`). Staff roles are
 *    never granted here: they come from an administrator.
 * 3. No such person → refused, nothing created.
 *
 * `platform/` may not import the registry, so the two registry tables read here (`person`,
 * `guardian_link`) are queried with plain SQL.
 */
import * as client from 'openid-client';
import { and, eq, lt, sql } from 'drizzle-orm';
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit.ts';
import type { Database, Executor } from '../db/connect.ts';
import { queryRows } from '../db/connect.ts';
import { createSession, destroySession, findAccountById, type AccountRow, type NewSession } from './accounts.ts';
import { account, externalIdentity, roleGrant } from './auth.schema.ts';
import { randomToken, tokenDigest } from './tokens.ts';

/** Mirror of `oidc_login_state` (migrations/0006_oidc_login_state.sql). */
export const oidcLoginState = pgTable('oidc_login_state', {
  stateHash: text('state_hash').primaryKey(),
  codeVerifier: text('code_verifier').notNull(),
  nonce: text('nonce').notNull(),
  returnTo: text('return_to').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/** The cookie that carries the state between our redirect and the provider's callback. */
export const OIDC_STATE_COOKIE = 'prostor_oidc_state';
/** How long a user has to finish logging in at the provider. */
export const OIDC_STATE_TTL_MINUTES = 10;
/** ESIA names the SNILS scope and claim `snils`; a generic provider can map them the same way. */
export const OIDC_SCOPE = 'openid snils';
export const OIDC_CALLBACK_PATH = '/login/oidc/callback';

/** Why an OIDC login did not end in a session; the routes turn each into a page. */
export type OidcFailure =
  | 'provider-unavailable'
  | 'state-mismatch'
  | 'state-expired'
  | 'access-denied'
  | 'provider-error'
  | 'no-snils'
  | 'unknown-person'
  | 'account-disabled';

export class OidcLoginError extends Error {
  override name = 'OidcLoginError';
  constructor(
    readonly reason: OidcFailure,
    cause?: unknown,
  ) {
    super(`OIDC login failed: ${reason}`, { cause });
  }
}

// The provider -------------------------------------------------------------------------------

export interface OidcProvider {
  issuer: string;
  redirectUri: string;
  /** The provider's discovered configuration; fetched once per process, retried after a failure. */
  configuration(): Promise<client.Configuration>;
}

/** The configured provider, or null when OIDC_ISSUER is not set. */
export function oidcProviderFromConfig(config: Config, logger: Pick<Logger, 'warn'>): OidcProvider | null {
  if (!config.oidcIssuer || !config.oidcClientId || !config.oidcClientSecret) return null;
  const issuer = config.oidcIssuer;
  const clientId = config.oidcClientId;
  const clientSecret = config.oidcClientSecret;
  // openid-client refuses plain http. A plain-http issuer is only for development and tests
  // (a provider on localhost or in docker-compose); production issuers are https.
  const insecure = new URL(issuer).protocol === 'http:';
  if (insecure) logger.warn({ issuer }, 'OIDC issuer uses plain http: acceptable for development and tests only');
  let pending: Promise<client.Configuration> | null = null;
  return {
    issuer,
    redirectUri: `${config.publicUrl}${OIDC_CALLBACK_PATH}`,
    configuration() {
      pending ??= client
        .discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(clientSecret), {
          ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
          timeout: 10,
        })
        .catch((error: unknown) => {
          pending = null;
          throw new OidcLoginError('provider-unavailable', error);
        });
      return pending;
    },
  };
}

/** Whether a failure talking to the provider means it is down (rather than it said no). */
function isUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TypeError) return true; // fetch failed: refused, reset, DNS
    const name = (e as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    if (e instanceof Response && e.status >= 500) return true;
  }
  return false;
}

// Starting a login ---------------------------------------------------------------------------

/**
 * Remembers a new login attempt and returns the provider's authorization URL and the state
 * to put in the browser's cookie.
 */
export async function beginOidcLogin(
  db: Executor,
  provider: OidcProvider,
  options: { now: Date; returnTo: string },
): Promise<{ state: string; authorizationUrl: URL }> {
  const configuration = await provider.configuration();
  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = client.randomPKCECodeVerifier();
  const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
  // Abandoned attempts are swept here: a cheap indexed delete, and no job to forget.
  await db.delete(oidcLoginState).where(lt(oidcLoginState.expiresAt, options.now));
  await db.insert(oidcLoginState).values({
    stateHash: tokenDigest(state),
    codeVerifier,
    nonce,
    returnTo: options.returnTo,
    createdAt: options.now,
    expiresAt: new Date(options.now.getTime() + OIDC_STATE_TTL_MINUTES * 60_000),
  });
  const authorizationUrl = client.buildAuthorizationUrl(configuration, {
    redirect_uri: provider.redirectUri,
    scope: OIDC_SCOPE,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { state, authorizationUrl };
}

// Finishing a login --------------------------------------------------------------------------

export interface PendingOidcLogin {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
}

/** Takes (and deletes: a state is single-use) the attempt behind a state; null if unknown or expired. */
export async function takeOidcLoginState(db: Executor, state: string, now: Date): Promise<PendingOidcLogin | null> {
  const [row] = await db.delete(oidcLoginState).where(eq(oidcLoginState.stateHash, tokenDigest(state))).returning();
  if (!row || row.expiresAt <= now) return null;
  return { codeVerifier: row.codeVerifier, nonce: row.nonce, returnTo: row.returnTo };
}

export interface ExternalIdentity {
  issuer: string;
  subject: string;
  /** 11 digits, or null when the provider did not share it. */
  snils: string | null;
}

/** "123-456-789 01" (how ESIA writes it) → "12345678901"; anything that is not 11 digits → null. */
export function normalizeSnilsClaim(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const digits = String(value).replace(/[\s-]/g, '');
  return /^\d{11}$/.test(digits) ? digits : null;
}

/**
 * Exchanges the code from the callback for tokens; openid-client checks the state, the issuer,
 * the PKCE verifier, and the ID token's signature, audience, expiry and nonce. The SNILS is
 * read from the ID token or, where the provider keeps it out of the ID token (oidc-provider
 * does by default), from the userinfo endpoint.
 */
export async function finishOidcLogin(
  provider: OidcProvider,
  callbackQuery: string,
  state: string,
  pending: PendingOidcLogin,
): Promise<ExternalIdentity> {
  const configuration = await provider.configuration();
  // The redirect_uri sent with the code is derived from this URL, so it must be the registered one.
  const currentUrl = new URL(provider.redirectUri);
  currentUrl.search = callbackQuery;
  try {
    const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new OidcLoginError('provider-error');
    let snils = normalizeSnilsClaim(claims.snils);
    if (!snils && tokens.access_token) {
      const userInfo = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      snils = normalizeSnilsClaim(userInfo.snils);
    }
    return { issuer: claims.iss, subject: claims.sub, snils };
  } catch (error) {
    if (error instanceof OidcLoginError) throw error;
    if (error instanceof client.AuthorizationResponseError && error.error === 'access_denied') {
      throw new OidcLoginError('access-denied', error);
    }
    throw new OidcLoginError(isUnavailable(error) ? 'provider-unavailable' : 'provider-error', error);
  }
}

// Linking and the session --------------------------------------------------------------------

interface PersonMatch {
  id: string;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  account_id: string | null;
  is_guardian: boolean;
}

/** A login made from the subject; the subject is the provider's opaque id, often digits (ESIA oid). */
function loginFor(subject: string, suffix = ''): string {
  const cleaned = subject.toLowerCase();
  const base = /^[a-z0-9._-]{1,80}$/.test(cleaned) ? cleaned : tokenDigest(subject).slice(0, 32);
  return `esia-${base}${suffix}`;
}

type Linked = { account: AccountRow; linkedNow: boolean; createdNow: boolean };

/** The account an external identity stands for, linking or creating it by SNILS (rules above). */
async function linkIdentity(tx: Executor, origin: AuditOrigin, identity: ExternalIdentity, now: Date): Promise<Linked> {
  const [existing] = await tx
    .select({ account })
    .from(externalIdentity)
    .innerJoin(account, eq(account.id, externalIdentity.accountId))
    .where(and(eq(externalIdentity.issuer, identity.issuer), eq(externalIdentity.subject, identity.subject)))
    .limit(1);
  if (existing) return { account: existing.account, linkedNow: false, createdNow: false };

  if (!identity.snils) throw new OidcLoginError('no-snils');
  const [person] = await queryRows<PersonMatch>(
    tx,
    sql`SELECT p.id, p.last_name, p.first_name, p.middle_name, a.id AS account_id,
               EXISTS (SELECT 1 FROM guardian_link g WHERE g.guardian_id = p.id) AS is_guardian
        FROM person p LEFT JOIN account a ON a.person_id = p.id
        WHERE p.snils = ${identity.snils}`,
  );
  if (!person) throw new OidcLoginError('unknown-person');

  let target: AccountRow | undefined = person.account_id ? await findAccountById(tx, person.account_id) : undefined;
  let createdNow = false;
  if (!target) {
    const displayName = [person.last_name, person.first_name, person.middle_name].filter(Boolean).join(' ');
    // ON CONFLICT DO NOTHING: a concurrent first login of the same person (person_id is unique)
    // or, rarely, someone else already holding the login (then a suffix is added).
    for (const suffix of ['', `-${randomToken().slice(0, 6).toLowerCase().replace(/[^a-z0-9]/g, '0')}`]) {
      const [created] = await tx
        .insert(account)
        .values({ login: loginFor(identity.subject, suffix), passwordHash: null, personId: person.id, displayName, createdAt: now })
        .onConflictDoNothing()
        .returning();
      if (created) {
        target = created;
        createdNow = true;
        break;
      }
      [target] = await tx.select().from(account).where(eq(account.personId, person.id)).limit(1);
      if (target) break;
    }
    if (!target) throw new Error('could not create an account for an external identity');
    if (createdNow) {
      await recordAudit(tx, origin, {
        action: 'create',
        entityType: 'account',
        entityId: target.id,
        details: { via: 'oidc', issuer: identity.issuer },
      });
      if (person.is_guardian) {
        await tx.insert(roleGrant).values({ accountId: target.id, role: 'guardian', grantedAt: now }).onConflictDoNothing();
        await recordAudit(tx, origin, { action: 'grant', entityType: 'account', entityId: target.id, details: { role: 'guardian', via: 'oidc' } });
      }
    }
  }
  if (target.disabledAt) throw new OidcLoginError('account-disabled');

  const [linked] = await tx
    .insert(externalIdentity)
    .values({ issuer: identity.issuer, subject: identity.subject, accountId: target.id, linkedAt: now })
    .onConflictDoNothing()
    .returning();
  if (!linked) {
    // A concurrent callback linked this identity first: use whatever it linked to.
    const [winner] = await tx
      .select({ account })
      .from(externalIdentity)
      .innerJoin(account, eq(account.id, externalIdentity.accountId))
      .where(and(eq(externalIdentity.issuer, identity.issuer), eq(externalIdentity.subject, identity.subject)))
      .limit(1);
    if (!winner) throw new Error('external identity vanished while linking');
    return { account: winner.account, linkedNow: false, createdNow };
  }
  await recordAudit(tx, origin, {
    action: 'create',
    entityType: 'external-identity',
    entityId: target.id,
    details: { issuer: identity.issuer, subject: identity.subject },
  });
  return { account: target, linkedNow: true, createdNow };
}

export interface OidcLoginResult {
  account: AccountRow;
  session: NewSession;
  secondFactorPending: boolean;
  linkedNow: boolean;
  createdNow: boolean;
}

/**
 * Links the identity, replaces any previous session with a new one and audits the login, all
 * in one transaction. Accounts with TOTP get a session that still awaits the second factor
 * (the `login` event is then written when the code is entered, as for a password login).
 * A refusal (OidcLoginError) is audited as `login-failed` and nothing else is kept.
 */
export async function completeOidcLogin(
  db: Database,
  origin: AuditOrigin,
  identity: ExternalIdentity,
  options: { now: Date; idleMinutes: number; locale: string; previousSessionId: string | null },
): Promise<OidcLoginResult> {
  try {
    return await db.transaction(async (tx) => {
      const linked = await linkIdentity(tx, origin, identity, options.now);
      const { account: target } = linked;
      if (options.previousSessionId) await destroySession(tx, options.previousSessionId);
      const session = await createSession(tx, target.id, {
        now: options.now,
        idleMinutes: options.idleMinutes,
        secondFactorPending: target.totpEnabled,
        locale: options.locale,
      });
      if (!target.totpEnabled) {
        const actor = { kind: 'account' as const, accountId: target.id, personId: target.personId, displayName: target.displayName, grants: [], via: 'session' as const };
        await recordAudit(tx, { ...origin, actor }, {
          action: 'login',
          entityType: 'account',
          entityId: target.id,
          details: { method: 'oidc', issuer: identity.issuer },
        });
      }
      return { ...linked, session, secondFactorPending: target.totpEnabled };
    });
  } catch (error) {
    if (error instanceof OidcLoginError) {
      await recordOidcFailure(db, origin, error.reason, identity);
    }
    throw error;
  }
}

/** Audits a refused OIDC login. The SNILS is never written; the provider's subject is. */
export async function recordOidcFailure(
  db: Executor,
  origin: AuditOrigin,
  reason: OidcFailure,
  identity: Partial<ExternalIdentity> = {},
): Promise<void> {
  await recordAudit(db, origin, {
    action: 'login-failed',
    entityType: 'account',
    entityId: null,
    details: { method: 'oidc', reason, ...(identity.issuer ? { issuer: identity.issuer } : {}), ...(identity.subject ? { subject: identity.subject } : {}) },
  });
}

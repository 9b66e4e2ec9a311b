/**
 * API tokens for integrations. A token acts as its account with exactly one of the account's
 * grants (role + scope), like a narrower login; only its SHA-256 is stored, so the token itself
 * is shown once, at issue. Authentication with a token is `actorFromApiToken` in accounts.ts.
 */
import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import { isRole, type Grant } from '../access/access.ts';
import { recordAudit, type AuditOrigin } from '../audit/audit.ts';
import type { Executor } from '../db/connect.ts';
import { errors, type FieldErrors } from '../errors.ts';
import { apiToken } from './auth.schema.ts';
import { randomToken, tokenDigest } from './tokens.ts';

/** The prefix tells secret scanners and people what a leaked string is. */
export const API_TOKEN_PREFIX = 'prostor_';

/** Live tokens per account. It bounds the list (no pagination needed) and the damage of a script gone wrong. */
export const MAX_ACTIVE_TOKENS = 20;

export type ApiTokenStatus = 'active' | 'expired' | 'revoked';

export interface ApiTokenItem {
  id: string;
  name: string;
  grant: Grant;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  status: ApiTokenStatus;
}

type ApiTokenRow = typeof apiToken.$inferSelect;

function toItem(row: ApiTokenRow, now: Date): ApiTokenItem {
  const status: ApiTokenStatus = row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt <= now ? 'expired' : 'active';
  return {
    id: row.id,
    name: row.name,
    grant: { role: isRole(row.role) ? row.role : 'teacher', municipalityId: row.municipalityId, organizationId: row.organizationId },
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
    status,
  };
}

/** The account's tokens, newest first (at most MAX_ACTIVE_TOKENS live ones plus recent dead ones). */
export async function listApiTokens(db: Executor, accountId: string, now: Date): Promise<ApiTokenItem[]> {
  const rows = await db
    .select()
    .from(apiToken)
    .where(eq(apiToken.accountId, accountId))
    .orderBy(desc(apiToken.createdAt), desc(apiToken.id))
    .limit(MAX_ACTIVE_TOKENS * 3);
  return rows.map((r) => toItem(r, now));
}

export interface NewApiToken {
  name: string;
  grant: Grant;
  expiresAt: Date | null;
}

const tokenMessages = {
  nameMissing: { ru: 'Введите название токена', en: 'Enter a name for the token' },
  nameTooLong: { ru: 'Название — не длиннее 100 символов', en: 'The name must be at most 100 characters' },
  expiryPast: { ru: 'Срок действия должен быть в будущем', en: 'The expiry must be in the future' },
  tooMany: {
    ru: `У вас уже ${MAX_ACTIVE_TOKENS} действующих токенов. Отзовите ненужные`,
    en: `You already have ${MAX_ACTIVE_TOKENS} live tokens. Revoke the ones you do not need`,
  },
};

/**
 * Issues a token for one of the account's grants; the caller has authorised the grant with
 * `apiTokenPolicy`. Returns the token (to show once) and its record.
 */
export async function issueApiToken(
  db: Executor,
  origin: AuditOrigin,
  accountId: string,
  input: NewApiToken,
  now: Date,
): Promise<{ token: string; item: ApiTokenItem }> {
  const name = input.name.trim();
  const fields: FieldErrors = {};
  if (!name) fields.name = tokenMessages.nameMissing;
  else if (name.length > 100) fields.name = tokenMessages.nameTooLong;
  if (input.expiresAt && input.expiresAt <= now) fields.expiresAt = tokenMessages.expiryPast;
  if (Object.keys(fields).length) throw errors.validation(fields);

  const token = API_TOKEN_PREFIX + randomToken();
  return db.transaction(async (tx) => {
    const live = await tx
      .select({ id: apiToken.id })
      .from(apiToken)
      .where(and(eq(apiToken.accountId, accountId), isNull(apiToken.revokedAt), or(isNull(apiToken.expiresAt), gt(apiToken.expiresAt, now))))
      .limit(MAX_ACTIVE_TOKENS);
    if (live.length >= MAX_ACTIVE_TOKENS) throw errors.conflict('too-many-tokens', tokenMessages.tooMany);
    const [row] = await tx
      .insert(apiToken)
      .values({
        accountId,
        name,
        tokenHash: tokenDigest(token),
        role: input.grant.role,
        municipalityId: input.grant.municipalityId,
        organizationId: input.grant.organizationId,
        createdAt: now,
        expiresAt: input.expiresAt,
      })
      .returning();
    await recordAudit(tx, origin, {
      action: 'create',
      entityType: 'api_token',
      entityId: row!.id,
      municipalityId: input.grant.municipalityId,
      organizationId: input.grant.organizationId,
      details: { name, role: input.grant.role, expiresAt: input.expiresAt?.toISOString() ?? null },
    });
    return { token, item: toItem(row!, now) };
  });
}

/** Revokes one of the account's own tokens; 404 for a token that is not theirs. Idempotent. */
export async function revokeApiToken(db: Executor, origin: AuditOrigin, accountId: string, tokenId: string, now: Date): Promise<ApiTokenItem> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(apiToken)
      .where(and(eq(apiToken.id, tokenId), eq(apiToken.accountId, accountId)))
      .for('update');
    if (!row) throw errors.notFound();
    if (row.revokedAt) return toItem(row, now);
    const [updated] = await tx.update(apiToken).set({ revokedAt: now }).where(eq(apiToken.id, tokenId)).returning();
    await recordAudit(tx, origin, {
      action: 'revoke',
      entityType: 'api_token',
      entityId: tokenId,
      municipalityId: row.municipalityId,
      organizationId: row.organizationId,
      details: { name: row.name, role: row.role },
    });
    return toItem(updated!, now);
  });
}

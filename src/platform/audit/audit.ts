/**
 * The audit log: who did what, when, from where, in which scope. Writes go through
 * `recordAudit`, inside the same transaction as the change they describe, so a change and its
 * audit record commit or fail together. The database chains and guards the rows (see
 * migrations/0001_foundation.sql): UPDATE, DELETE and TRUNCATE are rejected.
 */
import { and, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../access/access.ts';
import { queryRows, type Executor } from '../db/connect.ts';
import { auditEvent } from './audit.schema.ts';

export type AuditAction = 'create' | 'update' | 'delete' | 'read' | 'login' | 'logout' | 'login-failed' | 'grant' | 'revoke' | 'export';

/** Where a request came from, for the audit record. */
export interface AuditOrigin {
  actor: Actor;
  ip: string | null;
  requestId: string | null;
}

export interface AuditEntry {
  action: AuditAction;
  entityType: string;
  entityId?: string | null;
  municipalityId?: number | null;
  organizationId?: string | null;
  details?: Record<string, unknown>;
}

export function actorLabel(actor: Actor): string {
  if (actor.kind === 'anonymous') return 'anonymous';
  return actor.via === 'apiToken' ? `api-token:${actor.displayName}` : actor.displayName;
}

export async function recordAudit(executor: Executor, origin: AuditOrigin, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await executor.insert(auditEvent).values(
    list.map((e) => ({
      // seq, prev_hash and hash are filled in by the chaining trigger
      seq: 0,
      prevHash: '',
      hash: '',
      actorAccountId: origin.actor.kind === 'account' ? origin.actor.accountId : null,
      actorLabel: actorLabel(origin.actor),
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId ?? null,
      municipalityId: e.municipalityId ?? null,
      organizationId: e.organizationId ?? null,
      ip: origin.ip,
      requestId: origin.requestId,
      details: e.details ?? {},
    })),
  );
}

export interface AuditQuery {
  action?: string;
  entityType?: string;
  entityId?: string;
  actorAccountId?: string;
  municipalityId?: number;
  from?: Date;
  to?: Date;
  /** keyset: events with seq below this */
  beforeSeq?: number;
  limit: number;
}

export type AuditEventRow = typeof auditEvent.$inferSelect;

/** Newest first, keyset-paginated by seq. */
export async function listAuditEvents(executor: Executor, query: AuditQuery): Promise<AuditEventRow[]> {
  const conditions: SQL[] = [];
  if (query.action) conditions.push(eq(auditEvent.action, query.action));
  if (query.entityType) conditions.push(eq(auditEvent.entityType, query.entityType));
  if (query.entityId) conditions.push(eq(auditEvent.entityId, query.entityId));
  if (query.actorAccountId) conditions.push(eq(auditEvent.actorAccountId, query.actorAccountId));
  if (query.municipalityId !== undefined) conditions.push(eq(auditEvent.municipalityId, query.municipalityId));
  if (query.from) conditions.push(gte(auditEvent.occurredAt, query.from));
  if (query.to) conditions.push(lte(auditEvent.occurredAt, query.to));
  if (query.beforeSeq !== undefined) conditions.push(lt(auditEvent.seq, query.beforeSeq));
  return executor
    .select()
    .from(auditEvent)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditEvent.seq))
    .limit(query.limit);
}

export type ChainVerdict =
  | { ok: true; events: number }
  | { ok: false; events: number; brokenAtSeq: number; reason: string };

/**
 * Walks the chain in order and names the first broken link: a row whose hash does not match
 * its content, whose prev_hash is not the previous row's hash, or a gap in the sequence.
 */
export async function verifyAuditChain(executor: Executor, batchSize = 5000): Promise<ChainVerdict> {
  let previousHash = '0'.repeat(64);
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await queryRows<{ seq: string | number; prev_hash: string; hash: string; recomputed: string }>(
      executor,
      sql`SELECT seq, prev_hash, hash, audit_event_digest(a) AS recomputed
          FROM audit_event a WHERE seq >= ${expectedSeq} ORDER BY seq LIMIT ${batchSize}`,
    );
    if (rows.length === 0) return { ok: true, events: checked };
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        return { ok: false, events: checked, brokenAtSeq: expectedSeq, reason: `event ${expectedSeq} is missing (next is ${seq})` };
      }
      if (row.prev_hash !== previousHash) {
        return { ok: false, events: checked, brokenAtSeq: seq, reason: `event ${seq} does not link to the hash of event ${seq - 1}` };
      }
      if (row.recomputed !== row.hash) {
        return { ok: false, events: checked, brokenAtSeq: seq, reason: `event ${seq} was altered: its content does not match its hash` };
      }
      previousHash = row.hash;
      expectedSeq = seq + 1;
      checked += 1;
    }
  }
}

/**
 * The audit log for regional administrators: the /audit page and GET /api/v1/audit. Both use
 * the same filters and the same service (audit-browse.ts); the page also runs a full check of
 * the hash chain on each view (fine while the log is small; a job will take it over later).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { authorize } from '../access/access.ts';
import type { AppContext } from '../context.ts';
import type { Executor } from '../db/connect.ts';
import { errors } from '../errors.ts';
import { translate } from '../i18n/i18n.ts';
import { noStore } from '../http/request-context.ts';
import { sendPage } from '../../web/respond.tsx';
import { verifyAuditChain } from './audit.ts';
import { auditPolicy } from './audit.policy.ts';
import { auditActionLabel, browseAuditLog, parseAuditFilters, regionTimeZone, type RawAuditFilters } from './audit-browse.ts';
import { AuditLogView } from './views/audit-log.tsx';

export interface AuditRouteOptions {
  /**
   * The region's municipalities for the filter and the scope column. Passed in by app.ts because
   * the platform does not import the registry.
   */
  municipalities?: (executor: Executor) => Promise<Array<{ id: number; nameRu: string; nameEn: string }>>;
}

const rawKeys = ['action', 'entityType', 'entityId', 'actor', 'municipalityId', 'from', 'to', 'before', 'after', 'limit'] as const;

function rawFilters(query: unknown): RawAuditFilters {
  const source = (query ?? {}) as Record<string, unknown>;
  const raw: RawAuditFilters = {};
  for (const key of rawKeys) {
    const value = source[key];
    if (typeof value === 'string') raw[key] = value;
    else if (typeof value === 'number') raw[key] = String(value);
  }
  return raw;
}

function pageHref(raw: RawAuditFilters, cursor: { before?: number; after?: number }): string {
  const params = new URLSearchParams();
  for (const key of rawKeys) {
    if (key === 'before' || key === 'after') continue;
    const value = raw[key];
    if (value) params.set(key, value);
  }
  if (cursor.before !== undefined) params.set('before', String(cursor.before));
  if (cursor.after !== undefined) params.set('after', String(cursor.after));
  return `/audit?${params.toString()}`;
}

const AuditQuery = Type.Object(
  {
    action: Type.Optional(Type.String({ maxLength: 100, description: 'Action code, e.g. create, update, read, login' })),
    entityType: Type.Optional(Type.String({ maxLength: 200 })),
    entityId: Type.Optional(Type.String({ maxLength: 200 })),
    actor: Type.Optional(Type.String({ maxLength: 200, description: 'Login or account id of who acted' })),
    municipalityId: Type.Optional(Type.Integer({ minimum: 1 })),
    from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'First day, inclusive, in the region time zone (Europe/Moscow)' })),
    to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Last day, inclusive, in the region time zone (Europe/Moscow)' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'Keyset cursor: events with a smaller seq' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

const AuditEventJson = Type.Object({
  seq: Type.Integer(),
  occurredAt: Type.String({ format: 'date-time' }),
  actorAccountId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.String(),
  action: Type.String(),
  actionLabel: Type.String({ description: 'The action in the request language' }),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  municipalityId: Type.Union([Type.Integer(), Type.Null()]),
  organizationId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String(),
  chainStatus: Type.Union([Type.Literal('intact'), Type.Literal('altered'), Type.Literal('unlinked')]),
});

const AuditPageJson = Type.Object({
  items: Type.Array(AuditEventJson),
  nextBefore: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as `before` for the next (older) page; null on the last page' }),
});

export function registerAuditRoutes(app: FastifyInstance, context: AppContext, options: AuditRouteOptions = {}): void {
  app.get('/audit', { schema: { hide: true } }, async (request, reply) => {
    const raw = rawFilters(request.query);
    authorize(request.actor, auditPolicy, 'browse', null);
    const { filters, errors: fieldErrors } = parseAuditFilters(raw);
    const hasErrors = Object.keys(fieldErrors).length > 0;
    const [page, verdict, municipalities] = await Promise.all([
      hasErrors ? Promise.resolve({ events: [], olderBefore: null, newerAfter: null }) : browseAuditLog(context.db, filters, regionTimeZone),
      verifyAuditChain(context.db),
      options.municipalities ? options.municipalities(context.db) : Promise.resolve([]),
    ]);
    noStore(reply);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Журнал аудита', en: 'Audit log' }),
      <AuditLogView
        raw={raw}
        errors={fieldErrors}
        events={page.events}
        verdict={verdict}
        municipalities={municipalities.map((m) => ({ id: m.id, name: request.locale === 'ru' ? m.nameRu : m.nameEn }))}
        olderHref={page.olderBefore !== null ? pageHref(raw, { before: page.olderBefore }) : null}
        newerHref={page.newerAfter !== null ? pageHref(raw, { after: page.newerAfter }) : null}
        timeZone={regionTimeZone}
      />,
      hasErrors ? 422 : 200,
    );
  });

  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit events, newest first (regional administrators only)',
        description: 'Keyset-paginated by seq. Each event carries its own chain status; run `prostor verify-audit` for a full check.',
        querystring: AuditQuery,
        response: { 200: AuditPageJson },
      },
    },
    async (request) => {
      authorize(request.actor, auditPolicy, 'browse', null);
      const { filters, errors: fieldErrors } = parseAuditFilters(rawFilters(request.query));
      if (Object.keys(fieldErrors).length) throw errors.validation(fieldErrors);
      const page = await browseAuditLog(context.db, filters, regionTimeZone);
      return {
        items: page.events.map((e) => ({
          seq: e.seq,
          occurredAt: e.occurredAt.toISOString(),
          actorAccountId: e.actorAccountId,
          actorLabel: e.actorLabel,
          action: e.action,
          actionLabel: translate(request.locale, auditActionLabel(e.action)),
          entityType: e.entityType,
          entityId: e.entityId,
          municipalityId: e.municipalityId,
          organizationId: e.organizationId,
          ip: e.ip,
          requestId: e.requestId,
          details: e.details,
          hash: e.hash,
          chainStatus: e.chainStatus,
        })),
        nextBefore: page.olderBefore,
      };
    },
  );
}

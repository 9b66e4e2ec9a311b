/**
 * The person's inbox (/notifications, GET /api/v1/notifications) and, in demo mode only, the
 * outbox of every e-mail (/outbox). Handlers: validate → authenticate → authorize → service →
 * render; the queries are in notify.ts.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { authorize } from '../access/access.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../errors.ts';
import { translate } from '../i18n/i18n.ts';
import { noStore } from '../http/request-context.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { listNotifications, listOutbox, markAllNotificationsRead, markNotificationRead, type Page, type NotificationRow } from './notify.ts';
import { inboxPolicy, outboxPolicy } from './notify.policy.ts';
import { InboxView } from './views/inbox.tsx';
import { OutboxView } from './views/outbox.tsx';

const PAGE_SIZE = 20;

const BeforeQuery = Type.Object(
  { before: Type.Optional(Type.Integer({ minimum: 1, description: 'Keyset cursor: items with a smaller id' })) },
  { additionalProperties: false },
);
const ApiQuery = Type.Object(
  {
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'Keyset cursor: notices with a smaller id' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: PAGE_SIZE })),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ReadForm = Type.Object({ _csrf: Type.Optional(Type.String()), before: Type.Optional(Type.String({ maxLength: 20 })) });

const NotificationJson = Type.Object({
  id: Type.Integer(),
  subject: Type.String(),
  body: Type.String(),
  link: Type.Union([Type.String(), Type.Null()], { description: 'A path in the platform with the details' }),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const NotificationPageJson = Type.Object({
  items: Type.Array(NotificationJson),
  nextBefore: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as `before` for the next (older) page; null on the last page' }),
});

const emptyPage: Page<NotificationRow> = { items: [], nextBefore: null };

/** A positive integer cursor from a hidden form field, or null. */
function cursorOf(value: string | undefined): number | null {
  return value && /^\d{1,15}$/.test(value) && Number(value) > 0 ? Number(value) : null;
}

export function registerNotifyRoutes(app: FastifyInstance, context: AppContext): void {
  const { db, clock } = context;

  app.get<{ Querystring: Static<typeof BeforeQuery> }>('/notifications', { schema: { hide: true, querystring: BeforeQuery } }, async (request, reply) => {
    const actor = request.actor;
    authorize(actor, inboxPolicy, 'read', null);
    if (actor.kind !== 'account') throw errors.unauthenticated();
    const before = request.query.before ?? null;
    const page = actor.personId ? await listNotifications(db, actor.personId, { before: before ?? undefined, limit: PAGE_SIZE }) : emptyPage;
    noStore(reply);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Уведомления', en: 'Notifications' }),
      <InboxView
        linked={actor.personId !== null}
        items={page.items}
        before={before}
        nextHref={page.nextBefore !== null ? `/notifications?before=${page.nextBefore}` : null}
        firstHref={before !== null ? '/notifications' : null}
      />,
    );
  });

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ReadForm> }>(
    '/notifications/:id/read',
    { schema: { hide: true, params: IdParams, body: ReadForm } },
    async (request, reply) => {
      const actor = request.actor;
      authorize(actor, inboxPolicy, 'read', null);
      if (actor.kind !== 'account') throw errors.unauthenticated();
      // Someone else's notice is "not found": its existence is not revealed.
      if (!actor.personId || !(await markNotificationRead(db, actor.personId, request.params.id, clock.now()))) throw errors.notFound();
      const before = cursorOf(request.body?.before);
      return redirectAfterPost(reply, before !== null ? `/notifications?before=${before}` : '/notifications');
    },
  );

  app.post('/notifications/read-all', { schema: { hide: true } }, async (request, reply) => {
    const actor = request.actor;
    authorize(actor, inboxPolicy, 'read', null);
    if (actor.kind !== 'account') throw errors.unauthenticated();
    if (actor.personId) await markAllNotificationsRead(db, actor.personId, clock.now());
    return redirectAfterPost(reply, '/notifications');
  });

  app.get<{ Querystring: Static<typeof ApiQuery> }>(
    '/api/v1/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'My notifications, newest first',
        description: 'The inbox of the person linked to the calling account; empty for an account without a person. Keyset-paginated by id.',
        querystring: ApiQuery,
        response: { 200: NotificationPageJson },
      },
    },
    async (request) => {
      const actor = request.actor;
      authorize(actor, inboxPolicy, 'read', null);
      if (actor.kind !== 'account') throw errors.unauthenticated();
      const page = actor.personId ? await listNotifications(db, actor.personId, { before: request.query.before, limit: request.query.limit ?? PAGE_SIZE }) : emptyPage;
      return {
        items: page.items.map((n) => ({
          id: n.id,
          subject: n.subject,
          body: n.body,
          link: n.link,
          createdAt: n.createdAt.toISOString(),
          readAt: n.readAt ? n.readAt.toISOString() : null,
        })),
        nextBefore: page.nextBefore,
      };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/v1/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of my notifications as read',
        params: IdParams,
        response: { 204: Type.Null({ description: 'Marked as read (also when it already was)' }) },
      },
    },
    async (request, reply) => {
      const actor = request.actor;
      authorize(actor, inboxPolicy, 'read', null);
      if (actor.kind !== 'account') throw errors.unauthenticated();
      if (!actor.personId || !(await markNotificationRead(db, actor.personId, request.params.id, clock.now()))) throw errors.notFound();
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: Static<typeof BeforeQuery> }>('/outbox', { schema: { hide: true, querystring: BeforeQuery } }, async (request, reply) => {
    // Outside demo mode the page does not exist at all.
    if (!context.config.demoMode) throw errors.notFound();
    authorize(request.actor, outboxPolicy, 'browse', { demoMode: context.config.demoMode });
    const before = request.query.before ?? null;
    const page = await listOutbox(db, { before: before ?? undefined, limit: PAGE_SIZE });
    // Recipients and bodies are personal data: the staff read is audited.
    await recordAudit(db, request.auditOrigin, {
      action: 'read',
      entityType: 'emailOutbox',
      details: { messageIds: page.items.map((m) => m.id) },
    });
    noStore(reply);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Исходящая почта', en: 'Outbox' }),
      <OutboxView
        items={page.items}
        nextHref={page.nextBefore !== null ? `/outbox?before=${page.nextBefore}` : null}
        firstHref={before !== null ? '/outbox' : null}
      />,
    );
  });
}

/**
 * Regulation deadlines: the overdue list for operators (/preschool/overdue and its API), and the
 * jobs that expire unanswered offers and remind guardians before an offer's deadline (wired into
 * the worker through preschool.module.ts → src/start.ts).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { translate } from '../../platform/i18n/i18n.ts';
import { noStore } from '../../platform/http/request-context.ts';
import type { JobHandler, JobSchedule } from '../../platform/jobs/jobs.ts';
import { sendPage } from '../../web/respond.tsx';
import { listMunicipalities } from '../../registry/region.service.ts';
import { jobOrigin, listOverdue, OVERDUE_LIST_LIMIT, sendOfferReminders } from './deadlines.service.ts';
import { overduePolicy, overdueReach } from './deadlines.policy.ts';
import { expireOffers } from './offer.service.ts';
import { OverdueView } from './views/overdue.tsx';

export const EXPIRE_OFFERS_QUEUE = 'preschool.expire-offers';
export const OFFER_REMINDERS_QUEUE = 'preschool.offer-reminders';

const OverdueDecisionJson = Type.Object({
  applicationId: Type.String({ format: 'uuid' }),
  number: Type.String({ description: 'Public application number' }),
  municipalityId: Type.Integer(),
  registeredAt: Type.String({ format: 'date-time' }),
  decisionDueAt: Type.String({ format: 'date-time' }),
  daysOverdue: Type.Integer({ minimum: 1, description: 'Started days since the deadline' }),
});
const OverdueOfferJson = Type.Object({
  offerId: Type.String({ format: 'uuid' }),
  applicationId: Type.String({ format: 'uuid' }),
  number: Type.String({ description: 'Public application number' }),
  municipalityId: Type.Integer(),
  issuedAt: Type.String({ format: 'date-time' }),
  deadlineAt: Type.String({ format: 'date-time' }),
  daysOverdue: Type.Integer({ minimum: 1, description: 'Started days since the deadline' }),
});
const OverdueJson = Type.Object({
  decisions: Type.Array(OverdueDecisionJson, { description: 'Applications still "new" after decision_due_at, most overdue first' }),
  offers: Type.Array(OverdueOfferJson, { description: 'Pending offers past their deadline, most overdue first' }),
  truncated: Type.Boolean({ description: `True when a list was cut at ${OVERDUE_LIST_LIMIT} rows` }),
});

export function registerDeadlineRoutes(app: FastifyInstance, context: AppContext): void {
  const { db, clock } = context;

  app.get('/preschool/overdue', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.actor, overduePolicy, 'browse', null);
    const reach = overdueReach(request.actor);
    const [lists, municipalities] = await Promise.all([
      listOverdue(db, reach, clock.now()),
      // The municipality column helps only those who see more than one.
      reach.kind === 'all' || (reach.kind === 'some' && reach.municipalityIds.length > 1) ? listMunicipalities(db) : Promise.resolve(null),
    ]);
    const names = municipalities ? new Map(municipalities.map((m) => [m.id, request.locale === 'ru' ? m.nameRu : m.nameEn])) : null;
    noStore(reply);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Просроченные сроки', en: 'Overdue deadlines' }),
      <OverdueView lists={lists} municipalityNames={names} limit={OVERDUE_LIST_LIMIT} />,
    );
  });

  app.get(
    '/api/v1/preschool/overdue',
    {
      schema: {
        tags: ['preschool'],
        summary: 'Overdue registration decisions and unanswered offers past their deadline',
        description: 'Municipal operators see their municipality, regional administrators the whole region. Application numbers only, no names.',
        response: { 200: OverdueJson },
      },
    },
    async (request) => {
      authorize(request.actor, overduePolicy, 'browse', null);
      const lists = await listOverdue(db, overdueReach(request.actor), clock.now());
      return {
        decisions: lists.decisions.map((d) => ({ ...d, registeredAt: d.registeredAt.toISOString(), decisionDueAt: d.decisionDueAt.toISOString() })),
        offers: lists.offers.map((o) => ({ ...o, issuedAt: o.issuedAt.toISOString(), deadlineAt: o.deadlineAt.toISOString() })),
        truncated: lists.truncated,
      };
    },
  );
}

export const deadlineJobHandlers: Record<string, JobHandler> = {
  /** Pending offers past their deadline → expired; the application → offerExpired (offer.service.ts). */
  [EXPIRE_OFFERS_QUEUE]: async (run, context) => {
    await expireOffers(context.db, context.clock.now(), jobOrigin(EXPIRE_OFFERS_QUEUE, run.id));
  },
  /** A reminder to the guardian two days before an offer's deadline, once per offer. */
  [OFFER_REMINDERS_QUEUE]: async (_run, context) => {
    await sendOfferReminders(context.db, context.clock.now());
  },
};

export const deadlineJobSchedules: JobSchedule[] = [
  { queue: EXPIRE_OFFERS_QUEUE, everyMs: 15 * 60_000 },
  { queue: OFFER_REMINDERS_QUEUE, everyMs: 15 * 60_000 },
];

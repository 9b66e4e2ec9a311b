/**
 * Public pages, no login (fairness and openness): queue position by application number (a POST
 * form, so the number stays out of URLs and logs), a kindergarten's queue by age group with its
 * free places, and the published allocation protocols with their instances to re-run. Numbers
 * only, never names. Cacheable briefly for anonymous visitors. JSON under /api/v1/preschool/public.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { errors } from '../../platform/errors.ts';
import { translate } from '../../platform/i18n/i18n.ts';
import { cacheForAnonymous } from '../../registry/organization.pages.tsx';
import { listMunicipalities, municipalityName } from '../../registry/region.service.ts';
import { sendPage } from '../../web/respond.tsx';
import { getProtocol, listProtocols, type RunRow, type StoredResult } from './allocation-run.service.ts';
import { kindergartenQueue, lookupQueuePosition } from './public-queue.service.ts';
import { KindergartenQueueView, PublicQueueLookupView } from './views/public-queue.tsx';
import { ProtocolListView, ProtocolView } from './views/protocol.tsx';

const tags = ['preschool'];
const numberPattern = /^[0-9A-Za-z-]{1,40}$/;

function sendJsonFile(reply: FastifyReply, name: string, value: unknown): FastifyReply {
  return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(JSON.stringify(value));
}

function protocolJson(run: RunRow) {
  const stored = run.result as StoredResult;
  return {
    id: run.id,
    municipalityId: run.municipalityId,
    kind: run.kind,
    allocationDate: run.allocationDate,
    mechanism: run.mechanism,
    engineVersion: run.engineVersion,
    instanceSha256: run.instanceSha256,
    committedAt: run.committedAt ? run.committedAt.toISOString() : null,
    assignment: stored.main.assignment,
    placesLeft: stored.main.placesLeft,
    alternative: stored.alternative ? { instanceSha256: stored.alternative.result.instanceSha256, assignment: stored.alternative.result.assignment } : null,
  };
}

export function registerPublicQueueRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const title = (request: FastifyRequest) => translate(request.locale, { ru: 'Очередь в детские сады', en: 'Kindergarten waiting list' });

  app.get('/preschool/queue', { schema: { hide: true } }, async (request, reply) => {
    cacheForAnonymous(request, reply);
    return sendPage(request, reply, title(request), <PublicQueueLookupView number="" errors={{}} found={null} />);
  });

  app.post('/preschool/queue', { schema: { hide: true } }, async (request, reply) => {
    const raw = (request.body ?? {}) as Record<string, unknown>;
    const number = typeof raw.number === 'string' ? raw.number.trim() : '';
    if (!numberPattern.test(number)) {
      return sendPage(request, reply, title(request), <PublicQueueLookupView number={number} errors={{ number: { ru: 'Введите номер заявления', en: 'Enter the application number' } }} found={null} />, 422);
    }
    const found = await lookupQueuePosition(db, number);
    if (!found) {
      return sendPage(request, reply, title(request), <PublicQueueLookupView number={number} errors={{ number: { ru: 'Заявление с таким номером не найдено', en: 'No application with this number' } }} found={null} />, 404);
    }
    reply.header('cache-control', 'no-store');
    return sendPage(request, reply, title(request), <PublicQueueLookupView number={number} errors={{}} found={found} />);
  });

  app.get('/preschool/queue/kindergartens/:organizationId', { schema: { hide: true } }, async (request, reply) => {
    const { organizationId } = request.params as { organizationId: string };
    const queue = await kindergartenQueue(db, organizationId);
    if (!queue) throw errors.notFound();
    cacheForAnonymous(request, reply);
    return sendPage(request, reply, queue.name, <KindergartenQueueView queue={queue} />);
  });

  const municipalityNames = async (request: FastifyRequest) => new Map((await listMunicipalities(db)).map((m) => [m.id, municipalityName(m, request.locale)]));

  app.get('/preschool/protocols', { schema: { hide: true } }, async (request, reply) => {
    const protocols = await listProtocols(db, { limit: 200 });
    cacheForAnonymous(request, reply);
    return sendPage(request, reply, translate(request.locale, { ru: 'Протоколы комплектования', en: 'Allocation protocols' }), <ProtocolListView protocols={protocols} municipalityNames={await municipalityNames(request)} />);
  });

  app.get('/preschool/protocols/:id', { schema: { hide: true } }, async (request, reply) => {
    const run = await getProtocol(db, (request.params as { id: string }).id);
    cacheForAnonymous(request, reply);
    const names = await municipalityNames(request);
    return sendPage(request, reply, translate(request.locale, { ru: 'Протокол комплектования', en: 'Allocation protocol' }), <ProtocolView run={run} municipalityName={names.get(run.municipalityId) ?? ''} />);
  });

  app.get('/preschool/protocols/:id/instance.json', { schema: { hide: true } }, async (request, reply) => {
    const run = await getProtocol(db, (request.params as { id: string }).id);
    cacheForAnonymous(request, reply);
    return sendJsonFile(reply, `instance-${run.id}.json`, run.instance);
  });

  app.get('/preschool/protocols/:id/alternative-instance.json', { schema: { hide: true } }, async (request, reply) => {
    const run = await getProtocol(db, (request.params as { id: string }).id);
    const stored = run.result as StoredResult;
    if (!stored.alternative) throw errors.notFound();
    cacheForAnonymous(request, reply);
    return sendJsonFile(reply, `alternative-instance-${run.id}.json`, stored.alternative.instance);
  });

  app.get('/preschool/protocols/:id/result.json', { schema: { hide: true } }, async (request, reply) => {
    const run = await getProtocol(db, (request.params as { id: string }).id);
    cacheForAnonymous(request, reply);
    return sendJsonFile(reply, `result-${run.id}.json`, protocolJson(run));
  });

  // JSON API --------------------------------------------------------------------------------

  const LookupBody = Type.Object({ number: Type.String({ minLength: 1, maxLength: 40, pattern: '^[0-9A-Za-z-]+$' }) }, { additionalProperties: false });
  const Position = Type.Object({
    organizationId: Type.String({ format: 'uuid' }),
    kindergartenName: Type.String(),
    rank: Type.Integer(),
    ageGroupCode: Type.Union([Type.String(), Type.Null()]),
    position: Type.Union([Type.Integer(), Type.Null()], { description: 'Null unless the application is in the queue' }),
    ahead: Type.Integer({ description: 'Applications of that queue ahead of this one' }),
    queueLength: Type.Integer(),
  });
  const LookupResult = Type.Object({
    number: Type.String(),
    status: Type.String(),
    tier: Type.Integer({ description: '0 out of turn, 1 first priority, 2 preferential (verified benefits only), 3 general' }),
    ageGroupCode: Type.Union([Type.String(), Type.Null()]),
    ageGroupName: Type.Union([Type.String(), Type.Null()]),
    positions: Type.Array(Position),
    howComputed: Type.Object({ ru: Type.String(), en: Type.String() }, { description: 'How the position is computed' }),
  });
  app.post(
    '/api/v1/preschool/public/queue-position',
    {
      schema: {
        tags,
        summary: 'Queue position by application number (public; nothing personal; the same figures as the guardian’s application page)',
        body: LookupBody,
        response: { 200: LookupResult },
      },
    },
    async (request) => {
      const found = await lookupQueuePosition(db, (request.body as Static<typeof LookupBody>).number);
      if (!found) throw errors.notFound();
      return found;
    },
  );

  app.get(
    '/api/v1/preschool/public/kindergartens/:organizationId/queue',
    {
      schema: {
        tags,
        summary: "A kindergarten's queue per age group (numbers only) and free places (public)",
        params: Type.Object({ organizationId: Type.String({ format: 'uuid' }) }),
        response: {
          200: Type.Object({
            organizationId: Type.String(),
            name: Type.String(),
            address: Type.String(),
            municipalityId: Type.Integer(),
            ageGroups: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), free: Type.Integer(), queue: Type.Array(Type.Object({ position: Type.Integer(), number: Type.String(), tier: Type.Integer() })) })),
          }),
        },
      },
    },
    async (request, reply) => {
      const queue = await kindergartenQueue(db, (request.params as { organizationId: string }).organizationId);
      if (!queue) throw errors.notFound();
      cacheForAnonymous(request, reply);
      return queue;
    },
  );

  const ProtocolSummary = Type.Object({
    id: Type.String(),
    municipalityId: Type.Integer(),
    kind: Type.String(),
    allocationDate: Type.String(),
    mechanism: Type.String(),
    engineVersion: Type.String(),
    instanceSha256: Type.String(),
    offers: Type.Integer(),
    committedAt: Type.Union([Type.String(), Type.Null()]),
  });
  app.get('/api/v1/preschool/public/protocols', { schema: { tags, summary: 'Published allocation protocols, newest first (public)', response: { 200: Type.Object({ items: Type.Array(ProtocolSummary) }) } } }, async (request, reply) => {
    const protocols = await listProtocols(db, { limit: 200 });
    cacheForAnonymous(request, reply);
    return {
      items: protocols.map((p) => ({ id: p.id, municipalityId: p.municipalityId, kind: p.kind, allocationDate: p.allocationDate, mechanism: p.mechanism, engineVersion: p.engineVersion, instanceSha256: p.instanceSha256, offers: p.assigned, committedAt: p.committedAt?.toISOString() ?? null })),
    };
  });

  app.get('/api/v1/preschool/public/protocols/:id', { schema: { tags, summary: 'One protocol: result by application number, engine version, hash (public)', params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } }, async (request, reply) => {
    const run = await getProtocol(db, (request.params as { id: string }).id);
    cacheForAnonymous(request, reply);
    return protocolJson(run);
  });
}

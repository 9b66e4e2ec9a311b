/**
 * The order of admission: the municipal operator's runs (/admission/order: dry run, review,
 * commit, discard) and the public protocols (/admission/campaigns/:id/protocols,
 * /admission/protocols/:id with instance.json and result.json), with their JSON API.
 * Handlers: validate → authenticate → load → authorise (admission-order.policy.ts) → service → render.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { translate } from '../../platform/i18n/i18n.ts';
import { isUuid } from '../../platform/validation.ts';
import { cacheForAnonymous } from '../../registry/organization.pages.tsx';
import { listMunicipalities, municipalityName } from '../../registry/region.service.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { admissionRunPolicy, canRunOrder, orderMunicipalities } from './admission-order.policy.ts';
import {
  commitAdmissionRun,
  createAdmissionDryRun,
  discardAdmissionRun,
  findDecision,
  findAdmissionRun,
  getAdmissionProtocol,
  listAdmissionProtocols,
  listAdmissionRuns,
  protocolJson,
  schoolNames,
  type AdmissionRunRow,
} from './admission-order.service.ts';
import { findCampaign, listCampaigns, type CampaignRow } from './campaign.service.ts';
import { AdmissionRunReviewView, CampaignChoiceView, CampaignRunsView } from './views/order.tsx';
import { AdmissionProtocolListView, AdmissionProtocolView, ProtocolLookupView, type ProtocolLookup } from './views/protocol.tsx';

const tags = ['admission'];

function sendJsonFile(reply: FastifyReply, name: string, value: unknown): FastifyReply {
  return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(JSON.stringify(value));
}

export function registerAdmissionOrderRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const title = (request: FastifyRequest) => translate(request.locale, { ru: 'Очерёдность приёма в 1 класс', en: 'Order of first-grade admission' });
  const municipalityLabel = async (request: FastifyRequest, id: number) => {
    const m = (await listMunicipalities(db)).find((x) => x.id === id);
    return m ? municipalityName(m, request.locale) : String(id);
  };
  const runTitle = async (request: FastifyRequest, run: AdmissionRunRow, campaign: CampaignRow) =>
    `${translate(request.locale, { ru: 'Приём в 1 класс', en: 'First-grade admission' })}: ${await municipalityLabel(request, run.municipalityId)}, ${campaign.year}, ${translate(request.locale, { ru: 'этап', en: 'stage' })} ${run.stage}`;

  async function loadCampaignFor(request: FastifyRequest, id: string): Promise<CampaignRow> {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const campaign = isUuid(id) ? await findCampaign(db, id) : undefined;
    if (!campaign) throw errors.notFound();
    authorize(request.actor, admissionRunPolicy, 'run', { municipalityId: campaign.municipalityId }, { hideExistence: true });
    return campaign;
  }

  async function loadRunFor(request: FastifyRequest, action: 'review' | 'commit' | 'discard'): Promise<AdmissionRunRow> {
    const { id } = request.params as { id: string };
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const run = await findAdmissionRun(db, id);
    if (!run) throw errors.notFound();
    authorize(request.actor, admissionRunPolicy, 'review', run, { hideExistence: true });
    if (action !== 'review') authorize(request.actor, admissionRunPolicy, action, run);
    return run;
  }

  app.get('/admission/order', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const allowed = orderMunicipalities(request.actor);
    if (allowed !== null && allowed.length === 0) throw errors.forbidden();
    const campaigns = await listCampaigns(db, allowed ?? undefined);
    const names = new Map((await listMunicipalities(db)).map((m) => [m.id, municipalityName(m, request.locale)]));
    return sendPage(request, reply, title(request), <CampaignChoiceView campaigns={campaigns} municipalityNames={names} />);
  });

  async function renderCampaign(request: FastifyRequest, reply: FastifyReply, campaign: CampaignRow, stage: string, error: string | null, status = 200) {
    return sendPage(
      request,
      reply,
      title(request),
      <CampaignRunsView campaign={campaign} municipalityName={await municipalityLabel(request, campaign.municipalityId)} runs={await listAdmissionRuns(db, campaign.id)} stage={stage} error={error} />,
      status,
    );
  }

  app.get('/admission/order/campaigns/:id', { schema: { hide: true } }, async (request, reply) => {
    const campaign = await loadCampaignFor(request, (request.params as { id: string }).id);
    return renderCampaign(request, reply, campaign, context.clock.now() >= campaign.stage2OpensAt ? '2' : '1', null);
  });

  app.post('/admission/order/campaigns/:id', { schema: { hide: true } }, async (request, reply) => {
    const campaign = await loadCampaignFor(request, (request.params as { id: string }).id);
    const raw = (request.body ?? {}) as Record<string, unknown>;
    const stage = raw.stage === '2' ? 2 : raw.stage === '1' ? 1 : null;
    if (stage === null) return renderCampaign(request, reply, campaign, '', translate(request.locale, { ru: 'Выберите этап', en: 'Choose the stage' }), 422);
    try {
      const run = await createAdmissionDryRun(context, request.auditOrigin, campaign.id, stage);
      return redirectAfterPost(reply, `/admission/order/runs/${run.id}`);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      return renderCampaign(request, reply, campaign, String(stage), translate(request.locale, error.userMessage), 409);
    }
  });

  async function renderReview(request: FastifyRequest, reply: FastifyReply, run: AdmissionRunRow, error: string | null, status = 200) {
    const campaign = (await findCampaign(db, run.campaignId))!;
    return sendPage(
      request,
      reply,
      title(request),
      <AdmissionRunReviewView run={run} title={await runTitle(request, run, campaign)} schools={await schoolNames(db, run.municipalityId)} error={error} canCommit={canRunOrder(request.actor, 'commit', run)} />,
      status,
    );
  }

  app.get('/admission/order/runs/:id', { schema: { hide: true } }, async (request, reply) => renderReview(request, reply, await loadRunFor(request, 'review'), null));

  app.post('/admission/order/runs/:id/commit', { schema: { hide: true } }, async (request, reply) => {
    const run = await loadRunFor(request, 'commit');
    try {
      await commitAdmissionRun(context, request.auditOrigin, run.id);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      return renderReview(request, reply, (await findAdmissionRun(db, run.id))!, translate(request.locale, error.userMessage), 409);
    }
    return redirectAfterPost(reply, `/admission/protocols/${run.id}`);
  });

  app.post('/admission/order/runs/:id/discard', { schema: { hide: true } }, async (request, reply) => {
    const run = await loadRunFor(request, 'discard');
    await discardAdmissionRun(context, request.auditOrigin, run.id);
    return redirectAfterPost(reply, `/admission/order/campaigns/${run.campaignId}`);
  });

  // Public protocols -------------------------------------------------------------------------

  async function publicCampaign(id: string): Promise<CampaignRow> {
    const campaign = isUuid(id) ? await findCampaign(db, id) : undefined;
    if (!campaign || campaign.status === 'draft') throw errors.notFound();
    return campaign;
  }

  app.get('/admission/campaigns/:id/protocols', { schema: { hide: true } }, async (request, reply) => {
    const campaign = await publicCampaign((request.params as { id: string }).id);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const before = typeof query.before === 'string' && /^[^|]{1,40}\|[0-9a-f-]{36}$/i.test(query.before) ? { committedAt: query.before.split('|')[0]!, id: query.before.split('|')[1]! } : null;
    if (before && Number.isNaN(Date.parse(before.committedAt))) throw errors.notFound();
    const limit = 50;
    const protocols = await listAdmissionProtocols(db, campaign.id, { before, limit: limit + 1 });
    const last = protocols[limit - 1];
    const nextHref = protocols.length > limit && last ? `/admission/campaigns/${campaign.id}/protocols?before=${encodeURIComponent(`${last.committedAt!.toISOString()}|${last.id}`)}` : null;
    cacheForAnonymous(request, reply);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Протоколы приёма в 1 класс', en: 'First-grade admission protocols' }),
      <AdmissionProtocolListView campaign={campaign} municipalityName={await municipalityLabel(request, campaign.municipalityId)} protocols={protocols.slice(0, limit)} nextHref={nextHref} />,
    );
  });

  app.get('/admission/protocols/:id', { schema: { hide: true } }, async (request, reply) => {
    const run = await getAdmissionProtocol(db, (request.params as { id: string }).id);
    const campaign = (await findCampaign(db, run.campaignId))!;
    cacheForAnonymous(request, reply);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Протокол приёма в 1 класс', en: 'First-grade admission protocol' }),
      <AdmissionProtocolView run={run} title={`${translate(request.locale, { ru: 'Протокол', en: 'Protocol' })}: ${await runTitle(request, run, campaign)}`} schools={await schoolNames(db, run.municipalityId)} />,
    );
  });

  // A family looks its number up: POST, so the number stays out of URLs and logs; a page of its
  // own, so the protocol page (the one everybody opens) carries no form and stays cacheable.
  async function renderLookup(request: FastifyRequest, reply: FastifyReply, lookup: ProtocolLookup, status = 200) {
    const run = await getAdmissionProtocol(db, (request.params as { id: string }).id);
    const campaign = (await findCampaign(db, run.campaignId))!;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Решение по номеру заявления', en: 'Decision by receipt number' }),
      <ProtocolLookupView run={run} title={`${translate(request.locale, { ru: 'Решение по номеру заявления', en: 'Decision by receipt number' })}: ${await runTitle(request, run, campaign)}`} schools={await schoolNames(db, run.municipalityId)} lookup={lookup} />,
      status,
    );
  }

  app.get('/admission/protocols/:id/lookup', { schema: { hide: true } }, async (request, reply) => renderLookup(request, reply, { number: '', error: null, found: null }));

  app.post('/admission/protocols/:id/lookup', { schema: { hide: true } }, async (request, reply) => {
    const run = await getAdmissionProtocol(db, (request.params as { id: string }).id);
    const raw = (request.body ?? {}) as Record<string, unknown>;
    const number = typeof raw.number === 'string' ? raw.number.trim().slice(0, 20) : '';
    reply.header('cache-control', 'no-store');
    if (!/^\d{1,12}$/.test(number)) return renderLookup(request, reply, { number, error: { ru: 'Введите номер заявления цифрами', en: 'Enter the receipt number in digits' }, found: null }, 422);
    const found = findDecision(run, number);
    if (!found) return renderLookup(request, reply, { number, error: { ru: 'В этом протоколе нет заявления с таким номером', en: 'No application with this number in this protocol' }, found: null }, 404);
    return renderLookup(request, reply, { number, error: null, found });
  });

  app.get('/admission/protocols/:id/instance.json', { schema: { hide: true } }, async (request, reply) => {
    const run = await getAdmissionProtocol(db, (request.params as { id: string }).id);
    cacheForAnonymous(request, reply);
    return sendJsonFile(reply, `admission-instance-${run.id}.json`, run.instance);
  });

  app.get('/admission/protocols/:id/result.json', { schema: { hide: true } }, async (request, reply) => {
    const run = await getAdmissionProtocol(db, (request.params as { id: string }).id);
    cacheForAnonymous(request, reply);
    return sendJsonFile(reply, `admission-result-${run.id}.json`, protocolJson(run));
  });

  // JSON API ---------------------------------------------------------------------------------

  const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
  const RunBody = Type.Object({ stage: Type.Union([Type.Literal(1), Type.Literal(2)]) }, { additionalProperties: false });
  const RunJson = Type.Object({
    id: Type.String({ format: 'uuid' }),
    campaignId: Type.String({ format: 'uuid' }),
    municipalityId: Type.Integer(),
    stage: Type.Integer(),
    status: Type.String({ description: 'dryRun, committed or discarded' }),
    instanceSha256: Type.String(),
    engineVersion: Type.String(),
    assignment: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), { description: 'Receipt number → school (organization id), or null: refused for lack of places' }),
    offers: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), { description: 'Receipt number of a refusal → the school offered instead' }),
    awaitingDocuments: Type.Array(Type.String(), { description: 'Receipt numbers with a place whose documents are not checked yet' }),
    placesLeft: Type.Record(Type.String(), Type.Integer()),
  });
  const runJson = (run: AdmissionRunRow): Static<typeof RunJson> => {
    const p = protocolJson(run);
    return {
      id: run.id,
      campaignId: run.campaignId,
      municipalityId: run.municipalityId,
      stage: run.stage,
      status: run.status,
      instanceSha256: run.instanceSha256,
      engineVersion: run.engineVersion,
      assignment: p.assignment,
      offers: p.offers,
      awaitingDocuments: (run.result as { awaitingDocuments: string[] }).awaitingDocuments,
      placesLeft: p.placesLeft,
    };
  };

  app.post(
    '/api/v1/admission/campaigns/:id/runs',
    { schema: { tags, summary: 'Make a dry run of the order of admission for a stage (nothing changes)', params: IdParams, body: RunBody, response: { 201: RunJson } } },
    async (request, reply) => {
      const campaign = await loadCampaignFor(request, (request.params as { id: string }).id);
      const run = await createAdmissionDryRun(context, request.auditOrigin, campaign.id, (request.body as Static<typeof RunBody>).stage);
      return reply.code(201).send(runJson(run));
    },
  );

  app.get('/api/v1/admission/runs/:id', { schema: { tags, summary: 'A run of the order of admission with its result (operator of the municipality)', params: IdParams, response: { 200: RunJson } } }, async (request) =>
    runJson(await loadRunFor(request, 'review')),
  );

  app.post(
    '/api/v1/admission/runs/:id/commit',
    { schema: { tags, summary: 'Commit a dry run: make its decisions atomically (409 when stale)', params: IdParams, response: { 200: Type.Object({ enrolled: Type.Integer(), refused: Type.Integer(), awaitingDocuments: Type.Integer() }) } } },
    async (request) => {
      const run = await loadRunFor(request, 'commit');
      return commitAdmissionRun(context, request.auditOrigin, run.id);
    },
  );

  app.post('/api/v1/admission/runs/:id/discard', { schema: { tags, summary: 'Discard a dry run', params: IdParams, response: { 204: Type.Null() } } }, async (request, reply) => {
    const run = await loadRunFor(request, 'discard');
    await discardAdmissionRun(context, request.auditOrigin, run.id);
    return reply.code(204).send();
  });

  app.get(
    '/api/v1/admission/public/protocols/:id',
    {
      schema: {
        tags,
        summary: 'A published protocol of the order of admission (public; receipt numbers only)',
        params: IdParams,
        response: {
          200: Type.Object({
            id: Type.String(),
            campaignId: Type.String(),
            municipalityId: Type.Integer(),
            stage: Type.Integer(),
            engineVersion: Type.String(),
            instanceSha256: Type.String(),
            committedAt: Type.Union([Type.String(), Type.Null()]),
            assignment: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
            placesLeft: Type.Record(Type.String(), Type.Integer()),
            offers: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
          }),
        },
      },
    },
    async (request, reply) => {
      const run = await getAdmissionProtocol(db, (request.params as { id: string }).id);
      cacheForAnonymous(request, reply);
      return protocolJson(run);
    },
  );
}

/**
 * Allocation runs for the municipal operator (/preschool/allocation), offers for the guardian
 * (accept / decline on the application page, then back to the queue or off the list) and for the
 * head of the kindergarten (/preschool/offers: enrol), with their JSON API. Handlers: validate →
 * authenticate → load → authorise (allocation-run.policy.ts, offer.policy.ts) → service → render.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { translate } from '../../platform/i18n/i18n.ts';
import { findPersonAccess } from '../../registry/person.service.ts';
import { listMunicipalities, municipalityName } from '../../registry/region.service.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { addApplicationPanel } from './application.routes.tsx';
import { allocationMunicipalities, allocationRunPolicy, canRun, mayAllocate } from './allocation-run.policy.ts';
import { commitRun, createDryRun, discardRun, getRun, kindergartenNames, listRuns, parseRunOptions, type RunRow, type StoredResult } from './allocation-run.service.ts';
import { authorizeOffer, canOffer, offerListScope, type OfferAccessFacts } from './offer.policy.ts';
import { acceptOffer, chooseAfterOffer, declineOffer, enrolOffer, findOffer, offersOfApplication, offersOfKindergartens, type OfferView } from './offer.service.ts';
import { AllocationPageView, RunReviewView } from './views/allocation.tsx';
import { OfferListView, OfferPanel } from './views/offer.tsx';

const tags = ['preschool'];

async function offerFacts(db: AppContext['db'], offer: OfferView): Promise<OfferAccessFacts> {
  const child = await findPersonAccess(db, offer.childId);
  return { municipalityId: offer.municipalityId, organizationId: offer.organizationId, guardianId: offer.guardianId, childGuardianIds: child?.guardianIds ?? [] };
}

async function loadOffer(db: AppContext['db'], id: string): Promise<{ offer: OfferView; facts: OfferAccessFacts }> {
  const offer = await findOffer(db, id);
  if (!offer) throw errors.notFound();
  return { offer, facts: await offerFacts(db, offer) };
}

/** The newest offer of an application (what the guardian answers), or 404. */
async function latestOffer(db: AppContext['db'], applicationId: string): Promise<{ offer: OfferView; facts: OfferAccessFacts }> {
  if (!/^[0-9a-f-]{36}$/i.test(applicationId)) throw errors.notFound();
  const [offer] = await offersOfApplication(db, applicationId);
  if (!offer) throw errors.notFound();
  return { offer, facts: await offerFacts(db, offer) };
}

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  return (request.body ?? {}) as Record<string, unknown>;
}

async function namesFor(db: AppContext['db'], municipalityIds: number[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of [...new Set(municipalityIds)]) for (const [k, v] of await kindergartenNames(db, id)) names.set(k, v);
  return names;
}

export function registerAllocationRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  // The offer panel on the application page (guardian and desk).
  addApplicationPanel(async ({ request, detail }) => {
    const offers = await offersOfApplication(db, detail.application.id);
    if (offers.length === 0) return null;
    const facts = await offerFacts(db, offers[0]!);
    return (
      <OfferPanel
        applicationId={detail.application.id}
        applicationStatus={detail.application.status}
        offers={offers}
        kindergartens={await namesFor(db, [detail.application.municipalityId])}
        canRespond={canOffer(request.actor, 'respond', facts)}
        now={context.clock.now()}
      />
    );
  });

  async function renderAllocationPage(request: FastifyRequest, values: Record<string, string>, fieldErrors: Record<string, { ru: string; en: string }>, status = 200) {
    const allowed = allocationMunicipalities(request.actor);
    const municipalities = (await listMunicipalities(db)).filter((m) => allowed === null || allowed.includes(m.id));
    const runs = await listRuns(db, allowed);
    return {
      status,
      body: (
        <AllocationPageView
          values={values}
          errors={fieldErrors}
          municipalities={municipalities.map((m) => ({ value: String(m.id), label: municipalityName(m, request.locale) }))}
          municipalityNames={new Map(municipalities.map((m) => [m.id, municipalityName(m, request.locale)]))}
          runs={runs}
        />
      ),
    };
  }

  const title = (request: FastifyRequest) => translate(request.locale, { ru: 'Комплектование', en: 'Allocation' });

  app.get('/preschool/allocation', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    if (!mayAllocate(request.actor)) throw errors.forbidden();
    const page = await renderAllocationPage(request, { kind: 'main', mechanism: 'deferred-acceptance', allocationDate: context.clock.now().toISOString().slice(0, 10) }, {});
    return sendPage(request, reply, title(request), page.body);
  });

  app.post('/preschool/allocation', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    if (!mayAllocate(request.actor)) throw errors.forbidden();
    const body = bodyOf(request);
    const allowed = allocationMunicipalities(request.actor) ?? (await listMunicipalities(db)).map((m) => m.id);
    try {
      const options = parseRunOptions(body, allowed);
      authorize(request.actor, allocationRunPolicy, 'run', { municipalityId: options.municipalityId });
      const run = await createDryRun(context, request.auditOrigin, options);
      return redirectAfterPost(reply, `/preschool/allocation/runs/${run.id}`);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      const values = Object.fromEntries(['municipalityId', 'kind', 'allocationDate', 'mechanism', 'offerNearest'].map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : '']));
      const page = await renderAllocationPage(request, values, error.fields, 422);
      return sendPage(request, reply, title(request), page.body, 422);
    }
  });

  async function renderReview(request: FastifyRequest, run: RunRow, error: string | null) {
    const municipality = (await listMunicipalities(db)).find((m) => m.id === run.municipalityId);
    return (
      <RunReviewView
        run={run}
        municipalityName={municipality ? municipalityName(municipality, request.locale) : String(run.municipalityId)}
        kindergartens={await kindergartenNames(db, run.municipalityId)}
        error={error}
        canCommit={canRun(request.actor, 'commit', run)}
      />
    );
  }

  async function loadRunFor(request: FastifyRequest, action: 'review' | 'commit' | 'discard'): Promise<RunRow> {
    const { id } = request.params as { id: string };
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const run = await getRun(db, id).catch(() => null);
    if (!run) throw errors.notFound();
    authorize(request.actor, allocationRunPolicy, 'review', run, { hideExistence: true });
    if (action !== 'review') authorize(request.actor, allocationRunPolicy, action, run);
    return run;
  }

  app.get('/preschool/allocation/runs/:id', { schema: { hide: true } }, async (request, reply) => {
    const run = await loadRunFor(request, 'review');
    return sendPage(request, reply, title(request), await renderReview(request, run, null));
  });

  app.post('/preschool/allocation/runs/:id/commit', { schema: { hide: true } }, async (request, reply) => {
    const run = await loadRunFor(request, 'commit');
    try {
      await commitRun(context, request.auditOrigin, run.id);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      return sendPage(request, reply, title(request), await renderReview(request, await getRun(db, run.id), translate(request.locale, error.userMessage)), 409);
    }
    return redirectAfterPost(reply, `/preschool/protocols/${run.id}`);
  });

  app.post('/preschool/allocation/runs/:id/discard', { schema: { hide: true } }, async (request, reply) => {
    const run = await loadRunFor(request, 'discard');
    await discardRun(context, request.auditOrigin, run.id);
    return redirectAfterPost(reply, '/preschool/allocation');
  });

  // Offers: the guardian's answers ------------------------------------------------------------

  for (const action of ['accept', 'decline', 'queue', 'remove'] as const) {
    app.post(`/preschool/applications/:id/offer/${action}`, { schema: { hide: true } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const { offer, facts } = await latestOffer(db, id);
      authorizeOffer(request.actor, 'respond', facts);
      if (action === 'accept') await acceptOffer(context, request.auditOrigin, offer.id);
      else if (action === 'decline') await declineOffer(context, request.auditOrigin, offer.id);
      else await chooseAfterOffer(context, request.auditOrigin, offer.applicationId, action);
      return redirectAfterPost(reply, `/preschool/applications/${offer.applicationId}`);
    });
  }

  // Offers: the head's list and enrolment ---------------------------------------------------

  app.get('/preschool/offers', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const scope = offerListScope(request.actor);
    if (scope !== null && scope.length === 0) throw errors.forbidden();
    const offers = await offersOfKindergartens(db, scope);
    const enrollable = new Set<string>();
    for (const o of offers) if (o.status === 'accepted' && (await canEnrol(request, o))) enrollable.add(o.id);
    const query = (request.query ?? {}) as Record<string, unknown>;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Направления', en: 'Offers' }),
      <OfferListView
        offers={offers}
        kindergartens={await namesFor(db, offers.map((o) => o.municipalityId))}
        enrollable={enrollable}
        notice={query.enrolled === '1' ? translate(request.locale, { ru: 'Ребёнок зачислен', en: 'The child is enrolled' }) : null}
      />,
    );
  });

  async function canEnrol(request: FastifyRequest, offer: OfferView): Promise<boolean> {
    return canOffer(request.actor, 'enrol', { municipalityId: offer.municipalityId, organizationId: offer.organizationId, guardianId: offer.guardianId, childGuardianIds: [] });
  }

  app.post('/preschool/offers/:id/enrol', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { offer, facts } = await loadOffer(db, id);
    authorizeOffer(request.actor, 'enrol', facts);
    await enrolOffer(context, request.auditOrigin, offer.id);
    return redirectAfterPost(reply, '/preschool/offers?enrolled=1');
  });

  // JSON API ------------------------------------------------------------------------------

  const RunBody = Type.Object(
    {
      municipalityId: Type.Integer({ minimum: 1 }),
      kind: Type.Union([Type.Literal('main'), Type.Literal('topUp')]),
      allocationDate: Type.String({ format: 'date' }),
      mechanism: Type.Optional(Type.Union([Type.Literal('deferred-acceptance'), Type.Literal('top-trading-cycles'), Type.Literal('immediate-acceptance')])),
      offerNearest: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  );
  const RunJson = Type.Object({
    id: Type.String({ format: 'uuid' }),
    municipalityId: Type.Integer(),
    kind: Type.String(),
    mechanism: Type.String(),
    allocationDate: Type.String({ format: 'date' }),
    status: Type.String({ description: 'dryRun, committed or discarded' }),
    instanceSha256: Type.String(),
    engineVersion: Type.String(),
    offerNearest: Type.Boolean(),
    assignment: Type.Record(Type.String(), Type.String(), { description: 'Application number → place id, both stages' }),
    unassigned: Type.Array(Type.String()),
    placesLeft: Type.Record(Type.String(), Type.Integer()),
  });
  const runJson = (run: RunRow): Static<typeof RunJson> => {
    const stored = run.result as StoredResult;
    const assignment: Record<string, string> = {};
    for (const [n, p] of Object.entries(stored.main.assignment)) if (p) assignment[n] = p;
    if (stored.alternative) for (const [n, p] of Object.entries(stored.alternative.result.assignment)) if (p) assignment[n] = p;
    return {
      id: run.id,
      municipalityId: run.municipalityId,
      kind: run.kind,
      mechanism: run.mechanism,
      allocationDate: run.allocationDate,
      status: run.status,
      instanceSha256: run.instanceSha256,
      engineVersion: run.engineVersion,
      offerNearest: run.offerNearest,
      assignment,
      unassigned: stored.main.unassigned.filter((n) => !(n in assignment)),
      placesLeft: stored.alternative ? { ...stored.main.placesLeft, ...stored.alternative.result.placesLeft } : stored.main.placesLeft,
    };
  };
  const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

  app.post('/api/v1/preschool/allocation-runs', { schema: { tags, summary: 'Make a dry run of an allocation (nothing is issued)', body: RunBody, response: { 201: RunJson } } }, async (request, reply) => {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const body = request.body as Static<typeof RunBody>;
    authorize(request.actor, allocationRunPolicy, 'run', { municipalityId: body.municipalityId });
    const options = parseRunOptions({ ...body, offerNearest: body.offerNearest ? 'yes' : '' }, [body.municipalityId]);
    const run = await createDryRun(context, request.auditOrigin, options);
    return reply.code(201).send(runJson(run));
  });

  app.get('/api/v1/preschool/allocation-runs/:id', { schema: { tags, summary: 'A run with its result (operator of the municipality)', params: IdParams, response: { 200: RunJson } } }, async (request) => {
    return runJson(await loadRunFor(request, 'review'));
  });

  app.post('/api/v1/preschool/allocation-runs/:id/commit', { schema: { tags, summary: 'Commit a dry run: issue its offers atomically (409 when stale)', params: IdParams, response: { 200: Type.Object({ offers: Type.Integer() }) } } }, async (request) => {
    const run = await loadRunFor(request, 'commit');
    return commitRun(context, request.auditOrigin, run.id);
  });

  app.post('/api/v1/preschool/allocation-runs/:id/discard', { schema: { tags, summary: 'Discard a dry run', params: IdParams, response: { 204: Type.Null() } } }, async (request, reply) => {
    const run = await loadRunFor(request, 'discard');
    await discardRun(context, request.auditOrigin, run.id);
    return reply.code(204).send();
  });

  for (const action of ['accept', 'decline', 'enrol'] as const) {
    app.post(
      `/api/v1/preschool/offers/:id/${action}`,
      { schema: { tags, summary: action === 'enrol' ? 'Enrol the child of an accepted offer (head of the kindergarten)' : `${action === 'accept' ? 'Accept' : 'Decline'} an offer (guardian)`, params: IdParams, response: { 204: Type.Null() } } },
      async (request, reply) => {
        const { offer, facts } = await loadOffer(db, (request.params as { id: string }).id);
        authorizeOffer(request.actor, action === 'enrol' ? 'enrol' : 'respond', facts);
        if (action === 'accept') await acceptOffer(context, request.auditOrigin, offer.id);
        else if (action === 'decline') await declineOffer(context, request.auditOrigin, offer.id);
        else await enrolOffer(context, request.auditOrigin, offer.id);
        return reply.code(204).send();
      },
    );
  }
}

/**
 * Campaign pages of the municipal operator (own municipality) and the regional administrator
 * (all), and the public live pages (no login, cached a minute). Handlers: validate →
 * authenticate → load → authorise (admission.policy.ts) → service → render.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../../platform/errors.ts';
import { translate } from '../../platform/i18n/i18n.ts';
import { isUuid } from '../../platform/validation.ts';
import { listMunicipalities, municipalityName } from '../../registry/region.service.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { campaignMunicipalities, campaignPolicy } from './admission.policy.ts';
import { campaignCounters } from './application.service.ts';
import {
  campaignAsInput,
  campaignInputText,
  createCampaign,
  defaultCampaignInput,
  findCampaign,
  getAdmissionSettings,
  listCampaigns,
  listSchoolPlans,
  parseCampaignInput,
  parseSchoolPlans,
  publishCampaign,
  closeCampaign,
  saveSchoolPlans,
  stageWindowMessage,
  updateCampaign,
  type CampaignRow,
} from './campaign.service.ts';
import { forgetCachedCampaigns } from './submission.service.ts';
import { CampaignListView, CampaignView } from './views/campaigns.tsx';
import { LiveCampaignView, LiveSchoolView } from './views/live.tsx';

const hidden = { schema: { hide: true } };

const LevelCounts = Type.Object({ outOfTurn: Type.Integer(), first: Type.Integer(), sibling: Type.Integer(), territory: Type.Integer(), other: Type.Integer() });
const LiveSchool = Type.Object({
  organizationId: Type.String({ format: 'uuid' }),
  schoolName: Type.String(),
  plannedPlaces: Type.Integer(),
  applications: Type.Integer({ description: 'Received, documents checked or enrolled' }),
  byLevel: LevelCounts,
  enrolled: Type.Integer(),
  freePlaces: Type.Integer(),
});
const LiveCampaign = Type.Object({
  id: Type.String({ format: 'uuid' }),
  municipalityId: Type.Integer(),
  year: Type.Integer(),
  status: Type.String(),
  ordering: Type.String(),
  lotterySeedSha256: Type.Union([Type.String(), Type.Null()]),
  stage1OpensAt: Type.String({ format: 'date-time' }),
  stage1ClosesAt: Type.String({ format: 'date-time', description: 'Exclusive' }),
  stage2OpensAt: Type.String({ format: 'date-time' }),
  stage2ClosesAt: Type.String({ format: 'date-time', description: 'Exclusive' }),
  schools: Type.Array(LiveSchool),
});

function body(request: FastifyRequest): Record<string, unknown> {
  return (request.body ?? {}) as Record<string, unknown>;
}

export function registerCampaignRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function municipalityNames(): Promise<Map<number, { nameRu: string; nameEn: string }>> {
    return new Map((await listMunicipalities(db)).map((m) => [m.id, m]));
  }

  async function showList(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, fieldErrors: FieldErrors, status = 200) {
    const scope = campaignMunicipalities(request.actor);
    if (scope !== undefined && scope.length === 0) throw request.actor.kind === 'anonymous' ? errors.unauthenticated() : errors.forbidden();
    const [campaigns, names] = await Promise.all([listCampaigns(db, scope), municipalityNames()]);
    const locale = request.locale;
    const options = [...names.entries()].filter(([id]) => scope === undefined || scope.includes(id)).map(([id, m]) => ({ value: String(id), label: municipalityName(m, locale) }));
    return sendPage(
      request,
      reply,
      translate(locale, { ru: 'Приёмные кампании в 1 класс', en: 'First-grade admission campaigns' }),
      <CampaignListView campaigns={campaigns.map((c) => ({ ...c, municipalityName: names.get(c.municipalityId) ? municipalityName(names.get(c.municipalityId)!, locale) : String(c.municipalityId) }))} municipalities={options} values={values} errors={fieldErrors} />,
      status,
    );
  }

  app.get('/admission/campaigns', hidden, async (request, reply) => showList(request, reply, {}, {}));

  app.post('/admission/campaigns', hidden, async (request, reply) => {
    const form = body(request);
    const municipalityId = typeof form.municipalityId === 'string' && /^\d{1,6}$/.test(form.municipalityId) ? Number(form.municipalityId) : NaN;
    const year = typeof form.year === 'string' && /^\d{4}$/.test(form.year.trim()) ? Number(form.year.trim()) : NaN;
    const typed = { municipalityId: String(form.municipalityId ?? ''), year: String(form.year ?? '') };
    const fieldErrors: FieldErrors = {};
    if (!Number.isInteger(municipalityId)) fieldErrors.municipalityId = { ru: 'Выберите муниципалитет', en: 'Choose the municipality' };
    if (!(year >= 2020 && year <= 2100)) fieldErrors.year = { ru: 'Год от 2020 до 2100', en: 'A year from 2020 to 2100' };
    if (Object.keys(fieldErrors).length) return showList(request, reply, typed, fieldErrors, 422);
    authorize(request.actor, campaignPolicy, 'manage', { municipalityId });
    const settings = await getAdmissionSettings(db);
    try {
      const created = await createCampaign(context, request.auditOrigin, municipalityId, year, defaultCampaignInput(settings, year));
      return redirectAfterPost(reply, `/admission/campaigns/${created.id}?saved=created`);
    } catch (error) {
      if (error instanceof AppError && error.status === 409) return showList(request, reply, typed, error.fields, 409);
      throw error;
    }
  });

  async function loadCampaign(request: FastifyRequest): Promise<CampaignRow> {
    const { id } = request.params as { id: string };
    const campaign = isUuid(id) ? await findCampaign(db, id) : undefined;
    if (!campaign) throw errors.notFound();
    authorize(request.actor, campaignPolicy, 'manage', campaign);
    return campaign;
  }

  const notices: Record<string, { ru: string; en: string }> = {
    created: { ru: 'Кампания создана с датами по умолчанию', en: 'Campaign created with default dates' },
    saved: { ru: 'Изменения сохранены', en: 'Changes saved' },
    plans: { ru: 'План мест сохранён', en: 'Plan saved' },
    published: { ru: 'Кампания опубликована', en: 'Campaign published' },
    closed: { ru: 'Кампания закрыта', en: 'Campaign closed' },
  };

  async function showCampaign(request: FastifyRequest, reply: FastifyReply, campaign: CampaignRow, state: { values?: Record<string, string>; errors?: FieldErrors; planValues?: Record<string, string>; planErrors?: FieldErrors }, status = 200) {
    const [plans, names] = await Promise.all([listSchoolPlans(db, campaign), municipalityNames()]);
    const m = names.get(campaign.municipalityId);
    const saved = String((request.query as Record<string, unknown>).saved ?? '');
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Кампания {year}', en: 'Campaign {year}' }, { year: campaign.year }),
      <CampaignView
        campaign={campaign}
        municipalityName={m ? municipalityName(m, request.locale) : ''}
        values={state.values ?? campaignInputText(campaignAsInput(campaign))}
        errors={state.errors ?? {}}
        plans={plans}
        planValues={state.planValues ?? {}}
        planErrors={state.planErrors ?? {}}
        notice={status === 200 && notices[saved] ? translate(request.locale, notices[saved]!) : null}
        liveHref={`/admission/live/${campaign.id}`}
        closable={campaign.status === 'published' && context.clock.now().getTime() >= campaign.stage2ClosesAt.getTime()}
      />,
      status,
    );
  }

  app.get('/admission/campaigns/:id', hidden, async (request, reply) => showCampaign(request, reply, await loadCampaign(request), {}));

  app.post('/admission/campaigns/:id', hidden, async (request, reply) => {
    const campaign = await loadCampaign(request);
    const form = body(request);
    const typed = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const parsed = parseCampaignInput(form, campaign.year);
    if (!parsed.ok) return showCampaign(request, reply, campaign, { values: typed, errors: parsed.errors }, 422);
    const version = Number(form.version);
    try {
      await updateCampaign(context, request.auditOrigin, campaign, Number.isInteger(version) ? version : 0, parsed.value);
    } catch (error) {
      if (error instanceof AppError && (error.status === 409 || error.status === 422)) {
        return showCampaign(request, reply, campaign, { values: typed, errors: Object.keys(error.fields).length ? error.fields : { stage1OpensOn: error.userMessage } }, error.status);
      }
      throw error;
    }
    return redirectAfterPost(reply, `/admission/campaigns/${campaign.id}?saved=saved`);
  });

  app.post('/admission/campaigns/:id/plans', hidden, async (request, reply) => {
    const campaign = await loadCampaign(request);
    const plans = await listSchoolPlans(db, campaign);
    const form = body(request);
    const parsed = parseSchoolPlans(form, plans.map((p) => p.organizationId));
    if (!parsed.ok) {
      const typed = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      return showCampaign(request, reply, campaign, { planValues: typed, planErrors: parsed.errors }, 422);
    }
    await saveSchoolPlans(context, request.auditOrigin, campaign, parsed.value);
    return redirectAfterPost(reply, `/admission/campaigns/${campaign.id}?saved=plans`);
  });

  app.post('/admission/campaigns/:id/publish', hidden, async (request, reply) => {
    const campaign = await loadCampaign(request);
    try {
      await publishCampaign(context, request.auditOrigin, campaign);
    } catch (error) {
      if (error instanceof AppError && (error.status === 409 || error.status === 422)) {
        return showCampaign(request, reply, campaign, { errors: Object.keys(error.fields).length ? error.fields : { stage1OpensOn: error.userMessage } }, error.status);
      }
      throw error;
    }
    return redirectAfterPost(reply, `/admission/campaigns/${campaign.id}?saved=published`);
  });

  app.post('/admission/campaigns/:id/close', hidden, async (request, reply) => {
    const campaign = await loadCampaign(request);
    try {
      await closeCampaign(context, request.auditOrigin, campaign);
    } catch (error) {
      if (error instanceof AppError && error.status === 409) return showCampaign(request, reply, campaign, { errors: { close: error.userMessage } }, 409);
      throw error;
    }
    // The accepting path keeps campaigns for a few seconds: let it see the closure at once.
    forgetCachedCampaigns(db);
    return redirectAfterPost(reply, `/admission/campaigns/${campaign.id}?saved=closed`);
  });

  // Public live pages: numbers only, no login, a short cache so the opening minute's readers
  // are served by caches (Order 458 §6: schools publish their places and free places).

  async function publicCampaign(request: FastifyRequest): Promise<CampaignRow> {
    const { id } = request.params as { id: string };
    const campaign = isUuid(id) ? await findCampaign(db, id) : undefined;
    if (!campaign || campaign.status === 'draft') throw errors.notFound();
    return campaign;
  }

  function cacheShort(request: FastifyRequest, reply: FastifyReply): void {
    if (request.actor.kind === 'anonymous') {
      reply.header('cache-control', 'public, max-age=30');
      reply.header('vary', 'Cookie');
    }
  }

  app.get('/admission/live/:id', hidden, async (request, reply) => {
    const campaign = await publicCampaign(request);
    const [schools, names] = await Promise.all([campaignCounters(db, campaign), municipalityNames()]);
    const m = names.get(campaign.municipalityId);
    const title = translate(request.locale, { ru: 'Приём в 1 класс {year}: {m}', en: 'First-grade admission {year}: {m}' }, { year: campaign.year, m: m ? municipalityName(m, request.locale) : '' });
    cacheShort(request, reply);
    const windows = translate(request.locale, stageWindowMessage(campaign, context.clock.now()));
    return sendPage(request, reply, title, <LiveCampaignView title={title} windows={windows} schools={schools} base={`/admission/live/${campaign.id}`} at={context.clock.now()} seedHash={campaign.ordering === 'lottery' ? campaign.lotterySeedSha256 : null} protocolsHref={`/admission/campaigns/${campaign.id}/protocols`} />);
  });

  app.get(
    '/api/v1/admission/campaigns/:id/live',
    {
      schema: {
        tags: ['admission'],
        summary: 'A published campaign with its schools’ numbers: planned places, applications by priority level, enrolled, free (no login, numbers only)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: LiveCampaign },
      },
    },
    async (request, reply) => {
      const campaign = await publicCampaign(request);
      const schools = await campaignCounters(db, campaign);
      cacheShort(request, reply);
      return {
        id: campaign.id,
        municipalityId: campaign.municipalityId,
        year: campaign.year,
        status: campaign.status,
        ordering: campaign.ordering,
        lotterySeedSha256: campaign.ordering === 'lottery' ? campaign.lotterySeedSha256 : null,
        stage1OpensAt: campaign.stage1OpensAt.toISOString(),
        stage1ClosesAt: campaign.stage1ClosesAt.toISOString(),
        stage2OpensAt: campaign.stage2OpensAt.toISOString(),
        stage2ClosesAt: campaign.stage2ClosesAt.toISOString(),
        schools,
      };
    },
  );

  app.get('/admission/live/:id/schools/:organizationId', hidden, async (request, reply) => {
    const campaign = await publicCampaign(request);
    const { organizationId } = request.params as { organizationId: string };
    const [school] = isUuid(organizationId) ? await campaignCounters(db, campaign, organizationId.toLowerCase()) : [];
    if (!school) throw errors.notFound();
    const title = translate(request.locale, { ru: '{school}: приём в 1 класс {year}', en: '{school}: first-grade admission {year}' }, { school: school.schoolName, year: campaign.year });
    cacheShort(request, reply);
    return sendPage(request, reply, title, <LiveSchoolView title={title} campaignHref={`/admission/live/${campaign.id}`} school={school} at={context.clock.now()} />);
  });
}

/**
 * First-grade applications: the family's pages (drafts, status, withdrawal), the desk (an
 * operator prepares a draft on a family's behalf), and the school's work (list, document check,
 * refusal with an offer, enrolment orders). Submitting a draft is the accepting path's
 * (submission.routes.tsx). Handlers: validate → authenticate → load → authorise → service → render.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, hasRole, type Actor } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../../platform/errors.ts';
import { translate, type Message } from '../../platform/i18n/i18n.ts';
import { isUuid } from '../../platform/validation.ts';
import { getHouses, searchAddresses } from '../../registry/address.service.ts';
import { listOwnPeople, personFullName, regionToday, resolvePersonReference } from '../../registry/person.service.ts';
import { listMunicipalities, municipalityName } from '../../registry/region.service.ts';
import { listSchools, schoolCards, schoolsServingHouses } from '../../registry/territory.service.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import {
  admissionDraftPolicy,
  admissionReferencePolicy,
  authorizeAdmissionApplication,
  campaignMunicipalities,
  canAdmissionApplication,
  headedSchools,
  schoolAdmissionPolicy,
} from './admission.policy.ts';
import {
  ageMonthsOn,
  campaignCounters,
  createDraft,
  draftInputFromRow,
  draftInputOf,
  findApplicationDetail,
  issueEnrolmentOrder,
  listEnrolmentOrders,
  listOwnApplications,
  listPriorityCategories,
  listSchoolApplications,
  parseDocumentCheck,
  parseOrderInput,
  recordApplicationRead,
  recordDocumentCheck,
  recordSchoolListRead,
  refuseForLackOfPlaces,
  schoolsWithFreePlaces,
  updateDraft,
  withdrawApplication,
  priorityLevelNames,
  type ApplicationDetail,
  type DraftInput,
} from './application.service.ts';
import { orderMunicipalities } from './admission-order.policy.ts';
import { flagMunicipalities, flagPolicy, mayEditParameters } from './flags.policy.ts';
import { openFlagCounts } from './flags.service.ts';
import { planningMunicipalities } from './planning.policy.ts';
import { currentCampaign, findCampaign, getAdmissionSettings, listCampaigns, stageAt, stageWindowMessage, type CampaignRow } from './campaign.service.ts';
import { regionDate } from './region-time.ts';
import { AdmissionDraftForm } from './views/admission-form.tsx';
import { AdmissionDetailView } from './views/admission-detail.tsx';
import { AdmissionHomeView } from './views/admission-home.tsx';
import { SchoolApplicationsView } from './views/school-applications.tsx';

const hidden = { schema: { hide: true } };
const pageSize = 50;

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const ApplicationJson = Type.Object({
  id: Type.String({ format: 'uuid' }),
  campaignId: Type.String({ format: 'uuid' }),
  organizationId: Type.String({ format: 'uuid' }),
  childId: Type.String({ format: 'uuid' }),
  status: Type.String({ description: 'draft, received, documentsChecked, enrolled, refused, withdrawn' }),
  stage: Type.Union([Type.Integer(), Type.Null()]),
  receiptNumber: Type.Union([Type.Integer(), Type.Null()], { description: 'Gap-free per campaign; never changes' }),
  receivedAt: nullable(Type.String({ format: 'date-time' })),
  inTerritory: Type.Boolean(),
  priorityCode: nullable(Type.String()),
  documentsDueOn: nullable(Type.String({ format: 'date' })),
  documentsResult: nullable(Type.String()),
  decisionDueOn: nullable(Type.String({ format: 'date' })),
  offeredOrganizationId: nullable(Type.String({ format: 'uuid' })),
  enrolmentOrder: Type.Union([Type.Object({ number: Type.String(), issuedOn: Type.String({ format: 'date' }) }), Type.Null()]),
  history: Type.Array(Type.Object({ at: Type.String({ format: 'date-time' }), from: nullable(Type.String()), to: Type.String(), reason: Type.String() })),
});

function body(request: FastifyRequest): Record<string, unknown> {
  return (request.body ?? {}) as Record<string, unknown>;
}
function str(source: Record<string, unknown>, key: string): string {
  const v = source[key];
  return typeof v === 'string' ? v.trim() : '';
}
function requireAccount(actor: Actor): asserts actor is Extract<Actor, { kind: 'account' }> {
  if (actor.kind !== 'account') throw errors.unauthenticated();
}

const notices: Record<string, Message> = {
  created: { ru: 'Черновик сохранён. Подать его можно с открытия приёма.', en: 'Draft saved. It can be submitted once applications open.' },
  saved: { ru: 'Черновик сохранён', en: 'Draft saved' },
  withdrawn: { ru: 'Заявление отозвано', en: 'Application withdrawn' },
  deleted: { ru: 'Черновик удалён', en: 'Draft deleted' },
  checked: { ru: 'Проверка документов записана', en: 'Document check recorded' },
  refused: { ru: 'Решение об отказе записано, заявителю предложена другая школа', en: 'Refusal recorded, another school offered' },
  order: { ru: 'Приказ издан', en: 'Order issued' },
};

export function registerApplicationRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  // Home ------------------------------------------------------------------------------------------

  app.get('/admission', hidden, async (request, reply) => {
    const actor = request.actor;
    const canApply = can(actor, admissionDraftPolicy, 'applyOnline', { municipalityId: 0 });
    let applications: Awaited<ReturnType<typeof listOwnApplications>> = [];
    if (canApply && actor.kind === 'account' && actor.personId) {
      const own = await listOwnPeople(db, actor.personId);
      applications = await listOwnApplications(db, actor.personId, own.children.map((c) => c.id));
    }
    const [published, municipalities] = await Promise.all([listCampaigns(db, undefined, ['published']), listMunicipalities(db)]);
    const names = new Map(municipalities.map((m) => [m.id, m]));
    const tools: Array<{ href: string; label: Message }> = [];
    if (hasRole(actor, 'organizationHead', 'municipalOperator', 'regionalAdmin')) tools.push({ href: '/admission/school', label: { ru: 'Заявления в школу, проверка документов, приказы', en: 'School applications, checks, orders' } });
    if (hasRole(actor, 'municipalOperator', 'regionalAdmin')) {
      tools.push({ href: '/admission/campaigns', label: { ru: 'Приёмные кампании и план мест', en: 'Campaigns and the plan of places' } });
      tools.push({ href: '/admission/desk/new', label: { ru: 'Черновик заявления за заявителя (приём в ведомстве)', en: 'Draft on a family’s behalf (the desk)' } });
    }
    // The municipality's tools, each shown only where its own policy lets the actor in.
    const some = (ids: number[] | null) => ids === null || ids.length > 0;
    if (actor.kind === 'account') {
      if (some(orderMunicipalities(actor))) tools.push({ href: '/admission/order', label: { ru: 'Порядок приёма: прогоны и протоколы', en: 'Order of admission: runs and protocols' } });
      if (some(flagMunicipalities(actor))) tools.push({ href: '/admission/flags', label: { ru: 'Очередь проверки подозрительных регистраций', en: 'Review queue of suspicious registrations' } });
      if (some(planningMunicipalities(actor))) tools.push({ href: '/admission/planning', label: { ru: 'Планирование классов: дефицит мест и прогноз', en: 'Planning classes: shortage and forecast' } });
      if (mayEditParameters(actor)) tools.push({ href: '/admission/parameters', label: { ru: 'Пороги проверок и прогноза', en: 'Thresholds of the checks and the forecast' } });
    }
    if (hasRole(actor, 'regionalAdmin')) {
      tools.push({ href: '/admission/settings', label: { ru: 'Справочники приёма: сроки, категории права', en: 'Admission reference data' } });
      tools.push({ href: '/settings/calendar', label: { ru: 'Производственный календарь', en: 'Production calendar' } });
    }
    if (can(actor, admissionReferencePolicy, 'manage', null)) tools.push({ href: '/admission/rate-limits', label: { ru: 'Ограничения частоты заявлений', en: 'Admission rate limits' } });
    const saved = str(request.query as Record<string, unknown>, 'saved');
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Приём в 1 класс', en: 'First-grade admission' }),
      <AdmissionHomeView
        canApply={canApply}
        applications={applications}
        campaigns={published.slice(0, 50).map((c) => ({ href: `/admission/live/${c.id}`, label: `${names.get(c.municipalityId) ? municipalityName(names.get(c.municipalityId)!, request.locale) : c.municipalityId}, ${c.year}` }))}
        tools={tools}
        notice={notices[saved] ?? null}
      />,
    );
  });

  // The draft form ----------------------------------------------------------------------------------

  interface FormState {
    mode: 'online' | 'desk';
    action: string;
    campaign: CampaignRow;
    values: DraftInput & { addressQuery: string; guardianReference?: string; version?: string };
    errors: FieldErrors;
    searched: boolean;
    children: Array<{ id: string; name: string; birthDate: string }>;
  }

  async function showDraftForm(request: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) {
    const locale = request.locale;
    const now = context.clock.now();
    const today = regionDate(now);
    const { campaign, values } = state;
    const [schools, categories, settings] = await Promise.all([listSchools(db, campaign.municipalityId), listPriorityCategories(db), getAdmissionSettings(db)]);
    const houses = state.searched && values.addressQuery ? await searchAddresses(db, { query: values.addressQuery, municipalityId: campaign.municipalityId, limit: 20 }) : null;
    const chosen = isUuid(values.houseId) ? (await getHouses(db, [values.houseId])).get(values.houseId.toLowerCase()) ?? null : null;
    const serving = chosen ? (await schoolsServingHouses(db, [chosen.id], today)).get(chosen.id) ?? [] : [];
    const child = state.children.find((c) => c.id === values.childId);
    let ageWarning: string | null = null;
    if (child) {
      const months = ageMonthsOn(child.birthDate, `${campaign.year}-09-01`);
      // Order 458 §18: 6.5–8 years on 1 September; otherwise the founder's permission is needed.
      if (months < settings.minAgeMonths || months >= settings.maxAgeMonths) {
        ageWarning = translate(locale, { ru: 'На 1 сентября ребёнку будет {y} лет {m} мес.: вне 6,5–8 лет нужно разрешение учредителя.', en: 'On 1 September the child will be {y} years {m} months: outside 6.5–8 the founder’s permission is needed.' }, { y: Math.floor(months / 12), m: months % 12 });
      }
    }
    const siblings = state.children.filter((c) => c.id !== values.childId).map((c) => ({ id: c.id, name: c.name }));
    const ordered = [...schools].sort((a, b) => Number(serving.includes(b.id)) - Number(serving.includes(a.id)));
    const heading = state.mode === 'online' ? { ru: 'Заявление в 1 класс: черновик', en: 'First-grade application: draft' } : { ru: 'Черновик заявления за заявителя', en: 'Draft on a family’s behalf' };
    const names = new Map((await listMunicipalities(db)).map((m) => [m.id, m]));
    const m = names.get(campaign.municipalityId);
    return sendPage(
      request,
      reply,
      translate(locale, heading),
      <AdmissionDraftForm
        mode={state.mode}
        action={state.action}
        heading={heading}
        campaignLabel={translate(locale, { ru: 'Кампания {year}, {m}', en: 'Campaign {year}, {m}' }, { year: campaign.year, m: m ? municipalityName(m, locale) : '' })}
        stageText={translate(locale, stageWindowMessage(campaign, now))}
        values={values}
        errors={state.errors}
        children={state.children}
        siblings={siblings}
        houses={houses?.map((h) => ({ id: h.id, label: h.residential ? h.label : `${h.label} (${translate(locale, { ru: 'нежилое', en: 'not housing' })})` })) ?? null}
        chosenHouse={chosen ? { id: chosen.id, label: chosen.label } : null}
        schools={ordered.map((s) => ({ id: s.id, name: s.shortName, serving: serving.includes(s.id) }))}
        categories={categories.map((c) => ({ value: c.code, label: `${translate(locale, { ru: c.nameRu, en: c.nameEn })} — ${translate(locale, priorityLevelNames[c.level])}` }))}
        ageWarning={ageWarning}
      />,
      status,
    );
  }

  async function guardianChildren(guardianId: string) {
    const own = await listOwnPeople(db, guardianId);
    return { self: own.self, children: own.children.map((c) => ({ id: c.id, name: personFullName(c), birthDate: c.birthDate })) };
  }

  function postedValues(form: Record<string, unknown>): FormState['values'] {
    const input = draftInputOf(form);
    // After a search without a new pick, the house chosen before stays.
    if (!input.houseId && isUuid(str(form, 'currentHouseId'))) input.houseId = str(form, 'currentHouseId');
    return { ...input, addressQuery: str(form, 'addressQuery').slice(0, 200), guardianReference: str(form, 'guardianReference').slice(0, 40), version: str(form, 'version') || undefined };
  }

  /** The campaign a guardian's draft is for: their municipality's current published campaign. */
  async function campaignForGuardian(municipalityId: number | null): Promise<CampaignRow> {
    const campaign = municipalityId !== null ? await currentCampaign(db, municipalityId, context.clock.now()) : undefined;
    if (!campaign) throw new AppError(404, 'no-campaign', { ru: 'В вашем муниципалитете нет объявленной приёмной кампании', en: 'Your municipality has no published admission campaign' });
    return campaign;
  }

  app.get('/admission/apply', hidden, async (request, reply) => {
    requireAccount(request.actor);
    authorize(request.actor, admissionDraftPolicy, 'applyOnline', { municipalityId: 0 });
    const family = await guardianChildren(request.actor.personId!);
    const campaign = await campaignForGuardian(family.self?.municipalityId ?? null);
    const values = { ...draftInputOf({}), addressQuery: '' };
    if (family.children.length === 1) values.childId = family.children[0]!.id;
    return showDraftForm(request, reply, { mode: 'online', action: '/admission/apply', campaign, values, errors: {}, searched: false, children: family.children });
  });

  app.post('/admission/apply', hidden, async (request, reply) => {
    requireAccount(request.actor);
    authorize(request.actor, admissionDraftPolicy, 'applyOnline', { municipalityId: 0 });
    const form = body(request);
    const family = await guardianChildren(request.actor.personId!);
    const campaign = await campaignForGuardian(family.self?.municipalityId ?? null);
    const values = postedValues(form);
    const state: FormState = { mode: 'online', action: '/admission/apply', campaign, values, errors: {}, searched: str(form, 'op') === 'search', children: family.children };
    if (str(form, 'op') !== 'save') return showDraftForm(request, reply, state);
    const result = await createDraft(context, request.auditOrigin, { guardianId: request.actor.personId!, accountId: request.actor.accountId, rateLimited: true }, campaign, values, family.children.map((c) => c.id));
    if (!result.ok) return showDraftForm(request, reply, { ...state, errors: result.errors }, 422);
    return redirectAfterPost(reply, `/admission/applications/${result.row.id}?saved=created`);
  });

  // The desk: an operator prepares a draft for a family that came in person ---------------------------

  async function deskCampaign(request: FastifyRequest): Promise<CampaignRow> {
    requireAccount(request.actor);
    const scope = campaignMunicipalities(request.actor);
    const campaigns = (await listCampaigns(db, scope, ['published'])).filter((c) => c.stage2ClosesAt > context.clock.now());
    const wanted = str(request.query as Record<string, unknown>, 'campaign') || str(body(request), 'campaignId');
    const campaign = campaigns.find((c) => c.id === wanted) ?? campaigns[0];
    if (!campaign) throw new AppError(404, 'no-campaign', { ru: 'Нет опубликованной кампании в вашем муниципалитете', en: 'No published campaign in your municipality' });
    authorize(request.actor, admissionDraftPolicy, 'applyAtDesk', campaign);
    return campaign;
  }

  app.get('/admission/desk/new', hidden, async (request, reply) => {
    const campaign = await deskCampaign(request);
    return showDraftForm(request, reply, { mode: 'desk', action: `/admission/desk/new?campaign=${campaign.id}`, campaign, values: { ...draftInputOf({}), addressQuery: '', guardianReference: '' }, errors: {}, searched: false, children: [] });
  });

  app.post('/admission/desk/new', hidden, async (request, reply) => {
    const campaign = await deskCampaign(request);
    requireAccount(request.actor);
    const form = body(request);
    const values = postedValues(form);
    const guardianId = values.guardianReference ? await resolvePersonReference(db, values.guardianReference) : null;
    const family = guardianId ? await guardianChildren(guardianId) : { self: null, children: [] };
    const state: FormState = { mode: 'desk', action: `/admission/desk/new?campaign=${campaign.id}`, campaign, values, errors: {}, searched: str(form, 'op') === 'search', children: family.children };
    if (!guardianId) return showDraftForm(request, reply, { ...state, errors: { guardianReference: { ru: 'Представитель с таким СНИЛС не найден в реестре', en: 'No guardian with this SNILS in the registry' } } }, str(form, 'op') === 'save' ? 422 : 200);
    if (str(form, 'op') !== 'save') return showDraftForm(request, reply, state);
    const result = await createDraft(context, request.auditOrigin, { guardianId, accountId: request.actor.accountId }, campaign, values, family.children.map((c) => c.id));
    if (!result.ok) return showDraftForm(request, reply, { ...state, errors: result.errors }, 422);
    return redirectAfterPost(reply, `/admission/applications/${result.row.id}?saved=created`);
  });

  // One application -------------------------------------------------------------------------------

  async function loadDetail(request: FastifyRequest, action: 'read' | 'editDraft' | 'withdraw' | 'decide'): Promise<ApplicationDetail> {
    requireAccount(request.actor);
    const { id } = request.params as { id: string };
    const detail = isUuid(id) ? await findApplicationDetail(db, id) : null;
    if (!detail) throw errors.notFound();
    authorizeAdmissionApplication(request.actor, action, detail.facts);
    return detail;
  }

  async function showDetail(request: FastifyRequest, reply: FastifyReply, detail: ApplicationDetail, state: { errors?: FieldErrors; values?: Record<string, string> } = {}, status = 200) {
    const actor = request.actor;
    const now = context.clock.now();
    const a = detail.row;
    const decide = canAdmissionApplication(actor, 'decide', detail.facts);
    const own = canAdmissionApplication(actor, 'editDraft', detail.facts);
    // Every staff read of a child's application is audited; the family's own read is not.
    if (decide) await recordApplicationRead(db, request.auditOrigin, a);
    const offers = decide && (a.status === 'received' || a.status === 'documentsChecked') ? await schoolsWithFreePlaces(db, detail.campaign, a.organizationId) : [];
    const stage = stageAt(detail.campaign, now);
    const saved = str(request.query as Record<string, unknown>, 'saved');
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Заявление в 1 класс', en: 'First-grade application' }),
      <AdmissionDetailView
        detail={detail}
        notice={status === 200 ? notices[saved] ?? null : null}
        errors={state.errors ?? {}}
        values={state.values ?? { checkedOn: regionDate(now) }}
        actions={{
          editDraft: own && a.status === 'draft',
          submit: own && a.status === 'draft' ? { idempotencyKey: crypto.randomUUID(), stageText: translate(request.locale, stageWindowMessage(detail.campaign, now)), open: stage !== null } : null,
          withdraw: canAdmissionApplication(actor, 'withdraw', detail.facts) && ['draft', 'received', 'documentsChecked'].includes(a.status),
          decide,
          offers: offers.map((o) => ({ id: o.organizationId, name: o.schoolName, free: o.freePlaces })),
          schoolListHref: decide ? `/admission/schools/${a.organizationId}/campaigns/${a.campaignId}` : null,
        }}
      />,
      status,
    );
  }

  app.get('/admission/applications/:id', hidden, async (request, reply) => showDetail(request, reply, await loadDetail(request, 'read')));

  app.get(
    '/api/v1/admission/applications/:id',
    {
      schema: {
        tags: ['admission'],
        summary: 'A first-grade application: status, receipt number and time, deadlines, decision, history (the family, its school, the municipality)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: ApplicationJson },
      },
    },
    async (request) => {
      const detail = await loadDetail(request, 'read');
      const a = detail.row;
      if (canAdmissionApplication(request.actor, 'decide', detail.facts)) await recordApplicationRead(db, request.auditOrigin, a);
      return {
        id: a.id,
        campaignId: a.campaignId,
        organizationId: a.organizationId,
        childId: a.childId,
        status: a.status,
        stage: a.stage,
        receiptNumber: a.receiptNumber,
        receivedAt: a.receivedAt?.toISOString() ?? null,
        inTerritory: a.inTerritory,
        priorityCode: a.priorityCode,
        documentsDueOn: a.documentsDueOn,
        documentsResult: a.documentsResult,
        decisionDueOn: a.decisionDueOn,
        offeredOrganizationId: a.offeredOrganizationId,
        enrolmentOrder: detail.order ? { number: detail.order.number, issuedOn: detail.order.issuedOn } : null,
        history: detail.history.map((h) => ({ at: h.at.toISOString(), from: h.fromStatus, to: h.toStatus, reason: h.reason })),
      };
    },
  );

  app.get('/admission/applications/:id/edit', hidden, async (request, reply) => {
    const detail = await loadDetail(request, 'editDraft');
    if (detail.row.status !== 'draft') return redirectAfterPost(reply, `/admission/applications/${detail.row.id}`);
    const family = await guardianChildren(detail.row.guardianId);
    const values = { ...draftInputFromRow(detail.row), addressQuery: '', version: String(detail.row.version) };
    return showDraftForm(request, reply, { mode: 'online', action: `/admission/applications/${detail.row.id}/edit`, campaign: detail.campaign, values, errors: {}, searched: false, children: family.children.filter((c) => c.id === detail.row.childId || c.id !== detail.row.childId) });
  });

  app.post('/admission/applications/:id/edit', hidden, async (request, reply) => {
    const detail = await loadDetail(request, 'editDraft');
    const form = body(request);
    const family = await guardianChildren(detail.row.guardianId);
    const values = { ...postedValues(form), childId: detail.row.childId };
    const state: FormState = { mode: 'online', action: `/admission/applications/${detail.row.id}/edit`, campaign: detail.campaign, values, errors: {}, searched: str(form, 'op') === 'search', children: family.children };
    if (str(form, 'op') !== 'save') return showDraftForm(request, reply, state);
    const version = Number(values.version);
    try {
      const result = await updateDraft(context, request.auditOrigin, detail.row, detail.campaign, Number.isInteger(version) ? version : 0, values);
      if (!result.ok) return showDraftForm(request, reply, { ...state, errors: result.errors }, 422);
    } catch (error) {
      if (error instanceof AppError && error.status === 409) return showDraftForm(request, reply, { ...state, errors: { childId: error.userMessage } }, 409);
      throw error;
    }
    return redirectAfterPost(reply, `/admission/applications/${detail.row.id}?saved=saved`);
  });

  app.post('/admission/applications/:id/withdraw', hidden, async (request, reply) => {
    const detail = await loadDetail(request, 'withdraw');
    const outcome = await withdrawApplication(context, request.auditOrigin, detail.row);
    return redirectAfterPost(reply, outcome === 'deleted' ? '/admission?saved=deleted' : `/admission/applications/${detail.row.id}?saved=withdrawn`);
  });

  app.post('/admission/applications/:id/documents', hidden, async (request, reply) => {
    const detail = await loadDetail(request, 'decide');
    const form = body(request);
    const parsed = parseDocumentCheck(form, regionToday(context.clock));
    if (!parsed.ok) return showDetail(request, reply, detail, { errors: parsed.errors, values: { checkedOn: str(form, 'checkedOn'), result: str(form, 'result'), note: str(form, 'note') } }, 422);
    await recordDocumentCheck(context, request.auditOrigin, detail.row, parsed.value);
    return redirectAfterPost(reply, `/admission/applications/${detail.row.id}?saved=checked`);
  });

  app.post('/admission/applications/:id/refuse', hidden, async (request, reply) => {
    const detail = await loadDetail(request, 'decide');
    const offered = str(body(request), 'offeredOrganizationId');
    try {
      await refuseForLackOfPlaces(context, request.auditOrigin, detail, offered.toLowerCase());
    } catch (error) {
      if (error instanceof AppError && (error.status === 422 || error.status === 409)) return showDetail(request, reply, detail, { errors: Object.keys(error.fields).length ? error.fields : { offeredOrganizationId: error.userMessage } }, error.status);
      throw error;
    }
    return redirectAfterPost(reply, `/admission/applications/${detail.row.id}?saved=refused`);
  });

  // The school's list and orders ----------------------------------------------------------------------

  app.get('/admission/school', hidden, async (request, reply) => {
    requireAccount(request.actor);
    const actor = request.actor;
    const heads = new Set(headedSchools(actor));
    const scope = campaignMunicipalities(actor);
    const campaigns = await listCampaigns(db, undefined, ['published', 'closed']);
    const links: Array<{ href: string; label: string }> = [];
    for (const c of campaigns) {
      const municipal = scope === undefined || scope.includes(c.municipalityId);
      if (!municipal && heads.size === 0) continue;
      for (const s of await listSchools(db, c.municipalityId)) {
        if (can(actor, schoolAdmissionPolicy, 'work', { municipalityId: c.municipalityId, organizationId: s.id })) links.push({ href: `/admission/schools/${s.id}/campaigns/${c.id}`, label: `${s.shortName} — ${c.year}` });
      }
      if (links.length > 300) break;
    }
    if (links.length === 0 && !hasRole(actor, 'organizationHead', 'municipalOperator', 'regionalAdmin')) throw errors.forbidden();
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Заявления в школу', en: 'School applications' }),
      <>
        <h1>{translate(request.locale, { ru: 'Заявления в школу', en: 'School applications' })}</h1>
        {links.length === 0 ? (
          <p>{translate(request.locale, { ru: 'Нет опубликованных кампаний для ваших школ.', en: 'No published campaigns for your schools.' })}</p>
        ) : (
          <ul>
            {links.map((l) => (
              <li key={l.href}>
                <a href={l.href}>{l.label}</a>
              </li>
            ))}
          </ul>
        )}
      </>,
    );
  });

  async function loadSchoolCampaign(request: FastifyRequest): Promise<{ campaign: CampaignRow; organizationId: string; schoolName: string }> {
    requireAccount(request.actor);
    const { organizationId, campaignId } = request.params as { organizationId: string; campaignId: string };
    const campaign = isUuid(campaignId) ? await findCampaign(db, campaignId) : undefined;
    if (!campaign || !isUuid(organizationId)) throw errors.notFound();
    const id = organizationId.toLowerCase();
    const school = (await listSchools(db, campaign.municipalityId)).find((s) => s.id === id);
    if (!school) throw errors.notFound();
    authorize(request.actor, schoolAdmissionPolicy, 'work', { municipalityId: campaign.municipalityId, organizationId: id }, { hideExistence: true });
    return { campaign, organizationId: id, schoolName: school.shortName };
  }

  async function showSchool(request: FastifyRequest, reply: FastifyReply, search: { number: string; name: string; after: string }, order: { values: { number: string; issuedOn: string; applicationIds: string[] }; errors: FieldErrors } | null, status = 200) {
    const { campaign, organizationId, schoolName } = await loadSchoolCampaign(request);
    const today = regionToday(context.clock);
    const base = `/admission/schools/${organizationId}/campaigns/${campaign.id}`;
    const number = /^\d{1,12}$/.test(search.number) ? Number(search.number) : undefined;
    const after = /^\d{1,12}$/.test(search.after) ? Number(search.after) : undefined;
    const [list, [counters], orders, checked] = await Promise.all([
      listSchoolApplications(db, { campaignId: campaign.id, organizationId, receiptNumber: number, name: search.name || undefined, after, limit: pageSize }, today),
      campaignCounters(db, campaign, organizationId),
      listEnrolmentOrders(db, campaign.id, organizationId),
      listSchoolApplications(db, { campaignId: campaign.id, organizationId, status: 'documentsChecked', limit: 500 }, today),
    ]);
    await recordSchoolListRead(db, request.auditOrigin, organizationId, campaign.municipalityId, [...list.items, ...checked.items].map((i) => i.id));
    // Only that an application has an open flag, never what it says (flags.policy.ts seePresence).
    const flagged = can(request.actor, flagPolicy, 'seePresence', { municipalityId: campaign.municipalityId, organizationId })
      ? new Set((await openFlagCounts(db, list.items.map((i) => i.id))).keys())
      : new Set<string>();
    const names = new Map((await listMunicipalities(db)).map((m) => [m.id, m]));
    const m = names.get(campaign.municipalityId);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Заявления в 1 класс: {school}', en: 'First-grade applications: {school}' }, { school: schoolName }),
      <SchoolApplicationsView
        base={base}
        schoolName={schoolName}
        campaignLabel={`${translate(request.locale, { ru: 'Кампания {year}', en: 'Campaign {year}' }, { year: campaign.year })}, ${m ? municipalityName(m, request.locale) : ''}`}
        counters={counters ?? null}
        items={list.items}
        flagged={flagged}
        nextHref={list.nextAfter !== null && !search.name ? `${base}?after=${list.nextAfter}` : null}
        search={{ number: search.number, name: search.name }}
        orders={orders}
        checked={checked.items.map((i) => ({ id: i.id, receiptNumber: i.receiptNumber, childName: i.childName }))}
        orderValues={order?.values ?? { number: '', issuedOn: today, applicationIds: [] }}
        orderErrors={order?.errors ?? {}}
        stage1DueOn={campaign.stage1DecisionDueOn}
      />,
      status,
    );
  }

  app.get('/admission/schools/:organizationId/campaigns/:campaignId', hidden, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    return showSchool(request, reply, { number: str(q, 'receipt').slice(0, 12), name: '', after: str(q, 'after').slice(0, 12) }, null);
  });

  // By name: a POSTed search, so that no child's name travels in a URL.
  app.post('/admission/schools/:organizationId/campaigns/:campaignId', hidden, async (request, reply) => {
    return showSchool(request, reply, { number: '', name: str(body(request), 'name').slice(0, 100), after: '' }, null);
  });

  app.post('/admission/schools/:organizationId/campaigns/:campaignId/orders', hidden, async (request, reply) => {
    const { campaign, organizationId } = await loadSchoolCampaign(request);
    const form = body(request);
    const parsed = parseOrderInput(form, regionToday(context.clock));
    const typed = { number: str(form, 'number'), issuedOn: str(form, 'issuedOn'), applicationIds: [form.applicationIds].flat().filter((v): v is string => typeof v === 'string') };
    if (!parsed.ok) return showSchool(request, reply, { number: '', name: '', after: '' }, { values: typed, errors: parsed.errors }, 422);
    try {
      await issueEnrolmentOrder(context, request.auditOrigin, campaign, organizationId, parsed.value);
    } catch (error) {
      if (error instanceof AppError && (error.status === 422 || error.status === 409)) {
        return showSchool(request, reply, { number: '', name: '', after: '' }, { values: typed, errors: Object.keys(error.fields).length ? error.fields : { applicationIds: error.userMessage } }, error.status);
      }
      throw error;
    }
    return redirectAfterPost(reply, `/admission/schools/${organizationId}/campaigns/${campaign.id}?saved=order`);
  });

}

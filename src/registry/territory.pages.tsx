/**
 * HTML routes of addresses and territories: the public "find your school by address" and a
 * school's addresses (no login, cacheable, no personal data), and the territory editor for the
 * municipal operator of the municipality and the regional administrator. Each handler:
 * validate → authenticate (request.actor) → load → authorise (territory.policy.ts) → service → render.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { translate, type Message } from '../platform/i18n/i18n.ts';
import { isUuid } from '../platform/validation.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import { getAddressObjects, getHouses, listHousesOf, searchAddresses, searchAddressObjects } from './address.service.ts';
import { cacheForAnonymous } from './organization.pages.tsx';
import { getOrganization } from './organization.service.ts';
import { listMunicipalities, municipalityName } from './region.service.ts';
import { territoryEditScope, territoryPolicy } from './territory.policy.ts';
import {
  actDetailFields,
  actFieldLabels,
  actInForce,
  addRule,
  createAct,
  editableActFields,
  getAct,
  listActs,
  listRules,
  listSchools,
  listTerritoryHouses,
  parseActDetails,
  parseActInput,
  parseRuleInput,
  publishAct,
  regionDate,
  removeRule,
  schoolCards,
  schoolsServingHouses,
  territoryReport,
  updateActDetails,
  type TerritoryActRow,
} from './territory.service.ts';
import { FindSchoolView } from './views/address-find.tsx';
import { TerritoryActView } from './views/territory-act.tsx';
import { TerritoryActEditView } from './views/territory-act-edit.tsx';
import { TerritoryActsView } from './views/territory-acts.tsx';
import { TerritoryReportView } from './views/territory-report.tsx';
import { SchoolTerritoryView } from './views/territory-school.tsx';

const pageSize = 50;

function queryOf(request: FastifyRequest): Record<string, string> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const one = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');
  return Object.fromEntries(Object.entries(query).map(([k, v]) => [k, one(v).trim().slice(0, 1000)]));
}

function textValues(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string') as Array<[string, string]>);
}

export function registerTerritoryPages(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  // Public ------------------------------------------------------------------------------------

  app.get('/schools/find', { schema: { hide: true } }, async (request, reply) => {
    const query = queryOf(request);
    const q = (query.q ?? '').slice(0, 200);
    authorize(request.actor, territoryPolicy, 'readPublished', null);
    const onDate = regionDate(context.clock.now());
    let chosen = null;
    if (isUuid(query.house)) {
      const house = (await getHouses(db, [query.house])).get(query.house.toLowerCase());
      if (house) {
        const served = (await schoolsServingHouses(db, [house.id], onDate)).get(house.id) ?? [];
        const cards = await schoolCards(db, served);
        chosen = { house, schools: served.flatMap((id) => (cards.has(id) ? [cards.get(id)!] : [])), onDate };
      }
    }
    const houses = !chosen && q ? await searchAddresses(db, { query: q, limit: 20 }) : [];
    cacheForAnonymous(request, reply);
    return sendPage(request, reply, translate(request.locale, { ru: 'Найти школу по адресу', en: 'Find your school by address' }), <FindSchoolView query={q} houses={houses} chosen={chosen} />);
  });

  app.get('/organizations/:id/territory', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const query = queryOf(request);
    const school = await getOrganization(db, id);
    authorize(request.actor, territoryPolicy, 'readPublished', null);
    const onDate = regionDate(context.clock.now());
    const [act, page] = await Promise.all([
      actInForce(db, school.municipalityId, onDate),
      listTerritoryHouses(db, school.id, onDate, { cursor: query.cursor || null, limit: pageSize }),
    ]);
    cacheForAnonymous(request, reply);
    const base = `/organizations/${school.id}/territory`;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Закреплённая территория', en: 'Assigned territory' }),
      <SchoolTerritoryView
        school={school}
        act={act ?? null}
        items={page.items}
        total={page.total}
        nextHref={page.nextCursor ? `${base}?${new URLSearchParams({ cursor: page.nextCursor }).toString()}` : null}
        firstHref={query.cursor ? base : null}
      />,
    );
  });

  // Editor ------------------------------------------------------------------------------------

  function editableMunicipalities(request: FastifyRequest, all: number[]): number[] {
    const scope = territoryEditScope(request.actor);
    if (scope.kind === 'none') throw request.actor.kind === 'anonymous' ? errors.unauthenticated() : errors.forbidden();
    return scope.kind === 'all' ? all : all.filter((m) => scope.municipalityIds.includes(m));
  }

  async function showActs(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, fieldErrors: FieldErrors, status = 200) {
    const municipalities = await listMunicipalities(db);
    const allowed = editableMunicipalities(request, municipalities.map((m) => m.id));
    if (allowed.length === 0) throw errors.forbidden();
    const acts = await listActs(db, allowed.length === municipalities.length ? undefined : allowed);
    const preset = allowed.length === 1 && !values.municipalityId ? { ...values, municipalityId: String(allowed[0]) } : values;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Закрепление территорий', en: 'Territories' }),
      <TerritoryActsView
        acts={acts}
        municipalityNames={new Map(municipalities.map((m) => [m.id, municipalityName(m, request.locale)]))}
        municipalities={municipalities.filter((m) => allowed.includes(m.id)).map((m) => ({ value: String(m.id), label: municipalityName(m, request.locale) }))}
        values={preset}
        errors={fieldErrors}
      />,
      status,
    );
  }

  app.get('/territories', { schema: { hide: true } }, async (request, reply) => showActs(request, reply, {}, {}));

  app.post('/territories/new', { schema: { hide: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const municipalities = await listMunicipalities(db);
    const allowed = editableMunicipalities(request, municipalities.map((m) => m.id));
    const { values, errors: fieldErrors } = parseActInput(body, new Set(allowed));
    if (Object.keys(fieldErrors).length) return showActs(request, reply, textValues(body), fieldErrors, 422);
    authorize(request.actor, territoryPolicy, 'edit', { municipalityId: values.municipalityId });
    const act = await createAct(context, request.auditOrigin, values);
    return redirectAfterPost(reply, `/territories/${act.id}`);
  });

  async function loadEditableAct(request: FastifyRequest): Promise<TerritoryActRow> {
    const { id } = request.params as { id: string };
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    if (!isUuid(id)) throw errors.notFound();
    const act = await getAct(db, id);
    authorize(request.actor, territoryPolicy, 'edit', act);
    return act;
  }

  async function showAct(request: FastifyRequest, reply: FastifyReply, act: TerritoryActRow, values: Record<string, string>, fieldErrors: FieldErrors, status = 200) {
    const query = queryOf(request);
    const streetQuery = (query.street ?? '').slice(0, 200);
    const objectId = values.objectId || query.objectId || '';
    const [municipalities, rules, schools, streets, picked] = await Promise.all([
      listMunicipalities(db),
      listRules(db, act.id),
      listSchools(db, act.municipalityId),
      streetQuery && !objectId ? searchAddressObjects(db, { query: streetQuery, municipalityId: act.municipalityId, limit: 30 }) : Promise.resolve([]),
      isUuid(objectId) ? getAddressObjects(db, [objectId]) : Promise.resolve(new Map()),
    ]);
    const street = [...picked.values()].find((s) => s.municipalityId === act.municipalityId) ?? null;
    const houses = street ? await listHousesOf(db, street.id) : [];
    const notice = (['published', 'added', 'removed', 'saved'] as const).find((n) => query[n] === '1') ?? null;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Постановление о закреплении территорий', en: 'Act assigning territories' }),
      <TerritoryActView
        act={act}
        municipalityName={municipalities.find((m) => m.id === act.municipalityId) ? municipalityName(municipalities.find((m) => m.id === act.municipalityId)!, request.locale) : ''}
        rules={rules}
        schools={schools.map((s) => ({ value: s.id, label: s.shortName }))}
        streetQuery={streetQuery}
        streets={streets}
        street={street}
        houses={houses.map((h) => ({ value: h.id, label: h.label.slice(h.label.lastIndexOf(', ') + 2) }))}
        values={values}
        errors={fieldErrors}
        notice={notice}
      />,
      status,
    );
  }

  app.get('/territories/:id', { schema: { hide: true } }, async (request, reply) => showAct(request, reply, await loadEditableAct(request), {}, {}));

  app.post('/territories/:id/rules', { schema: { hide: true } }, async (request, reply) => {
    const act = await loadEditableAct(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { values, errors: fieldErrors } = parseRuleInput(body);
    if (Object.keys(fieldErrors).length) return showAct(request, reply, act, textValues(body), fieldErrors, 422);
    try {
      await addRule(context, request.auditOrigin, act.id, values);
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation') return showAct(request, reply, act, textValues(body), error.fields, 422);
      throw error;
    }
    return redirectAfterPost(reply, `/territories/${act.id}?${new URLSearchParams({ objectId: values.objectId, added: '1' }).toString()}#add-rule`);
  });

  app.post('/territories/:id/rules/:ruleId/delete', { schema: { hide: true } }, async (request, reply) => {
    const act = await loadEditableAct(request);
    const { ruleId } = request.params as { ruleId: string };
    if (!isUuid(ruleId)) throw errors.notFound();
    await removeRule(context, request.auditOrigin, act.id, ruleId);
    return redirectAfterPost(reply, `/territories/${act.id}?removed=1`);
  });

  app.post('/territories/:id/publish', { schema: { hide: true } }, async (request, reply) => {
    const act = await loadEditableAct(request);
    await publishAct(context, request.auditOrigin, act.id);
    return redirectAfterPost(reply, `/territories/${act.id}?published=1`);
  });

  // The act's own fields (number, dates, title, document) ------------------------------------

  const actFormValues = (act: TerritoryActRow): Record<string, string> => Object.fromEntries(actDetailFields.map((f) => [f, act[f] ?? '']));

  async function showActEdit(
    request: FastifyRequest,
    reply: FastifyReply,
    act: TerritoryActRow,
    state: { values: Record<string, string>; errors: FieldErrors; conflict?: { message: Message; differences: Array<[string, string]> } },
    status = 200,
  ) {
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Реквизиты постановления', en: 'Details of the act' }),
      <TerritoryActEditView act={act} editable={editableActFields(act)} values={state.values} errors={state.errors} conflict={state.conflict ?? null} />,
      status,
    );
  }

  app.get('/territories/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    const act = await loadEditableAct(request);
    return showActEdit(request, reply, act, { values: actFormValues(act), errors: {} });
  });

  app.post('/territories/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    const act = await loadEditableAct(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // Fields the act no longer offers (a published act's dates) keep what is stored.
    const posted = textValues(body);
    const typed = { ...actFormValues(act), ...Object.fromEntries(editableActFields(act).flatMap((f) => (f in posted ? [[f, posted[f]!]] : []))) };
    const { values, errors: fieldErrors } = parseActDetails(typed);
    const version = /^\d{1,9}$/.test(posted.version ?? '') ? Number(posted.version) : null;
    if (version === null) fieldErrors.version = { ru: 'Форма устарела: откройте её заново', en: 'The form is out of date: open it again' };
    // The form keeps the version it was opened at: a save by someone else in between still
    // answers 409 when this user resubmits, instead of being overwritten silently.
    if (Object.keys(fieldErrors).length) return showActEdit(request, reply, version === null ? act : { ...act, version }, { values: typed, errors: fieldErrors }, 422);
    try {
      await updateActDetails(context, request.auditOrigin, act.id, version!, values);
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== 'stale-version' && error.code !== 'act-published')) throw error;
      // Someone saved or published first: show what is stored now, keep what this user typed,
      // and let them resubmit knowingly against the new version.
      const fresh = await getAct(db, act.id);
      const differences = actDetailFields
        .filter((f) => (fresh[f] ?? '') !== (typed[f] ?? ''))
        .map((f): [string, string] => [translate(request.locale, actFieldLabels[f]), fresh[f] ?? '—']);
      const kept = { ...typed, ...Object.fromEntries(actDetailFields.filter((f) => !editableActFields(fresh).includes(f)).map((f) => [f, fresh[f] ?? ''])) };
      return showActEdit(request, reply, fresh, { values: kept, errors: {}, conflict: { message: error.userMessage, differences } }, 409);
    }
    return redirectAfterPost(reply, `/territories/${act.id}?saved=1`);
  });

  app.get('/territories/:id/report', { schema: { hide: true } }, async (request, reply) => {
    const act = await loadEditableAct(request);
    const query = queryOf(request);
    const problem = query.problem === 'unassigned' || query.problem === 'multiple' ? query.problem : 'all';
    const report = await territoryReport(db, act.id, { cursor: query.cursor || null, limit: pageSize, problem });
    const cards = await schoolCards(db, report.items.flatMap((i) => i.organizationIds));
    const base = `/territories/${act.id}/report`;
    const link = (cursor?: string) => {
      const params = new URLSearchParams();
      if (problem !== 'all') params.set('problem', problem);
      if (cursor) params.set('cursor', cursor);
      const text = params.toString();
      return text ? `${base}?${text}` : base;
    };
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Проверка закрепления', en: 'Assignment check' }),
      <TerritoryReportView
        act={act}
        report={report}
        problem={problem}
        schoolNames={new Map([...cards.values()].map((c) => [c.id, c.shortName]))}
        nextHref={report.nextCursor ? link(report.nextCursor) : null}
        firstHref={query.cursor ? link() : null}
      />,
    );
  });
}

/**
 * Planning first-grade classes (/admission/planning): the shortage report per school and
 * municipality with its CSV, the six-year forecast, a school's plan (raise places, open a class),
 * and the civil registry's births import (a pasted CSV on the page; a streamed text/csv body on
 * the API), with the JSON API. Handlers: validate → authenticate → load → authorise
 * (planning.policy.ts) → service → render.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { translate } from '../../platform/i18n/i18n.ts';
import { isUuid } from '../../platform/validation.ts';
import { listMunicipalities, municipalityName } from '../../registry/region.service.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { findCampaign, listCampaigns, type CampaignRow } from './campaign.service.ts';
import { canChangePlan, planningMunicipalities, planningPolicy } from './planning.policy.ts';
import { changeSchoolPlan, forecastForCampaign, importBirths, pageOfReport, shortageCsv, shortageReport, type BirthsImportReport } from './planning.service.ts';
import { textLines } from './planning.ts';
import { BirthsImportView, ForecastView, PlanningIndexView, SchoolPlanView, ShortageReportView } from './views/planning.tsx';

const tags = ['admission'];
const pageSize = 50;
/** The births API reads at most this many bytes (a region's file is a few MB). */
const maxBirthsBytes = 64 * 1024 * 1024;

export function registerPlanningRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const title = (request: FastifyRequest) => translate(request.locale, { ru: 'Планирование первых классов', en: 'Planning first-grade classes' });

  function scope(request: FastifyRequest): number[] | null {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const allowed = planningMunicipalities(request.actor);
    if (allowed !== null && allowed.length === 0) throw errors.forbidden();
    return allowed;
  }

  async function loadCampaign(request: FastifyRequest): Promise<CampaignRow> {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const { id } = request.params as { id: string };
    const campaign = isUuid(id) ? await findCampaign(db, id) : undefined;
    if (!campaign) throw errors.notFound();
    authorize(request.actor, planningPolicy, 'report', { municipalityId: campaign.municipalityId }, { hideExistence: true });
    return campaign;
  }

  const campaignTitle = async (request: FastifyRequest, campaign: CampaignRow, what: { ru: string; en: string }) => {
    const m = (await listMunicipalities(db)).find((x) => x.id === campaign.municipalityId);
    return `${translate(request.locale, what)}: ${m ? municipalityName(m, request.locale) : campaign.municipalityId}, ${campaign.year}`;
  };

  app.get('/admission/planning', { schema: { hide: true } }, async (request, reply) => {
    const allowed = scope(request);
    const names = new Map((await listMunicipalities(db)).map((m) => [m.id, municipalityName(m, request.locale)]));
    return sendPage(request, reply, title(request), <PlanningIndexView campaigns={await listCampaigns(db, allowed ?? undefined)} municipalityNames={names} />);
  });

  app.get('/admission/planning/campaigns/:id', { schema: { hide: true } }, async (request, reply) => {
    const campaign = await loadCampaign(request);
    const raw = (request.query ?? {}) as Record<string, unknown>;
    const query = typeof raw.q === 'string' ? raw.q.slice(0, 100) : '';
    const onlyShort = raw.short === '1';
    const pageNumber = typeof raw.page === 'string' && /^\d{1,5}$/.test(raw.page) ? Number(raw.page) : 1;
    const report = await shortageReport(db, campaign);
    const page = pageOfReport(report.rows, { query, onlyShort, page: pageNumber, pageSize });
    const current = Math.min(Math.max(1, pageNumber), page.pages);
    const href = (p: number) => `/admission/planning/campaigns/${campaign.id}?${new URLSearchParams({ ...(query ? { q: query } : {}), ...(onlyShort ? { short: '1' } : {}), page: String(p) })}`;
    return sendPage(
      request,
      reply,
      title(request),
      <ShortageReportView
        report={report}
        title={await campaignTitle(request, campaign, { ru: 'Нехватка мест в первых классах', en: 'First-grade places short' })}
        rows={page.rows}
        query={query}
        onlyShort={onlyShort}
        matched={page.matched}
        previousHref={current > 1 ? href(current - 1) : null}
        nextHref={current < page.pages ? href(current + 1) : null}
        canChange={canChangePlan(request.actor, { municipalityId: campaign.municipalityId })}
        notice={raw.saved === '1' ? translate(request.locale, { ru: 'План сохранён', en: 'The plan is saved' }) : null}
      />,
    );
  });

  app.get('/admission/planning/campaigns/:id/shortage.csv', { schema: { hide: true } }, async (request, reply) => {
    const campaign = await loadCampaign(request);
    const csv = shortageCsv(await shortageReport(db, campaign), request.locale);
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="shortage-${campaign.municipalityId}-${campaign.year}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(csv);
  });

  app.get('/admission/planning/campaigns/:id/forecast', { schema: { hide: true } }, async (request, reply) => {
    const campaign = await loadCampaign(request);
    const raw = (request.query ?? {}) as Record<string, unknown>;
    const forecast = await forecastForCampaign(db, campaign);
    const pages = Math.max(1, Math.ceil(forecast.schools.length / pageSize));
    const current = Math.min(Math.max(1, typeof raw.page === 'string' && /^\d{1,5}$/.test(raw.page) ? Number(raw.page) : 1), pages);
    const href = (p: number) => `/admission/planning/campaigns/${campaign.id}/forecast?page=${p}`;
    return sendPage(
      request,
      reply,
      title(request),
      <ForecastView
        title={await campaignTitle(request, campaign, { ru: 'Прогноз первоклассников', en: 'First-graders forecast' })}
        percent={forecast.percent}
        observed={forecast.observed}
        schools={forecast.schools.slice((current - 1) * pageSize, current * pageSize)}
        total={forecast.total}
        previousHref={current > 1 ? href(current - 1) : null}
        nextHref={current < pages ? href(current + 1) : null}
      />,
    );
  });

  async function schoolRow(campaign: CampaignRow, organizationId: string) {
    const row = isUuid(organizationId) ? (await shortageReport(db, campaign)).rows.find((r) => r.organizationId === organizationId) : undefined;
    if (!row) throw errors.notFound();
    return row;
  }

  async function renderSchool(request: FastifyRequest, reply: FastifyReply, campaign: CampaignRow, organizationId: string, values: { classes: string; classSize: string } | null, fieldErrors: Record<string, { ru: string; en: string }>, status = 200) {
    const row = await schoolRow(campaign, organizationId);
    return sendPage(
      request,
      reply,
      title(request),
      <SchoolPlanView title={`${row.name}: ${campaign.year}`} row={row} campaignId={campaign.id} values={values ?? { classes: String(row.classes), classSize: String(row.classSize) }} errors={fieldErrors} />,
      status,
    );
  }

  app.get('/admission/planning/campaigns/:id/schools/:organizationId', { schema: { hide: true } }, async (request, reply) => {
    const campaign = await loadCampaign(request);
    authorize(request.actor, planningPolicy, 'changePlan', { municipalityId: campaign.municipalityId });
    return renderSchool(request, reply, campaign, (request.params as { organizationId: string }).organizationId, null, {});
  });

  app.post('/admission/planning/campaigns/:id/schools/:organizationId', { schema: { hide: true } }, async (request, reply) => {
    const campaign = await loadCampaign(request);
    authorize(request.actor, planningPolicy, 'changePlan', { municipalityId: campaign.municipalityId });
    const { organizationId } = request.params as { organizationId: string };
    await schoolRow(campaign, organizationId);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      await changeSchoolPlan(context, request.auditOrigin, campaign, organizationId, { classes: body.classes, classSize: body.classSize });
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      const values = { classes: typeof body.classes === 'string' ? body.classes : '', classSize: typeof body.classSize === 'string' ? body.classSize : '' };
      return renderSchool(request, reply, campaign, organizationId, values, error.fields ?? {}, 422);
    }
    return redirectAfterPost(reply, `/admission/planning/campaigns/${campaign.id}?saved=1`);
  });

  // Births import --------------------------------------------------------------------------------

  const birthsTitle = (request: FastifyRequest) => translate(request.locale, { ru: 'Сведения о рождениях', en: 'Births' });

  app.get('/admission/planning/births', { schema: { hide: true } }, async (request, reply) => {
    scope(request);
    return sendPage(request, reply, birthsTitle(request), <BirthsImportView csv="" errors={{}} report={null} />);
  });

  app.post('/admission/planning/births', { schema: { hide: true } }, async (request, reply) => {
    const allowed = scope(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const csv = typeof body.file === 'string' ? body.file : '';
    let report: BirthsImportReport;
    try {
      report = await importBirths(context, request.auditOrigin, textLines(csv), allowed);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return sendPage(request, reply, birthsTitle(request), <BirthsImportView csv={csv.slice(0, 100_000)} errors={error.fields ?? {}} report={null} />, 422);
    }
    return sendPage(request, reply, birthsTitle(request), <BirthsImportView csv="" errors={{}} report={report} />);
  });

  // JSON API -------------------------------------------------------------------------------------

  const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
  const Levels = Type.Object({ outOfTurn: Type.Integer(), first: Type.Integer(), sibling: Type.Integer(), territory: Type.Integer(), none: Type.Integer(), total: Type.Integer() });
  const Row = Type.Object({
    organizationId: Type.String(),
    name: Type.String(),
    classes: Type.Integer(),
    classSize: Type.Integer(),
    plannedPlaces: Type.Integer(),
    applications: Levels,
    enrolled: Type.Integer(),
    births: Type.Integer(),
    forecast: Type.Integer(),
    shortage: Type.Integer(),
    classesNeeded: Type.Integer(),
  });
  app.get(
    '/api/v1/admission/campaigns/:id/shortage',
    {
      schema: {
        tags,
        summary: 'Shortage report of a campaign: per school and the municipality total (municipal operator)',
        params: IdParams,
        response: {
          200: Type.Object({
            participationPercent: Type.Integer(),
            schools: Type.Array(Row),
            total: Type.Object({ plannedPlaces: Type.Integer(), applications: Levels, enrolled: Type.Integer(), births: Type.Integer(), forecast: Type.Integer(), shortage: Type.Integer() }),
          }),
        },
      },
    },
    async (request) => {
      const report = await shortageReport(db, await loadCampaign(request));
      return { participationPercent: report.percent, schools: report.rows, total: report.total };
    },
  );

  const Year = Type.Object({ schoolYear: Type.Integer(), birthYear: Type.Integer(), births: Type.Integer(), forecast: Type.Integer() });
  app.get(
    '/api/v1/admission/campaigns/:id/forecast',
    {
      schema: {
        tags,
        summary: 'First-graders forecast for the six school years after the campaign, per school territory and for the municipality',
        params: IdParams,
        response: {
          200: Type.Object({
            participationPercent: Type.Integer(),
            schools: Type.Array(Type.Object({ organizationId: Type.String(), name: Type.String(), years: Type.Array(Year) })),
            total: Type.Array(Year),
            observed: Type.Union([Type.Object({ year: Type.Integer(), applications: Type.Integer(), births: Type.Integer(), percent: Type.Integer() }), Type.Null()], { description: 'The ratio the previous campaign showed' }),
          }),
        },
      },
    },
    async (request) => {
      const forecast = await forecastForCampaign(db, await loadCampaign(request));
      return { participationPercent: forecast.percent, schools: forecast.schools, total: forecast.total, observed: forecast.observed };
    },
  );

  app.put(
    '/api/v1/admission/campaigns/:id/schools/:organizationId/plan',
    {
      schema: {
        tags,
        summary: 'Set a school’s first-grade classes × class size (raise places, open a class); audited',
        params: Type.Object({ id: Type.String({ format: 'uuid' }), organizationId: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ classes: Type.Integer({ minimum: 0, maximum: 60 }), classSize: Type.Integer({ minimum: 1, maximum: 40 }) }, { additionalProperties: false }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const campaign = await loadCampaign(request);
      authorize(request.actor, planningPolicy, 'changePlan', { municipalityId: campaign.municipalityId });
      const { organizationId } = request.params as { organizationId: string };
      await schoolRow(campaign, organizationId);
      const body = request.body as { classes: number; classSize: number };
      await changeSchoolPlan(context, request.auditOrigin, campaign, organizationId, body);
      return reply.code(204).send();
    },
  );

  // The births CSV is streamed: a parser of its own in an encapsulated scope hands the handler the
  // raw request stream (the form parsers would buffer it whole).
  app.register(async (scoped) => {
    scoped.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
    scoped.post(
      '/api/v1/admission/births',
      {
        schema: {
          tags,
          summary: 'Import the civil registry’s births by house and year (text/csv, streamed; format in docs/admission.md)',
          response: {
            200: Type.Object({
              accepted: Type.Integer(),
              rejectedCount: Type.Integer(),
              rejected: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.Object({ ru: Type.String(), en: Type.String() }) }), { description: 'The first 200 rejected lines' }),
            }),
          },
        },
      },
      async (request) => {
        const allowed = scope(request);
        const stream = request.body as Readable;
        if (!stream || typeof (stream as { pipe?: unknown }).pipe !== 'function') throw errors.badRequest({ ru: 'Нужен файл text/csv', en: 'Send a text/csv body' });
        let bytes = 0;
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > maxBirthsBytes) stream.destroy(new AppError(413, 'too-large', { ru: 'Файл больше 64 МБ', en: 'The file is larger than 64 MB' }));
        });
        return importBirths(context, request.auditOrigin, createInterface({ input: stream, crlfDelay: Infinity }), allowed);
      },
    );
  });
}

/**
 * The review queue of suspicious registrations (/admission/flags) for the municipal operator,
 * the school's view of an application's open flags (presence only, API), and the thresholds page
 * for the regional admin (/admission/parameters), with the JSON API.
 * Handlers: validate → authenticate → load → authorise (flags.policy.ts) → service → render.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { translate } from '../../platform/i18n/i18n.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { schoolNames } from './admission-order.service.ts';
import { flagMunicipalities, flagPolicy, mayEditParameters } from './flags.policy.ts';
import { flagKinds, flagStatuses } from './flags.schema.ts';
import { applicationFlagScope, auditFlagRead, encodeFlagCursor, findFlag, listFlags, listParameters, openFlagCounts, parseFlagQuery, reviewFlag, updateParameters, type FlagView } from './flags.service.ts';
import { FlagQueueView, FlagReviewView, ParametersView } from './views/flags.tsx';

const tags = ['admission'];
const pageSize = 50;

export function registerFlagRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const title = (request: FastifyRequest) => translate(request.locale, { ru: 'Проверка регистраций', en: 'Registration checks' });

  function queueScope(request: FastifyRequest): number[] | null {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const allowed = flagMunicipalities(request.actor);
    if (allowed !== null && allowed.length === 0) throw errors.forbidden();
    return allowed;
  }

  async function namesOf(flags: FlagView[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const m of new Set(flags.map((f) => f.municipalityId))) for (const [k, v] of await schoolNames(db, m)) names.set(k, v);
    return names;
  }

  async function queuePage(request: FastifyRequest) {
    const municipalityIds = queueScope(request);
    const raw = (request.query ?? {}) as Record<string, unknown>;
    const q = parseFlagQuery(raw);
    const rows = await listFlags(db, { municipalityIds, status: q.status, kind: q.kind, receiptNumber: q.receiptNumber }, { cursor: q.cursor, limit: pageSize + 1 });
    const flags = rows.slice(0, pageSize);
    await auditFlagRead(db, request.auditOrigin, flags);
    const next = rows.length > pageSize ? encodeFlagCursor(flags[flags.length - 1]!) : null;
    return { q, flags, next };
  }

  app.get('/admission/flags', { schema: { hide: true } }, async (request, reply) => {
    const { q, flags, next } = await queuePage(request);
    const params = (after: string) => new URLSearchParams({ ...(q.status ? { status: q.status } : {}), ...(q.kind ? { kind: q.kind } : {}), ...(q.receiptNumber !== undefined ? { number: String(q.receiptNumber) } : {}), after }).toString();
    const query = (request.query ?? {}) as Record<string, unknown>;
    return sendPage(
      request,
      reply,
      title(request),
      <FlagQueueView
        flags={flags}
        schools={await namesOf(flags)}
        filter={{ status: q.status ?? '', kind: q.kind ?? '', number: q.receiptNumber !== undefined ? String(q.receiptNumber) : '' }}
        nextHref={next ? `/admission/flags?${params(next)}` : null}
        notice={query.saved === '1' ? translate(request.locale, { ru: 'Решение сохранено', en: 'Decision saved' }) : null}
      />,
    );
  });

  async function loadFlag(request: FastifyRequest): Promise<FlagView> {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    const flag = await findFlag(db, (request.params as { id: string }).id);
    if (!flag) throw errors.notFound();
    authorize(request.actor, flagPolicy, 'review', flag, { hideExistence: true });
    return flag;
  }

  async function renderReview(request: FastifyRequest, reply: FastifyReply, flag: FlagView, values: { status: string; comment: string }, fieldErrors: Record<string, { ru: string; en: string }>, error: string | null, status = 200) {
    const names = await schoolNames(db, flag.municipalityId);
    return sendPage(request, reply, title(request), <FlagReviewView flag={flag} school={names.get(flag.organizationId) ?? ''} values={values} errors={fieldErrors} error={error} />, status);
  }

  app.get('/admission/flags/:id', { schema: { hide: true } }, async (request, reply) => {
    const flag = await loadFlag(request);
    await auditFlagRead(db, request.auditOrigin, [flag]);
    return renderReview(request, reply, flag, { status: flag.status === 'open' ? 'cleared' : flag.status, comment: flag.comment ?? '' }, {}, null);
  });

  app.post('/admission/flags/:id', { schema: { hide: true } }, async (request, reply) => {
    const flag = await loadFlag(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = { status: typeof body.status === 'string' ? body.status : '', comment: typeof body.comment === 'string' ? body.comment : '' };
    try {
      await reviewFlag(context, request.auditOrigin, flag.id, { ...values, expectedStatus: typeof body.expectedStatus === 'string' ? body.expectedStatus : undefined });
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 422 && error.status !== 409)) throw error;
      const current = (await findFlag(db, flag.id))!;
      return renderReview(request, reply, current, values, error.fields ?? {}, error.status === 409 ? translate(request.locale, error.userMessage) : null, error.status);
    }
    return redirectAfterPost(reply, '/admission/flags?saved=1');
  });

  // Thresholds (reference data) ----------------------------------------------------------------

  function requireParameterEditor(request: FastifyRequest): void {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    if (!mayEditParameters(request.actor)) throw errors.forbidden();
  }
  const parametersTitle = (request: FastifyRequest) => translate(request.locale, { ru: 'Пороги проверок и прогноза', en: 'Thresholds' });

  app.get('/admission/parameters', { schema: { hide: true } }, async (request, reply) => {
    requireParameterEditor(request);
    const saved = ((request.query ?? {}) as Record<string, unknown>).saved === '1';
    return sendPage(request, reply, parametersTitle(request), <ParametersView parameters={await listParameters(db)} values={{}} errors={{}} saved={saved} />);
  });

  app.post('/admission/parameters', { schema: { hide: true } }, async (request, reply) => {
    requireParameterEditor(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      await updateParameters(context, request.auditOrigin, body);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      const values = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      return sendPage(request, reply, parametersTitle(request), <ParametersView parameters={await listParameters(db)} values={values} errors={error.fields ?? {}} saved={false} />, 422);
    }
    return redirectAfterPost(reply, '/admission/parameters?saved=1');
  });

  // JSON API -----------------------------------------------------------------------------------

  const FlagJson = Type.Object({
    id: Type.String({ format: 'uuid' }),
    applicationId: Type.String({ format: 'uuid' }),
    receiptNumber: Type.Union([Type.Integer(), Type.Null()]),
    municipalityId: Type.Integer(),
    organizationId: Type.String({ format: 'uuid' }),
    kind: Type.Union(flagKinds.map((k) => Type.Literal(k))),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'Counts, dates and receipt numbers; never names' }),
    status: Type.Union(flagStatuses.map((s) => Type.Literal(s))),
    comment: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    reviewedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  });
  const flagJson = (f: FlagView): Static<typeof FlagJson> => ({
    id: f.id,
    applicationId: f.applicationId,
    receiptNumber: f.receiptNumber,
    municipalityId: f.municipalityId,
    organizationId: f.organizationId,
    kind: f.kind,
    details: f.details,
    status: f.status,
    comment: f.comment,
    createdAt: f.createdAt.toISOString(),
    reviewedAt: f.reviewedAt ? f.reviewedAt.toISOString() : null,
  });
  const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

  app.get(
    '/api/v1/admission/flags',
    {
      schema: {
        tags,
        summary: 'The review queue of suspicious registrations (municipal operator), oldest first',
        querystring: Type.Object({
          status: Type.Optional(Type.Union(flagStatuses.map((s) => Type.Literal(s)))),
          kind: Type.Optional(Type.Union(flagKinds.map((k) => Type.Literal(k)))),
          number: Type.Optional(Type.String({ pattern: '^[0-9]{1,12}$', description: 'Receipt number' })),
          after: Type.Optional(Type.String({ description: 'The `next` cursor of the previous page' })),
        }),
        response: { 200: Type.Object({ items: Type.Array(FlagJson), next: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => {
      const { flags, next } = await queuePage(request);
      return { items: flags.map(flagJson), next };
    },
  );

  app.post(
    '/api/v1/admission/flags/:id/review',
    {
      schema: {
        tags,
        summary: 'Review a flag: cleared or confirmed with a comment, or reopen it (409 if reviewed meanwhile)',
        params: IdParams,
        body: Type.Object({ status: Type.Union(flagStatuses.map((s) => Type.Literal(s))), comment: Type.String({ maxLength: 2000 }), expectedStatus: Type.Optional(Type.Union(flagStatuses.map((s) => Type.Literal(s)))) }, { additionalProperties: false }),
        response: { 200: FlagJson },
      },
    },
    async (request) => {
      const flag = await loadFlag(request);
      const body = request.body as { status: string; comment: string; expectedStatus?: string };
      return flagJson(await reviewFlag(context, request.auditOrigin, flag.id, body));
    },
  );

  app.get(
    '/api/v1/admission/applications/:id/open-flags',
    {
      schema: {
        tags,
        summary: 'How many open flags an application has (its school, the municipality): presence only, no details',
        params: IdParams,
        response: { 200: Type.Object({ openFlags: Type.Integer() }) },
      },
    },
    async (request) => {
      if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
      const { id } = request.params as { id: string };
      const scope = await applicationFlagScope(db, id);
      if (!scope) throw errors.notFound();
      authorize(request.actor, flagPolicy, 'seePresence', scope, { hideExistence: true });
      return { openFlags: (await openFlagCounts(db, [id])).get(id) ?? 0 };
    },
  );

  app.get('/api/v1/admission/parameters', { schema: { tags, summary: 'Thresholds of the checks and the forecast (regional admin)', response: { 200: Type.Record(Type.String(), Type.Integer()) } } }, async (request) => {
    requireParameterEditor(request);
    return Object.fromEntries((await listParameters(db)).map((p) => [p.code, p.value]));
  });

  app.put(
    '/api/v1/admission/parameters',
    { schema: { tags, summary: 'Set thresholds of the checks and the forecast (regional admin); 422 when out of range', body: Type.Record(Type.String(), Type.Integer()), response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireParameterEditor(request);
      await updateParameters(context, request.auditOrigin, request.body as Record<string, number>);
      return reply.code(204).send();
    },
  );
}

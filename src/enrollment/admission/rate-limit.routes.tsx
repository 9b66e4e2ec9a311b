/**
 * /admission/rate-limits and /api/v1/admission/rate-limits: the regional administrator reads and
 * changes the admission rate limits (rate-limit.service.ts); the page and the API call the same
 * service. Policy: admissionReferencePolicy (the region's reference data: regional admin only).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { errors, type FieldErrors } from '../../platform/errors.ts';
import { translate } from '../../platform/i18n/i18n.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { admissionReferencePolicy } from './admission.policy.ts';
import { RATE_RULES_TTL_MS } from './rate-limit.ts';
import { listRateRules, parseRateRules, rateRuleFieldName, updateRateRules } from './rate-limit.service.ts';
import { RateLimitsView } from './views/rate-limits.tsx';

const tags = ['admission'];

const RateRule = Type.Object({
  action: Type.Union([Type.Literal('submission'), Type.Literal('draft')]),
  scope: Type.Union([Type.Literal('account'), Type.Literal('address')]),
  windowSeconds: Type.Integer({ description: 'The fixed window, seconds (60 to 604800)' }),
  maxHits: Type.Integer({ description: 'At most this many hits per window (1 to 100000); over it, 429 with Retry-After' }),
});
const RateRules = Type.Object({ items: Type.Array(RateRule, { maxItems: 4 }) });

export function registerRateLimitRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const refreshSeconds = RATE_RULES_TTL_MS / 1000;

  async function show(request: FastifyRequest, reply: FastifyReply, state: { values: Record<string, string>; errors: FieldErrors }, status = 200) {
    const saved = status === 200 && ((request.query ?? {}) as Record<string, unknown>).saved === '1';
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Ограничения частоты заявлений', en: 'Admission rate limits' }),
      <RateLimitsView rules={await listRateRules(db)} values={state.values} errors={state.errors} saved={saved} refreshSeconds={refreshSeconds} />,
      status,
    );
  }

  app.get('/admission/rate-limits', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.actor, admissionReferencePolicy, 'manage', null);
    return show(request, reply, { values: {}, errors: {} });
  });

  app.post('/admission/rate-limits', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.actor, admissionReferencePolicy, 'manage', null);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = parseRateRules(body, await listRateRules(db));
    if (!parsed.ok) {
      const typed = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      return show(request, reply, { values: typed, errors: parsed.errors }, 422);
    }
    await updateRateRules(context, request.auditOrigin, parsed.value);
    return redirectAfterPost(reply, '/admission/rate-limits?saved=1');
  });

  app.get(
    '/api/v1/admission/rate-limits',
    { schema: { tags, summary: 'The admission rate limits (regional admin)', response: { 200: RateRules } } },
    async (request) => {
      authorize(request.actor, admissionReferencePolicy, 'manage', null);
      return { items: (await listRateRules(db)).map((r) => ({ action: r.action, scope: r.scope, windowSeconds: r.windowSeconds, maxHits: r.maxHits })) };
    },
  );

  app.put(
    '/api/v1/admission/rate-limits',
    {
      schema: {
        tags,
        summary: 'Change admission rate limits (regional admin)',
        description: `Only the limits listed change. 422 when a number is out of range. Every server process applies the new limits within ${RATE_RULES_TTL_MS / 1000} s.`,
        body: RateRules,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { items } = request.body as Static<typeof RateRules>;
      authorize(request.actor, admissionReferencePolicy, 'manage', null);
      const raw = Object.fromEntries(items.flatMap((i) => [[rateRuleFieldName(i.action, i.scope, 'windowSeconds'), i.windowSeconds], [rateRuleFieldName(i.action, i.scope, 'maxHits'), i.maxHits]]));
      const parsed = parseRateRules(raw, items);
      if (!parsed.ok) throw errors.validation(parsed.errors);
      await updateRateRules(context, request.auditOrigin, parsed.value);
      return reply.code(204).send();
    },
  );
}

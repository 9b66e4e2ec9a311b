/** /admission/settings: the regional administrator's reference data of admission (reference.service.ts). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import type { FieldErrors } from '../../platform/errors.ts';
import { translate } from '../../platform/i18n/i18n.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { admissionReferencePolicy } from './admission.policy.ts';
import { listPriorityCategories } from './application.service.ts';
import { getAdmissionSettings } from './campaign.service.ts';
import { admissionSettingFields, parseAdmissionSettings, parseCategory, saveCategory, updateAdmissionSettings } from './reference.service.ts';
import { AdmissionReferenceView } from './views/reference.tsx';

function strings(raw: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries((raw ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

export function registerAdmissionReferenceRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function show(request: FastifyRequest, reply: FastifyReply, state: { values?: Record<string, string>; errors?: FieldErrors; category?: Record<string, string>; categoryErrors?: FieldErrors }, status = 200) {
    const [settings, categories] = await Promise.all([getAdmissionSettings(db), listPriorityCategories(db, false)]);
    const query = request.query as Record<string, unknown>;
    const picked = categories.find((c) => c.code === query.category);
    const category = state.category ?? (picked ? { ...strings(picked), sort: String(picked.sort), documentRequired: picked.documentRequired ? 'on' : 'off', active: picked.active ? 'on' : 'off' } : {});
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Справочники приёма в 1 класс', en: 'First-grade admission reference data' }),
      <AdmissionReferenceView
        values={state.values ?? Object.fromEntries(admissionSettingFields.map((f) => [f, String(settings[f])]))}
        errors={state.errors ?? {}}
        categories={categories}
        category={category}
        categoryErrors={state.categoryErrors ?? {}}
        saved={status === 200 && query.saved === '1'}
      />,
      status,
    );
  }

  app.get('/admission/settings', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.actor, admissionReferencePolicy, 'manage', null);
    return show(request, reply, {});
  });

  app.post('/admission/settings', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.actor, admissionReferencePolicy, 'manage', null);
    const parsed = parseAdmissionSettings((request.body ?? {}) as Record<string, unknown>);
    if (!parsed.ok) return show(request, reply, { values: strings(request.body), errors: parsed.errors }, 422);
    await updateAdmissionSettings(db, request.auditOrigin, parsed.value, context.clock.now());
    return redirectAfterPost(reply, '/admission/settings?saved=1');
  });

  app.post('/admission/settings/categories', { schema: { hide: true } }, async (request, reply) => {
    authorize(request.actor, admissionReferencePolicy, 'manage', null);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = parseCategory(body);
    if (!parsed.ok) return show(request, reply, { category: { ...strings(body), documentRequired: body.documentRequired === 'on' ? 'on' : 'off', active: body.active === 'on' ? 'on' : 'off' }, categoryErrors: parsed.errors }, 422);
    await saveCategory(db, request.auditOrigin, parsed.value);
    return redirectAfterPost(reply, '/admission/settings?saved=1');
  });
}

/**
 * Reference data of the kindergarten waiting list: the regional administrator's pages under
 * /preschool/settings and the JSON API (public read for forms, admin writes). Handlers:
 * validate → authenticate → authorise (reference.policy.ts) → service → render.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../../platform/errors.ts';
import { translate } from '../../platform/i18n/i18n.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { benefitLevels } from './preschool.schema.ts';
import { referencePolicy, referenceScope } from './reference.policy.ts';
import {
  createReferenceItem,
  findReferenceItem,
  getPreschoolSettings,
  listAllReference,
  parseReferenceInput,
  parseSettingsInput,
  referenceFields,
  referenceKindNames,
  referenceKinds,
  setReferenceItemActive,
  settingFields,
  updatePreschoolSettings,
  updateReferenceItem,
  type PreschoolSettings,
  type ReferenceKind,
  type ReferenceRow,
} from './reference.service.ts';
import { ReferenceItemFormView } from './views/reference-item-form.tsx';
import { kindSlugs, ReferenceSettingsView } from './views/reference-settings.tsx';

const tags = ['preschool'];

const kindBySlug = new Map(referenceKinds.map((k) => [kindSlugs[k], k] as const));

function kindOf(slug: string): ReferenceKind {
  const kind = kindBySlug.get(slug);
  if (!kind) throw errors.notFound();
  return kind;
}

function settingsText(s: PreschoolSettings): Record<string, string> {
  return Object.fromEntries(settingFields.map((f) => [f, String(s[f])]));
}

function itemText(kind: ReferenceKind, item: ReferenceRow): Record<string, string> {
  const record = item as unknown as Record<string, unknown>;
  return Object.fromEntries(referenceFields[kind].map((f) => [f, record[f] === undefined || record[f] === null ? '' : String(record[f])]));
}

function postedText(kind: ReferenceKind, body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(referenceFields[kind].map((f) => [f, typeof body[f] === 'string' ? (body[f] as string) : '']));
}

function requireManager(request: FastifyRequest): void {
  authorize(request.actor, referencePolicy, 'manage', referenceScope);
}

/** A 422 from the service (e.g. a code already taken) as per-field errors, else rethrow. */
function fieldErrorsOf(error: unknown): FieldErrors {
  if (error instanceof AppError && error.status === 422) return error.fields;
  throw error;
}

// API schemas ------------------------------------------------------------------------------------

const SettingsSchema = Type.Object({
  maxPreferences: Type.Integer({ description: 'How many kindergartens an application may list' }),
  offerAcceptanceDays: Type.Integer({ description: 'Days a guardian has to answer an offer' }),
  registrationDecisionDays: Type.Integer({ description: 'Days to decide on a registration' }),
  ageReferenceDay: Type.Integer({ description: 'Age is taken on this day…' }),
  ageReferenceMonth: Type.Integer({ description: '…of this month, in the year of the desired start' }),
  maxAgeYears: Type.Integer({ description: 'A child is registered until this age' }),
});
const Named = { code: Type.String(), nameRu: Type.String(), nameEn: Type.String(), sort: Type.Integer(), active: Type.Boolean() };
const AgeGroupSchema = Type.Object({ ...Named, minMonths: Type.Integer({ description: 'Inclusive' }), maxMonths: Type.Integer({ description: 'Exclusive' }) });
const SimpleSchema = Type.Object(Named);
const Level = Type.Union(benefitLevels.map((l) => Type.Literal(l)), { description: 'outOfTurn — внеочередное, firstPriority — первоочередное, preferential — преимущественное' });
const BenefitSchema = Type.Object({ ...Named, level: Level, legalBasis: Type.String(), provingDocument: Type.String() });
const ReferenceResponse = Type.Object({
  settings: SettingsSchema,
  ageGroups: Type.Array(AgeGroupSchema),
  orientations: Type.Array(SimpleSchema),
  stayModes: Type.Array(SimpleSchema),
  benefits: Type.Array(BenefitSchema),
});
const KindParam = Type.Union(referenceKinds.map((k) => Type.Literal(k)));
const ItemParams = Type.Object({ kind: KindParam, code: Type.String({ maxLength: 40 }) });
const ItemResponse = Type.Union([AgeGroupSchema, BenefitSchema, SimpleSchema]);
// Loose on purpose: the domain validation answers per field in Russian.
const ItemBody = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 100 })),
    nameRu: Type.Optional(Type.String({ maxLength: 1000 })),
    nameEn: Type.Optional(Type.String({ maxLength: 1000 })),
    sort: Type.Optional(Type.Integer()),
    minMonths: Type.Optional(Type.Integer()),
    maxMonths: Type.Optional(Type.Integer()),
    level: Type.Optional(Type.String({ maxLength: 40 })),
    legalBasis: Type.Optional(Type.String({ maxLength: 2000 })),
    provingDocument: Type.Optional(Type.String({ maxLength: 2000 })),
    active: Type.Optional(Type.Boolean({ description: 'false deactivates: the entry is no longer offered; entries are never deleted' })),
  },
  { additionalProperties: false },
);

function itemJson(item: ReferenceRow) {
  return item;
}

function settingsJson(s: PreschoolSettings) {
  return Object.fromEntries(settingFields.map((f) => [f, s[f]])) as Static<typeof SettingsSchema>;
}

export function registerReferenceRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  // Pages ------------------------------------------------------------------------------------------

  async function showSettings(request: FastifyRequest, reply: FastifyReply, values: Record<string, string> | null, fieldErrors: FieldErrors, status = 200) {
    const [settings, lists] = await Promise.all([getPreschoolSettings(db), listAllReference(db)]);
    const saved = (request.query as Record<string, unknown>).saved === '1';
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Справочники очереди в детские сады', en: 'Kindergarten reference data' }),
      <ReferenceSettingsView values={values ?? settingsText(settings)} errors={fieldErrors} lists={lists} saved={saved && status === 200} />,
      status,
    );
  }

  app.get('/preschool/settings', { schema: { hide: true } }, async (request, reply) => {
    requireManager(request);
    return showSettings(request, reply, null, {});
  });

  app.post('/preschool/settings', { schema: { hide: true } }, async (request, reply) => {
    requireManager(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = parseSettingsInput(body);
    if (!parsed.ok) {
      const typed = Object.fromEntries(settingFields.map((f) => [f, typeof body[f] === 'string' ? (body[f] as string) : '']));
      return showSettings(request, reply, typed, parsed.errors, 422);
    }
    await updatePreschoolSettings(db, request.auditOrigin, parsed.value, context.clock.now());
    return redirectAfterPost(reply, '/preschool/settings?saved=1');
  });

  function showItemForm(request: FastifyRequest, reply: FastifyReply, kind: ReferenceKind, state: { mode: 'create' | 'edit'; values: Record<string, string>; errors: FieldErrors; item?: ReferenceRow }, status = 200) {
    const listName = translate(request.locale, referenceKindNames[kind]);
    return sendPage(
      request,
      reply,
      listName,
      <ReferenceItemFormView kind={kind} mode={state.mode} values={state.values} errors={state.errors} code={state.item?.code} active={state.item?.active} />,
      status,
    );
  }

  app.get('/preschool/settings/:slug/new', { schema: { hide: true } }, async (request, reply) => {
    const kind = kindOf((request.params as { slug: string }).slug);
    requireManager(request);
    return showItemForm(request, reply, kind, { mode: 'create', values: {}, errors: {} });
  });

  app.post('/preschool/settings/:slug/new', { schema: { hide: true } }, async (request, reply) => {
    const kind = kindOf((request.params as { slug: string }).slug);
    requireManager(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const typed = postedText(kind, body);
    const parsed = parseReferenceInput(kind, body, 'create');
    if (!parsed.ok) return showItemForm(request, reply, kind, { mode: 'create', values: typed, errors: parsed.errors }, 422);
    try {
      await createReferenceItem(db, request.auditOrigin, kind, parsed.value);
    } catch (error) {
      return showItemForm(request, reply, kind, { mode: 'create', values: typed, errors: fieldErrorsOf(error) }, 422);
    }
    return redirectAfterPost(reply, '/preschool/settings?saved=1');
  });

  async function loadItem(request: FastifyRequest): Promise<{ kind: ReferenceKind; item: ReferenceRow }> {
    const { slug, code } = request.params as { slug: string; code: string };
    const kind = kindOf(slug);
    requireManager(request);
    const item = await findReferenceItem(db, kind, code);
    if (!item) throw errors.notFound();
    return { kind, item };
  }

  app.get('/preschool/settings/:slug/:code', { schema: { hide: true } }, async (request, reply) => {
    const { kind, item } = await loadItem(request);
    return showItemForm(request, reply, kind, { mode: 'edit', values: itemText(kind, item), errors: {}, item });
  });

  app.post('/preschool/settings/:slug/:code', { schema: { hide: true } }, async (request, reply) => {
    const { kind, item } = await loadItem(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const typed = { ...postedText(kind, body), code: item.code };
    const parsed = parseReferenceInput(kind, body, 'update');
    if (!parsed.ok) return showItemForm(request, reply, kind, { mode: 'edit', values: typed, errors: parsed.errors, item }, 422);
    await updateReferenceItem(db, request.auditOrigin, kind, item.code, parsed.value);
    return redirectAfterPost(reply, '/preschool/settings?saved=1');
  });

  app.post('/preschool/settings/:slug/:code/active', { schema: { hide: true } }, async (request, reply) => {
    const { kind, item } = await loadItem(request);
    const active = (request.body as Record<string, unknown> | undefined)?.active;
    if (active !== 'true' && active !== 'false') throw errors.badRequest();
    await setReferenceItemActive(db, request.auditOrigin, kind, item.code, active === 'true');
    return redirectAfterPost(reply, '/preschool/settings?saved=1');
  });

  // API --------------------------------------------------------------------------------------------

  app.get(
    '/api/v1/preschool/reference',
    {
      schema: {
        tags,
        summary: 'Reference data of the kindergarten waiting list',
        description: 'Public. The region settings and the ACTIVE entries of the four lists, as application forms offer them.',
        response: { 200: ReferenceResponse },
      },
    },
    async () => {
      const [settings, lists] = await Promise.all([getPreschoolSettings(db), listAllReference(db, { activeOnly: true })]);
      return { settings: settingsJson(settings), ...lists };
    },
  );

  app.put(
    '/api/v1/preschool/settings',
    {
      schema: {
        tags,
        summary: 'Change the region settings of the waiting list',
        description: 'Regional administrator only. All six numbers are required. Audited.',
        body: Type.Object(Object.fromEntries(settingFields.map((f) => [f, Type.Integer()])) as Record<string, ReturnType<typeof Type.Integer>>, { additionalProperties: false }),
        response: { 200: SettingsSchema },
      },
    },
    async (request) => {
      const parsed = parseSettingsInput(request.body as Record<string, unknown>);
      requireManager(request);
      if (!parsed.ok) throw errors.validation(parsed.errors);
      return settingsJson(await updatePreschoolSettings(db, request.auditOrigin, parsed.value, context.clock.now()));
    },
  );

  app.post(
    '/api/v1/preschool/reference/:kind',
    {
      schema: {
        tags,
        summary: 'Add an entry to a reference list',
        description: 'Regional administrator only. kind: ageGroups, orientations, stayModes or benefits. Audited.',
        params: Type.Object({ kind: KindParam }),
        body: ItemBody,
        response: { 201: ItemResponse },
      },
    },
    async (request, reply) => {
      const { kind } = request.params as { kind: ReferenceKind };
      requireManager(request);
      const parsed = parseReferenceInput(kind, request.body as Record<string, unknown>, 'create');
      if (!parsed.ok) throw errors.validation(parsed.errors);
      const row = await createReferenceItem(db, request.auditOrigin, kind, parsed.value);
      return reply.code(201).send(itemJson(row));
    },
  );

  app.put(
    '/api/v1/preschool/reference/:kind/:code',
    {
      schema: {
        tags,
        summary: 'Change an entry of a reference list, or (de)activate it',
        description:
          'Regional administrator only. Send every field of the entry (the code never changes), or only `active`. Entries are never deleted. Audited.',
        params: ItemParams,
        body: ItemBody,
        response: { 200: ItemResponse },
      },
    },
    async (request) => {
      const { kind, code } = request.params as Static<typeof ItemParams>;
      requireManager(request);
      const body = request.body as Record<string, unknown>;
      const item = await findReferenceItem(db, kind, code);
      if (!item) throw errors.notFound();
      const onlyActive = Object.keys(body).every((k) => k === 'active' || k === 'code');
      if (onlyActive) {
        if (typeof body.active !== 'boolean') throw errors.validation({ active: { ru: 'Укажите active', en: 'Give active' } });
        return itemJson(await setReferenceItemActive(db, request.auditOrigin, kind, code, body.active));
      }
      const parsed = parseReferenceInput(kind, body, 'update');
      if (!parsed.ok) throw errors.validation(parsed.errors);
      const values = typeof body.active === 'boolean' ? { ...parsed.value, active: body.active } : parsed.value;
      return itemJson(await updateReferenceItem(db, request.auditOrigin, kind, code, values));
    },
  );
}

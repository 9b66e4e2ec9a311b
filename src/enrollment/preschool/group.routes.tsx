/**
 * Kindergarten groups and the plan of places: pages under /preschool/groups and the JSON API
 * under /api/v1/preschool/groups. The head edits their kindergarten's groups, the municipal
 * operator approves the plan (group.policy.ts). Handlers: validate → authenticate → load →
 * authorise → service → render; pages and API call the same service functions.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, type Actor } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../../platform/errors.ts';
import { translate, type Locale } from '../../platform/i18n/i18n.ts';
import type { OrganizationRow } from '../../registry/organization.service.ts';
import type { SelectOption } from '../../web/components.tsx';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { canApproveGroup, canEditGroup, canSeeGroups, groupListScope, groupPolicy, type GroupScope } from './group.policy.ts';
import {
  approveGroups,
  createGroup,
  getKindergarten,
  groupFields,
  kindergartensInScope,
  listGroups,
  loadGroup,
  maxGroupPageSize,
  parseGroupInput,
  updateGroup,
  type GroupField,
  type GroupRow,
} from './group.service.ts';
import { listAllReference, type ReferenceLists } from './reference.service.ts';
import { GroupFormView } from './views/group-form.tsx';
import { GroupListView } from './views/group-list.tsx';

const tags = ['preschool'];
const pageSize = 50;

const scopeOf = (kindergarten: OrganizationRow): GroupScope => ({ municipalityId: kindergarten.municipalityId, organizationId: kindergarten.id });

function requireAccount(actor: Actor): void {
  if (actor.kind === 'anonymous') throw errors.unauthenticated();
  if (!canSeeGroups(actor)) throw errors.forbidden();
}

function one(value: unknown): string {
  return typeof value === 'string' ? value.trim() : Array.isArray(value) && typeof value[0] === 'string' ? value[0].trim() : '';
}

function options(list: Array<{ code: string; nameRu: string; nameEn: string; active: boolean }>, locale: Locale, keep?: string): SelectOption[] {
  return list.filter((i) => i.active || i.code === keep).map((i) => ({ value: i.code, label: locale === 'ru' ? i.nameRu : i.nameEn }));
}

function names(list: Array<{ code: string; nameRu: string; nameEn: string }>, locale: Locale): Map<string, string> {
  return new Map(list.map((i) => [i.code, locale === 'ru' ? i.nameRu : i.nameEn]));
}

function groupText(g: GroupRow): Partial<Record<GroupField, string>> {
  return Object.fromEntries(groupFields.map((f) => [f, String(g[f])]));
}

function postedText(body: Record<string, unknown>): Partial<Record<GroupField, string>> {
  return Object.fromEntries(groupFields.map((f) => [f, typeof body[f] === 'string' ? (body[f] as string) : '']));
}

function versionOf(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

/** The kindergarten a list filter names, only if the actor can read its groups (else 404). */
function pickKindergarten(kindergartens: OrganizationRow[], id: string): OrganizationRow | null {
  if (!id) return null;
  const found = kindergartens.find((k) => k.id === id);
  if (!found) throw errors.notFound();
  return found;
}

// API schemas -----------------------------------------------------------------------------------------

const GroupSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  organizationId: Type.String({ format: 'uuid' }),
  name: Type.String(),
  ageGroupCode: Type.String(),
  orientationCode: Type.String(),
  stayModeCode: Type.String(),
  capacity: Type.Integer(),
  occupied: Type.Integer(),
  planStatus: Type.Union([Type.Literal('draft'), Type.Literal('approved')]),
  approvedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  version: Type.Integer({ description: 'Send it back with PATCH: a stale version gets 409' }),
});
function groupJson(g: GroupRow): Static<typeof GroupSchema> {
  return {
    id: g.id,
    organizationId: g.organizationId,
    name: g.name,
    ageGroupCode: g.ageGroupCode,
    orientationCode: g.orientationCode,
    stayModeCode: g.stayModeCode,
    capacity: g.capacity,
    occupied: g.occupied,
    planStatus: g.planStatus,
    approvedAt: g.approvedAt ? g.approvedAt.toISOString() : null,
    version: g.version,
  };
}
const groupBodyFields = {
  name: Type.String({ maxLength: 1000 }),
  ageGroupCode: Type.String({ maxLength: 100 }),
  orientationCode: Type.String({ maxLength: 100 }),
  stayModeCode: Type.String({ maxLength: 100 }),
  capacity: Type.Integer(),
  occupied: Type.Optional(Type.Integer()),
};
const CreateBody = Type.Object({ organizationId: Type.String({ format: 'uuid' }), ...groupBodyFields }, { additionalProperties: false });
const PatchBody = Type.Object(
  { version: Type.Integer({ minimum: 1 }), ...Object.fromEntries(Object.entries(groupBodyFields).map(([k, v]) => [k, Type.Optional(v)])) },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ListQuery = Type.Object({
  organizationId: Type.Optional(Type.String({ format: 'uuid', description: 'Only this kindergarten' })),
  cursor: Type.Optional(Type.String({ maxLength: 1000, description: 'nextCursor of an earlier page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxGroupPageSize, default: 50 })),
});

export function registerGroupRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  /** The groups the actor may read, one page: shared by the page and the API. */
  async function readPage(actor: Actor, organizationId: string, cursor: string | null, limit: number) {
    const scope = groupListScope(actor);
    const kindergartens = await kindergartensInScope(db, scope);
    const selected = pickKindergarten(kindergartens, organizationId);
    const ids = selected ? [selected.id] : scope.kind === 'all' ? null : kindergartens.map((k) => k.id);
    const page = await listGroups(db, ids, { cursor, limit });
    return { kindergartens, selected, page };
  }

  // Pages -------------------------------------------------------------------------------------------------

  app.get('/preschool/groups', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const organizationId = one(query.organizationId);
    const cursor = one(query.cursor) || null;
    const { kindergartens, selected, page } = await readPage(request.actor, organizationId, cursor, pageSize);
    const locale = request.locale;
    const lists = await listAllReference(db);
    const [ages, orientations, modes] = [names(lists.ageGroups, locale), names(lists.orientations, locale), names(lists.stayModes, locale)];
    const byId = new Map(kindergartens.map((k) => [k.id, k]));
    const rows = page.items.map((group) => {
      const kindergarten = byId.get(group.organizationId)!;
      const scope = scopeOf(kindergarten);
      return {
        group,
        kindergartenName: kindergarten.shortName,
        ageGroupName: ages.get(group.ageGroupCode) ?? group.ageGroupCode,
        orientationName: orientations.get(group.orientationCode) ?? group.orientationCode,
        stayModeName: modes.get(group.stayModeCode) ?? group.stayModeCode,
        canEdit: canEditGroup(request.actor, scope),
        canApprove: canApproveGroup(request.actor, scope),
      };
    });
    const target = selected ?? (kindergartens.length === 1 ? kindergartens[0]! : null);
    const base = selected ? `/preschool/groups?organizationId=${selected.id}` : '/preschool/groups';
    const notices: Record<string, { ru: string; en: string }> = {
      saved: { ru: 'Группа сохранена', en: 'Group saved' },
      approved: { ru: 'План утверждён', en: 'Plan approved' },
    };
    const notice = notices[one(query.done)];
    return sendPage(
      request,
      reply,
      translate(locale, { ru: 'Группы детских садов', en: 'Kindergarten groups' }),
      <GroupListView
        rows={rows}
        kindergartens={kindergartens.map((k) => ({ value: k.id, label: k.shortName }))}
        selectedKindergarten={selected?.id ?? ''}
        addFor={target && canEditGroup(request.actor, scopeOf(target)) ? target.id : null}
        approveAllFor={target && canApproveGroup(request.actor, scopeOf(target)) ? target.id : null}
        nextHref={page.nextCursor ? `${base}${selected ? '&' : '?'}cursor=${encodeURIComponent(page.nextCursor)}` : null}
        firstHref={cursor ? base : null}
        notice={notice ? translate(locale, notice) : null}
      />,
    );
  });

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    kindergarten: OrganizationRow,
    state: { values: Partial<Record<GroupField, string>>; errors: FieldErrors; group?: GroupRow; conflict?: boolean; lists?: ReferenceLists },
    status = 200,
  ) {
    const lists = state.lists ?? (await listAllReference(db));
    const locale = request.locale;
    const g = state.group;
    return sendPage(
      request,
      reply,
      translate(locale, g ? { ru: 'Группа', en: 'Group' } : { ru: 'Новая группа', en: 'New group' }),
      <GroupFormView
        mode={g ? 'edit' : 'create'}
        action={g ? `/preschool/groups/${g.id}/edit` : '/preschool/groups/new'}
        kindergartenName={kindergarten.shortName}
        values={state.values}
        errors={state.errors}
        ageGroups={options(lists.ageGroups, locale, g?.ageGroupCode)}
        orientations={options(lists.orientations, locale, g?.orientationCode)}
        stayModes={options(lists.stayModes, locale, g?.stayModeCode)}
        version={g?.version}
        approved={g?.planStatus === 'approved'}
        conflict={state.conflict}
        organizationId={g ? undefined : kindergarten.id}
      />,
      status,
    );
  }

  app.get('/preschool/groups/new', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const kindergarten = await getKindergarten(db, one((request.query as Record<string, unknown>).organizationId));
    authorize(request.actor, groupPolicy, 'edit', scopeOf(kindergarten));
    return showForm(request, reply, kindergarten, { values: { occupied: '0' }, errors: {} });
  });

  app.post('/preschool/groups/new', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const kindergarten = await getKindergarten(db, one(body.organizationId));
    authorize(request.actor, groupPolicy, 'edit', scopeOf(kindergarten));
    const lists = await listAllReference(db);
    const parsed = parseGroupInput(body, lists);
    if (!parsed.ok) return showForm(request, reply, kindergarten, { values: postedText(body), errors: parsed.errors, lists }, 422);
    try {
      await createGroup(db, request.auditOrigin, kindergarten, parsed.value, context.clock.now());
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return showForm(request, reply, kindergarten, { values: postedText(body), errors: error.fields, lists }, 422);
    }
    return redirectAfterPost(reply, `/preschool/groups?organizationId=${kindergarten.id}&done=saved`);
  });

  app.get('/preschool/groups/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const { group, kindergarten } = await loadGroup(db, (request.params as { id: string }).id);
    authorize(request.actor, groupPolicy, 'edit', scopeOf(kindergarten));
    return showForm(request, reply, kindergarten, { values: groupText(group), errors: {}, group });
  });

  app.post('/preschool/groups/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const { group, kindergarten } = await loadGroup(db, (request.params as { id: string }).id);
    authorize(request.actor, groupPolicy, 'edit', scopeOf(kindergarten));
    const body = (request.body ?? {}) as Record<string, unknown>;
    const lists = await listAllReference(db);
    const parsed = parseGroupInput(body, lists, group);
    const version = versionOf(body.version);
    if (!parsed.ok || version === null) {
      const fieldErrors = parsed.ok ? { version: { ru: 'Форма устарела: откройте её заново', en: 'The form is out of date: open it again' } } : parsed.errors;
      return showForm(request, reply, kindergarten, { values: postedText(body), errors: fieldErrors, group, lists }, 422);
    }
    try {
      await updateGroup(db, request.auditOrigin, kindergarten, group.id, version, parsed.value, context.clock.now());
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'stale-version') {
        const { group: fresh } = await loadGroup(db, group.id);
        return showForm(request, reply, kindergarten, { values: postedText(body), errors: {}, group: fresh, conflict: true, lists }, 409);
      }
      if (error.status !== 422) throw error;
      return showForm(request, reply, kindergarten, { values: postedText(body), errors: error.fields, group, lists }, 422);
    }
    return redirectAfterPost(reply, `/preschool/groups?organizationId=${kindergarten.id}&done=saved`);
  });

  app.post('/preschool/groups/:id/approve', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const { group, kindergarten } = await loadGroup(db, (request.params as { id: string }).id);
    authorize(request.actor, groupPolicy, 'approve', scopeOf(kindergarten));
    await approveGroups(db, request.auditOrigin, kindergarten, { groupIds: [group.id] }, context.clock.now());
    return redirectAfterPost(reply, `/preschool/groups?organizationId=${kindergarten.id}&done=approved`);
  });

  app.post('/preschool/groups/approve', { schema: { hide: true } }, async (request, reply) => {
    requireAccount(request.actor);
    const kindergarten = await getKindergarten(db, one((request.body as Record<string, unknown> | undefined)?.organizationId));
    authorize(request.actor, groupPolicy, 'approve', scopeOf(kindergarten));
    await approveGroups(db, request.auditOrigin, kindergarten, {}, context.clock.now());
    return redirectAfterPost(reply, `/preschool/groups?organizationId=${kindergarten.id}&done=approved`);
  });

  // API ---------------------------------------------------------------------------------------------------

  app.get(
    '/api/v1/preschool/groups',
    {
      schema: {
        tags,
        summary: 'List kindergarten groups within your reach',
        description: 'Head: their kindergarten; municipal operator: the kindergartens of their municipality; regional administrator: all. Keyset-paginated.',
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(GroupSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => {
      requireAccount(request.actor);
      const query = request.query as Static<typeof ListQuery>;
      const { page } = await readPage(request.actor, query.organizationId ?? '', query.cursor ?? null, query.limit ?? 50);
      return { items: page.items.map(groupJson), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/preschool/groups',
    {
      schema: { tags, summary: 'Add a group to a kindergarten (as a draft)', description: 'Head of the kindergarten or regional administrator. Audited.', body: CreateBody, response: { 201: GroupSchema } },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof CreateBody>;
      requireAccount(request.actor);
      const kindergarten = await getKindergarten(db, body.organizationId);
      authorize(request.actor, groupPolicy, 'edit', scopeOf(kindergarten));
      const parsed = parseGroupInput(body, await listAllReference(db));
      if (!parsed.ok) throw errors.validation(parsed.errors);
      const row = await createGroup(db, request.auditOrigin, kindergarten, parsed.value, context.clock.now());
      return reply.code(201).send(groupJson(row));
    },
  );

  app.patch(
    '/api/v1/preschool/groups/:id',
    {
      schema: {
        tags,
        summary: 'Change a group',
        description: 'Head of the kindergarten or regional administrator. Changing places, age group, orientation or stay mode of an approved group returns it to draft. Audited.',
        params: IdParams,
        body: PatchBody,
        response: { 200: GroupSchema },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof PatchBody>;
      requireAccount(request.actor);
      const { group, kindergarten } = await loadGroup(db, (request.params as Static<typeof IdParams>).id);
      authorize(request.actor, groupPolicy, 'edit', scopeOf(kindergarten));
      const parsed = parseGroupInput({ ...group, ...body }, await listAllReference(db), group);
      if (!parsed.ok) throw errors.validation(parsed.errors);
      return groupJson(await updateGroup(db, request.auditOrigin, kindergarten, group.id, body.version, parsed.value, context.clock.now()));
    },
  );

  app.post(
    '/api/v1/preschool/groups/:id/approve',
    {
      schema: { tags, summary: 'Approve the plan of one group', description: 'Municipal operator of its municipality or regional administrator. Audited.', params: IdParams, response: { 200: GroupSchema } },
    },
    async (request) => {
      requireAccount(request.actor);
      const { group, kindergarten } = await loadGroup(db, (request.params as Static<typeof IdParams>).id);
      authorize(request.actor, groupPolicy, 'approve', scopeOf(kindergarten));
      const [approved] = await approveGroups(db, request.auditOrigin, kindergarten, { groupIds: [group.id] }, context.clock.now());
      return groupJson(approved ?? group);
    },
  );

  app.post(
    '/api/v1/preschool/groups/approve',
    {
      schema: {
        tags,
        summary: 'Approve every draft group of a kindergarten',
        description: 'Municipal operator of its municipality or regional administrator. Audited per group.',
        body: Type.Object({ organizationId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ approved: Type.Array(GroupSchema) }) },
      },
    },
    async (request) => {
      requireAccount(request.actor);
      const kindergarten = await getKindergarten(db, (request.body as { organizationId: string }).organizationId);
      authorize(request.actor, groupPolicy, 'approve', scopeOf(kindergarten));
      const rows = await approveGroups(db, request.auditOrigin, kindergarten, {}, context.clock.now());
      return { approved: rows.map(groupJson) };
    },
  );
}

/**
 * HTML routes of the registry of organisations: the public directory and card, the downloads,
 * and the staff forms to add and edit. Each handler: validate → authenticate (request.actor) →
 * load → authorise (organization.policy.ts) → service → render.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError, errors, type FieldErrors } from '../platform/errors.ts';
import { translate, type Locale } from '../platform/i18n/i18n.ts';
import { redirectAfterPost, sendPage } from '../web/respond.tsx';
import type { SelectOption } from '../web/components.tsx';
import {
  authorizeOrganizationChange,
  canCreateSomewhere,
  editableFields,
  municipalitiesForCreate,
  organizationFields,
  organizationPolicy,
  type OrganizationField,
} from './organization.policy.ts';
import {
  addOrganization,
  changedFields,
  findOrganization,
  getOrganization,
  listOrganizations,
  organizationFieldLabels,
  organizationKindNames,
  organizationsCsv,
  organizationsJsonArray,
  parseDirectoryQuery,
  parseOrganizationInput,
  staleVersionMessage,
  updateOrganization,
  type OrganizationRow,
} from './organization.service.ts';
import { listMunicipalities, municipalityName, type MunicipalityRow } from './region.service.ts';
import { OrganizationDetailView } from './views/organization-detail.tsx';
import { OrganizationDirectoryView } from './views/organization-directory.tsx';
import { OrganizationFormView, type OrganizationFormProps } from './views/organization-form.tsx';

/** Rows per directory page. */
const pageSize = 25;

/**
 * Public pages may be cached briefly by browsers and proxies, but only for anonymous visitors
 * (sendPage marks logged-in pages no-store). `Vary: Cookie` because the language and display
 * cookies change the page.
 */
export function cacheForAnonymous(request: FastifyRequest, reply: FastifyReply, varyOn = 'Cookie'): void {
  if (request.actor.kind === 'anonymous') {
    reply.header('cache-control', 'public, max-age=60');
    reply.header('vary', varyOn);
  } else {
    reply.header('cache-control', 'no-store');
  }
}

function municipalityOptions(rows: MunicipalityRow[], locale: Locale, only?: readonly number[]): SelectOption[] {
  return rows.filter((m) => !only || only.includes(m.id)).map((m) => ({ value: String(m.id), label: municipalityName(m, locale) }));
}

function namesById(rows: MunicipalityRow[], locale: Locale): Map<number, string> {
  return new Map(rows.map((m) => [m.id, municipalityName(m, locale)]));
}

/** The directory's URL for a filter and an optional page cursor. */
function directoryUrl(path: string, query: { q: string; municipality: string; kind: string }, cursor?: string | null): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.municipality) params.set('municipality', query.municipality);
  if (query.kind) params.set('kind', query.kind);
  if (cursor) params.set('cursor', cursor);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function rawQuery(request: FastifyRequest): { q: string; municipality: string; kind: string; cursor: string } {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const one = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');
  return { q: one(query.q).trim(), municipality: one(query.municipality).trim(), kind: one(query.kind).trim(), cursor: one(query.cursor).trim() };
}

/** A stored record as form text. */
function formValues(row: OrganizationRow): Partial<Record<OrganizationField, string>> {
  return Object.fromEntries(organizationFields.map((f) => [f, row[f] === null ? '' : String(row[f])]));
}

/** What the user typed, for re-showing the form. */
function postedValues(body: Record<string, unknown>, fields: readonly OrganizationField[]): Partial<Record<OrganizationField, string>> {
  return Object.fromEntries(fields.map((f) => [f, typeof body[f] === 'string' ? (body[f] as string) : '']));
}

export function registerOrganizationPages(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  app.get('/organizations', { schema: { hide: true } }, async (request, reply) => {
    const raw = rawQuery(request);
    const { filter, cursor } = parseDirectoryQuery(raw);
    const locale = request.locale;
    const [municipalities, page] = await Promise.all([listMunicipalities(db), listOrganizations(db, filter, { cursor, limit: pageSize })]);
    cacheForAnonymous(request, reply);
    return sendPage(
      request,
      reply,
      translate(locale, { ru: 'Реестр организаций', en: 'Registry of organisations' }),
      <OrganizationDirectoryView
        query={raw}
        municipalities={municipalityOptions(municipalities, locale)}
        municipalityNames={namesById(municipalities, locale)}
        items={page.items}
        total={page.total}
        nextHref={page.nextCursor ? directoryUrl('/organizations', raw, page.nextCursor) : null}
        previousHref={page.previousCursor ? directoryUrl('/organizations', raw, page.previousCursor) : null}
        firstHref={cursor ? directoryUrl('/organizations', raw) : null}
        csvHref={directoryUrl('/organizations.csv', raw)}
        jsonHref={directoryUrl('/organizations.json', raw)}
      />,
    );
  });

  app.get('/organizations.csv', { schema: { hide: true } }, async (request, reply) => {
    const { filter } = parseDirectoryQuery({ ...rawQuery(request), cursor: '' });
    const names = namesById(await listMunicipalities(db), request.locale);
    cacheForAnonymous(request, reply);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="organizations.csv"')
      .send(Readable.from(organizationsCsv(db, filter, request.locale, names)));
  });

  app.get('/organizations.json', { schema: { hide: true } }, async (request, reply) => {
    const { filter } = parseDirectoryQuery({ ...rawQuery(request), cursor: '' });
    cacheForAnonymous(request, reply);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', 'attachment; filename="organizations.json"')
      .send(Readable.from(organizationsJsonArray(db, filter)));
  });

  // Add -------------------------------------------------------------------------------------

  async function showCreateForm(request: FastifyRequest, reply: FastifyReply, values: OrganizationFormProps['values'], fieldErrors: FieldErrors, status = 200) {
    const municipalities = await listMunicipalities(db);
    const allowed = municipalitiesForCreate(request.actor, municipalities.map((m) => m.id));
    // An operator of one municipality gets it preselected.
    const preset = allowed.length === 1 && !values.municipalityId ? { ...values, municipalityId: String(allowed[0]) } : values;
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Новая организация', en: 'New organisation' }),
      <OrganizationFormView
        mode="create"
        action="/organizations/new"
        values={preset}
        errors={fieldErrors}
        editable={organizationFields}
        municipalities={municipalityOptions(municipalities, request.locale, allowed)}
      />,
      status,
    );
  }

  function requireCreator(request: FastifyRequest): void {
    if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
    if (!canCreateSomewhere(request.actor)) throw errors.forbidden();
  }

  app.get('/organizations/new', { schema: { hide: true } }, async (request, reply) => {
    requireCreator(request);
    return showCreateForm(request, reply, {}, {});
  });

  app.post('/organizations/new', { schema: { hide: true } }, async (request, reply) => {
    requireCreator(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const municipalities = await listMunicipalities(db);
    const { values, errors: fieldErrors } = parseOrganizationInput(body, organizationFields, new Set(municipalities.map((m) => m.id)));
    if (Object.keys(fieldErrors).length) return showCreateForm(request, reply, postedValues(body, organizationFields), fieldErrors, 422);
    authorize(request.actor, organizationPolicy, 'create', { municipalityId: values.municipalityId! });
    const row = await addOrganization(context, request.auditOrigin, values as Required<typeof values>);
    return redirectAfterPost(reply, `/organizations/${row.id}?saved=1`);
  });

  // Card ------------------------------------------------------------------------------------

  app.get('/organizations/:id', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const row = await getOrganization(db, id);
    const municipalities = await listMunicipalities(db);
    cacheForAnonymous(request, reply);
    const saved = (request.query as Record<string, unknown>).saved === '1';
    return sendPage(
      request,
      reply,
      row.shortName,
      <OrganizationDetailView organization={row} municipalityName={namesById(municipalities, request.locale).get(row.municipalityId) ?? ''} saved={saved} />,
    );
  });

  // Edit ------------------------------------------------------------------------------------

  async function showEditForm(
    request: FastifyRequest,
    reply: FastifyReply,
    row: OrganizationRow,
    state: { values: OrganizationFormProps['values']; errors: FieldErrors; conflict?: OrganizationFormProps['conflict'] },
    status = 200,
  ) {
    const municipalities = await listMunicipalities(db);
    const allowed = municipalitiesForCreate(request.actor, municipalities.map((m) => m.id));
    const names = namesById(municipalities, request.locale);
    return sendPage(
      request,
      reply,
      translate(request.locale, { ru: 'Редактирование организации', en: 'Edit organisation' }),
      <OrganizationFormView
        mode="edit"
        action={`/organizations/${row.id}/edit`}
        values={state.values}
        errors={state.errors}
        editable={editableFields(request.actor, row)}
        municipalities={municipalityOptions(municipalities, request.locale, [...new Set([row.municipalityId, ...allowed])])}
        current={row}
        currentMunicipalityName={names.get(row.municipalityId)}
        version={row.version}
        conflict={state.conflict ?? null}
      />,
      status,
    );
  }

  app.get('/organizations/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const row = await getOrganization(db, id);
    authorize(request.actor, organizationPolicy, 'editContacts', row);
    return showEditForm(request, reply, row, { values: formValues(row), errors: {} });
  });

  app.post('/organizations/:id/edit', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const current = await getOrganization(db, id);
    authorize(request.actor, organizationPolicy, 'editContacts', current);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const fields = editableFields(request.actor, current);
    const municipalities = await listMunicipalities(db);
    const { values, errors: fieldErrors } = parseOrganizationInput(body, fields, new Set(municipalities.map((m) => m.id)));
    const version = typeof body.version === 'string' && /^\d{1,9}$/.test(body.version) ? Number(body.version) : null;
    if (version === null) fieldErrors.version = { ru: 'Форма устарела: откройте её заново', en: 'The form is out of date: open it again' };
    const typed = { ...formValues(current), ...postedValues(body, fields) };
    if (Object.keys(fieldErrors).length) return showEditForm(request, reply, current, { values: typed, errors: fieldErrors }, 422);
    authorizeOrganizationChange(request.actor, current, changedFields(current, values), values.municipalityId);
    try {
      await updateOrganization(context, request.auditOrigin, current, version!, values);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'stale-version') throw error;
      // Someone saved first: show what is stored now, keep what this user typed, and let them
      // resubmit knowingly against the new version.
      const fresh = (await findOrganization(db, id)) ?? current;
      const names = namesById(municipalities, request.locale);
      const differences = changedFields(fresh, values).map((f): [string, string] => [
        translate(request.locale, organizationFieldLabels[f]),
        f === 'municipalityId' ? names.get(fresh.municipalityId) ?? '' : f === 'kind' ? translate(request.locale, organizationKindNames[fresh.kind]) : String(fresh[f] ?? '—'),
      ]);
      return showEditForm(request, reply, fresh, { values: typed, errors: {}, conflict: { message: staleVersionMessage, differences } }, 409);
    }
    return redirectAfterPost(reply, `/organizations/${current.id}?saved=1`);
  });

}

/**
 * JSON API of the registry of organisations, under /api/v1. The same service functions and the
 * same policy as the pages; errors are problem+json with per-field `errors`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authorize } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { cacheForAnonymous } from './organization.pages.tsx';
import { authorizeOrganizationChange, canCreateSomewhere, organizationFields, organizationPolicy } from './organization.policy.ts';
import { organizationKinds } from './organization.schema.ts';
import {
  addOrganization,
  changedFields,
  getOrganization,
  listOrganizations,
  maxPageSize,
  organizationJson,
  parseDirectoryQuery,
  parseOrganizationInput,
  updateOrganization,
  type OrganizationInput,
} from './organization.service.ts';
import { listMunicipalities } from './region.service.ts';

const tags = ['organizations'];

const Kind = Type.Union(
  organizationKinds.map((k) => Type.Literal(k)),
  { description: 'kindergarten — детский сад, school — школа, clubProvider — организация доп. образования, college — колледж, camp — лагерь' },
);
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(schema: T) => Type.Union([schema, Type.Null()]);

export const OrganizationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    municipalityId: Type.Integer({ description: 'Id of the municipality (GET /api/v1/municipalities)' }),
    kind: Kind,
    fullName: Type.String(),
    shortName: Type.String(),
    address: Type.String(),
    headName: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    email: Nullable(Type.String()),
    website: Nullable(Type.String()),
    inn: Type.String({ description: 'ИНН, 10 digits' }),
    ogrn: Type.String({ description: 'ОГРН, 13 digits' }),
    licenceNumber: Nullable(Type.String()),
    capacity: Nullable(Type.Integer()),
    version: Type.Integer({ description: 'Send it back with PATCH: a stale version gets 409' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Organization', title: 'Organization' },
);

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words of the full or short name or the address; case and ё/е do not matter' })),
  municipality: Type.Optional(Type.Integer({ minimum: 1, maximum: 999999 })),
  kind: Type.Optional(Kind),
  cursor: Type.Optional(Type.String({ maxLength: 1000, description: 'nextCursor or previousCursor of an earlier page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxPageSize, default: 50 })),
});

const ListResponse = Type.Object({
  items: Type.Array(Type.Ref('Organization')),
  total: Type.Integer({ description: 'How many organisations match the filter' }),
  nextCursor: Nullable(Type.String()),
  previousCursor: Nullable(Type.String()),
});

// Loose types on purpose: the domain validation gives per-field messages in Russian.
const text = (maxLength: number) => Type.String({ maxLength });
const optionalText = (maxLength: number) => Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()]));
const createFields = {
  municipalityId: Type.Integer({ minimum: 1, maximum: 999999 }),
  kind: Kind,
  fullName: text(500),
  shortName: text(200),
  address: text(500),
  headName: optionalText(200),
  phone: optionalText(40),
  email: optionalText(254),
  website: optionalText(300),
  inn: text(20),
  ogrn: text(20),
  licenceNumber: optionalText(200),
  capacity: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 999999 }), Type.Null()])),
};
const CreateBody = Type.Object(createFields, { additionalProperties: false });
const PatchBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version you read; a stale one gets 409' }),
    ...Object.fromEntries(Object.entries(createFields).map(([k, v]) => [k, Type.Optional(v)])),
  },
  { additionalProperties: false },
);

export function registerOrganizationApi(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  app.addSchema(OrganizationSchema);

  const knownMunicipalities = async () => new Set((await listMunicipalities(db)).map((m) => m.id));

  app.get(
    '/api/v1/organizations',
    {
      schema: {
        tags,
        summary: 'Search the directory of organisations',
        description: 'Public. Keyset-paginated in order of short name; pass nextCursor back as cursor for the next page.',
        querystring: ListQuery,
        response: { 200: ListResponse },
      },
    },
    async (request, reply) => {
      const query = request.query as Static<typeof ListQuery>;
      const { filter, cursor, limit } = parseDirectoryQuery(query);
      const page = await listOrganizations(db, filter, { cursor, limit: limit ?? 50 });
      cacheForAnonymous(request, reply, 'Cookie, Authorization');
      return { ...page, items: page.items.map(organizationJson) };
    },
  );

  app.get(
    '/api/v1/organizations/:id',
    {
      schema: { tags, summary: 'One organisation', description: 'Public.', params: IdParams, response: { 200: Type.Ref('Organization') } },
    },
    async (request, reply) => {
      const { id } = request.params as Static<typeof IdParams>;
      const row = await getOrganization(db, id);
      cacheForAnonymous(request, reply, 'Cookie, Authorization');
      return organizationJson(row);
    },
  );

  app.post(
    '/api/v1/organizations',
    {
      schema: {
        tags,
        summary: 'Add an organisation',
        description: 'Regional administrator anywhere; municipal operator in their municipality. 201 with Location.',
        body: CreateBody,
        response: { 201: Type.Ref('Organization') },
      },
    },
    async (request, reply) => {
      if (request.actor.kind === 'anonymous') throw errors.unauthenticated();
      if (!canCreateSomewhere(request.actor)) throw errors.forbidden();
      const body = request.body as Record<string, unknown>;
      const { values, errors: fieldErrors } = parseOrganizationInput(body, organizationFields, await knownMunicipalities());
      if (Object.keys(fieldErrors).length) throw errors.validation(fieldErrors);
      authorize(request.actor, organizationPolicy, 'create', { municipalityId: values.municipalityId! });
      const row = await addOrganization(context, request.auditOrigin, values as OrganizationInput);
      return reply.code(201).header('location', `/api/v1/organizations/${row.id}`).send(organizationJson(row));
    },
  );

  app.patch(
    '/api/v1/organizations/:id',
    {
      schema: {
        tags,
        summary: 'Change an organisation',
        description:
          'Send only the fields to change and the version you read. The head of an organisation may change its contact fields ' +
          '(address, headName, phone, email, website); municipal operators and regional administrators all fields, within their scope.',
        params: IdParams,
        body: PatchBody,
        response: { 200: Type.Ref('Organization') },
      },
    },
    async (request) => {
      const { id } = request.params as Static<typeof IdParams>;
      const body = request.body as Record<string, unknown> & { version: number };
      const current = await getOrganization(db, id);
      authorize(request.actor, organizationPolicy, 'editContacts', current);
      const sent = organizationFields.filter((f) => f in body);
      const { values, errors: fieldErrors } = parseOrganizationInput(body, sent, await knownMunicipalities());
      if (Object.keys(fieldErrors).length) throw errors.validation(fieldErrors);
      authorizeOrganizationChange(request.actor, current, changedFields(current, values), values.municipalityId);
      const { row } = await updateOrganization(context, request.auditOrigin, current, body.version, values);
      return organizationJson(row);
    },
  );
}

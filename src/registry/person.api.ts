/**
 * JSON API of the people registry (/api/v1/people…). The same service functions and policy as
 * the pages; responses carry personal data, so none of them may be cached.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { can, isStaff, type Actor } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { noStore } from '../platform/http/request-context.ts';
import { authorizePerson, canPerson, isStaffRead, movesOutOfReach, personPlacementPolicy, personReadScope } from './person.policy.ts';
import {
  createPerson,
  findPersonAccess,
  findPersonRecord,
  guardianNotFound,
  linkGuardian,
  listPeople,
  parsePersonInput,
  personFormValues,
  placementErrors,
  recordPeopleListRead,
  recordPersonRead,
  regionToday,
  updatePerson,
  type PersonFormValues,
  type PersonListItem,
  type PersonListQuery,
  type PersonRecord,
} from './person.service.ts';
import { guardianRelations } from './person.schema.ts';

const tags = ['people'];

/** A string or null: one JSON type list, so type coercion never turns null into "". */
function nullableString(options: { maxLength?: number; format?: string; description?: string } = {}) {
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
}

const Id = Type.String({ format: 'uuid' });
const IdParams = Type.Object({ id: Id });
const Relation = Type.Union(guardianRelations.map((r) => Type.Literal(r)));
const Sex = Type.Union([Type.Literal('male'), Type.Literal('female')]);

const personInputProperties = {
  lastName: Type.String({ minLength: 1, maxLength: 100 }),
  firstName: Type.String({ minLength: 1, maxLength: 100 }),
  middleName: Type.Optional(nullableString({ maxLength: 100 })),
  birthDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
  sex: Sex,
  snils: Type.Optional(nullableString({ maxLength: 20, description: '11 digits; separators allowed' })),
  birthCertificateSeries: Type.Optional(nullableString({ maxLength: 20, description: 'e.g. IV-АГ' })),
  birthCertificateNumber: Type.Optional(nullableString({ maxLength: 10 })),
  passportSeries: Type.Optional(nullableString({ maxLength: 10 })),
  passportNumber: Type.Optional(nullableString({ maxLength: 10 })),
  phone: Type.Optional(nullableString({ maxLength: 30 })),
  email: Type.Optional(nullableString({ maxLength: 200 })),
  municipalityId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  organizationId: Type.Optional(nullableString({ format: 'uuid' })),
};

const PersonInputBody = Type.Object(personInputProperties, { additionalProperties: false });
const PersonPatchBody = Type.Composite(
  [
    Type.Partial(Type.Object(personInputProperties)),
    Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'The version you read; a stale one gets 409' }) }),
  ],
  { additionalProperties: false },
);

const LinkedPersonSchema = Type.Object({
  id: Id,
  lastName: Type.String(),
  firstName: Type.String(),
  middleName: nullableString(),
  birthDate: Type.String(),
  relation: Relation,
});

const PersonDetail = Type.Object({
  id: Id,
  lastName: Type.String(),
  firstName: Type.String(),
  middleName: nullableString(),
  birthDate: Type.String(),
  sex: Sex,
  snils: nullableString(),
  birthCertificateSeries: nullableString(),
  birthCertificateNumber: nullableString(),
  passportSeries: nullableString(),
  passportNumber: nullableString(),
  phone: nullableString(),
  email: nullableString(),
  municipalityId: Type.Integer(),
  organizationId: nullableString(),
  organizationName: nullableString(),
  guardians: Type.Array(LinkedPersonSchema),
  children: Type.Array(LinkedPersonSchema),
  staff: Type.Array(
    Type.Object({ organizationId: Id, organizationName: Type.String(), position: Type.String(), hiredOn: nullableString() }),
  ),
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer({ description: 'Send it back with PATCH: a stale version gets 409' }),
});

const PersonListEntry = Type.Object({
  id: Id,
  lastName: Type.String(),
  firstName: Type.String(),
  middleName: nullableString(),
  birthDate: Type.String(),
  municipalityId: Type.Integer(),
  organizationId: nullableString(),
  organizationName: nullableString(),
});

// No search term here: a name or a document number in a URL would be kept by browser history,
// proxy logs and Referer headers (DESIGN.md, "Security by default"). Unknown parameters, `q`
// among them, are refused with 422 rather than ignored, so a client still sending a term in
// the URL learns at once that it must use POST /api/v1/people/search.
const ListQuery = Type.Object(
  {
    municipalityId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
    cursor: Type.Optional(Type.String({ format: 'uuid', description: 'nextCursor of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);

const SearchBody = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'Name words or a document number (SNILS, birth certificate or passport number)' }),
    municipalityId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
    after: Type.Optional(Type.String({ format: 'uuid', description: 'nextCursor of the previous page of the same search' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);

const PeoplePage = Type.Object({ items: Type.Array(PersonListEntry), nextCursor: nullableString() });

const GuardianLinkBody = Type.Object({ guardianId: Id, relation: Relation }, { additionalProperties: false });
const GuardianLinkResult = Type.Object({ childId: Id, guardianId: Id, relation: Relation });

const Problem = Type.Object(
  { type: Type.String(), title: Type.String(), status: Type.Integer(), code: Type.String() },
  { additionalProperties: true, description: 'RFC 9457 problem details' },
);
const problems = (...statuses: number[]): Record<number, TSchema> => Object.fromEntries(statuses.map((s) => [s, Problem]));

function serializeDetail(record: PersonRecord): Static<typeof PersonDetail> {
  const p = record.person;
  return {
    id: p.id,
    lastName: p.lastName,
    firstName: p.firstName,
    middleName: p.middleName,
    birthDate: p.birthDate,
    sex: p.sex,
    snils: p.snils,
    birthCertificateSeries: p.birthCertificateSeries,
    birthCertificateNumber: p.birthCertificateNumber,
    passportSeries: p.passportSeries,
    passportNumber: p.passportNumber,
    phone: p.phone,
    email: p.email,
    municipalityId: p.municipalityId,
    organizationId: p.organizationId,
    organizationName: record.organizationName,
    guardians: record.guardians,
    children: record.children,
    staff: record.staff.map((s) => ({ organizationId: s.organizationId, organizationName: s.organizationName, position: s.position, hiredOn: s.hiredOn })),
    updatedAt: p.updatedAt.toISOString(),
    version: p.version,
  };
}

function serializeListEntry(item: PersonListItem): Static<typeof PersonListEntry> {
  return {
    id: item.id,
    lastName: item.lastName,
    firstName: item.firstName,
    middleName: item.middleName,
    birthDate: item.birthDate,
    municipalityId: item.municipalityId,
    organizationId: item.organizationId,
    organizationName: item.organizationName,
  };
}

/** JSON body → the string values the shared validator takes (null and absent → empty). */
function formValuesOfJson(body: Record<string, unknown>, base: PersonFormValues = {}): PersonFormValues {
  const values: Record<string, string> = { ...(base as Record<string, string>) };
  for (const [key, value] of Object.entries(body)) {
    values[key] = value === null || value === undefined ? '' : String(value);
  }
  return values as PersonFormValues;
}

function requireAccount(actor: Actor): void {
  if (actor.kind !== 'account') throw errors.unauthenticated();
}

// Every response of these routes may carry personal data: never stored by browsers or proxies.
async function personalData(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  noStore(reply);
}

export function registerPersonApi(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  async function loadRecord(request: FastifyRequest, action: 'read' | 'update' | 'linkGuardian'): Promise<PersonRecord> {
    requireAccount(request.actor);
    const { id } = request.params as Static<typeof IdParams>;
    const record = await findPersonRecord(db, id.toLowerCase());
    if (!record) throw errors.notFound();
    authorizePerson(request.actor, action, record.access);
    return record;
  }

  /** One page of people in the caller's scope; a page read by staff is audited. */
  async function peoplePage(request: FastifyRequest, query: PersonListQuery): Promise<Static<typeof PeoplePage>> {
    requireAccount(request.actor);
    const { items, nextAfter } = await listPeople(db, personReadScope(request.actor), query);
    if (isStaff(request.actor)) await recordPeopleListRead(db, request.auditOrigin, items, 'api');
    return { items: items.map(serializeListEntry), nextCursor: nextAfter };
  }

  app.get(
    '/api/v1/people',
    {
      onRequest: personalData,
      schema: {
        tags,
        summary: 'People in the caller’s scope, by name (keyset-paginated)',
        description:
          'Browses without a search term. Only municipalityId, cursor and limit are accepted: any other query parameter — `q` included — is refused with 422, because a search term is personal data and must not appear in a URL. Search with POST /api/v1/people/search.',
        querystring: ListQuery,
        response: { 200: PeoplePage, ...problems(401, 422) },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ListQuery>;
      return peoplePage(request, { municipalityId: query.municipalityId, after: query.cursor, limit: query.limit ?? 50 });
    },
  );

  app.post(
    '/api/v1/people/search',
    {
      onRequest: personalData,
      schema: {
        tags,
        summary: 'Search people in the caller’s scope by name or document number (keyset-paginated)',
        description:
          'The term travels in the body so that it never reaches a URL, a proxy log or a Referer header. Answers the same shape as GET /api/v1/people; pass its nextCursor back as `after` with the same term for the next page.',
        body: SearchBody,
        response: { 200: PeoplePage, ...problems(401, 403, 422) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof SearchBody>;
      return peoplePage(request, { q: body.q.trim().slice(0, 200), municipalityId: body.municipalityId, after: body.after, limit: body.limit ?? 50 });
    },
  );

  app.get(
    '/api/v1/people/:id',
    {
      onRequest: personalData,
      schema: { tags, summary: 'A person’s record (audited when read by staff)', params: IdParams, response: { 200: PersonDetail, ...problems(401, 404, 422) } },
    },
    async (request) => {
      const record = await loadRecord(request, 'read');
      if (isStaffRead(request.actor, record.access)) await recordPersonRead(db, request.auditOrigin, record.access, 'api');
      return serializeDetail(record);
    },
  );

  app.post(
    '/api/v1/people',
    {
      onRequest: personalData,
      schema: {
        tags,
        summary: 'Create a person (409 when the birth certificate, SNILS or passport is already recorded)',
        body: PersonInputBody,
        response: { 201: PersonDetail, ...problems(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof PersonInputBody>;
      requireAccount(request.actor);
      const parsed = parsePersonInput(formValuesOfJson(body), regionToday(context.clock));
      if (!parsed.ok) throw errors.validation(parsed.errors);
      if (!can(request.actor, personPlacementPolicy, 'place', parsed.value)) throw errors.forbidden();
      const id = await createPerson(db, request.auditOrigin, parsed.value, context.clock.now());
      const record = await findPersonRecord(db, id);
      return reply.code(201).header('location', `/api/v1/people/${id}`).send(serializeDetail(record!));
    },
  );

  app.patch(
    '/api/v1/people/:id',
    {
      onRequest: personalData,
      schema: {
        tags,
        summary: 'Change some fields of a person (null clears an optional field)',
        description: 'Send only the fields to change and the version you read. If someone changed the record since, nothing is saved and the answer is 409 (code stale-version): read it again.',
        params: IdParams,
        body: PersonPatchBody,
        response: { 200: PersonDetail, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { version, ...body } = request.body as Static<typeof PersonPatchBody>;
      const record = await loadRecord(request, 'update');
      const parsed = parsePersonInput(formValuesOfJson(body, personFormValues(record.person)), regionToday(context.clock));
      if (!parsed.ok) throw errors.validation(parsed.errors);
      if (movesOutOfReach(request.actor, record.person, parsed.value)) throw errors.validation(placementErrors(parsed.value));
      await updatePerson(db, request.auditOrigin, record.person, version, parsed.value, context.clock.now());
      return serializeDetail((await findPersonRecord(db, record.person.id))!);
    },
  );

  app.post(
    '/api/v1/people/:id/guardians',
    {
      onRequest: personalData,
      schema: {
        tags,
        summary: 'Link a guardian to a child (or change the relation of an existing link)',
        params: IdParams,
        body: GuardianLinkBody,
        response: { 201: GuardianLinkResult, ...problems(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof GuardianLinkBody>;
      const record = await loadRecord(request, 'linkGuardian');
      const guardian = await findPersonAccess(db, body.guardianId);
      // A guardian outside the caller's scope is reported as not found, like any hidden record.
      if (!guardian || !canPerson(request.actor, 'read', guardian)) throw errors.validation({ guardianId: guardianNotFound });
      await linkGuardian(db, request.auditOrigin, record.access, guardian.id, body.relation);
      return reply.code(201).send({ childId: record.person.id, guardianId: guardian.id, relation: body.relation });
    },
  );
}

/**
 * JSON API of addresses and territories, under /api/v1: public, cacheable, no personal data.
 * The same service functions as the pages (territory.pages.tsx). The two searches (what typing
 * search and find-your-school call) cost a query over the address register each, so a caller
 * without a logged-in session pays with proof of work: an allowance or a solution
 * (platform/http/proof-of-work.ts; issue 4 item 6). The page /schools/find needs none. Answers
 * stay cacheable (the allowance is not in Vary): a cache answering a repeated query costs nothing.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authorize } from '../platform/access/access.ts';
import type { AppContext } from '../platform/context.ts';
import { errors } from '../platform/errors.ts';
import { ProofOfWorkProblem, requireSearchProofOfWork, SearchProofOfWorkHeaders } from '../platform/http/proof-of-work.ts';
import { isIsoDate } from '../platform/validation.ts';
import { getHouses, maxSearchLimit, searchAddresses } from './address.service.ts';
import { cacheForAnonymous } from './organization.pages.tsx';
import { getOrganization } from './organization.service.ts';
import { territoryPolicy } from './territory.policy.ts';
import { listTerritoryHouses, regionDate, schoolCards, schoolsServingHouses } from './territory.service.ts';

const House = Type.Object({
  id: Type.String({ format: 'uuid', description: 'GAR OBJECTGUID of the house' }),
  municipalityId: Type.Integer(),
  label: Type.String({ description: "'г Краснодар, ул Красная, д. 12'" }),
  residential: Type.Boolean({ description: 'false for a garage, shed or other non-housing building (GAR HOUSETYPE)' }),
});

const School = Type.Object({
  id: Type.String({ format: 'uuid' }),
  shortName: Type.String(),
  address: Type.String(),
  website: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
});

const DateQuery = Type.Optional(Type.String({ format: 'date', description: 'The date the territory is resolved on (YYYY-MM-DD); today in Europe/Moscow by default' }));

const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 200, description: "What a person types: 'Краснодар Красная 12', 'ул. Красная, д 12 к2'; ё/е, case and abbreviations do not matter" }),
  municipality: Type.Optional(Type.Integer({ minimum: 1, maximum: 999999 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxSearchLimit, default: 20 })),
});

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const tags = ['addresses'];
const proofOfWork =
  'Without a logged-in session (anonymous, or an API token) send a search allowance in `X-Pow-Allowance` (POST /api/v1/proof-of-work/allowance) or a fresh solution in `X-Altcha`; otherwise 403 `proof-of-work-required`, whose body names where to get them.';

export function registerTerritoryApi(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const dateOf = (value: string | undefined) => {
    if (value === undefined) return regionDate(context.clock.now());
    if (!isIsoDate(value)) throw errors.badRequest({ ru: 'Дата должна быть в виде ГГГГ-ММ-ДД', en: 'The date must be YYYY-MM-DD' });
    return value;
  };

  const searchProofOfWork = requireSearchProofOfWork(context);

  app.get(
    '/api/v1/addresses',
    {
      preHandler: searchProofOfWork,
      schema: {
        tags,
        summary: 'Search houses by typing',
        description: `Public. Houses whose settlement and street names start with the typed words and whose number starts with the typed number; exact numbers first. ${proofOfWork}`,
        querystring: SearchQuery,
        headers: SearchProofOfWorkHeaders,
        response: { 200: Type.Object({ items: Type.Array(House) }), 403: ProofOfWorkProblem },
      },
    },
    async (request, reply) => {
      const query = request.query as Static<typeof SearchQuery>;
      authorize(request.actor, territoryPolicy, 'readPublished', null);
      const items = await searchAddresses(db, { query: query.q, municipalityId: query.municipality, limit: query.limit });
      cacheForAnonymous(request, reply, 'Cookie, Authorization');
      return { items };
    },
  );

  const SchoolsQuery = Type.Object({ date: DateQuery });
  app.get(
    '/api/v1/addresses/:id/schools',
    {
      preHandler: searchProofOfWork,
      schema: {
        tags,
        summary: 'The schools whose territory includes a house',
        description: `Public. By the published act of the municipality in force on the date (Order 458 §8). Normally one school; none or several is an error of the act. ${proofOfWork}`,
        params: IdParams,
        querystring: SchoolsQuery,
        headers: SearchProofOfWorkHeaders,
        response: { 200: Type.Object({ house: House, date: Type.String({ format: 'date' }), schools: Type.Array(School) }), 403: ProofOfWorkProblem },
      },
    },
    async (request, reply) => {
      const { id } = request.params as Static<typeof IdParams>;
      const onDate = dateOf((request.query as Static<typeof SchoolsQuery>).date);
      const house = (await getHouses(db, [id])).get(id.toLowerCase());
      if (!house) throw errors.notFound();
      authorize(request.actor, territoryPolicy, 'readPublished', null);
      const served = (await schoolsServingHouses(db, [house.id], onDate)).get(house.id) ?? [];
      const cards = await schoolCards(db, served);
      cacheForAnonymous(request, reply, 'Cookie, Authorization');
      return { house, date: onDate, schools: served.flatMap((s) => (cards.has(s) ? [cards.get(s)!] : [])) };
    },
  );

  const TerritoryQuery = Type.Object({
    date: DateQuery,
    cursor: Type.Optional(Type.String({ maxLength: 1000, description: 'nextCursor of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  });
  app.get(
    '/api/v1/organizations/:id/territory',
    {
      schema: {
        tags,
        summary: "A school's territory: the houses assigned to it",
        description: 'Public. In label order, keyset pages.',
        params: IdParams,
        querystring: TerritoryQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ id: Type.String({ format: 'uuid' }), label: Type.String() })),
            total: Type.Integer(),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as Static<typeof IdParams>;
      const query = request.query as Static<typeof TerritoryQuery>;
      const onDate = dateOf(query.date);
      const school = await getOrganization(db, id);
      authorize(request.actor, territoryPolicy, 'readPublished', null);
      const page = await listTerritoryHouses(db, school.id, onDate, { cursor: query.cursor ?? null, limit: query.limit ?? 100 });
      cacheForAnonymous(request, reply, 'Cookie, Authorization');
      return page;
    },
  );
}

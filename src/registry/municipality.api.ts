/** JSON list of the region's municipalities: reference data for filters and forms. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.ts';
import { cacheForAnonymous } from './organization.pages.tsx';
import { listMunicipalities } from './region.service.ts';

const Municipality = Type.Object({
  id: Type.Integer({ description: 'Stable id, used by organizations.municipalityId and role grants' }),
  code: Type.String(),
  kind: Type.Union([Type.Literal('cityDistrict'), Type.Literal('district')], { description: 'cityDistrict — городской округ, district — муниципальный район' }),
  nameRu: Type.String(),
  nameEn: Type.String(),
  populationThousands: Type.Integer(),
});

export function registerMunicipalityApi(app: FastifyInstance, context: AppContext): void {
  app.get(
    '/api/v1/municipalities',
    {
      schema: {
        tags: ['municipalities'],
        summary: 'The municipalities of the region',
        description: 'Public. Ordered by id.',
        response: { 200: Type.Object({ items: Type.Array(Municipality) }) },
      },
    },
    async (request, reply) => {
      const rows = await listMunicipalities(context.db);
      cacheForAnonymous(request, reply, 'Cookie, Authorization');
      return { items: rows.map(({ id, code, kind, nameRu, nameEn, populationThousands }) => ({ id, code, kind, nameRu, nameEn, populationThousands })) };
    },
  );
}

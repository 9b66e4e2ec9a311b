/** The registry: the region's organisations and people. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.ts';
import { registerHomePage } from './home.pages.tsx';
import { registerMunicipalityApi } from './municipality.api.ts';
import { registerOrganizationApi } from './organization.api.ts';
import { registerOrganizationPages } from './organization.pages.tsx';
import { registerPersonApi } from './person.api.ts';
import { registerPersonPages } from './person.pages.tsx';
import { registerTerritoryApi } from './territory.api.ts';
import { registerTerritoryPages } from './territory.pages.tsx';

export function registerRegistry(app: FastifyInstance, context: AppContext): void {
  registerHomePage(app, context);
  registerOrganizationPages(app, context);
  registerOrganizationApi(app, context);
  registerMunicipalityApi(app, context);
  registerPersonPages(app, context);
  registerPersonApi(app, context);
  registerTerritoryPages(app, context);
  registerTerritoryApi(app, context);
}

/**
 * OpenAPI 3.1 generated from the routes' TypeBox schemas, served at /api/v1/openapi.json.
 * The browsable reference at /api/docs is rendered by openapi.pages.tsx (server-side, no JS).
 */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { AppContext } from '../context.ts';
import { registerApiDocsPage } from './openapi.pages.tsx';

export async function registerOpenApi(app: FastifyInstance, context: AppContext): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Prostor API',
        version: '1',
        description:
          'JSON API of Prostor. Authenticate with an API token (`Authorization: Bearer …`) issued in the personal account, ' +
          'or with the session cookie (then unsafe requests need the `X-CSRF-Token` header). Errors are RFC 9457 problem+json. ' +
          'Without a session, the address searches and API-token submissions also need proof of work (the `proof-of-work` operations; each operation says what it needs).',
      },
      servers: [{ url: context.config.publicUrl }],
      components: {
        securitySchemes: {
          apiToken: { type: 'http', scheme: 'bearer', description: 'API token acting with one role on one scope' },
        },
      },
      security: [{ apiToken: [] }],
    },
    hideUntagged: false,
    transform: ({ schema, url }) => {
      // Only the JSON API belongs in the document; pages are hidden.
      if (!url.startsWith('/api/v1/')) return { schema: { ...(schema ?? {}), hide: true }, url };
      return { schema, url };
    },
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerApiDocsPage(app);
}

/**
 * buildApp(context): platform plugins first, in a fixed order, then each domain module.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import underPressure from '@fastify/under-pressure';
import type { AppContext } from './platform/context.ts';
import { registerErrorHandling } from './platform/http/error-handler.tsx';
import { registerOpsRoutes } from './platform/http/ops.routes.ts';
import { registerDisplayRoutes } from './platform/http/display.routes.ts';
import { registerRequestContext } from './platform/http/request-context.ts';
import { registerSecurityHeaders } from './platform/http/security-headers.ts';
import { registerOpenApi } from './platform/http/openapi.ts';
import { registerProofOfWorkRoutes } from './platform/http/proof-of-work.routes.ts';
import { registerAuthRoutes } from './platform/auth/auth.routes.tsx';
import { registerAccountRoutes } from './platform/auth/account.routes.tsx';
import { oidcLoginButton, registerOidcRoutes } from './platform/auth/oidc.routes.tsx';
import { registerAuditRoutes } from './platform/audit/audit.routes.tsx';
import { registerNotifyRoutes } from './platform/notify/notify.routes.tsx';
import { registerCalendarRoutes } from './platform/calendar/calendar.routes.tsx';
import { listMunicipalities } from './registry/region.service.ts';
import { registerRegistry } from './registry/registry.module.ts';
import { registerPreschool } from './enrollment/preschool/preschool.module.ts';
import { registerAdmission } from './enrollment/admission/admission.module.ts';
import { registerJournal } from './journal/journal.module.ts';
import { registerDesignSystemPage } from './web/design-system.pages.tsx';
import { demoAccounts } from './demo/demo-accounts.ts';
import { roleNames } from './platform/access/access.ts';

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: Array<{ method: string; url: string }>;
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

export async function buildApp(context: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: context.logger as FastifyBaseLogger,
    trustProxy: context.config.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    // Fastify's own request lines would log the URL with its query string; ours (below) do not.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
  });

  // The route table, for the robustness test that sends bad input to every route.
  const routes: Array<{ method: string; url: string }> = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });

  // Request logs without query strings or bodies: they may carry personal data.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });

  registerSecurityHeaders(app, { hsts: context.config.secureCookies });
  // Slow phones on mobile networks: every text response is compressed.
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  await app.register(underPressure, {
    maxEventLoopDelay: context.config.overloadEventLoopDelayMs,
    retryAfter: 30,
    exposeStatusRoute: false,
    pressureHandler: (_request, reply) => {
      reply.header('retry-after', '30').code(503).type('text/plain; charset=utf-8').send('Сервис перегружен, повторите через минуту / Overloaded, retry in a minute');
    },
  });
  await app.register(fastifyStatic, {
    root: path.join(root, 'src/web/static'),
    prefix: '/static/',
    maxAge: '1d',
    index: false,
  });
  await app.register(fastifyStatic, {
    root: path.join(root, 'node_modules/@fontsource/golos-text/files'),
    prefix: '/static/fonts/',
    decorateReply: false,
    maxAge: '30d',
    immutable: true,
    index: false,
  });
  app.decorateRequest('demoMode', context.config.demoMode);

  registerErrorHandling(app);
  registerRequestContext(app, context);
  registerOpsRoutes(app, context);
  await registerOpenApi(app, context);
  registerDisplayRoutes(app, context);
  registerProofOfWorkRoutes(app, context);
  registerAccountRoutes(app, context);
  registerAuthRoutes(app, context, {
    demoLogins: demoAccounts.map((a) => ({ login: a.login, password: a.password, role: roleNames[a.role], scope: a.scopeLabel })),
    externalLogin: oidcLoginButton(context.config),
  });
  registerOidcRoutes(app, context);
  registerAuditRoutes(app, context, { municipalities: listMunicipalities });
  registerNotifyRoutes(app, context);
  registerCalendarRoutes(app, context);

  registerDesignSystemPage(app);

  // Domain modules.
  registerRegistry(app, context);
  registerPreschool(app, context);
  registerAdmission(app, context);
  registerJournal(app, context);

  return app;
}

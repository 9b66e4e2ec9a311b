import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { can } from '../platform/access/access.ts';
import { auditPolicy } from '../platform/audit/audit.policy.ts';
import { pathOnly } from '../platform/logger.ts';
import type { PageContextValue } from './page-context.ts';
import { renderDocument } from './render.tsx';

declare module 'fastify' {
  interface FastifyRequest {
    demoMode: boolean;
  }
}

export function pageContextOf(request: FastifyRequest): PageContextValue {
  return {
    locale: request.locale ?? 'ru',
    theme: request.theme ?? 'standard',
    // A getter: only a page that renders a form asks for (and so issues) the token.
    get csrfToken() {
      return request.ensureCsrfToken ? request.ensureCsrfToken() : request.csrfToken ?? '';
    },
    actor: request.actor ?? { kind: 'anonymous' },
    path: pathOnly(request.url),
    demoMode: request.demoMode,
    canReadAudit: request.actor ? can(request.actor, auditPolicy, 'browse', null) : false,
  };
}

/** Renders a page inside the layout and sends it. Pages for logged-in users are never cached. */
export function sendPage(request: FastifyRequest, reply: FastifyReply, title: string, body: VNode, status = 200): FastifyReply {
  if (request.actor?.kind === 'account') reply.header('cache-control', 'no-store');
  return reply.status(status).type('text/html; charset=utf-8').send(renderDocument(pageContextOf(request), title, body));
}

/** Post/redirect/get: after a successful form, send the browser to a page with 303. */
export function redirectAfterPost(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).redirect(location);
}

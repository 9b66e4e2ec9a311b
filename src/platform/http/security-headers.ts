/**
 * Security headers on every response (CSP, HSTS where cookies are secure, nosniff, frame and
 * referrer policies…), as helmet writes them — computed once at start. @fastify/helmet built a
 * new helmet middleware for every request (parsing the CSP directives each time), which was a
 * visible share of the opening minute's CPU (docs/benchmarks.md); the headers never vary per
 * request here (no CSP nonces: pages load no inline script), so they are set from one object.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

export interface SecurityHeaderOptions {
  /** Strict-Transport-Security only where the site is served over HTTPS. */
  hsts: boolean;
}

/** The headers helmet sets for our policy, as a name → value object (names lower-case). */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    // Forms on our own pages redirect to the identity provider; keep the referrer to ourselves.
    referrerPolicy: { policy: 'same-origin' },
    hsts: options.hsts,
  });
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let called = false;
  middleware({} as IncomingMessage, response as unknown as ServerResponse, () => {
    called = true;
  });
  // helmet's middleware is synchronous; if a future version were not, fail at start, not silently.
  if (!called) throw new Error('helmet did not finish synchronously');
  return headers;
}

export function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  const headers = securityHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/**
 * Who is asking, in which language, with which display preferences — resolved once per
 * request. Authentication: a session cookie (pages and the API) or an API bearer token (the
 * API only). CSRF: every unsafe request authenticated by cookie must carry the session's token
 * (a form field `_csrf` or an `X-CSRF-Token` header); anonymous forms use a double-submit cookie.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { anonymous, type Actor } from '../access/access.ts';
import { actorFromApiToken, actorOf, resolveSessions, type ResolvedSession, type SessionWithGrants } from '../auth/accounts.ts';
import { randomToken, safeEqual } from '../auth/tokens.ts';
import type { AuditOrigin } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../errors.ts';
import { isLocale, type Locale } from '../i18n/i18n.ts';

export const SESSION_COOKIE = 'prostor_session';
export const ANONYMOUS_CSRF_COOKIE = 'prostor_csrf';
export const LOCALE_COOKIE = 'prostor_lang';
export const THEME_COOKIE = 'prostor_theme';

export type Theme = 'standard' | 'contrast';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    locale: Locale;
    theme: Theme;
    /** The live session, if the request came with one (possibly awaiting its second factor). */
    userSession: ResolvedSession | null;
    /** The token forms on this page must carry ('' for an anonymous visitor who has none yet). */
    csrfToken: string;
    /** The CSRF token, issuing an anonymous visitor's double-submit cookie if needed. */
    ensureCsrfToken(): string;
    auditOrigin: AuditOrigin;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function cookieOptions(context: AppContext, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: context.config.secureCookies,
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

/**
 * Coalesces the session lookups of concurrent requests: the tokens that arrive while the event
 * loop handles one round of sockets (and while a lookup is on the database) are resolved
 * together in one statement (accounts.ts resolveSessions). At most `maxInFlight` lookups run at
 * once, so a burst cannot take the whole database pool for sessions.
 */
export function sessionLoader(context: AppContext, maxInFlight = 2) {
  let waiting = new Map<string, Array<{ resolve: (s: SessionWithGrants | null) => void; reject: (e: unknown) => void }>>();
  let scheduled = false;
  let inFlight = 0;
  const run = () => {
    scheduled = false;
    if (waiting.size === 0 || inFlight >= maxInFlight) return;
    const batch = waiting;
    waiting = new Map();
    inFlight += 1;
    resolveSessions(context.db, [...batch.keys()], context.clock.now(), context.config.sessionIdleMinutes)
      .then(
        (found) => {
          for (const [token, callers] of batch) for (const c of callers) c.resolve(found.get(token) ?? null);
        },
        (error: unknown) => {
          for (const callers of batch.values()) for (const c of callers) c.reject(error);
        },
      )
      .finally(() => {
        inFlight -= 1;
        schedule();
      });
  };
  const schedule = () => {
    if (scheduled || waiting.size === 0) return;
    scheduled = true;
    setImmediate(run);
  };
  return (token: string): Promise<SessionWithGrants | null> =>
    new Promise((resolve, reject) => {
      const callers = waiting.get(token);
      if (callers) callers.push({ resolve, reject });
      else waiting.set(token, [{ resolve, reject }]);
      schedule();
    });
}

export function registerRequestContext(app: FastifyInstance, context: AppContext): void {
  const loadSession = sessionLoader(context);
  app.decorateRequest('actor', null as unknown as never);
  app.decorateRequest('locale', 'ru' as Locale);
  app.decorateRequest('theme', 'standard' as Theme);
  app.decorateRequest('userSession', null);
  app.decorateRequest('csrfToken', '');
  app.decorateRequest('ensureCsrfToken', null as unknown as never);
  app.decorateRequest('auditOrigin', null as unknown as never);

  app.addHook('preHandler', async (request, reply) => {
    if (request.url.startsWith('/static/')) return;
    const langCookie = request.cookies[LOCALE_COOKIE];
    request.locale = isLocale(langCookie) ? langCookie : 'ru';
    request.theme = request.cookies[THEME_COOKIE] === 'contrast' ? 'contrast' : 'standard';
    request.actor = anonymous;
    request.userSession = null;

    const now = context.clock.now();
    const authorization = request.headers.authorization;
    const isApi = request.url.startsWith('/api/');
    let cookieAuthenticated = false;
    if (isApi && authorization?.startsWith('Bearer ')) {
      const actor = await actorFromApiToken(context.db, authorization.slice(7).trim(), now);
      if (!actor) throw errors.unauthenticated();
      request.actor = actor;
    } else {
      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        const resolved = await loadSession(token);
        if (resolved) {
          request.userSession = resolved;
          cookieAuthenticated = true;
          if (!resolved.secondFactorPending) {
            request.actor = actorOf(resolved.account, resolved.grants, 'session');
          }
        } else {
          reply.clearCookie(SESSION_COOKIE, { path: '/' });
        }
      }
    }

    request.auditOrigin = { actor: request.actor, ip: request.ip, requestId: String(request.id) };

    // Anonymous visitors get a double-submit token only when a page renders a form that needs
    // one (see ensureCsrfToken), so public pages without such forms set no cookie and stay
    // cacheable by shared caches.
    const anonymousToken = request.cookies[ANONYMOUS_CSRF_COOKIE];
    request.csrfToken = request.userSession?.csrfToken ?? (anonymousToken && anonymousToken.length >= 20 ? anonymousToken : '');
    request.ensureCsrfToken = () => {
      if (!request.csrfToken) {
        request.csrfToken = randomToken();
        reply.setCookie(ANONYMOUS_CSRF_COOKIE, request.csrfToken, cookieOptions(context));
      }
      return request.csrfToken;
    };

    const routeConfig = request.routeOptions.config as { csrf?: boolean } | undefined;
    if (unsafeMethods.has(request.method) && (!isApi || cookieAuthenticated) && routeConfig?.csrf !== false) {
      checkCsrf(request);
    }
  });

  // What an account is shown (its name, an audit page, a person) must not stay in a browser or
  // proxy cache, API answers included; a route that may be cached says so itself.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.actor?.kind === 'account' && !reply.hasHeader('cache-control')) noStore(reply);
    // A response that sets a cookie is one visitor's: never let a shared cache keep it.
    if (reply.hasHeader('set-cookie') && /public/.test(String(reply.getHeader('cache-control') ?? ''))) {
      reply.header('cache-control', 'private, no-cache');
    }
    return payload;
  });
}

function checkCsrf(request: FastifyRequest): void {
  const body = request.body as Record<string, unknown> | undefined;
  const sent = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? request.headers['x-csrf-token'];
  if (!request.csrfToken || typeof sent !== 'string' || !safeEqual(sent, request.csrfToken)) throw errors.csrf();
}

/** Pages with personal data must not be stored by browsers or proxies. */
export function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store');
}

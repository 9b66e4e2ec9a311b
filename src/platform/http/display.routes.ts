/** Language and the high-contrast / large-text view: cookies set by a plain form, no JS. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { isLocale } from '../i18n/i18n.ts';
import { cookieOptions, LOCALE_COOKIE, THEME_COOKIE } from './request-context.ts';

const YEAR = 365 * 24 * 3600;

/**
 * Only local paths: never redirect to another site. Browsers drop tabs and newlines from a
 * Location and read a backslash as `/`, so `/<tab>/evil.example` would become `//evil.example`; and a
 * header cannot carry non-ASCII or control characters at all (Node throws: a 500). A path a
 * browser sent us is percent-encoded ASCII, so anything else is refused.
 */
export function safeReturnPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : fallback;
}

export function registerDisplayRoutes(app: FastifyInstance, context: AppContext): void {
  // No CSRF token: the form only sets display preferences (language, contrast), which a forged
  // request could at worst switch; requiring a token would set a cookie on every public page
  // and make those pages uncacheable.
  app.post('/settings/display', { schema: { hide: true }, config: { csrf: false } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (isLocale(body.lang)) reply.setCookie(LOCALE_COOKIE, body.lang, { ...cookieOptions(context, YEAR), httpOnly: false });
    if (body.theme === 'contrast' || body.theme === 'standard') {
      reply.setCookie(THEME_COOKIE, body.theme, { ...cookieOptions(context, YEAR), httpOnly: false });
    }
    return reply.code(303).redirect(safeReturnPath(body.return));
  });
}

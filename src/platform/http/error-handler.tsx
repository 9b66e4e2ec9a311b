/**
 * The one error handler: problem+json (RFC 9457) for the API, an HTML page for browsers.
 * Internals of 5xx errors are logged, never shown.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errors, type FieldErrors } from '../errors.ts';
import { translate } from '../i18n/i18n.ts';
import { sendPage } from '../../web/respond.tsx';

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

/** Fastify's own errors (schema validation, body too large, bad JSON) as catalogue errors. */
function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const fields: FieldErrors = {};
    for (const issue of error.validation) {
      const path = issue.instancePath?.replace(/^\//, '').replace(/\//g, '.') || String((issue.params as { missingProperty?: string })?.missingProperty ?? 'request');
      fields[path] = { ru: `Недопустимое значение (${issue.message ?? 'ошибка'})`, en: `Invalid value (${issue.message ?? 'error'})` };
    }
    return errors.validation(fields);
  }
  const status = error.statusCode ?? 500;
  if (status === 413) return new AppError(413, 'too-large', { ru: 'Слишком большой запрос', en: 'Request too large' });
  if (status === 415) return new AppError(415, 'unsupported-media-type', { ru: 'Неподдерживаемый формат данных', en: 'Unsupported media type' });
  if (status === 429) return errors.tooManyRequests(60);
  if (status === 503) return new AppError(503, 'overloaded', { ru: 'Сервис перегружен. Повторите через минуту', en: 'The service is overloaded. Try again in a minute' }, {}, { 'retry-after': '30' });
  if (status >= 400 && status < 500) return errors.badRequest();
  return new AppError(500, 'internal', { ru: 'Внутренняя ошибка. Мы уже разбираемся', en: 'Internal error. We are looking into it' });
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply
    .status(error.status)
    .type('application/problem+json; charset=utf-8')
    .send({
      ...error.extensions,
      type: `https://prostor.example/problems/${error.code}`,
      title: translate(request.locale ?? 'ru', error.userMessage),
      status: error.status,
      code: error.code,
      instance: request.url.split('?')[0],
      ...(Object.keys(error.fields).length
        ? { errors: Object.entries(error.fields).map(([field, message]) => ({ field, message: translate(request.locale ?? 'ru', message) })) }
        : {}),
    });
}

/**
 * What of an unexpected error may be logged: its kind, the database's error code and
 * constraint, and the stack frames — never its message, which for a failed query carries the
 * query's parameters (names, document numbers).
 */
export function loggableError(error: unknown): Record<string, unknown> {
  const seen = error as { name?: string; code?: unknown; constraint?: unknown; stack?: string; cause?: unknown };
  const cause = seen.cause as { name?: string; code?: unknown; constraint?: unknown; table?: unknown } | undefined;
  const frames = (seen.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')).slice(0, 12);
  return {
    type: seen.name ?? 'Error',
    code: typeof seen.code === 'string' ? seen.code : cause && typeof cause.code === 'string' ? cause.code : undefined,
    constraint: seen.constraint ?? cause?.constraint,
    table: cause?.table,
    causeType: cause?.name,
    stack: frames.join('\n'),
  };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: loggableError(error) }, 'request failed');
    else request.log.info({ code: appError.code, status: appError.status }, 'request refused');
    if (isApi(request)) return sendProblem(request, reply, appError);
    if (appError.status === 401 && request.method === 'GET') {
      // A browser that needs to log in goes to the login page and comes back afterwards.
      return reply.redirect(`/login?return=${encodeURIComponent(request.url.split('?')[0] ?? '/')}`);
    }
    for (const [name, value] of Object.entries(appError.headers)) reply.header(name, value);
    const t = (m: { ru: string; en: string }) => translate(request.locale ?? 'ru', m);
    return sendPage(
      request,
      reply,
      t(appError.userMessage),
      <>
        <h1>{t(appError.userMessage)}</h1>
        <p>
          {t({ ru: 'Код ошибки', en: 'Error code' })}: <code>{appError.code}</code>. {t({ ru: 'Номер запроса', en: 'Request id' })}:{' '}
          <code>{String(request.id)}</code>
        </p>
        <p>
          <a href="/">{t({ ru: 'На главную', en: 'Go to the home page' })}</a>
        </p>
      </>,
      appError.status,
    );
  });
  app.setNotFoundHandler(async () => {
    throw errors.notFound();
  });
}

/**
 * One error catalogue: each error carries an HTTP status, a stable code and a user-facing
 * message in Russian and English. The handler in app.ts renders problem+json (RFC 9457) for
 * the API and a page for browsers, and hides internals on 5xx.
 */
import type { Message } from './i18n/i18n.ts';

export type FieldErrors = Record<string, Message>;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly userMessage: Message,
    readonly fields: FieldErrors = {},
    readonly headers: Record<string, string> = {},
    /** Extra members of the API's problem+json (RFC 9457 §3.2), e.g. where to get what is missing. */
    readonly extensions: Record<string, string> = {},
  ) {
    super(`${code}: ${userMessage.en}`);
    this.name = 'AppError';
  }
}

export const errors = {
  badRequest: (message: Message = { ru: 'Запрос не понят', en: 'Bad request' }) =>
    new AppError(400, 'bad-request', message),
  validation: (fields: FieldErrors) =>
    new AppError(422, 'validation', { ru: 'Проверьте данные формы', en: 'Please check the form' }, fields),
  unauthenticated: () =>
    new AppError(401, 'unauthenticated', { ru: 'Войдите, чтобы продолжить', en: 'Please log in to continue' }),
  forbidden: () =>
    new AppError(403, 'forbidden', { ru: 'Недостаточно прав для этого действия', en: 'You are not allowed to do this' }),
  notFound: () => new AppError(404, 'not-found', { ru: 'Не найдено', en: 'Not found' }),
  conflict: (code: string, message: Message) => new AppError(409, code, message),
  csrf: () =>
    new AppError(403, 'csrf', {
      ru: 'Форма устарела. Обновите страницу и отправьте её снова',
      en: 'The form has expired. Reload the page and submit it again',
    }),
  tooManyRequests: (retryAfterSeconds: number, message?: Message) =>
    new AppError(
      429,
      'too-many-requests',
      message ?? { ru: 'Слишком много запросов. Попробуйте позже', en: 'Too many requests. Try again later' },
      {},
      { 'retry-after': String(retryAfterSeconds) },
    ),
};

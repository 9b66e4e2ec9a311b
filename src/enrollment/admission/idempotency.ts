/**
 * Idempotent submission (issue 4, item 6). A client sends an `Idempotency-Key` (the HTML form
 * carries a hidden key generated when the draft page is rendered; an API client sends the
 * header); keys are scoped to the account. The first request with a key that gets a receipt
 * stores the key with the SHA-256 of its request in the receipt's own transaction
 * (`admission_submission_key`, migration 0018). A repeat with the same key and request gets that
 * receipt — same number, same time — and the same key with another request is refused.
 *
 * Requests that share a key inside one batch never reach the database twice: the batch sends the
 * first and answers the others from its result (`dedupeBatch`).
 */
import crypto from 'node:crypto';
import { AppError } from '../../platform/errors.ts';

/** Printable ASCII without spaces, 8–128 characters (UUIDs, ULIDs, random base64url). */
const keyPattern = /^[\x21-\x7e]{8,128}$/;

export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && keyPattern.test(value);
}

/** A fresh key for a form (rendered into the draft page as a hidden field). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** What makes two submissions "the same request": the draft and the version the guardian saw. */
export function requestFingerprint(applicationId: string, applicationVersion: number | null): string {
  return crypto.createHash('sha256').update(`admission.submit\n${applicationId.toLowerCase()}\n${applicationVersion ?? ''}`).digest('hex');
}

export const idempotencyErrors = {
  missingKey: () =>
    new AppError(400, 'idempotency-key-required', {
      ru: 'Нужен заголовок Idempotency-Key: 8–128 латинских букв, цифр или знаков без пробелов',
      en: 'An Idempotency-Key header is required: 8–128 printable ASCII characters without spaces',
    }),
  keyReused: () =>
    new AppError(422, 'idempotency-key-reused', {
      ru: 'Этот ключ повтора уже использован для другого запроса. Обновите страницу и отправьте заявление снова',
      en: 'This Idempotency-Key was already used for a different request. Reload the page and submit again',
    }),
};

/**
 * Splits a batch into the requests to send (each account+key and each application at most once)
 * and, for every other request, the index of the sent request it repeats.
 */
export function dedupeBatch<T extends { accountId: string; key: string; applicationId: string }>(items: readonly T[]): { primary: number[]; repeats: Map<number, number> } {
  const byKey = new Map<string, number>();
  const byApplication = new Map<string, number>();
  const primary: number[] = [];
  const repeats = new Map<number, number>();
  items.forEach((item, index) => {
    const key = `${item.accountId}\n${item.key}`;
    const first = byKey.get(key) ?? byApplication.get(item.applicationId.toLowerCase());
    if (first !== undefined) {
      repeats.set(index, first);
      return;
    }
    byKey.set(key, index);
    byApplication.set(item.applicationId.toLowerCase(), index);
    primary.push(index);
  });
  return { primary, repeats };
}

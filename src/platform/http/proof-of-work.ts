/**
 * Self-hosted proof of work (ALTCHA, `altcha-lib`, protocol v1: find n ≤ maxnumber with
 * SHA-256(salt + n) = challenge; the challenge is HMAC-signed, so the server keeps no state
 * until a solution comes back). Issue 4, item 6: it makes scripted hammering of anonymous and
 * expensive endpoints cost CPU, while a person's phone solves it in well under a second
 * (`src/web/static/pow.js`, crypto.subtle).
 *
 * Where it is required (docs/admission.md, "The opening minute"):
 * - anonymous JSON endpoints that search (the public address search, find-your-school): header
 *   `X-Altcha` with the base64 solution; `requireProofOfWork` is the Fastify preHandler;
 * - a submission by API token (that is what a script uses): header `X-Altcha`.
 * Where it is not, and why:
 * - a submission from a browser session with its CSRF token: the guardian is a logged-in,
 *   identified person; the per-account and per-address limits bound what one account can do,
 *   and a phone without JavaScript (or a screen reader user on an old browser) must not be shut
 *   out at the one minute that matters. That is the accessible fallback;
 * - HTML search forms (work without JavaScript): they are cached and limited by the general
 *   per-IP rate limit instead.
 *
 * Replay: a solved challenge is accepted once per process (remembered until it expires);
 * challenges live CHALLENGE_TTL_SECONDS. The HMAC key is generated once per installation and kept
 * in `installation_fact`, so every process verifies the challenges of every other.
 */
import crypto from 'node:crypto';
import { createChallenge, verifySolution } from 'altcha-lib/v1';
import type { Challenge } from 'altcha-lib/v1/types';
import { sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { queryRows, type Database } from '../db/connect.ts';
import { AppError } from '../errors.ts';

/** Upper bound of the secret number: ~50,000 SHA-256 on average ≈ 0.1–0.5 s on a cheap phone. */
export const POW_MAX_NUMBER = 100_000;
export const CHALLENGE_TTL_SECONDS = 600;
export const POW_HEADER = 'x-altcha';
export const POW_FIELD = 'altcha';
const KEY_FACT = 'admission-altcha-hmac-key';

const keys = new WeakMap<object, Promise<string>>();

/** The installation's HMAC key (created by whichever process asks first). */
export function powKey(db: Database): Promise<string> {
  let key = keys.get(db);
  if (!key) {
    key = (async () => {
      const fresh = crypto.randomBytes(32).toString('hex');
      await db.execute(sql`INSERT INTO installation_fact (key, value) VALUES (${KEY_FACT}, ${JSON.stringify(fresh)}::jsonb) ON CONFLICT (key) DO NOTHING`);
      const [row] = await queryRows<{ value: string }>(db, sql`SELECT value #>> '{}' AS value FROM installation_fact WHERE key = ${KEY_FACT}`);
      return row!.value;
    })();
    keys.set(db, key);
    key.catch(() => keys.delete(db));
  }
  return key;
}

/** A new signed challenge; `maxNumber` lowers the work in tests. */
export async function createPowChallenge(db: Database, options: { maxNumber?: number } = {}): Promise<Challenge> {
  return createChallenge({
    hmacKey: await powKey(db),
    maxnumber: options.maxNumber ?? POW_MAX_NUMBER,
    expires: new Date(Date.now() + CHALLENGE_TTL_SECONDS * 1000),
  });
}

// Solutions already used, per process, until their challenge expires.
const used = new Map<string, number>();
const USED_LIMIT = 200_000;

function rememberOnce(signature: string): boolean {
  const now = Date.now();
  if (used.has(signature)) return false;
  if (used.size >= USED_LIMIT) {
    for (const [s, expires] of used) if (expires < now || used.size >= USED_LIMIT) used.delete(s);
  }
  used.set(signature, now + CHALLENGE_TTL_SECONDS * 1000);
  return true;
}

/** True when the base64 payload solves a challenge of ours, unexpired and not used before. */
export async function verifyPow(db: Database, payload: string | undefined | null): Promise<boolean> {
  if (!payload || payload.length > 2000) return false;
  let signature: string;
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { signature?: unknown };
    if (typeof parsed.signature !== 'string') return false;
    signature = parsed.signature;
  } catch {
    return false;
  }
  if (!(await verifySolution(payload, await powKey(db), true))) return false;
  return rememberOnce(signature);
}

export const powRequired = () =>
  new AppError(403, 'proof-of-work-required', {
    ru: 'Подтвердите, что запрос отправляет человек: обновите страницу (нужен включённый JavaScript) или войдите в личный кабинет',
    en: 'Confirm a person sends this request: reload the page (JavaScript needed) or log in',
  });

/** The payload a request carries: the X-Altcha header, or the `altcha` form field. */
export function powPayloadOf(request: FastifyRequest): string | undefined {
  const header = request.headers[POW_HEADER];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | undefined;
  return typeof body?.[POW_FIELD] === 'string' ? (body[POW_FIELD] as string) : undefined;
}

/** preHandler for anonymous, expensive endpoints: 403 unless a fresh solution comes with the request. */
export function requireProofOfWork(context: AppContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!(await verifyPow(context.db, powPayloadOf(request)))) throw powRequired();
  };
}

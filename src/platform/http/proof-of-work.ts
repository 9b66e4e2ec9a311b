/**
 * Self-hosted proof of work (ALTCHA, `altcha-lib`, protocol v1: find n ≤ maxnumber with
 * SHA-256(salt + n) = challenge; the challenge is HMAC-signed, so the server keeps no state
 * until a solution comes back). Issue 4, item 6: it makes scripted hammering of anonymous and
 * expensive endpoints cost CPU, while a person's phone solves it in a second or so
 * (`src/web/static/pow.js`, crypto.subtle in workers; an estimate: headless Chromium took ~3 s on
 * a 2-core machine under a load of 15).
 *
 * Where it is required (docs/admission.md, "The opening minute"; the API reference says it per route):
 * - the JSON searches of the address register, `/api/v1/addresses` and
 *   `/api/v1/addresses/:id/schools` (find your school), for a caller without a logged-in
 *   session — anonymous or by API token: a search allowance (below) in `X-Pow-Allowance`, or a
 *   fresh solution in `X-Altcha` for one request (`requireSearchProofOfWork`);
 * - a submission by API token (that is what a script uses): a fresh solution in `X-Altcha`.
 * Where it is not, and why:
 * - a submission from a browser session with its CSRF token: the guardian is a logged-in,
 *   identified person; the per-account and per-address limits bound what one account can do,
 *   and a phone without JavaScript (or a screen reader user on an old browser) must not be shut
 *   out at the one minute that matters. That is the accessible fallback;
 * - the HTML search form `/schools/find` (works without JavaScript, same search): the fallback
 *   when JavaScript is off or the solving fails. It is cacheable (public, 60 s), so repeated
 *   queries stop at a cache; the app keeps no per-IP limit (a carrier's NAT puts thousands of
 *   families behind one address), a proxy in front may add one.
 *
 * Search allowance, and why not a solution per request: typing search asks the server every
 * ~250 ms of typing; a cheap phone needs about a second per solution, so a solution per
 * keystroke would make suggestions arrive late or never. One solved challenge is exchanged
 * (POST /api/v1/proof-of-work/allowance) for an allowance `<expires>.<nonce>.<hmac>`, signed
 * with a key derived from the installation key: valid ALLOWANCE_TTL_SECONDS, for about
 * ALLOWANCE_REQUESTS requests. Any process verifies the signature without shared state; the
 * request count is kept per process (like the replay memory), so with P processes an allowance
 * buys at most P × ALLOWANCE_REQUESTS — approximate, which is enough: the point is that a script
 * pays one solution per few dozen searches, not that a person is counted. It names nothing — no
 * IP, account or query — and travels in a header, never in a URL (request logs keep no headers).
 *
 * Replay: a solved challenge is accepted once per process (remembered until it expires);
 * challenges live CHALLENGE_TTL_SECONDS. The HMAC key is generated once per installation and kept
 * in `installation_fact`, so every process verifies the challenges of every other.
 */
import crypto from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { createChallenge, verifySolution } from 'altcha-lib/v1';
import type { Challenge } from 'altcha-lib/v1/types';
import { sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../access/access.ts';
import type { AppContext } from '../context.ts';
import { queryRows, type Database } from '../db/connect.ts';
import { AppError } from '../errors.ts';

/** Upper bound of the secret number: ~50,000 SHA-256 on average per solution. */
export const POW_MAX_NUMBER = 100_000;
export const CHALLENGE_TTL_SECONDS = 600;
/** A search allowance: 5 minutes or 50 requests (per process), whichever ends first. */
export const ALLOWANCE_TTL_SECONDS = 300;
export const ALLOWANCE_REQUESTS = 50;
export const POW_HEADER = 'x-altcha';
export const ALLOWANCE_HEADER = 'x-pow-allowance';
export const POW_FIELD = 'altcha';
export const CHALLENGE_URL = '/api/v1/proof-of-work/challenge';
export const ALLOWANCE_URL = '/api/v1/proof-of-work/allowance';
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

// Search allowances ------------------------------------------------------------------------------

export interface SearchAllowance {
  allowance: string;
  expiresAt: Date;
  requests: number;
}

const allowanceKeys = new WeakMap<object, Promise<Buffer>>();

/** A key of its own for allowances (derived), so an allowance can never pass for a challenge signature. */
function allowanceKey(db: Database): Promise<Buffer> {
  let key = allowanceKeys.get(db);
  if (!key) {
    key = powKey(db).then((k) => crypto.createHmac('sha256', k).update('prostor search allowance v1').digest());
    allowanceKeys.set(db, key);
    key.catch(() => allowanceKeys.delete(db));
  }
  return key;
}

const sign = (key: Buffer, body: string) => crypto.createHmac('sha256', key).update(body).digest('base64url');

/** Issues an allowance (call it after verifyPow accepted a solution). */
export async function issueSearchAllowance(db: Database, now: Date): Promise<SearchAllowance> {
  const expires = Math.floor(now.getTime() / 1000) + ALLOWANCE_TTL_SECONDS;
  const body = `${expires}.${crypto.randomBytes(12).toString('base64url')}`;
  return { allowance: `${body}.${sign(await allowanceKey(db), body)}`, expiresAt: new Date(expires * 1000), requests: ALLOWANCE_REQUESTS };
}

// Requests left per allowance nonce, per process, until the allowance expires.
const spent = new Map<string, { left: number; expires: number }>();
const SPENT_LIMIT = 200_000;

/** True when the allowance is ours, unexpired and has requests left in this process; spends one. */
export async function spendSearchAllowance(db: Database, allowance: string | undefined, now: Date): Promise<boolean> {
  if (!allowance || allowance.length > 200) return false;
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(allowance);
  if (!match) return false;
  const [, expiresText, nonce, signature] = match;
  const expected = Buffer.from(sign(await allowanceKey(db), `${expiresText}.${nonce}`));
  if (!crypto.timingSafeEqual(expected, Buffer.from(signature!))) return false;
  const expires = Number(expiresText) * 1000;
  const nowMs = now.getTime();
  if (expires <= nowMs) return false;
  let entry = spent.get(nonce!);
  if (!entry) {
    if (spent.size >= SPENT_LIMIT) {
      for (const [n, e] of spent) if (e.expires <= nowMs || spent.size >= SPENT_LIMIT) spent.delete(n);
    }
    entry = { left: ALLOWANCE_REQUESTS, expires };
    spent.set(nonce!, entry);
  }
  if (entry.left <= 0) return false;
  entry.left -= 1;
  return true;
}

// Refusals and preHandlers -------------------------------------------------------------------------

/** What a client needs to get going again, as problem+json extension members (RFC 9457 §3.2). */
const howToSolve = { challenge: CHALLENGE_URL, allowance: ALLOWANCE_URL, header: 'X-Pow-Allowance', solutionHeader: 'X-Altcha' };

/** A submission by API token without a fresh solution. */
export const powRequired = () =>
  new AppError(
    403,
    'proof-of-work-required',
    {
      ru: `Подтвердите, что запрос отправляет человек: получите задачу (GET ${CHALLENGE_URL}), решите её и передайте решение в заголовке X-Altcha; или отправьте заявление из личного кабинета`,
      en: `Confirm a person sends this request: get a challenge (GET ${CHALLENGE_URL}), solve it and send the solution in the X-Altcha header; or submit from the personal account`,
    },
    {},
    {},
    { challenge: CHALLENGE_URL, solutionHeader: 'X-Altcha' },
  );

/** A search without an allowance (or with a forged, expired or used-up one). */
export const searchPowRequired = () =>
  new AppError(
    403,
    'proof-of-work-required',
    {
      ru: `Поиск через API без входа требует подтверждения, что запрос отправляет человек: получите задачу (GET ${CHALLENGE_URL}), решите её, обменяйте решение на разрешение (POST ${ALLOWANCE_URL} с заголовком X-Altcha) и передавайте разрешение в заголовке X-Pow-Allowance. Страница /schools/find ищет и без этого`,
      en: `Searching through the API without logging in needs proof that a person sends the request: get a challenge (GET ${CHALLENGE_URL}), solve it, exchange the solution for an allowance (POST ${ALLOWANCE_URL} with the X-Altcha header) and send the allowance in the X-Pow-Allowance header. The page /schools/find searches without it`,
    },
    {},
    {},
    howToSolve,
  );

/** The headers of a search route, for its schema (and so for the API reference). */
export const SearchProofOfWorkHeaders = Type.Object({
  [ALLOWANCE_HEADER]: Type.Optional(Type.String({ maxLength: 200, description: `A search allowance from POST ${ALLOWANCE_URL}: required without a logged-in session (anonymous or API token), unless X-Altcha is sent` })),
  [POW_HEADER]: Type.Optional(Type.String({ maxLength: 2000, description: `Or a fresh solution of GET ${CHALLENGE_URL}, good for this one request` })),
});

/** The refusal, with where to get a challenge and an allowance. */
export const ProofOfWorkProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: "'proof-of-work-required'" }),
    challenge: Type.Optional(Type.String({ description: 'GET this for a challenge' })),
    allowance: Type.Optional(Type.String({ description: 'POST the solution here (header X-Altcha) for an allowance' })),
    header: Type.Optional(Type.String({ description: 'Send the allowance in this header' })),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details: no proof of work came with the request' },
);

/** The payload a request carries: the X-Altcha header, or the `altcha` form field. */
export function powPayloadOf(request: FastifyRequest): string | undefined {
  const header = request.headers[POW_HEADER];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | undefined;
  return typeof body?.[POW_FIELD] === 'string' ? (body[POW_FIELD] as string) : undefined;
}

/** Anonymous visitors and API tokens pay with proof of work; a logged-in browser session does not. */
export function paysWithProofOfWork(actor: Actor): boolean {
  return actor.kind === 'anonymous' || actor.via === 'apiToken';
}

/**
 * preHandler of the anonymous JSON searches: 403 (with how to solve) unless the caller has a
 * session, an allowance with requests left, or a fresh solution for this one request.
 */
export function requireSearchProofOfWork(context: AppContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!paysWithProofOfWork(request.actor)) return;
    const allowance = request.headers[ALLOWANCE_HEADER];
    if (typeof allowance === 'string' ? await spendSearchAllowance(context.db, allowance, context.clock.now()) : await verifyPow(context.db, powPayloadOf(request))) return;
    throw searchPowRequired();
  };
}

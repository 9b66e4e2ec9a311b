/**
 * The accepting path's routes. The HTML form and the JSON API call the same service function
 * (submitApplication). Handlers: validate → authenticate → authorize (the draft's ownership is
 * checked set-based inside the batch, see submission.policy.ts) → service → render.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../../platform/access/access.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { powPayloadOf, powRequired, verifyPow } from '../../platform/http/proof-of-work.ts';
import { noStore } from '../../platform/http/request-context.ts';
import { isUuid } from '../../platform/validation.ts';
import { redirectAfterPost, sendPage } from '../../web/respond.tsx';
import { idempotencyErrors, isIdempotencyKey } from './idempotency.ts';
import { submissionPolicy } from './submission.policy.ts';
import { submissionErrors, submitApplication, type SubmissionReceipt } from './submission.service.ts';
import { SubmissionRefusedPage } from './submission.view.tsx';

const tags = ['admission'];
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Problem = Type.Object({ type: Type.String(), title: Type.String(), status: Type.Integer(), code: Type.String() }, { additionalProperties: true, description: 'RFC 9457 problem details' });
const problems = (...statuses: number[]): Record<number, TSchema> => Object.fromEntries(statuses.map((s) => [s, Problem]));

const SubmitBody = Type.Object(
  {
    applicationVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'The draft version the guardian saw; a draft edited since answers 409' })),
  },
  { additionalProperties: false },
);

const Receipt = Type.Object({
  applicationId: Type.String({ format: 'uuid' }),
  receiptNumber: Type.Integer({ description: 'Gap-free per campaign, in the order of receipt; never changes' }),
  receivedAt: Type.String({ format: 'date-time', description: 'Fixed by the server at acceptance; never changes' }),
  stage: Type.Union([Type.Literal(1), Type.Literal(2)]),
  replayed: Type.Boolean({ description: 'True when this repeats an earlier receipt (same Idempotency-Key, or the draft was already submitted)' }),
});

const FormBody = Type.Object({
  idempotencyKey: Type.Optional(Type.String({ maxLength: 200 })),
  applicationVersion: Type.Optional(Type.String({ maxLength: 12 })),
});

function receiptJson(receipt: SubmissionReceipt) {
  return { ...receipt, receivedAt: receipt.receivedAt.toISOString() };
}

/**
 * Submissions being handled by this process (from the first hook to the answer). Beyond the
 * bound a new one is answered 503 + Retry-After at once — before its session is even looked up —
 * so an overload queues neither in the database pool nor in memory (issue 4, item 6).
 *
 * The bound follows the process's capacity (Little's law): in flight ≤ completions per second ×
 * the latency target, so an accepted request waits about the target at most and the excess is
 * refused in microseconds. Completions are measured over half-second windows (smoothed); the
 * capacity is the highest smoothed rate seen, decaying with a half-life of 30 s. Following the
 * current rate instead fed back on itself: a bound set by a low rate (after a pause, at the start
 * of a burst) refused the load that would have shown a higher one, and a process able to accept
 * 4,000 a second stayed shedding at 2,000 (docs/benchmarks.md). A constant (128, then 512) let the
 * accepted requests of a 3× burst wait 12–28 s.
 */
export const SUBMISSION_LATENCY_TARGET_MS = 250;
export const SUBMISSION_GATE = { floor: 256, ceiling: 4096, initial: 256, halfLifeMs: 30_000 };

/** The bound as a pair of route hooks; `fixed` pins the bound, `now` is the clock (tests). */
export function admissionGate(fixed?: number, targetMs = SUBMISSION_LATENCY_TARGET_MS, now: () => number = () => performance.now()) {
  let inFlight = 0;
  let bound = fixed ?? SUBMISSION_GATE.initial;
  let windowStarted = now();
  let completed = 0;
  let rate = 0;
  let capacity = 0;
  const counted = new WeakSet<object>();
  return {
    onRequest: async (request: FastifyRequest) => {
      if (inFlight >= bound) throw submissionErrors.overloaded(2);
      inFlight += 1;
      counted.add(request);
    },
    onResponse: async (request: FastifyRequest) => {
      if (!counted.delete(request)) return;
      inFlight -= 1;
      completed += 1;
      const at = now();
      if (at - windowStarted < 500) return;
      const measured = (completed * 1000) / (at - windowStarted);
      rate = rate === 0 ? measured : 0.5 * rate + 0.5 * measured;
      capacity = Math.max(rate, capacity * 2 ** (-(at - windowStarted) / SUBMISSION_GATE.halfLifeMs));
      windowStarted = at;
      completed = 0;
      if (fixed === undefined) bound = Math.max(SUBMISSION_GATE.floor, Math.min(SUBMISSION_GATE.ceiling, Math.round((capacity * targetMs) / 1000)));
    },
    /** The current bound, measured rate and capacity estimate (for logs and tests). */
    state: () => ({ bound, rate, capacity, inFlight }),
  };
}

export function registerSubmissionRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;
  const gate = admissionGate();

  app.post('/admission/applications/:id/submit', { schema: { hide: true }, onRequest: gate.onRequest, onResponse: gate.onResponse }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!isUuid(id)) throw submissionErrors.notFound();
    const form = (request.body ?? {}) as Static<typeof FormBody>;
    authorize(request.actor, submissionPolicy, 'submit', null);
    // A form without its key (an old page) still works: a fresh key, as for a first click.
    const key = isIdempotencyKey(form.idempotencyKey) ? form.idempotencyKey : crypto.randomUUID();
    const version = form.applicationVersion && /^\d{1,9}$/.test(form.applicationVersion) ? Number(form.applicationVersion) : null;
    try {
      await submitApplication(context, request.actor, { applicationId: id, idempotencyKey: key, applicationVersion: version });
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 401 || error.status === 403) throw error;
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      const retryAfter = error.headers['retry-after'] ? Number(error.headers['retry-after']) : null;
      return sendPage(
        request,
        reply,
        'Заявление не отправлено',
        <SubmissionRefusedPage applicationId={id} message={error.userMessage} retryAfterSeconds={retryAfter} idempotencyKey={key} applicationVersion={version} />,
        error.status,
      );
    }
    return redirectAfterPost(reply, `/admission/applications/${id}`);
  });

  app.post(
    '/api/v1/admission/applications/:id/submit',
    {
      onRequest: gate.onRequest,
      onResponse: gate.onResponse,
      schema: {
        tags,
        summary: 'Submit a draft first-grade application (the opening minute): idempotent, acknowledged after the receipt is committed',
        description: [
          'Requires the `Idempotency-Key` header (8–128 printable ASCII characters), scoped to the account.',
          'A repeat with the same key and request returns the original receipt (200, `replayed: true`); the same key with another request answers 422.',
          'Submitting a draft already received returns its receipt (200). 201 is a new receipt.',
          'Refusals: 404 no such draft of yours, 409 withdrawn/decided or the draft changed or no free places (stage 2), 422 outside the stage windows (the message gives the dates) or not eligible in stage 1,',
          '429 per-account or per-address limit (Retry-After), 503 overloaded (Retry-After; nothing was written — retry with the same key).',
          'With an API token the request must also carry a solved proof-of-work challenge in `X-Altcha` (GET /api/v1/proof-of-work/challenge).',
        ].join(' '),
        params: IdParams,
        body: Type.Optional(SubmitBody),
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })), 'x-altcha': Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: { 200: Receipt, 201: Receipt, ...problems(400, 401, 403, 404, 409, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      noStore(reply);
      const { id } = request.params as Static<typeof IdParams>;
      const body = (request.body ?? {}) as Static<typeof SubmitBody>;
      const key = request.headers['idempotency-key'];
      if (!isIdempotencyKey(key)) throw idempotencyErrors.missingKey();
      authorize(request.actor, submissionPolicy, 'submit', null);
      // A token is what a script uses: it pays with proof of work (platform/http/proof-of-work.ts).
      if (request.actor.kind === 'account' && request.actor.via === 'apiToken' && !(await verifyPow(db, powPayloadOf(request)))) throw powRequired();
      const receipt = await submitApplication(context, request.actor, { applicationId: id, idempotencyKey: key, applicationVersion: body.applicationVersion ?? null });
      return reply.code(receipt.replayed ? 200 : 201).send(receiptJson(receipt));
    },
  );
}

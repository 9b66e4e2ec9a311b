/**
 * The proof-of-work endpoints (proof-of-work.ts): a signed challenge, and the exchange of one
 * solution for a search allowance. Both are public and never cached.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { ALLOWANCE_REQUESTS, ALLOWANCE_TTL_SECONDS, ALLOWANCE_URL, CHALLENGE_URL, createPowChallenge, issueSearchAllowance, POW_HEADER, powPayloadOf, ProofOfWorkProblem, searchPowRequired, verifyPow } from './proof-of-work.ts';
import { noStore } from './request-context.ts';

const tags = ['proof-of-work'];

const Challenge = Type.Object({
  algorithm: Type.String(),
  challenge: Type.String(),
  maxnumber: Type.Integer(),
  salt: Type.String(),
  signature: Type.String(),
});

const Allowance = Type.Object({
  allowance: Type.String({ description: 'Send it in the X-Pow-Allowance header' }),
  expiresAt: Type.String({ format: 'date-time' }),
  requests: Type.Integer({ description: 'About this many requests (counted per server process)' }),
});

export function registerProofOfWorkRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  app.get(
    CHALLENGE_URL,
    {
      schema: {
        tags,
        summary: 'A proof-of-work challenge (ALTCHA v1): find n ≤ maxnumber with SHA-256(salt + n) = challenge; the solution is base64(JSON {algorithm, challenge, number, salt, signature})',
        description: `Valid 10 minutes, accepted once. Send the solution as \`X-Altcha\` with an API-token submission, or exchange it for a search allowance (POST ${ALLOWANCE_URL}).`,
        response: { 200: Challenge },
      },
    },
    async (_request, reply) => {
      noStore(reply);
      const challenge = await createPowChallenge(db);
      return reply.send({ ...challenge, maxnumber: challenge.maxnumber ?? 0 });
    },
  );

  app.post(
    ALLOWANCE_URL,
    {
      // No CSRF token: nothing of a session changes; the solution itself is the proof.
      config: { csrf: false },
      schema: {
        tags,
        summary: 'Exchange one solved challenge for a search allowance',
        description: [
          `The allowance lets a caller without a logged-in session use the address searches (GET /api/v1/addresses, GET /api/v1/addresses/{id}/schools)`,
          `for ${ALLOWANCE_TTL_SECONDS / 60} minutes or about ${ALLOWANCE_REQUESTS} requests, whichever ends first; then get a new one.`,
          'It is signed, not stored, and names nobody. 403 when the solution is missing, wrong, expired or used before.',
        ].join(' '),
        headers: Type.Object({ [POW_HEADER]: Type.Optional(Type.String({ maxLength: 2000, description: `The solution of GET ${CHALLENGE_URL}` })) }),
        response: { 201: Allowance, 403: ProofOfWorkProblem },
      },
    },
    async (request, reply) => {
      noStore(reply);
      if (!(await verifyPow(db, powPayloadOf(request)))) throw searchPowRequired();
      const issued = await issueSearchAllowance(db, context.clock.now());
      return reply.code(201).send({ ...issued, expiresAt: issued.expiresAt.toISOString() });
    },
  );
}

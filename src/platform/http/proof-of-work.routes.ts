/**
 * The proof-of-work endpoint (proof-of-work.ts): a signed challenge, public and never cached.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { createPowChallenge } from './proof-of-work.ts';
import { noStore } from './request-context.ts';

const tags = ['proof-of-work'];

const Challenge = Type.Object({
  algorithm: Type.String(),
  challenge: Type.String(),
  maxnumber: Type.Integer(),
  salt: Type.String(),
  signature: Type.String(),
});

export function registerProofOfWorkRoutes(app: FastifyInstance, context: AppContext): void {
  const { db } = context;

  app.get(
    '/api/v1/proof-of-work/challenge',
    {
      schema: {
        tags,
        summary: 'A proof-of-work challenge (ALTCHA v1): find n ≤ maxnumber with SHA-256(salt + n) = challenge; the solution is base64(JSON {algorithm, challenge, number, salt, signature})',
        description: 'Valid 10 minutes, accepted once. Send the solution as `X-Altcha` with an API-token submission.',
        response: { 200: Challenge },
      },
    },
    async (_request, reply) => {
      noStore(reply);
      const challenge = await createPowChallenge(db);
      return reply.send({ ...challenge, maxnumber: challenge.maxnumber ?? 0 });
    },
  );
}

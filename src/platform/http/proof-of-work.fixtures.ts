/** Proof of work for tests: a solved challenge of our own, made easy (at most 2,000 hashes). */
import { solveChallenge } from 'altcha-lib/v1';
import type { Database } from '../db/connect.ts';
import { createPowChallenge } from './proof-of-work.ts';

/** The base64 payload a client sends in X-Altcha. */
export async function solvedPow(db: Database): Promise<string> {
  const challenge = await createPowChallenge(db, { maxNumber: 2000 });
  const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, 2000).promise;
  return Buffer.from(JSON.stringify({ ...challenge, number: solution!.number })).toString('base64');
}

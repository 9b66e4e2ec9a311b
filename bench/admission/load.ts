/**
 * The admission benchmark's requests: submissions with session cookies and Idempotency-Keys,
 * sent through the benchmarks' lean HTTP client (bench/support/http.ts).
 */
import crypto from 'node:crypto';
import { httpPool } from '../support/http.ts';

export { percentile, sleep } from '../support/http.ts';

export interface Target {
  port: number;
}

export interface Answer {
  status: number; // 0: no answer (connection refused or reset: the server died, or 30 s passed)
  ms: number;
  body: { receiptNumber?: number; receivedAt?: string; replayed?: boolean; code?: string } | null;
  retryAfter: number | null;
}

/** Deterministic ids shared with the seed (md5 of a label, formatted as a UUID — as PostgreSQL's md5(…)::uuid). */
export function seededUuid(label: string): string {
  const h = crypto.createHash('md5').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const applicationIdOf = (i: number) => seededUuid(`app${i}`);
export const sessionTokenOf = (i: number) => `bench-session-${i}`;
export const csrfTokenOf = (i: number) => `bench-csrf-token-${i}`;

/** Submissions to one server through at most `maxConnections` keep-alive connections. */
export function makeClient(target: Target, maxConnections: number) {
  const pool = httpPool(target.port, maxConnections);
  async function submit(i: number, key: string): Promise<Answer> {
    const answer = await pool.send({
      method: 'POST',
      path: `/api/v1/admission/applications/${applicationIdOf(i)}/submit`,
      headers: { cookie: `prostor_session=${sessionTokenOf(i)}`, 'x-csrf-token': csrfTokenOf(i), 'idempotency-key': key, 'content-type': 'application/json' },
      body: '{}',
    });
    let body: Answer['body'] = null;
    if (answer.body.startsWith('{')) {
      try {
        body = JSON.parse(answer.body) as Answer['body'];
      } catch {
        body = null;
      }
    }
    const retry = /\r\nretry-after: *(\d+)/i.exec(answer.head)?.[1];
    return { status: answer.status, ms: answer.ms, body, retryAfter: retry ? Number(retry) : null };
  }
  return { submit, close: () => pool.close() };
}

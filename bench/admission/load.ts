/**
 * The load generator of the admission benchmark: HTTP/1.1 keep-alive clients (node:http) posting
 * submissions with session cookies and Idempotency-Keys. Closed loop (N clients, each sends its
 * next request when the previous one is answered) for "as fast as it goes", open loop (a fixed
 * rate whatever the answers) for latency at a given load and for overload.
 */
import crypto from 'node:crypto';
import http from 'node:http';

export interface Target {
  port: number;
}

export interface Answer {
  status: number; // 0: no answer (connection refused or reset: the server died)
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

export function makeClient(target: Target, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  function submit(i: number, key: string): Promise<Answer> {
    const started = performance.now();
    const payload = '{}';
    return new Promise((resolve) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: target.port,
          method: 'POST',
          path: `/api/v1/admission/applications/${applicationIdOf(i)}/submit`,
          agent,
          headers: {
            cookie: `prostor_session=${sessionTokenOf(i)}`,
            'x-csrf-token': csrfTokenOf(i),
            'idempotency-key': key,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
          timeout: 30_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => {
            let body: Answer['body'] = null;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'];
            } catch {
              body = null;
            }
            const retry = response.headers['retry-after'];
            resolve({ status: response.statusCode ?? 0, ms: performance.now() - started, body, retryAfter: retry ? Number(retry) : null });
          });
          response.on('error', () => resolve({ status: 0, ms: performance.now() - started, body: null, retryAfter: null }));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', () => resolve({ status: 0, ms: performance.now() - started, body: null, retryAfter: null }));
      request.end(payload);
    });
  }
  return { submit, close: () => agent.destroy() };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

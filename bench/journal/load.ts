/**
 * The parents' evening load generator: HTTP/1.1 keep-alive clients (node:http, like autocannon)
 * in the benchmark's own process. Closed loop — N connections, each sending its next request as
 * soon as the previous one is answered — for a fixed time, recording each request's latency.
 */
import http from 'node:http';

export interface Request {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** non-2xx answers by status */
  statuses: Record<number, number>;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  bytesAverage: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function send(agent: http.Agent, port: number, r: Request): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: r.method, path: r.path, agent, headers: { ...r.headers, ...(r.body ? { 'content-length': String(Buffer.byteLength(r.body)) } : {}) }, timeout: 30_000 },
      (response) => {
        let bytes = 0;
        response.on('data', (c: Buffer) => (bytes += c.length));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }));
        response.on('error', () => resolve({ status: 0, bytes }));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve({ status: 0, bytes: 0 }));
    request.end(r.body);
  });
}

/**
 * Runs `connections` closed loops for `seconds`; `next(i)` makes the i-th request. The first
 * `warmupSeconds` are not counted.
 */
export async function closedLoop(port: number, connections: number, seconds: number, next: (i: number) => Request, warmupSeconds = 2): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let counter = 0;
  let errors = 0;
  let bytes = 0;
  const start = performance.now();
  const countFrom = start + warmupSeconds * 1000;
  const end = countFrom + seconds * 1000;
  async function loop(): Promise<void> {
    while (performance.now() < end) {
      const i = counter++;
      const began = performance.now();
      const answer = await send(agent, port, next(i));
      const done = performance.now();
      if (began < countFrom) continue;
      latencies.push(done - began);
      bytes += answer.bytes;
      if (answer.status < 200 || answer.status >= 300) {
        errors++;
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, loop));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    statuses,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    bytesAverage: latencies.length ? bytes / latencies.length : 0,
  };
}

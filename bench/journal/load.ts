/**
 * The parents' evening load generator: keep-alive connections from the benchmarks' lean HTTP
 * client (bench/support/http.ts) in the benchmark's own process. Closed loop — N connections,
 * each sending its next request as soon as the previous one is answered — for a fixed time,
 * recording each request's latency. With several server processes the connections are spread
 * over them, as a load balancer would.
 */
import { httpPool, percentile, type HttpRequest } from '../support/http.ts';

export { percentile };
export type Request = HttpRequest;

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

/**
 * Runs `connections` closed loops for `seconds` against the servers on `ports`; `next(i)` makes
 * the i-th request. The first `warmupSeconds` are not counted.
 */
export async function closedLoop(ports: number | number[], connections: number, seconds: number, next: (i: number) => Request, warmupSeconds = 2): Promise<LoadResult> {
  const targets = [ports].flat();
  const pools = targets.map((port) => httpPool(port, Math.ceil(connections / targets.length)));
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let counter = 0;
  let errors = 0;
  let bytes = 0;
  const start = performance.now();
  const countFrom = start + warmupSeconds * 1000;
  const end = countFrom + seconds * 1000;
  async function loop(n: number): Promise<void> {
    const pool = pools[n % pools.length]!;
    while (performance.now() < end) {
      const i = counter++;
      const began = performance.now();
      const answer = await pool.send(next(i));
      if (began < countFrom) continue;
      latencies.push(answer.ms);
      bytes += answer.bytes;
      if (answer.status < 200 || answer.status >= 300) {
        errors++;
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, (_, n) => loop(n)));
  for (const pool of pools) pool.close();
  return summarise(latencies, errors, statuses, seconds, bytes);
}

/**
 * Open loop: `rate` requests per second for `seconds` (after `warmupSeconds` not counted),
 * sent when due whatever the answers, over at most `connections` per server; latency counts
 * from when each request was due, so a lagging generator or a queue on the server shows.
 */
export async function openLoop(ports: number | number[], rate: number, connections: number, seconds: number, next: (i: number) => Request, warmupSeconds = 2): Promise<LoadResult> {
  const targets = [ports].flat();
  const pools = targets.map((port) => httpPool(port, connections));
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  let bytes = 0;
  const start = performance.now();
  const total = Math.round(rate * (seconds + warmupSeconds));
  const counted = Math.round(rate * warmupSeconds);
  const pending: Array<Promise<void>> = [];
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (i < total && start + (i * 1000) / rate <= now) {
        const n = i++;
        const due = start + (n * 1000) / rate;
        const lag = now - due;
        pending.push(
          pools[n % pools.length]!.send(next(n)).then((answer) => {
            if (n < counted) return;
            latencies.push(answer.ms + lag);
            bytes += answer.bytes;
            if (answer.status < 200 || answer.status >= 300) {
              errors++;
              statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
            }
          }),
        );
      }
      if (i < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  for (const pool of pools) pool.close();
  return summarise(latencies, errors, statuses, seconds, bytes);
}

function summarise(latencies: number[], errors: number, statuses: Record<number, number>, seconds: number, bytes: number): LoadResult {
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

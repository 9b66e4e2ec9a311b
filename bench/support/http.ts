/**
 * The benchmarks' HTTP/1.1 client: keep-alive connections on `net` sockets, one request at a time
 * per connection (no pipelining), a bounded pool per server.
 *
 * The load generator shares the two cores with the server and the database, so its own cost is
 * part of every figure: node:http's client took about 0.25 ms of CPU per request — a quarter of
 * the machine at 1,000 requests per second — where this one takes a few tens of microseconds, as
 * wrk or h2load would in C. A request that finds every connection busy waits in the client's
 * queue and its latency counts from when it was due (no coordinated omission), so an overloaded
 * server cannot hide its queue in TCP backlogs.
 */
import net from 'node:net';

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  /** 0: no answer (connection refused or reset — the server died — or the timeout passed). */
  status: number;
  /** From when the request was due to its answer's last byte. */
  ms: number;
  /** The response head (status line and headers), as received. */
  head: string;
  body: string;
  bytes: number;
}

const TIMEOUT_MS = 30_000;
const HEADER_END = Buffer.from('\r\n\r\n');

interface Exchange {
  request: Buffer;
  due: number;
  resolve: (answer: HttpAnswer) => void;
}

const noAnswer = (exchange: Exchange): HttpAnswer => ({ status: 0, ms: performance.now() - exchange.due, head: '', body: '', bytes: 0 });

/** One keep-alive connection: writes a request, reads exactly one response, repeats. */
class Connection {
  private readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private current: Exchange | null = null;
  private timer: NodeJS.Timeout | null = null;
  closed = false;

  constructor(
    port: number,
    private readonly onIdle: (connection: Connection) => void,
  ) {
    this.socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', () => this.fail());
    this.socket.on('close', () => this.fail());
  }

  send(exchange: Exchange): void {
    this.current = exchange;
    this.timer = setTimeout(() => {
      this.fail();
      this.socket.destroy();
    }, TIMEOUT_MS);
    this.socket.write(exchange.request);
  }

  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (!this.current) return;
    const end = this.buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffer.toString('latin1', 0, end);
    if (/\r\ntransfer-encoding: *chunked/i.test(head)) throw new Error('chunked responses are not read by the bench client');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    const total = end + 4 + length;
    if (this.buffer.length < total) return;
    const body = this.buffer.toString('utf8', end + 4, total);
    this.buffer = this.buffer.subarray(total);
    const exchange = this.current;
    this.finish();
    exchange.resolve({ status: Number(head.slice(9, 12)), ms: performance.now() - exchange.due, head, body, bytes: total });
    if (/\r\nconnection: *close/i.test(head)) {
      this.closed = true;
      this.socket.destroy();
    } else this.onIdle(this);
  }

  private finish(): void {
    this.current = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fail(): void {
    const exchange = this.current;
    this.finish();
    this.closed = true;
    if (exchange) exchange.resolve(noAnswer(exchange));
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

export interface HttpPool {
  send(request: HttpRequest): Promise<HttpAnswer>;
  close(): void;
}

/** A pool of at most `maxConnections` keep-alive connections to one server on 127.0.0.1. */
export function httpPool(port: number, maxConnections: number): HttpPool {
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  const queue: Exchange[] = [];
  const onIdle = (connection: Connection) => {
    const next = queue.shift();
    if (next) connection.send(next);
    else idle.push(connection);
  };
  function dispatch(exchange: Exchange): void {
    let connection = idle.pop();
    while (connection?.closed) connection = idle.pop();
    if (connection) return connection.send(exchange);
    for (const c of all) if (c.closed) all.delete(c);
    if (all.size < maxConnections) {
      const fresh = new Connection(port, onIdle);
      all.add(fresh);
      return fresh.send(exchange);
    }
    queue.push(exchange);
  }
  return {
    send(r) {
      const body = r.body ?? '';
      let text = `${r.method} ${r.path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n`;
      for (const [name, value] of Object.entries(r.headers)) text += `${name}: ${value}\r\n`;
      if (r.method !== 'GET') text += `content-length: ${Buffer.byteLength(body)}\r\n`;
      const request = Buffer.from(`${text}\r\n${body}`);
      return new Promise((resolve) => dispatch({ request, due: performance.now(), resolve }));
    },
    close() {
      for (const c of all) c.close();
      for (const exchange of queue.splice(0)) exchange.resolve(noAnswer(exchange));
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Group commit for the opening minute. Concurrent submissions in one process are collected for
 * a few milliseconds (or until `maxBatch`) and handed to `commit` together, so one transaction —
 * one WAL flush — accepts many applications; each caller's promise settles only after its batch
 * has committed (or failed). The queue is bounded: when `maxQueued` requests are already
 * waiting, a new one is refused at once with `BatcherOverloaded` (the route answers 503 with
 * Retry-After), independent of event-loop delay, so the process sheds load before it drowns.
 *
 * A request refused before its batch started was never sent to the database: it is safe to
 * retry. A request whose batch was sent is always awaited to the end, whatever the client does,
 * so an acknowledged receipt is never lost and an unacknowledged one is found by a retry with
 * the same Idempotency-Key.
 */

export interface BatcherOptions {
  /** Longest wait for company after the first request of a batch arrives, ms. */
  maxWaitMs: number;
  /** A batch is sent at once when it reaches this many requests. */
  maxBatch: number;
  /** Batches on the database at the same time (1 on PGlite, a few on PostgreSQL). */
  maxInFlight: number;
  /** Requests waiting for a batch; beyond this new ones are refused (503). */
  maxQueued: number;
  /** A request that waited this long for its batch to start is refused (503) instead of sent. */
  maxQueueWaitMs: number;
}

export const defaultBatcherOptions: BatcherOptions = { maxWaitMs: 2, maxBatch: 250, maxInFlight: 3, maxQueued: 4000, maxQueueWaitMs: 5000 };

/** The queue is full or a request waited too long: nothing was written, retry later. */
export class BatcherOverloaded extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('submission queue is full');
    this.name = 'BatcherOverloaded';
  }
}

/** Outcome of one item: a value, or an error for that item alone. */
export type ItemResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Commits a batch; returns one result per item, in order. Throwing fails the whole batch. */
export type CommitBatch<T, R> = (items: T[]) => Promise<Array<ItemResult<R>>>;

interface Waiting<T, R> {
  item: T;
  enqueuedAt: number;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export interface BatcherStats {
  batches: number;
  items: number;
  refused: number;
  queued: number;
  inFlight: number;
}

export class GroupCommitter<T, R> {
  private queue: Array<Waiting<T, R>> = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly idle: Array<() => void> = [];
  readonly stats: BatcherStats = { batches: 0, items: 0, refused: 0, queued: 0, inFlight: 0 };

  constructor(
    private readonly commit: CommitBatch<T, R>,
    private readonly options: BatcherOptions = defaultBatcherOptions,
  ) {}

  /** Adds a request to the next batch; settles after that batch commits. */
  submit(item: T): Promise<R> {
    if (this.queue.length >= this.options.maxQueued) {
      this.stats.refused += 1;
      return Promise.reject(new BatcherOverloaded(this.retryAfterSeconds()));
    }
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, enqueuedAt: performance.now(), resolve, reject });
      this.stats.queued = this.queue.length;
      if (this.queue.length >= this.options.maxBatch) this.flushSoon(0);
      else this.flushSoon(this.options.maxWaitMs);
    });
  }

  /** Waits until nothing is queued or in flight (graceful shutdown, tests). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0) {
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
  }

  /** Seconds a refused client should wait: the time to work through the queue, at least 1. */
  private retryAfterSeconds(): number {
    const perBatchMs = 50;
    const batchesAhead = Math.ceil(this.queue.length / this.options.maxBatch / Math.max(1, this.options.maxInFlight));
    return Math.max(1, Math.min(30, Math.ceil((batchesAhead * perBatchMs) / 1000)));
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delayMs);
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const now = performance.now();
      // Requests that waited too long were never sent: refuse them so their clients retry.
      while (this.queue.length > 0 && now - this.queue[0]!.enqueuedAt > this.options.maxQueueWaitMs) {
        this.stats.refused += 1;
        this.queue.shift()!.reject(new BatcherOverloaded(this.retryAfterSeconds()));
      }
      if (this.queue.length === 0) break;
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.stats.queued = this.queue.length;
      void this.run(batch);
    }
    this.notifyIdle();
  }

  private async run(batch: Array<Waiting<T, R>>): Promise<void> {
    this.inFlight += 1;
    this.stats.inFlight = this.inFlight;
    this.stats.batches += 1;
    this.stats.items += batch.length;
    try {
      const results = await this.commit(batch.map((w) => w.item));
      batch.forEach((waiting, i) => {
        const result = results[i];
        if (!result) waiting.reject(new Error('the batch returned no result for an item'));
        else if (result.ok) waiting.resolve(result.value);
        else waiting.reject(result.error);
      });
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.inFlight -= 1;
      this.stats.inFlight = this.inFlight;
      // Whatever queued up while this batch was on the database goes now, as one batch.
      if (this.queue.length > 0) this.flushSoon(0);
      this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.inFlight > 0) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }
}

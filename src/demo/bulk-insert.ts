/**
 * Bulk inserts for the generator: rows are collected per table, column by column, and written
 * as `INSERT … SELECT * FROM unnest($1::uuid[], $2::text[], …)` — one statement and one
 * parameter per column however many rows, the same on PostgreSQL and PGlite. While one batch
 * is on the server the generator builds the next (at most one statement in flight), so on a
 * real PostgreSQL the two cores work at once.
 */
import { getTableColumns, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { arrayLiteral, type Executor } from '../platform/db/connect.ts';

export { arrayLiteral };

export interface TableSpec {
  table: string;
  columns: ReadonlyArray<readonly [name: string, type: string]>;
  /** Tables whose pending rows must reach the database first (foreign keys). */
  after?: readonly string[];
}

type Value = string | number | boolean | null;

export interface SinkProgress {
  /** Rows written so far, per table. */
  tables: Record<string, number>;
}

export class BulkSink {
  private readonly buffers = new Map<string, Value[][]>();
  private readonly specs = new Map<string, TableSpec>();
  private inflight: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private full = false;
  readonly written: Record<string, number> = {};
  /** Time each table's statements spent on the server (for benchmarks). */
  readonly serverMs: Record<string, number> = {};

  constructor(
    private readonly executor: Executor,
    specs: readonly TableSpec[],
    private readonly batchRows: number,
    private readonly onWritten: (progress: SinkProgress) => void = () => {},
  ) {
    for (const spec of specs) {
      this.specs.set(spec.table, spec);
      this.buffers.set(spec.table, spec.columns.map(() => []));
      this.written[spec.table] = 0;
    }
  }

  /** Adds one row (values in the order of the table's columns). */
  push(table: string, row: readonly Value[]): void {
    const columns = this.buffers.get(table)!;
    for (let i = 0; i < columns.length; i++) columns[i]!.push(row[i] ?? null);
    if (columns[0]!.length >= this.batchRows) this.full = true;
  }

  /** Replaces one value of the last row pushed to `table` (still pending). */
  patchLast(table: string, column: number, value: Value): void {
    const values = this.buffers.get(table)![column]!;
    if (values.length === 0) throw new Error(`patchLast: no pending row in ${table}`);
    values[values.length - 1] = value;
  }

  /** Writes the tables whose batches are full; null when none is (so callers skip an await). */
  flushFull(): Promise<void> | null {
    if (!this.full) return null;
    this.full = false;
    return (async () => {
      for (const table of this.specs.keys()) if (this.pending(table) >= this.batchRows) await this.flush(table);
    })();
  }

  pending(table: string): number {
    return this.buffers.get(table)![0]!.length;
  }

  /** Sends the table's pending rows (after those of the tables it depends on). */
  async flush(table: string): Promise<void> {
    const spec = this.specs.get(table)!;
    for (const dependency of spec.after ?? []) if (this.pending(dependency) > 0) await this.flush(dependency);
    const columns = this.buffers.get(table)!;
    const count = columns[0]!.length;
    if (count === 0) return;
    this.buffers.set(table, spec.columns.map(() => []));
    const params = spec.columns.map(([, type], i) => sql`${arrayLiteral(columns[i]!)}::${sql.raw(type)}[]`);
    const names = spec.columns.map(([name]) => name).join(', ');
    const statement = sql`INSERT INTO ${sql.raw(spec.table)} (${sql.raw(names)}) SELECT * FROM unnest(${sql.join(params, sql`, `)})`;
    // Wait for the previous batch, then send this one without waiting for it: the caller goes
    // on generating while the server inserts.
    await this.inflight;
    if (this.failure) throw this.failure;
    const t0 = performance.now();
    this.inflight = this.executor.execute(statement).then(
      () => {
        this.serverMs[table] = (this.serverMs[table] ?? 0) + performance.now() - t0;
        this.written[table] = (this.written[table] ?? 0) + count;
        this.onWritten({ tables: this.written });
      },
      (error: unknown) => {
        this.failure = error;
      },
    );
    // Let the driver put the statement on the wire before the caller resumes synchronous work.
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Writes everything still pending, in dependency order, and waits for the server. */
  async finish(): Promise<void> {
    for (const table of this.specs.keys()) await this.flush(table);
    await this.inflight;
    if (this.failure) throw this.failure;
  }
}

/** Column names and SQL types of a Drizzle table's keys, for a bulk-insert table spec. */
export function columnsOf<T extends PgTable>(table: T, keys: ReadonlyArray<keyof T['_']['columns'] & string>): Array<readonly [string, string]> {
  const columns = getTableColumns(table) as Record<string, { name: string; getSQLType(): string }>;
  return keys.map((key) => {
    const column = columns[key]!;
    const type = column.getSQLType();
    return [column.name, type === 'timestamp with time zone' ? 'timestamptz' : type] as const;
  });
}

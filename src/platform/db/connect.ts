/**
 * One database layer, two engines: the embedded PGlite (PostgreSQL compiled to WASM, stored in
 * DATA_DIR, or in memory for tests) and a real PostgreSQL selected by DATABASE_URL. Both are
 * driven through the same Drizzle query builder and the same SQL migrations.
 */
import fs from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { sql, type ExtractTablesWithRelations, type SQL } from 'drizzle-orm';

export type Database = PgDatabase<PgQueryResultHKT, Record<string, never>>;
export type Transaction = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;
/** Anything that runs queries: the database or an open transaction. */
export type Executor = Database | Transaction;

/** Runs raw SQL text (possibly several statements) on one dedicated connection. */
export type RawExec = (sqlText: string) => Promise<Array<Record<string, unknown>>>;

/**
 * A statement of a hot path, written as SQL text with $n parameters (run by `preparedRows`).
 * `name` must be unique to the text.
 */
export interface PreparedStatement {
  name: string;
  text: string;
}

export interface DatabaseHandle {
  db: Database;
  engine: 'pglite' | 'postgres';
  /** Runs `work` on one connection (migrations need a session-level lock and plain SQL). */
  withConnection<T>(work: (exec: RawExec) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** postgres://… for a real PostgreSQL; absent → PGlite. */
  databaseUrl?: string;
  /** PGlite directory; absent → in memory. */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, options.poolSize ?? 10);
  return connectPglite(options.dataDir);
}

async function connectPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  if (dataDir) await fs.mkdir(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite({ client }) as unknown as Database;
  return {
    db,
    engine: 'pglite',
    async withConnection(work) {
      // PGlite is a single connection; exec runs plain SQL with several statements.
      return work(async (text) => {
        const results = await client.exec(text);
        return (results.at(-1)?.rows ?? []) as Array<Record<string, unknown>>;
      });
    },
    async close() {
      await client.close();
    },
  };
}

async function connectPostgres(databaseUrl: string, poolSize: number): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // Surface a bad URL or an unreachable server at start, not at the first request.
  const probe = await pool.connect();
  probe.release();
  pool.on('error', () => {
    // An idle client died (server restart); the pool replaces it. Nothing to do here.
  });
  const db = drizzlePostgres({ client: pool }) as unknown as Database;
  return {
    db,
    engine: 'postgres',
    async withConnection(work) {
      const client = await pool.connect();
      try {
        return await work(async (text) => {
          const result = (await client.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
          const last = Array.isArray(result) ? result.at(-1) : result;
          return (last?.rows ?? []) as Array<Record<string, unknown>>;
        });
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** Rows of a raw `db.execute(sql\`…\`)`, the same shape on both engines. */
export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * Rows of a hot-path statement. On the PostgreSQL pool it runs as a named prepared statement:
 * each pooled connection parses and plans it once (PostgreSQL switches to a generic plan after a
 * few runs) instead of on every call — planning the diary's week query took about 5 ms, running
 * it about 1 — and no query builder runs per request. On PGlite it is a parameterised query; in
 * a transaction (either engine) it runs through the transaction, unnamed.
 */
export async function preparedRows<T>(executor: Executor, statement: PreparedStatement, values: readonly unknown[]): Promise<T[]> {
  const client = (executor as { $client?: unknown }).$client;
  if (client instanceof pg.Pool) return (await client.query({ name: statement.name, text: statement.text, values: [...values] })).rows as T[];
  if (client instanceof PGlite) return (await client.query<T>(statement.text, [...values])).rows;
  const parts = statement.text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${values[Number(part) - 1]}`));
  return queryRows<T>(executor, sql.join(chunks));
}

/** A PostgreSQL array literal: {"a","b",NULL}. Every element quoted, so commas and braces are safe. */
export function arrayLiteral(values: readonly (string | number | boolean | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v !== 'string') out += String(v);
    else if (v.indexOf('"') === -1 && v.indexOf('\\') === -1) out += `"${v}"`;
    else out += `"${v.replace(/["\\]/g, '\\$&')}"`;
  }
  return `${out}}`;
}

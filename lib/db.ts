// A thin layer over @duckdb/node-api: open and close explicitly, read rows as plain
// objects, and turn a failure into an error that says what was being done.

import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

export type Params = Record<string, DuckDBValue> | DuckDBValue[];
export type Row = Record<string, unknown>;

export class DbError extends Error {
  constructor(
    readonly doing: string,
    cause: unknown,
  ) {
    super(`${doing}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DbError';
  }
}

export interface Db {
  readonly connection: DuckDBConnection;
  /** Runs SQL for its effect. */
  run(sql: string, params?: Params, doing?: string): Promise<void>;
  /** Runs SQL and returns rows as JSON-safe objects (BIGINT and DECIMAL as numbers, dates as ISO text). */
  all<T extends Row = Row>(sql: string, params?: Params, doing?: string): Promise<T[]>;
  /** The first column of the first row. */
  value<T = unknown>(sql: string, params?: Params, doing?: string): Promise<T>;
  close(): void;
}

async function attempt<T>(doing: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw e instanceof DbError ? e : new DbError(doing, e);
  }
}

/** Numbers come back as numbers where they fit: counts in this product always do. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const o: Row = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

export function wrapConnection(connection: DuckDBConnection, onClose: () => void = () => {}): Db {
  const db: Db = {
    connection,
    run: (sql, params, doing = 'running SQL') =>
      attempt(doing, async () => {
        await connection.run(sql, params);
      }),
    all: <T extends Row>(sql: string, params?: Params, doing = 'querying') =>
      attempt(doing, async () => {
        const reader = await connection.runAndReadAll(sql, params);
        return reader.getRowObjectsJS().map((r) => plain(r) as T);
      }),
    value: async <T>(sql: string, params?: Params, doing = 'querying') => {
      const rows = await db.all(sql, params, doing);
      const first = rows[0];
      return (first ? Object.values(first)[0] : undefined) as T;
    },
    close: () => {
      connection.closeSync();
      onClose();
    },
  };
  return db;
}

/**
 * Opens a database (a file, or ':memory:'). `readOnly` lets many readers share the
 * warehouse file while a refresh builds its replacement beside it.
 */
export async function openDb(path: string, opts: { readOnly?: boolean; config?: Record<string, string> } = {}): Promise<Db> {
  const config: Record<string, string> = { ...opts.config };
  if (opts.readOnly) config.access_mode = 'READ_ONLY';
  const instance = await attempt(`opening ${path === ':memory:' ? 'an in-memory database' : path}`, () => DuckDBInstance.create(path, config));
  const connection = await instance.connect();
  return wrapConnection(connection, () => instance.closeSync());
}

/** Runs `f` with a database that is closed afterwards, whatever happens. */
export async function withDb<T>(path: string, opts: { readOnly?: boolean }, f: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(path, opts);
  try {
    return await f(db);
  } finally {
    db.close();
  }
}

/** Quotes an identifier for SQL. Identifiers here come from the contract, never from a client. */
export function ident(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** Quotes a string literal for SQL text where a bound parameter cannot go (file paths in read_csv, ATTACH). */
export function literal(text: string): string {
  return "'" + text.replace(/'/g, "''") + "'";
}

// A thin layer over @duckdb/node-api: open and close explicitly, read rows as plain
// objects, and turn a failure into an error that says what was being done.

import { createRequire } from 'node:module';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { capThreads } from './threads.js';

// Loaded with require rather than import: an ES module importing this CommonJS package
// has Node scan the source of each of its ~100 modules for their exports first, which
// is a third of what a one-off `met measures` spends before its first query (225 ms
// against 140 ms, measured cold on this machine).
const { DuckDBInstance } = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');

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
  /**
   * Set on a read-only database (and shared by every connection of a pool on it): one
   * object per open warehouse, under which a reader may keep what cannot change while it
   * is open (lib/read.ts). Absent on a database that may be written.
   */
  readonly snapshot?: object;
}

/** A query refused or stopped because the one who asked for it has gone (DbPool.db with a signal). */
export class QueryInterrupted extends Error {
  constructor() {
    super('the query was stopped: no one is waiting for its answer');
    this.name = 'QueryInterrupted';
  }
}

async function attempt<T>(doing: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw e instanceof DbError || e instanceof QueryInterrupted ? e : new DbError(doing, e);
  }
}

/** Numbers come back as numbers where they fit: counts in this product always do. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(plain);
  const o: Row = {};
  for (const [k, x] of Object.entries(v)) o[k] = plain(x);
  return o;
}

/** A row as the driver gives it, made plain in place: the row is new, only its values change. */
function plainRow(r: Row): Row {
  for (const k in r) {
    const v = r[k];
    if (typeof v === 'bigint' || (v !== null && typeof v === 'object')) r[k] = plain(v);
  }
  return r;
}

export function wrapConnection(connection: DuckDBConnection, onClose: () => void = () => {}, snapshot?: object): Db {
  const db: Db = {
    ...(snapshot ? { snapshot } : {}),
    connection,
    run: (sql, params, doing = 'running SQL') =>
      attempt(doing, async () => {
        await connection.run(sql, params);
      }),
    all: <T extends Row>(sql: string, params?: Params, doing = 'querying') =>
      attempt(doing, async () => {
        const reader = await connection.runAndReadAll(sql, params);
        return reader.getRowObjectsJS().map((r) => plainRow(r) as T);
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
  const config = capThreads({ ...opts.config }, process.env.MET_THREADS);
  if (opts.readOnly) config.access_mode = 'READ_ONLY';
  const instance = await attempt(`opening ${path === ':memory:' ? 'an in-memory database' : path}`, () => DuckDBInstance.create(path, config));
  const connection = await instance.connect();
  return wrapConnection(connection, () => instance.closeSync(), opts.readOnly ? {} : undefined);
}

/**
 * A few connections on one read-only DuckDB instance, for a server: one connection runs
 * one query at a time, so requests on one connection wait for each other while a core
 * idles; each connection of a pool runs its own. The instance's threads and memory are
 * capped (config) so the pool as a whole stays within them.
 */
export interface DbPool {
  /**
   * A Db whose queries each run on the next free connection. With `signal`, an abort
   * interrupts the query it is running (DuckDB's interrupt) and refuses its next ones
   * with QueryInterrupted: the work of a request whose client has gone stops.
   */
  db(signal?: AbortSignal): Db;
  /** Connections, those running a query, and queries waiting for one. */
  stats(): { size: number; busy: number; waiting: number };
  close(): void;
}

export async function openPool(path: string, opts: { size: number; config?: Record<string, string> }): Promise<DbPool> {
  const config = capThreads({ ...opts.config, access_mode: 'READ_ONLY' }, process.env.MET_THREADS);
  const instance = await attempt(`opening ${path}`, () => DuckDBInstance.create(path, config));
  const free: DuckDBConnection[] = [];
  try {
    for (let i = 0; i < Math.max(1, opts.size); i++) free.push(await instance.connect());
  } catch (e) {
    for (const c of free) c.closeSync();
    instance.closeSync();
    throw new DbError(`opening ${path}`, e);
  }
  const all = [...free];
  const waiting: ((c: DuckDBConnection) => void)[] = [];
  const snapshot = {};
  let closed = false;
  const take = (): Promise<DuckDBConnection> => {
    const c = free.pop();
    return c ? Promise.resolve(c) : new Promise((resolve) => waiting.push(resolve));
  };
  const give = (c: DuckDBConnection): void => {
    const next = waiting.shift();
    if (next) next(c);
    else free.push(c);
  };
  /** Runs f on a free connection; an abort of signal meanwhile interrupts it. */
  const on = async <T>(signal: AbortSignal | undefined, f: (c: DuckDBConnection) => Promise<T>): Promise<T> => {
    if (closed) throw new Error('the database was closed');
    if (signal?.aborted) throw new QueryInterrupted();
    const c = await take();
    // An interrupt that lands before DuckDB has begun the query is lost (the query clears
    // it as it starts): so it is repeated until the query ends.
    let again: ReturnType<typeof setInterval> | undefined;
    const stop = () => {
      c.interrupt();
      again = setInterval(() => c.interrupt(), 20);
    };
    signal?.addEventListener('abort', stop, { once: true });
    try {
      if (signal?.aborted) throw new QueryInterrupted();
      return await f(c);
    } catch (e) {
      throw signal?.aborted ? new QueryInterrupted() : e;
    } finally {
      signal?.removeEventListener('abort', stop);
      clearInterval(again);
      give(c);
    }
  };
  const pool: DbPool = {
    db(signal) {
      const db: Db = {
        snapshot,
        get connection(): DuckDBConnection {
          throw new Error('a pooled database has no one connection: use run, all or value');
        },
        run: (sql, params, doing = 'running SQL') =>
          attempt(doing, () =>
            on(signal, async (c) => {
              await c.run(sql, params);
            }),
          ),
        all: <T extends Row>(sql: string, params?: Params, doing = 'querying') =>
          attempt(doing, () => on(signal, async (c) => (await c.runAndReadAll(sql, params)).getRowObjectsJS().map((r) => plainRow(r) as T))),
        value: async <T>(sql: string, params?: Params, doing = 'querying') => {
          const rows = await db.all(sql, params, doing);
          const first = rows[0];
          return (first ? Object.values(first)[0] : undefined) as T;
        },
        // The pool's owner closes it (server/warehouse.ts), once no request holds it.
        close: () => {},
      };
      return db;
    },
    stats: () => ({ size: all.length, busy: all.length - free.length, waiting: waiting.length }),
    close() {
      if (closed) return;
      closed = true;
      for (const c of all) c.closeSync();
      instance.closeSync();
    },
  };
  return pool;
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

// The warehouse as the server sees it: one read-only DuckDB handle, swapped for a new
// one when a refresh renames a new warehouse file over the old (load() builds beside
// and renames, so the path gets a new inode). Requests lease the current handle; a
// request that started on the old handle finishes on it, and the old handle is closed
// once its last lease is released. So a refresh that completes while the server runs
// is picked up without a restart and without a failed request.

import { statSync } from 'node:fs';
import { type Db, type DbPool, openPool } from '../lib/db.js';
import { dataReach, withinReach } from '../lib/measures.js';
import { offerPeriods, type PeriodKind } from '../lib/periods.js';

export interface WarehouseInfo {
  refresh_id: string;
  finished_at: string | null;
  /** Period ids by kind, newest first. */
  periods: Record<'month' | 'quarter' | 'fy' | 'year', string[]>;
  default_period: string | null;
  /** The offered periods that the data does not yet cover to their last day (lib/periods.ts offerPeriods). */
  in_progress: string[];
}

export interface Lease {
  /** The warehouse for the request's own work: a query it runs when its client has gone is interrupted (server/routes/lease.ts). */
  db: Db;
  info: WarehouseInfo;
  /** The warehouse for work shared by several requests, stopped when `signal` aborts (server/cache.ts: when every client waiting for it has gone). */
  reader(signal?: AbortSignal): Db;
  release(): void;
}

/**
 * How the server opens the warehouse: a pool of connections on one read-only DuckDB
 * instance, with its threads and memory capped so that the server's peak stays under
 * 1 GiB at scale 100 (docs/definitions.md, "Serving").
 */
export interface PoolOptions {
  /** Connections, each running one query at a time (default 2: this machine's cores). */
  connections?: number;
  /** DuckDB's threads for the instance (default 2). */
  threads?: number;
  /** DuckDB's memory limit for the instance (default '512MB'). */
  memoryLimit?: string;
}

interface Handle {
  pool: DbPool;
  db: Db;
  info: WarehouseInfo;
  key: string;
  leases: number;
  retired: boolean;
  closed: boolean;
}

export class NoWarehouse extends Error {
  constructor(path: string) {
    super(`there is no warehouse yet at the path the server was given (${pathName(path)}): load one with met load, or upload the extracts on the Data page`);
    this.name = 'NoWarehouse';
  }
}

/** Only the file's name: a full path says more about the machine than a user needs. */
function pathName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Identity of the file now at the path: a rename-over changes the inode, a rewrite the mtime. */
function fileKey(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch {
    return null;
  }
}

/** What every response needs to say about the warehouse it was computed from. */
async function readInfo(db: Db): Promise<WarehouseInfo> {
  const refresh = await db.all<{ refresh_id: string; finished_at: string | null }>(
    `SELECT refresh_id, strftime(finished_at, '%Y-%m-%dT%H:%M:%SZ') AS finished_at
     FROM refreshes WHERE status = 'loaded' ORDER BY finished_at DESC, refresh_id DESC LIMIT 1`,
    undefined,
    'reading the latest refresh',
  );
  // Periods within the data's reach only (lib/measures.ts dataReach, the same reading
  // the figures use): none after the latest refresh, whatever dates the data holds.
  const reach = await dataReach(db);
  const rows = (
    await db.all<{ period_id: string; kind: string; start_month: string; last_date: string }>(
      `SELECT period_id, kind, strftime(start_date, '%Y-%m') AS start_month, strftime(last_date, '%Y-%m-%d') AS last_date
       FROM periods ORDER BY start_date DESC, period_id`,
      undefined,
      'reading the periods',
    )
  ).filter((r) => withinReach({ start: `${r.start_month}-01`, last: r.last_date }, reach));
  // Offered: the periods with data (none that starts after the latest event), complete
  // ones first; the default is the latest complete quarter (lib/periods.ts offerPeriods).
  const offer = offerPeriods(
    rows.map((r) => ({ id: r.period_id, kind: r.kind as PeriodKind, start: `${r.start_month}-01`, last: r.last_date })),
    reach.latestEvent,
  );
  return {
    refresh_id: refresh[0]?.refresh_id ?? 'unknown',
    finished_at: refresh[0]?.finished_at ?? null,
    periods: offer.periods,
    default_period: offer.default_period,
    in_progress: offer.in_progress,
  };
}

export class Warehouse {
  private current: Handle | null = null;
  private opening: Promise<Handle | null> | null = null;
  private readonly retired = new Set<Handle>();
  private closedForGood = false;

  constructor(
    readonly path: string,
    private readonly poolOptions: PoolOptions = {},
  ) {}

  /** The pool now open, for tests and the health of the server. */
  poolStats(): ReturnType<DbPool['stats']> | null {
    return this.current?.pool.stats() ?? null;
  }

  /** Leases the warehouse for one request; throws NoWarehouse when there is none. */
  async acquire(signal?: AbortSignal): Promise<Lease> {
    const h = await this.handle();
    if (!h) throw new NoWarehouse(this.path);
    h.leases++;
    let released = false;
    return {
      db: h.pool.db(signal),
      info: h.info,
      reader: (s) => h.pool.db(s),
      release: () => {
        if (released) return;
        released = true;
        h.leases--;
        this.closeIfIdle(h);
      },
    };
  }

  /** The handle for the file now at the path, opening it if the file changed. */
  private async handle(): Promise<Handle | null> {
    if (this.closedForGood) return null;
    const key = fileKey(this.path);
    if (this.current && this.current.key === key) return this.current;
    if (key === null) {
      // The file went away (not a refresh, which renames over it): stop serving it.
      if (this.current) this.retire(this.current);
      return null;
    }
    // One open at a time: concurrent requests after a refresh share the new handle.
    if (!this.opening) {
      this.opening = this.open(key).finally(() => {
        this.opening = null;
      });
    }
    const h = await this.opening;
    // A second refresh may have landed while this one opened: the next request will see it.
    return h ?? this.current;
  }

  private async open(key: string): Promise<Handle | null> {
    let pool: DbPool;
    const o = this.poolOptions;
    try {
      pool = await openPool(this.path, {
        size: o.connections ?? 2,
        config: { threads: String(o.threads ?? 2), memory_limit: o.memoryLimit ?? '512MB' },
      });
    } catch {
      // A half-written or vanished file: keep serving what was open.
      return this.current;
    }
    const db = pool.db();
    let info: WarehouseInfo;
    try {
      info = await readInfo(db);
    } catch {
      pool.close();
      return this.current;
    }
    const h: Handle = { pool, db, info, key, leases: 0, retired: false, closed: false };
    // The file may have been replaced again between stat and open; keying the handle by
    // the older stat makes the next request check again, which is what we want.
    if (this.current) this.retire(this.current);
    this.current = h;
    return h;
  }

  private retire(h: Handle): void {
    h.retired = true;
    if (this.current === h) this.current = null;
    this.retired.add(h);
    this.closeIfIdle(h);
  }

  private closeIfIdle(h: Handle): void {
    if (!h.retired || h.leases > 0 || h.closed) return;
    h.closed = true;
    this.retired.delete(h);
    h.pool.close();
  }

  /** The refresh id now served, or null with no warehouse (for /api/ready). */
  async info(): Promise<WarehouseInfo | null> {
    return (await this.handle())?.info ?? null;
  }

  /** Closes every handle; in-flight leases close theirs on release. */
  close(): void {
    this.closedForGood = true;
    if (this.current) this.retire(this.current);
  }
}

// The server's pool of DuckDB connections on one read-only instance (lib/db.ts openPool):
// two queries run at once on two connections (one connection makes the second wait), a
// query whose asker has gone is interrupted and the connection serves the next, and the
// reader keeps per open warehouse what cannot change while it is open (lib/read.ts).
// No clock: the test reads the pool's own count of busy and waiting connections, and
// stops queries that would otherwise run for minutes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb, openPool, QueryInterrupted, type DbPool } from '../../lib/db.js';
import { dataReach } from '../../lib/read.js';
import { tempDir } from '../helpers.js';

/** A query that counts to 10^11: minutes of work, unless interrupted. */
const ENDLESS = 'SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3';

let path: string;

beforeAll(async () => {
  path = join(tempDir('met-pool-'), 'w.duckdb');
  const db = await openDb(path);
  await db.run(`CREATE TABLE t AS SELECT range AS i FROM range(10)`);
  // What lib/read.ts dataReach reads: one loaded refresh on 2026-05-04, one episode the day before.
  await db.run(`CREATE TABLE refreshes (refresh_id VARCHAR, status VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP)`);
  await db.run(`INSERT INTO refreshes VALUES ('r1', 'loaded', TIMESTAMP '2026-05-04 09:00:00', TIMESTAMP '2026-05-04 09:05:00')`);
  await db.run(`CREATE TABLE missing_episodes (reported_at TIMESTAMP)`);
  await db.run(`INSERT INTO missing_episodes VALUES (TIMESTAMP '2026-05-03 22:10:00')`);
  await db.run(`CREATE TABLE periods (period_id VARCHAR, kind VARCHAR, start_date DATE)`);
  await db.run(`INSERT INTO periods VALUES ('2026-04', 'month', DATE '2026-04-01'), ('2026-05', 'month', DATE '2026-05-01')`);
  db.close();
});

describe('a pool of connections on one read-only warehouse', () => {
  let pool: DbPool;
  afterAll(() => pool?.close());

  it('runs two queries at once on two connections; one connection makes the second wait', async () => {
    pool = await openPool(path, { size: 2, config: { threads: '1' } });
    const stops = [new AbortController(), new AbortController()];
    const [a, b] = stops.map((s) => pool.db(s.signal).value(ENDLESS));
    // Both are on a connection of their own at once: none waits.
    await Promise.resolve();
    expect(pool.stats()).toEqual({ size: 2, busy: 2, waiting: 0 });
    const both = Promise.allSettled([a!, b!]);
    for (const s of stops) s.abort();
    for (const r of await both) expect(r.status === 'rejected' && r.reason instanceof QueryInterrupted).toBe(true);
    expect(pool.stats()).toEqual({ size: 2, busy: 0, waiting: 0 });
    pool.close();

    pool = await openPool(path, { size: 1 });
    const stop = new AbortController();
    const first = pool.db(stop.signal).value(ENDLESS);
    const second = pool.db().value<number>('SELECT sum(i) FROM t');
    await Promise.resolve();
    // One connection: the second query waits for it.
    expect(pool.stats()).toEqual({ size: 1, busy: 1, waiting: 1 });
    stop.abort();
    await expect(first).rejects.toBeInstanceOf(QueryInterrupted);
    // 0 + 1 + … + 9 = 45, on the connection the first query left.
    expect(await second).toBe(45);
    pool.close();
  });

  it('interrupts the query of an asker who has gone, refuses its next, and serves others on the same connection', async () => {
    pool = await openPool(path, { size: 1 });
    const gone = new AbortController();
    const db = pool.db(gone.signal);
    const running = db.value(ENDLESS);
    await Promise.resolve();
    expect(pool.stats().busy).toBe(1);
    gone.abort();
    await expect(running).rejects.toThrow(/no one is waiting/);
    await expect(db.value('SELECT 1')).rejects.toBeInstanceOf(QueryInterrupted);
    expect(await pool.db().value<number>('SELECT max(i) FROM t')).toBe(9);
    pool.close();
  });

  it('reads what cannot change once per open warehouse, and a writable database each time', async () => {
    pool = await openPool(path, { size: 2 });
    const db = pool.db();
    // The refresh day 2026-05-04; the latest episode 2026-05-03; months 2026-04 to 2026-05.
    const want = { first: '2026-04', last: '2026-05', latestEvent: '2026-05-03', refreshed: '2026-05-04' };
    expect(await dataReach(db)).toEqual(want);
    // Kept: the same answer object for every connection of the pool, not read again.
    expect(await dataReach(pool.db())).toBe(await dataReach(db));
    pool.close();
    // A writable database sees its own change at once.
    const w = await openDb(path);
    expect(w.snapshot).toBeUndefined();
    expect((await dataReach(w)).latestEvent).toBe('2026-05-03');
    await w.run(`INSERT INTO missing_episodes VALUES (TIMESTAMP '2026-05-04 01:00:00')`);
    expect((await dataReach(w)).latestEvent).toBe('2026-05-04');
    await w.run(`DELETE FROM missing_episodes WHERE reported_at > TIMESTAMP '2026-05-04'`);
    w.close();
  });
});

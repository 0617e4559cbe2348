// The warehouse writer (etl/writeWarehouse.ts), a process of its own: what the refresh
// hears when it fails or dies, and what it is handed.

import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DbError, openDb } from '../../lib/db.js';
import { messages } from '../../lib/messages.js';
import { LoadFailure } from '../../etl/loadFailure.js';
import { handOver, startWriter } from '../../etl/writer.js';
import { tempDir } from '../helpers.js';

const handoff = (building: string, dir: string) => ({ building, dir, tables: [], prev: null, changed: null, copyPrevious: false, memoryLimit: '100MB' });

describe('the warehouse writer', () => {
  it('killed: the refresh hears that it stopped, by which signal, and no file is left', async () => {
    const dir = tempDir();
    const building = join(dir, 'met.duckdb.building-1');
    const writer = startWriter(building);
    expect(writer.pid).toBeGreaterThan(0);
    process.kill(writer.pid!, 'SIGKILL');
    const e = await writer.write(handoff(building, dir)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LoadFailure);
    expect((e as Error).message).toBe(messages.writerStopped('signal SIGKILL'));
    expect(existsSync(building)).toBe(false);
  });

  it('failing: the refresh hears what it was doing, never DuckDB’s own message', async () => {
    const dir = tempDir();
    // The new warehouse's folder does not exist: DuckDB cannot create the file.
    const building = join(dir, 'no such folder', 'met.duckdb.building-1');
    const e = await startWriter(building)
      .write(handoff(building, dir))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DbError);
    expect((e as DbError).doing).toBe(`opening ${building}`);
    expect((e as Error).message).toBe(`opening ${building}: failed`);
  });

  it('is handed every table of the new warehouse as a Parquet file, with its definition, in order', async () => {
    const dir = tempDir();
    const db = await openDb(':memory:');
    try {
      await db.run(`ATTACH ':memory:' AS wh`);
      await db.run(`CREATE TABLE wh.b (x INTEGER NOT NULL PRIMARY KEY, d DATE); INSERT INTO wh.b VALUES (1, '2025-04-01'), (2, NULL)`);
      await db.run(`CREATE TABLE wh.a (s VARCHAR[]); INSERT INTO wh.a VALUES (['p', 'q'])`);
      const tables = await handOver(db, 'wh', join(dir, 'handoff'));
      expect(tables.map((t) => t.name)).toEqual(['b', 'a']);
      expect(tables[0]!.sql).toBe('CREATE TABLE b(x INTEGER PRIMARY KEY, d DATE);');
      expect(readdirSync(join(dir, 'handoff')).sort()).toEqual(['a.parquet', 'b.parquet']);
      const rows = await db.all(`SELECT x, d::VARCHAR AS d, (SELECT s FROM read_parquet($a)) AS s FROM read_parquet($b) ORDER BY x`, {
        a: join(dir, 'handoff', 'a.parquet'),
        b: join(dir, 'handoff', 'b.parquet'),
      });
      expect(rows).toEqual([
        { x: 1, d: '2025-04-01', s: ['p', 'q'] },
        { x: 2, d: null, s: ['p', 'q'] },
      ]);
    } finally {
      db.close();
    }
  });
});

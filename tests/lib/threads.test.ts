// MET_THREADS caps DuckDB's threads per database (lib/db.ts, capThreads): a cap, never a
// raise; anything but a whole number is refused with a sentence, not passed to DuckDB.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../lib/db.js';
import { capThreads } from '../../lib/threads.js';

describe('MET_THREADS', () => {
  it('unset or empty: the configuration as given (DuckDB then uses one thread per core)', () => {
    expect(capThreads({ memory_limit: '1GB' }, undefined)).toEqual({ memory_limit: '1GB' });
    expect(capThreads({ threads: '2' }, '')).toEqual({ threads: '2' });
  });

  it('caps the threads asked for, and sets them when none were', () => {
    expect(capThreads({}, '1')).toEqual({ threads: '1' });
    expect(capThreads({ threads: '2', memory_limit: '512MB' }, '1')).toEqual({ threads: '1', memory_limit: '512MB' });
    // A cap above what the caller asked for leaves the caller's figure; with nothing
    // asked, DuckDB's default (one thread per core) is what is capped: never a raise.
    expect(capThreads({ threads: '2' }, '8')).toEqual({ threads: '2' });
    expect(capThreads({}, '9999')).toEqual({ threads: String(availableParallelism()) });
  });

  it('refuses anything but a whole number from 1 to 9999, naming the variable', () => {
    for (const bad of ['0', '-1', '1.5', '1e3', ' 2', '2 ', 'two', '10000', '0x2', "1; SET memory_limit='1TB'"])
      expect(() => capThreads({}, bad), bad).toThrow(/^MET_THREADS must be a whole number of threads from 1 to 9999/);
  });

  it('reaches DuckDB: a database opened under the tests’ MET_THREADS=1 runs one thread', async () => {
    expect(process.env.MET_THREADS).toBe('1');
    const db = await openDb(':memory:', { config: { threads: '2' } });
    try {
      expect(Number(await db.value(`SELECT current_setting('threads')`))).toBe(1);
    } finally {
      db.close();
    }
  });

  it('a bad MET_THREADS stops the met command before anything is opened: the sentence, exit 2, no stack trace', () => {
    const bin = join(import.meta.dirname, '../../bin/met.js');
    for (const args of [
      ['measures', '--db', '/nonexistent/met.duckdb', '--period', '2026-Q3'],
      ['load', '--in', '/nonexistent', '--db', '/nonexistent/met.duckdb'],
    ]) {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf-8', env: { ...process.env, MET_THREADS: 'lots' } });
      expect(r.status, args[0]).toBe(2);
      expect(r.stderr, args[0]).toBe('met: MET_THREADS must be a whole number of threads from 1 to 9999 (or unset, for one per core).\n');
      expect(r.stdout, args[0]).toBe('');
    }
  });
});

// Raw copies never outlive a crash: a private folder left by a killed process is
// removed by the next load; one whose process still runs is left alone.

import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from '../../etl/load.js';
import { privateBase } from '../../etl/privateDir.js';
import { POPULATION, tempDir, writeFolder } from '../helpers.js';

const live: ChildProcess[] = [];
afterEach(() => {
  for (const c of live.splice(0)) c.kill('SIGKILL');
});

function leftover(kind: 'csv' | 'upload', pid: number): string {
  const dir = join(privateBase(), `met-private-${kind}-${pid}-T${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, 'converted.csv'), 'child_ref\nSC0000001\n', { mode: 0o600 });
  return dir;
}

describe('private folders at the start of a load', () => {
  it('a folder of a dead process is removed; a folder of a live process is not', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => gone.on('exit', r));
    const running = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    live.push(running);
    await new Promise((r) => running.on('spawn', r));

    const dead1 = leftover('csv', gone.pid!);
    const dead2 = leftover('upload', gone.pid!);
    const alive = leftover('csv', running.pid!);
    const dir = tempDir();
    const { report } = await load({ inDir: writeFolder(join(dir, 'a'), { 'population.csv': POPULATION }), db: join(dir, 'met.duckdb') });
    expect(report.status).toBe('loaded');
    // (The load's note counting what it removed is not checked here: another test file's
    // load running at the same time may sweep these folders first.)
    expect(existsSync(dead1)).toBe(false);
    expect(existsSync(dead2)).toBe(false);
    expect(existsSync(join(alive, 'converted.csv'))).toBe(true);

    // Even a load that fails at once (no such folder) sweeps first.
    const dead3 = leftover('csv', gone.pid!);
    expect((await load({ inDir: join(dir, 'nope'), db: join(dir, 'met.duckdb') })).report.status).toBe('failed');
    expect(existsSync(dead3)).toBe(false);
    running.kill('SIGKILL');
  });
});

describe('folders of the naming before private folders (met-upload- and six random characters, no pid)', () => {
  it('are removed once unchanged for an hour; a fresh one, or another name, is left alone', async () => {
    const { sweepPrivateDirs } = await import('../../etl/privateDir.js');
    const base = tempDir('met-sweep-base-');
    // Old: last changed in 2020 (a fixed date); fresh: just made.
    const make = (name: string, old: boolean) => {
      const d = join(base, name);
      mkdirSync(d);
      writeFileSync(join(d, 'missing_episodes.csv'), 'child_ref\nSC0000001\n');
      if (old) utimesSync(d, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
      return d;
    };
    const old = make('met-upload-Ab12Cd', true);
    const oldCsv = make('met-csv-Zz9Yx8', true);
    const fresh = make('met-upload-Qq1Ww2', false);
    const other = make('met-upload-test-Ab12Cd', true);
    expect(sweepPrivateDirs([base])).toBe(2);
    expect([existsSync(old), existsSync(oldCsv), existsSync(fresh), existsSync(other)]).toEqual([false, false, true, true]);
  });
});

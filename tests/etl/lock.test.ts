// One refresh at a time per warehouse, across processes: a second load while one runs
// fails at once (or waits with --wait) naming who holds the lock; a lock left by a
// dead process is recovered with a note. No refresh is lost silently.
//
// The first load is held still with SIGSTOP once it says it holds the lock, so the
// second one meets the lock whatever the machine's speed; SIGCONT lets it finish.

import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../etl/generate/generate.js';
import { load } from '../../etl/load.js';
import { lockPathFor, procStart } from '../../etl/lock.js';
import { startServer } from '../../server/index.js';
import { POPULATION, TEST_KEY, count, episode, episodes, query, tempDir, jobEnd, whenFolder, writeFolder } from '../helpers.js';

const BIN = join(import.meta.dirname, '../../bin/met.js');
const env = { ...process.env, MET_SECRET_KEY: TEST_KEY };

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGCONT');
      c.kill('SIGKILL');
    }
  }
});

interface Started {
  child: ChildProcess;
  /** Resolves when a line of stderr contains the text. */
  line(text: string): Promise<string>;
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function start(args: string[]): Started {
  const child = spawn(process.execPath, [BIN, ...args], { env });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const waiting: { text: string; resolve: (l: string) => void }[] = [];
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => {
    stderr += d;
    for (const w of [...waiting]) {
      const l = stderr.split('\n').find((x) => x.includes(w.text));
      if (l !== undefined) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => child.on('close', (code) => res({ code, stdout, stderr })));
  return {
    child,
    exit,
    line: (text) =>
      new Promise((resolve, reject) => {
        const l = stderr.split('\n').find((x) => x.includes(text));
        if (l !== undefined) return resolve(l);
        waiting.push({ text, resolve });
        void exit.then((r) => reject(new Error(`exited (${r.code}) before printing "${text}": ${r.stderr}${r.stdout}`)));
      }),
  };
}

/** The id of a process that has exited: certainly not running. */
async function deadPid(): Promise<number> {
  const c = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => c.on('exit', r));
  return c.pid!;
}

/**
 * A folder whose load takes seconds (seed 7, scale 0.3), generated once for the tests
 * that stop a load part-way: the SIGSTOP lands long before such a load could end. Only read.
 */
let bigFolder: Promise<string> | undefined;
const big = (): Promise<string> => {
  bigFolder ??= (async () => {
    const out = join(tempDir(), 'big');
    await generate({ out, seed: 7, scale: 0.3 });
    return out;
  })();
  return bigFolder;
};

describe('one refresh at a time', () => {
  it('a second `met load` while one runs exits non-zero naming the holder; the first loads; history holds exactly one refresh', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const first = start(['load', '--in', await big(), '--db', db, '--progress']);
    const lockLine = await first.line('progress: holding the lock');
    expect(lockLine).toBe(`progress: holding the lock ${lockPathFor(db)}`);
    // The lock file: whole, readable by its owner only, naming the process.
    expect(statSync(lockPathFor(db)).mode & 0o777).toBe(0o600);
    const holder = JSON.parse(readFileSync(lockPathFor(db), 'utf-8')) as { pid: number; host: string; since: string };
    expect(holder).toMatchObject({ pid: first.child.pid, host: hostname() });
    first.child.kill('SIGSTOP');

    const second = await start(['load', '--in', writeFolder(join(dir, 'small'), { 'population.csv': POPULATION }), '--db', db]).exit;
    expect(second.code).toBe(1);
    expect(second.stdout).toContain(
      `another refresh of this warehouse is running: process ${first.child.pid} on ${hostname()}, since ${holder.since.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`,
    );
    expect(second.stdout).toContain('--wait SECONDS');
    expect(second.stdout).not.toMatch(/loaded into/);

    first.child.kill('SIGCONT');
    const done = await first.exit;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('loaded into');
    expect(await query(db, `SELECT status, input FROM refreshes`)).toEqual([{ status: 'loaded', input: 'big' }]);
    expect(existsSync(lockPathFor(db))).toBe(false);
    // The refused load wrote no failed-refresh log: the log belongs to the lock's holder.
    expect(existsSync(db + '.failed-refreshes.jsonl')).toBe(false);
  });

  it('the warehouse being built (FILE.building-PID) and its .wal are readable by their owner only while the load runs', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const first = start(['load', '--in', await big(), '--db', db, '--progress']);
    const building = `${db}.building-${first.child.pid}`;
    // The event: the writer (etl/writeWarehouse.ts) has created the new warehouse file,
    // with the tables handed over beside it; each is looked at as it appears.
    const modes = new Map<string, number>();
    await whenFolder(dir, () => {
      for (const f of [building, building + '.wal', building + '.handoff']) {
        try {
          if (!modes.has(f)) modes.set(f, statSync(f).mode);
        } catch {
          // Not there (yet, or any more).
        }
      }
      return modes.has(building);
    });
    expect([...modes.keys()]).toContain(building);
    expect([...modes.keys()]).toContain(building + '.handoff');
    for (const [f, mode] of modes) expect(mode & 0o077, f).toBe(0);
    expect((await first.exit).code).toBe(0);
    expect(statSync(db).mode & 0o777).toBe(0o600);
  });

  it('with --wait the second load says it waits, then loads after the first: both refreshes are kept', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const a = writeFolder(join(dir, 'a'), { 'population.csv': POPULATION });
    const b = writeFolder(join(dir, 'b'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(episode()) });
    const first = start(['load', '--in', a, '--db', db, '--progress']);
    await first.line('progress: holding the lock');
    first.child.kill('SIGSTOP');
    const second = start(['load', '--in', b, '--db', db, '--wait', '600']);
    expect(await second.line('Waiting for the refresh already running')).toContain(`process ${first.child.pid} on ${hostname()}`);
    first.child.kill('SIGCONT');
    expect((await first.exit).code).toBe(0);
    expect((await second.exit).code).toBe(0);
    expect(await query(db, `SELECT input FROM refreshes ORDER BY started_at`)).toEqual([{ input: 'a' }, { input: 'b' }]);
    expect(await count(db, 'missing_episodes')).toBe(1);
  });

  it('two load() calls at once in one process (as in the server): one loads, one fails with the message', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const a = writeFolder(join(dir, 'a'), { 'population.csv': POPULATION });
    const [x, y] = await Promise.all([load({ inDir: a, db }), load({ inDir: a, db })]);
    expect([x.report.status, y.report.status]).toEqual(['loaded', 'failed']);
    expect(y.report.error).toContain(`another refresh of this warehouse is running: process ${process.pid} on ${hostname()}`);
    expect(await count(db, 'refreshes')).toBe(1);
  });

  it('an upload refresh while a `met load` runs fails with the message, as a failed job (not a crash)', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const a = writeFolder(join(dir, 'a'), { 'population.csv': POPULATION });
    expect((await load({ inDir: a, db })).report.status).toBe('loaded');
    const server = await startServer({ db, port: 0, role: 'analyst', log: false });
    try {
      const first = start(['load', '--in', a, '--db', db, '--progress']);
      await first.line('progress: holding the lock');
      first.child.kill('SIGSTOP');
      const form = new FormData();
      form.append('files', new Blob([POPULATION]), 'population.csv');
      const origin = `http://127.0.0.1:${server.port}`;
      const res = await fetch(server.url + '/api/refresh', { method: 'POST', body: form, headers: { Origin: origin } });
      expect(res.status).toBe(202);
      const { job } = (await res.json()) as { job: string };
      // The job's end, waited on (GET /api/refresh/:job?wait=1 answers when it ends).
      type State = { state: string; error?: string; report?: { status: string } };
      const state = await jobEnd(async (path) => (await (await fetch(server.url + path, { headers: { Origin: origin } })).json()) as State, job);
      expect(state.state).toBe('failed');
      expect(state.report?.status).toBe('failed');
      expect(state.error).toContain(`another refresh of this warehouse is running: process ${first.child.pid}`);
      first.child.kill('SIGCONT');
      expect((await first.exit).code).toBe(0);
      expect(await count(db, 'refreshes')).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe('a stale lock', () => {
  it('of a dead process on this host is recovered, with a note', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const pid = await deadPid();
    writeFileSync(lockPathFor(db), JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }) + '\n', { mode: 0o600 });
    const { report, notes } = await load({ inDir: writeFolder(join(dir, 'a'), { 'population.csv': POPULATION }), db });
    expect(report.status).toBe('loaded');
    expect(notes.warnings).toContain(
      `A refresh that stopped without finishing (process ${pid} on ${hostname()}, started 2026-01-01T00:00:00.000Z) had left its lock behind: it was removed.`,
    );
    expect(existsSync(lockPathFor(db))).toBe(false);
  });

  it('whose process id now belongs to another process (started at another time) is recovered too', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    children.push(other);
    await new Promise((r) => other.on('spawn', r));
    const real = procStart(other.pid!);
    expect(real).toMatch(/^\d+$/);
    const lock = { pid: other.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' };
    const inDir = writeFolder(join(dir, 'a'), { 'population.csv': POPULATION });
    // With its real start tick the process holds the lock: refused.
    writeFileSync(lockPathFor(db), JSON.stringify({ ...lock, proc_start: real }));
    const held = await load({ inDir, db });
    expect(held.report.status).toBe('failed');
    expect(held.report.error).toContain(`process ${other.pid} on ${hostname()}, since 2026-01-01 00:00:00 UTC`);
    // With another start tick the id was reused: the lock is stale.
    writeFileSync(lockPathFor(db), JSON.stringify({ ...lock, proc_start: String(Number(real) - 1) }));
    const { report } = await load({ inDir, db });
    expect(report.status).toBe('loaded');
  });

  it('of another host is never judged stale: refused, saying how to remove it', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    writeFileSync(lockPathFor(db), JSON.stringify({ pid: await deadPid(), host: 'another-machine', since: '2026-01-01T00:00:00.000Z' }));
    const { report } = await load({ inDir: writeFolder(join(dir, 'a'), { 'population.csv': POPULATION }), db });
    expect(report.status).toBe('failed');
    expect(report.error).toContain(`If you are sure no refresh is running on another-machine, delete ${lockPathFor(db)}.`);
    expect(existsSync(db)).toBe(false);
  });
});

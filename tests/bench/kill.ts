// `kill -9` at random points of a load (`met load`) and of an upload refresh
// (`met serve` + POST /api/refresh), N runs each. Each kill point is chosen by events,
// not by the clock: wait for the load to hold the lock, then for a random number of
// further progress events (the CLI's `--progress` lines; the upload job's progress as
// GET /api/refresh/:job reports it), then SIGKILL. Afterwards:
//   - before the next command: the previous warehouse opens with its old counts;
//   - the next command (a `met load` of a small good folder; for uploads a restarted
//     server and an upload of that folder) loads, recovering the lock, and then no
//     private folder (met-private-*) of the killed process is left in /dev/shm or the
//     temporary folder, and no `*.building-*` file is left beside the warehouse.
// The extracts include Windows-1252 files, so a converted raw copy sits in /dev/shm
// while they load.
//
// Run on its own: `node dist/tests/bench/kill.js [--runs N] [--scale S] [--seed N]`;
// `npm run bench` runs it after the scale benchmark.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, type FSWatcher, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate } from '../../etl/generate/generate.js';
import { encodeWindows1252 } from '../../etl/generate/cp1252.js';
import { ownerPid, privateBase } from '../../etl/privateDir.js';
import { withDb } from '../../lib/db.js';

const BIN = join(import.meta.dirname, '../../../bin/met.js');

export interface KillSummary {
  kind: 'load' | 'upload';
  runs: number;
  ok: number;
  /** Runs whose killed process had left a raw copy (private folder) that the next command removed. */
  rawCopiesLeft: number;
  failures: string[];
  /** Upload folders not named by process (the server before uploads went to makePrivateDir). */
  unnamedUploadsLeft: number;
}

interface Counts {
  refreshes: number;
  missing_episodes: number;
  population: number;
}

async function counts(db: string): Promise<Counts> {
  return withDb(db, { readOnly: true }, async (d) => ({
    refreshes: await d.value<number>('SELECT count(*) FROM refreshes'),
    missing_episodes: await d.value<number>('SELECT count(*) FROM missing_episodes'),
    population: await d.value<number>('SELECT count(*) FROM population'),
  }));
}

/**
 * The children run with their own temporary folder (TMPDIR), so that what they leave
 * there is theirs alone and other programs' folders are never counted or touched.
 */
let childTmp = tmpdir();

function privateDirsOf(pid: number): string[] {
  return [...new Set([privateBase(), childTmp])].flatMap((b) =>
    readdirSync(b)
      .filter((f) => ownerPid(f) === pid)
      .map((f) => join(b, f)),
  );
}

function buildingFiles(db: string): string[] {
  const dir = join(db, '..');
  const base = db.slice(dir.length + 1);
  return readdirSync(dir).filter((f) => f.startsWith(base + '.building-'));
}

function unnamedUploads(): Set<string> {
  return new Set(readdirSync(childTmp).filter((f) => f.startsWith('met-upload-')));
}

/** A line-watching child process. */
class Child {
  readonly proc: ChildProcess;
  private out = '';
  private waiters: { test: (s: string) => boolean; resolve: () => void }[] = [];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.proc = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (d: Buffer) => {
      this.out += d.toString();
      for (const w of [...this.waiters]) {
        if (w.test(this.out)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    };
    this.proc.stdout!.on('data', take);
    this.proc.stderr!.on('data', take);
    this.exit = new Promise((res) => this.proc.on('exit', (code, signal) => res({ code, signal })));
  }
  get text(): string {
    return this.out;
  }
  /** Resolves true when the output passes the test, false if the process ends first. */
  until(test: (s: string) => boolean): Promise<boolean> {
    if (test(this.out)) return Promise.resolve(true);
    return Promise.race([new Promise<boolean>((resolve) => this.waiters.push({ test, resolve: () => resolve(true) })), this.exit.then(() => test(this.out))]);
  }
  async kill(): Promise<NodeJS.Signals | null> {
    this.proc.kill('SIGKILL');
    return (await this.exit).signal;
  }
}

/**
 * Waits until the n-th private folder of the process has appeared (the converted copy
 * of its n-th Windows-1252 file), woken by the private folders' change events (fs.watch).
 * False if the process ends first.
 */
async function copyExists(child: Child, pid: number, n: number, which: (name: string) => boolean = () => true): Promise<boolean> {
  const seen = new Set<string>();
  const look = () => {
    const now = privateDirsOf(pid).filter((d) => which(d.split('/').at(-1)!));
    for (const d of now) seen.add(d);
    return seen.size >= n && now.length > 0;
  };
  if (look()) return true;
  return new Promise<boolean>((resolve) => {
    let done = false;
    const watchers: FSWatcher[] = [];
    const finish = (v: boolean) => {
      if (done) return;
      done = true;
      for (const w of watchers) w.close();
      resolve(v);
    };
    // Woken by the folders' change events (a private folder made or removed), not a clock.
    for (const base of new Set([privateBase(), childTmp])) watchers.push(watch(base, () => look() && finish(true)));
    void child.exit.then(() => finish(look()));
    if (look()) finish(true);
  });
}

const progressLines = (s: string) => s.split('\n').filter((l) => /^progress: \d+\/\d+ /.test(l)).length;

/** A folder of extracts with Windows-1252 files in it, and a small good folder. */
export async function prepare(dir: string, scale: number, seed: number): Promise<{ full: string; small: string }> {
  const full = join(dir, 'full');
  await generate({ out: full, seed, scale });
  rmSync(join(full, 'ssda903-isle-of-wight'), { recursive: true, force: true });
  // Saved again from "Excel": the biggest file and one with accented text, as Windows-1252.
  for (const f of ['missing_episodes.csv', 'intelligence.csv']) {
    let text = readFileSync(join(full, f), 'utf-8').replace(/^\uFEFF/, '');
    // One accented value (a free-text column outside the contract would do as well): an
    // unknown code, quarantined, which makes the file Windows-1252 rather than ASCII.
    text = text.replace(/,police,/, ',policé,');
    writeFileSync(join(full, f), encodeWindows1252(text));
  }
  const small = join(dir, 'small');
  mkdirSync(small);
  for (const f of ['population.csv', 'actions.csv']) writeFileSync(join(small, f), readFileSync(join(full, f)));
  return { full, small };
}

export async function killLoads(o: {
  dir: string;
  full: string;
  small: string;
  runs: number;
  env: NodeJS.ProcessEnv;
  rand: () => number;
  log: (s: string) => void;
}): Promise<KillSummary> {
  const db = join(o.dir, 'load.duckdb');
  const summary: KillSummary = { kind: 'load', runs: 0, ok: 0, rawCopiesLeft: 0, failures: [], unnamedUploadsLeft: 0 };
  // The previous warehouse: the full folder, loaded once.
  const base = new Child(['load', '--in', o.full, '--db', db], o.env);
  if ((await base.exit).code !== 0) throw new Error(`the first load failed: ${base.text}`);
  // How many progress lines a whole load prints, to pick kill points among them.
  let events = 0;
  for (let run = 1; run <= o.runs; run++) {
    const before = await counts(db);
    const child = new Child(['load', '--in', o.full, '--db', db, '--progress'], o.env);
    const pid = child.proc.pid!;
    const problems: string[] = [];
    if (!(await child.until((s) => s.includes('progress: holding the lock')))) problems.push('ended before taking the lock');
    // Odd runs: a random number of further progress events (0 = right after taking the
    // lock). Even runs: while the converted copy of the first or second Windows-1252
    // file exists (its private folder appearing is the event).
    const k = Math.floor(o.rand() * Math.max(events, 20));
    const copyNo = 1 + Math.floor(o.rand() * 2);
    let at: string;
    if (run % 2 === 1) {
      if (k > 0 && !(await child.until((s) => progressLines(s) >= k))) problems.push(`ended before progress event ${k}`);
      at = child.text.trim().split('\n').at(-1) ?? '';
    } else {
      if (!(await copyExists(child, pid, copyNo))) problems.push(`ended before its raw copy ${copyNo} existed`);
      at = `raw copy ${copyNo} exists, ${child.text.trim().split('\n').at(-1) ?? ''}`;
    }
    const signal = await child.kill();
    events = Math.max(events, progressLines(child.text));
    if (signal !== 'SIGKILL') problems.push(`was not killed (exit ${signal})`);
    // Before the next command: the previous warehouse, as it was.
    const after = await counts(db);
    if (JSON.stringify(after) !== JSON.stringify(before)) problems.push(`warehouse changed: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    const leftRaw = privateDirsOf(pid).length;
    if (leftRaw > 0) summary.rawCopiesLeft++;
    // The next command: a load of a small good folder.
    const next = new Child(['load', '--in', o.small, '--db', db, '--json'], o.env);
    const r = await next.exit;
    if (r.code !== 0) problems.push(`next load failed: ${next.text.slice(0, 300)}`);
    else if (!next.text.includes(`process ${pid} on`)) problems.push('next load did not report the recovered lock');
    if (privateDirsOf(pid).length) problems.push(`private folders of ${pid} left: ${privateDirsOf(pid).join(', ')}`);
    if (buildingFiles(db).length) problems.push(`building files left: ${buildingFiles(db).join(', ')}`);
    if (existsSync(db + '.lock')) problems.push('lock file left');
    const now = await counts(db);
    if (now.refreshes !== before.refreshes + 1) problems.push(`refreshes ${before.refreshes} -> ${now.refreshes}, expected +1`);
    summary.runs++;
    if (problems.length === 0) summary.ok++;
    else summary.failures.push(`load run ${run} (killed after "${at}"): ${problems.join('; ')}`);
    o.log(`  load run ${run}: killed after "${at}", raw copy left ${leftRaw ? 'yes' : 'no'}: ${problems.length ? 'FAILED ' + problems.join('; ') : 'ok'}`);
  }
  return summary;
}

async function startServe(db: string, env: NodeJS.ProcessEnv): Promise<{ child: Child; url: string; origin: string }> {
  const child = new Child(['serve', '--db', db, '--port', '0', '--no-sign-in', '--role', 'analyst'], env);
  const re = /The MET dashboard is at (http:\/\/[^\s]+)/;
  if (!(await child.until((s) => re.test(s)))) throw new Error(`met serve did not start: ${child.text}`);
  const url = re.exec(child.text)![1]!;
  return { child, url, origin: url };
}

async function upload(url: string, origin: string, folder: string): Promise<string> {
  const form = new FormData();
  for (const f of readdirSync(folder).filter((n) => n.endsWith('.csv'))) form.append('files', new Blob([readFileSync(join(folder, f))]), f);
  const res = await fetch(url + '/api/refresh', { method: 'POST', body: form, headers: { Origin: origin } });
  const body = (await res.json()) as { job?: string; error?: string };
  if (res.status !== 202 || !body.job) throw new Error(`upload refused: ${res.status} ${JSON.stringify(body)}`);
  return body.job;
}

interface JobState {
  state: string;
  progress: { done: number; total: number; label: string };
  error?: string;
}

async function job(url: string, origin: string, id: string, wait = false): Promise<JobState> {
  return (await (await fetch(`${url}/api/refresh/${id}${wait ? '?wait=1' : ''}`, { headers: { Origin: origin } })).json()) as JobState;
}

export async function killUploads(o: {
  dir: string;
  full: string;
  small: string;
  runs: number;
  env: NodeJS.ProcessEnv;
  rand: () => number;
  log: (s: string) => void;
}): Promise<KillSummary> {
  const db = join(o.dir, 'upload.duckdb');
  const summary: KillSummary = { kind: 'upload', runs: 0, ok: 0, rawCopiesLeft: 0, failures: [], unnamedUploadsLeft: 0 };
  const base = new Child(['load', '--in', o.full, '--db', db], o.env);
  if ((await base.exit).code !== 0) throw new Error(`the first load failed: ${base.text}`);
  for (let run = 1; run <= o.runs; run++) {
    const before = await counts(db);
    const uploadsBefore = unnamedUploads();
    const server = await startServe(db, o.env);
    const pid = server.child.proc.pid!;
    const problems: string[] = [];
    const id = await upload(server.url, server.origin, o.full);
    // The job's progress is an event the API reports when asked: watch it change, and
    // kill after a random number of changes (0 = right after the upload was accepted).
    const k = Math.floor(o.rand() * 12);
    const copyNo = 1 + Math.floor(o.rand() * 2);
    let seen = 0;
    let last = '';
    let state: JobState | null = null;
    if (run % 2 === 0) {
      // Even runs: while the converted copy of a Windows-1252 upload exists.
      if (!(await copyExists(server.child, pid, copyNo, (f) => f.startsWith('met-private-csv-')))) problems.push(`ended before its raw copy ${copyNo} existed`);
      last = `raw copy ${copyNo} exists`;
    }
    for (let polls = 0; run % 2 === 1 && seen < k && polls < 20_000; polls++) {
      state = await job(server.url, server.origin, id);
      if (state.state !== 'running') break;
      const p = JSON.stringify(state.progress);
      if (p !== last) {
        seen++;
        last = p;
      }
    }
    if (state && state.state !== 'running') problems.push(`the job ended (${state.state}) before the kill point`);
    const signal = await server.child.kill();
    if (signal !== 'SIGKILL') problems.push(`server was not killed (${signal})`);
    const after = await counts(db);
    if (JSON.stringify(after) !== JSON.stringify(before)) problems.push(`warehouse changed: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    const leftRaw = privateDirsOf(pid).length;
    if (leftRaw > 0) summary.rawCopiesLeft++;
    // The next command: the server again, and an upload of the small good folder.
    const again = await startServe(db, o.env);
    const next = await upload(again.url, again.origin, o.small);
    // Its end, waited on (?wait=1 answers when the job ends).
    let s = await job(again.url, again.origin, next, true);
    while (s.state === 'running') s = await job(again.url, again.origin, next, true);
    if (s.state !== 'done') problems.push(`next upload refresh ${s.state}: ${s.error ?? ''}`);
    await again.child.kill();
    if (privateDirsOf(pid).length) problems.push(`private folders of ${pid} left: ${privateDirsOf(pid).join(', ')}`);
    if (buildingFiles(db).length) problems.push(`building files left: ${buildingFiles(db).join(', ')}`);
    if (existsSync(db + '.lock')) problems.push('lock file left');
    const now = await counts(db);
    if (now.refreshes !== before.refreshes + 1) problems.push(`refreshes ${before.refreshes} -> ${now.refreshes}, expected +1`);
    const leftUnnamed = [...unnamedUploads()].filter((f) => !uploadsBefore.has(f));
    summary.unnamedUploadsLeft += leftUnnamed.length;
    for (const f of leftUnnamed) rmSync(join(childTmp, f), { recursive: true, force: true });
    summary.runs++;
    if (problems.length === 0) summary.ok++;
    else summary.failures.push(`upload run ${run}: ${problems.join('; ')}`);
    o.log(
      `  upload run ${run}: killed after ${seen} progress changes (${last || 'none yet'}), raw copy left ${leftRaw ? 'yes' : 'no'}: ${problems.length ? 'FAILED ' + problems.join('; ') : 'ok'}`,
    );
  }
  return summary;
}

/** A small seeded generator (mulberry32), so a run's kill points can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function summaryLine(s: KillSummary): string {
  const extra =
    s.kind === 'upload' && s.unnamedUploadsLeft
      ? `; ${s.unnamedUploadsLeft} upload folders not named by process were left in the temporary folder (removed by this bench)`
      : '';
  return `kill -9 ${s.kind.padEnd(6)}: ${s.runs} runs, ${s.ok} survivors ok, ${s.rawCopiesLeft} left a raw copy that the next command removed${extra}`;
}

export async function runKillBench(o: {
  runs: number;
  scale: number;
  seed: number;
  env: NodeJS.ProcessEnv;
  log: (s: string) => void;
  keep?: boolean;
}): Promise<KillSummary[]> {
  const dir = mkdtempSync(join(tmpdir(), 'met-kill-'));
  try {
    const { full, small } = await prepare(dir, o.scale, o.seed);
    childTmp = join(dir, 'tmp');
    mkdirSync(childTmp, { mode: 0o700 });
    const env = { ...o.env, TMPDIR: childTmp };
    const rand = seeded(o.seed);
    const out: KillSummary[] = [];
    out.push(await killLoads({ dir, full, small, runs: o.runs, env, rand, log: o.log }));
    o.log(summaryLine(out[0]!));
    out.push(await killUploads({ dir, full, small, runs: o.runs, env, rand, log: o.log }));
    o.log(summaryLine(out[1]!));
    for (const s of out) for (const f of s.failures) o.log(`  FAILED ${f}`);
    return out;
  } finally {
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
    else o.log(`kept ${dir}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const arg = (name: string, d: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
  const env = { ...process.env, MET_SECRET_KEY: process.env.MET_SECRET_KEY ?? 'benchmark-key-not-for-real-data-0123' };
  const summaries = await runKillBench({
    runs: arg('--runs', 10),
    scale: arg('--scale', 0.3),
    seed: arg('--seed', 1),
    env,
    log: (s) => console.log(s),
    keep: args.includes('--keep'),
  });
  if (summaries.some((s) => s.ok !== s.runs)) process.exitCode = 1;
}

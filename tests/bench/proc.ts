// A whole command, timed from outside: wall seconds, peak resident memory (GNU time's
// %M, the process's own high-water mark) and how it ended (exit code, or the signal that
// killed it: a segmentation fault is signal 11). The benchmark's figures for `met load`,
// `met measures` and the refresh are these, so each is the command a user would run.
// Each runs in a folder of its own. On data the bench generated itself (synthetic: met
// generate), core dumps may be allowed (`cores`): a crash then leaves its core there (kept,
// and named in `core`) for `gdb node <core>` to say which thread and library died;
// otherwise the folder is removed. Never on other data: a load's core holds the raw
// references it was reading, and nothing may put those on disk.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const MET = join(import.meta.dirname, '../../../bin/met.js');
const TIME = '/usr/bin/time';

export interface Ended {
  seconds: number;
  /**
   * Peak resident memory in MiB: GNU time's (the largest of the process and each of its
   * children alone), or the largest sum over the process and its children at one time
   * (sampled from /proc every 200 ms: a refresh's writer runs beside it), whichever is
   * larger; null if neither could be read.
   */
  peak_mib: number | null;
  /** User + system CPU seconds (GNU time): less sensitive than wall time to other work on a shared machine. */
  cpu_seconds: number | null;
  code: number | null;
  /** The signal that ended it (e.g. 11, a segmentation fault), else null. */
  signal: number | null;
  stdout: string;
  /** The last 4,000 characters of its standard error. */
  stderr: string;
  /** After a crash: the folder holding its core dump (if the kernel wrote one), else null. */
  core: string | null;
}

/** Runs `node bin/met.js ...args` under GNU time. */
export function met(args: string[], env: NodeJS.ProcessEnv, opts: { cores?: boolean } = {}): Promise<Ended> {
  return timed(process.execPath, [MET, ...args], env, opts);
}

export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, opts: { cores?: boolean } = {}): Promise<Ended> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is missing: the benchmark reads peak memory with GNU time (apt-get install -y time)`);
  const dir = mkdtempSync(join(tmpdir(), 'met-bench-time-'));
  const out = join(dir, 'time');
  // Where a core dump would go (the kernel's core_pattern here is a plain "core": the process's own folder).
  const cores = mkdtempSync(join(tmpdir(), 'met-bench-core-'));
  const t0 = performance.now();
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      opts.cores ? 'ulimit -c unlimited 2>/dev/null; exec "$@"' : 'ulimit -c 0; exec "$@"',
      'sh',
      TIME,
      '-o',
      out,
      '-f',
      'MET_PEAK_KB %M MET_CPU %U %S',
      cmd,
      ...args,
    ],
    {
      env,
      cwd: cores,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    if (stdout.length < 1 << 24) stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-4000);
  });
  let treePeakKb = 0;
  const sampler = setInterval(() => {
    if (child.pid !== undefined) treePeakKb = Math.max(treePeakKb, treeRssKb(child.pid));
  }, 200);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      clearInterval(sampler);
      const seconds = (performance.now() - t0) / 1000;
      const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
      rmSync(dir, { recursive: true, force: true });
      // GNU time writes "Command terminated by signal N" or "Command exited with non-zero status N" first.
      const signal = /terminated by signal (\d+)/.exec(text);
      const status = /non-zero status (\d+)/.exec(text);
      const peak = /MET_PEAK_KB (\d+)/.exec(text);
      const cpu = /MET_CPU ([\d.]+) ([\d.]+)/.exec(text);
      const kept = signal !== null && readdirSync(cores).length > 0;
      if (!kept) rmSync(cores, { recursive: true, force: true });
      resolve({
        seconds,
        peak_mib: peak || treePeakKb ? Math.round(Math.max(Number(peak?.[1] ?? 0), treePeakKb) / 1024) : null,
        cpu_seconds: cpu ? Number((Number(cpu[1]) + Number(cpu[2])).toFixed(2)) : null,
        code: signal ? null : status ? Number(status[1]) : 0,
        signal: signal ? Number(signal[1]) : null,
        stdout,
        stderr,
        core: kept ? cores : null,
      });
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The resident memory in KiB of a process and all its descendants now, from /proc (0 where it cannot be read). */
export function treeRssKb(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      rss.set(Number(name), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // Gone meanwhile.
    }
  }
  let total = 0;
  const pending = [root];
  while (pending.length) {
    const pid = pending.pop()!;
    total += rss.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

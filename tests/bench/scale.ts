// `npm run bench [-- --scale N]`: the generator and the load at scale (default 100),
// each timed in its own process, with rows and peak memory. The README quotes it.
// Then `kill -9` at random points of a load and of an upload refresh (kill.ts; 10 runs
// each, `--kill-runs N`; `--kill-only` for those alone, `--no-kill` to skip them). Last,
// the disclosure audit on the demo data (audit.ts; `--no-audit` to skip it, `--audit-only`
// for it alone, also `node dist/tests/bench/audit.js`).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runKillBench } from './kill.js';
import { runAuditBench } from './audit.js';

const args = process.argv.slice(2);
const scale = Number(args[args.indexOf('--scale') + 1] ?? 100) || 100;
const keep = args.includes('--keep');
const dir = args.includes('--dir') ? args[args.indexOf('--dir') + 1]! : mkdtempSync(join(tmpdir(), 'met-bench-'));
const step = join(import.meta.dirname, 'step.js');
const env = { ...process.env, MET_SECRET_KEY: process.env.MET_SECRET_KEY ?? 'benchmark-key-not-for-real-data-0123' };
const auditOnly = args.includes('--audit-only');
const killOnly = args.includes('--kill-only') || auditOnly;
const killRuns = args.includes('--kill-runs') ? Number(args[args.indexOf('--kill-runs') + 1]) : 10;

function run(name: string, ...rest: string[]) {
  const out = execFileSync(process.execPath, [step, name, ...rest], { env, encoding: 'utf-8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; peak_mib: number; detail: Record<string, unknown>[] };
}

console.log(
  `MET benchmark: ${auditOnly ? 'disclosure audit only' : killOnly ? 'kill runs only' : `scale ${scale}`}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
try {
  if (!killOnly) {
    const extracts = join(dir, 'extracts');
    const g = run('generate', extracts, String(scale));
    const rows = g.detail.reduce((s, f) => s + Number(f.rows), 0);
    const episodes = Number(g.detail.find((f) => f.file === 'missing_episodes.csv')?.rows ?? 0);
    const mib = g.detail.reduce((s, f) => s + Number(f.bytes), 0) / 2 ** 20;
    console.log(
      `generate: ${g.seconds} s, ${rows.toLocaleString('en-GB')} rows (${episodes.toLocaleString('en-GB')} missing episodes), ${mib.toFixed(0)} MiB of CSV, peak ${g.peak_mib} MiB`,
    );
    const l = run('load', extracts, join(dir, 'met.duckdb'));
    const read = l.detail.reduce((s, f) => s + Number(f.read ?? 0), 0);
    const q = l.detail.reduce((s, f) => s + Number(f.quarantined ?? 0), 0);
    console.log(`load:     ${l.seconds} s, ${read.toLocaleString('en-GB')} rows read, ${q.toLocaleString('en-GB')} quarantined, peak ${l.peak_mib} MiB`);
    for (const f of l.detail)
      console.log(
        `  ${String(f.file).padEnd(24)} ${Number(f.read ?? 0)
          .toLocaleString('en-GB')
          .padStart(12)} read`,
      );
    // The whole `met measures` process for one area and one quarter, warm file cache:
    // one run to warm it, then the median of five.
    const bin = join(import.meta.dirname, '../../../bin/met.js');
    const args = [bin, 'measures', '--db', join(dir, 'met.duckdb'), '--period', '2025-Q3', '--area', 'Southampton', '--role', 'board', '--json'];
    execFileSync(process.execPath, args, { env, stdio: 'ignore' });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      execFileSync(process.execPath, args, { env, stdio: 'ignore', maxBuffer: 1 << 26 });
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    console.log(
      `measures: ${times[2]!.toFixed(2)} s for the whole process (median of 5, warm cache): met measures --period 2025-Q3 --area Southampton --role board --json`,
    );
  }
  if (!args.includes('--no-kill') && !auditOnly) {
    console.log(`kill -9 at random points: ${killRuns} loads and ${killRuns} upload refreshes of a scale-0.3 folder with Windows-1252 files`);
    const summaries = await runKillBench({ runs: killRuns, scale: 0.3, seed: 1, env, log: (s) => console.log(s) });
    if (summaries.some((s) => s.ok !== s.runs)) process.exitCode = 1;
  }
  if (!args.includes('--no-audit')) {
    console.log('disclosure audit: everything one role can obtain for a financial year, put together by an attacker (docs/disclosure-audit.md)');
    process.env.MET_SECRET_KEY ??= env.MET_SECRET_KEY;
    const reports = await runAuditBench({ log: (s) => console.log(s) });
    if (reports.some((r) => r.figures.broken + r.figures.infeasible > 0)) process.exitCode = 1;
  }
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}

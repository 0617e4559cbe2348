// `npm run bench [-- options]`: issue 11's figures, all in one run on one machine, each
// step in its own process so that its time and peak memory are its own:
//   1. generate the extracts at scale 100, seed 1 (step.ts; over a million missing episodes);
//   2. the floor: DuckDB's bare read_csv of the same files into plain tables (step.ts floor);
//   3. `met load` of them into a new warehouse (whole process, GNU time for its peak memory);
//   4. `met serve --no-sign-in --role board`, hammered by autocannon (api.ts), and its VmHWM;
//   5. the board overview in headless Chromium on a fresh server (page.ts);
//   6. `met measures` for every area × the latest complete quarter and financial year;
//   7. a refresh with only actions.csv in the folder, over the loaded warehouse;
//   8. `met load --area "Isle of Wight"` of the same folder, three times: each must exit 0;
// then writes bench/results.json (bench/results-scale-N.json at another scale) and, at
// scale 100 (or with --readme), the README's table between its markers. Then, as before,
// `kill -9` at random points of a load and of an upload refresh (kill.ts; 10 runs each,
// `--kill-runs N`; `--kill-only` for those alone, `--no-kill` to skip them), and the
// disclosure audit on the demo data (audit.ts; `--no-audit` to skip it, `--audit-only`
// for it alone).
//
// Options: --scale N (default 100); --quick (= --scale 1 --no-kill --no-audit
// --api-seconds 10 --page-loads 3 --area-runs 1: for trying the bench itself); --extracts DIR (use this
// folder instead of generating one; give its --scale); --api-seconds N (30);
// --connections N (50); --page-loads N (5, after one cold); --area-runs N (3); --dir DIR (work folder);
// --keep (keep it); --readme / --no-readme.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { AREAS_AND_ALL } from '../../model/areas.js';
import { hammer, latestPeriods, mix, serve } from './api.js';
import { runAuditBench } from './audit.js';
import { runKillBench } from './kill.js';
import { rawRefsOf, refsInFile } from './rawRefs.js';
import { type Ended, met, median } from './proc.js';
import { judge, type Results, table, writeReadme } from './results.js';

const args = process.argv.slice(2);
const has = (name: string) => args.includes(name);
const arg = (name: string) => (has(name) ? args[args.indexOf(name) + 1] : undefined);
const quick = has('--quick');
const scale = Number(arg('--scale') ?? (quick ? 1 : 100)) || 100;
const apiSeconds = Number(arg('--api-seconds') ?? (quick ? 10 : 30));
const connections = Number(arg('--connections') ?? 50);
const pageLoads = Number(arg('--page-loads') ?? (quick ? 3 : 5));
const areaTimes = Number(arg('--area-runs') ?? (quick ? 1 : 3));
const keep = has('--keep');
const dir = resolve(arg('--dir') ?? mkdtempSync(join(tmpdir(), 'met-bench-')));
const givenArg = arg('--extracts');
// Absolute: each command runs in a folder of its own (proc.ts), where a relative path would not be found.
const given = givenArg ? resolve(givenArg) : undefined;
// Core dumps of a crash are kept only on the data this run generates (synthetic): extracts
// given with --extracts may be real, and a load's core would hold their raw references.
const dumps = { cores: !given };
const ROOT = resolve(import.meta.dirname, '../../..');
const stepJs = join(import.meta.dirname, 'step.js');
const pageJs = join(import.meta.dirname, 'page.js');
const env = { ...process.env, MET_SECRET_KEY: process.env.MET_SECRET_KEY ?? 'benchmark-key-not-for-real-data-0123' };
const auditOnly = has('--audit-only');
const killOnly = has('--kill-only') || auditOnly;
const killRuns = Number(arg('--kill-runs') ?? 10);
const noKill = has('--no-kill') || quick;
const noAudit = has('--no-audit') || quick;

function step(name: string, ...rest: string[]) {
  const out = execFileSync(process.execPath, [stepJs, name, ...rest], { env, encoding: 'utf-8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; cpu_seconds: number; peak_mib: number; detail: Record<string, unknown>[] };
}

const n = (x: number) => x.toLocaleString('en-GB');
const s1 = (x: number) => Number(x.toFixed(1));
const s2 = (x: number) => Number(x.toFixed(2));
const ended = (e: Ended) => (e.signal !== null ? `killed by signal ${e.signal}${e.signal === 11 ? ' (segmentation fault)' : ''}` : `exit ${e.code}`);
function must(e: Ended, what: string): Ended {
  if (e.code !== 0) throw new Error(`${what}: ${ended(e)}\n${e.stderr}`);
  return e;
}

const cores = availableParallelism();
const runAt = new Date().toISOString();
console.log(
  `MET benchmark: ${auditOnly ? 'disclosure audit only' : killOnly ? 'kill runs only' : `scale ${scale}`}, ${cores} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${runAt}`,
);
try {
  if (!killOnly) {
    const extracts = given ?? join(dir, 'extracts');
    const db = join(dir, 'met.duckdb');
    // The load average at the start and end says whether the machine was quiet.
    const detail: Record<string, unknown> = {
      node: process.version,
      memory_gib: Math.round(totalmem() / 2 ** 30),
      cpu: cpus()[0]?.model,
      load_average_at_start: loadavg().map((x) => s2(x)),
    };

    // 1. The extracts.
    let episodes: number | null = null;
    if (!given) {
      console.log(`generate: scale ${scale}, seed 1 …`);
      const g = step('generate', extracts, String(scale));
      const rows = g.detail.reduce((s, f) => s + Number(f.rows), 0);
      episodes = Number(g.detail.find((f) => f.file === 'missing_episodes.csv')?.rows ?? 0);
      const mib = g.detail.reduce((s, f) => s + Number(f.bytes), 0) / 2 ** 20;
      detail.generate = { seconds: g.seconds, peak_mib: g.peak_mib, rows, csv_mib: Math.round(mib) };
      console.log(`generate: ${g.seconds} s, ${n(rows)} rows (${n(episodes)} missing episodes), ${mib.toFixed(0)} MiB of CSV, peak ${g.peak_mib} MiB`);
    } else console.log(`extracts: ${given} (not generated by this run)`);

    // 2. The floor.
    console.log('floor: read_csv of every top-level file into plain tables of a new database, CHECKPOINT …');
    const floorDb = join(dir, 'floor.duckdb');
    const f = step('floor', extracts, floorDb);
    rmSync(floorDb, { force: true });
    rmSync(`${floorDb}.wal`, { force: true });
    episodes ??= Number(f.detail.find((x) => x.file === 'missing_episodes.csv')?.rows ?? 0);
    detail.floor = { peak_mib: f.peak_mib, cpu_seconds: f.cpu_seconds, files: f.detail };
    console.log(`floor: ${f.seconds} s (${f.cpu_seconds} s CPU) for ${f.detail.length} files, peak ${f.peak_mib} MiB`);

    // 3. The load.
    // A load that crashes (issue 11: signal 11, seen again once on 2026-12-02 without --area)
    // is counted, its core kept (generated data only), and the load run again into a new warehouse (three tries),
    // so that one crash is a figure of the run rather than the end of it.
    console.log('load: met load …');
    const crashes: { signal: number | null; exit: number | null; seconds: number; core: string | null; stderr: string }[] = [];
    let l: Ended | null = null;
    while (!l) {
      for (const x of [db, `${db}.wal`]) rmSync(x, { force: true });
      const e = await met(['load', '--in', extracts, '--db', db, '--json'], env, dumps);
      if (e.code === 0) l = e;
      else {
        crashes.push({ signal: e.signal, exit: e.code, seconds: s1(e.seconds), core: e.core, stderr: e.stderr.slice(-1000) });
        console.log(`load: ${ended(e)} after ${e.seconds.toFixed(1)} s${e.core ? ` (core dump in ${e.core})` : ''}`);
        if (crashes.length === 3) must(e, 'met load (third try)');
      }
    }
    detail.load_crashes = crashes;
    const report = JSON.parse(l.stdout) as { files: { file: string; read?: number; quarantined?: number }[] };
    const read = report.files.reduce((s, x) => s + Number(x.read ?? 0), 0);
    const quarantined = report.files.reduce((s, x) => s + Number(x.quarantined ?? 0), 0);
    // The ratio of CPU seconds too: on a machine others share, wall time swings more.
    const cpuRatio = l.cpu_seconds === null ? null : s2(l.cpu_seconds / f.cpu_seconds);
    detail.load = { read, quarantined, cpu_seconds: l.cpu_seconds, cpu_ratio: cpuRatio };
    const loadSeconds = s1(l.seconds);
    console.log(
      `load: ${loadSeconds} s (${(l.seconds / f.seconds).toFixed(2)} × the floor; CPU ${cpuRatio} ×), ${n(read)} rows read, ${n(quarantined)} quarantined, peak ${l.peak_mib} MiB`,
    );

    // 4. The API under load.
    const api = await serve(db, 'board', env);
    const { quarter, fy } = await latestPeriods(api.url);
    const paths = mix([quarter, fy]);
    console.log(
      `api: ${connections} connections for ${apiSeconds} s over ${paths.length} URLs (${quarter}, ${fy}; every area; overview page model and measures) …`,
    );
    let a: Awaited<ReturnType<typeof hammer>>;
    let serverPeak: number;
    try {
      a = await hammer(api.url, paths, { connections, seconds: apiSeconds });
      serverPeak = api.peakMiB();
    } finally {
      await api.stop();
    }
    detail.api = { requests: a.requests, non2xx: a.non2xx, connection_errors: a.connection_errors, timeouts: a.timeouts, paths };
    console.log(
      `api: p50 ${a.api_p50_ms} ms, p99 ${a.api_p99_ms} ms, ${a.api_rps} requests/s, ${a.api_errors} errors (${a.non2xx} non-2xx, ${a.timeouts} timeouts) of ${n(a.requests)}; server peak ${serverPeak} MiB`,
    );

    // 5. The board overview in a browser.
    console.log(`page: board overview in headless Chromium, 1 cold load then ${pageLoads} …`);
    const web = await serve(db, 'board', env);
    let page: { cold_ms: number; ms: number[]; median_ms: number; charts: unknown; problems: string[] };
    try {
      const out = execFileSync(process.execPath, [pageJs, web.url, String(pageLoads)], { env, encoding: 'utf-8', maxBuffer: 1 << 24 });
      page = JSON.parse(out.trim().split('\n').pop()!);
    } finally {
      await web.stop();
    }
    detail.page = page;
    console.log(
      `page: charts drawn in ${page.median_ms} ms (median of ${page.ms.join(', ')}; cold ${page.cold_ms} ms)${page.problems.length ? `; problems: ${page.problems.join('; ')}` : ''}`,
    );

    // 6. `met measures`, whole process, every area × the quarter and the FY.
    console.log(`measures: met measures for ${AREAS_AND_ALL.length} areas × ${quarter} and ${fy} …`);
    const mArgs = (area: string, period: string) => ['measures', '--db', db, '--period', period, '--area', area, '--role', 'board', '--json'];
    must(await met(mArgs('all', quarter), env, dumps), 'met measures'); // warms the file cache
    const measures: { area: string; period: string; ms: number; cpu_ms: number | null; peak_mib: number | null }[] = [];
    for (const area of AREAS_AND_ALL)
      for (const period of [quarter, fy]) {
        const e = must(await met(mArgs(area, period), env, dumps), `met measures --area ${area} --period ${period}`);
        measures.push({
          area,
          period,
          ms: Math.round(e.seconds * 1000),
          cpu_ms: e.cpu_seconds === null ? null : Math.round(e.cpu_seconds * 1000),
          peak_mib: e.peak_mib,
        });
      }
    const worst = measures.reduce((w, x) => (x.ms > w.ms ? x : w));
    detail.measures = measures;
    console.log(`measures: worst ${worst.ms} ms (${worst.area}, ${worst.period}; ${worst.cpu_ms} ms CPU), median ${median(measures.map((x) => x.ms))} ms`);

    // 7. A refresh of one file over the loaded warehouse.
    console.log('refresh: met load of a folder holding only actions.csv, over the loaded warehouse …');
    const one = join(dir, 'one-file');
    mkdirSync(one, { recursive: true });
    copyFileSync(join(extracts, 'actions.csv'), join(one, 'actions.csv'));
    const r = must(await met(['load', '--in', one, '--db', db, '--json'], env, dumps), 'met load (one file)');
    detail.refresh = { peak_mib: r.peak_mib, cpu_seconds: r.cpu_seconds };
    console.log(`refresh: ${r.seconds.toFixed(1)} s (${r.cpu_seconds} s CPU), peak ${r.peak_mib} MiB`);

    // 8. The area load, three times (issue 11: it died with signal 11 in 2 of 3 runs at scale 100).
    const areaRuns: { exit: number | null; signal: number | null; seconds: number; cpu_seconds: number | null; peak_mib: number | null; stderr?: string }[] =
      [];
    for (let i = 1; i <= areaTimes; i++) {
      console.log(`area load ${i}/${areaTimes}: met load --in <extracts> --area "Isle of Wight" into a new warehouse …`);
      const areaDb = join(dir, `area-${i}.duckdb`);
      const e = await met(['load', '--in', extracts, '--area', 'Isle of Wight', '--db', areaDb], env, dumps);
      const bad = e.code !== 0;
      if (e.core) console.log(`area load ${i}/${areaTimes}: core dump in ${e.core}`);
      areaRuns.push({
        exit: e.code,
        signal: e.signal,
        seconds: s1(e.seconds),
        cpu_seconds: e.cpu_seconds,
        peak_mib: e.peak_mib,
        ...(bad ? { stderr: e.stderr.slice(-1000), core: e.core } : {}),
      });
      for (const x of [areaDb, `${areaDb}.wal`, `${areaDb}.state.sqlite`]) rmSync(x, { force: true });
      console.log(`area load ${i}/${areaTimes}: ${ended(e)} after ${e.seconds.toFixed(1)} s, peak ${e.peak_mib} MiB`);
    }
    detail.area_loads = areaRuns;

    // 9. Raw references in the warehouse files. Two loads at once into new warehouses (as
    // loads on a busy machine): before the warehouse was written by its own process
    // (etl/writeWarehouse.ts), the stale bytes of DuckDB's blocks carried 15 and 963 raw
    // references in such a pair, in no table. Every file is scanned for every reference of
    // the extracts, with the measured warehouse (refreshed once since).
    console.log('raw references: two met loads at once into new warehouses, then every warehouse file scanned for every reference of the extracts …');
    const pair = [join(dir, 'pair-1.duckdb'), join(dir, 'pair-2.duckdb')];
    const pairRuns = await Promise.all(pair.map((p) => met(['load', '--in', extracts, '--db', p], env, dumps)));
    for (const [i, e] of pairRuns.entries()) must(e, `met load (pair ${i + 1})`);
    const refs = rawRefsOf(extracts);
    const scanned: Record<string, string[]> = {};
    for (const p of [db, ...pair]) {
      for (const x of [p, `${p}.wal`]) if (existsSync(x)) scanned[basename(x)] = refsInFile(x, refs).slice(0, 5);
    }
    const rawRefs = Object.values(scanned).reduce((s, x) => s + x.length, 0);
    detail.raw_refs = { references_in_extracts: refs.size, found_in: scanned, pair_seconds: pairRuns.map((e) => s1(e.seconds)) };
    for (const p of pair) for (const x of [p, `${p}.wal`, `${p}.state.sqlite`]) rmSync(x, { force: true });
    console.log(`raw references: ${rawRefs} found in ${Object.keys(scanned).length} files (of ${n(refs.size)} in the extracts)`);

    detail.load_average_at_end = loadavg().map((x) => s2(x));
    const base = {
      scale,
      episodes: episodes ?? 0,
      load_seconds: loadSeconds,
      load_floor_seconds: s2(f.seconds),
      load_ratio: s2(l.seconds / f.seconds),
      load_peak_rss_mb: l.peak_mib,
      refresh_one_file_seconds: s1(r.seconds),
      measures_worst_ms: worst.ms,
      api_p50_ms: a.api_p50_ms,
      api_p99_ms: a.api_p99_ms,
      api_rps: a.api_rps,
      api_errors: a.api_errors,
      server_peak_rss_mb: serverPeak,
      page_charts_ms: page.median_ms,
      area_load_crashes: areaRuns.filter((x) => x.exit !== 0).length,
      load_crashes: crashes.length,
      raw_refs_in_files: rawRefs,
      cores,
      run_at: runAt,
    };
    const results: Results = {
      ...base,
      targets: judge(base),
      commands: {
        episodes: `met generate --out <extracts> --scale ${scale} --seed 1`,
        load_seconds: 'met load --in <extracts> --db <new warehouse>',
        load_floor_seconds: 'node dist/tests/bench/step.js floor <extracts> <new database>',
        load_ratio: 'load_seconds ÷ load_floor_seconds',
        load_peak_rss_mb: 'met load --in <extracts> --db <new warehouse> (GNU time %M)',
        refresh_one_file_seconds: 'met load --in <folder with only actions.csv> --db <the loaded warehouse>',
        measures_worst_ms: `met measures --db <warehouse> --period ${quarter}/${fy} --area <each of ${AREAS_AND_ALL.length}> --role board --json`,
        api_p50_ms: `autocannon -c ${connections} -d ${apiSeconds} on met serve --db <warehouse> --port 0 --no-sign-in --role board: GET /api/pages/overview and /api/measures ?area=<each>&period=${quarter}/${fy}`,
        api_p99_ms: 'the same autocannon run',
        api_rps: 'the same autocannon run',
        api_errors: 'the same autocannon run (non-2xx + errors, timeouts included)',
        server_peak_rss_mb: 'the same met serve process: VmHWM of /proc/PID/status after the run',
        page_charts_ms: `node dist/tests/bench/page.js <met serve --no-sign-in --role board URL> ${pageLoads}`,
        area_load_crashes: `met load --in <extracts> --area "Isle of Wight" --db <new warehouse>, ${areaTimes} time${areaTimes === 1 ? '' : 's'}`,
        load_crashes: 'met load --in <extracts> --db <new warehouse>, until it exits 0 (at most 3 times)',
        raw_refs_in_files:
          'two met load --in <extracts> --db <new warehouse> at once; each file and the measured warehouse scanned for every reference of the extracts',
      },
      detail,
    };
    const file = join(ROOT, 'bench', scale === 100 ? 'results.json' : `results-scale-${scale}.json`);
    mkdirSync(join(ROOT, 'bench'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    // The scale-100 results are committed: in Biome's format, so that they pass `npm run lint`
    // (the other scales' files are ignored by git, so Biome skips them).
    if (scale === 100) execFileSync(join(ROOT, 'node_modules/.bin/biome'), ['format', '--write', file], { stdio: 'ignore' });
    const text = table(results);
    console.log(`\n${text}\n`);
    console.log(`wrote ${file}`);
    if (has('--readme') || (scale === 100 && !has('--no-readme'))) {
      writeReadme(join(ROOT, 'README.md'), text);
      console.log('rewrote the table in README.md ("Benchmarks")');
    }
    const missed = Object.entries(results.targets).filter(([, t]) => !t.met);
    console.log(missed.length ? `targets missed: ${missed.map(([k, t]) => `${k} ${t.value} (${t.target})`).join('; ')}` : 'every target met');
  }
  if (!noKill && !auditOnly) {
    console.log(`kill -9 at random points: ${killRuns} loads and ${killRuns} upload refreshes of a scale-0.3 folder with Windows-1252 files`);
    const summaries = await runKillBench({ runs: killRuns, scale: 0.3, seed: 1, env, log: (s) => console.log(s) });
    if (summaries.some((s) => s.ok !== s.runs)) process.exitCode = 1;
  }
  if (!noAudit) {
    console.log('disclosure audit: everything one role can obtain for a financial year, put together by an attacker (docs/disclosure-audit.md)');
    process.env.MET_SECRET_KEY ??= env.MET_SECRET_KEY;
    const reports = await runAuditBench({ log: (s) => console.log(s) });
    if (reports.some((r) => r.figures.broken + r.figures.infeasible > 0)) process.exitCode = 1;
  }
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}

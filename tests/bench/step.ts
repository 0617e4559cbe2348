// One measured step of the benchmark, run in its own process so that its peak memory
// (DuckDB's native memory included) is its own: prints one JSON line.
//
// - `generate OUT SCALE`: the generator (seed 1).
// - `load IN DB`: etl/load.ts's load (what `met load` runs).
// - `floor IN DB`: the load's floor (README "Benchmarks"): DuckDB's bare `read_csv` of
//   every top-level .csv of IN, with DuckDB's own type and dialect detection and
//   `header = true, strict_mode = false, null_padding = true, ignore_errors = true`,
//   each into a plain table (CREATE TABLE … AS SELECT *) of a new file database DB,
//   then CHECKPOINT. A file DuckDB's parallel reader refuses with null_padding (quoted
//   line breaks: actions.csv) is read with `parallel = false`, as DuckDB's message asks.
//   Timed from opening DB to the end of the CHECKPOINT; the rows are counted afterwards,
//   outside the time. No checks, pseudonyms, quarantine or measures:
//   the least any load of these files into a DuckDB file could cost.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const [step, a, b] = process.argv.slice(2);
let t0 = performance.now();
let cpu0 = process.cpuUsage();
let cpu: NodeJS.CpuUsage | undefined;
let seconds: number | undefined;
let detail: unknown;
if (step === 'generate') {
  const { generate } = await import('../../etl/generate/generate.js');
  const s = await generate({ out: a!, scale: Number(b ?? 100), seed: 1 });
  detail = s.files.map((f) => ({ file: f.file, rows: f.rows, bytes: f.bytes }));
} else if (step === 'load') {
  const { load } = await import('../../etl/load.js');
  const { report } = await load({ inDir: a!, db: b! });
  if (report.status !== 'loaded') throw new Error(`load failed: ${report.error}`);
  detail = report.files.map((f) => ({ file: f.file, read: f.read, loaded: f.loaded, quarantined: f.quarantined }));
} else if (step === 'floor') {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const files = readdirSync(a!)
    .filter((f) => f.toLowerCase().endsWith('.csv'))
    .sort();
  const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const table = (f: string) => `"${f.slice(0, -4).replaceAll('"', '""')}"`;
  t0 = performance.now();
  cpu0 = process.cpuUsage();
  const instance = await DuckDBInstance.create(b!);
  const con = await instance.connect();
  const serial: string[] = [];
  for (const f of files) {
    const read = (more: string) =>
      con.run(
        `CREATE TABLE ${table(f)} AS SELECT * FROM read_csv(${quote(join(a!, f))}, header = true, strict_mode = false, null_padding = true, ignore_errors = true${more})`,
      );
    try {
      await read('');
    } catch (e) {
      // DuckDB's parallel reader refuses null_padding with quoted line breaks (actions.csv
      // has them): such a file is read as DuckDB asks, with parallel = false.
      if (!String(e).includes('parallel=false')) throw e;
      serial.push(f);
      await read(', parallel = false');
    }
  }
  await con.run('CHECKPOINT');
  seconds = (performance.now() - t0) / 1000;
  cpu = process.cpuUsage(cpu0);
  const rows: { file: string; rows: number }[] = [];
  for (const f of files) {
    const r = await con.runAndReadAll(`SELECT count(*) FROM ${table(f)}`);
    rows.push({ file: f, rows: Number(r.getRows()[0]![0]), ...(serial.includes(f) ? { parallel: false } : {}) });
  }
  con.closeSync();
  instance.closeSync();
  detail = rows;
} else {
  throw new Error(`unknown step ${step}`);
}
seconds ??= (performance.now() - t0) / 1000;
cpu ??= process.cpuUsage(cpu0);
// User + system CPU seconds of the step (DuckDB's threads included): steadier than wall time on a shared machine.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
// maxRSS is in kilobytes.
const peakMiB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ step, seconds: Number(seconds.toFixed(2)), cpu_seconds: Number(cpuSeconds.toFixed(2)), peak_mib: Math.round(peakMiB), detail }));

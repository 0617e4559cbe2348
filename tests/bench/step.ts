// One measured step of the benchmark, run in its own process so that its peak memory
// (DuckDB's native memory included) is its own: prints one JSON line.

import { performance } from 'node:perf_hooks';

const [step, a, b] = process.argv.slice(2);
const t0 = performance.now();
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
} else {
  throw new Error(`unknown step ${step}`);
}
const seconds = (performance.now() - t0) / 1000;
// maxRSS is in kilobytes.
const peakMiB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ step, seconds: Number(seconds.toFixed(1)), peak_mib: Math.round(peakMiB), detail }));

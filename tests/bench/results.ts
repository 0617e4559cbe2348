// The benchmark's results: the fields of issue 11, the targets judged, the command
// beside each figure, and the README table between its markers (rewritten by each run
// at scale 100, or with --readme).

import { readFileSync, writeFileSync } from 'node:fs';

export interface Results {
  scale: number;
  episodes: number;
  load_seconds: number;
  load_floor_seconds: number;
  load_ratio: number;
  load_peak_rss_mb: number | null;
  refresh_one_file_seconds: number;
  measures_worst_ms: number;
  api_p50_ms: number;
  api_p99_ms: number;
  api_rps: number;
  api_errors: number;
  server_peak_rss_mb: number;
  page_charts_ms: number;
  area_load_crashes: number;
  /** `met load` runs (without --area) that crashed or failed before the one measured. */
  load_crashes: number;
  /** Raw references of the extracts found in the bytes of the run's warehouse files (docs/performance.md, "Stale memory"). */
  raw_refs_in_files: number;
  cores: number;
  run_at: string;
  targets: Record<string, Target>;
  commands: Record<string, string>;
  detail: Record<string, unknown>;
}

export interface Target {
  /** The issue's target, in words. */
  target: string;
  value: number | null;
  met: boolean;
}

const at = (value: number | null, target: string, ok: (v: number) => boolean): Target => ({ target, value, met: value !== null && ok(value) });

/** Issue 11's targets (scale 100 on the 2-core machine; a one-file refresh under 10 s at scale 1). */
export function judge(r: Omit<Results, 'targets' | 'commands' | 'detail'>): Record<string, Target> {
  const refreshLimit = r.scale <= 1 ? 10 : 60;
  return {
    api_p99_ms: at(r.api_p99_ms, 'under 100 ms at 50 connections', (v) => v < 100),
    api_errors: at(r.api_errors, '0', (v) => v === 0),
    server_peak_rss_mb: at(r.server_peak_rss_mb, 'under 1 GiB (1,024 MiB)', (v) => v < 1024),
    load_ratio: at(r.load_ratio, 'within 2.5 × the floor', (v) => v <= 2.5),
    load_peak_rss_mb: at(r.load_peak_rss_mb, 'under 2 GiB (2,048 MiB)', (v) => v < 2048),
    refresh_one_file_seconds: at(r.refresh_one_file_seconds, `under ${refreshLimit} s${r.scale <= 1 ? ' (at scale 1)' : ''}`, (v) => v < refreshLimit),
    measures_worst_ms: at(r.measures_worst_ms, 'under 1 s for any area and period', (v) => v < 1000),
    page_charts_ms: at(r.page_charts_ms, 'all drawn within 1.5 s', (v) => v <= 1500),
    area_load_crashes: at(r.area_load_crashes, '0 (each run exits 0)', (v) => v === 0),
    load_crashes: at(r.load_crashes, '0 (the load exits 0 the first time)', (v) => v === 0),
    raw_refs_in_files: at(r.raw_refs_in_files, "0 (never stored, not even in a block's unused bytes)", (v) => v === 0),
  };
}

const LABELS: [keyof Results, string, string][] = [
  ['episodes', 'missing episodes generated', ''],
  ['load_seconds', 'load, whole process', 's'],
  ['load_floor_seconds', "the floor: DuckDB's bare read_csv of the same files", 's'],
  ['load_ratio', 'load ÷ floor', '×'],
  ['load_peak_rss_mb', 'load peak memory', 'MiB'],
  ['refresh_one_file_seconds', 'refresh of one file (actions.csv) over the loaded warehouse', 's'],
  ['measures_worst_ms', '`met measures`, whole process, worst of every area × a quarter and a financial year', 'ms'],
  ['api_p50_ms', 'API p50 latency, 50 connections', 'ms'],
  ['api_p99_ms', 'API p99 latency, 50 connections', 'ms'],
  ['api_rps', 'API requests a second', '/s'],
  ['api_errors', 'API errors (non-2xx, connection errors, timeouts)', ''],
  ['server_peak_rss_mb', 'server peak memory over the API run', 'MiB'],
  ['page_charts_ms', 'board overview, navigation start to all charts drawn (median)', 'ms'],
  ['area_load_crashes', '`met load --area "Isle of Wight"` runs that did not exit 0', ''],
  ['load_crashes', '`met load` runs that did not exit 0 before the one measured', ''],
  ['raw_refs_in_files', 'raw references found in the bytes of the warehouse files (two loads at once, and the one measured)', ''],
];

const num = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-GB', { maximumFractionDigits: 2 }) : v === null ? '–' : String(v));

/** A command in code type; a note (the same run, a ratio) as words. */
const code = (cmd: string) => (!cmd ? '' : cmd.startsWith('the same') || cmd.includes('÷') ? cmd : `\`${cmd}\``);

export function table(r: Results): string {
  const lines = [
    `Scale ${r.scale} (seed 1), ${r.cores} cores, ${r.run_at}: \`npm run bench${r.scale === 100 ? '' : ` -- --scale ${r.scale}`}\`, every figure from the same run on the same machine (\`bench/results${r.scale === 100 ? '' : `-scale-${r.scale}`}.json\`).`,
    '',
    '| figure | value | target | met | command |',
    '|---|---|---|---|---|',
  ];
  for (const [key, label, unit] of LABELS) {
    const t = r.targets[key];
    const cmd = r.commands[key] ?? '';
    lines.push(
      `| ${label} | ${num(r[key])}${unit && r[key] !== null ? ` ${unit}` : ''} | ${t?.target ?? ''} | ${t ? (t.met ? 'yes' : '**no**') : ''} | ${code(cmd)} |`,
    );
  }
  return lines.join('\n');
}

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';

/** Rewrites the README's text between the markers. */
export function writeReadme(path: string, body: string): void {
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${path} has no ${START} … ${END} markers for the benchmark's table`);
  writeFileSync(path, `${text.slice(0, a + START.length)}\n${body}\n${text.slice(b)}`);
}

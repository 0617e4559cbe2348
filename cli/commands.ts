// The work behind each `met` command, kept apart from argument parsing so the demo
// and the tests can call it directly.

import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AreaName } from '../etl/contract.js';
import { withDb } from '../lib/db.js';
import { EXAMPLES_PER_FILE, humanLoadReport, humanMeasures, messages, type QuarantineExample } from '../lib/messages.js';
import { MeasureNotBuilt, ProtectionNotBuilt, readMeasures, RequestError } from '../lib/measures.js';
import { existsSync } from 'node:fs';

/** A progress bar on a terminal; nothing when output goes to a file or another program. */
function progressBar(label: string): { update(done: number, total: number, what: string): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  // Loaded only where a bar is drawn: `met measures` and the like never need it.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {what}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, what) {
      if (!started) {
        bar.start(total, 0, { what });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { what });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export async function runGenerate(o: { out: string; seed: number; scale: number }): Promise<number> {
  const bar = progressBar('Generating');
  // Loaded on demand: the generator is only needed by `generate` and the demo.
  const { generate } = await import('../etl/generate/generate.js');
  try {
    const summary = await generate({ out: o.out, seed: o.seed, scale: o.scale, onProgress: (d: number, t: number, l: string) => bar.update(d, t, l) });
    bar.stop();
    console.error(messages.generated(summary.out, summary.files.length, summary.seconds));
    for (const f of summary.files) console.error(`  ${f.file.padEnd(32)} ${f.rows.toLocaleString('en-GB').padStart(12)} rows`);
    return 0;
  } finally {
    bar.stop();
  }
}

async function firstExamples(db: string, refreshId: string): Promise<QuarantineExample[]> {
  return withDb(db, { readOnly: true }, (d) =>
    d.all<QuarantineExample & Record<string, unknown>>(
      `SELECT file, line, "column", reason FROM quarantine WHERE refresh_id = $r
       QUALIFY row_number() OVER (PARTITION BY file ORDER BY line) <= $n ORDER BY file, line`,
      { r: refreshId, n: EXAMPLES_PER_FILE },
    ),
  );
}

export interface LoadCommand {
  inDir: string;
  db: string;
  area?: AreaName | undefined;
  json: boolean;
  failAfter?: string | undefined;
  rekey?: boolean | undefined;
  /** Seconds to wait for another refresh of the same warehouse (default 0: fail at once). */
  wait?: number | undefined;
  /** One line per step on stderr, for logs and scripts (and the tests' kill points). */
  progress?: boolean | undefined;
}

export async function runLoad(o: LoadCommand): Promise<number> {
  mkdirSync(dirname(resolve(o.db)), { recursive: true });
  const bar = o.progress ? { update() {}, stop() {} } : progressBar('Loading');
  let result: Awaited<ReturnType<typeof import('../etl/load.js').load>>;
  try {
    const { load } = await import('../etl/load.js');
    result = await load({
      inDir: o.inDir,
      db: o.db,
      ...(o.area ? { area: o.area } : {}),
      ...(o.failAfter ? { failAfter: o.failAfter } : {}),
      ...(o.rekey ? { rekey: true } : {}),
      waitSeconds: o.wait ?? 0,
      onWait: (message) => console.error(message),
      onLocked: (path) => {
        if (o.progress) console.error(messages.progressLocked(path));
      },
      onProgress: (d, t, l) => {
        bar.update(d, t, l);
        if (o.progress) console.error(messages.progressStep(d, t, l));
      },
    });
  } finally {
    bar.stop();
  }
  const { report, notes } = result;
  if (notes.key.created && notes.key.path) console.error(messages.keyCreated(notes.key.path));
  if (o.json) {
    // The contract's report object, with the refresh's warnings added (`warnings`, always
    // there, maybe empty) for a script; a person at the terminal hears them on stderr too.
    for (const w of notes.warnings) console.error(`Warning: ${w}`);
    console.log(JSON.stringify({ ...report, warnings: notes.warnings }, null, 2));
  } else {
    const examples = report.status === 'loaded' ? await firstExamples(o.db, report.refresh_id) : [];
    console.log(humanLoadReport(report, notes, examples));
  }
  return report.status === 'loaded' ? 0 : 1;
}

export async function runMeasures(o: {
  db: string;
  period: string;
  area: string;
  role: string;
  ages: string;
  trend: number;
  ids?: string | undefined;
  json?: boolean | undefined;
}): Promise<number> {
  if (!existsSync(o.db)) {
    console.error(messages.noWarehouse(o.db));
    return 2;
  }
  const t0 = performance.now();
  try {
    const result = await withDb(o.db, { readOnly: true }, (db) =>
      readMeasures(db, {
        period: o.period,
        area: o.area,
        scope: o.ages,
        role: o.role,
        trend: o.trend,
        ...(o.ids ? { ids: o.ids.split(',') } : {}),
      }),
    );
    if (o.json) console.log(JSON.stringify(result, null, 2));
    else console.log(humanMeasures(result));
    if (process.env.MET_TIMING) console.error(`measures read in ${(performance.now() - t0).toFixed(0)} ms`);
    return 0;
  } catch (e) {
    if (e instanceof RequestError || e instanceof MeasureNotBuilt || e instanceof ProtectionNotBuilt) {
      console.error(`met measures: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

export async function runExportParquet(o: { db: string; parquet: string }): Promise<number> {
  if (!existsSync(o.db)) {
    console.error(messages.noWarehouse(o.db));
    return 2;
  }
  const { exportParquet } = await import('../lib/parquet.js');
  const done = await withDb(o.db, { readOnly: true }, (db) => exportParquet(db, o.parquet));
  for (const t of done.tables) console.log(messages.parquetTable(t.kind, t.table, t.rows, t.files));
  console.error(messages.parquetWritten(done.dir));
  return 0;
}

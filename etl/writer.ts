// The refresh's side of the warehouse writer (etl/writeWarehouse.ts): its tables handed
// over as Parquet, a fresh process started to write the file, its steps and outcome heard.

import { fork } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DbError, ident, literal, type Db } from '../lib/db.js';
import type { MeasuresOutcome } from './buildMeasures.js';
import { LoadFailure } from './loadFailure.js';
import { messages } from '../lib/messages.js';
import { handoffFile, type Handoff, type WriterMessage } from './writeWarehouse.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The writer's compiled script: beside this module when it runs compiled (dist/etl), or
 * in dist/ when the tests run the sources (`npm test` builds first).
 */
export function writerScript(): string {
  const compiled = here.endsWith(join('dist', 'etl')) ? join(here, 'writeWarehouse.js') : resolve(here, '../dist/etl/writeWarehouse.js');
  if (!existsSync(compiled)) throw new LoadFailure(`the warehouse writer ${compiled} is missing: run npm run build`);
  return compiled;
}

/** The folder the tables are handed over in, beside the new warehouse (removed with it). */
export function handoffDir(building: string): string {
  return `${building}.handoff`;
}

/**
 * Writes the tables of `catalog` (those of `only`, when given) to the handoff folder and
 * returns their CREATE statements in order.
 */
export async function handOver(db: Db, catalog: string, dir: string, only?: ReadonlySet<string>): Promise<Handoff['tables']> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const all = await db.all<{ name: string; sql: string }>(`SELECT table_name AS name, sql FROM duckdb_tables() WHERE database_name = $c ORDER BY table_oid`, {
    c: catalog,
  });
  const tables = only ? all.filter((t) => only.has(t.name)) : all;
  for (const t of tables) {
    await db.run(
      `COPY ${ident(catalog)}.${ident(t.name)} TO ${literal(handoffFile(dir, t.name))} (FORMAT parquet, COMPRESSION uncompressed)`,
      undefined,
      `handing over the table ${t.name}`,
    );
  }
  return tables;
}

/** A writer process, started early so that it is ready when the tables are handed over. */
export interface Writer {
  /** Hands the tables over and waits for the warehouse to be written and closed. */
  write(h: Handoff, onStep?: (step: string, how: 'built' | 'copied') => void): Promise<MeasuresOutcome>;
  /** Stops a writer that will not be needed (the refresh failed before the hand-over). */
  stop(): void;
  /** The writer's process id. */
  readonly pid: number | undefined;
}

/**
 * Starts the writer for the warehouse being built at `building`: it loads its code while
 * the refresh reads the files (it is handed nothing until the tables are complete).
 */
export function startWriter(building: string): Writer {
  const child = fork(writerScript(), ['--met-writer', building], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
  let onStep: ((step: string, how: 'built' | 'copied') => void) | undefined;
  let outcome: WriterMessage | null = null;
  let startError: Error | null = null;
  let isReady: () => void = () => {};
  const ready = new Promise<void>((res) => {
    isReady = res;
  });
  child.on('message', (m: WriterMessage) => {
    if (m.kind === 'ready') isReady();
    else if (m.kind === 'step') onStep?.(m.step, m.how);
    else outcome = m;
  });
  // A process that could not be started has no exit: its error ends it.
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.on('exit', (code, signal) => res({ code, signal }));
    child.on('error', (e) => {
      startError = e;
      res({ code: null, signal: null });
    });
  });
  return {
    async write(h, heard) {
      onStep = heard;
      // Ready, or gone before it could be (then `ended` says how).
      if ((await Promise.race([ready.then(() => true), ended.then(() => false)])) && child.connected) child.send(h);
      const { code, signal } = await ended;
      const o = outcome as WriterMessage | null;
      if (o?.kind === 'done' && code === 0) return o.measures;
      if (o?.kind === 'failed') throw o.message ? new LoadFailure(o.message) : new DbError(o.doing ?? 'writing the warehouse', new Error('failed'));
      if (startError) throw new DbError('starting the warehouse writer', startError);
      throw new LoadFailure(messages.writerStopped(signal ? `signal ${signal}` : `exit code ${code}`));
    },
    stop() {
      if (child.connected) child.disconnect();
    },
    pid: child.pid,
  };
}

// The refresh's side of the warehouse writer (etl/writeWarehouse.ts): its tables handed
// over as Parquet, a fresh process started to write the file, its steps and outcome heard.

import { fork } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ident, literal, type Db } from '../lib/db.js';
import type { MeasuresOutcome } from './buildMeasures.js';
import { DbError } from '../lib/db.js';
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

/** Writes every table of `catalog` to the handoff folder and returns their CREATE statements in order. */
export async function handOver(db: Db, catalog: string, dir: string): Promise<Handoff['tables']> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tables = await db.all<{ name: string; sql: string }>(
    `SELECT table_name AS name, sql FROM duckdb_tables() WHERE database_name = $c ORDER BY table_oid`,
    { c: catalog },
  );
  for (const t of tables) {
    await db.run(
      `COPY ${ident(catalog)}.${ident(t.name)} TO ${literal(handoffFile(dir, t.name))} (FORMAT parquet, COMPRESSION uncompressed)`,
      undefined,
      `handing over the table ${t.name}`,
    );
  }
  return tables;
}

/** Starts the writer, hands it the tables, and waits for the warehouse to be written and closed. */
export function runWriter(h: Handoff, onStep?: (step: string, how: 'built' | 'copied') => void): Promise<MeasuresOutcome> {
  return new Promise((res, rej) => {
    const child = fork(writerScript(), ['--met-writer', h.building], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    let outcome: WriterMessage | null = null;
    child.on('message', (m: WriterMessage) => {
      if (m.kind === 'step') onStep?.(m.step, m.how);
      else outcome = m;
    });
    child.on('error', (e) => rej(new DbError('starting the warehouse writer', e)));
    child.on('exit', (code, signal) => {
      const o = outcome as WriterMessage | null;
      if (o?.kind === 'done' && code === 0) res(o.measures);
      else if (o?.kind === 'failed') rej(o.message ? new LoadFailure(o.message) : new DbError(o.doing ?? 'writing the warehouse', new Error('failed')));
      else rej(new LoadFailure(messages.writerStopped(signal ? `signal ${signal}` : `exit code ${code}`)));
    });
    child.send(h);
  });
}

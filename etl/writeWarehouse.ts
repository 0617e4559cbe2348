// The warehouse file is written by a process whose memory never held a raw reference.
//
// A refresh reads the partner files, checks them and replaces every reference by its
// pseudonym in an in-memory database (etl/load.ts). Were the warehouse file written from
// that process, DuckDB would write whole blocks from memory it had used before, and the
// parts of a block its data does not fill can hold stale bytes: a scale-100 load left raw
// references in the file, in no table (docs/privacy.md, "Stale memory"). So the refresh
// hands its finished tables over as Parquet (which is written value by value) and this
// process, started fresh, makes the warehouse from them and builds the measures. The
// kernel gives a new process zeroed memory, and nothing it reads holds a raw reference.

import { constants, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { DbError, ident, literal, openDb } from '../lib/db.js';
import { buildMeasures, type MeasuresOutcome } from './buildMeasures.js';
import { LoadFailure } from './loadFailure.js';
import { profiled } from './profile.js';

/** What the refresh hands over: its tables (in the handoff folder, one Parquet file each) and what the measures need. */
export interface Handoff {
  /** The new warehouse file, created by the writer. */
  building: string;
  /** The folder of `<table>.parquet` files. */
  dir: string;
  /** Each table's name and its CREATE statement, in order. */
  tables: { name: string; sql: string }[];
  /** The live warehouse, for the measures a refresh need not rebuild, or null. */
  prev: string | null;
  /** The tables this refresh changed, or null for a full rebuild of the measures. */
  changed: string[] | null;
  /**
   * The new warehouse starts as a copy of the previous one (written by this writer, by
   * this build of the program), and the tables handed over replace its own: only those
   * the refresh changed are handed over. Otherwise it starts empty and every table is.
   */
  copyPrevious: boolean;
  /** DuckDB's memory for the measures, beyond which they spill beside the new file. */
  memoryLimit: string;
}

/** warehouse_meta's `file_writer`: the file was written by a process that never held a raw reference. */
export const WRITER_MARK = 'a fresh process that never held a raw reference';

/** What the writer tells the refresh. */
export type WriterMessage =
  | { kind: 'ready' }
  | { kind: 'step'; step: string; how: 'built' | 'copied' }
  | { kind: 'done'; measures: MeasuresOutcome }
  | { kind: 'failed'; doing: string | null; message: string | null };

/** The handoff folder's file for a table. */
export function handoffFile(dir: string, table: string): string {
  return join(dir, `${table}.parquet`);
}

/** Makes the warehouse from the handoff, builds its measures and closes it. */
export async function writeWarehouse(h: Handoff, onStep?: (step: string, how: 'built' | 'copied') => void): Promise<MeasuresOutcome> {
  const copying = h.copyPrevious && h.prev !== null && h.changed !== null;
  // A copy of the file, not of its blocks through this process: the tables the refresh did
  // not change are there already, with nothing to copy row by row.
  if (copying) copyFileSync(h.prev!, h.building, constants.COPYFILE_FICLONE);
  const db = await openDb(h.building, {
    config: { temp_directory: `${h.building}.tmp`, memory_limit: h.memoryLimit },
  });
  try {
    await profiled('tables from the handoff', async () => {
      for (const t of h.tables) {
        if (copying) await db.run(`DROP TABLE IF EXISTS ${ident(t.name)}`, undefined, `replacing the table ${t.name}`);
        await db.run(t.sql, undefined, `creating the table ${t.name}`);
        await db.run(
          `INSERT INTO ${ident(t.name)} SELECT * FROM read_parquet(${literal(handoffFile(h.dir, t.name))})`,
          undefined,
          `storing the table ${t.name}`,
        );
      }
    });
    // The mark that this file was written here: a later refresh may read it (etl/keyCheck.ts).
    await db.run(`INSERT INTO warehouse_meta VALUES ('file_writer', ${literal(WRITER_MARK)})`, undefined, 'marking the new warehouse');
    if (h.prev) await db.run(`ATTACH ${literal(h.prev)} AS prev (READ_ONLY)`, undefined, 'opening the live warehouse');
    const measures = await buildMeasures(
      db,
      onStep,
      undefined,
      h.prev && h.changed ? { prev: 'prev', changed: new Set(h.changed), startedFromPrevious: copying } : undefined,
    );
    await profiled('checkpoint', () => db.run('CHECKPOINT'));
    if (h.prev) await db.run('DETACH prev');
    return measures;
  } finally {
    db.close();
  }
}

/** The child's side: one handoff in on the IPC channel, steps and an outcome out. */
async function main(): Promise<void> {
  // The refresh that started this process has gone (killed): nothing is waiting for the file.
  const orphaned = () => process.exit(1);
  process.on('disconnect', orphaned);
  const send = (m: WriterMessage) => new Promise<void>((res) => process.send!(m, () => res()));
  // A message sent before this process listens would be lost: the refresh waits for this.
  const handed = new Promise<Handoff>((res) => process.once('message', (m) => res(m as Handoff)));
  await send({ kind: 'ready' });
  const h = await handed;
  let reply: WriterMessage;
  try {
    const steps: Promise<void>[] = [];
    const measures = await writeWarehouse(h, (step, how) => void steps.push(send({ kind: 'step', step, how })));
    await Promise.all(steps);
    reply = { kind: 'done', measures };
  } catch (e) {
    // DuckDB's own message can quote a value: only what was being done crosses over,
    // and the message itself goes to this terminal when MET_DEBUG=1 asks for it.
    if (process.env.MET_DEBUG === '1') console.error(e);
    reply = { kind: 'failed', doing: e instanceof DbError ? e.doing : null, message: e instanceof LoadFailure ? e.message : null };
  }
  await send(reply);
  process.off('disconnect', orphaned);
  process.disconnect();
}

if (process.send && process.argv[2] === '--met-writer') {
  void main();
}

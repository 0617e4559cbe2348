// Shared test helpers: temporary folders of extracts, a fixed pseudonymisation key,
// and quick reads of a warehouse file.

import { mkdirSync, mkdtempSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDb, type Row } from '../lib/db.js';

// Tests never touch the user's real key file.
export const TEST_KEY = 'test-key-for-the-met-dataset-0123456789';
process.env.MET_SECRET_KEY = TEST_KEY;

export function tempDir(prefix = 'met-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a folder of extracts; string contents are written as UTF-8. */
export function writeFolder(dir: string, files: Record<string, string | Buffer>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export async function query<T extends Row = Row>(db: string, sql: string, params?: Record<string, string | number>): Promise<T[]> {
  return withDb(db, { readOnly: true }, (d) => d.all<T>(sql, params));
}

export async function count(db: string, table: string): Promise<number> {
  const rows = await query<{ n: number }>(db, `SELECT count(*) AS n FROM ${table}`);
  return rows[0]!.n;
}

/**
 * A small population.csv: two or three localities per area, enough for locality
 * matching. Localities: Southampton: Bargate, Bitterne Park, Portswood;
 * Portsmouth: Fratton, Drayton and Farlington; Hampshire: Eastleigh; Isle of Wight: Ryde.
 */
export const POPULATION = [
  'year,area,locality,sex,age,population',
  '2024,Southampton,Bargate,F,15,100',
  '2024,Southampton,Bargate,M,15,110',
  '2024,Southampton,Bitterne Park,F,15,90',
  '2024,Southampton,Portswood,M,16,95',
  '2024,Portsmouth,Fratton,F,15,80',
  '2024,Portsmouth,Drayton and Farlington,M,15,70',
  '2024,Hampshire,Eastleigh,F,14,300',
  '2024,Isle of Wight,Ryde,M,13,60',
].join('\n');

export const EPISODE_HEADER =
  'episode_id,source,child_ref,dob,sex,ethnicity,disability,looked_after,placement_type,placed_out_of_area,area,locality,classification,reported_at,returned_at,found_locality,risk_grading';

/** One valid episode row, with fields overridden by name. */
export function episode(over: Record<string, string> = {}): string {
  const base: Record<string, string> = {
    episode_id: 'E1',
    source: 'police',
    child_ref: 'SC0000001',
    dob: '2010-05-01',
    sex: 'F',
    ethnicity: 'White',
    disability: 'N',
    looked_after: 'Y',
    placement_type: 'foster',
    placed_out_of_area: 'N',
    area: 'Southampton',
    locality: 'Bargate',
    classification: 'missing',
    reported_at: '2025-03-02 09:00',
    returned_at: '2025-03-02 21:00',
    found_locality: 'Portswood',
    risk_grading: 'medium',
  };
  const row = { ...base, ...over };
  return EPISODE_HEADER.split(',')
    .map((c) => {
      const v = row[c] ?? '';
      return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    })
    .join(',');
}

export function episodes(...rows: string[]): string {
  return [EPISODE_HEADER, ...rows].join('\n') + '\n';
}

/**
 * A refresh job's end, waited on as an event: `GET /api/refresh/:job?wait=1` answers
 * when the job ends (a job still running after the server's hold is asked again). No
 * bound of time or count: a busy machine makes it slower, never wrong.
 */
export async function jobEnd<T extends { state: string }>(ask: (path: string) => Promise<T>, job: string): Promise<T> {
  for (;;) {
    const s = await ask(`/api/refresh/${job}?wait=1`);
    if (s.state !== 'running') return s;
  }
}

/** Resolves when `holds()` is true of a folder's entries, woken by the folder's change events (fs.watch). */
export async function whenFolder(dir: string, holds: () => boolean): Promise<void> {
  if (holds()) return;
  await new Promise<void>((resolve) => {
    const w = watch(dir, () => {
      if (holds()) {
        w.close();
        resolve();
      }
    });
    // It may have happened between the first look and the watch starting.
    if (holds()) {
      w.close();
      resolve();
    }
  });
}

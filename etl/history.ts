// The refresh history: each refresh's id, its report in the new warehouse, and failed
// refreshes, which must not touch the live file, logged beside it for the next success.

import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Db } from '../lib/db.js';
import type { LoadNotes, LoadReport } from '../model/loadReport.js';

export function refreshIdFor(d: Date): string {
  return `r${d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** Failed refreshes leave the warehouse untouched, so they are logged beside it and imported by the next success. */
export function failedLogPath(db: string): string {
  return db + '.failed-refreshes.jsonl';
}

/** The refresh and each of its files, in the new warehouse's history. */
export async function recordRefresh(db: Db, report: LoadReport, opts: { inDir: string; area?: string | undefined }, notes: LoadNotes): Promise<void> {
  await db.run(`INSERT INTO wh.refreshes VALUES ($id, $s::TIMESTAMP, $f::TIMESTAMP, $status, $input, $report)`, {
    id: report.refresh_id,
    s: report.started_at.replace('Z', ''),
    f: report.finished_at.replace('Z', ''),
    status: report.status,
    input: basename(resolve(opts.inDir)),
    report: JSON.stringify(report),
  });
  for (const f of report.files) {
    await db.run(
      `INSERT INTO wh.refresh_files VALUES ($r, $file, $source, $scope, $status, $sha, $enc, $read, $loaded, $q, $reasons,
               $absent::VARCHAR[], $dropped::VARCHAR[], $error)`,
      {
        r: report.refresh_id,
        file: f.file,
        source: f.source ?? null,
        scope: f.source?.startsWith('ssda903') ? (opts.area ?? '') : '',
        status: f.status,
        sha: f.sha256 ?? null,
        enc: f.status === 'loaded' ? (notes.converted.includes(f.file) ? 'windows-1252' : 'utf-8') : null,
        read: f.read ?? null,
        loaded: f.loaded ?? null,
        q: f.quarantined ?? null,
        reasons: f.reasons ? JSON.stringify(f.reasons) : null,
        absent: JSON.stringify(f.absent_columns ?? []),
        dropped: JSON.stringify(f.dropped_columns ?? []),
        error: f.error ?? null,
      },
    );
  }
}

export function logFailure(db: string, report: LoadReport): void {
  try {
    if (!existsSync(dirname(db))) return;
    appendFileSync(failedLogPath(db), JSON.stringify(report) + '\n', { mode: 0o600 });
  } catch {
    // The failure is on screen and in the report; a log that cannot be written must not hide it.
  }
}

export async function importFailures(db: Db, dbPath: string): Promise<void> {
  const path = failedLogPath(dbPath);
  if (!existsSync(path)) return;
  for (const line of readFileSync(path, 'utf-8').split('\n')) {
    if (!line.trim()) continue;
    let r: LoadReport;
    try {
      r = JSON.parse(line) as LoadReport;
    } catch {
      continue;
    }
    await db.run(
      `INSERT INTO wh.refreshes SELECT $id, $s::TIMESTAMP, $f::TIMESTAMP, 'failed', NULL, $report
       WHERE NOT EXISTS (SELECT 1 FROM wh.refreshes WHERE refresh_id = $id)`,
      { id: r.refresh_id, s: r.started_at.replace('Z', ''), f: (r.finished_at || r.started_at).replace('Z', ''), report: line },
    );
  }
}

// Refreshes started from the browser: the uploaded extracts are saved to a private
// temporary folder (mode 0700, under the system's temp folder), loaded with the same
// load() as `met load`, and the folder is deleted afterwards whatever happens. One
// refresh at a time: load() builds the new warehouse beside the live one under a name
// that is unique per process, not per call.

import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { load, type LoadReport } from '../etl/load.js';
import { sourceByFile, type AreaName } from '../etl/contract.js';

export interface Job {
  job: string;
  state: 'running' | 'done' | 'failed';
  progress: { done: number; total: number; label: string };
  /** Uploaded files that were not saved: not a contract file name, or sent twice. */
  refused_uploads: { file: string; reason: string }[];
  report?: LoadReport;
  error?: string;
}

/** A private folder for one upload. */
export function uploadDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'met-upload-'));
  chmodSync(dir, 0o700);
  return dir;
}

/**
 * The name an uploaded file is saved under: its base name, only if that is a file of
 * the contract (so a crafted name can never point outside the folder). Null otherwise.
 */
export function savedName(originalName: string): string | null {
  const name = basename(originalName.replace(/\\/g, '/'));
  const source = sourceByFile(name);
  return source ? source.file : null;
}

export class RefreshJobs {
  private readonly jobs = new Map<string, Job>();
  private running: string | null = null;

  constructor(private readonly db: string) {}

  busy(): boolean {
    return this.running !== null;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Starts load() on the folder in the background; the folder is removed when it ends. */
  start(dir: string, files: number, area: AreaName | undefined, refused: Job['refused_uploads'], onDone?: (job: Job) => void): Job {
    const job: Job = { job: randomUUID(), state: 'running', progress: { done: 0, total: files, label: 'starting' }, refused_uploads: refused };
    this.jobs.set(job.job, job);
    this.running = job.job;
    // Keep the last few jobs only: their reports are small, but the server runs for months.
    while (this.jobs.size > 20) this.jobs.delete(this.jobs.keys().next().value!);
    const db = resolve(this.db);
    void (async () => {
      try {
        mkdirSync(dirname(db), { recursive: true });
        const { report } = await load({
          inDir: dir,
          db,
          ...(area ? { area } : {}),
          onProgress: (done, total, label) => (job.progress = { done, total, label }),
        });
        job.report = report;
        job.state = report.status === 'loaded' ? 'done' : 'failed';
        if (report.error) job.error = report.error;
      } catch (e) {
        job.state = 'failed';
        job.error = `the refresh stopped unexpectedly: ${e instanceof Error ? e.message : String(e)}`;
      } finally {
        rmSync(dir, { recursive: true, force: true });
        this.running = null;
        onDone?.(job);
      }
    })();
    return job;
  }
}

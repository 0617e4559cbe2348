// Refreshes started from the browser. The uploaded extracts arrive in memory (bounded
// by the upload cap, server/upload.ts); just before the load they are written to a private
// folder (etl/privateDir.ts: memory-backed /dev/shm where there is one, mode 0700, named
// after this process so that a crash leaves it for the next start to sweep), loaded
// with the same load() as `met load`, and the folder is removed when the job ends,
// whatever happens. One refresh at a time: load() builds the new warehouse beside the
// live one under a name that is unique per process, not per call.

import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { load, type LoadReport } from '../etl/load.js';
import { sourceByFile, type AreaName } from '../etl/contract.js';
import { makePrivateDir } from '../etl/privateDir.js';

export interface Job {
  job: string;
  state: 'running' | 'done' | 'failed';
  progress: { done: number; total: number; label: string };
  /** Uploaded files that were not saved: not a contract file name, or sent twice. */
  refused_uploads: { file: string; reason: string }[];
  report?: LoadReport;
  error?: string;
}

/** One uploaded file held in memory: its contract file name and its bytes as received. */
export interface HeldFile {
  name: string;
  chunks: Buffer[] | null;
}

// Bytes of uploads held in memory now: counted in as each chunk is kept, and out only
// when the garbage collector has freed it, so the count shows what is really still held.
let heldNow = 0;
const freed = new FinalizationRegistry<number>((n) => {
  heldNow -= n;
});

/** Counts a chunk of an upload kept in memory (until it is garbage collected). */
export function holdChunk(chunk: Buffer): void {
  heldNow += chunk.length;
  freed.register(chunk, chunk.length);
}

/** Bytes of uploaded files this process holds in memory, not yet freed. */
export function uploadBytesHeld(): number {
  return heldNow;
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

/** Writes the held files into the folder (mode 0600), letting go of each file's bytes once written. */
async function writeHeld(dir: string, files: HeldFile[]): Promise<void> {
  for (const f of files) {
    const fh = await open(join(dir, f.name), 'wx', 0o600);
    try {
      for (const chunk of f.chunks ?? []) await fh.write(chunk);
    } finally {
      await fh.close();
    }
    f.chunks = null;
  }
}

export class RefreshJobs {
  private readonly jobs = new Map<string, Job>();
  /** Each job's end, as an event: GET /api/refresh/:job?wait=1 waits on it. */
  private readonly ends = new Map<string, Promise<void>>();
  private running: string | null = null;

  constructor(private readonly db: string) {}

  busy(): boolean {
    return this.running !== null;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Resolves when the job has ended (at once for an ended or unknown job). */
  ended(id: string): Promise<void> {
    return this.ends.get(id) ?? Promise.resolve();
  }

  /**
   * Starts the refresh in the background: the held files are written to a private
   * folder, load() runs on it, and the folder is removed when the job ends. The list of
   * held files is emptied at once, so nothing else keeps the uploaded bytes alive.
   */
  start(held: HeldFile[], area: AreaName | undefined, refused: Job['refused_uploads'], onDone?: (job: Job) => void): Job {
    const files = held.splice(0, held.length);
    const job: Job = { job: randomUUID(), state: 'running', progress: { done: 0, total: files.length, label: 'starting' }, refused_uploads: refused };
    this.jobs.set(job.job, job);
    this.running = job.job;
    // Keep the last few jobs only: their reports are small, but the server runs for months.
    while (this.jobs.size > 20) {
      const oldest = this.jobs.keys().next().value!;
      this.jobs.delete(oldest);
      this.ends.delete(oldest);
    }
    const db = resolve(this.db);
    const run = (async () => {
      let dir: string | null = null;
      try {
        dir = makePrivateDir('upload');
        try {
          await writeHeld(dir, files);
        } catch (e) {
          job.state = 'failed';
          job.error = `the uploaded files could not be saved for loading (${e instanceof Error && 'code' in e ? String((e as NodeJS.ErrnoException).code) : 'error'}): nothing was loaded`;
          return;
        } finally {
          files.length = 0;
        }
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
        if (dir) rmSync(dir, { recursive: true, force: true });
        this.running = null;
        onDone?.(job);
      }
    })();
    this.ends.set(job.job, run);
    return job;
  }
}

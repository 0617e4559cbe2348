// POST /api/refresh (analyst, same origin): an upload of extracts starts a refresh job;
// GET /api/refresh/:job: how it is going, and its load report when it is done.

import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import type { StateStore } from '../../state/store.js';
import { who } from '../audit.js';
import { RequestError } from '../../lib/measures.js';
import { analystOnly } from '../guards.js';
import { HttpError } from '../httpError.js';
import { parse, uploadFields } from '../queries.js';
import type { RefreshJobs } from '../refreshJobs.js';
import { readUpload, refuseByHeaders, startUpload } from '../upload.js';

export interface RefreshOptions {
  jobs: RefreshJobs;
  /** The cap on one upload, all files together, in bytes. */
  maxUploadBytes: number;
  log: Logger | null;
  /** The audit log's store (every upload and refresh is entered), or null for none. */
  state: StateStore | null;
}

/** 409 while another refresh runs. */
function refuseWhileBusy(jobs: RefreshJobs): void {
  if (jobs.busy()) throw new HttpError(409, 'a refresh is already running: wait for it to finish, then try again');
}

/** The upload read, the files it kept: a RequestError when none can be used. */
function keptFiles(req: Request) {
  const u = req.met.upload!;
  for (const name of u.ambiguous) {
    u.held = u.held.filter((h) => h.name !== name);
    u.saved.delete(name);
    u.refused.push({ file: name, reason: `another file of this upload also names ${name}, so neither was loaded: send one` });
  }
  if (u.saved.size === 0) {
    throw new RequestError(
      u.refused.length
        ? `no file could be used: ${u.refused.map((r) => `${r.file} (${r.reason})`).join('; ')}`
        : `send one or more CSV extracts in the multipart field 'files'`,
    );
  }
  return u;
}

/** The longest a GET /api/refresh/:job?wait=1 is held before it answers a running job's state. */
const WAIT_MS = 25_000;

export function refreshRoutes({ jobs, maxUploadBytes, log, state }: RefreshOptions): Router {
  const router = Router();
  router.post(
    '/api/refresh',
    // Everything that can be judged from the headers is, before a byte of the body is read.
    (req, res, next) => {
      analystOnly(req, 'a refresh');
      refuseByHeaders(req, maxUploadBytes);
      refuseWhileBusy(jobs);
      startUpload(req, res);
      next();
    },
    readUpload(maxUploadBytes),
    (req, res) => {
      const fields = parse(uploadFields, req.body ?? {});
      const u = keptFiles(req);
      refuseWhileBusy(jobs);
      // Only contract file names (the held files'): a refused name is counted, never stored.
      const files = u.held.map((h) => h.name);
      const by = who(req);
      const job = jobs.start(u.held, fields.area, u.refused, (j) => {
        log?.info({ job: j.job, state: j.state }, 'refresh finished');
        state?.audit.append({
          event: 'refresh',
          ...by,
          target: j.job,
          detail: {
            result: j.state,
            refresh_id: j.report?.refresh_id ?? null,
            files: (j.report?.files ?? []).map((f) => ({ file: f.file, status: f.status })),
          },
        });
      });
      state?.audit.append({ event: 'upload', ...by, target: job.job, area: fields.area ?? null, detail: { files, refused: u.refused.length } });
      res.status(202).json({ job: job.job, refused_uploads: job.refused_uploads });
    },
  );
  router.get('/api/refresh/:job', async (req, res) => {
    analystOnly(req, 'a refresh');
    const job = jobs.get(String(req.params.job));
    if (!job) throw new HttpError(404, 'no such refresh job: jobs are kept while the server runs, for the last 20 refreshes');
    if (req.query.wait === undefined || job.state !== 'running') {
      res.json(job);
      return;
    }
    // ?wait=1: answered when the job ends, so that a client waits on the event rather
    // than asking again and again; after WAIT_MS with the job still running, its state then.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([jobs.ended(job.job), new Promise<void>((r) => (timer = setTimeout(r, WAIT_MS)))]);
    clearTimeout(timer);
    res.json(jobs.get(job.job) ?? job);
  });
  return router;
}

// The residual-risk audit run as a child process (lib/audit/cache.ts forks it): the
// integer programs take minutes of CPU, and in the server's own process they would stop
// it answering anyone. Reads the warehouse read-only, sends one message (the report or
// the error's message) to its parent, and exits.

import { withDb } from '../db.js';
import { residualRisk } from './residual.js';

interface Job {
  path: string;
  fy?: string;
  months?: boolean;
}

process.once('message', (job: Job) => {
  void withDb(job.path, { readOnly: true }, (db) =>
    residualRisk(db, { role: 'board', ...(job.fy ? { fy: job.fy } : {}), ...(job.months !== undefined ? { months: job.months } : {}) }),
  ).then(
    (report) => process.send?.({ ok: true, report }, () => process.exit(0)),
    (e: unknown) => process.send?.({ ok: false, error: e instanceof Error ? e.message : String(e) }, () => process.exit(0)),
  );
});

// The partner rule's residual risk (lib/audit/residual.ts) for the analyst's data page:
// worked out in the background once per refresh, the first time the page asks for it,
// in a child process of its own at the lowest priority (worker.ts: minutes of integer
// programming would otherwise stop the server answering), on a read-only connection (a
// refresh that renames a new warehouse over the file leaves it reading the old one to
// the end), and kept in memory for that refresh. Until it is done the page says it is
// being worked out. stopAudits() ends any still running (the server calls it on close).

import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ResidualReport } from './residual.js';

export type AuditState =
  | { state: 'working'; since: string }
  | { state: 'done'; report: ResidualReport | null; finished: string }
  | { state: 'failed'; error: string };

interface Entry {
  refreshId: string;
  state: AuditState;
  done: Promise<AuditState>;
}

/** One entry per warehouse path: the latest refresh asked for. */
const entries = new Map<string, Entry>();

/** The audits still running, so that a server closing can end them. */
const running = new Set<ChildProcess>();

/** Ends every audit still running (their entries then say they failed). */
export function stopAudits(): void {
  for (const child of running) child.kill('SIGTERM');
}

/** The compiled worker beside this module (from the TypeScript sources, as the tests run them: the build's). */
function workerPath(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../dist/lib/audit/worker.js', import.meta.url));
}

/** Runs the audit in a child process; its report, or why it failed. */
function inChild(path: string, scope: AuditScope): Promise<ResidualReport | null> {
  return new Promise((resolve, reject) => {
    const child = fork(workerPath(), [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    running.add(child);
    try {
      if (child.pid !== undefined) setPriority(child.pid, 19);
    } catch {
      // Lowering a child's priority is a courtesy: where it is refused, the audit runs all the same.
    }
    let answer: { ok: true; report: ResidualReport | null } | { ok: false; error: string } | null = null;
    child.on('message', (m: typeof answer) => {
      answer = m;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      running.delete(child);
      if (answer?.ok) resolve(answer.report);
      else reject(new Error(answer && !answer.ok ? answer.error : `the audit stopped (${signal ?? `exit ${code}`})`));
    });
    child.send({ path, ...scope });
  });
}

/** What to attack (residualRisk's options): by default the latest complete financial year, months included. */
export interface AuditScope {
  fy?: string;
  months?: boolean;
}

function begin(path: string, refreshId: string, scope: AuditScope, now: () => Date): Entry {
  const entry: Entry = { refreshId, state: { state: 'working', since: now().toISOString() }, done: Promise.resolve({ state: 'failed', error: '' }) };
  entry.done = inChild(path, scope).then(
    (report): AuditState => ({ state: 'done', report, finished: now().toISOString() }),
    (e: unknown): AuditState => ({ state: 'failed', error: e instanceof Error ? e.message : String(e) }),
  );
  void entry.done.then((s) => {
    entry.state = s;
  });
  return entry;
}

/** The audit of a warehouse's refresh: starts it if this refresh has none yet, and says where it is. */
export function residualFor(
  path: string,
  refreshId: string,
  scope: AuditScope = {},
  now: () => Date = () => new Date(),
): { state: AuditState; done: Promise<AuditState> } {
  let e = entries.get(path);
  if (!e || e.refreshId !== refreshId) {
    e = begin(path, refreshId, scope, now);
    entries.set(path, e);
  }
  return { state: e.state, done: e.done };
}

// The partner rule's residual risk (lib/audit/residual.ts) for the analyst's data page:
// worked out in the background once per refresh, the first time the page asks for it,
// on a read-only connection of its own (a refresh that renames a new warehouse over the
// file leaves it reading the old one to the end), and kept in memory for that refresh.
// Until it is done the page says it is being worked out.

import { withDb } from '../db.js';
import { residualRisk, type ResidualReport } from './residual.js';

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

/** Between solves the event loop runs, so that the server keeps answering. */
const pause = () => new Promise<void>((r) => setImmediate(r));

/** What to attack (residualRisk's options): by default the latest complete financial year, months included. */
export interface AuditScope {
  fy?: string;
  months?: boolean;
}

function begin(path: string, refreshId: string, scope: AuditScope, now: () => Date): Entry {
  const entry: Entry = { refreshId, state: { state: 'working', since: now().toISOString() }, done: Promise.resolve({ state: 'failed', error: '' }) };
  entry.done = withDb(path, { readOnly: true }, async (db) => {
    await pause();
    return residualRisk(db, { role: 'board', ...scope });
  }).then(
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

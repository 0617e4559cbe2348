// Every sentence the `met` command says to a person, in one place, so wording stays
// consistent and can be reviewed (and one day translated) without reading the logic.

import type { FileReport, LoadNotes, LoadReport } from '../etl/load.js';

export const messages = {
  keyCreated: (path: string) =>
    `A new pseudonymisation key was created at ${path} (readable by you only).\n` +
    `Keep it, and back it up apart from the warehouse: the same key is needed for every refresh, ` +
    `or children will not be linked across refreshes. Set MET_SECRET_KEY to use a key from elsewhere.`,
  keyFrom: (notes: LoadNotes) =>
    notes.key.origin === 'environment' ? 'Pseudonyms made with the key in MET_SECRET_KEY.' : `Pseudonyms made with the key file ${notes.key.path}.`,
  demoReusing: (db: string) => `Using the demo warehouse already at ${db} (delete the data/ folder to start again).`,
  demoGenerating: (dir: string) => `Generating the demo partner extracts in ${dir} …`,
  demoLoading: (db: string) => `Loading them into ${db} …`,
  generated: (dir: string, files: number, seconds: number) => `Wrote ${files} files to ${dir} in ${seconds.toFixed(1)} s.`,
  loadFailed: (error: string | undefined) => `The refresh failed: ${error ?? 'unknown error'}. The warehouse was left as it was.`,
  notYet: (command: string) => `met ${command} is not available yet in this version.`,
};

function plural(n: number, one: string, many = one + 's'): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

function fileLine(f: FileReport): string[] {
  if (f.status === 'refused') return [`  ✗ ${f.file}: REFUSED: ${f.error ?? ''}`, `    (this source keeps its previous data)`];
  const out = [
    `  ✓ ${f.file}: ${plural(f.read ?? 0, 'row')} read, ${(f.loaded ?? 0).toLocaleString('en-GB')} loaded, ${(f.quarantined ?? 0).toLocaleString('en-GB')} quarantined`,
  ];
  for (const [reason, n] of Object.entries(f.reasons ?? {})) out.push(`      ${String(n).padStart(6)}  ${reason}`);
  if (f.absent_columns?.length) out.push(`    columns not in the file (loaded as empty): ${f.absent_columns.join(', ')}`);
  if (f.dropped_columns?.length) out.push(`    columns outside the contract, dropped before storage: ${f.dropped_columns.join(', ')}`);
  return out;
}

export interface QuarantineExample {
  file: string;
  line: number;
  column: string | null;
  reason: string;
}

/** The report a person reads at the end of a load. */
export function humanLoadReport(report: LoadReport, notes: LoadNotes, examples: QuarantineExample[] = []): string {
  const lines: string[] = [];
  const ok = report.status === 'loaded';
  lines.push(ok ? `Refresh ${report.refresh_id} loaded into ${notes.db}` : `Refresh ${report.refresh_id} FAILED`);
  lines.push('');
  for (const f of report.files) lines.push(...fileLine(f));
  const idFiles = Object.entries(notes.identifiers);
  if (idFiles.length) {
    lines.push('');
    lines.push('Direct identifiers were sent and dropped (never stored). Ask the partner to stop sending them:');
    for (const [file, cols] of idFiles) lines.push(`  ${file}: ${cols.join(', ')}`);
  }
  if (notes.converted.length) {
    lines.push('');
    lines.push(`Read as Windows-1252 (Excel's "CSV") and converted to UTF-8: ${notes.converted.join(', ')}`);
  }
  if (examples.length) {
    lines.push('');
    lines.push('First rows to fix (file:line column: reason):');
    for (const e of examples) lines.push(`  ${e.file}:${e.line} ${e.column ?? ''}: ${e.reason}`);
  }
  const totals = report.files.reduce(
    (t, f) => ({ read: t.read + (f.read ?? 0), loaded: t.loaded + (f.loaded ?? 0), q: t.q + (f.quarantined ?? 0) }),
    { read: 0, loaded: 0, q: 0 },
  );
  lines.push('');
  lines.push(
    `In all: ${plural(totals.read, 'row')} read = ${totals.loaded.toLocaleString('en-GB')} loaded + ${totals.q.toLocaleString('en-GB')} quarantined; ` +
      `${plural(report.files.filter((f) => f.status === 'refused').length, 'file')} refused.`,
  );
  lines.push(messages.keyFrom(notes));
  if (!ok) lines.push(messages.loadFailed(report.error));
  return lines.join('\n');
}

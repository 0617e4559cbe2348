// The raw references a folder of generated extracts holds, and which of them a file's
// bytes hold: the check that a warehouse file never carries one, in a table or in the
// stale bytes of a block (etl/writeWarehouse.ts; docs/performance.md, "Stale memory").

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The generator's references (etl/generate/people.ts): two capital letters and seven digits. */
const REF = /[A-Z]{2}\d{7}/g;

/** Every reference-like word in the CSV files of `dir` and its subfolders. */
export function rawRefsOf(dir: string): Set<string> {
  const refs = new Set<string>();
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) for (const r of rawRefsOf(path)) refs.add(r);
    else if (e.name.endsWith('.csv')) for (const m of readFileSync(path, 'latin1').matchAll(/\b[A-Z]{2}\d{7}\b/g)) refs.add(m[0]);
  }
  return refs;
}

/** The references of `refs` that the bytes of `path` hold anywhere (not only as a whole word). */
export function refsInFile(path: string, refs: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const m of readFileSync(path, 'latin1').matchAll(REF)) if (refs.has(m[0])) found.add(m[0]);
  return [...found];
}

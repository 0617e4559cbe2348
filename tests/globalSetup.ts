// Once per test run: a folder of its own for every temporary file of the run (TMPDIR,
// which the test files' workers, the commands they start and Chromium inherit), removed
// at the end, so that a run leaves nothing behind; and in it a folder where test files
// share what is costly to build and only read (the demo warehouse, the browser tests'
// warehouse). Each is built by the first file that asks for it, while the others wait
// (tests/shared.ts).

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    sharedDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const run = mkdtempSync(join(tmpdir(), 'met-run-'));
  // Open to others (the data in it is synthetic): the hostile suite runs `met` as another user on folders inside it.
  chmodSync(run, 0o755);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = run;
  const dir = mkdtempSync(join(run, 'met-shared-'));
  project.provide('sharedDir', dir);
  return () => {
    rmSync(run, { recursive: true, force: true });
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  };
}

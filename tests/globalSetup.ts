// Once per test run: a fresh folder where test files share what is costly to build and
// only read (the demo warehouse, the browser tests' warehouse). Each is built by the
// first file that asks for it, while the others wait (tests/shared.ts); the folder goes
// at the end of the run.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    sharedDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'met-shared-'));
  project.provide('sharedDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

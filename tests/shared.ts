// What test files share within one run (tests/globalSetup.ts makes the folder): the
// first file to ask for a thing builds it, the others wait for it on file-system events
// (no polling, no sleep). A thing is only read once built: a test that changes a
// warehouse copies it first. Outside a run (no folder provided), each file builds its own.

import { existsSync, mkdirSync, readFileSync, renameSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { tempDir } from './helpers.js';

interface Outcome<T> {
  ok: boolean;
  value?: T;
  error?: string;
}

/**
 * The thing called `name`, built once per test run by `build(dir)` in a folder of its
 * own; its value (JSON) is what every file gets.
 */
export async function shared<T>(name: string, build: (dir: string) => Promise<T>): Promise<T> {
  const root = inject('sharedDir');
  if (!root) return build(tempDir(`met-${name}-`));
  const dir = join(root, name);
  const done = join(root, `${name}.json`);
  let builder = true;
  try {
    mkdirSync(dir); // atomic: one file wins and builds
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    builder = false;
  }
  if (builder) {
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await build(dir) };
    } catch (e) {
      outcome = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    writeFileSync(`${done}.tmp`, JSON.stringify(outcome));
    renameSync(`${done}.tmp`, done);
    if (!outcome.ok) throw new Error(`building the shared ${name} failed: ${outcome.error}`);
    return outcome.value as T;
  }
  await new Promise<void>((resolve, reject) => {
    const watcher = watch(root, () => {
      if (existsSync(done)) {
        watcher.close();
        resolve();
      }
    });
    watcher.on('error', reject);
    // It may have been finished before the watch began.
    if (existsSync(done)) {
      watcher.close();
      resolve();
    }
  });
  const outcome = JSON.parse(readFileSync(done, 'utf8')) as Outcome<T>;
  if (!outcome.ok) throw new Error(`building the shared ${name} failed (in another test file): ${outcome.error}`);
  return outcome.value as T;
}

// Private folders for raw data that must touch a file system for a moment: a
// Windows-1252 file's UTF-8 copy (DuckDB reads files, not strings) and a refresh's
// uploaded extracts. They hold raw child and offender references, so they live in
// memory-backed storage (/dev/shm) where there is one, readable by this user only,
// and are named after the process that made them: a process killed before it could
// remove its folder leaves it behind, and the next `met load` or `met serve` on this
// machine removes it (sweepPrivateDirs) before doing anything else.

import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type PrivateKind = 'csv' | 'upload';

const PREFIX = 'met-private-';

/** Memory-backed where the machine has it; the system's temporary folder otherwise. */
export function privateBase(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** A new folder, mode 0700, named `met-private-<kind>-<pid>-` and six random characters. */
export function makePrivateDir(kind: PrivateKind): string {
  const dir = mkdtempSync(join(privateBase(), `${PREFIX}${kind}-${process.pid}-`));
  chmodSync(dir, 0o700);
  return dir;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid a private folder's name carries, or null for a name that is not one of ours. */
export function ownerPid(name: string): number | null {
  const m = /^met-private-(?:csv|upload)-(\d+)-/.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Folders of the naming that versions before private folders used (`met-upload-` or
 * `met-csv-` and six random characters, no pid): swept once they have not changed for an hour, as no refresh
 * of those versions can still be using them.
 */
const LEGACY = /^met-(?:upload|csv)-[A-Za-z0-9]{6}$/;
const LEGACY_AGE_MS = 60 * 60 * 1000;

function staleLegacy(path: string, name: string): boolean {
  if (!LEGACY.test(name)) return false;
  try {
    return Date.now() - statSync(path).mtimeMs > LEGACY_AGE_MS;
  } catch {
    return false;
  }
}

/**
 * Removes every private folder whose process is gone, in memory-backed storage and in
 * the temporary folder. Returns how many it removed (never their contents' names).
 */
export function sweepPrivateDirs(bases: string[] = [...new Set([privateBase(), tmpdir()])]): number {
  let removed = 0;
  for (const base of bases) {
    let names: string[];
    try {
      names = readdirSync(base);
    } catch {
      continue;
    }
    for (const name of names) {
      const pid = ownerPid(name);
      const legacy = pid === null && staleLegacy(join(base, name), name);
      if (!legacy && (pid === null || pid === process.pid || pidAlive(pid))) continue;
      try {
        rmSync(join(base, name), { recursive: true, force: true });
        removed++;
      } catch {
        // Someone else's folder, or already gone: nothing of ours to do.
      }
    }
  }
  return removed;
}

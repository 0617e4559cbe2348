// One refresh at a time per warehouse, across processes: a lock file beside the
// warehouse (`FILE.lock`), taken for the whole refresh and removed when it ends. It
// holds who took it (process id, host, when, and the process's start tick so that a
// reused process id is not mistaken for the holder), and nothing else.
//
// The lock is made whole before it appears: its content is written to a private
// file first and then hard-linked to the lock's name, which fails if the lock exists
// (as O_EXCL does). So a lock file is never seen half-written. A lock whose process is
// gone (same host) is stale: the next load removes it and says so.

import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** The process's start tick from /proc (Linux), to tell a reused process id apart. */
  proc_start?: string;
}

export class LockBusy extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: LockHolder | null,
  ) {
    super('the warehouse is locked by another refresh');
    this.name = 'LockBusy';
  }
}

export interface HeldLock {
  path: string;
  /** A stale lock this one replaced, if any. */
  recovered: LockHolder | null;
  release(): void;
}

export function lockPathFor(db: string): string {
  return db + '.lock';
}

/** Locks held by this process: a second load() in the same process is refused too. */
const heldHere = new Set<string>();

/** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
export function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf-8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a lock file; null when it is gone or not one of ours. */
export function readLock(path: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf-8');
  } catch {
    return null;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.since === 'string') return h;
  } catch {
    // fall through
  }
  return null;
}

/**
 * True when the holder is certainly gone: on this host, and its process id is not
 * running, or is running but started at another time (the id was reused). A lock of
 * another host is never judged stale: only a person can know that process is gone.
 */
export function isStale(h: LockHolder, path?: string): boolean {
  if (h.host !== hostname()) return false;
  // Our own process id: a lock this process holds is in heldHere; any other was left
  // by an earlier process that had the same id (a restarted container, say).
  if (h.pid === process.pid) return path !== undefined && !heldHere.has(path);
  if (!pidAlive(h.pid)) return true;
  const now = procStart(h.pid);
  return h.proc_start !== undefined && now !== undefined && now !== h.proc_start;
}

function writeWhole(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes this lock's private drafts left by processes killed before they linked them. */
function removeStaleDrafts(lockPath: string): void {
  const dir = dirname(lockPath);
  const prefix = basename(lockPath) + '.draft-';
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const pid = Number(n.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) rmSync(join(dir, n), { force: true });
  }
}

/** One attempt: the lock, or LockBusy naming its holder. */
export function tryLock(db: string): HeldLock {
  const path = lockPathFor(db);
  if (heldHere.has(path)) throw new LockBusy(path, readLock(path));
  mkdirSync(dirname(path), { recursive: true });
  removeStaleDrafts(path);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const start = procStart(process.pid);
  if (start !== undefined) me.proc_start = start;
  const draft = `${path}.draft-${process.pid}`;
  let recovered: LockHolder | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    rmSync(draft, { force: true });
    writeWhole(draft, JSON.stringify(me) + '\n');
    try {
      linkSync(draft, path);
      rmSync(draft, { force: true });
      heldHere.add(path);
      return {
        path,
        recovered,
        release: () => {
          heldHere.delete(path);
          // Only our own lock is removed: never one another process took meanwhile.
          const h = readLock(path);
          if (h && h.pid === me.pid && h.host === me.host && h.since === me.since) rmSync(path, { force: true });
        },
      };
    } catch (e) {
      rmSync(draft, { force: true });
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readLock(path);
    if (holder === null) {
      // Not a lock this program wrote (it writes whole files only): do not guess.
      throw new LockBusy(path, null);
    }
    if (!isStale(holder, path)) throw new LockBusy(path, holder);
    // Stale: move it aside under a name of our own, and check it is still the stale
    // one (another load may have recovered it and taken a fresh lock meanwhile).
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = readLock(aside);
    if (moved && moved.pid === holder.pid && moved.since === holder.since) {
      rmSync(aside, { force: true });
      recovered = holder;
    } else {
      // We moved a fresh lock: put it back (if a third load got in first, it holds the lock).
      try {
        linkSync(aside, path);
      } catch {
        // another holder exists: ours is refused below
      }
      rmSync(aside, { force: true });
      throw new LockBusy(path, readLock(path) ?? moved);
    }
  }
  throw new LockBusy(path, readLock(path));
}

/**
 * The lock, waiting up to `waitSeconds` for a running refresh to finish (checking
 * twice a second); `onWait` is told once who holds it. Throws LockBusy when time is up.
 */
export async function acquireLock(db: string, waitSeconds = 0, onWait?: (holder: LockHolder | null, path: string) => void): Promise<HeldLock> {
  const deadline = Date.now() + waitSeconds * 1000;
  let told = false;
  for (;;) {
    try {
      return tryLock(db);
    } catch (e) {
      if (!(e instanceof LockBusy) || Date.now() >= deadline) throw e;
      if (!told) onWait?.(e.holder, e.lockPath);
      told = true;
      await new Promise((r) => setTimeout(r, Math.min(500, Math.max(10, deadline - Date.now()))));
    }
  }
}

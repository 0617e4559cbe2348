// The switch-over: the new warehouse is built beside the live one and renamed over it
// in one atomic step; half-built files of killed loads are removed by the next.

import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes half-built warehouses left by loads that were killed. */
export function removeStaleBuilds(db: string): void {
  const dir = dirname(db);
  const prefix = basename(db) + '.building-';
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix)) continue;
    const pid = Number(f.slice(prefix.length).split('.')[0]);
    if (!Number.isFinite(pid) || !pidAlive(pid) || pid === process.pid) rmSync(join(dir, f), { recursive: true, force: true });
  }
}

export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Where the new warehouse is built (`FILE.building-PID`), cleared of anything a killed load left. */
export function prepareBuild(dbPath: string): string {
  removeStaleBuilds(dbPath);
  const building = `${dbPath}.building-${process.pid}`;
  rmSync(building, { force: true });
  rmSync(building + '.wal', { force: true });
  return building;
}

/** A failed build goes, with its spill folder; the live warehouse was never touched. */
export function discardBuild(building: string): void {
  rmSync(building + '.tmp', { recursive: true, force: true });
  rmSync(building, { force: true });
  rmSync(building + '.wal', { force: true });
}

/**
 * The switch-over: one atomic rename. Readers that have the old file open keep reading
 * it. The warehouse holds dates of birth and pseudonyms: readable by its owner only.
 */
export function switchOver(building: string, dbPath: string): void {
  rmSync(building + '.tmp', { recursive: true, force: true });
  chmodSync(building, 0o600);
  fsyncPath(building);
  rmSync(building + '.wal', { force: true });
  renameSync(building, dbPath);
  fsyncPath(dirname(dbPath));
}

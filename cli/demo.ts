// `npm start`: the product on its built-in demo data. The first start generates the
// synthetic extracts and loads them, and makes one demo account per role (and one
// limited to Southampton) with random passwords printed once; later starts reuse what
// exists. Then the dashboard is served with sign-in on port 8080 (PORT to change),
// until Ctrl-C.

import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AreaName } from '../model/areas.js';
import type { Role } from '../model/roles.js';
import { hashPassword } from '../state/passwords.js';
import { defaultStatePath, StateStore } from '../state/store.js';
import { MEASURES } from '../lib/catalogue.js';
import { withDb } from '../lib/db.js';
import { measuresNotBuilt } from '../lib/measures.js';
import { messages } from '../lib/messages.js';
import { runGenerate, runLoad } from './commands.js';
import { runServe } from './serve.js';

export const DEMO_SEED = 2026;

export async function runDemo(dir: string, opts: { serve?: boolean } = {}): Promise<number> {
  const code = await prepareDemo(dir);
  if (code !== 0 || opts.serve === false) return code;
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number from 0 to 65535, not '${process.env.PORT}'`);
    return 2;
  }
  const db = join(resolve(dir), 'met.duckdb');
  await demoAccounts(db);
  return runServe({ db, port, host: '127.0.0.1' });
}

/** The demo accounts: one per role, and a board member limited to one area. */
export const DEMO_ACCOUNTS: { name: string; role: Role; area: AreaName | null }[] = [
  { name: 'analyst', role: 'analyst', area: null },
  { name: 'board', role: 'board', area: null },
  { name: 'commissioner', role: 'commissioner', area: null },
  { name: 'public', role: 'public', area: null },
  { name: 'board-southampton', role: 'board', area: 'Southampton' },
];

/**
 * Makes the demo accounts that do not exist yet, with random passwords printed once
 * (only their hashes are kept); says so when they all exist. Returns the new passwords.
 */
export async function demoAccounts(db: string, print: (line: string) => void = (l) => console.error(l)): Promise<Map<string, string>> {
  const state = new StateStore(defaultStatePath(db));
  const made = new Map<string, string>();
  try {
    for (const a of DEMO_ACCOUNTS) {
      if (state.accounts.byName(a.name)) continue;
      // 18 random bytes: 24 characters of base64url.
      const password = randomBytes(18).toString('base64url');
      state.accounts.addLocal({ ...a, passwordHash: await hashPassword(password) });
      state.audit.append({
        event: 'account',
        account: a.name,
        role: a.role,
        account_area: a.area,
        address: 'command line',
        detail: { action: 'added (demo)' },
      });
      made.set(a.name, password);
    }
  } finally {
    state.close();
  }
  if (made.size > 0) {
    print('Demo accounts (these passwords are shown this once: note them now):');
    for (const a of DEMO_ACCOUNTS) {
      const p = made.get(a.name);
      if (p) print(`  ${a.name.padEnd(18)} ${p}   (${a.role}${a.area ? `, ${a.area} only` : ''})`);
    }
  } else {
    print(`The demo accounts exist (${DEMO_ACCOUNTS.map((a) => a.name).join(', ')}): to set a new password,  npx met user reset NAME --db ${db}`);
  }
  return made;
}

/** Generates and loads the demo warehouse, once. */
export async function prepareDemo(dir: string): Promise<number> {
  const root = resolve(dir);
  const extracts = join(root, 'extracts');
  const db = join(root, 'met.duckdb');
  if (existsSync(db)) {
    // A demo warehouse of an older version lacks measures this one reads: made again,
    // with its extracts (the generator may write more files now); accounts are kept.
    const missing = await withDb(db, { readOnly: true }, (d) => measuresNotBuilt(d, MEASURES));
    if (missing.length === 0) {
      console.error(messages.demoReusing(db));
      return 0;
    }
    console.error(messages.demoStale(db, missing.length));
    rmSync(db);
    rmSync(extracts, { recursive: true, force: true });
  }
  if (!existsSync(join(extracts, 'missing_episodes.csv'))) {
    console.error(messages.demoGenerating(extracts));
    const code = await runGenerate({ out: extracts, seed: DEMO_SEED, scale: 1 });
    if (code !== 0) return code;
  }
  console.error(messages.demoLoading(db));
  const loaded = await runLoad({ inDir: extracts, db, json: false });
  if (loaded !== 0) return loaded;
  // The SSDA903 return is the Isle of Wight's social care source, loaded with its area.
  const ssda = join(extracts, 'ssda903-isle-of-wight');
  if (existsSync(ssda)) return runLoad({ inDir: ssda, db, area: 'Isle of Wight', json: false });
  return 0;
}

// `npm start`'s demo accounts: one per role and a board member limited to Southampton,
// made on the first start with random passwords printed once (only hashes kept); a
// later start says they exist and how to set a new password. A demo warehouse left by an
// older version is made again.

import { describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, TEST_KEY } from '../helpers.js';
import { DEMO_ACCOUNTS, demoAccounts, prepareDemo } from '../../cli/demo.js';
import { withDb } from '../../lib/db.js';
import { demoWarehouse } from '../demo.js';

const BIN = join(import.meta.dirname, '../../bin/met.js');
import { checkPassword } from '../../state/passwords.js';
import { StateStore } from '../../state/store.js';

describe('the demo accounts', () => {
  it('are made once, each password printed once and kept only as its hash', async () => {
    const db = join(tempDir('met-demo-'), 'met.duckdb');
    const first: string[] = [];
    const made = await demoAccounts(db, (l) => first.push(l));
    expect([...made.keys()]).toEqual(['analyst', 'board', 'commissioner', 'public', 'board-southampton']);
    expect(first[0]).toBe('Demo accounts (these passwords are shown this once: note them now):');
    expect(first).toHaveLength(6);
    expect(first[5]).toBe(`  board-southampton  ${made.get('board-southampton')}   (board, Southampton only)`);
    // 24 characters of base64url: 18 random bytes, all different.
    for (const p of made.values()) expect(p).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(new Set(made.values()).size).toBe(5);

    const s = new StateStore(`${db}.state.sqlite`);
    try {
      for (const a of DEMO_ACCOUNTS) {
        const stored = s.accounts.byName(a.name)!;
        expect({ role: stored.role, area: stored.area }).toEqual({ role: a.role, area: a.area });
        expect(await checkPassword(stored.password_hash, made.get(a.name)!)).toBe(true);
      }
      s.checkpoint();
    } finally {
      s.close();
    }
    const bytes = readFileSync(`${db}.state.sqlite`);
    for (const p of made.values()) expect(bytes.includes(Buffer.from(p))).toBe(false);

    const second: string[] = [];
    expect((await demoAccounts(db, (l) => second.push(l))).size).toBe(0);
    expect(second).toEqual([
      `The demo accounts exist (analyst, board, commissioner, public, board-southampton): to set a new password,  npx met user reset NAME --db ${db}`,
    ]);
  });
});

describe('a demo warehouse of an older version', () => {
  it('is refused by met measures with the fix (exit 2), and made again by the next npm start', async () => {
    // The shared demo warehouse, copied, with one measure unbuilt: what an older version left.
    const dir = tempDir('met-demo-stale-');
    const db = join(dir, 'met.duckdb');
    copyFileSync((await demoWarehouse()).db, db);
    await withDb(db, {}, (d) => d.run(`DELETE FROM measures_built WHERE measure = 'service_waiting'`));
    const r = spawnSync(process.execPath, [BIN, 'measures', '--db', db, '--period', '2026-Q3'], {
      encoding: 'utf-8',
      env: { ...process.env, MET_SECRET_KEY: TEST_KEY },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'met measures: the warehouse has no measure service_waiting: the SQL that builds it did not run or does not write it; refresh the warehouse (met load) with this version\n',
    );
    const said: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((l: string) => said.push(l));
    try {
      expect(await prepareDemo(dir)).toBe(0);
    } finally {
      error.mockRestore();
    }
    expect(said[0]).toBe(`The demo warehouse at ${db} was made by an older version (1 measure of this one missing): making it again.`);
    expect(await withDb(db, { readOnly: true }, (d) => d.value<number>(`SELECT count(*) FROM measures_built WHERE measure = 'service_waiting'`))).toBe(1);
    // Made again from new extracts, with the files this version's generator writes.
    expect(existsSync(join(dir, 'extracts', 'services.csv'))).toBe(true);
  });
});

// `npm start`'s demo accounts: one per role and a board member limited to Southampton,
// made on the first start with random passwords printed once (only hashes kept); a
// later start says they exist and how to set a new password.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { DEMO_ACCOUNTS, demoAccounts } from '../../cli/demo.js';
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

// The keyed hash computed inside DuckDB (what the load uses) gives the very text of
// pseudonymise(), HMAC-SHA-256 in base64url: existing warehouses and links rely on it.

import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { openDb } from '../../lib/db.js';
import { hmacBlocks, pseudonymSql, pseudonymise } from '../../etl/pseudonym.js';

async function sqlPseudonyms(key: Buffer, refs: string[]): Promise<string[]> {
  const db = await openDb(':memory:');
  try {
    const { inner, outer } = hmacBlocks(key);
    await db.run(`CREATE TABLE k AS SELECT unhex($inner) AS ki, unhex($outer) AS ko`, { inner, outer });
    await db.run(`CREATE TABLE refs (i INTEGER, r VARCHAR)`);
    for (const [i, r] of refs.entries()) await db.run(`INSERT INTO refs VALUES ($i, $r)`, { i, r });
    const rows = await db.all<{ p: string }>(`SELECT ${pseudonymSql('refs.r', 'k')} AS p FROM refs, k ORDER BY i`);
    return rows.map((x) => x.p);
  } finally {
    db.close();
  }
}

describe('pseudonyms in SQL', () => {
  const refs = ['SC0000001', 'SC0000002', ' padded ', 'é-ü ref 👍', 'x'.repeat(300)];

  it.each([
    ['a 16-character key from MET_SECRET_KEY', Buffer.from('key-one-01234567')],
    ['a 32-byte key file', Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex')],
    ['a 64-byte key (one whole block)', Buffer.alloc(64, 7)],
    ['a 100-byte key (longer than a block: hashed first)', Buffer.alloc(100, 'k')],
  ])('equal pseudonymise() for %s', async (_what, key) => {
    const got = await sqlPseudonyms(key, refs);
    // Worked out independently: Node's own HMAC-SHA-256, base64url, first 22 characters.
    const want = refs.map((r) => createHmac('sha256', key).update(r, 'utf-8').digest('base64url').slice(0, 22));
    expect(got).toEqual(want);
    expect(got).toEqual(refs.map((r) => pseudonymise(key, r)));
    expect(new Set(got).size).toBe(refs.length);
    for (const p of got) expect(p).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('depend on the key', async () => {
    const [a] = await sqlPseudonyms(Buffer.from('key-one-01234567'), ['SC0000001']);
    const [b] = await sqlPseudonyms(Buffer.from('key-two-01234567'), ['SC0000001']);
    expect(a).not.toBe(b);
  });
});

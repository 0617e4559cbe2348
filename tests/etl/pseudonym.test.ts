import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSecretKey, pseudonymise } from '../../etl/pseudonym.js';
import { tempDir } from '../helpers.js';

describe('pseudonyms', () => {
  it('are HMAC-SHA-256 of the reference under the key: stable, keyed, and not the reference', () => {
    const k1 = Buffer.from('key-one-0123456789');
    const k2 = Buffer.from('key-two-0123456789');
    // HMAC-SHA-256("key-one-0123456789", "SC0000001"), base64url, first 22 characters: computed independently below.
    const expected = createHmac('sha256', k1).update('SC0000001').digest('base64url').slice(0, 22);
    expect(pseudonymise(k1, 'SC0000001')).toBe(expected);
    expect(pseudonymise(k1, 'SC0000001')).toHaveLength(22);
    expect(pseudonymise(k2, 'SC0000001')).not.toBe(expected);
    expect(pseudonymise(k1, 'SC0000002')).not.toBe(expected);
  });

  it('without MET_SECRET_KEY, a key file is created once with mode 0600 and reused', () => {
    const saved = process.env.MET_SECRET_KEY;
    delete process.env.MET_SECRET_KEY;
    try {
      const path = join(tempDir(), 'config', 'met', 'secret.key');
      const first = loadSecretKey(path);
      expect(first).toMatchObject({ origin: 'key file', created: true, path });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const second = loadSecretKey(path);
      expect(second.created).toBe(false);
      expect(second.key.equals(first.key)).toBe(true);
      expect(readFileSync(path, 'utf-8').trim()).toBe(first.key.toString('base64'));
    } finally {
      process.env.MET_SECRET_KEY = saved;
    }
  });

  it('refuses a short MET_SECRET_KEY', () => {
    const saved = process.env.MET_SECRET_KEY;
    process.env.MET_SECRET_KEY = 'short';
    try {
      expect(() => loadSecretKey('/nonexistent')).toThrow(/too short/);
    } finally {
      process.env.MET_SECRET_KEY = saved;
    }
  });
});

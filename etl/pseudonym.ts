// Keyed pseudonyms for child and offender references (HMAC-SHA-256). The key lives
// apart from the data: short references could be recovered by anyone holding both.

import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface SecretKey {
  key: Buffer;
  /** Where the key came from, for the report: never the key itself. */
  origin: 'environment' | 'key file';
  path?: string;
  /** True when this call created the key file. */
  created: boolean;
}

export function defaultKeyPath(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'met', 'secret.key');
}

/**
 * The installation's secret: `MET_SECRET_KEY` when set, else the key file (by default
 * under the user's configuration folder), created with mode 0600 on first use.
 */
export function loadSecretKey(keyPath = process.env.MET_KEY_FILE || defaultKeyPath()): SecretKey {
  const fromEnv = process.env.MET_SECRET_KEY;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 16) throw new Error('MET_SECRET_KEY is too short: use at least 16 characters (32 random bytes is best)');
    return { key: Buffer.from(fromEnv, 'utf-8'), origin: 'environment', created: false };
  }
  if (existsSync(keyPath)) {
    const mode = statSync(keyPath).mode & 0o777;
    if (mode & 0o077) chmodSync(keyPath, 0o600);
    const key = Buffer.from(readFileSync(keyPath, 'utf-8').trim(), 'base64');
    if (key.length < 16) throw new Error(`the key file ${keyPath} is damaged (fewer than 16 bytes); restore it from its backup`);
    return { key, origin: 'key file', path: keyPath, created: false };
  }
  mkdirSync(dirname(keyPath), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(keyPath, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, origin: 'key file', path: keyPath, created: true };
}

/**
 * 22 characters of base64url (132 bits): short enough to store cheaply, far too long
 * to collide, and unlike hex it rarely contains a run of digits that could be
 * mistaken for a numeric reference.
 */
export function pseudonymise(key: Buffer, reference: string): string {
  return createHmac('sha256', key).update(reference, 'utf-8').digest('base64url').slice(0, 22);
}

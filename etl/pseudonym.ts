// Keyed pseudonyms for child and offender references (HMAC-SHA-256). The key lives
// apart from the data: short references could be recovered by anyone holding both.

import { createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Db } from '../lib/db.js';
import { messages } from '../lib/messages.js';

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

/** A key that cannot be used: missing where one is needed, too short, or damaged. Its message is for a person. */
export class KeyProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyProblem';
  }
}

export interface KeyOptions {
  /** Create the key file when it does not exist (default true). */
  create?: boolean;
}

/**
 * The installation's secret: `MET_SECRET_KEY` when set, else the key file (by default
 * under the user's configuration folder), created with mode 0600 on first use unless
 * `create` is false. Throws KeyProblem, with what to do, for a key that cannot be used.
 */
export function loadSecretKey(keyPath = process.env.MET_KEY_FILE || defaultKeyPath(), opts: KeyOptions = {}): SecretKey {
  const fromEnv = process.env.MET_SECRET_KEY;
  if (fromEnv !== undefined && fromEnv !== '') {
    // Blank, short or made of a few characters repeated: a key anyone could guess.
    if (fromEnv.trim() === '') throw new KeyProblem(messages.keyEnvBlank);
    if (fromEnv.length < 16) throw new KeyProblem(messages.keyEnvShort(fromEnv.length));
    const distinct = new Set(fromEnv).size;
    if (distinct < 8) throw new KeyProblem(messages.keyEnvWeak(distinct));
    return { key: Buffer.from(fromEnv, 'utf-8'), origin: 'environment', created: false };
  }
  if (existsSync(keyPath)) {
    let text: string;
    try {
      if (!statSync(keyPath).isFile()) throw new Error('not a file');
      const mode = statSync(keyPath).mode & 0o777;
      if (mode & 0o077) chmodSync(keyPath, 0o600);
      text = readFileSync(keyPath, 'utf-8').trim();
    } catch (e) {
      throw new KeyProblem(messages.keyUnreadable(keyPath, (e as NodeJS.ErrnoException).code ?? 'not a file'));
    }
    // The file holds the base64 of 32 random bytes, as this program writes it; anything
    // else (empty, cut short, edited) is damaged rather than quietly a different key.
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0 ? Buffer.from(text, 'base64') : null;
    if (key === null || key.length < 16) throw new KeyProblem(messages.keyDamaged(keyPath, text.length === 0));
    return { key, origin: 'key file', path: keyPath, created: false };
  }
  if (opts.create === false) throw new KeyProblem(messages.keyMissing(keyPath));
  try {
    mkdirSync(dirname(keyPath), { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    writeFileSync(keyPath, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return { key, origin: 'key file', path: keyPath, created: true };
  } catch (e) {
    throw new KeyProblem(messages.keyUnwritable(keyPath, (e as NodeJS.ErrnoException).code ?? String(e)));
  }
}

/**
 * What the warehouse stores to recognise its key: an HMAC of a fixed text under the
 * key, 16 hex characters. It tells keys apart and reveals nothing about the key.
 */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('met-dataset key fingerprint v1', 'utf-8').digest('hex').slice(0, 16);
}

/**
 * 22 characters of base64url (132 bits): short enough to store cheaply, far too long
 * to collide, and unlike hex it rarely contains a run of digits that could be
 * mistaken for a numeric reference.
 */
export function pseudonymise(key: Buffer, reference: string): string {
  return createHmac('sha256', key).update(reference, 'utf-8').digest('base64url').slice(0, 22);
}

/**
 * The two key blocks of HMAC-SHA-256 (RFC 2104: the key, hashed first when longer than
 * the 64-byte block, zero-padded, XOR 0x36 and XOR 0x5c), as hex: what `pseudonymSql`
 * needs to compute `pseudonymise` inside DuckDB.
 */
export function hmacBlocks(key: Buffer): { inner: string; outer: string } {
  const block = Buffer.alloc(64);
  (key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
  return {
    inner: Buffer.from(block.map((b) => b ^ 0x36)).toString('hex'),
    outer: Buffer.from(block.map((b) => b ^ 0x5c)).toString('hex'),
  };
}

/**
 * `pseudonymise` as a SQL expression, the same text for the same key and reference:
 * sha256(outer block || sha256(inner block || reference as UTF-8)), in base64url, 22
 * characters. `ref` is a VARCHAR expression; `blocks` names a relation whose BLOB columns
 * `ki` and `ko` hold the key blocks (`hmacBlocks`, unhexed). DuckDB computes it on all
 * its threads, where a JavaScript function is called one chunk at a time.
 */
export function pseudonymSql(ref: string, blocks: string): string {
  return `translate(left(to_base64(unhex(sha256(${blocks}.ko || unhex(sha256(${blocks}.ki || encode(${ref})))))), 22), '+/', '-_')`;
}

// The key is held for the load's in-memory connection only, never written to it.
const keys = new WeakMap<Db['connection'], Buffer>();

/**
 * Gives this (in-memory) connection the key of the keyed hash, which `pseudonymKey`
 * returns to the stage (stage.ts) to pseudonymise references in SQL.
 */
export function registerPseudonym(db: Db, key: Buffer): void {
  keys.set(db.connection, key);
}

/** The key given to this connection by `registerPseudonym`. */
export function pseudonymKey(db: Db): Buffer {
  const key = keys.get(db.connection);
  if (!key) throw new Error('no key was registered for this connection');
  return key;
}

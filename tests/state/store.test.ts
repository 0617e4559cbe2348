// The state store beside the warehouse: its file (mode, WAL, schema version), accounts
// (names, roles and areas checked; argon2id only), sessions by the token's hash with
// idle and absolute timeouts on an injected clock, the lockout rule, and the audit
// log that refuses every UPDATE and DELETE.

import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../helpers.js';
import { checkPassword, hashPassword } from '../../state/passwords.js';
import { DEFAULT_LOCKOUT, defaultStatePath, SCHEMA_VERSION, sha256, StateError, StateStore } from '../../state/store.js';

const ROOT = resolve(import.meta.dirname, '../..');
const open: StateStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function store(now?: () => number, path = join(tempDir('met-state-'), 'met.duckdb.state.sqlite')): StateStore {
  const s = new StateStore(path, now ? { now } : {});
  open.push(s);
  return s;
}

describe('the state file', () => {
  it('lies beside the warehouse, private, in WAL mode, with its schema version', () => {
    expect(defaultStatePath('/srv/met/met.duckdb')).toBe('/srv/met/met.duckdb.state.sqlite');
    const dir = join(tempDir('met-state-'), 'fresh');
    const s = store(undefined, join(dir, 'x.state.sqlite'));
    expect(statSync(s.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    s.audit.append({ event: 'view' });
    // The WAL and its index are created under the same mask.
    expect(statSync(`${s.path}-wal`).mode & 0o777).toBe(0o600);
    const raw = new Database(s.path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
  });

  it('refuses a state file of a newer schema than the program knows', () => {
    const s = store();
    const path = s.path;
    s.close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => new StateStore(path)).toThrow(/newer version/);
  });

  it('is made once when several processes open a new state file at the same moment', async () => {
    // Two servers started together on one warehouse both found version 0 and both made
    // the schema: the second died with "table accounts already exists". Eight processes
    // wait on one signal file, then open the same new state file at once.
    const dir = tempDir('met-state-race-');
    const path = join(dir, 'met.duckdb.state.sqlite');
    const go = join(dir, 'go');
    const store = pathToFileURL(join(ROOT, 'dist/state/store.js')).href;
    const script = `
      import { existsSync } from 'node:fs';
      const { StateStore } = await import(${JSON.stringify(store)});
      while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setImmediate(r));
      new StateStore(${JSON.stringify(path)}).close();`;
    const children = Array.from({ length: 8 }, () => spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] }));
    const ended = children.map(
      (c) =>
        new Promise<{ code: number | null; err: string }>((resolve) => {
          let err = '';
          c.stderr!.on('data', (d) => {
            err += d;
          });
          c.on('exit', (code) => resolve({ code, err }));
        }),
    );
    writeFileSync(go, '');
    for (const r of await Promise.all(ended)) expect(r).toEqual({ code: 0, err: '' });
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
  });
});

describe('accounts', () => {
  it('keeps a local account with its argon2id hash, never the password', async () => {
    const s = store();
    const password = 'correct horse battery staple 71';
    const hash = await hashPassword(password);
    expect(hash.startsWith('$argon2id$')).toBe(true);
    const a = s.accounts.addLocal({ name: 'ann.board', role: 'board', area: 'Portsmouth', passwordHash: hash });
    expect(a).toMatchObject({ name: 'ann.board', role: 'board', area: 'Portsmouth', disabled: false });
    expect(await checkPassword(s.accounts.byName('ANN.BOARD')!.password_hash, password)).toBe(true);
    expect(await checkPassword(s.accounts.byName('ann.board')!.password_hash, `${password}x`)).toBe(false);
    // An unknown name is checked against a dummy hash, and fails.
    expect(await checkPassword(null, password)).toBe(false);
    s.checkpoint();
    expect(readFileSync(s.path).includes(Buffer.from(password))).toBe(false);
  });

  it('checks names, roles, areas and that only a hash is stored', () => {
    const s = store();
    const h = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';
    expect(() => s.accounts.addLocal({ name: 'a', role: 'board', area: null, passwordHash: h })).toThrow(/2 to 64 characters/);
    expect(() => s.accounts.addLocal({ name: 'bad name', role: 'board', area: null, passwordHash: h })).toThrow(StateError);
    expect(() => s.accounts.addLocal({ name: 'ana', role: 'analyst', area: 'Hampshire', passwordHash: h })).toThrow(/cannot be limited to an area/);
    expect(() => s.accounts.addLocal({ name: 'bob', role: 'board', area: 'Atlantis' as never, passwordHash: h })).toThrow(/the area must be/);
    expect(() => s.accounts.addLocal({ name: 'bob', role: 'board', area: null, passwordHash: 'plain text password' })).toThrow(/argon2id/);
    s.accounts.addLocal({ name: 'bob', role: 'board', area: null, passwordHash: h });
    expect(() => s.accounts.addLocal({ name: 'BOB', role: 'public', area: null, passwordHash: h })).toThrow(/already an account named BOB/);
  });

  it('finds and updates a person of single sign-on by issuer and subject', () => {
    const s = store();
    expect(s.accounts.findByExternal('https://idp.example', 'sub-1')).toBeNull();
    const a = s.accounts.upsertExternal({ issuer: 'https://idp.example', subject: 'sub-1', name: 'cara', role: 'commissioner', area: null });
    const b = s.accounts.upsertExternal({ issuer: 'https://idp.example', subject: 'sub-1', name: 'cara', role: 'board', area: 'Hampshire' });
    expect(b.id).toBe(a.id);
    expect(s.accounts.findByExternal('https://idp.example', 'sub-1')).toMatchObject({ name: 'cara', role: 'board', area: 'Hampshire' });
    expect(s.accounts.findByExternal('https://other.example', 'sub-1')).toBeNull();
  });
});

describe('sessions', () => {
  it('end after 30 minutes idle or 12 hours in all, on the injected clock', () => {
    let t = Date.UTC(2026, 10, 30, 9, 0);
    const s = store(() => t);
    const a = s.accounts.addLocal({ name: 'dee', role: 'public', area: null, passwordHash: '$argon2id$x' });
    const idle = 30 * 60_000;
    const absolute = 12 * 3_600_000;
    s.sessions.create(sha256('token-1'), a.id, 'password');
    // Used every 29 minutes: alive through 24 uses (11 h 36 min) …
    for (let i = 0; i < 24; i++) {
      t += 29 * 60_000;
      expect(s.sessions.use(sha256('token-1'), idle, absolute), `use ${i + 1}`).not.toBeNull();
    }
    // … and the 25th use, at 12 h 05 min after sign-in, is past the absolute timeout.
    t += 29 * 60_000;
    expect(s.sessions.use(sha256('token-1'), idle, absolute)).toBeNull();
    // Gone for good, even if the clock went back.
    expect(s.sessions.countFor(a.id)).toBe(0);

    s.sessions.create(sha256('token-2'), a.id, 'password');
    // The sweep at each sign-in removes sessions past a timeout only: token-2 and token-stale (idle 31 minutes) go, token-2b (new) stays.
    s.sessions.create(sha256('token-stale'), a.id, 'password');
    t += 31 * 60_000;
    s.sessions.create(sha256('token-2b'), a.id, 'password');
    expect(s.sessions.sweep(idle, absolute)).toBe(2);
    expect(s.sessions.countFor(a.id)).toBe(1);
    s.sessions.create(sha256('token-2'), a.id, 'password');
    t += 30 * 60_000;
    expect(s.sessions.use(sha256('token-2'), idle, absolute)).not.toBeNull();
    t += 30 * 60_000 + 1;
    expect(s.sessions.use(sha256('token-2'), idle, absolute)).toBeNull();
  });

  it('end when the account is disabled or its password reset', () => {
    const s = store();
    const a = s.accounts.addLocal({ name: 'eve', role: 'board', area: null, passwordHash: '$argon2id$x' });
    s.sessions.create(sha256('t1'), a.id, 'password');
    s.sessions.create(sha256('t2'), a.id, 'password');
    expect(s.sessions.countFor(a.id)).toBe(2);
    s.accounts.resetPassword('eve', '$argon2id$y');
    expect(s.sessions.countFor(a.id)).toBe(0);
    s.sessions.create(sha256('t3'), a.id, 'password');
    s.accounts.disable('eve');
    expect(s.sessions.use(sha256('t3'), 1e9, 1e9)).toBeNull();
  });
});

describe('the lockout', () => {
  it('locks an account after 5 failures in 15 minutes, and an address after 20, until the window passes', () => {
    let t = 1_000_000_000_000;
    const s = store(() => t);
    const a = s.accounts.addLocal({ name: 'fay', role: 'board', area: null, passwordHash: '$argon2id$x' });
    for (let i = 0; i < 4; i++) s.attempts.record(a.id, '10.0.0.1', false);
    expect(s.attempts.locked(a.id, '10.0.0.2', DEFAULT_LOCKOUT)).toBe(false);
    s.attempts.record(a.id, '10.0.0.1', false);
    // 5 failures: locked from any address.
    expect(s.attempts.locked(a.id, '10.0.0.2', DEFAULT_LOCKOUT)).toBe(true);
    t += 15 * 60_000;
    expect(s.attempts.locked(a.id, '10.0.0.2', DEFAULT_LOCKOUT)).toBe(false);
    // An address: 20 failures on any names (unknown ones too) lock it for every account.
    for (let i = 0; i < 19; i++) s.attempts.record(null, '10.0.0.9', false);
    expect(s.attempts.locked(a.id, '10.0.0.9', DEFAULT_LOCKOUT)).toBe(false);
    s.attempts.record(null, '10.0.0.9', false);
    expect(s.attempts.locked(a.id, '10.0.0.9', DEFAULT_LOCKOUT)).toBe(true);
    expect(s.attempts.locked(null, '10.0.0.9', DEFAULT_LOCKOUT)).toBe(true);
    expect(s.attempts.locked(a.id, '10.0.0.10', DEFAULT_LOCKOUT)).toBe(false);
  });

  it('counts an account’s failures since its last successful sign-in', () => {
    const t = 1_000_000_000_000;
    const s = store(() => t);
    const a = s.accounts.addLocal({ name: 'gil', role: 'board', area: null, passwordHash: '$argon2id$x' });
    for (let i = 0; i < 4; i++) s.attempts.record(a.id, '10.0.0.1', false);
    s.attempts.record(a.id, '10.0.0.1', true);
    s.attempts.record(a.id, '10.0.0.1', false);
    // 1 failure since the success (the 4 before it are forgiven): not locked.
    expect(s.attempts.locked(a.id, '10.0.0.1', DEFAULT_LOCKOUT)).toBe(false);
  });
});

describe('the audit log', () => {
  it('is append-only: UPDATE and DELETE are refused by the file itself', () => {
    const s = store(() => Date.UTC(2026, 10, 30, 12));
    s.audit.append({
      event: 'view',
      account: 'hal',
      role: 'board',
      target: 'page overview',
      area: 'Southampton',
      period: '2025-Q3',
      ages: '0-17',
      status: 200,
    });
    s.audit.append({ event: 'sign-out', account: 'hal' });
    expect(s.audit.read({ limit: 10, offset: 0 })).toMatchObject({
      total: 2,
      entries: [{ event: 'sign-out' }, { event: 'view', at: '2026-11-30T12:00:00.000Z' }],
    });
    const raw = new Database(s.path);
    expect(() => raw.prepare("UPDATE audit SET account = 'someone else'").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    raw.close();
    expect(s.audit.read({ event: 'view', limit: 10, offset: 0 }).total).toBe(1);
    expect(s.audit.read({ account: 'HAL', limit: 1, offset: 1 })).toMatchObject({ total: 2, entries: [{ event: 'view' }] });
  });
});

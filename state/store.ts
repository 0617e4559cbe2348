// The state store: accounts, sessions, login attempts and the audit log, in one SQLite
// file beside the warehouse (never in it: the warehouse is replaced whole at every
// refresh, and the server only reads it). Default path `<warehouse>.state.sqlite`.
// The file is its owner's only (0600, its folder 0700 when the store makes it), in WAL
// mode with a busy timeout so that the server and `met user` can share it. The schema
// is versioned by PRAGMA user_version. The audit log is append-only: triggers refuse
// any UPDATE or DELETE of it.
//
// What is stored of a secret: a password only as its argon2id hash, a session token
// only as its SHA-256. Nothing here imports outside model/.

import type { AuditEntry as ApiAuditEntry } from '../model/api.js';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AreaName, isArea } from '../model/areas.js';
import { ROLES, type Role } from '../model/roles.js';

export const SCHEMA_VERSION = 1;

/** The state file of a warehouse: beside it, never in it. */
export function defaultStatePath(warehouse: string): string {
  return `${warehouse}.state.sqlite`;
}

export interface Account {
  id: number;
  name: string;
  role: Role;
  area: AreaName | null;
  disabled: boolean;
  /** An account of single sign-on: its identity provider and the person's subject there. */
  issuer: string | null;
  subject: string | null;
  /** Who set the role and area: the analyst, or (single sign-on) the claims of the person's last sign-in. */
  role_from: 'analyst' | 'claims';
  created_at: string;
  updated_at: string;
}

/** An account as it was found for a sign-in: with its password hash (never leaves the server). */
export interface AccountWithHash extends Account {
  password_hash: string | null;
}

export interface SessionRow {
  account: Account;
  created_at: number;
  last_seen: number;
  how: string;
}

/** One line of the audit log as stored: the API's entry (model/api.ts) with its detail as JSON text. */
export type AuditEntry = Omit<ApiAuditEntry, 'detail'> & { detail: string | null };

export type AuditInput = Omit<Partial<AuditEntry>, 'id' | 'at' | 'detail'> & { event: string; detail?: Record<string, unknown> };

export interface AuditFilter {
  event?: string;
  account?: string;
  since?: string;
  until?: string;
  limit: number;
  offset: number;
}

export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

/** Names of local accounts: letters, digits, dot, dash, underscore, @; 2–64 characters; starts with a letter or digit. */
export function nameProblem(name: string): string | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/.test(name)) {
    return 'a name is 2 to 64 characters: letters, digits, dot, dash, underscore or @, starting with a letter or digit';
  }
  return null;
}

export const MIN_PASSWORD_LENGTH = 12;

export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `a password must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  if ([...password].length > 1024) return 'a password must be at most 1024 characters long';
  return null;
}

/** An account's role and area together: an analyst sees the whole partnership, so has no area. */
export function roleAreaProblem(role: string, area: string | null): string | null {
  if (!(ROLES as readonly string[]).includes(role)) return `the role must be one of ${ROLES.join(', ')}`;
  if (area !== null && !isArea(area)) return 'the area must be Southampton, Portsmouth, Hampshire or Isle of Wight';
  if (role === 'analyst' && area !== null) return 'an analyst account sees the whole partnership (record-level detail), so it cannot be limited to an area';
  return null;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const SCHEMA = `
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('analyst', 'board', 'commissioner', 'public')),
  area TEXT CHECK (area IS NULL OR area IN ('Southampton', 'Portsmouth', 'Hampshire', 'Isle of Wight')),
  password_hash TEXT CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%'),
  issuer TEXT,
  subject TEXT,
  role_from TEXT NOT NULL DEFAULT 'analyst' CHECK (role_from IN ('analyst', 'claims')),
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (issuer, subject)
);
CREATE TABLE sessions (
  token_sha256 TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  how TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);
CREATE TABLE login_attempts (
  id INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts(id),
  address TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  ok INTEGER NOT NULL
);
CREATE INDEX login_attempts_account ON login_attempts(account_id, at_ms);
CREATE INDEX login_attempts_address ON login_attempts(address, at_ms);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  event TEXT NOT NULL,
  account TEXT,
  role TEXT,
  account_area TEXT,
  address TEXT,
  area TEXT,
  period TEXT,
  ages TEXT,
  target TEXT,
  status INTEGER,
  detail TEXT
);
CREATE INDEX audit_event ON audit(event, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

interface AccountRow {
  id: number;
  name: string;
  role: Role;
  area: AreaName | null;
  password_hash: string | null;
  issuer: string | null;
  subject: string | null;
  role_from: 'analyst' | 'claims';
  disabled: number;
  created_at: string;
  updated_at: string;
}

function toAccount(r: AccountRow): Account {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    area: r.area,
    disabled: r.disabled === 1,
    issuer: r.issuer,
    subject: r.subject,
    role_from: r.role_from,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export interface StateOptions {
  /** The clock (milliseconds since the epoch): tests inject one. */
  now?: () => number;
}

/** Accounts: local (a password hash) or of single sign-on (issuer and subject). */
export class Accounts {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  list(): Account[] {
    return (this.db.prepare('SELECT * FROM accounts ORDER BY name').all() as AccountRow[]).map(toAccount);
  }

  byName(name: string): AccountWithHash | null {
    const r = this.db.prepare('SELECT * FROM accounts WHERE name = ?').get(name) as AccountRow | undefined;
    return r ? { ...toAccount(r), password_hash: r.password_hash } : null;
  }

  byId(id: number): Account | null {
    const r = this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
    return r ? toAccount(r) : null;
  }

  /** A new local account; the hash is argon2id (state/passwords.ts). */
  addLocal(a: { name: string; role: Role; area: AreaName | null; passwordHash: string }): Account {
    this.check(a.name, a.role, a.area);
    if (!a.passwordHash.startsWith('$argon2id$')) throw new StateError('a password is stored only as its argon2id hash');
    if (this.byName(a.name)) throw new StateError(`there is already an account named ${a.name}`);
    const at = this.iso();
    const info = this.db
      .prepare('INSERT INTO accounts (name, role, area, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(a.name, a.role, a.area, a.passwordHash, at, at);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  /** The account of a person of single sign-on, or null. */
  findByExternal(issuer: string, subject: string): Account | null {
    const r = this.db.prepare('SELECT * FROM accounts WHERE issuer = ? AND subject = ?').get(issuer, subject) as AccountRow | undefined;
    return r ? toAccount(r) : null;
  }

  /**
   * Creates the account of a person of single sign-on, or updates its name, role and
   * area (a disabled account stays disabled). Such an account has no password.
   */
  upsertExternal(a: { issuer: string; subject: string; name: string; role: Role; area: AreaName | null; roleFrom?: 'analyst' | 'claims' }): Account {
    this.check(a.name, a.role, a.area);
    if (!a.issuer || !a.subject) throw new StateError('an account of single sign-on needs its issuer and subject');
    const at = this.iso();
    const from = a.roleFrom ?? 'analyst';
    const found = this.findByExternal(a.issuer, a.subject);
    const clash = this.byName(a.name);
    if (clash && clash.id !== found?.id) throw new StateError(`there is already an account named ${a.name}`);
    if (found) {
      this.db
        .prepare('UPDATE accounts SET name = ?, role = ?, area = ?, role_from = ?, updated_at = ? WHERE id = ?')
        .run(a.name, a.role, a.area, from, at, found.id);
      return this.byId(found.id)!;
    }
    const info = this.db
      .prepare('INSERT INTO accounts (name, role, area, issuer, subject, role_from, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(a.name, a.role, a.area, a.issuer, a.subject, from, at, at);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  /** Disables an account and ends its sessions. */
  disable(name: string): Account {
    const a = this.byName(name);
    if (!a) throw new StateError(`there is no account named ${name}`);
    this.db.transaction(() => {
      this.db.prepare('UPDATE accounts SET disabled = 1, updated_at = ? WHERE id = ?').run(this.iso(), a.id);
      this.db.prepare('DELETE FROM sessions WHERE account_id = ?').run(a.id);
    })();
    return this.byId(a.id)!;
  }

  /** A new password hash for a local account: its sessions end, failed attempts are forgotten, and it is enabled again. */
  resetPassword(name: string, passwordHash: string): Account {
    const a = this.byName(name);
    if (!a) throw new StateError(`there is no account named ${name}`);
    if (a.issuer) throw new StateError(`${name} signs in through single sign-on and has no password here`);
    if (!passwordHash.startsWith('$argon2id$')) throw new StateError('a password is stored only as its argon2id hash');
    this.db.transaction(() => {
      this.db.prepare('UPDATE accounts SET password_hash = ?, disabled = 0, updated_at = ? WHERE id = ?').run(passwordHash, this.iso(), a.id);
      this.db.prepare('DELETE FROM sessions WHERE account_id = ?').run(a.id);
      this.db.prepare('DELETE FROM login_attempts WHERE account_id = ? AND ok = 0').run(a.id);
    })();
    return this.byId(a.id)!;
  }

  private check(name: string, role: string, area: string | null): void {
    const problem = nameProblem(name) ?? roleAreaProblem(role, area);
    if (problem) throw new StateError(problem);
  }
}

/** Sessions, by the SHA-256 of their token only. */
export class Sessions {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  create(tokenSha256: string, accountId: number, how: string): void {
    const t = this.now();
    this.db
      .prepare('INSERT INTO sessions (token_sha256, account_id, how, created_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)')
      .run(tokenSha256, accountId, how, t, t);
  }

  /**
   * The session of a token's hash if it is still valid (not idle for longer than
   * `idleMs`, not older than `absoluteMs`, its account enabled), touched; else it is
   * ended and null returned.
   */
  use(tokenSha256: string, idleMs: number, absoluteMs: number): SessionRow | null {
    const r = this.db
      .prepare(`SELECT s.created_ms, s.last_seen_ms, s.how, a.* FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_sha256 = ?`)
      .get(tokenSha256) as (AccountRow & { created_ms: number; last_seen_ms: number; how: string }) | undefined;
    if (!r) return null;
    const t = this.now();
    if (r.disabled === 1 || t - r.last_seen_ms > idleMs || t - r.created_ms > absoluteMs) {
      this.end(tokenSha256);
      return null;
    }
    this.db.prepare('UPDATE sessions SET last_seen_ms = ? WHERE token_sha256 = ?').run(t, tokenSha256);
    return { account: toAccount(r), created_at: r.created_ms, last_seen: t, how: r.how };
  }

  end(tokenSha256: string): boolean {
    return this.db.prepare('DELETE FROM sessions WHERE token_sha256 = ?').run(tokenSha256).changes > 0;
  }

  /** How many sessions an account has (tests, `met user list`). */
  countFor(accountId: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM sessions WHERE account_id = ?').get(accountId) as { n: number }).n;
  }

  /** Removes sessions past either timeout (run now and then; a stale one is refused anyway). */
  sweep(idleMs: number, absoluteMs: number): number {
    const t = this.now();
    return this.db.prepare('DELETE FROM sessions WHERE last_seen_ms < ? OR created_ms < ?').run(t - idleMs, t - absoluteMs).changes;
  }
}

export interface LockoutRule {
  /** Failures of one account within the window that lock it. */
  perAccount: number;
  /** Failures from one address within the window that lock it. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LOCKOUT: LockoutRule = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };

/** Login attempts: per account and per address, for the lockout. */
export class LoginAttempts {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  record(accountId: number | null, address: string, ok: boolean): void {
    this.db.prepare('INSERT INTO login_attempts (account_id, address, at_ms, ok) VALUES (?, ?, ?, ?)').run(accountId, address, this.now(), ok ? 1 : 0);
  }

  /**
   * True when the account or the address has had too many failures within the window:
   * an account's failures count since its last successful sign-in.
   */
  locked(accountId: number | null, address: string, rule: LockoutRule): boolean {
    const since = this.now() - rule.windowMs;
    if (this.addressLocked(address, rule)) return true;
    if (accountId === null) return false;
    const lastOk =
      (this.db.prepare('SELECT max(at_ms) AS t FROM login_attempts WHERE account_id = ? AND ok = 1').get(accountId) as { t: number | null }).t ?? 0;
    const byAccount = (
      this.db.prepare('SELECT count(*) AS n FROM login_attempts WHERE account_id = ? AND ok = 0 AND at_ms > ?').get(accountId, Math.max(since, lastOk)) as {
        n: number;
      }
    ).n;
    return byAccount >= rule.perAccount;
  }

  /** True when the address has had too many failures within the window, whatever the names tried. */
  addressLocked(address: string, rule: LockoutRule): boolean {
    const since = this.now() - rule.windowMs;
    const byAddress = (
      this.db.prepare('SELECT count(*) AS n FROM login_attempts WHERE address = ? AND ok = 0 AND at_ms > ?').get(address, since) as { n: number }
    ).n;
    return byAddress >= rule.perAddress;
  }

  /** Forgets attempts older than a day. */
  sweep(): void {
    this.db.prepare('DELETE FROM login_attempts WHERE at_ms < ?').run(this.now() - 86_400_000);
  }
}

/** The audit log: append-only (no UPDATE or DELETE: the triggers refuse them). */
export class AuditLog {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  append(e: AuditInput): void {
    this.db
      .prepare(
        `INSERT INTO audit (at, event, account, role, account_area, address, area, period, ages, target, status, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        new Date(this.now()).toISOString(),
        e.event,
        e.account ?? null,
        e.role ?? null,
        e.account_area ?? null,
        e.address ?? null,
        e.area ?? null,
        e.period ?? null,
        e.ages ?? null,
        e.target ?? null,
        e.status ?? null,
        e.detail === undefined ? null : JSON.stringify(e.detail),
      );
  }

  /** Newest first, filtered; with the total that matches. */
  read(f: AuditFilter): { total: number; entries: AuditEntry[] } {
    const where = `(@event IS NULL OR event = @event) AND (@account IS NULL OR account = @account COLLATE NOCASE)
                   AND (@since IS NULL OR at >= @since) AND (@until IS NULL OR at < @until)`;
    const params = { event: f.event ?? null, account: f.account ?? null, since: f.since ?? null, until: f.until ?? null };
    const total = (this.db.prepare(`SELECT count(*) AS n FROM audit WHERE ${where}`).get(params) as { n: number }).n;
    const entries = this.db
      .prepare(`SELECT * FROM audit WHERE ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: f.limit, offset: f.offset }) as AuditEntry[];
    return { total, entries };
  }
}

/** The state store of one installation. */
export class StateStore {
  readonly accounts: Accounts;
  readonly sessions: Sessions;
  readonly attempts: LoginAttempts;
  readonly audit: AuditLog;
  readonly now: () => number;
  private readonly db: Database.Database;

  constructor(
    readonly path: string,
    opts: StateOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    const folder = dirname(path);
    if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 });
    const fresh = !existsSync(path);
    // The file (and its -wal and -shm) are created readable by their owner only.
    const mask = process.umask(0o077);
    try {
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('synchronous = NORMAL');
      this.migrate();
    } finally {
      process.umask(mask);
    }
    if (fresh) chmodSync(path, 0o600);
    this.accounts = new Accounts(this.db, this.now);
    this.sessions = new Sessions(this.db, this.now);
    this.attempts = new LoginAttempts(this.db, this.now);
    this.audit = new AuditLog(this.db, this.now);
  }

  private migrate(): void {
    const seen = this.db.pragma('user_version', { simple: true }) as number;
    if (seen === SCHEMA_VERSION) return;
    if (seen > SCHEMA_VERSION) {
      throw new StateError(`the state file is of a newer version (${seen}) than this program knows (${SCHEMA_VERSION}): update the program`);
    }
    // Two processes may open a new state file at once (a server and `met user`, or two
    // servers): the version is read again inside a write transaction (IMMEDIATE takes
    // the write lock first, waiting up to the busy timeout), so only one makes the schema.
    this.db
      .transaction(() => {
        const version = this.db.pragma('user_version', { simple: true }) as number;
        if (version >= SCHEMA_VERSION) return;
        if (version < 1) this.db.exec(SCHEMA);
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })
      .immediate();
  }

  /** Writes the WAL into the file (tests read the file's bytes; also done on close). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

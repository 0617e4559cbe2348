// Sessions: a random 32-byte token in an httpOnly, SameSite=Strict cookie (Secure over
// TLS, or behind a proxy that says so, or when --secure-cookies asks); the state store
// keeps only its SHA-256. A session ends after `idleMs` without a request or
// `absoluteMs` after sign-in, whichever comes first, at sign-out, or when its account
// is disabled or its password reset. startSession is the one way a session begins,
// whether by password (server/auth/password.ts) or single sign-on (server/auth/oidc.ts).

import type { Request, RequestHandler, Response } from 'express';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AreaName } from '../../model/areas.js';
import type { Role } from '../../model/roles.js';
import { type LockoutRule, type StateStore, sha256 } from '../../state/store.js';

export const SESSION_COOKIE = 'met_session';

export interface AuthConfig {
  state: StateStore;
  /** A session ends after this long without a request (default 30 minutes). */
  idleMs: number;
  /** A session ends this long after sign-in whatever happens (default 12 hours). */
  absoluteMs: number;
  /** Always send the cookie with Secure (behind TLS). Otherwise only when the request came over TLS. */
  secureCookies: boolean;
  lockout: LockoutRule;
  log: Logger | null;
}

export const DEFAULT_IDLE_MS = 30 * 60_000;
export const DEFAULT_ABSOLUTE_MS = 12 * 60 * 60_000;

/** The account a session is started for. */
export interface SessionAccount {
  id: number;
  name: string;
  role: Role;
  area: AreaName | null;
}

const CONFIG = 'metAuth';

/** Makes the sign-in configuration reachable from every request of the app. */
export function installAuth(locals: Record<string, unknown>, cfg: AuthConfig): void {
  locals[CONFIG] = cfg;
}

/** The sign-in configuration of the app serving this request (null when sign-in is off). */
export function authOf(req: Request): AuthConfig | null {
  return (req.app.locals[CONFIG] as AuthConfig | undefined) ?? null;
}

/** The client's address as the server sees it (behind a trusted proxy: the one the proxy names). */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** The session token in the request's cookie, if any (the raw token: never stored or logged). */
export function tokenOf(req: Request): string | null {
  const header = req.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) {
      const v = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{43}$/.test(v) ? v : null;
    }
  }
  return null;
}

function cookieOptions(req: Request, cfg: AuthConfig) {
  return { httpOnly: true, sameSite: 'strict' as const, path: '/', secure: cfg.secureCookies || req.secure };
}

/**
 * Starts a session for an account that has proven who it is: ends the session the
 * request came with (the session id is rotated at every sign-in), stores the new
 * token's hash, sets the cookie, writes the audit entry, and makes the request the
 * account's (req.met).
 */
export async function startSession(req: Request, res: Response, account: SessionAccount, how: 'password' | 'oidc'): Promise<void> {
  const cfg = authOf(req);
  if (!cfg) throw new Error('sign-in is off on this server');
  const old = tokenOf(req);
  if (old) cfg.state.sessions.end(sha256(old));
  // Housekeeping at each sign-in: sessions past a timeout, and attempts older than a day, go.
  cfg.state.sessions.sweep(cfg.idleMs, cfg.absoluteMs);
  cfg.state.attempts.sweep();
  const token = randomBytes(32).toString('base64url');
  cfg.state.sessions.create(sha256(token), account.id, how);
  res.cookie(SESSION_COOKIE, token, cookieOptions(req, cfg));
  cfg.state.audit.append({
    event: 'sign-in',
    account: account.name,
    role: account.role,
    account_area: account.area,
    address: clientAddress(req),
    detail: { how },
  });
  req.met = { ...req.met, role: account.role, area: account.area, account: account.name, sessionHash: sha256(token) };
}

/** Ends the request's session (server-side and its cookie), with an audit entry. */
export function endSession(req: Request, res: Response): void {
  const cfg = authOf(req);
  if (!cfg) return;
  const token = tokenOf(req);
  if (token && cfg.state.sessions.end(sha256(token))) {
    cfg.state.audit.append({ event: 'sign-out', account: req.met.account, role: req.met.role, account_area: req.met.area, address: clientAddress(req) });
  }
  res.clearCookie(SESSION_COOKIE, cookieOptions(req, cfg));
}

/**
 * Reads the session cookie of every request: a valid session makes the request its
 * account's (req.met.role, area, account); anything else leaves it signed out
 * (req.met.account null), which requireSession answers.
 */
export function readSession(cfg: AuthConfig): RequestHandler {
  return (req, _res, next) => {
    req.met = { role: 'public', area: null, account: null };
    const token = tokenOf(req);
    if (token) {
      const s = cfg.state.sessions.use(sha256(token), cfg.idleMs, cfg.absoluteMs);
      if (s) req.met = { role: s.account.role, area: s.account.area, account: s.account.name, sessionHash: sha256(token) };
    }
    next();
  };
}

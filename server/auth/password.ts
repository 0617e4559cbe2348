// Sign-in by name and password (local accounts), sign-out, who am I, and the gate
// that every other path passes: no session, no figures (API 401, pages redirect to
// /sign-in). One failure message for every failure (unknown name, wrong password,
// disabled account, locked account or address), and as long a check for each: an
// unknown name is checked against a dummy hash.

import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { perMinute } from '../limits.js';
import { checkPassword } from '../../state/passwords.js';
import { type AuthConfig, authOf, clientAddress, endSession, startSession } from './session.js';

/** The one answer to a failed sign-in, whatever the reason. */
export function signInFailed(): string {
  return 'name or password not recognised';
}

/** The answer to a request that needs a session and has none. */
export function signInFirst(): string {
  return 'sign in first: this needs a signed-in account (POST /auth/sign-in, or the sign-in page at /sign-in)';
}

/** A place to go back to after signing in: a path of this server only, never another site. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\r\n]/.test(next)) return '/';
  if (next.startsWith('/sign-in') || next.startsWith('/auth/')) return '/';
  return next.slice(0, 2000);
}

const wantsForm = (req: Request) => req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';

/** Paths a signed-out browser may fetch: the sign-in page and the assets it needs. */
const OPEN_PATH = /^\/(?:sign-in(?:\.html)?|favicon\.svg|assets\/[A-Za-z0-9._-]+)$/;

/**
 * The gate after readSession: a request without a valid session gets 401 (API and
 * anything but a page) or, for a page, a redirect to the sign-in page that comes back.
 */
export function requireSession(): RequestHandler {
  return (req, res, next) => {
    if (req.met.account !== null || OPEN_PATH.test(req.path)) {
      next();
      return;
    }
    if (req.path.startsWith('/api/') || req.path === '/api' || req.path.startsWith('/auth/') || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.status(401).json({ error: signInFirst() });
      return;
    }
    res.redirect(303, `/sign-in?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
  };
}

async function signIn(cfg: AuthConfig, req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  const password = typeof body.password === 'string' ? body.password : '';
  const address = clientAddress(req);
  const { state } = cfg;
  const account = name && name.length <= 64 ? state.accounts.byName(name) : null;
  const addressLocked = state.attempts.addressLocked(address, cfg.lockout);
  const locked = addressLocked || state.attempts.locked(account?.id ?? null, address, cfg.lockout);
  // Checked whatever else (an unknown name against a dummy hash), so that no failure is
  // quicker than another and timing tells no name from another; but not from an address
  // that is locked: its every attempt, on any name, gets the one answer at once, which
  // says nothing of any account, and a flood from it costs no argon2 check (19 MiB each).
  const passwordOk = addressLocked ? false : await checkPassword(account?.password_hash ?? null, password);
  const ok = account !== null && !account.disabled && !locked && passwordOk;
  if (ok) {
    state.attempts.record(account.id, address, true);
    await startSession(req, res, account, 'password');
    if (wantsForm(req)) res.redirect(303, safeNext(body.next));
    else res.json({ name: account.name, role: account.role, area: account.area });
    return;
  }
  // A locked account's or address's attempts are not counted again: the lock ends when its window does.
  if (!locked) state.attempts.record(account?.id ?? null, address, false);
  const reason = !account ? 'unknown account' : locked ? 'locked' : account.disabled ? 'disabled' : 'wrong password';
  state.audit.append({
    event: 'sign-in failed',
    // A name as typed is stored only when it is an account's: what someone typed may be a password.
    account: account ? account.name : 'unknown account',
    role: account?.role ?? null,
    account_area: account?.area ?? null,
    address,
    detail: { reason },
  });
  cfg.log?.info({ event: 'sign-in failed' }, 'sign-in failed');
  if (wantsForm(req)) res.redirect(303, `/sign-in?failed=1&next=${encodeURIComponent(safeNext(body.next))}`);
  else res.status(401).json({ error: signInFailed() });
}

/** How many sign-ins an address may try a minute (by default): a board of thirty behind one address signs in within it. */
export const SIGN_INS_PER_MINUTE = 60;

/** POST /auth/sign-in, POST /auth/sign-out, GET /api/me. */
export function authRoutes(signInsPerMinute = SIGN_INS_PER_MINUTE): Router {
  const router = Router();
  const bodies = [express.json({ limit: '4kb' }), express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 })];
  // Each sign-in is an argon2 check (19 MiB, tens of milliseconds of a core): an address
  // flooding the sign-in is answered 429 beyond its share, before any check is made.
  const limit = perMinute(signInsPerMinute, { error: 'too many sign-ins from this address: wait a minute and try again' });
  router.post('/auth/sign-in', limit, ...bodies, async (req, res) => {
    const cfg = authOf(req);
    if (!cfg) {
      res.status(404).json({ error: 'sign-in is off on this server (met serve --no-sign-in)' });
      return;
    }
    await signIn(cfg, req, res);
  });
  router.post('/auth/sign-out', ...bodies, (req, res) => {
    endSession(req, res);
    if (wantsForm(req)) res.redirect(303, '/sign-in');
    else res.status(204).end();
  });
  router.get('/api/me', (req, res) => {
    if (!authOf(req)) {
      res.json({ name: null, role: req.met.role, area: null, sign_in: false });
      return;
    }
    if (req.met.account === null) {
      res.status(401).json({ error: signInFirst() });
      return;
    }
    res.json({ name: req.met.account, role: req.met.role, area: req.met.area, sign_in: true });
  });
  // Signed in already, or sign-in off: the sign-in page has nothing to do.
  router.get(['/sign-in', '/sign-in.html'], (req, res, next) => {
    if (!authOf(req) || req.met.account !== null) res.redirect(303, safeNext(req.query.next));
    else next();
  });
  return router;
}

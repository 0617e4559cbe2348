// The audit of what is viewed: every page model, measures answer, quarantine and
// audit read (JSON or Arrow), by whom (account, role, its area), what was asked (area,
// period, ages, page or measures), when, from where (the client address) and the
// status it got. Written when the answer is sent, refusals included. A handler says
// what it read in res.locals.audit once it has parsed the query: only checked values
// reach the log (a free-text search is not stored). GET /api/audit reads it
// (analyst only); no endpoint changes it.

import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { Logger } from 'pino';
import type { AuditInput, StateStore } from '../state/store.js';
import { clientAddress } from './auth/session.js';
import { analystOnly } from './guards.js';
import { auditQuery, parse } from './queries.js';
import { wantsArrow } from './arrow.js';

/** What a view handler read, for its audit entry. */
export interface Viewed {
  area?: string;
  period?: string;
  ages?: string;
  detail?: Record<string, unknown>;
}

/** Records what a handler read (called once its query is parsed). */
export function viewed(res: Response, v: Viewed): void {
  res.locals.audit = v;
}

/**
 * A request's path as the router matches it: Express's routing ignores case and a trailing
 * slash and decodes a parameter (`/API/measures/`, `/api/pages/%6Fverview` are served),
 * so every spelling the router serves is audited as the view it is.
 */
function routedPath(path: string): string | null {
  try {
    return path
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/')
      .toLowerCase()
      .replace(/(.)\/+$/, '$1');
  } catch {
    // A malformed escape: the router refuses it (400) before any handler reads anything.
    return null;
  }
}

/** The paths audited as views, and the target each is recorded as. */
function targetOf(req: Request): string | null {
  const p = routedPath(req.path);
  if (p === null) return null;
  if (p === '/api/measures') return 'measures';
  if (p === '/api/quarantine') return 'quarantine';
  if (p === '/api/audit') return 'audit';
  if (p === '/api/quarantine.csv') return 'quarantine';
  const m = /^\/api\/pages\/([a-z]{1,20})(\/export\.(?:csv|xlsx))?$/.exec(p);
  return m ? `${m[2] ? 'export' : 'page'} ${m[1]}` : null;
}

/** The entry of who asked: account, role, the account's area, address. */
export function who(req: Request): Pick<AuditInput, 'account' | 'role' | 'account_area' | 'address'> {
  return { account: req.met.account, role: req.met.role, account_area: req.met.area, address: clientAddress(req) };
}

export function auditViews(state: StateStore, log: Logger | null): RequestHandler {
  return (req, res, next) => {
    const target = targetOf(req);
    if (target === null || req.method !== 'GET') {
      next();
      return;
    }
    res.on('finish', () => {
      const v = (res.locals.audit ?? {}) as Viewed;
      try {
        state.audit.append({
          event: 'view',
          ...who(req),
          target,
          area: v.area ?? null,
          period: v.period ?? null,
          ages: v.ages ?? null,
          status: res.statusCode,
          detail: { format: /\.(csv|xlsx)$/.exec(routedPath(req.path) ?? '')?.[1] ?? (wantsArrow(req) ? 'arrow' : 'json'), ...(v.detail ?? {}) },
        });
      } catch (e) {
        // The answer has gone: an entry that cannot be written (the state file busy past its
        // timeout, the disk full) is said on the server's log, never thrown into nowhere.
        log?.error({ err: { name: e instanceof Error ? e.name : typeof e }, target }, 'audit entry not written');
      }
    });
    next();
  };
}

/** GET /api/audit (analyst): newest first, filtered by event, account and time, paged. */
export function auditRoutes(state: StateStore): Router {
  const router = Router();
  router.get('/api/audit', (req, res) => {
    analystOnly(req, 'the audit log');
    const q = parse(auditQuery, req.query);
    viewed(res, { detail: { event: q.event ?? null, account: q.account ?? null, since: q.since ?? null, until: q.until ?? null, offset: q.offset } });
    const { total, entries } = state.audit.read(q);
    res.json({ total, entries: entries.map((e) => ({ ...e, detail: e.detail === null ? null : JSON.parse(e.detail) })) });
  });
  return router;
}

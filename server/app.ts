// The dashboard's HTTP face: the JSON (and Arrow) API of docs/api.md and the built web
// front end. Every handler reads the role and area from the request (req.met), set from
// the session (auth/session.ts) or, with sign-in off (loopback only), the role the
// server was started with. createApp only composes: sign-in in auth/, the routes are in routes/, who may ask in guards.ts, the query
// parameters in queries.ts, uploads in upload.ts and the answers to errors in errors.ts.

import compression from 'compression';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { perMinute as rateLimitPerMinute } from './limits.js';
import { pino, type Logger } from 'pino';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../lib/disclosure.js';
import type { AreaName } from '../model/areas.js';
import { type OidcConfig, oidcOff, oidcRoutes } from './auth/oidc.js';
import { AnswerCache, type CacheOptions } from './cache.js';
import { errorHandler } from './errors.js';
import { DEFAULT_LOCKOUT, type LockoutRule, type StateStore } from '../state/store.js';
import { auditRoutes, auditViews } from './audit.js';
import { authRoutes, requireSession } from './auth/password.js';
import { DEFAULT_ABSOLUTE_MS, DEFAULT_IDLE_MS, installAuth, readSession } from './auth/session.js';
import { LOOPBACK_HOSTS, onlyOwnHosts, sameOriginChanges } from './guards.js';
import { RefreshJobs } from './refreshJobs.js';
import { exportRoutes } from './routes/export.js';
import { healthRoutes } from './routes/health.js';
import { measuresRoutes } from './routes/measures.js';
import { metaRoutes } from './routes/meta.js';
import { pagesRoutes } from './routes/pages.js';
import { quarantineRoutes } from './routes/quarantine.js';
import { refreshRoutes } from './routes/refresh.js';
import { webRoutes } from './routes/web.js';
import { defaultMaxUploadBytes, type Upload } from './upload.js';
import { VERSION } from './version.js';
import type { Warehouse } from './warehouse.js';

export { crossOriginProblem, hostAllowed, LOOPBACK_HOSTS } from './guards.js';
export { withoutPseudonyms } from './routes/quarantine.js';
export { defaultMaxUploadBytes, fileNameProblem, MAX_FILE_NAME } from './upload.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      met: {
        role: Role;
        /** The area an account is limited to (null: the whole partnership). */
        area: AreaName | null;
        /** The signed-in account's name (null: signed out, or sign-in is off). */
        account: string | null;
        /** The SHA-256 of the session's token (never the token). */
        sessionHash?: string;
        upload?: Upload;
      };
    }
  }
}

export interface AppOptions {
  warehouse: Warehouse;
  /**
   * Sign-in off: every request runs as this role (startServer allows it on a loopback
   * address only). Without it, sign-in is on and `state` is needed.
   */
  role?: Role;
  /** The state store: accounts, sessions, the audit log. Needed for sign-in; with sign-in off it still keeps the audit log. */
  state?: StateStore;
  /** A session's idle and absolute timeouts in ms (default 30 minutes and 12 hours). */
  idleMs?: number;
  absoluteMs?: number;
  /** Always set Secure on the session cookie (the server is behind TLS). */
  secureCookies?: boolean;
  /** Express's `trust proxy`: believe X-Forwarded-For/-Proto from this proxy (client address, TLS). Default off. */
  trustProxy?: boolean | number | string;
  /** Sign-ins an address may try a minute (default SIGN_INS_PER_MINUTE, 60): beyond, 429. */
  signInsPerMinute?: number;
  /** The lockout after failed sign-ins (default 5 per account, 20 per address, in 15 minutes). */
  lockout?: LockoutRule;
  /** A pino logger, or false for none (tests). */
  logger?: Logger | false;
  /** The built front end; default dist/web beside this module's folder. */
  webDir?: string;
  /** Requests per minute per client on /api. */
  rateLimitPerMinute?: number;
  /**
   * Host names (without the port) the server answers to, with the port it is reached
   * on; default the loopback names. Any other Host header gets a 421 (DNS rebinding).
   */
  allowedHosts?: readonly string[];
  /** The cap on one upload, all files together, in bytes (default defaultMaxUploadBytes()). */
  maxUploadBytes?: number;
  /** Single sign-on by OpenID Connect (server/auth/oidc.ts, docs/sso.md): off when absent. */
  oidc?: OidcConfig;
  /** The answers kept per refresh and the limit on work at once (server/cache.ts). */
  cache?: CacheOptions;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The Content-Security-Policy of every answer: this server's own scripts, styles and data only. */
const CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  // The pages turn vega-embed's injected styles off and load govuk-frontend's CSS as a file.
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Each request's context (its role, until a session says otherwise), the version header, and one log line per answer. */
function requestContext(role: Role, log: Logger | null): RequestHandler {
  return (req, res, next) => {
    req.met = { role, area: null, account: null };
    res.set('X-MET-Version', VERSION);
    if (log) {
      const t0 = performance.now();
      // Method, path without its query, status and time only: query values (and upload
      // file names) never reach the log.
      res.on('finish', () => log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - t0) }, 'request'));
    }
    next();
  };
}

/** The API's rate limit, and no caching: figures change with each refresh and differ by role. */
function apiLimits(perMinute: number): RequestHandler[] {
  const limit = rateLimitPerMinute(perMinute, { error: 'too many requests: wait a minute and try again' });
  return [
    limit,
    (_req, res, next) => {
      res.set('Cache-Control', 'no-store');
      next();
    },
  ];
}

export function createApp(opts: AppOptions): express.Express {
  const { warehouse } = opts;
  const log = opts.logger === false ? null : (opts.logger ?? pino({ base: undefined }));
  const maxUploadBytes = opts.maxUploadBytes ?? defaultMaxUploadBytes();
  const hostNames: ReadonlySet<string> = new Set((opts.allowedHosts ?? LOOPBACK_HOSTS).map((h) => h.toLowerCase()));
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (opts.trustProxy !== undefined) app.set('trust proxy', opts.trustProxy);
  const signIn = opts.role === undefined;
  if (signIn && !opts.state) throw new Error('sign-in needs the state store (or a role, with sign-in off)');
  const state = opts.state ?? null;

  // Referrer-Policy same-origin (not helmet's no-referrer): under no-referrer a browser
  // sends `Origin: null` with a form's POST (the sign-in and sign-out forms), which the
  // same-origin proof must refuse. Nothing leaves for another site either way.
  app.use(helmet({ contentSecurityPolicy: { useDefaults: false, directives: CSP }, referrerPolicy: { policy: 'same-origin' } }));
  app.use(requestContext(opts.role ?? 'public', log));
  // gzip (or deflate) for every answer a client accepts compressed: the page models and
  // the charting script are text that shrinks to a fifth or less.
  app.use(compression());
  app.use(onlyOwnHosts(hostNames));
  app.use(sameOriginChanges(hostNames));
  app.use('/api', apiLimits(opts.rateLimitPerMinute ?? 6000));
  if (signIn && state) {
    const cfg = {
      state,
      idleMs: opts.idleMs ?? DEFAULT_IDLE_MS,
      absoluteMs: opts.absoluteMs ?? DEFAULT_ABSOLUTE_MS,
      secureCookies: opts.secureCookies ?? false,
      lockout: opts.lockout ?? DEFAULT_LOCKOUT,
      log,
    };
    installAuth(app.locals, cfg);
    app.use(readSession(cfg));
  }

  // Liveness and readiness say nothing of the data: open to probes without a session.
  app.use(healthRoutes(warehouse));
  app.use(authRoutes(opts.signInsPerMinute));
  // Single sign-on's two pages are reached without a session (the sign-in starts there).
  app.use(opts.oidc ? oidcRoutes(opts.oidc, { warn: (what) => log?.warn(what) }) : oidcOff());
  if (signIn) app.use(requireSession());
  if (state) app.use(auditViews(state, log));

  app.use(metaRoutes(warehouse));
  const cache = new AnswerCache(opts.cache);
  app.use(measuresRoutes(warehouse, cache));
  app.use(pagesRoutes(warehouse, cache));
  app.use(quarantineRoutes(warehouse));
  app.use(exportRoutes(warehouse, cache));
  app.use(refreshRoutes({ jobs: new RefreshJobs(warehouse.path), maxUploadBytes, log, state }));
  if (state) app.use(auditRoutes(state));
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'no such endpoint: see docs/api.md' });
  });

  app.use(webRoutes(opts.webDir ?? join(here, '../web')));
  app.use(errorHandler({ log, maxUploadBytes }));
  return app;
}

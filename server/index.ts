// Starting and stopping the dashboard server (used by `met serve`, `npm start` and the tests).

import { stopAudits } from '../lib/audit/cache.js';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { sweepPrivateDirs } from '../etl/privateDir.js';
import type { Role } from '../lib/disclosure.js';
import { defaultStatePath, StateStore } from '../state/store.js';
import { createApp, LOOPBACK_HOSTS } from './app.js';
import type { OidcConfig } from './auth/oidc.js';
import { Warehouse } from './warehouse.js';

export { createApp } from './app.js';
import type { CacheOptions } from './cache.js';

export interface StartOptions {
  db: string;
  /**
   * Sign-in off: every request runs as this role. Allowed on a loopback address only.
   * Without a role, sign-in is on.
   */
  role?: Role;
  /** The state file (accounts, sessions, audit log); default `<db>.state.sqlite` beside the warehouse. */
  state?: string;
  /** A session's idle timeout in minutes (default 30) and absolute timeout in hours (default 12). */
  idleMinutes?: number;
  absoluteHours?: number;
  /** Always set Secure on the session cookie (served behind TLS). */
  secureCookies?: boolean;
  /** Express's `trust proxy` (a reverse proxy in front: its X-Forwarded-For and -Proto are believed). */
  trustProxy?: boolean | number | string;
  /** The clock (ms since the epoch): tests inject one for the session timeouts. */
  now?: () => number;
  /** 0 for any free port (default 8080). */
  port?: number;
  /** Default 127.0.0.1: the dashboard is not on the network unless asked. */
  host?: string;
  /** More host names the server answers to (besides the loopback names and `host`). */
  allowHosts?: string[];
  /** The cap on one upload, all files together, in MB (default MET_MAX_UPLOAD_MB or 200). */
  maxUploadMb?: number;
  /** Single sign-on by OpenID Connect (docs/sso.md). */
  oidc?: OidcConfig;
  /** The built front end (default dist/web beside the compiled server). */
  webDir?: string;
  /** Request logging to stdout (default true). */
  log?: boolean;
  /** The answers kept per refresh, and the limit on work at once (server/cache.ts). */
  cache?: CacheOptions;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The state store the server uses (tests add accounts and read the audit log through it). */
  state: StateStore;
  close(): Promise<void>;
}

/** Refused before the server starts: the message says what to do instead. */
export class ServeRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServeRefused';
  }
}

/** True for an address or name that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The Host-header names the server answers to: loopback names, the address it listens on (unless a wildcard), and any added. */
export function allowedHostNames(host: string, extra: string[] = []): string[] {
  const names = new Set<string>(LOOPBACK_HOSTS);
  const asName = (h: string) => {
    const t = h.trim().toLowerCase();
    return t.includes(':') && !t.startsWith('[') ? `[${t}]` : t;
  };
  if (!['0.0.0.0', '::', '[::]', ''].includes(host.trim())) names.add(asName(host));
  for (const h of extra) if (h.trim()) names.add(asName(h));
  return [...names];
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const role = opts.role;
  const host = opts.host ?? '127.0.0.1';
  if (role !== undefined && !isLoopback(host)) {
    throw new ServeRefused(
      `without sign-in (--no-sign-in --role ${role}) every visitor is the ${role} role, so it is served on this machine only (--host 127.0.0.1 or localhost), not on ${host}: serve the network with sign-in (leave out --no-sign-in and --role)`,
    );
  }
  for (const [name, v] of [
    ['idle timeout', opts.idleMinutes],
    ['absolute timeout', opts.absoluteHours],
  ] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new ServeRefused(`the session ${name} must be a number above 0, not ${v}`);
  }
  if (opts.maxUploadMb !== undefined && !(Number.isInteger(opts.maxUploadMb) && opts.maxUploadMb > 0)) {
    throw new ServeRefused(`the upload cap must be a whole number of MB above 0, not ${opts.maxUploadMb}`);
  }
  // Raw copies left behind by a process that was killed (etl/privateDir.ts): gone before anything else.
  sweepPrivateDirs();
  const warehouse = new Warehouse(resolve(opts.db));
  const state = new StateStore(resolve(opts.state ?? defaultStatePath(opts.db)), opts.now ? { now: opts.now } : {});
  const app = createApp({
    warehouse,
    ...(role !== undefined ? { role } : {}),
    state,
    ...(opts.idleMinutes !== undefined ? { idleMs: opts.idleMinutes * 60_000 } : {}),
    ...(opts.absoluteHours !== undefined ? { absoluteMs: opts.absoluteHours * 3_600_000 } : {}),
    ...(opts.secureCookies ? { secureCookies: true } : {}),
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
    allowedHosts: allowedHostNames(host, opts.allowHosts),
    ...(opts.maxUploadMb !== undefined ? { maxUploadBytes: opts.maxUploadMb * 1024 * 1024 } : {}),
    ...(opts.log === false ? { logger: false as const } : {}),
    ...(opts.oidc ? { oidc: opts.oidc } : {}),
    ...(opts.webDir ? { webDir: opts.webDir } : {}),
    ...(opts.cache ? { cache: opts.cache } : {}),
  });
  let server: Server;
  try {
    server = await new Promise((ok, fail) => {
      const s = app.listen(opts.port ?? 8080, host, (err?: Error) => (err ? fail(err) : ok(s)));
      s.on('error', fail);
    });
  } catch (e) {
    state.close();
    warehouse.close();
    throw e;
  }
  // An idle keep-alive connection is closed by the client first (browsers and undici keep
  // one 4–60 s): a server that closed it first could meet a request already on its way
  // (ECONNRESET), most of all when a busy event loop makes its timer late.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    state,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => {
          stopAudits();
          warehouse.close();
          state.close();
          ok();
        });
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

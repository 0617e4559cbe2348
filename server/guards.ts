// Who may ask: the host names the server answers to (DNS rebinding), the same-origin
// proof for requests that change state (CSRF: with sign-in, a session is needed too),
// the analyst-only endpoints and an area-limited account's area (docs/api.md, "Who
// may ask"). Sessions themselves are in auth/.

import type { Request, RequestHandler } from 'express';
import type { AreaOrAll } from '../model/areas.js';
import { Forbidden } from './httpError.js';

/** The loopback names a browser on this machine uses: the server answers to these by default. */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

/** A Host header's name (lower case, IPv6 in brackets) and port (80 when absent), or null if it is not one. */
function hostAndPort(text: string): { name: string; port: number } | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?$/i.exec(text);
  if (!m) return null;
  return { name: m[1]!.toLowerCase(), port: m[2] === undefined ? 80 : Number(m[2]) };
}

/** True when the Host header names this server: an allowed name with the port the request came in on. */
export function hostAllowed(host: string | undefined, names: ReadonlySet<string>, port: number | undefined): boolean {
  const h = host === undefined ? null : hostAndPort(host);
  return h !== null && names.has(h.name) && h.port === port;
}

/**
 * Same-origin proof for a request that changes state (until sign-in exists): the
 * browser's Origin is this server's own (http://allowed-host:port), or, where a client
 * sends no Origin, Sec-Fetch-Site says same-origin. Null when proven, else why not.
 */
export function crossOriginProblem(req: Request, names: ReadonlySet<string>): string | null {
  const origin = req.get('origin');
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') {
    return `the browser says this request came from another site (Sec-Fetch-Site: ${site === 'same-site' || site === 'cross-site' || site === 'none' ? site : 'not same-origin'})`;
  }
  if (origin === undefined) {
    return site === 'same-origin' ? null : 'the request carries no Origin header and no Sec-Fetch-Site: same-origin';
  }
  // Over TLS (req.secure: a TLS socket, or a trusted proxy that says https) the origin is https.
  const m = (req.secure ? /^https:\/\/([^/]+)$/i : /^http:\/\/([^/]+)$/i).exec(origin);
  if (m && (hostAllowed(m[1], names, req.socket.localPort) || (req.secure && hostAllowed(m[1], names, 443)))) return null;
  return 'its Origin is not this server';
}

/**
 * DNS rebinding: a page elsewhere whose name is made to point at this machine would
 * reach the server with its own name in Host. Only the allowed names are served, on
 * the port the request came in on; every path, static pages included. Others: 421.
 */
export function onlyOwnHosts(names: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    if (hostAllowed(req.get('host'), names, req.socket.localPort)) {
      next();
      return;
    }
    res.status(421).json({
      error: `this server does not answer to that host name: use http://localhost:${req.socket.localPort}/ or a name it was started with (met serve --host, --allow-host)`,
    });
  };
}

/**
 * Cross-site request forgery: until sign-in exists, every request that changes state
 * must prove it comes from this server's own pages. Others: 403.
 */
export function sameOriginChanges(names: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      next();
      return;
    }
    const problem = crossOriginProblem(req, names);
    if (problem === null) {
      next();
      return;
    }
    res.status(403).json({ error: `refused: ${problem}. Requests that change data must come from this server's own pages (same origin)` });
  };
}

/** Refuses (403) a role other than the analyst: `what` has record-level or data-quality detail. */
export function analystOnly(req: Request, what: string): void {
  if (req.met.role !== 'analyst') throw new Forbidden(`${what} is for the analyst only: it shows record-level or data-quality detail`);
}

/**
 * The area a request reads: an account limited to an area reads that area only. With
 * no area asked it gets its own; asking for another area, or `all`, is refused (403),
 * so editing the URL reveals nothing more.
 */
export function areaFor(req: Request, asked: AreaOrAll): AreaOrAll {
  const own = req.met.area;
  if (own === null) return asked;
  if (req.query.area === undefined) return own;
  if (asked !== own) throw new Forbidden(`this account sees ${own} only: ask for area=${own}`);
  return own;
}

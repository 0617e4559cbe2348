// The dashboard's HTTP face: the JSON (and Arrow) API of docs/api.md and the built web
// front end. Every handler reads the role from the request (req.met.role), so sign-in
// can set it later; until then it is the role the server was started with.

import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AREAS, SOURCES, type AreaName } from '../etl/contract.js';
import { parseArea, parseScope, readMeasures, RequestError } from '../lib/measures.js';
import { MEASURES } from '../lib/catalogue.js';
import type { Role } from '../lib/disclosure.js';
import { parsePeriod, PeriodError } from '../lib/periods.js';
import { ANALYST_PAGES, buildPage, isPage, PAGES } from '../lib/pages.js';
import { ARROW_TYPE, measuresToArrow, quarantineToArrow, type QuarantineRow } from './arrow.js';
import { meta } from './meta.js';
import { errorHandler } from './errors.js';
import { Forbidden } from './httpError.js';
import { RefreshJobs } from './refreshJobs.js';
import { defaultMaxUploadBytes, readUpload, refuseByHeaders, startUpload, type Upload } from './upload.js';
import { VERSION } from './version.js';
import { NoWarehouse, type Lease, type Warehouse } from './warehouse.js';

export { defaultMaxUploadBytes, fileNameProblem, MAX_FILE_NAME } from './upload.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      met: { role: Role; upload?: Upload };
    }
  }
}

/** The loopback names a browser on this machine uses: the server answers to these by default. */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

export interface AppOptions {
  warehouse: Warehouse;
  role: Role;
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
}

const here = dirname(fileURLToPath(import.meta.url));

/** A parameter check that reuses the messages of lib/measures.ts and lib/periods.ts. */
function checked<T>(parse: (s: string) => T) {
  return (s: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
      return z.NEVER;
    }
  };
}

const one = (name: string) => z.string({ error: `give ${name} once, as text` });

const periodText = (s: string) => {
  try {
    return parsePeriod(s).id;
  } catch (e) {
    if (e instanceof PeriodError) throw new RequestError(e.message);
    throw e;
  }
};

const common = {
  area: one('area').default('all').transform(checked(parseArea)),
  period: one('period').optional().transform((s, ctx) => (s === undefined ? undefined : checked(periodText)(s, ctx))),
  ages: one('ages').default('0-17').transform(checked(parseScope)),
};

const intParam = (name: string, min: number, max: number, dflt: number) =>
  one(name)
    .default(String(dflt))
    .transform((s, ctx) => {
      const n = Number(s);
      if (!/^\s*\d+\s*$/.test(s) || !Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}, not '${s}'` });
        return z.NEVER;
      }
      return n;
    });

const MEASURE_IDS = new Set(MEASURES.map((m) => m.id));

const measuresQuery = z.object({
  ...common,
  trend: intParam('trend', 0, 120, 12),
  ids: one('ids')
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return undefined;
      const ids = s.split(',').map((x) => x.trim()).filter(Boolean);
      const bad = ids.filter((id) => !MEASURE_IDS.has(id));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `measure '${bad[0]}' is not known: use one of ${[...MEASURE_IDS].join(', ')}` });
        return z.NEVER;
      }
      return ids;
    }),
});

const pageQuery = z.object(common);

const quarantineQuery = z.object({
  file: one('file').max(200).optional(),
  reason: one('reason').max(200).optional(),
  q: one('q').max(200).optional(),
  limit: intParam('limit', 1, 1000, 100),
  offset: intParam('offset', 0, 100_000_000, 0),
});

const uploadFields = z.object({
  area: z
    .string({ error: 'give area once, as text' })
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return undefined;
      const found = AREAS.find((a) => a.toLowerCase().replace(/[\s_-]+/g, '') === s.toLowerCase().replace(/[\s_-]+/g, ''));
      if (!found) {
        ctx.addIssue({ code: 'custom', message: `area '${s}' is not known: an SSDA903 return belongs to one of ${AREAS.join(', ')}` });
        return z.NEVER;
      }
      return found as AreaName;
    }),
});

/** Person-reference columns of each source (their values are pseudonyms by the time they are stored). */
const REF_COLUMNS = new Map(SOURCES.map((s) => [s.name as string, s.columns.filter((c) => c.type.kind === 'ref').map((c) => c.name)]));

/**
 * A repeated-key reason quotes the key's values, and where the key holds a person
 * reference (the SSDA903 files) that value is a pseudonym: no endpoint shows one.
 */
export function withoutPseudonyms(source: string, reason: string): string {
  let out = reason;
  for (const col of REF_COLUMNS.get(source) ?? []) {
    out = out.replace(new RegExp(`(^|, )${col} (.*?)(?=, | repeats |$)`), `$1${col} (pseudonym withheld)`);
  }
  return out;
}

/** Parses with zod; a failure is a RequestError whose message says what is allowed. */
function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new RequestError(r.error.issues.map((i) => i.message).join('; '));
}

function wantsArrow(req: Request): boolean {
  return (req.get('accept') ?? '').includes(ARROW_TYPE);
}

function analystOnly(req: Request, what: string): void {
  if (req.met.role !== 'analyst') throw new Forbidden(`${what} is for the analyst only: it shows record-level or data-quality detail`);
}

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
  if (site !== undefined && site !== 'same-origin') return `the browser says this request came from another site (Sec-Fetch-Site: ${site === 'same-site' || site === 'cross-site' || site === 'none' ? site : 'not same-origin'})`;
  if (origin === undefined) {
    return site === 'same-origin' ? null : 'the request carries no Origin header and no Sec-Fetch-Site: same-origin';
  }
  const m = /^http:\/\/([^/]+)$/i.exec(origin);
  if (m && hostAllowed(m[1], names, req.socket.localPort)) return null;
  return 'its Origin is not this server';
}

/** Runs a handler with a leased warehouse, released when the handler is done. */
function withLease(warehouse: Warehouse, f: (lease: Lease, req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response) => {
    const lease = await warehouse.acquire();
    try {
      await f(lease, req, res);
    } finally {
      lease.release();
    }
  };
}

export function createApp(opts: AppOptions): express.Express {
  const { warehouse } = opts;
  const log = opts.logger === false ? null : (opts.logger ?? pino({ base: undefined }));
  const jobs = new RefreshJobs(warehouse.path);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
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
        },
      },
    }),
  );

  app.use((req, res, next) => {
    req.met = { role: opts.role };
    res.set('X-MET-Version', VERSION);
    if (log) {
      const t0 = performance.now();
      // Method, path without its query, status and time only: query values (and upload
      // file names) never reach the log.
      res.on('finish', () => log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - t0) }, 'request'));
    }
    next();
  });

  // DNS rebinding: a page elsewhere whose name is made to point at this machine would
  // reach the server with its own name in Host. Only the allowed names are served, on
  // the port the request came in on; every path, static pages included.
  const hostNames: ReadonlySet<string> = new Set((opts.allowedHosts ?? LOOPBACK_HOSTS).map((h) => h.toLowerCase()));
  app.use((req, res, next) => {
    if (hostAllowed(req.get('host'), hostNames, req.socket.localPort)) {
      next();
      return;
    }
    res.status(421).json({
      error: `this server does not answer to that host name: use http://localhost:${req.socket.localPort}/ or a name it was started with (met serve --host, --allow-host)`,
    });
  });

  // Cross-site request forgery: until sign-in exists, every request that changes state
  // must prove it comes from this server's own pages.
  app.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      next();
      return;
    }
    const problem = crossOriginProblem(req, hostNames);
    if (problem === null) {
      next();
      return;
    }
    res.status(403).json({ error: `refused: ${problem}. Requests that change data must come from this server's own pages (same origin)` });
  });

  app.use(
    '/api',
    rateLimit({
      windowMs: 60_000,
      limit: opts.rateLimitPerMinute ?? 6000,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      message: { error: 'too many requests: wait a minute and try again' },
    }),
  );
  app.use('/api', (_req, res, next) => {
    // Figures change with each refresh and differ by role: never cache them.
    res.set('Cache-Control', 'no-store');
    next();
  });

  app.get('/api/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/api/ready', async (_req, res) => {
    const info = await warehouse.info();
    if (!info) res.status(503).json({ status: 'no warehouse' });
    else res.json({ status: 'ready', refresh_id: info.refresh_id });
  });

  app.get('/api/meta', async (req, res) => {
    let lease: Lease | null = null;
    try {
      lease = await warehouse.acquire();
    } catch (e) {
      if (!(e instanceof NoWarehouse)) throw e;
    }
    try {
      res.json(await meta(lease?.db ?? null, lease?.info ?? null, req.met.role, VERSION));
    } finally {
      lease?.release();
    }
  });

  app.get(
    '/api/measures',
    withLease(warehouse, async ({ db, info }, req, res) => {
      const q = parse(measuresQuery, req.query);
      const r = await readMeasures(db, {
        period: q.period ?? info.default_period ?? '',
        area: q.area,
        scope: q.ages,
        role: req.met.role,
        trend: q.trend,
        ...(q.ids ? { ids: q.ids } : {}),
      });
      res.set('X-MET-Refresh', info.refresh_id);
      if (wantsArrow(req)) res.type(ARROW_TYPE).send(Buffer.from(measuresToArrow(r)));
      else res.json({ ...r, refresh: { refresh_id: info.refresh_id, finished_at: info.finished_at } });
    }),
  );

  app.get(
    '/api/pages/:page',
    withLease(warehouse, async ({ db, info }, req, res) => {
      const page = String(req.params.page);
      if (!isPage(page)) {
        res.status(404).json({ error: `there is no page '${page}': use one of ${PAGES.join(', ')}` });
        return;
      }
      if (ANALYST_PAGES.has(page)) analystOnly(req, `the ${page} page`);
      const q = parse(pageQuery, req.query);
      res.set('X-MET-Refresh', info.refresh_id);
      res.json(
        await buildPage(db, {
          page,
          area: q.area,
          period: q.period ?? info.default_period ?? '',
          ages: q.ages,
          role: req.met.role,
          refresh: { refresh_id: info.refresh_id, finished_at: info.finished_at },
        }),
      );
    }),
  );

  app.get(
    '/api/quarantine',
    (req, _res, next) => {
      analystOnly(req, 'the quarantine');
      next();
    },
    withLease(warehouse, async ({ db }, req, res) => {
      const q = parse(quarantineQuery, req.query);
      // Every filter is a bound parameter; a NULL parameter switches its filter off.
      const where = `($file IS NULL OR file = $file) AND ($kind IS NULL OR kind = $kind)
                     AND ($q IS NULL OR contains(lower(reason), lower($q)))`;
      const params = { file: q.file ?? null, kind: q.reason ?? null, q: q.q ?? null };
      const total = await db.value<number>(`SELECT count(*) FROM quarantine WHERE ${where}`, params, 'counting quarantined rows');
      const found = await db.all<QuarantineRow & { source: string } & Record<string, unknown>>(
        `SELECT refresh_id, source, file, line, "column", kind, reason FROM quarantine WHERE ${where}
         ORDER BY file, line LIMIT $limit OFFSET $offset`,
        { ...params, limit: q.limit, offset: q.offset },
        'reading quarantined rows',
      );
      const rows: QuarantineRow[] = found.map(({ source, ...r }) => ({ ...r, reason: withoutPseudonyms(source, r.reason) }));
      if (wantsArrow(req)) res.type(ARROW_TYPE).send(Buffer.from(quarantineToArrow(rows)));
      else res.json({ total: Number(total), rows });
    }),
  );

  const maxUpload = opts.maxUploadBytes ?? defaultMaxUploadBytes();

  app.post(
    '/api/refresh',
    (req, res, next) => {
      analystOnly(req, 'a refresh');
      // Everything that can be judged from the headers is, before a byte of the body is read.
      refuseByHeaders(req, maxUpload);
      if (jobs.busy()) {
        res.status(409).json({ error: 'a refresh is already running: wait for it to finish, then try again' });
        return;
      }
      startUpload(req, res);
      next();
    },
    readUpload(maxUpload),
    (req, res) => {
      const u = req.met.upload!;
      const fields = parse(uploadFields, req.body ?? {});
      if (u.saved.size === 0) {
        throw new RequestError(
          u.refused.length
            ? `no file could be used: ${u.refused.map((r) => `${r.file} (${r.reason})`).join('; ')}`
            : `send one or more CSV extracts in the multipart field 'files'`,
        );
      }
      if (jobs.busy()) {
        res.status(409).json({ error: 'a refresh is already running: wait for it to finish, then try again' });
        return;
      }
      const job = jobs.start(u.held, fields.area, u.refused, (j) => log?.info({ job: j.job, state: j.state }, 'refresh finished'));
      res.status(202).json({ job: job.job, refused_uploads: job.refused_uploads });
    },
  );

  app.get('/api/refresh/:job', (req, res) => {
    analystOnly(req, 'a refresh');
    const job = jobs.get(String(req.params.job));
    if (!job) {
      res.status(404).json({ error: 'no such refresh job: jobs are kept while the server runs, for the last 20 refreshes' });
      return;
    }
    res.json(job);
  });

  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'no such endpoint: see docs/api.md' });
  });

  // The web front end: one built HTML file per page, with its hashed assets. Looked up
  // on every request, so a rebuild while the server runs is served without a restart.
  const webDir = opts.webDir ?? join(here, '../web');
  app.use(
    express.static(webDir, {
      index: 'index.html',
      // /missing serves missing.html: one HTML file per page of the front end.
      extensions: ['html'],
      maxAge: '1h',
      // The built assets have hashed names; the HTML files do not, so they are always revalidated.
      setHeaders: (res, path) => {
        if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  // Only reached when the front end has not been built (or is being rebuilt).
  app.get('/', (_req, res) => {
    res
      .type('html')
      .send('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The MET dataset</title></head><body><h1>The MET dataset</h1><p>The web front end has not been built: run <code>npm run build</code>. The API is at <a href="/api/meta">/api/meta</a>.</p></body></html>');
  });
  app.use((_req, res) => {
    res
      .status(404)
      .type('html')
      .send('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Page not found – the MET dataset</title></head><body><h1>Page not found</h1><p><a href="/">Go to the overview</a>.</p></body></html>');
  });

  app.use(errorHandler({ log, maxUploadBytes: maxUpload }));

  return app;
}

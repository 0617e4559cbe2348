// The dashboard's HTTP face: the JSON (and Arrow) API of docs/api.md and the built web
// front end. Every handler reads the role from the request (req.met.role), so sign-in
// can set it later; until then it is the role the server was started with.

import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { pino, type Logger } from 'pino';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCES } from '../etl/contract.js';
import { readMeasures, RequestError } from '../lib/measures.js';
import type { Role } from '../lib/disclosure.js';
import { ANALYST_PAGES, buildPage, isPage, PAGES } from '../lib/pages.js';
import { ARROW_TYPE, measuresToArrow, quarantineToArrow, type QuarantineRow } from './arrow.js';
import { meta } from './meta.js';
import { errorHandler } from './errors.js';
import { analystOnly, LOOPBACK_HOSTS, onlyOwnHosts, sameOriginChanges } from './guards.js';
import { measuresQuery, pageQuery, parse, quarantineQuery, uploadFields } from './queries.js';
import { RefreshJobs } from './refreshJobs.js';
import { defaultMaxUploadBytes, readUpload, refuseByHeaders, startUpload, type Upload } from './upload.js';
import { VERSION } from './version.js';
import { NoWarehouse, type Lease, type Warehouse } from './warehouse.js';

export { crossOriginProblem, hostAllowed, LOOPBACK_HOSTS } from './guards.js';
export { defaultMaxUploadBytes, fileNameProblem, MAX_FILE_NAME } from './upload.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      met: { role: Role; upload?: Upload };
    }
  }
}

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

function wantsArrow(req: Request): boolean {
  return (req.get('accept') ?? '').includes(ARROW_TYPE);
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

  const hostNames: ReadonlySet<string> = new Set((opts.allowedHosts ?? LOOPBACK_HOSTS).map((h) => h.toLowerCase()));
  app.use(onlyOwnHosts(hostNames));
  app.use(sameOriginChanges(hostNames));

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

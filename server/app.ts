// The dashboard's HTTP face: the JSON (and Arrow) API of docs/api.md and the built web
// front end. Every handler reads the role from the request (req.met.role), so sign-in
// can set it later; until then it is the role the server was started with.

import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import multer from 'multer';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AREAS, SOURCES, type AreaName } from '../etl/contract.js';
import { ForbiddenError, parseArea, parseScope, readMeasures, RequestError } from '../lib/measures.js';
import { MEASURES } from '../lib/catalogue.js';
import type { Role } from '../lib/disclosure.js';
import { parsePeriod, PeriodError } from '../lib/periods.js';
import { ANALYST_PAGES, buildPage, isPage, PAGES } from '../lib/pages.js';
import { ARROW_TYPE, measuresToArrow, quarantineToArrow, type QuarantineRow } from './arrow.js';
import { meta } from './meta.js';
import { holdChunk, RefreshJobs, savedName, type HeldFile, type Job } from './refreshJobs.js';
import { VERSION } from './version.js';
import { unknownName } from '../lib/messages.js';
import { NoWarehouse, type Lease, type Warehouse } from './warehouse.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      met: { role: Role; upload?: Upload };
    }
  }
}

/** One upload while it is read: the files held so far and the bytes they take. */
interface Upload {
  held: HeldFile[];
  saved: Set<string>;
  refused: Job['refused_uploads'];
  bytes: number;
}

/** The loopback names a browser on this machine uses: the server answers to these by default. */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

/** The default cap on one upload, all its files together: MET_MAX_UPLOAD_MB, or 200 MB. */
export function defaultMaxUploadBytes(): number {
  const env = process.env.MET_MAX_UPLOAD_MB;
  const mb = env !== undefined && /^\s*\d+\s*$/.test(env) && Number(env) > 0 ? Number(env) : 200;
  return mb * 1024 * 1024;
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

/** A 403 for endpoints with record-level or data-quality detail. */
class Forbidden extends Error {}

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

const CONTRACT_FILES = SOURCES.map((s) => s.file);

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

/** Longest uploaded file name accepted (the contract's names are under 30 characters). */
export const MAX_FILE_NAME = 255;

/**
 * The rule an uploaded file's name breaks, or null. A name is a plain file name: no
 * control characters (NUL included), no folder separators, at most MAX_FILE_NAME characters.
 */
export function fileNameProblem(name: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'a file name may not contain control characters (such as NUL or a line break)';
  if (/[\\/]/.test(name)) return 'a file name may not contain / or \\: send the file itself, named as in the data contract, not a path';
  if (name.length > MAX_FILE_NAME) return `a file name may be at most ${MAX_FILE_NAME} characters long`;
  if (name.trim() === '' || name === '.' || name === '..') return 'a file needs a name: name it as in the data contract';
  return null;
}

/** What an upload broke, in words: the limits of multer({ limits }) below. */
function multerRule(err: multer.MulterError): string {
  switch (err.code) {
    case 'LIMIT_UNEXPECTED_FILE':
      return `a file was sent in another field than 'files' (Unexpected field): send the extracts in the field 'files'`;
    case 'LIMIT_FILE_COUNT':
      return 'Too many files: send at most 20 extracts at once';
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
      return `Too many fields: send the extracts in 'files' and, for an SSDA903 return, its 'area'`;
    case 'LIMIT_FIELD_VALUE':
      return 'Field value too long: a field may be at most 1024 characters';
    case 'LIMIT_FIELD_KEY':
      return 'Field name too long: a field name may be at most 100 characters';
    default:
      return err.message;
  }
}

/** An upload over the cap: answered 413 at once, and the connection closed after the answer. */
class UploadTooLarge extends Error {}

/** A multipart body that could not be read, or a file name that breaks a rule: 400. */
class UploadRefused extends Error {}

function tooLargeMessage(cap: number): string {
  return `the upload is larger than the ${Math.round(cap / (1024 * 1024))} MB this server accepts at once (all files together): send fewer files per refresh`;
}

/** Answers 413 now, without reading (more of) the body; the connection closes after the answer. */
function refuseTooLarge(req: Request, res: Response, cap: number): void {
  if (res.headersSent) return;
  res.set('Connection', 'close');
  res.status(413).json({ error: tooLargeMessage(cap) });
  // Whatever of the body is still arriving is read and dropped (never kept) until the
  // connection closes.
  req.resume();
}

/**
 * Multer storage that keeps each file's bytes in memory, as the chunks received,
 * counting every file of the request against one cap: past it, the request is
 * answered 413 at once and nothing more is kept.
 */
class HeldStorage implements multer.StorageEngine {
  constructor(private readonly cap: number) {}

  _handleFile(req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const u = req.met.upload!;
    const held: HeldFile = { name: savedName(file.originalname)!, chunks: [] };
    let size = 0;
    let over = false;
    const tooLarge = () => {
      if (over) return;
      over = true;
      held.chunks = null;
      refuseTooLarge(req, req.res!, this.cap);
      file.stream.resume();
      cb(new UploadTooLarge(tooLargeMessage(this.cap)));
    };
    file.stream.on('limit', tooLarge);
    file.stream.on('data', (chunk: Buffer) => {
      if (over) return;
      u.bytes += chunk.length;
      size += chunk.length;
      if (u.bytes > this.cap) tooLarge();
      else {
        held.chunks!.push(chunk);
        holdChunk(chunk);
      }
    });
    file.stream.on('end', () => {
      if (over) return;
      u.held.push(held);
      cb(null, { size });
    });
    file.stream.on('error', (e) => {
      if (over) return;
      over = true;
      held.chunks = null;
      cb(e);
    });
  }

  _removeFile(req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    const u = req.met.upload;
    const name = savedName(file.originalname);
    if (u) u.held = u.held.filter((h) => h.name !== name);
    cb(null);
  }
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
  const upload = multer({
    storage: new HeldStorage(maxUpload),
    // The name as sent, path and all, so that a name with a path is refused rather than cut to its base name.
    preservePath: true,
    // fileSize: one file is never over the cap; HeldStorage also counts all files together.
    limits: { files: 20, fileSize: maxUpload, fields: 5, parts: 30, fieldSize: 1024, fieldNameSize: 100, headerPairs: 20 },
    fileFilter: (req, file, cb) => {
      const u = req.met.upload!;
      const rule = fileNameProblem(file.originalname);
      if (rule) {
        cb(new UploadRefused(`the upload was refused: ${rule}`));
        return;
      }
      const name = savedName(file.originalname);
      // A name that is not a contract file's could be a child's: shown by its length only, as by the load.
      const shown = name ? file.originalname : unknownName(file.originalname);
      if (file.fieldname !== 'files') {
        u.refused.push({ file: shown, reason: `sent in field '${file.fieldname}': send files in the field 'files'` });
        cb(null, false);
      } else if (!name) {
        u.refused.push({ file: shown, reason: `not a file of the data contract: name it as one of ${CONTRACT_FILES.join(', ')}` });
        cb(null, false);
      } else if (u.saved.has(name)) {
        u.refused.push({ file: shown, reason: `${name} was sent twice: only the first was kept` });
        cb(null, false);
      } else {
        u.saved.add(name);
        cb(null, true);
      }
    },
  });
  const readUpload = upload.array('files', 20);

  app.post(
    '/api/refresh',
    (req, res, next) => {
      analystOnly(req, 'a refresh');
      // Everything that can be judged from the headers is, before a byte of the body is read.
      const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
      if (encoding !== 'identity') {
        res.status(415).json({ error: `the upload was refused: send it without Content-Encoding (${encoding === 'gzip' || encoding === 'deflate' || encoding === 'br' ? encoding : 'an encoding'} is not accepted); the server reads plain multipart/form-data only` });
        return;
      }
      if (!req.is('multipart/form-data')) {
        res.status(415).json({ error: `the upload was refused: send the extracts as multipart/form-data, in the field 'files'` });
        return;
      }
      const length = req.get('content-length');
      if (length !== undefined && Number(length) > maxUpload) {
        refuseTooLarge(req, res, maxUpload);
        return;
      }
      if (jobs.busy()) {
        res.status(409).json({ error: 'a refresh is already running: wait for it to finish, then try again' });
        return;
      }
      req.met.upload = { held: [], saved: new Set(), refused: [], bytes: 0 };
      // Whatever happens to the request, the bytes held for it go with it.
      res.on('close', () => {
        if (req.met.upload) req.met.upload.held = [];
      });
      next();
    },
    (req, res, next) => {
      readUpload(req, res, (err?: unknown) => {
        if (err === undefined || err === null) next();
        else if (err instanceof UploadTooLarge || err instanceof UploadRefused || err instanceof multer.MulterError) next(err);
        // busboy's own errors: a body that is not well-formed multipart.
        else next(new UploadRefused('the upload was refused: the body is not well-formed multipart/form-data'));
      });
    },
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

  // Errors: what the client did wrong is a 400 saying what is allowed; anything else a
  // 500 that says nothing of the server's insides (the log has the error's kind).
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // Already answered (an upload over the cap is answered the moment it passes it).
    if (res.headersSent) return;
    if (err instanceof ForbiddenError || err instanceof Forbidden) res.status(403).json({ error: err.message });
    else if (err instanceof RequestError) res.status(400).json({ error: err.message });
    else if (err instanceof NoWarehouse) res.status(503).json({ error: err.message });
    else if (err instanceof UploadTooLarge) refuseTooLarge(req, res, maxUpload);
    else if (err instanceof UploadRefused) res.status(400).json({ error: err.message });
    else if (err instanceof multer.MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') refuseTooLarge(req, res, maxUpload);
      else res.status(400).json({ error: `the upload was refused: ${multerRule(err)}` });
    }
    else if (err && typeof err === 'object' && 'status' in err && (err as { status: number }).status < 500) {
      // express's own client errors (e.g. a malformed body).
      res.status((err as { status: number }).status).json({ error: 'the request could not be read' });
    } else {
      log?.error({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'request failed');
      res.status(500).json({ error: 'something went wrong on the server: try again, and tell the analyst if it keeps happening' });
    }
  });

  return app;
}

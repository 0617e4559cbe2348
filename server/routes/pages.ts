// GET /api/pages/:page: the page model of docs/api.md (the data page for the analyst only).

import type { Request, Response } from 'express';
import { Router } from 'express';
import { ANALYST_PAGES, buildPage, isPage, PAGES } from '../../lib/pages.js';
import type { PageModel } from '../../model/api.js';
import { viewed } from '../audit.js';
import { analystOnly, areaFor } from '../guards.js';
import { HttpError } from '../httpError.js';
import { pageQuery, parse } from '../queries.js';
import { asked } from '../../lib/request.js';
import type { AnswerCache } from '../cache.js';
import type { Lease, Warehouse } from '../warehouse.js';
import { cachedJson, withLease } from './lease.js';

/**
 * The page a request asks for (`:page`, area, period, ages), under the page's guards
 * (the analyst's pages, an account's area), recorded for the audit with `detail`: its
 * key in the answer cache and how to build it. The page route and the exports
 * (routes/export.ts) read it the same way.
 */
function pageRequest({ db, info, reader }: Lease, req: Request, res: Response, warehouse: Warehouse, detail?: Record<string, unknown>) {
  const page = String(req.params.page);
  if (!isPage(page)) throw new HttpError(404, `there is no page ${asked(page)}: use one of ${PAGES.join(', ')}`);
  if (ANALYST_PAGES.has(page)) analystOnly(req, `the ${page} page`);
  const q = parse(pageQuery, req.query);
  const period = q.period ?? info.default_period ?? '';
  const more = detail ? { detail } : {};
  // What was asked is recorded before the area check, so a refused request's entry names the area it tried.
  viewed(res, { ...(req.query.area === undefined ? {} : { area: q.area }), period, ages: q.ages, ...more });
  const area = areaFor(req, q.area);
  viewed(res, { area, period, ages: q.ages, ...more });
  res.set('X-MET-Refresh', info.refresh_id);
  // Work kept for every board member (the cache's) stops when they have all gone; the
  // request's own (the data page) when its client has.
  const build = (stop?: AbortSignal): Promise<PageModel> =>
    buildPage(stop ? reader(stop) : db, {
      page,
      area,
      period,
      ages: q.ages,
      role: req.met.role,
      ...(req.met.area ? { limitArea: req.met.area } : {}),
      refresh: { refresh_id: info.refresh_id, finished_at: info.finished_at },
      // The data page's disclosure audit is worked out in the background, once per refresh.
      warehouse: warehouse.path,
    });
  return {
    build,
    // The data page says its audit is being worked out until it is: never kept.
    kept: page !== 'data',
    key: JSON.stringify(['page', page, req.met.role, req.met.area, area, period, q.ages]),
  };
}

/** The page model a request asks for, from the answer cache where it may be kept. */
export async function pageFor(
  lease: Lease,
  req: Request,
  res: Response,
  warehouse: Warehouse,
  cache: AnswerCache,
  detail?: Record<string, unknown>,
): Promise<PageModel> {
  const r = pageRequest(lease, req, res, warehouse, detail);
  if (!r.kept) return r.build();
  return JSON.parse((await cache.get(lease.info.refresh_id, r.key, async (stop) => JSON.stringify(await r.build(stop)))).body) as PageModel;
}

export function pagesRoutes(warehouse: Warehouse, cache: AnswerCache): Router {
  const router = Router();
  router.get(
    '/api/pages/:page',
    withLease(warehouse, async (lease, req, res) => {
      const r = pageRequest(lease, req, res, warehouse);
      if (r.kept) await cachedJson(cache, lease.info.refresh_id, r.key, res, async (stop) => JSON.stringify(await r.build(stop)));
      else res.json(await r.build());
    }),
  );
  return router;
}

// GET /api/pages/:page: the page model of docs/api.md (the data page for the analyst only).

import type { Request, Response } from 'express';
import { Router } from 'express';
import { ANALYST_PAGES, buildPage, isPage, PAGES } from '../../lib/pages.js';
import type { PageModel } from '../../model/api.js';
import { viewed } from '../audit.js';
import { analystOnly, areaFor } from '../guards.js';
import { HttpError } from '../httpError.js';
import { pageQuery, parse } from '../queries.js';
import type { Lease, Warehouse } from '../warehouse.js';
import { withLease } from './lease.js';

/**
 * The page model a request asks for (`:page`, area, period, ages), under the page's
 * guards (the analyst's pages, an account's area), recorded for the audit with
 * `detail`. The page route and the exports (routes/export.ts) read it the same way.
 */
export async function pageFor({ db, info }: Lease, req: Request, res: Response, warehouse: Warehouse, detail?: Record<string, unknown>): Promise<PageModel> {
  const page = String(req.params.page);
  if (!isPage(page)) throw new HttpError(404, `there is no page '${page}': use one of ${PAGES.join(', ')}`);
  if (ANALYST_PAGES.has(page)) analystOnly(req, `the ${page} page`);
  const q = parse(pageQuery, req.query);
  const period = q.period ?? info.default_period ?? '';
  const more = detail ? { detail } : {};
  // What was asked is recorded before the area check, so a refused request's entry names the area it tried.
  viewed(res, { ...(req.query.area === undefined ? {} : { area: q.area }), period, ages: q.ages, ...more });
  const area = areaFor(req, q.area);
  viewed(res, { area, period, ages: q.ages, ...more });
  res.set('X-MET-Refresh', info.refresh_id);
  return buildPage(db, {
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
}

export function pagesRoutes(warehouse: Warehouse): Router {
  const router = Router();
  router.get(
    '/api/pages/:page',
    withLease(warehouse, async (lease, req, res) => {
      res.json(await pageFor(lease, req, res, warehouse));
    }),
  );
  return router;
}

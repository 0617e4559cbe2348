// GET /api/pages/:page: the page model of docs/api.md (the data page for the analyst only).

import { Router } from 'express';
import { ANALYST_PAGES, buildPage, isPage, PAGES } from '../../lib/pages.js';
import { viewed } from '../audit.js';
import { analystOnly, areaFor } from '../guards.js';
import { HttpError } from '../httpError.js';
import { pageQuery, parse } from '../queries.js';
import type { AnswerCache } from '../cache.js';
import type { Warehouse } from '../warehouse.js';
import { cachedJson, withLease } from './lease.js';

export function pagesRoutes(warehouse: Warehouse, cache: AnswerCache): Router {
  const router = Router();
  router.get(
    '/api/pages/:page',
    withLease(warehouse, async ({ db, info }, req, res) => {
      const page = String(req.params.page);
      if (!isPage(page)) throw new HttpError(404, `there is no page '${page}': use one of ${PAGES.join(', ')}`);
      if (ANALYST_PAGES.has(page)) analystOnly(req, `the ${page} page`);
      const q = parse(pageQuery, req.query);
      const period = q.period ?? info.default_period ?? '';
      // What was asked is recorded before the area check, so a refused request's entry names the area it tried.
      viewed(res, { ...(req.query.area === undefined ? {} : { area: q.area }), period, ages: q.ages });
      const area = areaFor(req, q.area);
      viewed(res, { area, period, ages: q.ages });
      res.set('X-MET-Refresh', info.refresh_id);
      const build = () =>
        buildPage(db, {
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
      // The data page says its audit is being worked out until it is: never kept.
      if (page === 'data') {
        res.json(await build());
        return;
      }
      const key = JSON.stringify(['page', page, req.met.role, req.met.area, area, period, q.ages]);
      await cachedJson(cache, info.refresh_id, key, res, async () => JSON.stringify(await build()));
    }),
  );
  return router;
}

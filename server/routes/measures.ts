// GET /api/measures: the figures of one period, area and age scope, as JSON or Arrow.

import { Router } from 'express';
import { readMeasures } from '../../lib/measures.js';
import { ARROW_TYPE, measuresToArrow, wantsArrow } from '../arrow.js';
import { viewed } from '../audit.js';
import { areaFor } from '../guards.js';
import { measuresQuery, parse } from '../queries.js';
import type { AnswerCache } from '../cache.js';
import type { Warehouse } from '../warehouse.js';
import { cachedJson, withLease } from './lease.js';

export function measuresRoutes(warehouse: Warehouse, cache: AnswerCache): Router {
  const router = Router();
  router.get(
    '/api/measures',
    withLease(warehouse, async ({ db, info, reader }, req, res) => {
      const q = parse(measuresQuery, req.query);
      const period = q.period ?? info.default_period ?? '';
      // What was asked is recorded before the area check, so a refused request's entry names the area it tried.
      viewed(res, { ...(req.query.area === undefined ? {} : { area: q.area }), period, ages: q.ages, detail: { ids: q.ids ?? 'all' } });
      const area = areaFor(req, q.area);
      viewed(res, { area, period, ages: q.ages, detail: { ids: q.ids ?? 'all' } });
      const read = (stop?: AbortSignal) =>
        readMeasures(stop ? reader(stop) : db, {
          period,
          area,
          scope: q.ages,
          role: req.met.role,
          trend: q.trend,
          ...(req.met.area ? { limitArea: req.met.area } : {}),
          ...(q.ids ? { ids: q.ids } : {}),
        });
      res.set('X-MET-Refresh', info.refresh_id);
      if (wantsArrow(req)) {
        res.type(ARROW_TYPE).send(Buffer.from(measuresToArrow(await read())));
        return;
      }
      const key = JSON.stringify(['measures', req.met.role, req.met.area, area, period, q.ages, q.trend, q.ids ?? null]);
      await cachedJson(cache, info.refresh_id, key, res, async (stop) =>
        JSON.stringify({ ...(await read(stop)), refresh: { refresh_id: info.refresh_id, finished_at: info.finished_at } }),
      );
    }),
  );
  return router;
}

// Exports (docs/api.md, "Exports"): GET /api/pages/:page/export.csv and .xlsx (one table
// or one chart's data of the page model, as the role sees it, with its legend and
// definitions), and GET /api/quarantine.csv (analyst: the quarantined rows as the data
// page lists them). Built from what the page and the quarantine endpoints answer, under
// their guards, and audited as views (server/audit.ts).

import { type Response, Router } from 'express';
import { z } from 'zod';
import { type ActionFilters, csvOf, exportDoc, type ExportTarget, isActionPlan, fileCell, safeFileName, toCsv, toXlsx } from '../../lib/export.js';
import { exportWords as w } from '../../lib/messages.js';
import { viewed } from '../audit.js';
import { analystOnly } from '../guards.js';
import { HttpError } from '../httpError.js';
import { parse, quarantineQuery } from '../queries.js';
import type { Warehouse } from '../warehouse.js';
import { withLease } from './lease.js';
import type { AnswerCache } from '../cache.js';
import { pageFor } from './pages.js';
import { readQuarantine } from './quarantine.js';

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The most quarantined rows one CSV holds (the file says so when there are more). */
export const QUARANTINE_CSV_MAX = 100_000;

const ID = /^[A-Za-z0-9_.-]{1,120}$/;
const idParam = (name: string) =>
  z
    .string({ error: `give ${name} once, as text` })
    .regex(ID, { error: `${name} must be a table's or chart's id (letters, digits, _ . -)` })
    .optional();

/**
 * Which table: `table=ID` (a table of the page) or `chart=ID` (a chart's data), exactly one;
 * for the action plan's table, the page's filters too (priority, rag, overdue), so that the
 * file holds the actions the page shows.
 */
const exportQuery = z
  .object({
    table: idParam('table'),
    chart: idParam('chart'),
    priority: z
      .string({ error: 'give priority once' })
      .regex(/^\d{1,3}$/, { error: 'priority must be a whole number' })
      .optional(),
    rag: z.enum(['red', 'amber', 'green'], { error: 'rag must be red, amber or green' }).optional(),
    overdue: z.enum(['yes', 'no'], { error: 'overdue must be yes or no' }).optional(),
  })
  .refine((q) => (q.table === undefined) !== (q.chart === undefined), { error: 'give either table=ID or chart=ID (one of the page’s tables or charts)' });

/** Sends a file as a download under a safe name. */
function sendFile(res: Response, type: string, name: string, body: string | Buffer): void {
  res.set('Content-Type', type);
  res.set('Content-Disposition', `attachment; filename="${name}"`);
  res.send(typeof body === 'string' ? Buffer.from(body, 'utf-8') : body);
}

export function exportRoutes(warehouse: Warehouse, cache: AnswerCache): Router {
  const router = Router();
  for (const format of ['csv', 'xlsx'] as const) {
    router.get(
      `/api/pages/:page/export.${format}`,
      withLease(warehouse, async (lease, req, res) => {
        const q = parse(exportQuery, req.query);
        const target: ExportTarget = q.table !== undefined ? { table: q.table } : { chart: q.chart! };
        const filters: ActionFilters = { priority: q.priority, rag: q.rag, overdue: q.overdue };
        const filtered = Object.values(filters).some((v) => v !== undefined);
        if (filtered && !isActionPlan(String(req.params.page), target))
          throw new HttpError(400, 'priority, rag and overdue filter the action plan’s table only (actions page, table=actions)');
        const model = await pageFor(lease, req, res, warehouse, cache, { format, ...target, ...(filtered ? filters : {}) });
        const doc = exportDoc(model, target, filtered ? filters : undefined);
        if (!doc) {
          const what = 'table' in target ? `table '${target.table}'` : `chart '${target.chart}'`;
          const ids = 'table' in target ? model.tables.map((t) => t.id) : model.charts.map((c) => c.id);
          throw new HttpError(404, `the ${model.page} page has no ${what}: use one of ${ids.join(', ') || '(none)'}`);
        }
        const name = safeFileName(['met', model.page, 'table' in target ? target.table : target.chart, model.area, model.period, model.ages], format);
        if (format === 'csv') sendFile(res, CSV_TYPE, name, toCsv(doc));
        else sendFile(res, XLSX_TYPE, name, await toXlsx(doc));
      }),
    );
  }

  router.get(
    '/api/quarantine.csv',
    (req, _res, next) => {
      analystOnly(req, 'the quarantine');
      next();
    },
    withLease(warehouse, async ({ db, info }, req, res) => {
      const q = parse(quarantineQuery, req.query);
      // The filters, not the free text (which may be anything typed).
      viewed(res, { detail: { format: 'csv', file: q.file ?? null, reason: q.reason ?? null, q: q.q === undefined ? null : 'given' } });
      const { total, rows } = await readQuarantine(db, q, QUARANTINE_CSV_MAX, 0);
      const keys = ['file', 'line', 'column', 'kind', 'reason', 'refresh_id'] as const;
      const about: [string, string][] = [
        [w.quarantineFilters, w.quarantineFilter(q.file, q.reason, q.q !== undefined) || w.quarantineAll],
        [w.quarantineRows, total > rows.length ? w.quarantineFirst(rows.length, total) : String(total)],
        [w.refresh, w.refreshed(info.refresh_id, info.finished_at)],
      ];
      const body = csvOf(
        w.quarantineTitle,
        about,
        keys.map((k) => w.quarantineColumns[k] ?? k),
        rows.map((r) => keys.map((k) => fileCell(r[k]))),
        [[w.quarantineNote]],
      );
      res.set('X-MET-Refresh', info.refresh_id);
      sendFile(res, CSV_TYPE, safeFileName(['met', 'quarantine', q.file ?? '', q.reason ?? '', info.refresh_id], 'csv'), body);
    }),
  );
  return router;
}

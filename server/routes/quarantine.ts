// GET /api/quarantine (analyst): the rows a refresh set aside, filtered, as JSON or Arrow.

import { Router } from 'express';
import { SOURCES } from '../../etl/contract.js';
import { ARROW_TYPE, quarantineToArrow, wantsArrow, type QuarantineRow } from '../arrow.js';
import { viewed } from '../audit.js';
import { analystOnly } from '../guards.js';
import { parse, quarantineQuery } from '../queries.js';
import type { Db } from '../../lib/db.js';
import type { Warehouse } from '../warehouse.js';
import { withLease } from './lease.js';

/** Person-reference columns of each source (their values are pseudonyms by the time they are stored). */
const REF_COLUMNS = new Map(SOURCES.map((s) => [s.name as string, s.columns.filter((c) => c.type.kind === 'ref').map((c) => c.name)]));

/**
 * A repeated-key reason quotes the key's values, and where the key holds a person
 * reference (the SSDA903 files) that value is a pseudonym: no endpoint shows one.
 */
export function withoutPseudonyms(source: string, reason: string): string {
  let out = reason;
  for (const col of REF_COLUMNS.get(source) ?? []) {
    // Reasons of older refreshes quoted the values ("child 3Hob…, mis_start 30/04/2022
    // repeats …"); today's name the columns only ("child and mis_start together repeat …"),
    // which are left as they are.
    out = out.replace(new RegExp(`(^|, )${col} (?!and |repeats |together repeat)(.+?)(?=, | repeats )`), `$1${col} (pseudonym withheld)`);
  }
  return out;
}

/** The quarantine's filters (GET /api/quarantine, and its CSV in routes/export.ts). */
export interface QuarantineFilter {
  file?: string | undefined;
  reason?: string | undefined;
  q?: string | undefined;
}

/**
 * The quarantined rows a filter finds, as the analyst sees them: file, line, column, kind
 * and reason (a pseudonym a reason quotes withheld); never a row's values.
 */
export async function readQuarantine(db: Db, f: QuarantineFilter, limit: number, offset: number): Promise<{ total: number; rows: QuarantineRow[] }> {
  // Every filter is a bound parameter; a NULL parameter switches its filter off.
  const where = `($file IS NULL OR file = $file) AND ($kind IS NULL OR kind = $kind)
                 AND ($q IS NULL OR contains(lower(reason), lower($q)))`;
  const params = { file: f.file ?? null, kind: f.reason ?? null, q: f.q ?? null };
  const total = await db.value<number>(`SELECT count(*) FROM quarantine WHERE ${where}`, params, 'counting quarantined rows');
  const found = await db.all<QuarantineRow & { source: string } & Record<string, unknown>>(
    `SELECT refresh_id, source, file, line, "column", kind, reason FROM quarantine WHERE ${where}
     ORDER BY file, line LIMIT $limit OFFSET $offset`,
    { ...params, limit, offset },
    'reading quarantined rows',
  );
  return { total: Number(total), rows: found.map(({ source, ...r }) => ({ ...r, reason: withoutPseudonyms(source, r.reason) })) };
}

export function quarantineRoutes(warehouse: Warehouse): Router {
  const router = Router();
  router.get(
    '/api/quarantine',
    (req, _res, next) => {
      analystOnly(req, 'the quarantine');
      next();
    },
    withLease(warehouse, async ({ db }, req, res) => {
      const q = parse(quarantineQuery, req.query);
      // The filters, not the free text (which may be anything typed).
      viewed(res, { detail: { file: q.file ?? null, reason: q.reason ?? null, q: q.q === undefined ? null : 'given', limit: q.limit, offset: q.offset } });
      const { total, rows } = await readQuarantine(db, q, q.limit, q.offset);
      if (wantsArrow(req)) res.type(ARROW_TYPE).send(Buffer.from(quarantineToArrow(rows)));
      else res.json({ total, rows });
    }),
  );
  return router;
}

// The query parameters of docs/api.md (and the upload's form fields) as zod schemas. A
// value that breaks a rule is a RequestError (400) whose message says what is allowed;
// the messages of lib/measures.ts and lib/periods.ts are reused, not restated.

import { AUDIT_EVENTS } from '../model/api.js';
import { z } from 'zod';
import { AREAS, type AreaName, SOURCES, sourceByFile } from '../etl/contract.js';
import { MEASURES } from '../lib/catalogue.js';
import { parseArea, parseScope, RequestError } from '../lib/measures.js';
import { asked } from '../lib/request.js';
import { parsePeriod, PeriodError } from '../lib/periods.js';

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
  period: one('period')
    .optional()
    .transform((s, ctx) => (s === undefined ? undefined : checked(periodText)(s, ctx))),
  ages: one('ages').default('0-17').transform(checked(parseScope)),
};

const intParam = (name: string, min: number, max: number, dflt: number) =>
  one(name)
    .default(String(dflt))
    .transform((s, ctx) => {
      const n = Number(s);
      if (!/^\s*\d+\s*$/.test(s) || !Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}, not ${asked(s)}` });
        return z.NEVER;
      }
      return n;
    });

const MEASURE_IDS = new Set(MEASURES.map((m) => m.id));

/** GET /api/measures: area, period, ages, trend, ids. */
export const measuresQuery = z.object({
  ...common,
  trend: intParam('trend', 0, 120, 12),
  ids: one('ids')
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return undefined;
      const ids = s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      const bad = ids.filter((id) => !MEASURE_IDS.has(id));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `measure ${asked(bad[0]!)} is not known: use one of ${[...MEASURE_IDS].join(', ')}` });
        return z.NEVER;
      }
      return ids;
    }),
});

/** GET /api/pages/:page: area, period, ages. */
export const pageQuery = z.object(common);

/** GET /api/quarantine: file, reason, q, limit, offset. */
export const quarantineQuery = z.object({
  // A file of the contract (the quarantine holds no other), a reason of the contract's list.
  file: one('file')
    .optional()
    .refine((f) => f === undefined || f === '' || sourceByFile(f) !== undefined, {
      error: `file is not a file of the data contract: use one of ${SOURCES.map((x) => x.file).join(', ')}`,
    }),
  reason: one('reason').max(200, { error: 'reason is too long (at most 200 characters)' }).optional(),
  q: one('q').max(200, { error: 'q is too long (at most 200 characters)' }).optional(),
  limit: intParam('limit', 1, 1000, 100),
  offset: intParam('offset', 0, 100_000_000, 0),
});

/** POST /api/refresh: the form fields beside the files (an SSDA903 return's area). */
export const uploadFields = z.object({
  area: z
    .string({ error: 'give area once, as text' })
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return undefined;
      const found = AREAS.find((a) => a.toLowerCase().replace(/[\s_-]+/g, '') === s.toLowerCase().replace(/[\s_-]+/g, ''));
      if (!found) {
        ctx.addIssue({ code: 'custom', message: `area ${asked(s)} is not known: an SSDA903 return belongs to one of ${AREAS.join(', ')}` });
        return z.NEVER;
      }
      return found as AreaName;
    }),
});

/** Parses with zod; a failure is a RequestError whose message says what is allowed. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new RequestError(r.error.issues.map((i) => i.message).join('; '));
}

/** The audit log's events (state/store.ts AuditLog). */

const isoTime = (name: string) =>
  one(name)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return undefined;
      if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?)?$/.test(s) || Number.isNaN(Date.parse(s))) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a date (2026-11-30) or a UTC time (2026-11-30T09:00Z)` });
        return z.NEVER;
      }
      return new Date(s.length === 10 ? `${s}T00:00:00Z` : s.endsWith('Z') ? s : `${s}Z`).toISOString();
    });

/** GET /api/audit: event, account, since, until, limit, offset. */
export const auditQuery = z.object({
  event: one('event')
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return undefined;
      if (!(AUDIT_EVENTS as readonly string[]).includes(s)) {
        ctx.addIssue({ code: 'custom', message: `event must be one of ${AUDIT_EVENTS.join(', ')}` });
        return z.NEVER;
      }
      return s;
    }),
  account: one('account').max(64).optional(),
  since: isoTime('since'),
  until: isoTime('until'),
  limit: intParam('limit', 1, 1000, 50),
  offset: intParam('offset', 0, 100_000_000, 0),
});

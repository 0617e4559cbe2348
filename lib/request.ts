// A request for measures, parsed and checked before anything is read: the period,
// area, age scope, role, measures and trend length, the periods the role may see,
// and the measures that are for the analyst only.

import { asked } from './asked.js';
import { AGE_SCOPES, AREAS_AND_ALL, MEASURES, measureDef, type AgeScope, type AreaOrAll, type MeasureDef } from './catalogue.js';
import { ROLES, ruleFor, seesExactFigures, type DisclosureRule, type Role } from './disclosure.js';
import { parsePeriod, PeriodError, type Period } from './periods.js';
import { PARAMETERS, type Parameters } from '../model/parameters.js';
import type { AreaName as Area } from '../model/areas.js';

export { asked };

export class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

/** A request for something the caller's role may not see: a 403 for the API. */
export class ForbiddenError extends RequestError {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/**
 * Data-quality detail (per refresh, file, source and column) is for the analyst only:
 * other roles asking for one by id are refused; asking for everything leaves them out.
 */
export const ANALYST_ONLY_MEASURES: ReadonlySet<string> = new Set(MEASURES.filter((m) => m.audience === 'analyst').map((m) => m.id));

export interface MeasuresRequest {
  period: string;
  area: string;
  scope?: string;
  role?: string;
  /** Trend length: the last N periods of the same kind (default 12; 0 for none). */
  trend?: number;
  ids?: string[];
  threshold?: number;
  /** The national comparator (default: the model's). */
  national?: Parameters['rhi_national'];
  /** An account limited to one area (the sign-in passes it): any other area, or `all`, is refused (403). */
  limitArea?: Area;
  /**
   * True when the output shows the four areas beside `all` (an area-set view): the
   * partner rule then protects the four areas under `all` as one group too.
   */
  areaSet?: boolean;
  /**
   * The breakdowns the output shows beside each measure's figure for the period asked
   * (default: every breakdown stored, as the API's `by`); a measure not named shows
   * none. The partner rule protects a breakdown only where it is shown with its total,
   * so a page names what it draws. Breakdowns not shown are left out of `by`.
   */
  breakdowns?: Record<string, readonly string[]>;
  /** The breakdowns the output shows for every period it reads (previous, a year earlier, the trend): a page that charts a breakdown over time. */
  trendBreakdowns?: Record<string, readonly string[]>;
}

/** A request once checked: what to read, for whom, and how. */
export interface ParsedRequest {
  period: Period;
  area: AreaOrAll;
  scope: AgeScope;
  role: Role;
  /** True for a role that sees exact figures (the analyst). */
  exact: boolean;
  /** The measures asked for that the role may see, in the catalogue's or the request's order. */
  defs: MeasureDef[];
  /** Trend length: the last N periods of the period's kind (0 for none). */
  trendN: number;
  threshold: number;
  /** The disclosure rule the role's figures pass (lib/disclosure.ts). */
  rule: DisclosureRule;
  areaSet: boolean;
  /** The breakdowns shown of a measure in a period (lib/shown.ts): the period asked, or another one read; null: every breakdown stored. */
  shownBreakdowns: (def: MeasureDef, periodId: string) => readonly string[] | null;
}

export function parseArea(text: string): AreaOrAll {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const found = AREAS_AND_ALL.find((a) => norm(a) === norm(text));
  if (!found) throw new RequestError(`area ${asked(text)} is not known: use one of ${AREAS_AND_ALL.join(', ')}`);
  return found;
}

export function parseScope(text: string | undefined): AgeScope {
  const s = (text ?? '0-17').trim();
  if (!(AGE_SCOPES as readonly string[]).includes(s)) throw new RequestError(`age scope ${asked(s)} is not known: use one of ${AGE_SCOPES.join(', ')}`);
  return s as AgeScope;
}

export function parseRole(text: string | undefined): Role {
  const r = (text ?? 'analyst').trim().toLowerCase();
  if (!(ROLES as readonly string[]).includes(r)) throw new RequestError(`role ${asked(text ?? '')} is not known: use one of ${ROLES.join(', ')}`);
  return r as Role;
}

function parseRequestPeriod(text: string): Period {
  try {
    return parsePeriod(text);
  } catch (e) {
    if (e instanceof PeriodError) throw new RequestError(e.message);
    throw e;
  }
}

function parseIds(ids: string[] | undefined): MeasureDef[] {
  if (!ids || ids.length === 0) return [...MEASURES];
  return ids.map((id) => {
    const def = measureDef(id.trim());
    if (!def) throw new RequestError(`measure ${asked(id)} is not known: use one of ${MEASURES.map((m) => m.id).join(', ')}`);
    return def;
  });
}

/** The measures the role may see: asking for an analyst-only one by id is refused, asking for all leaves them out. */
function forRole(defs: MeasureDef[], role: Role, byId: boolean): MeasureDef[] {
  if (seesExactFigures(role)) return defs;
  const asked = byId ? defs.find((d) => ANALYST_ONLY_MEASURES.has(d.id)) : undefined;
  if (asked) throw new ForbiddenError(`${asked.id} is for the analyst only: data-quality detail is not shown to the ${role} role`);
  return defs.filter((d) => !ANALYST_ONLY_MEASURES.has(d.id));
}

function parseTrend(trend: number | undefined): number {
  const n = trend ?? 12;
  if (!Number.isInteger(n) || n < 0 || n > 120) throw new RequestError(`trend must be a whole number from 0 to 120, not ${trend}`);
  return n;
}

/**
 * The published rule (the public) is for quarters and financial years only: months
 * add up to quarters and quarters to calendar years, and a figure rounded in each would
 * narrow the rounded ones. Partners may ask for any period: their figures are protected
 * within each response.
 */
function checkPeriodForRule(period: Period, role: Role, rule: DisclosureRule): void {
  if (rule.rule !== 'published' || period.kind === 'quarter' || period.kind === 'fy') return;
  throw new RequestError(
    `the ${role} role sees figures by quarter (e.g. 2025-Q3) or financial year (e.g. FY2025-26) only: published figures are given for those periods alone`,
  );
}

/** An account limited to one area may read that area only. */
function checkArea(area: AreaOrAll, limit: Area | undefined): void {
  if (limit === undefined || area === limit) return;
  throw new ForbiddenError(`this account may see ${limit} only, not ${area === 'all' ? 'all four areas together' : area}: ask for area ${limit}`);
}

/** Parses and checks a request, in this order: period, area, scope, role, measures, trend, the account's area, the rule's periods. */
export function parseRequest(req: MeasuresRequest): ParsedRequest {
  const period = parseRequestPeriod(req.period);
  const area = parseArea(req.area);
  const scope = parseScope(req.scope);
  const role = parseRole(req.role);
  const defs = forRole(parseIds(req.ids), role, !!req.ids && req.ids.length > 0);
  const trendN = parseTrend(req.trend);
  // Read from the model at each call, so that a changed setting applies without a restart of the module.
  const threshold = req.threshold ?? PARAMETERS.suppression_threshold;
  const rule = ruleFor(role, { suppression_threshold: threshold });
  checkArea(area, req.limitArea);
  checkPeriodForRule(period, role, rule);
  const shownBreakdowns = (def: MeasureDef, periodId: string): readonly string[] | null => {
    const always = req.trendBreakdowns?.[def.id] ?? [];
    if (periodId !== period.id) return always;
    // A measures answer gives every breakdown stored for the period asked (a locality split too).
    if (!req.breakdowns) return null;
    return [...new Set([...(req.breakdowns[def.id] ?? []), ...always])];
  };
  return { period, area, scope, role, exact: seesExactFigures(role), defs, trendN, threshold, rule, areaSet: req.areaSet === true, shownBreakdowns };
}

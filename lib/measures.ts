// Reading the measures: the one way every output (command line, API, pages, board
// pack) gets its figures. Reads the pre-aggregated tables for the periods asked,
// applies disclosure control for the caller's role, and adds trends with their SPC
// reading, comparisons and commentary.

import type { Db } from './db.js';
import {
  AGE_SCOPES,
  AREAS_AND_ALL,
  MEASURES,
  measureDef,
  type AgeScope,
  type AreaOrAll,
  type MeasureDef,
} from './catalogue.js';
import {
  ROLES,
  disclose,
  discloseCube,
  exactValue,
  seesExactFigures,
  type ExactCell,
  type MeasureCube,
  type MeasureTable,
  type Role,
  type Shown,
  type ShownFigures,
} from './disclosure.js';
import { lastPeriods, parsePeriod, periodContaining, PeriodError, previousPeriod, yearEarlier, type Period } from './periods.js';
import { xmr, } from './spc.js';
import { discloseRows, } from './rows.js';
import { commentary } from './commentary.js';
import { buildParameters, PARAMETERS, type BuildParameters, type Parameters } from '../model/parameters.js';

/** A measure the catalogue declares but this warehouse's SQL never wrote: a programming or version error, not a 0. */
export class MeasureNotBuilt extends Error {
  constructor(readonly ids: string[]) {
    super(`the warehouse has no ${ids.length === 1 ? 'measure' : 'measures'} ${ids.join(', ')}: the SQL that builds ${ids.length === 1 ? 'it' : 'them'} did not run or does not write ${ids.length === 1 ? 'it' : 'them'}; refresh the warehouse (met load) with this version`);
    this.name = 'MeasureNotBuilt';
  }
}

/** The parameters the warehouse's measures were built with (older warehouses: the model's). */
export async function builtParameters(db: Db): Promise<BuildParameters> {
  const has = await db.value<number>(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'measure_parameters' AND database_name = current_database()`);
  if (!has) return buildParameters();
  const json = await db.value<string | null>(`SELECT parameters::VARCHAR FROM measure_parameters LIMIT 1`);
  return json ? { ...buildParameters(), ...(JSON.parse(json) as BuildParameters) } : buildParameters();
}

/** Refuses to read a measure that was never built, so that it cannot read as 0. */
async function checkBuilt(db: Db, defs: MeasureDef[]): Promise<void> {
  const has = await db.value<number>(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'measures_built' AND database_name = current_database()`);
  // A warehouse built before measures_built existed cannot say; its next refresh will.
  if (!has) return;
  const built = new Set((await db.all<{ measure: string }>(`SELECT measure FROM measures_built`)).map((r) => r.measure));
  const missing = defs.filter((d) => !built.has(d.id)).map((d) => d.id);
  if (missing.length > 0) throw new MeasureNotBuilt(missing);
}

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
}

export type { Comparison, MeasureOut, MeasuresResponse } from '../model/api.js';
import type { Comparison, MeasureOut, MeasuresResponse } from '../model/api.js';

export function parseArea(text: string): AreaOrAll {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const found = AREAS_AND_ALL.find((a) => norm(a) === norm(text));
  if (!found) throw new RequestError(`area '${text}' is not known: use one of ${AREAS_AND_ALL.join(', ')}`);
  return found;
}

export function parseScope(text: string | undefined): AgeScope {
  const s = (text ?? '0-17').trim();
  if (!(AGE_SCOPES as readonly string[]).includes(s)) throw new RequestError(`age scope '${s}' is not known: use one of ${AGE_SCOPES.join(', ')}`);
  return s as AgeScope;
}

export function parseRole(text: string | undefined): Role {
  const r = (text ?? 'analyst').trim().toLowerCase();
  if (!(ROLES as readonly string[]).includes(r)) throw new RequestError(`role '${text}' is not known: use one of ${ROLES.join(', ')}`);
  return r as Role;
}

function parseIds(ids: string[] | undefined): MeasureDef[] {
  if (!ids || ids.length === 0) return [...MEASURES];
  return ids.map((id) => {
    const def = measureDef(id.trim());
    if (!def) throw new RequestError(`measure '${id}' is not known: use one of ${MEASURES.map((m) => m.id).join(', ')}`);
    return def;
  });
}

interface CellRow {
  measure: string;
  period_id: string;
  area: AreaOrAll;
  breakdown: string;
  key: string;
  num: number | null;
  den: number | null;
  value: number | null;
  [k: string]: unknown;
}

/** Measure → period → the five areas' exact figures. */
type Tables = Map<string, Map<string, MeasureTable>>;

function toTables(rows: CellRow[]): Tables {
  const tables: Tables = new Map();
  for (const r of rows) {
    let byPeriod = tables.get(r.measure);
    if (!byPeriod) tables.set(r.measure, (byPeriod = new Map()));
    let table = byPeriod.get(r.period_id);
    if (!table) byPeriod.set(r.period_id, (table = {}));
    const fig = (table[r.area] ??= { headline: { num: 0, den: null }, by: {} });
    const cell: ExactCell = { num: r.num, den: r.den, value: r.value };
    if (r.breakdown === '') fig.headline = cell;
    else (fig.by[r.breakdown] ??= {})[r.key] = cell;
  }
  return tables;
}

/** Every area has an entry, so a figure with no events reads as 0 rather than missing. */
function complete(table: MeasureTable | undefined): MeasureTable {
  const t: MeasureTable = { ...(table ?? {}) };
  for (const a of AREAS_AND_ALL) t[a] ??= { headline: { num: 0, den: null }, by: {} };
  return t;
}

async function knownPeriods(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const params: Record<string, string> = {};
  ids.forEach((id, i) => (params[`p${i}`] = id));
  const rows = await db.all<{ period_id: string }>(
    `SELECT period_id FROM periods WHERE period_id IN (${ids.map((_, i) => `$p${i}`).join(', ')})`,
    params,
  );
  return new Set(rows.map((r) => r.period_id));
}

/**
 * How far the data reaches: the one reading behind the periods served, the default
 * period (server/warehouse.ts) and the "not complete" warning. Nothing beyond the day
 * of the latest refresh counts: a row dated in the future (an old warehouse may hold
 * one) never makes a period that has not happened yet servable or the default.
 */
export interface DataReach {
  /** The first and last months served (`YYYY-MM`): the months the data touches, up to the refresh's month. */
  first: string | null;
  last: string | null;
  /** The latest episode's date, `YYYY-MM-DD`, among those up to the refresh day: a period ending after it is not complete. */
  latestEvent: string | null;
  /** The day of the latest successful refresh, `YYYY-MM-DD` (null in a warehouse without one). */
  refreshed: string | null;
}

export async function dataReach(db: Db): Promise<DataReach> {
  const r = await db.all<{ refreshed: string | null; latest: string | null; first: string | null; last: string | null }>(
    `WITH r AS (SELECT max(coalesce(finished_at, started_at))::DATE AS d FROM refreshes WHERE status = 'loaded')
     SELECT strftime((SELECT d FROM r), '%Y-%m-%d') AS refreshed,
            (SELECT strftime(max(reported_at), '%Y-%m-%d') FROM missing_episodes
              WHERE reported_at::DATE <= coalesce((SELECT d FROM r), DATE '9999-12-31')) AS latest,
            (SELECT strftime(min(start_date), '%Y-%m') FROM periods WHERE kind = 'month') AS first,
            (SELECT strftime(max(start_date), '%Y-%m') FROM periods
              WHERE kind = 'month' AND start_date <= coalesce((SELECT d FROM r), DATE '9999-12-31')) AS last`,
    undefined,
    'reading how far the data reaches',
  );
  const x = r[0];
  return { first: x?.first ?? null, last: x?.last ?? null, latestEvent: x?.latest ?? null, refreshed: x?.refreshed ?? null };
}

/** True when the data reaches the period: it ends no earlier than the first month served and starts no later than the last. */
export function withinReach(p: { start: string; last: string }, reach: DataReach): boolean {
  if (!reach.first || !reach.last) return false;
  return p.last.slice(0, 7) >= reach.first && p.start.slice(0, 7) <= reach.last;
}

function coverage(reach: DataReach): string {
  return reach.first && reach.last
    ? `the warehouse covers ${reach.first} to ${reach.last}${reach.refreshed ? ` (nothing after its refresh on ${reach.refreshed})` : ''}: choose a period in that range`
    : 'the warehouse holds no events yet';
}

/** A period's neighbours may fall outside the years periods may use (before 1900): then they are left out. */
function orNull<T>(f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (e instanceof PeriodError) return null;
    throw e;
  }
}

/** Up to n periods of p's kind ending with p, oldest first, stopping at the earliest year periods may use. */
function periodsBack(p: Period, n: number): Period[] {
  const out: Period[] = n > 0 ? [p] : [];
  while (out.length < n) {
    const q = orNull(() => previousPeriod(out[0]!));
    if (!q) break;
    out.unshift(q);
  }
  return out;
}

/**
 * The one place a change is worked out, for every output (tiles, commentary, API):
 * the difference to 2 decimals, and the relative change in % to 1 decimal (null from
 * 0). Left out where either side is not a shown number, so it never reveals a withheld one.
 */
export function changeOf(now: Shown, then: Shown): Pick<Comparison, 'change' | 'change_pct'> {
  if (typeof now !== 'number' || typeof then !== 'number') return {};
  const change = Math.round((now - then) * 100) / 100;
  const change_pct = then === 0 ? null : Math.round(((now - then) / then) * 1000) / 10;
  return { change, change_pct };
}

export async function readMeasures(db: Db, req: MeasuresRequest): Promise<MeasuresResponse> {
  let period: Period;
  try {
    period = parsePeriod(req.period);
  } catch (e) {
    if (e instanceof PeriodError) throw new RequestError(e.message);
    throw e;
  }
  const area = parseArea(req.area);
  const scope = parseScope(req.scope);
  const role = parseRole(req.role);
  const exact = seesExactFigures(role);
  let defs = parseIds(req.ids);
  if (!exact) {
    const asked = req.ids && req.ids.length > 0 ? defs.find((d) => ANALYST_ONLY_MEASURES.has(d.id)) : undefined;
    if (asked) throw new ForbiddenError(`${asked.id} is for the analyst only: data-quality detail is not shown to the ${role} role`);
    defs = defs.filter((d) => !ANALYST_ONLY_MEASURES.has(d.id));
  }
  const trendN = req.trend ?? 12;
  if (!Number.isInteger(trendN) || trendN < 0 || trendN > 120) throw new RequestError(`trend must be a whole number from 0 to 120, not ${req.trend}`);
  // Read from the model at each call, so that a changed setting applies without a restart of the module.
  const threshold = req.threshold ?? PARAMETERS.suppression_threshold;

  if (!exact && period.kind !== 'quarter' && period.kind !== 'fy') {
    throw new RequestError(
      `the ${role} role sees figures by quarter (e.g. 2025-Q3) or financial year (e.g. FY2025-26): months add up to quarters and quarters to calendar years, so other periods would let a withheld figure be worked out by subtraction`,
    );
  }
  const reach = await dataReach(db);
  if (!withinReach(period, reach)) throw new RequestError(`there is no data for ${period.id}: ${coverage(reach)}`);
  const prev = orNull(() => previousPeriod(period));
  const yearAgo = orNull(() => yearEarlier(period));
  const trend = periodsBack(period, trendN);
  const wanted = [...new Set([period.id, ...(prev ? [prev.id] : []), ...(yearAgo ? [yearAgo.id] : []), ...trend.map((p) => p.id)])];
  await checkBuilt(db, defs);
  const built = await builtParameters(db);
  const known = await knownPeriods(db, wanted);
  if (!known.has(period.id)) throw new RequestError(`there is no data for ${period.id}: ${coverage(reach)}`);
  const periods = wanted.filter((id) => known.has(id));

  // For the board and commissioners, suppression is worked out over each financial
  // year with its quarters, every area and every age scope (lib/disclosure.ts,
  // discloseCube), so those figures are read too.
  const yearOf = new Map<string, { total: string; quarters: string[] }>();
  if (!exact) {
    for (const id of periods) {
      const p = parsePeriod(id);
      const fy = p.kind === 'fy' ? p : periodContaining('fy', p.start);
      const quarters = lastPeriods(periodContaining('quarter', fy.last), 4).map((q) => q.id);
      yearOf.set(id, { total: fy.id, quarters });
    }
  }
  const toRead = [...new Set([...periods, ...[...yearOf.values()].flatMap((y) => [y.total, ...y.quarters])])];
  const params: Record<string, string> = { scope };
  toRead.forEach((id, i) => (params[`p${i}`] = id));
  const cellRows = await db.all<CellRow & { scope: string }>(
    `SELECT measure, period_id, area, scope, breakdown, key, num, den, value FROM measure_cells
     WHERE period_id IN (${toRead.map((_, i) => `$p${i}`).join(', ')})
       AND ${exact ? `scope IN ($scope, '*')` : `(scope IN ('0-17', '18-24', '0-24', '*') OR scope = $scope)`}`,
    params,
    'reading the measures',
  );
  const tables = toTables(cellRows.filter((r) => r.scope === scope || r.scope === '*'));

  // The cube of one measure over one financial year: period → scope → the five areas.
  const cubeCache = new Map<string, Map<string, Map<string, Partial<Record<AreaOrAll, ShownFigures>>>>>();
  const cubeFor = (def: MeasureDef, year: { total: string; quarters: string[] }) => {
    const cacheKey = `${def.id}\u0000${year.total}`;
    const cached = cubeCache.get(cacheKey);
    if (cached) return cached;
    const ids = new Set([year.total, ...year.quarters]);
    const rows = cellRows.filter((r) => r.measure === def.id && ids.has(r.period_id));
    const scoped = !rows.some((r) => r.scope === '*') && !def.fixedAges;
    const scopes = scoped ? ['0-17', '18-24', '0-24'] : ['*'];
    const cube: MeasureCube = new Map();
    for (const id of ids) {
      const byScope2 = new Map<string, MeasureTable>();
      for (const sc of scopes) {
        byScope2.set(sc, complete(toTables(rows.filter((r) => r.period_id === id && r.scope === sc)).get(def.id)?.get(id)));
      }
      cube.set(id, byScope2);
    }
    const shown = discloseCube(def, cube, year, role, threshold);
    cubeCache.set(cacheKey, shown);
    return shown;
  };

  // Disclosure measure by measure; figures built on a suppressed count are suppressed
  // with it (a rate must not reveal the count it rests on).
  const shownCache = new Map<string, Partial<Record<AreaOrAll, ShownFigures>>>();
  const shownFor = (def: MeasureDef, periodId: string): Partial<Record<AreaOrAll, ShownFigures>> => {
    const cacheKey = `${def.id}\u0000${periodId}`;
    const cached = shownCache.get(cacheKey);
    if (cached) return cached;
    let shown: Partial<Record<AreaOrAll, ShownFigures>>;
    if (exact) shown = disclose(def, complete(tables.get(def.id)?.get(periodId)), role, threshold);
    else {
      const byScope = cubeFor(def, yearOf.get(periodId)!).get(periodId)!;
      shown = structuredClone(byScope.get(scope) ?? byScope.get('*') ?? {});
    }
    for (const baseId of def.basedOn ?? []) {
      const base = measureDef(baseId);
      if (!base) continue;
      const baseShown = shownFor(base, periodId);
      for (const a of AREAS_AND_ALL) if (baseShown[a]?.headline === 'c' && shown[a]) shown[a]!.headline = 'c';
    }
    shownCache.set(cacheKey, shown);
    return shown;
  };

  const measures: Record<string, MeasureOut> = {};
  const warnings: string[] = [];
  // A period that runs past the latest episode in the extracts is still filling up:
  // its figures are low for that reason alone, so they are not read as a signal.
  const dataEnd = reach.latestEvent;
  const incomplete = dataEnd !== null && dataEnd !== undefined && period.last > dataEnd;
  if (incomplete) {
    warnings.push(`${period.label} runs past the latest episode in the extracts (${dataEnd}): its figures are incomplete, and no trend reading is given for it`);
  }
  for (const def of defs) {
    if (def.kind === 'rows') continue;
    const here = shownFor(def, period.id)[area]!;
    const out: MeasureOut = { value: here.headline };
    if (Object.keys(here.by).length > 0) out.by = here.by;
    for (const [label, p] of [['previous', prev], ['year_earlier', yearAgo]] as const) {
      if (!p || !known.has(p.id)) continue;
      const then = shownFor(def, p.id)[area]!.headline;
      out[label] = { period: p.id, value: then, ...changeOf(here.headline, then) };
    }
    if (trend.length > 0) {
      const ps = trend.filter((p) => known.has(p.id));
      const values = ps.map((p) => shownFor(def, p.id)[area]!.headline);
      out.trend = {
        periods: ps.map((p) => p.id),
        values,
        spc: incomplete ? { status: 'no_data', summary: `No reading: ${period.label} is not complete in the extracts.` } : xmr(values),
      };
    }
    measures[def.id] = out;
  }
  if (defs.some((d) => d.id === 'prevalence_per_10k')) {
    const t = tables.get('prevalence_per_10k')?.get(period.id)?.[area];
    if (t && (t.headline.den === null || t.headline.den === 0)) {
      warnings.push(
        t.headline.den === 0
          ? `prevalence for ${area} in ${period.id} has no population denominator: the population.csv estimate used for ${period.id} has no one aged 0-17 in ${area === 'all' ? 'the four areas' : area}`
          : `prevalence for ${area} in ${period.id} has no population denominator: population.csv has no estimate for ${area === 'all' ? 'one of the areas' : area} for ${period.id} or any earlier year`,
      );
    }
  }

  const rowDefs = defs.filter((d) => d.kind === 'rows');
  if (rowDefs.length > 0) {
    const rows = await db.all<{ measure: string; row: string; period_id: string }>(
      `SELECT measure, period_id, row FROM measure_rows
       WHERE ((period_id = $p AND area = $area) OR period_id = '*') AND scope IN ($scope, '*')
       ORDER BY measure, ord`,
      { p: period.id, area, scope },
      'reading the table-like measures',
    );
    const headlineOf = (id: string) => exactValue(measureDef(id)!.kind, complete(tables.get(id)?.get(period.id))[area]!.headline);
    // The table-like measures are protected within one period, area and scope. So that
    // none of their cells can be worked out by subtracting another request's (a year
    // minus its quarters; 0-24 minus 0-17), the board and commissioners get them for
    // quarters and, where ages matter, for 0-17 only.
    const PERIOD_ROWS = new Set(['hotspots', 'group_profile', 'service_gaps']);
    const SCOPED_ROWS = new Set(['hotspots', 'service_gaps']);
    const withheldRows = (id: string) => !exact && PERIOD_ROWS.has(id) && (period.kind !== 'quarter' || (SCOPED_ROWS.has(id) && scope !== '0-17'));
    if (rowDefs.some((d) => withheldRows(d.id))) {
      warnings.push(
        `Hotspots, the group profile and service gaps are shown to the ${role} role by quarter (and, where ages matter, for ages 0-17) only, so that none of their figures can be worked out from another period or age range`,
      );
    }
    for (const def of rowDefs) {
      if (withheldRows(def.id)) {
        measures[def.id] = { rows: [] };
        continue;
      }
      const raw = rows.filter((r) => r.measure === def.id).map((r) => JSON.parse(r.row) as Record<string, unknown>);
      measures[def.id] = {
        rows: discloseRows(def.id, raw, role, threshold, {
          metChildren: complete(tables.get('met_children')?.get(period.id))[area]!.headline.num ?? 0,
          areaPrevalence: headlineOf('prevalence_per_10k'),
          areaCompletion: headlineOf('rhi_completed_72h_pct'),
          areaTotals: {
            met_children: complete(tables.get('met_children')?.get(period.id))[area]!.headline.num ?? 0,
            missing_episodes: complete(tables.get('missing_episodes')?.get(period.id))[area]!.headline.num ?? 0,
            children_at_risk: complete(tables.get('children_at_risk')?.get(period.id))[area]!.headline.num ?? 0,
            risk_reviews_overdue: complete(tables.get('risk_reviews_overdue')?.get(period.id))[area]!.headline.num ?? 0,
          },
        }),
      };
    }
  }

  const response: MeasuresResponse = {
    period: period.id,
    period_label: period.label,
    area,
    role,
    parameters: {
      age_scope: scope,
      ...built,
      suppression_threshold: threshold,
      rhi_national: { ...(req.national ?? PARAMETERS.rhi_national) },
      trend_periods: trendN,
    },
    measures,
    commentary: {},
    warnings,
    complete: !incomplete,
  };
  response.commentary = commentary(response);
  return response;
}

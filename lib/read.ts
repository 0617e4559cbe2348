// Reading a request's figures from the warehouse: how far its data reaches, which
// periods the request needs (its period, the one before, a year earlier, the trend),
// and their exact figures from the pre-aggregated tables measure_cells and
// measure_rows. Nothing here is disclosed: lib/shown.ts does that.

import type { Db } from './db.js';
import { AREAS_AND_ALL, type AgeScope, type AreaOrAll, type MeasureDef } from './catalogue.js';
import type { DisclosureRule, ExactCell, MeasureTable } from './disclosure.js';
import { PeriodError, previousPeriod, yearEarlier, type Period } from './periods.js';
import { RequestError, type ParsedRequest } from './request.js';
import { buildParameters, type BuildParameters } from '../model/parameters.js';

/** What a reader kept of a read-only warehouse, per open warehouse (Db.snapshot). */
const kept = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * `f`'s answer, worked out once per open read-only warehouse (one that cannot change while
 * open: Db.snapshot): every request of a server reads the same reach, parameters and
 * cells until the next refresh opens a new warehouse. A failed reading is not kept.
 * A database that may be written is read each time.
 */
/** The readings kept for a read-only warehouse. */
function keptOf(snapshot: object): Map<string, Promise<unknown>> {
  const m = kept.get(snapshot) ?? new Map<string, Promise<unknown>>();
  kept.set(snapshot, m);
  return m;
}

function once<T>(db: Db, key: string, f: () => Promise<T>): Promise<T> {
  if (!db.snapshot) return f();
  const m = keptOf(db.snapshot);
  const had = m.get(key) as Promise<T> | undefined;
  if (had) return had;
  const p = f();
  m.set(key, p);
  p.catch(() => m.delete(key));
  return p;
}

/** A measure the catalogue declares but this warehouse's SQL never wrote: a programming or version error, not a 0. */
export class MeasureNotBuilt extends Error {
  constructor(readonly ids: string[]) {
    super(
      `the warehouse has no ${ids.length === 1 ? 'measure' : 'measures'} ${ids.join(', ')}: the SQL that builds ${ids.length === 1 ? 'it' : 'them'} did not run or does not write ${ids.length === 1 ? 'it' : 'them'}; refresh the warehouse (met load) with this version`,
    );
    this.name = 'MeasureNotBuilt';
  }
}

/** The parameters the warehouse's measures were built with (older warehouses: the model's). */
export function builtParameters(db: Db): Promise<BuildParameters> {
  return once(db, 'built', () => readBuiltParameters(db));
}

async function readBuiltParameters(db: Db): Promise<BuildParameters> {
  const has = await db.value<number>(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'measure_parameters' AND database_name = current_database()`);
  if (!has) return buildParameters();
  const json = await db.value<string | null>(`SELECT parameters::VARCHAR FROM measure_parameters LIMIT 1`);
  return json ? { ...buildParameters(), ...(JSON.parse(json) as BuildParameters) } : buildParameters();
}

/**
 * The measures of `defs` this warehouse's refresh did not build (a warehouse of an older
 * version); none for a warehouse built before measures_built existed, which cannot say.
 */
export async function measuresNotBuilt(db: Db, defs: readonly MeasureDef[]): Promise<string[]> {
  const built = await once(db, 'measures_built', async () => {
    const has = await db.value<number>(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'measures_built' AND database_name = current_database()`);
    if (!has) return null;
    return new Set((await db.all<{ measure: string }>(`SELECT measure FROM measures_built`)).map((r) => r.measure));
  });
  if (!built) return [];
  return defs.filter((d) => !built.has(d.id)).map((d) => d.id);
}

/** Refuses to read a measure that was never built, so that it cannot read as 0. */
async function checkBuilt(db: Db, defs: MeasureDef[]): Promise<void> {
  const missing = await measuresNotBuilt(db, defs);
  if (missing.length > 0) throw new MeasureNotBuilt(missing);
}

/** One row of measure_cells: a headline (breakdown '') or a breakdown's cell, for one area and age scope ('*': ages do not apply). */
export interface CellRow {
  measure: string;
  period_id: string;
  area: AreaOrAll;
  scope: string;
  breakdown: string;
  key: string;
  num: number | null;
  den: number | null;
  value: number | null;
  [k: string]: unknown;
}

/** Measure → period → the five areas' exact figures. */
export type Tables = Map<string, Map<string, MeasureTable>>;

export function toTables(rows: CellRow[]): Tables {
  const tables: Tables = new Map();
  for (const r of rows) {
    const byPeriod = tables.get(r.measure) ?? new Map<string, MeasureTable>();
    tables.set(r.measure, byPeriod);
    const table: MeasureTable = byPeriod.get(r.period_id) ?? {};
    byPeriod.set(r.period_id, table);
    table[r.area] ??= { headline: { num: 0, den: null }, by: {} };
    const fig = table[r.area]!;
    const cell: ExactCell = { num: r.num, den: r.den, value: r.value };
    if (r.breakdown === '') fig.headline = cell;
    else {
      fig.by[r.breakdown] ??= {};
      fig.by[r.breakdown]![r.key] = cell;
    }
  }
  return tables;
}

/**
 * Published rule: every key a breakdown may list, so that the parts of a withheld count
 * are all "not given", its zeros among them. A breakdown lists only the keys its cells
 * hold, and a key with no events has no cell; were only those with a cell listed as not
 * given, a reader would learn which parts are above 0 (docs/disclosure-audit.md, "Not
 * given includes 0"). The keys are those of the breakdown in any quarter or financial
 * year, any age scope and any area (a locality's only in its own area, and every
 * locality in `all`): what other answers list anyway.
 */
export type BreakdownKeys = ReadonlyMap<string, readonly string[]>;

const keysId = (measure: string, breakdown: string, area: string) => `${measure}\u0000${breakdown}\u0000${breakdown === 'locality' ? area : '*'}`;

/** The keys of each measure's breakdowns in these cells (headlines aside), sorted as the cells are read (by key). */
export function breakdownKeysOf(cells: Iterable<Pick<CellRow, 'measure' | 'area' | 'breakdown' | 'key'>>): BreakdownKeys {
  const sets = new Map<string, Set<string>>();
  const add = (id: string, key: string) => {
    const s = sets.get(id) ?? new Set<string>();
    sets.set(id, s);
    s.add(key);
  };
  for (const c of cells) {
    if (c.breakdown === '') continue;
    add(keysId(c.measure, c.breakdown, c.area), c.key);
    if (c.breakdown === 'locality') add(keysId(c.measure, c.breakdown, 'all'), c.key);
  }
  return new Map([...sets].map(([id, s]) => [id, [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))]));
}

/** The keys a breakdown of a measure may list in an area. */
export function keysFor(keys: BreakdownKeys, measure: string, breakdown: string, area: string): readonly string[] {
  return keys.get(keysId(measure, breakdown, area)) ?? [];
}

/** The warehouse's breakdown keys, read once per open read-only warehouse (as readPublishedData reads the cells: quarters and years). */
export function readBreakdownKeys(db: Db): Promise<BreakdownKeys> {
  return once(db, 'breakdown_keys', async () =>
    breakdownKeysOf(
      await db.all<CellRow>(
        `SELECT DISTINCT c.measure, c.area, c.breakdown, c.key
         FROM measure_cells c JOIN periods p USING (period_id) WHERE p.kind IN ('quarter', 'fy') AND c.breakdown <> ''`,
        undefined,
        "reading the breakdowns' keys",
      ),
    ),
  );
}

/** Every area has an entry, so a figure with no events reads as 0 rather than missing. */
export function complete(table: MeasureTable | undefined): MeasureTable {
  const t: MeasureTable = { ...(table ?? {}) };
  for (const a of AREAS_AND_ALL) t[a] ??= { headline: { num: 0, den: null }, by: {} };
  return t;
}

async function knownPeriods(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  if (db.snapshot) {
    // A read-only warehouse's periods, read once: a few hundred ids.
    const all = await once(db, 'periods', async () => new Set((await db.all<{ period_id: string }>(`SELECT period_id FROM periods`)).map((r) => r.period_id)));
    return new Set(ids.filter((id) => all.has(id)));
  }
  const params: Record<string, string> = {};
  for (const [i, id] of ids.entries()) params[`p${i}`] = id;
  const rows = await db.all<{ period_id: string }>(`SELECT period_id FROM periods WHERE period_id IN (${ids.map((_, i) => `$p${i}`).join(', ')})`, params);
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

export function dataReach(db: Db): Promise<DataReach> {
  // Its reading scans the missing episodes (50 ms at scale 100), once per request and block before.
  return once(db, 'reach', () => readReach(db));
}

async function readReach(db: Db): Promise<DataReach> {
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

/** The periods a response compares its period with, and its trend's. */
interface Compared {
  previous: Period | null;
  yearEarlier: Period | null;
  /** Oldest first, ending with the period itself; empty for no trend. */
  trend: Period[];
}

function comparedPeriods(period: Period, trendN: number): Compared {
  return { previous: orNull(() => previousPeriod(period)), yearEarlier: orNull(() => yearEarlier(period)), trend: periodsBack(period, trendN) };
}

/** The period first, then the one before, a year earlier and the trend's, each once. */
function periodIds(period: Period, c: Compared): string[] {
  const ids = [period.id, ...(c.previous ? [c.previous.id] : []), ...(c.yearEarlier ? [c.yearEarlier.id] : []), ...c.trend.map((p) => p.id)];
  return [...new Set(ids)];
}

/**
 * The cells of the periods, in the age scope asked (and those to which ages do not apply,
 * '*'). A read-only warehouse's are read once per period and scope (measure_cells holds a
 * few hundred rows per period and scope at scale 100: 112,535 in all), in one query for
 * the periods not read yet: a page's blocks and every request after read the same periods.
 * The rows kept are shared: nothing changes them (toTables copies what it needs).
 */
async function readCells(db: Db, periods: string[], scope: AgeScope): Promise<CellRow[]> {
  if (periods.length === 0) return [];
  if (!db.snapshot) {
    // In the same order as the kept cells below: period by period as asked.
    const rows = await readCellsNow(db, periods, scope);
    return periods.flatMap((p) => rows.filter((r) => r.period_id === p));
  }
  const m = keptOf(db.snapshot);
  const key = (p: string) => `cells\u0000${scope}\u0000${p}`;
  const missing = periods.filter((p) => !m.has(key(p)));
  if (missing.length > 0) {
    const read = readCellsNow(db, missing, scope);
    for (const p of missing) {
      const one = read.then((rows) => rows.filter((r) => r.period_id === p));
      m.set(key(p), one);
      one.catch(() => m.delete(key(p)));
    }
  }
  const parts = await Promise.all(periods.map((p) => m.get(key(p)) as Promise<CellRow[]>));
  return parts.flat();
}

/**
 * In one fixed order: disclosure control visits the cells of a group in the order it is
 * given them (lib/disclosure.ts, ties: the first), and the measures' SQL stores its cells
 * in no particular order (parallel aggregation), so the same data always gives the same
 * counts withheld.
 */
async function readCellsNow(db: Db, periods: string[], scope: AgeScope): Promise<CellRow[]> {
  const params: Record<string, string> = { scope };
  for (const [i, id] of periods.entries()) params[`p${i}`] = id;
  return db.all<CellRow>(
    `SELECT measure, period_id, area, scope, breakdown, key, num, den, value FROM measure_cells
     WHERE period_id IN (${periods.map((_, i) => `$p${i}`).join(', ')}) AND scope IN ($scope, '*')
     ORDER BY period_id, measure, area, scope, breakdown, key`,
    params,
    'reading the measures',
  );
}

/** What a request reads from the warehouse, before disclosure control. */
export interface Figures extends Compared {
  reach: DataReach;
  built: BuildParameters;
  /** The cells read: the periods', in the scope asked (or '*'). */
  cells: CellRow[];
  /** The exact figures in the scope asked (or '*'). */
  tables: Tables;
  /**
   * Published rule: the counts of the periods read shown otherwise than the rule alone
   * would (cell ids of lib/audit/knowledge.ts → `c`, withheld to protect another, or null,
   * not given): lib/audit/protect.ts.
   */
  protection?: ReadonlyMap<string, 'c' | null>;
  /** Published rule: every key each breakdown may list (not given, 0 included, where its parts are not given). */
  breakdownKeys?: BreakdownKeys;
}

/**
 * Reads a request's figures: refuses a period the data does not reach and a measure the
 * warehouse never built. The periods compared with are those the warehouse has (the
 * one before, a year earlier: null where it has not).
 */
export async function readFigures(db: Db, q: ParsedRequest): Promise<Figures> {
  const reach = await dataReach(db);
  if (!withinReach(q.period, reach)) throw new RequestError(`there is no data for ${q.period.id}: ${coverage(reach)}`);
  const compared = comparedPeriods(q.period, q.trendN);
  const wanted = periodIds(q.period, compared);
  await checkBuilt(db, q.defs);
  const built = await builtParameters(db);
  const known = await knownPeriods(db, wanted);
  if (!known.has(q.period.id)) throw new RequestError(`there is no data for ${q.period.id}: ${coverage(reach)}`);
  const periods = wanted.filter((id) => known.has(id));
  const cells = await readCells(db, periods, q.scope);
  const protection = q.rule.rule === 'published' ? await readProtected(db, periods, q.rule) : undefined;
  const breakdownKeys = q.rule.rule === 'published' ? await readBreakdownKeys(db) : undefined;
  const has = (p: Period | null) => (p && known.has(p.id) ? p : null);
  return {
    reach,
    built,
    previous: has(compared.previous),
    yearEarlier: has(compared.yearEarlier),
    trend: compared.trend.filter((p) => known.has(p.id)),
    cells,
    tables: toTables(cells),
    ...(protection ? { protection } : {}),
    ...(breakdownKeys ? { breakdownKeys } : {}),
  };
}

/** The warehouse has no protection for the published rule (built by an older version). */
function protectionMissing(): string {
  return 'this warehouse has no protection for published figures (it was built by an older version): refresh it (met load) before giving published figures';
}

/** The warehouse's protection was worked out for another published rule (a parameter changed since the refresh). */
function protectionStale(built: { max_withheld: number; rounding_base: number } | null, now: { max_withheld: number; rounding_base: number }): string {
  const was = built ? `counts withheld up to ${built.max_withheld} and rounding to ${built.rounding_base}` : 'an unknown rule';
  return `this warehouse's protection of published figures was worked out for ${was}, but the model now says up to ${now.max_withheld} and ${now.rounding_base}: refresh the warehouse (met load) before giving published figures`;
}

/**
 * A warehouse built before the published rule's protection existed, or for another
 * published rule (a changed parameter), cannot say which counts to withhold: refresh it.
 */
export class ProtectionNotBuilt extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtectionNotBuilt';
  }
}

/**
 * The counts of the periods the published rule shows otherwise than it alone would: `c`,
 * withheld to protect another, or null, not given (lib/audit/protect.ts, written at each
 * refresh). Without them no published figure is given.
 */
export async function readProtected(db: Db, periods: readonly string[], rule: DisclosureRule): Promise<Map<string, 'c' | null>> {
  const has = await db.value<number>(
    `SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('published_protected', 'published_protection_rule') AND database_name = current_database()`,
  );
  if (has !== 2) throw new ProtectionNotBuilt(protectionMissing());
  const built = (await db.all<{ max_withheld: number; rounding_base: number }>(`SELECT max_withheld, rounding_base FROM published_protection_rule`))[0];
  if (!built || built.max_withheld !== rule.maxWithheld || built.rounding_base !== rule.roundingBase)
    throw new ProtectionNotBuilt(protectionStale(built ?? null, { max_withheld: rule.maxWithheld, rounding_base: rule.roundingBase ?? 1 }));
  if (periods.length === 0) return new Map();
  const params: Record<string, string> = {};
  for (const [i, id] of periods.entries()) params[`p${i}`] = id;
  const rows = await db.all<{ cell: string; not_given: boolean }>(
    `SELECT cell, not_given FROM published_protected WHERE period_id IN (${periods.map((_, i) => `$p${i}`).join(', ')})`,
    params,
    'reading the counts withheld to protect others',
  );
  return new Map(rows.map((r) => [r.cell, r.not_given ? null : 'c']));
}

/** The raw rows of the table-like measures for one period, area and scope (and those for every period, '*'), in their order. */
export async function readRows(db: Db, q: Pick<ParsedRequest, 'period' | 'area' | 'scope'>): Promise<{ measure: string; row: string; period_id: string }[]> {
  return db.all<{ measure: string; row: string; period_id: string }>(
    `SELECT measure, period_id, row FROM measure_rows
     WHERE ((period_id = $p AND area = $area) OR period_id = '*') AND scope IN ($scope, '*')
     ORDER BY measure, ord`,
    { p: q.period.id, area: q.area, scope: q.scope },
    'reading the table-like measures',
  );
}

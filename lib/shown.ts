// Disclosure control on what lib/read.ts read: per measure and period, the figures a
// role is shown under its rule (lib/disclosure.ts): exact for the analyst; for partners
// each table of one period and age scope protected on its own (never across periods,
// scopes or pages); for the public rounded. A figure built on a withheld count is
// withheld with it; the table-like measures' rows go through lib/rows.ts.

import { AREAS_AND_ALL, measureDef, type AreaOrAll, type MeasureDef } from './catalogue.js';
import { discloseTable, type AreaFigures, type ExactCell, type MeasureTable, type ShownFigures } from './disclosure.js';
import { discloseRows, type RowContext } from './rows.js';
import { complete, keysFor, type BreakdownKeys, type Figures, type Tables } from './read.js';
import type { ParsedRequest } from './request.js';
import type { MeasureOut, Shown } from '../model/api.js';
import type { BuildParameters } from '../model/parameters.js';
import { figureCellKey, rowCellKey } from './audit/collect.js';
import { cellId } from './audit/knowledge.js';
import { previousPeriod } from './periods.js';

/** One measure's shown figures for one period: area → figures. */
export type ShownByArea = Partial<Record<AreaOrAll, ShownFigures>>;

/** The table with only the breakdowns the output shows: they alone are protected with their total, and given. */
function onlyShown(table: MeasureTable, breakdowns: readonly string[] | null): MeasureTable {
  if (breakdowns === null) return table;
  const out: MeasureTable = {};
  for (const [a, f] of Object.entries(table) as [AreaOrAll, AreaFigures][]) {
    out[a] = { headline: f.headline, by: Object.fromEntries(Object.entries(f.by).filter(([b]) => breakdowns.includes(b))) };
  }
  return out;
}

/** A memo of f by measure and period. */
function memo<T>(f: (def: MeasureDef, periodId: string) => T): (def: MeasureDef, periodId: string) => T {
  const cache = new Map<string, T>();
  return (def, periodId) => {
    const key = `${def.id}\u0000${periodId}`;
    if (!cache.has(key)) cache.set(key, f(def, periodId));
    return cache.get(key)!;
  };
}

/**
 * The figures a role is shown, measure by measure and period by period: each from its
 * own table (that period, the scope asked). `withheldHeadlines`: measures whose headline
 * for the area and period asked the rows beside them needed withheld. Figures built on a withheld count are
 * withheld with it (a rate must not reveal the count it rests on).
 */
export function shownFigures(q: ParsedRequest, f: Figures, withheldHeadlines: readonly string[] = []): (def: MeasureDef, periodId: string) => ShownByArea {
  const shownFor = memo((def, periodId): ShownByArea => {
    // A headline the rows shown beside it needed withheld (lib/rows.ts): withheld as if primary.
    const withhold = periodId === q.period.id && withheldHeadlines.includes(def.id) ? [q.area] : [];
    const table = onlyShown(complete(f.tables.get(def.id)?.get(periodId)), q.shownBreakdowns(def, periodId));
    const cells = f.protection;
    const protect = cells ? (a: AreaOrAll, b: string, k: string) => cells.get(cellId(figureCellKey(def, periodId, a, q.scope, b, k))) : undefined;
    const shown = discloseTable(def, table, q.rule, { areaSet: q.areaSet, withhold, ...(protect ? { protect } : {}) });
    for (const baseId of def.basedOn ?? []) {
      const base = measureDef(baseId);
      if (!base) continue;
      const baseShown = shownFor(base, periodId);
      for (const a of AREAS_AND_ALL) {
        const own = shown[a];
        if (!own) continue;
        // A count not given (published rule: null) takes what rests on it with it.
        const gone = (v: Shown | undefined) => v === 'c' || (v === null && base.kind === 'count');
        if (gone(baseShown[a]?.headline)) own.headline = baseShown[a]!.headline;
        // In breakdowns too: a locality's rate goes with its withheld count.
        for (const [b, cells] of Object.entries(own.by))
          for (const k of Object.keys(cells)) if (gone(baseShown[a]?.by[b]?.[k])) cells[k] = baseShown[a]!.by[b]![k]!;
      }
    }
    if (f.breakdownKeys && def.kind === 'count') listNotGiven(def, shown, f.breakdownKeys, q.shownBreakdowns(def, periodId), protect);
    return shown;
  });
  return shownFor;
}

/**
 * Published rule: where the parts of a withheld count are not given (null), every key the
 * breakdown may list is listed, not given, its zeros among them; and a breakdown of a
 * headline withheld as a count of 1–7 with no cell at all lists them too. Otherwise a
 * reader would learn which parts are above 0 from which keys are listed (lib/read.ts,
 * BreakdownKeys). Where the parts are shown, a key not listed is 0, as the rule shows zeros.
 */
function listNotGiven(
  def: MeasureDef,
  shown: ShownByArea,
  keys: BreakdownKeys,
  breakdowns: readonly string[] | null,
  protect: ((a: AreaOrAll, b: string, k: string) => 'c' | null | undefined) | undefined,
): void {
  const ids = breakdowns ?? [...(def.breakdowns ?? []).map((b) => b.id), 'locality'];
  for (const a of AREAS_AND_ALL) {
    const own = shown[a];
    if (!own) continue;
    // A headline withheld as 1–7 (not to protect another, whose parts are shown): its parts are not given.
    const primary = own.headline === 'c' && protect?.(a, '', '') !== 'c';
    for (const b of ids) {
      const all = keysFor(keys, def.id, b, a);
      const cells = own.by[b];
      const hidden = cells ? Object.values(cells).some((v) => v === null) : primary;
      if (!hidden || all.length === 0 || (cells && all.every((k) => k in cells))) continue;
      const merged: Record<string, Shown> = {};
      for (const k of [...new Set([...Object.keys(cells ?? {}), ...all])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) merged[k] = cells?.[k] ?? null;
      own.by[b] = merged;
    }
  }
}

/** Published rule: the counts of a table-like measure's rows (and the area's headlines) withheld to protect another. */
function rowProtect(def: MeasureDef, q: ParsedRequest, cells: ReadonlyMap<string, 'c' | null>): NonNullable<RowContext['protect']> {
  const at = { period: q.period.id, area: q.area, scope: q.scope };
  return (field, row) => {
    if (!row) {
      const headline = measureDef(field);
      return headline === undefined ? undefined : cells.get(cellId(figureCellKey(headline, at.period, at.area, at.scope)));
    }
    // A hotspot's change rests on its total in the period before.
    if (field === 'previous_total') return cells.get(cellId(rowCellKey(def, row, 'total', { ...at, period: previousPeriod(q.period).id })));
    return cells.get(cellId(rowCellKey(def, row, field, at)));
  };
}

/** The area's exact figures the table-like measures are read against. */
function rowContext(tables: Tables, q: ParsedRequest, built: BuildParameters): RowContext {
  const headline = (id: string): ExactCell => complete(tables.get(id)?.get(q.period.id))[q.area]!.headline;
  const count = (id: string) => headline(id).num ?? 0;
  return {
    metChildren: count('met_children'),
    areaTotals: {
      met_children: count('met_children'),
      missing_episodes: count('missing_episodes'),
      children_at_risk: count('children_at_risk'),
      risk_reviews_overdue: count('risk_reviews_overdue'),
      cpi_submissions: count('cpi_submissions'),
      disruptions: count('disruptions'),
    },
    areaCells: { prevalence_per_10k: headline('prevalence_per_10k'), rhi_completed_72h_pct: headline('rhi_completed_72h_pct') },
    hotspot: built.hotspot,
    gapMinCount: built.gap_min_count,
  };
}

/** The table-like measures as shown to the role. */
export function shownRows(
  defs: MeasureDef[],
  rows: { measure: string; row: string }[],
  tables: Tables,
  q: ParsedRequest,
  built: BuildParameters,
  protection?: ReadonlyMap<string, 'c' | null>,
): { measures: Record<string, MeasureOut>; withheldHeadlines: string[] } {
  const measures: Record<string, MeasureOut> = {};
  const withheld = new Set<string>();
  for (const def of defs) {
    const raw = rows.filter((r) => r.measure === def.id).map((r) => JSON.parse(r.row) as Record<string, unknown>);
    const ctx = rowContext(tables, q, built);
    if (protection) ctx.protect = rowProtect(def, q, protection);
    measures[def.id] = { rows: discloseRows(def.id, raw, q.rule, ctx, withheld) };
  }
  return { measures, withheldHeadlines: [...withheld] };
}

// Disclosure control on what lib/read.ts read: per measure and period, the figures a
// role is shown under its rule (lib/disclosure.ts): exact for the analyst; for partners
// each table of one period and age scope protected on its own (never across periods,
// scopes or pages); for the public rounded. A figure built on a withheld count is
// withheld with it; the table-like measures' rows go through lib/rows.ts.

import { AREAS_AND_ALL, measureDef, type AreaOrAll, type MeasureDef } from './catalogue.js';
import { discloseTable, type AreaFigures, type ExactCell, type MeasureTable, type ShownFigures } from './disclosure.js';
import { discloseRows, type RowContext } from './rows.js';
import { complete, type Figures, type Tables } from './read.js';
import type { ParsedRequest } from './request.js';
import type { MeasureOut } from '../model/api.js';
import type { BuildParameters } from '../model/parameters.js';

/** One measure's shown figures for one period: area → figures. */
export type ShownByArea = Partial<Record<AreaOrAll, ShownFigures>>;

/** The table with only the breakdowns the output shows: they alone are protected with their total, and given. */
function onlyShown(table: MeasureTable, breakdowns: readonly string[]): MeasureTable {
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
 * own table (that period, the scope asked). Figures built on a withheld count are
 * withheld with it (a rate must not reveal the count it rests on).
 */
export function shownFigures(q: ParsedRequest, f: Figures): (def: MeasureDef, periodId: string) => ShownByArea {
  const shownFor = memo((def, periodId): ShownByArea => {
    const shown = discloseTable(def, onlyShown(complete(f.tables.get(def.id)?.get(periodId)), q.shownBreakdowns(def, periodId)), q.rule, {
      areaSet: q.areaSet,
    });
    for (const baseId of def.basedOn ?? []) {
      const base = measureDef(baseId);
      if (!base) continue;
      const baseShown = shownFor(base, periodId);
      for (const a of AREAS_AND_ALL) if (baseShown[a]?.headline === 'c' && shown[a]) shown[a]!.headline = 'c';
    }
    return shown;
  });
  return shownFor;
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
    },
    areaCells: { prevalence_per_10k: headline('prevalence_per_10k'), rhi_completed_72h_pct: headline('rhi_completed_72h_pct') },
    hotspot: built.hotspot,
  };
}

/** The table-like measures as shown to the role. */
export function shownRows(
  defs: MeasureDef[],
  rows: { measure: string; row: string }[],
  tables: Tables,
  q: ParsedRequest,
  built: BuildParameters,
): { measures: Record<string, MeasureOut> } {
  const measures: Record<string, MeasureOut> = {};
  for (const def of defs) {
    const raw = rows.filter((r) => r.measure === def.id).map((r) => JSON.parse(r.row) as Record<string, unknown>);
    measures[def.id] = { rows: discloseRows(def.id, raw, q.rule, rowContext(tables, q, built)) };
  }
  return { measures };
}

// Disclosure control on what lib/read.ts read: per measure and period, the figures a
// role is shown (exact for the analyst; for the board and commissioners worked out
// over each financial year's cube, lib/disclosure.ts), a figure built on a suppressed
// count suppressed with it, and the table-like measures' rows (lib/rows.ts).

import { AREAS_AND_ALL, measureDef, type AreaOrAll, type MeasureDef } from './catalogue.js';
import { disclose, discloseCube, type MeasureCube, type MeasureTable, type Role, type ShownFigures } from './disclosure.js';
import { discloseRows, type RowContext } from './rows.js';
import { complete, toTables, type CellRow, type Figures, type FinancialYear, type Tables } from './read.js';
import type { ParsedRequest } from './request.js';
import type { MeasureOut } from '../model/api.js';

/** One measure's shown figures for one period: area → figures. */
export type ShownByArea = Partial<Record<AreaOrAll, ShownFigures>>;

/** The shown figures of one measure over one financial year: period → scope → the five areas. */
type ShownCube = Map<string, Map<string, ShownByArea>>;

/** Discloses one measure's cube over a financial year: every period of the year, every age scope that applies. */
function shownCube(def: MeasureDef, year: FinancialYear, cells: CellRow[], role: Role, threshold: number): ShownCube {
  const ids = new Set([year.total, ...year.quarters]);
  const rows = cells.filter((r) => r.measure === def.id && ids.has(r.period_id));
  const scoped = !rows.some((r) => r.scope === '*') && !def.fixedAges;
  const scopes = scoped ? ['0-17', '18-24', '0-24'] : ['*'];
  const cube: MeasureCube = new Map();
  for (const id of ids) {
    const byScope = new Map<string, MeasureTable>();
    for (const sc of scopes) {
      byScope.set(
        sc,
        complete(
          toTables(rows.filter((r) => r.period_id === id && r.scope === sc))
            .get(def.id)
            ?.get(id),
        ),
      );
    }
    cube.set(id, byScope);
  }
  return discloseCube(def, cube, year, role, threshold);
}

/** A memo of f by measure and a period's key (the period itself, or its financial year). */
function memo<T>(keyOf: (periodId: string) => string, f: (def: MeasureDef, periodId: string) => T): (def: MeasureDef, periodId: string) => T {
  const cache = new Map<string, T>();
  return (def, periodId) => {
    const key = `${def.id}\u0000${keyOf(periodId)}`;
    if (!cache.has(key)) cache.set(key, f(def, periodId));
    return cache.get(key)!;
  };
}

/**
 * The figures a role is shown, measure by measure and period by period. Figures built
 * on a suppressed count are suppressed with it (a rate must not reveal the count it
 * rests on).
 */
export function shownFigures(q: ParsedRequest, f: Figures): (def: MeasureDef, periodId: string) => ShownByArea {
  // One cube per measure and financial year, whichever of its periods asked first.
  const cubeFor = memo(
    (periodId) => f.years.get(periodId)!.total,
    (def, periodId) => shownCube(def, f.years.get(periodId)!, f.cells, q.role, q.threshold),
  );
  const own = (def: MeasureDef, periodId: string): ShownByArea => {
    if (q.exact) return disclose(def, complete(f.tables.get(def.id)?.get(periodId)), q.role, q.threshold);
    const byScope = cubeFor(def, periodId).get(periodId)!;
    return structuredClone(byScope.get(q.scope) ?? byScope.get('*') ?? {});
  };
  const shownFor = memo(
    (periodId) => periodId,
    (def, periodId): ShownByArea => {
      const shown = own(def, periodId);
      for (const baseId of def.basedOn ?? []) {
        const base = measureDef(baseId);
        if (!base) continue;
        const baseShown = shownFor(base, periodId);
        for (const a of AREAS_AND_ALL) if (baseShown[a]?.headline === 'c' && shown[a]) shown[a]!.headline = 'c';
      }
      return shown;
    },
  );
  return shownFor;
}

// The table-like measures are protected within one period, area and scope. So that
// none of their cells can be worked out by subtracting another request's (a year
// minus its quarters; 0-24 minus 0-17), the board and commissioners get them for
// quarters and, where ages matter, for 0-17 only.
const PERIOD_ROWS = new Set(['hotspots', 'group_profile', 'service_gaps']);
const SCOPED_ROWS = new Set(['hotspots', 'service_gaps']);

function withheldRows(id: string, q: ParsedRequest): boolean {
  return !q.exact && PERIOD_ROWS.has(id) && (q.period.kind !== 'quarter' || (SCOPED_ROWS.has(id) && q.scope !== '0-17'));
}

/** The area's exact headline figures the table-like measures are read against. */
function rowContext(tables: Tables, q: ParsedRequest): RowContext {
  const headline = (id: string) => complete(tables.get(id)?.get(q.period.id))[q.area]!.headline;
  const count = (id: string) => headline(id).num ?? 0;
  return {
    metChildren: count('met_children'),
    areaTotals: {
      met_children: count('met_children'),
      missing_episodes: count('missing_episodes'),
      children_at_risk: count('children_at_risk'),
      risk_reviews_overdue: count('risk_reviews_overdue'),
    },
  };
}

/** The table-like measures as shown to the role, with the warning when some are withheld from it. */
export function shownRows(
  defs: MeasureDef[],
  rows: { measure: string; row: string }[],
  tables: Tables,
  q: ParsedRequest,
): { measures: Record<string, MeasureOut>; warning: string | null } {
  const warning = defs.some((d) => withheldRows(d.id, q))
    ? `Hotspots, the group profile and service gaps are shown to the ${q.role} role by quarter (and, where ages matter, for ages 0-17) only, so that none of their figures can be worked out from another period or age range`
    : null;
  const measures: Record<string, MeasureOut> = {};
  for (const def of defs) {
    if (withheldRows(def.id, q)) {
      measures[def.id] = { rows: [] };
      continue;
    }
    const raw = rows.filter((r) => r.measure === def.id).map((r) => JSON.parse(r.row) as Record<string, unknown>);
    measures[def.id] = { rows: discloseRows(def.id, raw, q.role, q.threshold, rowContext(tables, q)) };
  }
  return { measures, warning };
}

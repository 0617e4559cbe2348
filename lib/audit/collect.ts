// The attacker reads answers exactly as the API gives them (model/api.ts, docs/api.md):
// a measures answer (MeasuresResponse) or a page model (PageModel). Every count it
// shows, or withholds, becomes a cell of lib/audit/knowledge.ts; every percentage,
// rate and ratio shown becomes a fact tying its count to another count or to the
// public population.

import { measureDef, measureWords, MEASURES, type MeasureDef } from '../catalogue.js';
import { parsePeriod, previousPeriod, yearEarlier } from '../periods.js';
import type { MeasuresResponse, PageModel, Shown } from '../../model/api.js';
import type { CellKey, Knowledge } from './knowledge.js';
import { scopeHolds } from '../../model/measures.js';

/** The public population behind a rate per 10,000 (ONS estimates: the attacker has them). */
export type Populations = (q: { measure: string; period: string; area: string; scope: string; locality?: string }) => number | undefined;

/** Measures stored without an age scope besides those with fixed ages (sql/measures/50_places.sql). */
const AGELESS = new Set(['cpi_submissions', 'disruptions', 'offenders_disrupted', 'group_profile']);

/** The scope a measure's cells are stored under for an answer in age scope `scope`. */
export function scopeOf(def: MeasureDef | undefined, scope: string): string {
  // Return interviews under 0–24 are read at 0–17 (model/measures.ts onlyAges, lib/measures.ts).
  if (def?.onlyAges && scopeHolds(scope, def.onlyAges)) return def.onlyAges;
  return !def || def.fixedAges || AGELESS.has(def.id) ? '*' : scope;
}

/** The same spelling for a category whether read from a measures answer or a page's chart ("social_care" or "social care"). */
const norm = (key: string) => key.replace(/_/g, ' ');

/** The cell of a figure-like measure's headline (breakdown and key '') or breakdown cell, for an answer in age scope `scope`. */
export function figureCellKey(def: MeasureDef, period: string, area: string, scope: string, breakdown = '', key = ''): CellKey {
  return { measure: def.id, period, area, scope: scopeOf(def, scope), breakdown, key: norm(key) };
}

/** The cell of a count field of a table-like measure's row (group_profile: its children, by dimension and group). */
export function rowCellKey(def: MeasureDef, row: Record<string, unknown>, field: string, at: { period: string; area: string; scope: string }): CellKey {
  const scope = scopeOf(def, at.scope);
  if (def.id === 'group_profile')
    return { measure: def.id, period: at.period, area: at.area, scope, breakdown: String(row.dimension), key: norm(String(row.group)) };
  return { measure: def.id, period: at.period, area: String(row.area ?? at.area), scope, breakdown: field, key: norm(String(row.locality)) };
}

/** The count fields of the table-like measures, from the model's overTime declaration. */
export function countFields(def: MeasureDef): string[] {
  return typeof def.overTime === 'object' ? Object.keys(def.overTime) : [];
}

/** Percentages whose denominator is exactly the count they are based on (returns); others' is at most it. */
const PCT_OF_BASE = new Set(['rhi_offered_72h_pct', 'rhi_completed_72h_pct', 'rhi_declined_pct']);

const DECIMALS: Record<string, number> = { pct: 1, per10k: 1, ratio: 2 };
const SCALE: Record<string, number> = { pct: 100, per10k: 10_000, ratio: 1 };

/** A statistic shown: what it says of the counts it is built on. */
function statistic(k: Knowledge, def: MeasureDef, at: Omit<CellKey, 'measure' | 'breakdown' | 'key'>, value: Shown | undefined, pop?: Populations): void {
  if (typeof value !== 'number' || !(def.kind in SCALE)) return;
  const base = (i: number) => {
    const id = def.basedOn?.[i];
    const b = id ? measureDef(id) : undefined;
    return b ? k.ref({ measure: b.id, period: at.period, area: at.area, scope: scopeOf(b, at.scope), breakdown: '', key: '' }) : undefined;
  };
  const f = { value, scale: SCALE[def.kind]!, decimals: DECIMALS[def.kind]! };
  const b0 = base(0);
  if (b0 === undefined || b0 === 0) return;
  if (def.kind === 'per10k') {
    const d = pop?.({ measure: def.id, period: at.period, area: at.area, scope: scopeOf(def, at.scope) });
    if (d) k.ratio({ ...f, num: b0, den: d });
  } else if (def.kind === 'ratio') {
    const b1 = base(1);
    if (b1) k.ratio({ ...f, num: b0, den: b1 });
  } else {
    const den = PCT_OF_BASE.has(def.id) ? b0 : k.unknown(`${def.id} denominator`, b0);
    k.ratio({ ...f, num: k.unknown(`${def.id} numerator`, den), den });
  }
}

/** One figure-like measure's value in one period: a count cell, or a statistic. */
function figure(k: Knowledge, def: MeasureDef, period: string, area: string, scope: string, value: Shown | undefined, pop?: Populations): void {
  // No figure for ages it is not for (return interviews for 18–24): nothing is shown, nothing learnt.
  if (def.onlyAges && !scopeHolds(scope, def.onlyAges)) return;
  const at = { period, area, scope: scopeOf(def, scope) };
  if (def.kind === 'count') k.count({ measure: def.id, ...at, breakdown: '', key: '' }, value);
  else statistic(k, def, at, value, pop);
}

/** The rows of a table-like measure, as shown: count cells, statistics, ranks, flags and changes. */
export function collectRows(
  k: Knowledge,
  def: MeasureDef,
  rows: Record<string, unknown>[],
  at: { period: string; area: string; scope: string; minTotal?: number },
  pop?: Populations,
): void {
  const scope = scopeOf(def, at.scope);
  const fields = countFields(def);
  const shown = (v: unknown): Shown | undefined => (typeof v === 'number' || v === 'c' || v === null ? (v as Shown) : undefined);
  if (def.id === 'group_profile') {
    const total = k.ref({ measure: 'met_children', period: at.period, area: at.area, scope: '*', breakdown: '', key: '' });
    for (const r of rows) {
      const key = rowCellKey(def, r, 'children', at);
      k.list(key);
      k.count(key, shown(r.children));
      if (typeof r.share_pct === 'number' && total !== 0) k.ratio({ num: k.ref(key) as string, den: total, value: r.share_pct, scale: 100, decimals: 1 });
    }
    return;
  }
  const ranks = new Map<string, { locality: string; rank: number }[]>();
  for (const r of rows) {
    const area = String(r.area ?? at.area);
    const locality = norm(String(r.locality));
    const cell = (field: string): CellKey => rowCellKey(def, r, field, at);
    for (const f of fields) if (f in r) k.count(cell(f), shown(r[f]));
    // The published rule works ranks, flags and changes out from the rounded totals: they tell nothing more.
    if (def.id === 'hotspots' && k.audience === 'partner') {
      if (typeof r.rank === 'number') ranks.set(area, [...(ranks.get(area) ?? []), { locality, rank: r.rank }]);
      if (r.hotspot === true && at.minTotal !== undefined)
        k.linear.push({ terms: [[k.ref(cell('total')) as string, 1]], lo: at.minTotal, hi: Infinity, why: 'a hotspot has the minimum total' });
      if (typeof r.change === 'number') {
        const prev = previousPeriod(parsePeriod(at.period)).id;
        const before = k.ref({ ...cell('total'), period: prev });
        const now = k.ref(cell('total'));
        if (before !== 0 && now !== 0)
          k.linear.push({
            terms: [
              [now, 1],
              [before, -1],
            ],
            lo: r.change,
            hi: r.change,
            why: 'a locality’s change on the previous period',
          });
      }
    }
    if (def.id === 'service_gaps' && typeof r.prevalence_per_10k === 'number') {
      const d = pop?.({ measure: def.id, period: at.period, area, scope, locality });
      const num = k.ref(cell('met_children'));
      if (d && num !== 0) k.ratio({ num, den: d, value: r.prevalence_per_10k, scale: 10_000, decimals: 1 });
    }
  }
  for (const [area, list] of ranks) k.ranks.push({ period: at.period, area, scope, ranks: list });
}

/** Everything a measures answer shows: each measure's value, breakdowns, comparisons, trend and rows. */
export function collectMeasures(k: Knowledge, r: MeasuresResponse, pop?: Populations): void {
  const scope = r.parameters.age_scope;
  for (const [id, out] of Object.entries(r.measures)) {
    const def = measureDef(id);
    if (!def) continue;
    if (def.kind === 'rows') {
      collectRows(
        k,
        def,
        (out.rows ?? []) as Record<string, unknown>[],
        { period: r.period, area: r.area, scope, minTotal: r.parameters.hotspot?.min_total },
        pop,
      );
      continue;
    }
    figure(k, def, r.period, r.area, scope, out.value, pop);
    if (def.kind === 'count')
      for (const [b, cells] of Object.entries(out.by ?? {})) {
        const g = { measure: id, period: r.period, area: r.area, scope: scopeOf(def, scope), breakdown: b };
        k.list(g);
        for (const [key, v] of Object.entries(cells)) k.count({ ...g, key: norm(key) }, v);
      }
    for (const c of [out.previous, out.year_earlier]) if (c) figure(k, def, c.period, r.area, scope, c.value, pop);
    if (out.trend) for (const [i, p] of out.trend.periods.entries()) figure(k, def, p, r.area, scope, out.trend.values[i], pop);
  }
}

/** A measure from the label a page shows for it (the model's default parameters). */
function byLabel(label: string): MeasureDef | undefined {
  return MEASURES.find((m) => measureWords(m).label === label);
}

const asShown = (v: unknown): Shown | undefined => (typeof v === 'number' || v === 'c' || v === null ? (v as Shown) : undefined);

/**
 * Everything a page model shows: its tiles (value, comparisons, sparkline), the data
 * tables of its charts (trends, breakdowns, breakdown trends, the areas compared, the
 * maps) and its tables (the figures, the table-like measures). Commentary quotes only
 * figures shown elsewhere on the page.
 */
export function collectPage(k: Knowledge, p: PageModel, pop?: Populations): void {
  const scope = p.ages;
  const fig = (def: MeasureDef | undefined, period: string, area: string, v: unknown) => {
    if (def && def.kind !== 'rows') figure(k, def, period, area, scope, asShown(v), pop);
  };
  for (const t of p.tiles) {
    const def = measureDef(t.id);
    fig(def, p.period, p.area, t.value);
    for (const c of [t.previous, t.year_earlier]) if (c) fig(def, c.period, p.area, c.value);
    for (const [i, q] of t.spark.periods.entries()) fig(def, q, p.area, t.spark.values[i]);
  }
  for (const c of p.charts) {
    const rows = c.table.rows;
    const spc = c.id.match(/^spc-(.+)$/);
    const trendBy = c.id.match(/^(.+)-trend-by-(.+)$/);
    const by = c.id.match(/^(.+)-by-(.+)$/);
    const areas = c.id.match(/^areas-(.+)$/);
    if (spc) for (const r of rows) fig(measureDef(spc[1]!), String(r.period), p.area, r.value);
    else if (trendBy) {
      const def = measureDef(trendBy[1]!);
      if (def?.kind !== 'count') continue;
      for (const r of rows)
        for (const col of c.table.columns.filter((x) => x.key !== 'period')) {
          const g = { measure: def.id, period: String(r.period), area: p.area, scope: scopeOf(def, scope), breakdown: trendBy[2]! };
          k.list(g);
          k.count({ ...g, key: norm(col.label) }, asShown(r[col.key]));
        }
    } else if (by) {
      const def = measureDef(by[1]!);
      if (def?.kind !== 'count') continue;
      const g = { measure: def.id, period: p.period, area: p.area, scope: scopeOf(def, scope), breakdown: by[2]! };
      k.list(g);
      for (const r of rows) k.count({ ...g, key: norm(String(r.category)) }, asShown(r.value));
    } else if (areas) for (const r of rows) fig(measureDef(areas[1]!), p.period, String(r.category), r.value);
    else if (c.id === 'hexmap-hotspots') {
      for (const r of rows)
        k.count({ measure: 'hotspots', period: p.period, area: String(r.area), scope, breakdown: 'total', key: norm(String(r.locality)) }, asShown(r.value));
    }
  }
  for (const t of p.tables) {
    const def = measureDef(t.id);
    if (def?.kind === 'rows') collectRows(k, def, t.rows, { period: p.period, area: p.area, scope }, pop);
    else if (t.id === 'areas') {
      for (const r of t.rows) for (const col of t.columns.slice(1)) fig(measureDef(col.key), p.period, String(r.area), r[col.key]);
    } else if (t.columns[0]?.key === 'measure') {
      // The figures: this period, the previous one and a year earlier (their ids are the tiles' comparisons).
      const prev = previousPeriod(parsePeriod(p.period)).id;
      const earlier = yearEarlier(parsePeriod(p.period)).id;
      for (const r of t.rows) {
        const def = byLabel(String(r.measure));
        fig(def, p.period, p.area, r.value);
        fig(def, prev, p.area, r.previous);
        fig(def, earlier, p.area, r.year_earlier);
      }
    }
  }
}

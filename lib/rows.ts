// Table-like measures (hotspots, group_profile, service_gaps and the data-quality
// tables): their stored rows hold exact cells {n, d}; this turns them into shown
// values for a role, under the same disclosure rule as every other figure.

import { secondarySuppression, seesExactFigures, DEFAULT_THRESHOLD, type Role, type Shown } from './disclosure.js';
import { per10k, percentage, roundRatio } from './rounding.js';

export type { ShownRow } from '../model/api.js';
import type { ShownRow } from '../model/api.js';

interface Cell {
  n: number | null;
  d?: number | null;
}

export interface RowContext {
  /** The area's met_children: the total that group_profile's groups add up to. */
  metChildren: number;
  /** The area's headline counts that service_gaps' localities add up to (at most). */
  areaTotals: Record<string, number>;
}

const isCell = (v: unknown): v is Cell => typeof v === 'object' && v !== null && 'n' in v;
const small = (n: number | null | undefined, t: number) => n !== null && n !== undefined && n >= 1 && n < t;

/**
 * count, pct, per10k: figures with primary suppression. delta and ratio: figures worked
 * out in SQL from other fields (a change, a representation ratio), withheld exactly when
 * a field they rest on is (DERIVED), never on their own size.
 */
type Kind = 'count' | 'pct' | 'per10k' | 'delta' | 'ratio';

function cellValue(kind: Kind, c: Cell): number | null {
  if (kind === 'count') return c.n ?? 0;
  if (kind === 'delta') return c.n;
  if (kind === 'pct') return percentage(c.n ?? 0, c.d ?? 0);
  if (kind === 'ratio') return c.d ? roundRatio(c.n ?? 0, c.d, 2) : null;
  return per10k(c.n ?? 0, c.d ?? null);
}

/** Fields worked out in SQL from others: withheld when any field they rest on is withheld. */
const DERIVED: Record<string, Record<string, string[]>> = {
  hotspots: { change: ['total', 'previous_total'] },
  group_profile: { ratio: ['share_pct', 'population_share_pct'] },
  // A gap flag on a withheld figure would say which side of the area's figure it lies.
  service_gaps: { gap: ['prevalence_per_10k', 'rhi_completed_72h_pct'] },
};

const PRIMARY: ReadonlySet<Kind> = new Set(['count', 'pct', 'per10k']);

const FIELD_KINDS: Record<string, Record<string, Kind>> = {
  hotspots: { found: 'count', cpi: 'count', disruptions: 'count', total: 'count', previous_total: 'count', change: 'delta' },
  group_profile: { children: 'count', share_pct: 'pct', population_share_pct: 'pct', ratio: 'ratio' },
  service_gaps: {
    met_children: 'count',
    prevalence_per_10k: 'per10k',
    missing_episodes: 'count',
    rhi_completed_72h_pct: 'pct',
    children_at_risk: 'count',
    risk_reviews_overdue: 'count',
  },
  load_summary: { read: 'count', loaded: 'count', quarantined: 'count' },
  completeness: { with_value_pct: 'pct' },
  timeliness: {},
};

export function discloseRows(measure: string, rows: Record<string, unknown>[], role: Role, threshold = DEFAULT_THRESHOLD, ctx?: RowContext): ShownRow[] {
  const kinds = FIELD_KINDS[measure] ?? {};
  const exact = seesExactFigures(role);
  // Keys are "row index / field".
  const key = (i: number, f: string) => `${i}/${f}`;
  const cellOf = (k: string): Cell | undefined => {
    const [i, f] = k.split('/') as [string, string];
    const v = rows[Number(i)]?.[f];
    return isCell(v) ? v : undefined;
  };
  const hidden = new Set<string>();
  if (!exact) {
    rows.forEach((r, i) => {
      for (const [f, kind] of Object.entries(kinds)) {
        const c = r[f];
        if (!isCell(c) || !PRIMARY.has(kind)) continue;
        if (kind === 'count' ? small(c.n, threshold) : small(c.n, threshold) || small(c.d, threshold)) hidden.add(key(i, f));
      }
    });
    const groups: { total: string; cells: string[] }[] = [];
    const count = (k: string) => cellOf(k)?.n ?? 0;
    if (measure === 'hotspots') {
      for (const i of rows.keys()) groups.push({ total: key(i, 'total'), cells: ['found', 'cpi', 'disruptions'].map((f) => key(i, f)) });
    }
    if (measure === 'load_summary') {
      for (const i of rows.keys()) groups.push({ total: key(i, 'read'), cells: ['loaded', 'quarantined'].map((f) => key(i, f)) });
    }
    const virtual = (name: string) => `total/${name}`;
    const totals = new Map<string, number>();
    if (measure === 'group_profile' && ctx) {
      // Each dimension's groups add up to the area's met_children.
      const dims = new Map<string, number[]>();
      for (const [i, r] of rows.entries()) dims.set(String(r.dimension), [...(dims.get(String(r.dimension)) ?? []), i]);
      totals.set(virtual('met_children'), ctx.metChildren);
      if (small(ctx.metChildren, threshold)) hidden.add(virtual('met_children'));
      for (const idx of dims.values()) groups.push({ total: virtual('met_children'), cells: idx.map((i) => key(i, 'children')) });
    }
    if (measure === 'service_gaps' && ctx) {
      // Localities' counts add up (at most) to the area's own, which is shown beside them.
      for (const f of ['met_children', 'missing_episodes', 'children_at_risk', 'risk_reviews_overdue']) {
        const t = ctx.areaTotals[f] ?? 0;
        totals.set(virtual(f), t);
        if (small(t, threshold)) hidden.add(virtual(f));
        groups.push({ total: virtual(f), cells: rows.map((_, i) => key(i, f)) });
      }
    }
    const value = (k: string) => (totals.has(k) ? totals.get(k)! : count(k));
    for (const k of secondarySuppression(groups, hidden, value)) hidden.add(k);
    // Figures built on a suppressed count go with it.
    rows.forEach((_, i) => {
      if (measure === 'group_profile' && hidden.has(key(i, 'children'))) hidden.add(key(i, 'share_pct'));
      if (measure === 'service_gaps' && hidden.has(key(i, 'met_children'))) hidden.add(key(i, 'prevalence_per_10k'));
    });
  }

  return rows.map((r, i) => {
    const out: ShownRow = {};
    for (const [f, v] of Object.entries(r)) {
      if (f === 'previous_total') continue;
      const kind = kinds[f];
      if (kind && isCell(v)) out[f] = hidden.has(key(i, f)) ? 'c' : cellValue(kind, v);
      else if (kind && v === null) out[f] = null;
      else out[f] = v;
    }
    for (const [f, on] of Object.entries(DERIVED[measure] ?? {})) {
      if (!(f in r)) continue;
      if (on.some((x) => out[x] === 'c' || (x === 'previous_total' && hidden.has(key(i, x))))) out[f] = 'c';
      else if (out[f] === undefined) out[f] = null;
    }
    return out;
  });
}

export type { Shown };

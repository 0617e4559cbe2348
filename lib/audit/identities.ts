// The identities of the definitions, written as linear constraints among the cells an
// attacker knows (lib/audit/knowledge.ts). Each is true of the exact figures (the
// tests check that on the analyst's exact answers), so a solver that respects all of
// them bounds a withheld cell as tightly as anyone could from the same answers:
//  - an additive breakdown's cells add up to the headline (model/measures.ts: additive);
//  - the four areas add up to `all`, for every cell position (for people, a distinct
//    count or a state: `all` is at least each area and at most their sum);
//  - 0-17 and 18-24 make 0-24 (added up for events and states; for distinct people the
//    whole is at least each part and at most their sum);
//  - over time, as each measure declares (model/measures.ts: overTime): months to their
//    quarter, quarters to their financial year;
//  - a hotspot row's found + CPI + disruptions = total; ranks order the totals within an
//    area (rank = 1 + the localities with a larger total); a hotspot has the minimum total;
//  - each dimension of the group profile adds up to MET children; a locality's counts in
//    the service gaps add up to at most its area's;
//  - a percentage, rate or ratio shown, rounded, bounds its numerator by its denominator
//    (a count, or the public population).

import { MEASURES, measureDef, type MeasureDef, type OverTime } from '../catalogue.js';
import { lastPeriods, parsePeriod, periodContaining } from '../periods.js';
import { AREAS } from '../../model/areas.js';
import { countFields } from './collect.js';
import type { CellKey, Knowledge } from './knowledge.js';

/** lo ≤ Σ coef × cell ≤ hi. */
export interface Constraint {
  terms: [string, number][];
  lo: number;
  hi: number;
  why: string;
  /** For an identity of a whole and the parts that make it up (each part at most the whole): which is which. */
  whole?: string;
  parts?: string[];
  /** The whole and its one part are the same count shown in two places (not a whole and a smaller part). */
  same?: boolean;
}

const FOUR = AREAS as readonly string[];

/** How a count field adds up over time (the model's overTime; a table-like measure's per field). */
function overTimeOf(def: MeasureDef, field: string): OverTime {
  const o = def.overTime;
  if (o === undefined) return 'none';
  return typeof o === 'string' ? o : (o[field] ?? 'none');
}

/** How a field adds up across age scopes: events and states partition by age; people may be in both. */
function acrossScopes(def: MeasureDef, field: string): OverTime {
  // A hotspot's CPI submissions and disruptions do not depend on the age scope.
  if (def.id === 'hotspots') return field === 'found' ? 'sum' : field === 'total' ? 'none' : 'point';
  if (def.id === 'service_gaps' && field === 'met_children') return 'point';
  const t = overTimeOf(def, field);
  return t === 'point' ? 'sum' : t;
}

/** The parts of a period that add up to it: a financial year's quarters, a quarter's months. */
export function partsOf(period: string): string[] | null {
  let p: ReturnType<typeof parsePeriod>;
  try {
    p = parsePeriod(period);
  } catch {
    return null;
  }
  try {
    if (p.kind === 'fy') return lastPeriods(periodContaining('quarter', p.last), 4).map((q) => q.id);
    if (p.kind === 'quarter') return lastPeriods(periodContaining('month', p.last), 3).map((q) => q.id);
  } catch {
    // A year at the edge of the years periods may use (FY2100-01 ends in 2101): no parts to add up.
    return null;
  }
  return null;
}

export function constraints(k: Knowledge): Constraint[] {
  const out: Constraint[] = [];
  const term = (key: CellKey): [string, number] | null => {
    const r = k.ref(key);
    return r === 0 ? null : [r, 1];
  };
  /** whole = Σ parts ('sum', 'point' as given), or max(parts) ≤ whole ≤ Σ parts ('distinct'). */
  const combine = (how: OverTime, whole: CellKey, parts: CellKey[], why: string) => {
    if (how === 'none') return;
    const determined = [whole, ...parts].filter((x) => k.determined(x)).length;
    if (determined < 2) return;
    const w = term(whole);
    const ps = parts.map(term).filter((x): x is [string, number] => x !== null);
    const made = w ? { whole: w[0], parts: ps.map((p) => p[0]) } : {};
    if (how === 'sum') out.push({ terms: [...(w ? [[w[0], -1] as [string, number]] : []), ...ps], lo: 0, hi: 0, why, ...made });
    else if (how === 'point') {
      const last = parts[parts.length - 1]!;
      const l = term(last);
      if (k.determined(last))
        out.push({
          terms: [...(w ? [[w[0], 1] as [string, number]] : []), ...(l ? [[l[0], -1] as [string, number]] : [])],
          lo: 0,
          hi: 0,
          why,
          ...(w && l ? { whole: w[0], parts: [l[0]] } : {}),
        });
    } else {
      if (w) for (const p of ps) out.push({ terms: [w, [p[0], -1]], lo: 0, hi: Infinity, why: `${why} (at least each part)` });
      out.push({ terms: [...(w ? [[w[0], -1] as [string, number]] : []), ...ps], lo: 0, hi: Infinity, why: `${why} (at most their sum)`, ...made });
    }
  };

  const seen = [...k.cells.values()].filter((c) => !c.key.measure.startsWith('~'));
  const byGroup = new Map<string, CellKey[]>();
  for (const c of seen) {
    const g = [c.key.measure, c.key.period, c.key.area, c.key.scope, c.key.breakdown].join('|');
    byGroup.set(g, [...(byGroup.get(g) ?? []), c.key]);
  }
  const positions = (f: (key: CellKey) => string) => {
    const m = new Map<string, CellKey>();
    for (const c of seen) m.set(f(c.key), c.key);
    return [...m.values()];
  };

  // Additive breakdowns under their headline.
  for (const g of k.listed) {
    const [measure, period, area, scope, breakdown] = g.split('|') as [string, string, string, string, string];
    const def = measureDef(measure);
    if (!def?.breakdowns?.some((b) => b.id === breakdown && b.additive)) continue;
    combine('sum', { measure, period, area, scope, breakdown: '', key: '' }, byGroup.get(g) ?? [], `${measure} by ${breakdown} adds up to its headline`);
  }
  // The group profile's dimensions under MET children.
  for (const g of k.listed) {
    const [measure, period, area, scope, breakdown] = g.split('|') as [string, string, string, string, string];
    if (measure !== 'group_profile') continue;
    combine(
      'sum',
      { measure: 'met_children', period, area, scope, breakdown: '', key: '' },
      byGroup.get(g) ?? [],
      `group profile by ${breakdown} adds up to MET children`,
    );
  }
  // The four areas under `all` (the table-like measures with localities carry each locality's own area).
  for (const pos of positions((x) => [x.measure, x.period, x.scope, x.breakdown, x.key].join('|'))) {
    const def = measureDef(pos.measure);
    if (!def || (def.kind === 'rows' && def.id !== 'group_profile')) continue;
    // Events belong to one area each; a person (a distinct count, or a state at a point in
    // time) may be counted in two areas, and once in all: at least each area, at most their sum.
    const t = overTimeOf(def, def.kind === 'rows' ? pos.breakdown : '');
    combine(
      t === 'distinct' || t === 'point' || def.id === 'group_profile' ? 'distinct' : 'sum',
      { ...pos, area: 'all' },
      FOUR.map((a) => ({ ...pos, area: a })),
      `${pos.measure}: the four areas add up to all`,
    );
  }
  // 0-17 and 18-24 under 0-24.
  for (const pos of positions((x) => [x.measure, x.period, x.area, x.breakdown, x.key].join('|'))) {
    const def = measureDef(pos.measure);
    if (!def || pos.scope === '*') continue;
    const field = def.kind === 'rows' ? pos.breakdown : '';
    combine(
      acrossScopes(def, field),
      { ...pos, scope: '0-24' },
      ['0-17', '18-24'].map((s) => ({ ...pos, scope: s })),
      `${pos.measure}: 0-17 and 18-24 make 0-24`,
    );
  }
  // Over time: months to quarters, quarters to financial years.
  for (const pos of positions((x) => [x.measure, x.area, x.scope, x.breakdown, x.key, x.period].join('|'))) {
    const def = measureDef(pos.measure);
    const parts = partsOf(pos.period);
    if (!def || !parts) continue;
    const field = def.kind === 'rows' ? pos.breakdown : '';
    combine(
      overTimeOf(def, field),
      pos,
      parts.map((p) => ({ ...pos, period: p })),
      `${pos.measure}: ${pos.period} from its parts`,
    );
  }
  // Hotspot rows: found + CPI + disruptions = total.
  for (const c of seen.filter((x) => x.key.measure === 'hotspots' && x.key.breakdown === 'total')) {
    const f = (field: string) => ({ ...c.key, breakdown: field });
    if (!['found', 'cpi', 'disruptions'].some((x) => k.determined(f(x)))) continue;
    combine('sum', c.key, ['found', 'cpi', 'disruptions'].map(f), 'a hotspot row adds up to its total');
  }
  // What those imply across age scopes (CPI and disruptions do not depend on the age scope):
  // a row's total for 0-24 is its total for one age group plus its found for the other. The
  // integer programme finds this by itself; bounds propagation (lib/audit/propagate.ts) needs it written.
  for (const c of seen.filter((x) => x.key.measure === 'hotspots' && x.key.breakdown === 'total' && x.key.scope === '0-24')) {
    for (const [a, b] of [
      ['0-17', '18-24'],
      ['18-24', '0-17'],
    ] as const) {
      const parts: CellKey[] = [
        { ...c.key, scope: a },
        { ...c.key, scope: b, breakdown: 'found' },
      ];
      if (!parts.every((x) => k.determined(x))) continue;
      const ts = parts.map(term).filter((x): x is [string, number] => x !== null);
      out.push({ terms: [[c.id, -1], ...ts], lo: 0, hi: 0, why: `a hotspot's 0-24 total is its ${a} total and its ${b} found` });
    }
  }
  // Ranks order the totals within an area: the same rank, the same total; a lower rank, a larger one.
  for (const r of k.ranks) {
    const sorted = [...r.ranks].sort((a, b) => a.rank - b.rank);
    for (let i = 1; i < sorted.length; i++) {
      const a = k.ref({ measure: 'hotspots', period: r.period, area: r.area, scope: r.scope, breakdown: 'total', key: sorted[i - 1]!.locality });
      const b = k.ref({ measure: 'hotspots', period: r.period, area: r.area, scope: r.scope, breakdown: 'total', key: sorted[i]!.locality });
      if (a === 0 || b === 0) continue;
      const same = sorted[i - 1]!.rank === sorted[i]!.rank;
      out.push({
        terms: [
          [a, 1],
          [b, -1],
        ],
        lo: same ? 0 : 1,
        hi: same ? 0 : Infinity,
        why: 'ranks order the hotspot totals',
      });
    }
  }
  // A locality's MET children in the service gaps is its cell of MET children by locality
  // (the same children, whatever the age scope asked): the same count, given the same way.
  for (const c of seen.filter((x) => x.key.measure === 'service_gaps' && x.key.breakdown === 'met_children')) {
    const same: CellKey = { measure: 'met_children', period: c.key.period, area: c.key.area, scope: '*', breakdown: 'locality', key: c.key.key };
    if (!k.determined(same)) continue;
    const t = term(same);
    if (!t) {
      out.push({ terms: [[c.id, 1]], lo: 0, hi: 0, why: 'a locality’s MET children, in the service gaps and by locality' });
      continue;
    }
    const why = 'a locality’s MET children, in the service gaps and by locality';
    out.push({
      terms: [
        [c.id, 1],
        [t[0], -1],
      ],
      lo: 0,
      hi: 0,
      why,
      whole: c.id,
      parts: [t[0]],
      same: true,
    });
    out.push({
      terms: [
        [t[0], 1],
        [c.id, -1],
      ],
      lo: 0,
      hi: 0,
      why,
      whole: t[0],
      parts: [c.id],
      same: true,
    });
  }
  // The service gaps' localities add up to at most their area's own figure.
  const gapFields: Record<string, string> = {
    met_children: 'met_children',
    missing_episodes: 'missing_episodes',
    children_at_risk: 'children_at_risk',
    risk_reviews_overdue: 'risk_reviews_overdue',
  };
  const gapGroups = new Map<string, string[]>();
  for (const c of seen.filter((x) => x.key.measure === 'service_gaps' && x.key.breakdown in gapFields)) {
    const g = [c.key.period, c.key.area, c.key.scope, c.key.breakdown].join('|');
    gapGroups.set(g, [...(gapGroups.get(g) ?? []), c.id]);
  }
  for (const [g, ids] of gapGroups) {
    const [period, area, scope, field] = g.split('|') as [string, string, string, string];
    const def = measureDef(gapFields[field]!)!;
    const total = { measure: def.id, period, area, scope: def.fixedAges ? '*' : scope, breakdown: '', key: '' };
    if (!k.determined(total)) continue;
    const t = term(total);
    out.push({
      terms: [...(t ? [[t[0], -1] as [string, number]] : []), ...ids.map((id) => [id, 1] as [string, number])],
      lo: -Infinity,
      hi: 0,
      why: 'localities add up to at most their area',
      ...(t ? { whole: t[0], parts: ids } : {}),
    });
  }
  // Percentages, rates and ratios: rounded to `decimals`, value ± half a unit = scale × num / den.
  for (const f of k.ratios) {
    const h = 0.5 * 10 ** -f.decimals;
    if (typeof f.den === 'number') {
      out.push({ terms: [[f.num, f.scale]], lo: (f.value - h) * f.den, hi: (f.value + h) * f.den, why: 'a rate times its public population' });
    } else {
      out.push({
        terms: [
          [f.num, f.scale],
          [f.den, -(f.value - h)],
        ],
        lo: 0,
        hi: Infinity,
        why: 'a shown percentage or ratio bounds its numerator',
      });
      out.push({
        terms: [
          [f.num, f.scale],
          [f.den, -(f.value + h)],
        ],
        lo: -Infinity,
        hi: 0,
        why: 'a shown percentage or ratio bounds its numerator',
      });
    }
  }
  for (const l of k.linear) out.push({ ...l });
  return out;
}

/** Every count measure and count field the identities read, for the model test. */
export const COUNT_MEASURES = MEASURES.filter((m) => m.kind === 'count' || countFields(m).length > 0);

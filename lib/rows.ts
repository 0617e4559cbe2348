// Table-like measures (hotspots, group_profile, service_gaps and the data-quality
// tables): their stored rows hold exact cells {n, d}; this turns them into shown
// values under a disclosure rule (lib/disclosure.ts), the same rule as every other figure:
//  - partner: primary suppression, and secondary suppression within what is shown
//    together: a hotspot row's found + cpi + disruptions = total; group_profile's groups
//    of one dimension under the area's met_children; service_gaps' localities under the
//    area's figure (at most: a child may have no locality). Whatever is derived from a
//    withheld count goes with it: a share, a rate, a rank, a hotspot flag, a change, a gap flag.
//  - published: counts rounded (1..max withheld), shares, rates and ratios worked out
//    from the rounded counts; ranks, hotspot flags, changes and gap flags worked out
//    from the figures shown, so that they tell nothing the shown figures do not.

import { partnerSecondary, primarySuppressed, publishedCount, type DisclosureRule, type ExactCell, type Shown } from './disclosure.js';
import { per10k, percentage, roundRatio } from './rounding.js';
import { rateInterval, wilson } from './intervals.js';
import { PARAMETERS, type BuildParameters } from '../model/parameters.js';

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
  /** The area's own exact prevalence and interview completion, which service_gaps' gap flag compares with. */
  areaCells?: { prevalence_per_10k: ExactCell; rhi_completed_72h_pct: ExactCell };
  /** The hotspot rule's parameters (the build's). */
  hotspot?: BuildParameters['hotspot'];
  /** The service gap's minimum count (the build's; the model's where not given). */
  gapMinCount?: BuildParameters['gap_min_count'];
  /**
   * Published rule: `c` for a count withheld to protect another, null for one not given
   * (lib/audit/protect.ts), undefined for one the rule shows as it is: a row's field (previous_total: the row's total in the period before), or with no row
   * the area's headline count of that measure (met_children).
   */
  protect?: (field: string, row?: Record<string, unknown>) => 'c' | null | undefined;
}

const isCell = (v: unknown): v is Cell => typeof v === 'object' && v !== null && 'n' in v;

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

/** Fields derived from others: withheld when any field they rest on is withheld. */
const DERIVED: Record<string, Record<string, string[]>> = {
  // A rank, a hotspot flag or a change places a withheld total among the others.
  hotspots: { change: ['total', 'previous_total'], rank: ['total'], hotspot: ['total'] },
  group_profile: { share_pct: ['children'], ratio: ['share_pct', 'population_share_pct'] },
  // A gap flag on a withheld figure would say which side of the area's figure it lies.
  // Its reason and the intervals likewise; the flag also rests on its area's figures.
  service_gaps: {
    prevalence_per_10k: ['met_children'],
    prevalence_interval: ['prevalence_per_10k'],
    rhi_interval: ['rhi_completed_72h_pct'],
    gap: ['prevalence_per_10k', 'rhi_completed_72h_pct', 'area_prevalence_per_10k', 'area_rhi_completed_72h_pct'],
    gap_reason: ['prevalence_per_10k', 'rhi_completed_72h_pct', 'area_prevalence_per_10k', 'area_rhi_completed_72h_pct'],
  },
};

/**
 * What a derived field reads when a field it rests on is not given (published rule): not
 * given (null) too, but for a flag, which reads c as a withheld one does, so that a map or
 * a list never says "no gap" of a locality whose figures are not given. Either way the
 * same for every such locality: it says nothing of the figure hidden.
 */
const NOT_GIVEN_READS: Record<string, Record<string, 'c'>> = {
  service_gaps: { gap: 'c', gap_reason: 'c' },
};

const PRIMARY: ReadonlySet<Kind> = new Set(['count', 'pct', 'per10k']);

const FIELD_KINDS: Record<string, Record<string, Kind>> = {
  hotspots: { found: 'count', cpi: 'count', disruptions: 'count', total: 'count', previous_total: 'count', change: 'delta' },
  // The population share is public (population.csv): no figure about children rests on it alone.
  group_profile: { children: 'count', share_pct: 'pct', population_share_pct: 'ratio', ratio: 'ratio' },
  service_gaps: {
    met_children: 'count',
    prevalence_per_10k: 'per10k',
    missing_episodes: 'count',
    rhi_completed_72h_pct: 'pct',
    children_at_risk: 'count',
    risk_reviews_overdue: 'count',
    // The locality's own area's figures (headline figures of that area), which the gap flag compares with.
    area_prevalence_per_10k: 'per10k',
    area_rhi_completed_72h_pct: 'pct',
  },
  load_summary: { read: 'count', loaded: 'count', quarantined: 'count' },
  completeness: { with_value_pct: 'pct' },
  timeliness: {},
  returns_without_interview: { returns: 'count', without_interview: 'count', without_interview_pct: 'pct' },
};

/** The row's fields as shown, before the derived ones: exact values, or 'c' where hidden. */
function exactRows(measure: string, rows: Record<string, unknown>[], hidden: (i: number, f: string) => boolean): ShownRow[] {
  const kinds = FIELD_KINDS[measure] ?? {};
  return rows.map((r, i) => {
    const out: ShownRow = {};
    for (const [f, v] of Object.entries(r)) {
      const kind = kinds[f];
      if (f === 'population_share_pct' && isCell(v)) out[f] = percentage(v.n ?? 0, v.d ?? 0);
      else if (kind && isCell(v)) out[f] = hidden(i, f) ? 'c' : cellValue(kind, v);
      else if (kind && v === null) out[f] = null;
      else out[f] = v;
    }
    return out;
  });
}

/** Derived fields go with a withheld field they rest on; previous_total is read, never shown. */
function withDerived(measure: string, raw: Record<string, unknown>[], shown: ShownRow[]): ShownRow[] {
  return shown.map((out, i) => {
    // A count not given (published rule), and every field not given because one it rests on was.
    const notGiven = new Set(Object.keys(out).filter((x) => out[x] === null && FIELD_KINDS[measure]?.[x] === 'count'));
    for (const [f, on] of Object.entries(DERIVED[measure] ?? {})) {
      // A field of the stored row, or one worked out when read (service_gaps' intervals).
      if (!(f in raw[i]!) && !(f in out)) continue;
      if (on.some((x) => out[x] === 'c')) out[f] = 'c';
      // A count not given takes what rests on it with it, and what rests on that (a rate's
      // interval: an interval of 0 would say the hidden count was 0).
      else if (on.some((x) => notGiven.has(x))) {
        out[f] = NOT_GIVEN_READS[measure]?.[f] ?? null;
        notGiven.add(f);
      } else if (out[f] === undefined) out[f] = null;
    }
    delete out.previous_total;
    return out;
  });
}

/**
 * The area's headline figures each table-like measure's column adds up to (at most),
 * shown beside it on a page or in a measures answer: column → the measure of the total.
 */
const COLUMN_TOTALS: Record<string, Record<string, string>> = {
  // CPI submissions and disruptions there, over the area's localities: at most the area's
  // (a form or an action may name no locality). Episodes found there have no such total
  // (an episode is counted where it was found, whichever area was responsible).
  hotspots: { cpi: 'cpi_submissions', disruptions: 'disruptions' },
  service_gaps: {
    met_children: 'met_children',
    missing_episodes: 'missing_episodes',
    children_at_risk: 'children_at_risk',
    risk_reviews_overdue: 'risk_reviews_overdue',
  },
};

function partnerRows(measure: string, rows: Record<string, unknown>[], threshold: number, ctx?: RowContext, withheldTotals?: Set<string>): ShownRow[] {
  const kinds = FIELD_KINDS[measure] ?? {};
  const key = (i: number, f: string) => `${i}/${f}`;
  const hidden = new Set<string>();
  rows.forEach((r, i) => {
    for (const [f, kind] of Object.entries(kinds)) {
      const c = r[f];
      if (!isCell(c) || !PRIMARY.has(kind)) continue;
      if (primarySuppressed(kind as 'count' | 'pct' | 'per10k', { num: c.n, den: c.d ?? null }, threshold)) hidden.add(key(i, f));
    }
  });
  const groups: { total: string; cells: string[] }[] = [];
  const totals = new Map<string, number>();
  const virtual = (name: string) => `total/${name}`;
  if (measure === 'hotspots') {
    for (const i of rows.keys()) groups.push({ total: key(i, 'total'), cells: ['found', 'cpi', 'disruptions'].map((f) => key(i, f)) });
  }
  if (measure === 'group_profile' && ctx) {
    // Each dimension's groups add up to the area's met_children, shown beside them.
    const dims = new Map<string, number[]>();
    for (const [i, r] of rows.entries()) dims.set(String(r.dimension), [...(dims.get(String(r.dimension)) ?? []), i]);
    totals.set(virtual('met_children'), ctx.metChildren);
    if (primarySuppressed('count', { num: ctx.metChildren, den: null }, threshold)) hidden.add(virtual('met_children'));
    for (const idx of dims.values()) groups.push({ total: virtual('met_children'), cells: idx.map((i) => key(i, 'children')) });
  }
  if (ctx) {
    // A column of localities adds up (at most) to the area's own figure.
    for (const [f, total] of Object.entries(COLUMN_TOTALS[measure] ?? {})) {
      const t = ctx.areaTotals[total] ?? 0;
      totals.set(virtual(total), t);
      if (primarySuppressed('count', { num: t, den: null }, threshold)) hidden.add(virtual(total));
      groups.push({ total: virtual(total), cells: rows.map((_, i) => key(i, f)) });
    }
  }
  const value = (k: string) => {
    if (totals.has(k)) return totals.get(k)!;
    const [i, f] = k.split('/') as [string, string];
    const v = rows[Number(i)]?.[f];
    return isCell(v) ? (v.n ?? 0) : 0;
  };
  const all = partnerSecondary(groups, hidden, value, threshold);
  // An area total the rows' groups had to withhold (secondary): the caller withholds that headline too.
  for (const k of all) if (k.startsWith('total/') && !hidden.has(k)) withheldTotals?.add(k.slice('total/'.length));
  return withDerived(
    measure,
    rows,
    withIntervals(
      measure,
      rows,
      exactRows(measure, rows, (i, f) => all.has(key(i, f))),
      (n) => n ?? 0,
    ),
  );
}

function publishedRows(measure: string, rows: Record<string, unknown>[], rule: DisclosureRule, ctx?: RowContext): ShownRow[] {
  const kinds = FIELD_KINDS[measure] ?? {};
  const pub = (v: unknown): number | 'c' => (isCell(v) ? publishedCount(v.n, rule) : 0);
  const protect = (f: string, r?: Record<string, unknown>) => ctx?.protect?.(f, r);
  /** A count as shown: as protected, or as the rule shows it. */
  const count = (f: string, v: unknown, r?: Record<string, unknown>): number | 'c' | null => {
    const p = protect(f, r);
    return p !== undefined ? p : pub(v);
  };
  const shown: ShownRow[] = rows.map((r) => {
    const out: ShownRow = {};
    for (const [f, v] of Object.entries(r)) {
      const kind = kinds[f];
      if (!kind || !isCell(v)) out[f] = kind && v === null ? null : v;
      else if (kind === 'count') out[f] = count(f, v, r);
      else if (kind === 'pct') {
        const n = publishedCount(v.n, rule);
        const d = publishedCount(v.d, rule);
        out[f] = n === 'c' || d === 'c' ? 'c' : d === 0 ? null : roundRatio(100 * n, d, 0);
      } else if (kind === 'per10k') {
        const n = publishedCount(v.n, rule);
        out[f] = n === 'c' ? 'c' : per10k(n, v.d ?? null);
      }
    }
    return out;
  });
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  if (measure === 'hotspots') {
    // Rank among the shown totals of the area (a withheld total, 1..max, lies between 0 and any shown one).
    const order = (v: unknown) => (v === 'c' ? 0.5 : (num(v) ?? 0));
    // A total withheld to protect another (lib/audit/protect.ts) may be any size, even the
    // largest: ranks worked out without it would name the wrong hotspots (a reviewer's case:
    // Havant, 56, withheld; Rushmoor, 48, published as the second). So in its area no rank
    // or flag is given (c). This says nothing the published answer does not: there a total
    // of 1..max has its parts not given (–), one withheld to protect another its parts given.
    const unranked = new Set(rows.filter((r) => protect('total', r) === 'c').map((r) => r.area));
    shown.forEach((out, i) => {
      // The change from the rounded totals, where there was a previous period.
      const before = rows[i]!.previous_total;
      const prev = isCell(before) ? count('previous_total', before, rows[i]) : null;
      out.change = out.total === 'c' || prev === 'c' ? 'c' : prev === null || out.total === null ? null : (out.total as number) - prev;
      if (out.total === 'c' || out.total === null) {
        // A total withheld or not given has no rank among the others.
        out.rank = out.total;
        out.hotspot = out.total;
        return;
      }
      if (unranked.has(out.area)) {
        out.rank = 'c';
        out.hotspot = 'c';
        return;
      }
      const same = shown.filter((x) => x.area === out.area);
      // A total of 0 below totals withheld or not given (each 0 to 7: some may be 0 too) has no rank that can be told.
      if (out.total === 0 && same.some((x) => x.total === 'c' || x.total === null)) {
        out.rank = null;
        if (ctx?.hotspot) out.hotspot = false;
        return;
      }
      const rank = 1 + same.filter((x) => order(x.total) > order(out.total)).length;
      out.rank = rank;
      if (!ctx?.hotspot) return;
      const cut = Math.ceil((ctx.hotspot.top_pct * same.length) / 100);
      // Rounded totals that tie share a rank; where the tie runs past the hotspot cut (ranks
      // k to k + ties − 1 with k ≤ cut < k + ties − 1), which of them are hotspots depends on
      // the exact totals: not given as true or false (c), never both flagged (a reviewer's
      // case: Fratton 13 and Central Southsea 16, both 15, both called hotspots for one place).
      const ties = same.filter((x) => x.total === out.total).length;
      out.hotspot = rank <= cut && rank + ties - 1 > cut ? 'c' : rank <= cut && (out.total as number) >= ctx.hotspot.min_total;
    });
  }
  if (measure === 'group_profile') {
    const total = ctx ? count('met_children', { n: ctx.metChildren }) : 'c';
    shown.forEach((out, i) => {
      const c = out.children;
      out.share_pct = c === 'c' || total === 'c' ? 'c' : total === 0 || total === null || c === null ? null : roundRatio(100 * (c as number), total, 0);
      const pop = rows[i]!.population_share_pct;
      out.population_share_pct = isCell(pop) ? roundRatio(100 * (pop.n ?? 0), pop.d ?? 1, 0) : null;
      // The ratio of the two shares, from the rounded count: (c / total) / (p / population).
      out.ratio =
        out.share_pct === 'c'
          ? 'c'
          : isCell(pop) && pop.n && pop.d && typeof c === 'number' && typeof total === 'number' && total > 0
            ? roundRatio(c * pop.d, total * pop.n, 2)
            : null;
    });
  }
  if (measure === 'service_gaps') {
    // The area's own figures as its headline is published: where the row's area is the
    // area read (its exact cells are ctx.areaCells), a headline count withheld to protect
    // another (lib/audit/protect.ts) is withheld here too.
    const same = (a: unknown, b: ExactCell | undefined) => isCell(a) && b !== undefined && a.n === b.num && (a.d ?? null) === (b.den ?? null);
    shown.forEach((out, i) => {
      const r = rows[i]!;
      if (same(r.area_prevalence_per_10k, ctx?.areaCells?.prevalence_per_10k) && protect('met_children') !== undefined)
        out.area_prevalence_per_10k = protect('met_children') ?? null;
      if (same(r.area_rhi_completed_72h_pct, ctx?.areaCells?.rhi_completed_72h_pct) && protect('returns') !== undefined)
        out.area_rhi_completed_72h_pct = protect('returns') ?? null;
    });
    // The public see the flag worked out from the figures they are shown (the rounded
    // counts, the public population, the area's published figures) by the same test, so
    // that it tells nothing those figures do not (docs/definitions.md, "service_gaps gap").
    shown.forEach((out, i) => {
      const r = rows[i]!;
      const cell = (f: string): Cell => (isCell(r[f]) ? (r[f] as Cell) : { n: null, d: null });
      const pub = (v: number | null | undefined) => publishedCount(v, rule);
      const m = out.met_children;
      const rN = pub(cell('rhi_completed_72h_pct').n);
      const rD = pub(cell('rhi_completed_72h_pct').d);
      const apN = pub(cell('area_prevalence_per_10k').n);
      const arN = pub(cell('area_rhi_completed_72h_pct').n);
      const arD = pub(cell('area_rhi_completed_72h_pct').d);
      if ([m, rN, rD, apN, arN, arD, out.area_prevalence_per_10k, out.area_rhi_completed_72h_pct].some((x) => x === 'c') || m === null) {
        out.gap = 'c';
        out.gap_reason = 'c';
        return;
      }
      const reason = gapReason(
        {
          m: m as number,
          pop: cell('prevalence_per_10k').d ?? null,
          apN: apN as number,
          apD: cell('area_prevalence_per_10k').d ?? null,
          rN: rN as number,
          rD: rD as number,
          arN: arN as number,
          arD: arD as number,
        },
        ctx?.gapMinCount ?? PARAMETERS.gap_min_count,
      );
      out.gap = reason === 'gap';
      out.gap_reason = reason;
    });
  }
  return withDerived(
    measure,
    rows,
    withIntervals(measure, rows, shown, (n) => publishedCount(n, rule), 0),
  );
}

/** Why a locality is, or is not, a service gap: the first test that decides (sql/measures/40_identification.sql). */
export type GapReason = 'undefined' | 'too_few' | 'prevalence_not_higher' | 'completion_not_lower' | 'gap';

/**
 * The service gap test, as the SQL makes it on the exact figures (40_identification.sql):
 * m MET children of a 0–17 population `pop`, against the area's apN / apD; rN of rD
 * returns interviewed in time, against the area's arN / arD. A gap where the locality has
 * at least `min` MET children and `min` returns, the lower limit of Byar's 95% interval of
 * its rate is above the area's rate, and the upper limit of the Wilson 95% interval of its
 * completion is below the area's completion (both sides multiplied out).
 */
export function gapReason(
  x: { m: number; pop: number | null; apN: number | null; apD: number | null; rN: number; rD: number; arN: number | null; arD: number | null },
  min: number,
): GapReason {
  if (!x.pop || !x.apD || !x.rD || !x.arD || x.apN === null || x.arN === null) return 'undefined';
  if (x.m < min || x.rD < min) return 'too_few';
  const prevalenceLower = rateInterval(x.m, x.pop, 1).lower; // O_L / pop
  if (!(prevalenceLower * x.apD > x.apN)) return 'prevalence_not_higher';
  if (!(wilson(x.rN, x.rD).upper * x.arD < x.arN)) return 'completion_not_lower';
  return 'gap';
}

/** An interval as shown: one decimal each end, en dash between ("41.0–66.5", "6.1%–79.2%"); `places` 0 for whole percentages ("6%–79%"). */
function intervalText(lower: number, upper: number, unit: string, places = 1): string {
  const f = 10 ** places;
  const one = (v: number) => (Math.round(v * f) / f).toFixed(places);
  return `${one(lower)}${unit}–${one(upper)}${unit}`;
}

/**
 * service_gaps' 95% intervals, beside the figures they go with: Byar's for the rate per
 * 10,000, Wilson's for the interview percentage (lib/intervals.ts), from the counts the
 * rule shows (exact, or the published rounded counts); withheld with their figure (DERIVED).
 */
function withIntervals(
  measure: string,
  raw: Record<string, unknown>[],
  shown: ShownRow[],
  count: (n: number | null | undefined) => number | 'c',
  /** Decimals of a percentage's interval: 0 under the published rule, whose percentages are whole. */
  pctPlaces = 1,
): ShownRow[] {
  if (measure !== 'service_gaps') return shown;
  shown.forEach((out, i) => {
    const p = raw[i]!.prevalence_per_10k;
    const c = raw[i]!.rhi_completed_72h_pct;
    if (isCell(p)) {
      // The locality's 0–17 population: public (population.csv), for the funnel plot.
      out.population = p.d ?? null;
      const n = count(p.n);
      out.prevalence_interval = n === 'c' ? 'c' : p.d ? (({ lower, upper }) => intervalText(lower, upper, ''))(rateInterval(n, p.d, 10_000)) : null;
    }
    if (isCell(c)) {
      const n = count(c.n);
      const d = count(c.d);
      out.rhi_interval =
        n === 'c' || d === 'c' ? 'c' : d > 0 && n <= d ? (({ lower, upper }) => intervalText(100 * lower, 100 * upper, '%', pctPlaces))(wilson(n, d)) : null;
    }
  });
  return shown;
}

/**
 * Hotspot rows come ranked by their exact totals: for a rule that withholds, they are put
 * in order of the ranks shown (by area; withheld ones last, by name), so that a row's
 * place says no more than its shown rank.
 */
function inShownOrder(measure: string, rows: ShownRow[]): ShownRow[] {
  if (measure !== 'hotspots') return rows;
  const rank = (r: ShownRow) => (typeof r.rank === 'number' ? r.rank : Number.POSITIVE_INFINITY);
  return [...rows].sort((a, b) => String(a.area).localeCompare(String(b.area)) || rank(a) - rank(b) || String(a.locality).localeCompare(String(b.locality)));
}

/**
 * A table-like measure's rows as a rule shows them. `withheldTotals`, if given, receives
 * the ids of the area's headline measures that the partner rule had to withhold to
 * protect the rows (a total left with no other cell to withhold): the response withholds them.
 */
export function discloseRows(
  measure: string,
  rows: Record<string, unknown>[],
  rule: DisclosureRule,
  ctx?: RowContext,
  withheldTotals?: Set<string>,
): ShownRow[] {
  const exactCount = (n: number | null | undefined) => n ?? 0;
  if (rule.rule === 'exact')
    return withDerived(
      measure,
      rows,
      withIntervals(
        measure,
        rows,
        exactRows(measure, rows, () => false),
        exactCount,
      ),
    );
  if (rule.rule === 'published') return inShownOrder(measure, publishedRows(measure, rows, rule, ctx));
  return inShownOrder(measure, partnerRows(measure, rows, rule.threshold, ctx, withheldTotals));
}

export type { Shown };

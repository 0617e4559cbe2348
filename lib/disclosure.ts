// Disclosure control by audience (../shared/met-dataset.md, "Disclosure control by
// audience"): the one rule every output passes (command line, API, pages, charts,
// commentary, board pack), chosen by who reads it (audienceOf in model/roles.ts):
//  - exact (the analyst): nothing withheld;
//  - partner (board, commissioners): primary suppression of counts 1..threshold−1 and of
//    statistics built on them, and secondary suppression only within each group of
//    figures shown together (a breakdown under its headline, a hotspot row, …), with
//    the stopping rule: keep withholding the next smallest non-zero cell (if none, the
//    total) until the withheld cells leave room for each other — what the total leaves
//    for them is at least (number withheld − 1) + threshold, so that no withheld cell
//    can be shown to be below the threshold. Zero is never withheld. Never across
//    periods, age scopes or pages: each table of one period and scope on its own;
//  - published (public): counts 1..published_max_withheld withheld, every other count
//    rounded to the nearest rounding_base (halves up), percentages, rates and ratios
//    worked out from the rounded counts, medians only over published_median_min or more;
//    and, worked out once per refresh over every published figure (lib/audit/protect.ts):
//    the parts of a withheld count not given, and counts withheld to protect another.
//
// Exported names (a stable API: lib/shown.ts, lib/rows.ts and the audit read them):
//  ruleFor(role, parameters?)        → DisclosureRule: the rule a role's figures pass
//  disclosureInfo(rule)              → the response's `disclosure` object (rule, thresholds, legend)
//  legendOf(rule)                    → the legend in plain words
//  seesExactFigures(role)            → true for the analyst
//  exactValue(kind, cell)            → an exact figure as the definitions round it
//  primarySuppressed(kind, cell, t)  → the partner rule's primary test
//  partnerSecondary(groups, primary, value, t) → the keys withheld (primary included) under the stopping rule
//  groupNeeds(group, hidden, value, t) → the next key a group needs withheld, or null when it is safe
//  roundCount(n, base)               → a count rounded to the nearest base, halves up
//  publishedCount(n, rule)           → a count as the published rule shows it ('c', 0 or a multiple of base)
//  publishedValue(kind, cell, rule)  → any figure as the published rule shows it
//                                       (counts withheld to protect another: lib/audit/protect.ts)
//  discloseTable(def, table, rule, opts) → one measure's figures, one period and scope, as shown
//                                       (opts.areaSet: the four areas under `all` form a group too;
//                                        opts.withhold: areas whose headline is withheld as if primary;
//                                        opts.protect: published counts withheld to protect another)
//  disclose(def, table, role)        → the same for a role with the model's parameters
// Types: DisclosureRule, DisclosureInfo, ExactCell, MeasureTable, AreaFigures, ShownFigures,
// AdditiveGroup, DiscloseOptions. Table-like measures: discloseRows in lib/rows.ts.

import { PARAMETERS, checkDisclosureParameters, type DisclosureParameters } from '../model/parameters.js';
import type { AreaOrAll, Kind, MeasureDef } from './catalogue.js';
import { AREAS_AND_ALL } from './catalogue.js';
import { protectCrossing } from './crossing.js';
import { per10k, percentage, ratio, roundRatio, secondsAsHours } from './rounding.js';

export { ROLES, type Role } from '../model/roles.js';
export { audienceOf, type Audience } from '../model/roles.js';
import { audienceOf, type Audience, type Role } from '../model/roles.js';

export const DEFAULT_THRESHOLD = PARAMETERS.suppression_threshold;

/** An exact figure as stored: the count it rests on, its denominator, a median's value. */
export interface ExactCell {
  num: number | null;
  den: number | null;
  value?: number | null;
}

export type { DisclosureInfo, Shown } from '../model/api.js';
import type { DisclosureInfo, Shown } from '../model/api.js';

export interface AreaFigures {
  headline: ExactCell;
  by: Record<string, Record<string, ExactCell>>;
}

/** One measure in one period and age scope, for the four areas and `all`. */
export type MeasureTable = Partial<Record<AreaOrAll, AreaFigures>>;

export interface ShownFigures {
  headline: Shown;
  by: Record<string, Record<string, Shown>>;
}

/** The rule a role's figures pass, with its parameters. */
export interface DisclosureRule {
  rule: Audience;
  /** Partner: counts 1..threshold−1 withheld. Published: published_max_withheld + 1. Exact: 1 (nothing withheld). */
  threshold: number;
  /** The largest count withheld (threshold − 1; 0 for exact). */
  maxWithheld: number;
  /** Published only: counts are rounded to the nearest multiple of this. */
  roundingBase?: number;
  /** Published only: a median is shown over at least this many records. */
  medianMin?: number;
}

export function seesExactFigures(role: Role): boolean {
  return audienceOf(role) === 'exact';
}

/** The rule for a role, with the model's parameters (read at each call) or those given. */
export function ruleFor(role: Role, over: Partial<DisclosureParameters> = {}): DisclosureRule {
  const p: DisclosureParameters = {
    suppression_threshold: over.suppression_threshold ?? PARAMETERS.suppression_threshold,
    published_max_withheld: over.published_max_withheld ?? PARAMETERS.published_max_withheld,
    rounding_base: over.rounding_base ?? PARAMETERS.rounding_base,
    published_median_min: over.published_median_min ?? PARAMETERS.published_median_min,
  };
  checkDisclosureParameters(p);
  const audience = audienceOf(role);
  if (audience === 'exact') return { rule: 'exact', threshold: 1, maxWithheld: 0 };
  if (audience === 'partner') return { rule: 'partner', threshold: p.suppression_threshold, maxWithheld: p.suppression_threshold - 1 };
  return {
    rule: 'published',
    threshold: p.published_max_withheld + 1,
    maxWithheld: p.published_max_withheld,
    roundingBase: p.rounding_base,
    medianMin: p.published_median_min,
  };
}

/** The legend beside the figures, in plain words, for a rule. */
export function legendOf(rule: DisclosureRule): string {
  if (rule.rule === 'exact')
    return 'Exact figures for the analyst: nothing is withheld (c = withheld appears only in partners’ and published views); do not pass them outside the partnership.';
  if (rule.rule === 'partner')
    return (
      `c = withheld because it is about fewer than ${rule.threshold} children or events (a count of 1 to ${rule.maxWithheld}, or a rate, percentage, ` +
      `median or change built on one), or because it would let such a figure be worked out from the others shown with it; 0 means none.`
    );
  return (
    `c = withheld: a count of 1 to ${rule.maxWithheld}, a figure built on one, a median over fewer than ${rule.medianMin} records, ` +
    `or a larger count withheld so that a small one cannot be worked out from the others. ` +
    `– = not given: a part of a withheld count (its breakdown, quarters, areas or age groups), which may be 0. ` +
    `≈ = rounded: every other count is rounded to the nearest ${rule.roundingBase}, and percentages, rates and ratios are worked out from the rounded counts; 0 means none.`
  );
}

/** The response's `disclosure` object. */
export function disclosureInfo(rule: DisclosureRule): DisclosureInfo {
  return {
    rule: rule.rule,
    threshold: rule.threshold,
    max_withheld: rule.maxWithheld,
    ...(rule.roundingBase !== undefined ? { rounding_base: rule.roundingBase } : {}),
    ...(rule.medianMin !== undefined ? { median_min: rule.medianMin } : {}),
    legend: legendOf(rule),
  };
}

/** The exact value of a cell as the definitions round it. */
export function exactValue(kind: Kind, c: ExactCell): number | null {
  switch (kind) {
    case 'count':
      return c.num ?? 0;
    case 'pct':
      return percentage(c.num ?? 0, c.den ?? 0);
    case 'ratio':
      return ratio(c.num ?? 0, c.den ?? 0);
    case 'per10k':
      return per10k(c.num ?? 0, c.den);
    case 'median':
      return (c.den ?? 0) === 0 ? null : secondsAsHours(c.value ?? null);
    case 'rows':
      return null;
  }
}

const small = (n: number | null | undefined, threshold: number) => n !== null && n !== undefined && n >= 1 && n < threshold;

/** Primary suppression (partner rule): a small count, or a statistic built on a small number of records. */
export function primarySuppressed(kind: Kind, c: ExactCell, threshold = DEFAULT_THRESHOLD): boolean {
  switch (kind) {
    case 'count':
      return small(c.num, threshold);
    case 'pct':
      // A percentage shown beside its denominator gives away its complement (den − num),
      // a count of people too: it goes when either is 1..threshold−1.
      return small(c.num, threshold) || small(c.den, threshold) || (c.num !== null && c.den !== null && small(c.den - c.num, threshold));
    case 'ratio':
      return small(c.num, threshold) || small(c.den, threshold);
    case 'per10k':
      // The population is public: only the count matters.
      return small(c.num, threshold);
    case 'median':
      return small(c.den, threshold);
    case 'rows':
      return false;
  }
}

/**
 * A group of figures shown together whose cells add up to the total (exactly, or at
 * most: localities of an area), the unit of secondary suppression.
 */
export interface AdditiveGroup<K> {
  total: K;
  cells: K[];
}

/**
 * What a group needs withheld next under the stopping rule, or null when it is safe:
 *  - total shown: the withheld non-zero cells W must leave each other room: what the
 *    total leaves for them (total − the shown cells) is at least (|W| − 1) + threshold;
 *    if not, the next smallest non-zero shown cell (ties: the first), or else the total;
 *  - total withheld: at least one non-zero cell must be withheld too, or the shown
 *    cells would pin the total (and through it the cells of its other groups).
 * The remainder (total − the sum of every cell: what a group that adds up at most, such
 * as localities under an area, leaves unrecorded) is an unshown cell of the group: when
 * it is 1..threshold−1 it counts as withheld (a remainder of 0 is fine).
 * Zero is never withheld.
 */
export function groupNeeds<K>(g: AdditiveGroup<K>, hidden: ReadonlySet<K>, value: (k: K) => number, threshold: number): K | null {
  const shownNonZero = g.cells.filter((k) => !hidden.has(k) && value(k) > 0);
  const next = [...shownNonZero].sort((a, b) => value(a) - value(b))[0];
  const withheld = g.cells.filter((k) => hidden.has(k) && value(k) !== 0);
  if (hidden.has(g.total)) return withheld.length === 0 && next !== undefined ? next : null;
  const remainder = value(g.total) - g.cells.reduce((s, k) => s + value(k), 0);
  const unshown = withheld.length + (remainder >= 1 && remainder < threshold ? 1 : 0);
  if (unshown === 0) return null;
  const room = value(g.total) - g.cells.filter((k) => !hidden.has(k)).reduce((s, k) => s + value(k), 0);
  if (room >= unshown - 1 + threshold) return null;
  if (next !== undefined) return next;
  return value(g.total) === 0 ? null : g.total;
}

/**
 * Secondary suppression (partner rule) over groups shown together, until every group is
 * safe (groupNeeds). `value` gives a key's exact count. Returns the keys withheld,
 * primary included. Only the groups given take part: nothing cascades beyond them.
 */
export function partnerSecondary<K>(groups: AdditiveGroup<K>[], primary: ReadonlySet<K>, value: (k: K) => number, threshold = DEFAULT_THRESHOLD): Set<K> {
  const hidden = new Set(primary);
  let changed = true;
  while (changed) {
    changed = false;
    for (const g of groups) {
      const k = groupNeeds(g, hidden, value, threshold);
      if (k !== null) {
        hidden.add(k);
        changed = true;
      }
    }
  }
  return hidden;
}

/** n rounded to the nearest multiple of base, halves up (base 5: 12 → 10, 13 → 15, 12.5 → 15). */
export function roundCount(n: number, base: number): number {
  return Math.floor(n / base + 0.5) * base;
}

/** A count as the published rule shows it: 0 stays 0, 1..maxWithheld is 'c', any other is rounded. */
export function publishedCount(n: number | null | undefined, rule: DisclosureRule): number | 'c' {
  const x = n ?? 0;
  if (x === 0) return 0;
  if (x >= 1 && x <= rule.maxWithheld) return 'c';
  return roundCount(x, rule.roundingBase ?? 1);
}

/**
 * Any figure as the published rule shows it: counts rounded; percentages (whole
 * numbers), ratios and rates worked out from the rounded counts, shown only where the
 * rounded numerator and denominator are both shown (a rate's population is public and
 * used as it is); a median only over at least medianMin records.
 */
export function publishedValue(kind: Kind, c: ExactCell, rule: DisclosureRule): Shown {
  switch (kind) {
    case 'count':
      return publishedCount(c.num, rule);
    case 'pct':
    case 'ratio': {
      const n = publishedCount(c.num, rule);
      const d = publishedCount(c.den, rule);
      if (n === 'c' || d === 'c') return 'c';
      if (d === 0) return null;
      return kind === 'pct' ? roundRatio(100 * n, d, 0) : roundRatio(n, d, 2);
    }
    case 'per10k': {
      const n = publishedCount(c.num, rule);
      return n === 'c' ? 'c' : per10k(n, c.den);
    }
    case 'median': {
      const d = c.den ?? 0;
      if (d === 0) return null;
      return d < (rule.medianMin ?? 0) ? 'c' : secondsAsHours(c.value ?? null);
    }
    case 'rows':
      return null;
  }
}

export interface DiscloseOptions {
  /**
   * True when the output shows the four areas beside `all` (an area-set view): then the
   * four areas under `all` of each figure form a group too. A one-area response does not
   * show them together, so its figures do not depend on other areas'.
   */
  areaSet?: boolean;
  /** Partner rule: areas whose headline is withheld as if primary (an area total that rows shown beside it needed withheld). */
  withhold?: readonly AreaOrAll[];
  /**
   * Published rule: counts shown otherwise than the rule alone would (lib/audit/protect.ts,
   * worked out once per refresh over every published figure): `c`, withheld to protect
   * another, or null, not given (a part of a withheld count); undefined: as the rule shows it.
   */
  protect?: (area: AreaOrAll, breakdown: string, key: string) => 'c' | null | undefined;
}

const keyOf = (area: AreaOrAll, breakdown: string, cell: string) => `${area}\u0000${breakdown}\u0000${cell}`;

/**
 * One measure's figures in one period and age scope, for every area of the table, as
 * the rule shows them. The partner rule's secondary suppression runs over each area's
 * additive breakdowns under its headline (and, with areaSet, the four areas under `all`
 * for the headline and each breakdown cell), and nothing else.
 */
export function discloseTable(
  def: MeasureDef,
  table: MeasureTable,
  rule: DisclosureRule,
  opts: DiscloseOptions = {},
): Partial<Record<AreaOrAll, ShownFigures>> {
  const areas = AREAS_AND_ALL.filter((a) => table[a]);
  const exact = (a: AreaOrAll, b: string, k: string): ExactCell | undefined => (b === '' ? table[a]?.headline : table[a]?.by[b]?.[k]);
  const show = (shownOf: (a: AreaOrAll, b: string, k: string, c: ExactCell) => Shown) => {
    const out: Partial<Record<AreaOrAll, ShownFigures>> = {};
    for (const a of areas) {
      const f = table[a]!;
      const by: Record<string, Record<string, Shown>> = {};
      for (const [b, cells] of Object.entries(f.by)) {
        by[b] = {};
        for (const [k, c] of Object.entries(cells)) by[b][k] = shownOf(a, b, k, c);
      }
      out[a] = { headline: shownOf(a, '', '', f.headline), by };
    }
    return out;
  };
  if (rule.rule === 'exact') return show((_a, _b, _k, c) => exactValue(def.kind, c));
  if (rule.rule === 'published')
    return show((a, b, k, c) => {
      const p = def.kind === 'count' ? opts.protect?.(a, b, k) : undefined;
      return p !== undefined ? p : publishedValue(def.kind, c, rule);
    });

  const primary = new Set<string>();
  for (const a of areas) {
    const f = table[a]!;
    if (primarySuppressed(def.kind, f.headline, rule.threshold) || opts.withhold?.includes(a)) primary.add(keyOf(a, '', ''));
    for (const [b, cells] of Object.entries(f.by)) {
      for (const [k, c] of Object.entries(cells)) if (primarySuppressed(def.kind, c, rule.threshold)) primary.add(keyOf(a, b, k));
    }
  }
  let hidden: Set<string> = primary;
  if (def.kind === 'count') {
    const groups: AdditiveGroup<string>[] = [];
    // The declared additive breakdowns, and a split by locality (met_children's): localities
    // add up at most to the area's figure (a child may have no locality), a group all the same.
    const additive = new Set([...(def.breakdowns ?? []).filter((b) => b.additive).map((b) => b.id), 'locality']);
    for (const a of areas) {
      for (const [b, cells] of Object.entries(table[a]!.by)) {
        if (additive.has(b))
          groups.push({
            total: keyOf(a, '', ''),
            cells: Object.keys(cells)
              .sort()
              .map((k) => keyOf(a, b, k)),
          });
      }
    }
    const four = areas.filter((a) => a !== 'all');
    if (opts.areaSet && table.all) {
      const positions = new Set<string>(['\u0000']);
      for (const a of areas) for (const [b, cells] of Object.entries(table[a]!.by)) for (const k of Object.keys(cells)) positions.add(`${b}\u0000${k}`);
      for (const pos of positions) {
        const [b, k] = pos.split('\u0000') as [string, string];
        // Across areas every figure adds up (each area counts its own), even a cell of a
        // breakdown that is not additive within an area.
        groups.push({ total: keyOf('all', b, k), cells: four.map((a) => keyOf(a, b, k)) });
      }
    }
    const value = (key: string) => {
      const [a, b, k] = key.split('\u0000') as [AreaOrAll, string, string];
      return exact(a, b, k)?.num ?? 0;
    };
    // Shown together, the four areas' groups cross those of each area: the stopping rule, then more where an attacker of the table would narrow a `c` below the threshold (lib/crossing.ts).
    hidden =
      opts.areaSet && table.all
        ? protectCrossing(groups, primary, value, rule.threshold, {
            secondary: (withheld) => partnerSecondary(groups, withheld, value, rule.threshold),
            atMost: (g) => g.total.endsWith('\u0000\u0000') && g.cells[0]?.includes('\u0000locality\u0000') === true,
          })
        : partnerSecondary(groups, primary, value, rule.threshold);
  }
  return show((a, b, k, c) => (hidden.has(keyOf(a, b, k)) ? 'c' : exactValue(def.kind, c)));
}

/** discloseTable for a role with the model's parameters (threshold as given). */
export function disclose(def: MeasureDef, table: MeasureTable, role: Role, threshold = PARAMETERS.suppression_threshold, opts: DiscloseOptions = {}) {
  return discloseTable(def, table, ruleFor(role, { suppression_threshold: threshold }), opts);
}

// Where groups of the partner rule cross (../shared/met-dataset.md, "Disclosure control
// by audience": no single response lets a withheld cell be narrowed below the
// threshold). An output that shows the four areas beside `all` with their breakdowns
// has groups that share cells: an area's breakdown adds up to the area's headline, and
// each cell's four areas add up to `all`'s cell. The stopping rule met in each group
// alone (partnerSecondary in lib/disclosure.ts) does not protect them together: a
// withheld cell can be bounded through one group by what another leaves. So, after
// the stopping rule, the table is attacked with bounds propagation (lib/audit/propagate.ts),
// knowing what the reader knows: every group's identity, each shown cell exactly, each
// `c` at least 1. A withheld cell leaks when its upper bound is below the threshold, or
// when probing finds that it cannot be at the threshold without a contradiction
// (propagation alone misses what two areas share of what `all` leaves). For each leak,
// the nearest group that bound it and has a cell to give withholds one more (its next
// smallest non-zero shown cell, else its total): first the group that last lowered its
// upper bound (propagate's `why`), then the groups behind that one (for a leak found by
// probing: the groups it is in, then their neighbours through withheld cells). The
// stopping rule runs again over the enlarged set, and the table is attacked again, until
// no withheld cell leaks (at most maxRounds, 50; the demo data needs 6 at most). Only
// the groups given take part: nothing cascades beyond them.
//
// Exported names:
//  crossingLeaks(groups, hidden, value, threshold, atMost?) → the withheld keys an attacker bounds below the threshold, with the groups that bound each
//  protectCrossing(groups, primary, value, threshold, opts) → the keys withheld (primary included)
// Types: CrossingGroup, CrossingLeak, CrossingOptions.

import { propagate, termIndex, type Interval, type LinearConstraint, type Propagated } from './audit/propagate.js';

/** A group of figures shown together: its cells add up to its total (or at most to it). Structurally lib/disclosure.ts's AdditiveGroup. */
export interface CrossingGroup<K> {
  total: K;
  cells: K[];
}

/**
 * A withheld key the attacker bounds below the threshold, with the groups (their
 * indices) that bound it, in tiers, nearest first. Bounded directly: one group a tier,
 * the group that last lowered its upper bound (propagate's `why`), then, for each
 * withheld term that group read the bound of, the group that set that bound, and so on
 * (shown cells end the chain). Bounded by probing (it cannot be at the threshold without
 * a contradiction): the groups it is in, then the groups that share a withheld key with
 * those, and so on.
 */
export interface CrossingLeak<K> {
  key: K;
  tiers: number[][];
}

/**
 * The constraints behind a term's bound, nearest first. A constraint lo ≤ Σ a·x ≤ hi
 * bounds x_t from above by its upper side when a_t > 0 (the other terms at their least:
 * the lower bound of those with a > 0, the upper of those with a < 0) and by its lower
 * side when a_t < 0 (the others at their greatest); a lower bound the other way round.
 */
function chain(constraints: readonly LinearConstraint[], why: Propagated['why'], start: string): number[] {
  const out: number[] = [];
  const seen = new Set<string>();
  const queue: [string, 'lo' | 'hi'][] = [[start, 'hi']];
  while (queue.length > 0) {
    const [t, side] = queue.shift()!;
    if (seen.has(`${t}${side}`)) continue;
    seen.add(`${t}${side}`);
    const ci = why.get(t)?.[side];
    if (ci === undefined) continue;
    if (!out.includes(ci)) out.push(ci);
    const c = constraints[ci]!;
    const at = c.terms.find(([id]) => id === t)![1];
    // Upper side of the constraint used (the others at their least) or lower side (at their greatest).
    const upper = (side === 'hi') === at > 0;
    for (const [id, a] of c.terms) if (id !== t) queue.push([id, a > 0 === upper ? 'lo' : 'hi']);
  }
  return out;
}

/**
 * What an attacker who reads one output learns by bounds propagation: each group is
 * total = Σ cells (or Σ cells ≤ total where atMost says so), each shown key is exact,
 * each withheld key is at least 1 (0 where it is truly 0: a withheld zero total, which
 * the reader cannot tell; taking it as ≥ 0 only weakens the attacker). Returns the
 * withheld keys whose upper bound is below the threshold.
 */
export function crossingLeaks<K>(
  groups: readonly CrossingGroup<K>[],
  hidden: ReadonlySet<K>,
  value: (k: K) => number,
  threshold: number,
  atMost: (g: CrossingGroup<K>) => boolean = () => false,
): CrossingLeak<K>[] {
  const ids = new Map<K, string>();
  const id = (k: K) => {
    let s = ids.get(k);
    if (s === undefined) {
      s = String(ids.size);
      ids.set(k, s);
    }
    return s;
  };
  const constraints: LinearConstraint[] = groups.map((g) => ({
    terms: [[id(g.total), -1] as const, ...g.cells.map((c) => [id(c), 1] as const)],
    lo: atMost(g) ? Number.NEGATIVE_INFINITY : 0,
    hi: 0,
  }));
  const known = new Map<string, Interval>();
  for (const [k, s] of ids) {
    const v = value(k);
    known.set(s, hidden.has(k) ? { lo: v > 0 ? 1 : 0, hi: Number.POSITIVE_INFINITY } : { lo: v, hi: v });
  }
  const r = propagate(constraints, known);
  const out: CrossingLeak<K>[] = [];
  if (r.infeasible) return out; // cannot happen: the exact values meet every constraint
  const of = termIndex(constraints);
  for (const [k, s] of ids) {
    if (!hidden.has(k)) continue;
    const b = r.bounds.get(s)!;
    if (b.hi < threshold) {
      out.push({ key: k, tiers: chain(constraints, r.why, s).map((g) => [g]) });
      continue;
    }
    if (b.lo >= threshold) continue;
    // Probing: could it be at the threshold? If that contradicts the rest, it is below.
    const probe = new Map(r.bounds);
    probe.set(s, { lo: threshold, hi: b.hi });
    if (propagate(constraints, probe).infeasible) out.push({ key: k, tiers: around(constraints, of, hidden, ids, s) });
  }
  return out;
}

/** The groups a term is in, then those sharing a withheld term with them, and so on: tiers. */
function around<K>(
  constraints: readonly LinearConstraint[],
  of: ReadonlyMap<string, number[]>,
  hidden: ReadonlySet<K>,
  ids: ReadonlyMap<K, string>,
  start: string,
): number[][] {
  const withheld = new Set([...ids].filter(([k]) => hidden.has(k)).map(([, s]) => s));
  const tiers: number[][] = [];
  const seen = new Set<number>();
  let tier = (of.get(start) ?? []).filter((g) => !seen.has(g));
  while (tier.length > 0) {
    for (const g of tier) seen.add(g);
    tiers.push(tier);
    const next = new Set<number>();
    for (const g of tier) for (const [t] of constraints[g]!.terms) if (withheld.has(t)) for (const h of of.get(t) ?? []) if (!seen.has(h)) next.add(h);
    tier = [...next].sort((a, b) => a - b);
  }
  return tiers;
}

export interface CrossingOptions<K> {
  /** The stopping rule over the groups from a set of keys withheld (lib/disclosure.ts's partnerSecondary over the same groups). */
  secondary: (withheld: ReadonlySet<K>) => Set<K>;
  /** Groups whose cells add up at most to the total (localities under an area). */
  atMost?: (g: CrossingGroup<K>) => boolean;
  /** Rounds of attack and withholding at most (default 50). */
  maxRounds?: number;
}

/** One more key a leaking group withholds: its next smallest non-zero shown cell (ties: the first), else its total if shown and non-zero. */
function nextOf<K>(g: CrossingGroup<K>, hidden: ReadonlySet<K>, value: (k: K) => number): K | null {
  let next: K | null = null;
  for (const k of g.cells) if (!hidden.has(k) && value(k) > 0 && (next === null || value(k) < value(next))) next = k;
  if (next !== null) return next;
  return !hidden.has(g.total) && value(g.total) > 0 ? g.total : null;
}

/**
 * The stopping rule, then withholding where the groups cross until no withheld key is
 * bounded below the threshold: each round, every group that bound a withheld key below
 * the threshold withholds one more (nextOf), and the stopping rule runs again.
 */
export function protectCrossing<K>(
  groups: readonly CrossingGroup<K>[],
  primary: ReadonlySet<K>,
  value: (k: K) => number,
  threshold: number,
  opts: CrossingOptions<K>,
): Set<K> {
  let hidden = opts.secondary(primary);
  const maxRounds = opts.maxRounds ?? 50;
  for (let round = 0; round < maxRounds; round++) {
    const leaks = crossingLeaks(groups, hidden, value, threshold, opts.atMost);
    if (leaks.length === 0) break;
    // Each leak: one more key in the nearest tier of groups that bound it and have one to
    // give (the smallest such key of that tier; ties: the first group's).
    // A group gives one key a round: a leak whose nearest such group has given already waits for the next round.
    const more = new Set(hidden);
    const gave = new Set<number>();
    for (const leak of leaks) {
      for (const tier of leak.tiers) {
        if (tier.some((gi) => gave.has(gi))) break;
        let pick: { key: K; group: number } | null = null;
        for (const gi of tier) {
          const k = nextOf(groups[gi]!, more, value);
          if (k !== null && (pick === null || value(k) < value(pick.key))) pick = { key: k, group: gi };
        }
        if (pick === null) continue;
        more.add(pick.key);
        gave.add(pick.group);
        break;
      }
    }
    if (more.size === hidden.size) break;
    hidden = opts.secondary(more);
  }
  return hidden;
}

// Bounds propagation: the fast attacker. Each constraint lo ≤ Σ coef × x ≤ hi, with
// what is known of the other terms, bounds each of its terms; a bound that tightens
// wakes the other constraints of that term, until nothing tightens. Counts are whole
// numbers, so every bound is rounded inwards. It is weaker than integer programming
// (lib/audit/solve.ts, which the tests use as the judge) but fast enough to run at every
// refresh: the published rule's protection (lib/audit/protect.ts) and the partner
// rule's four-areas views (lib/disclosure.ts) use it to find where more must be withheld.

/** lo ≤ value ≤ hi (±Infinity: unbounded). */
export interface Interval {
  lo: number;
  hi: number;
}

/** lo ≤ Σ coef × term ≤ hi. */
export interface LinearConstraint {
  terms: readonly (readonly [string, number])[];
  lo: number;
  hi: number;
}

export interface Propagated {
  bounds: Map<string, Interval>;
  /** For each term, the constraint (its index) that last raised its lower bound and lowered its upper bound. */
  why: Map<string, { lo?: number; hi?: number }>;
  /** True when the constraints cannot all hold (a bound crossed): the knowledge contradicts itself. */
  infeasible: boolean;
  /** Then: the constraint (its index) whose bound crossed, and the term. */
  crossed?: { constraint: number; term: string };
}

const EPS = 1e-9;

/** Σ coef × term over an interval: its least and greatest values, infinite parts counted apart. */
interface Activity {
  minFinite: number;
  minInf: number;
  maxFinite: number;
  maxInf: number;
}

function activity(c: LinearConstraint, b: Map<string, Interval>): Activity {
  const a: Activity = { minFinite: 0, minInf: 0, maxFinite: 0, maxInf: 0 };
  for (const [id, coef] of c.terms) {
    const x = b.get(id)!;
    const low = coef > 0 ? coef * x.lo : coef * x.hi;
    const high = coef > 0 ? coef * x.hi : coef * x.lo;
    if (Number.isFinite(low)) a.minFinite += low;
    else a.minInf += 1;
    if (Number.isFinite(high)) a.maxFinite += high;
    else a.maxInf += 1;
  }
  return a;
}

/**
 * Tightens `initial` (every term of every constraint must have an interval; terms
 * missing are taken as 0 … Infinity) until no constraint tightens any further, or the
 * work limit (maxSteps constraint visits; default 200 per constraint) is reached.
 */
export function propagate(constraints: readonly LinearConstraint[], initial: ReadonlyMap<string, Interval>, opts: { maxSteps?: number } = {}): Propagated {
  const bounds = new Map<string, Interval>();
  for (const [id, x] of initial) bounds.set(id, { lo: x.lo, hi: x.hi });
  const of = termIndex(constraints);
  for (const id of of.keys()) if (!bounds.has(id)) bounds.set(id, { lo: 0, hi: Number.POSITIVE_INFINITY });
  const why = new Map<string, { lo?: number; hi?: number }>();
  const queued = new Uint8Array(constraints.length).fill(1);
  const queue: number[] = constraints.map((_, i) => i);
  let head = 0;
  let steps = 0;
  const maxSteps = opts.maxSteps ?? 200 * Math.max(1, constraints.length);
  let infeasible = false;
  let crossed: Propagated['crossed'];
  while (head < queue.length && steps < maxSteps) {
    const ci = queue[head++]!;
    queued[ci] = 0;
    steps += 1;
    const c = constraints[ci]!;
    const act = activity(c, bounds);
    for (const [id, coef] of c.terms) {
      if (coef === 0) continue;
      const x = bounds.get(id)!;
      // The rest of the sum, without this term: its least and greatest values.
      const low = coef > 0 ? coef * x.lo : coef * x.hi;
      const high = coef > 0 ? coef * x.hi : coef * x.lo;
      const restMin = Number.isFinite(low) ? (act.minInf > 0 ? -Infinity : act.minFinite - low) : act.minInf > 1 ? -Infinity : act.minFinite;
      const restMax = Number.isFinite(high) ? (act.maxInf > 0 ? Infinity : act.maxFinite - high) : act.maxInf > 1 ? Infinity : act.maxFinite;
      // lo − restMax ≤ coef × x ≤ hi − restMin
      const up = c.hi - restMin;
      const down = c.lo - restMax;
      let newLo = x.lo;
      let newHi = x.hi;
      if (coef > 0) {
        if (Number.isFinite(up)) newHi = Math.min(newHi, Math.floor(up / coef + EPS));
        if (Number.isFinite(down)) newLo = Math.max(newLo, Math.ceil(down / coef - EPS));
      } else {
        if (Number.isFinite(up)) newLo = Math.max(newLo, Math.ceil(up / coef - EPS));
        if (Number.isFinite(down)) newHi = Math.min(newHi, Math.floor(down / coef + EPS));
      }
      if (newLo <= x.lo && newHi >= x.hi) continue;
      const w = why.get(id) ?? {};
      if (newLo > x.lo) w.lo = ci;
      if (newHi < x.hi) w.hi = ci;
      why.set(id, w);
      x.lo = newLo;
      x.hi = newHi;
      if (x.lo > x.hi && !infeasible) {
        infeasible = true;
        crossed = { constraint: ci, term: id };
      }
      for (const other of of.get(id) ?? [])
        if (other !== ci && !queued[other]) {
          queued[other] = 1;
          queue.push(other);
        }
      // This constraint's activity changed with the term: the other terms read it afresh next visit.
      if (!queued[ci]) {
        queued[ci] = 1;
        queue.push(ci);
      }
    }
    if (infeasible) break;
  }
  return { bounds, why, infeasible, ...(crossed ? { crossed } : {}) };
}

/** The constraints each term appears in (indices). */
export function termIndex(constraints: readonly LinearConstraint[]): Map<string, number[]> {
  const of = new Map<string, number[]>();
  for (const [i, c] of constraints.entries())
    for (const [id] of c.terms) {
      const list = of.get(id);
      if (list) list.push(i);
      else of.set(id, [i]);
    }
  return of;
}

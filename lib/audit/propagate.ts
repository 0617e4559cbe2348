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

/**
 * Tightens `initial` (every term of every constraint must have an interval; terms
 * missing are taken as 0 … Infinity) until no constraint tightens any further, or the
 * work limit (maxSteps constraint visits; default 200 per constraint) is reached.
 *
 * The terms are numbered once (their names looked up once, not at every visit) and their
 * bounds kept in typed arrays: the published protection runs this a few times for each
 * financial year of every refresh, on tens of thousands of terms.
 */
export function propagate(constraints: readonly LinearConstraint[], initial: ReadonlyMap<string, Interval>, opts: { maxSteps?: number } = {}): Propagated {
  // Each term's number: those of `initial` first, in its order, then the others as the constraints first name them.
  const number = new Map<string, number>();
  const names: string[] = [];
  const los: number[] = [];
  const his: number[] = [];
  for (const [id, x] of initial) {
    if (number.has(id)) continue;
    number.set(id, names.length);
    names.push(id);
    los.push(x.lo);
    his.push(x.hi);
  }
  const n = constraints.length;
  // The terms of constraint ci are term[start[ci] … start[ci + 1] − 1], with their coefficients.
  const start = new Int32Array(n + 1);
  for (let ci = 0; ci < n; ci++) start[ci + 1] = start[ci]! + constraints[ci]!.terms.length;
  const term = new Int32Array(start[n]!);
  const coefOf = new Float64Array(start[n]!);
  for (let ci = 0, k = 0; ci < n; ci++)
    for (const [id, coef] of constraints[ci]!.terms) {
      let t = number.get(id);
      if (t === undefined) {
        t = names.length;
        number.set(id, t);
        names.push(id);
        los.push(0);
        his.push(Number.POSITIVE_INFINITY);
      }
      term[k] = t;
      coefOf[k++] = coef;
    }
  const m = names.length;
  const lo = Float64Array.from(los);
  const hi = Float64Array.from(his);
  // The constraints of term t: inTerm[inStart[t] … inStart[t + 1] − 1], in the constraints' order.
  const inStart = new Int32Array(m + 1);
  for (let k = 0; k < term.length; k++) inStart[term[k]! + 1]! += 1;
  for (let t = 0; t < m; t++) inStart[t + 1]! += inStart[t]!;
  const inTerm = new Int32Array(term.length);
  const fill = inStart.slice(0, m);
  for (let ci = 0; ci < n; ci++) for (let k = start[ci]!; k < start[ci + 1]!; k++) inTerm[fill[term[k]!]!++] = ci;
  // The constraint that last raised / lowered each term's bound (−1: none), and the order terms were first tightened in.
  const whyLo = new Int32Array(m).fill(-1);
  const whyHi = new Int32Array(m).fill(-1);
  const tightened: number[] = [];
  const seen = new Uint8Array(m);

  const queued = new Uint8Array(n).fill(1);
  const queue: number[] = Array.from({ length: n }, (_, i) => i);
  let head = 0;
  let steps = 0;
  const maxSteps = opts.maxSteps ?? 200 * Math.max(1, n);
  let infeasible = false;
  let crossed: Propagated['crossed'];
  while (head < queue.length && steps < maxSteps) {
    const ci = queue[head++]!;
    queued[ci] = 0;
    steps += 1;
    const c = constraints[ci]!;
    const from = start[ci]!;
    const to = start[ci + 1]!;
    // Σ coef × term over the bounds: its least and greatest values, infinite parts counted apart.
    let minFinite = 0;
    let minInf = 0;
    let maxFinite = 0;
    let maxInf = 0;
    for (let k = from; k < to; k++) {
      const coef = coefOf[k]!;
      const t = term[k]!;
      const low = coef > 0 ? coef * lo[t]! : coef * hi[t]!;
      const high = coef > 0 ? coef * hi[t]! : coef * lo[t]!;
      if (Number.isFinite(low)) minFinite += low;
      else minInf += 1;
      if (Number.isFinite(high)) maxFinite += high;
      else maxInf += 1;
    }
    for (let k = from; k < to; k++) {
      const coef = coefOf[k]!;
      if (coef === 0) continue;
      const t = term[k]!;
      const xLo = lo[t]!;
      const xHi = hi[t]!;
      // The rest of the sum, without this term: its least and greatest values.
      const low = coef > 0 ? coef * xLo : coef * xHi;
      const high = coef > 0 ? coef * xHi : coef * xLo;
      const restMin = Number.isFinite(low) ? (minInf > 0 ? -Infinity : minFinite - low) : minInf > 1 ? -Infinity : minFinite;
      const restMax = Number.isFinite(high) ? (maxInf > 0 ? Infinity : maxFinite - high) : maxInf > 1 ? Infinity : maxFinite;
      // lo − restMax ≤ coef × x ≤ hi − restMin
      const up = c.hi - restMin;
      const down = c.lo - restMax;
      let newLo = xLo;
      let newHi = xHi;
      if (coef > 0) {
        if (Number.isFinite(up)) newHi = Math.min(newHi, Math.floor(up / coef + EPS));
        if (Number.isFinite(down)) newLo = Math.max(newLo, Math.ceil(down / coef - EPS));
      } else {
        if (Number.isFinite(up)) newLo = Math.max(newLo, Math.ceil(up / coef - EPS));
        if (Number.isFinite(down)) newHi = Math.min(newHi, Math.floor(down / coef + EPS));
      }
      if (newLo <= xLo && newHi >= xHi) continue;
      if (!seen[t]) {
        seen[t] = 1;
        tightened.push(t);
      }
      if (newLo > xLo) whyLo[t] = ci;
      if (newHi < xHi) whyHi[t] = ci;
      lo[t] = newLo;
      hi[t] = newHi;
      if (newLo > newHi && !infeasible) {
        infeasible = true;
        crossed = { constraint: ci, term: names[t]! };
      }
      for (let j = inStart[t]!; j < inStart[t + 1]!; j++) {
        const other = inTerm[j]!;
        if (other !== ci && !queued[other]) {
          queued[other] = 1;
          queue.push(other);
        }
      }
      // This constraint's activity changed with the term: the other terms read it afresh next visit.
      if (!queued[ci]) {
        queued[ci] = 1;
        queue.push(ci);
      }
    }
    if (infeasible) break;
  }
  const bounds = new Map<string, Interval>();
  for (let t = 0; t < m; t++) bounds.set(names[t]!, { lo: lo[t]!, hi: hi[t]! });
  const why = new Map<string, { lo?: number; hi?: number }>();
  for (const t of tightened) {
    const w: { lo?: number; hi?: number } = {};
    if (whyLo[t]! >= 0) w.lo = whyLo[t]!;
    if (whyHi[t]! >= 0) w.hi = whyHi[t]!;
    why.set(names[t]!, w);
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

// The attacker's solver: every cell an integer at least 0, the knowledge of each cell
// as its bounds, the identities as constraints (lib/audit/identities.ts), and for each
// withheld cell its smallest and largest possible value by integer programming (HiGHS,
// a MIP with every cell in the LP format's `General` section). Known figures are put in
// as constants first and the rest split into connected components (cells linked by a
// constraint), so each model stays small; each component is solved twice per withheld
// cell in it.

import highsModule from 'highs';
import { constraints, type Constraint } from './identities.js';
import type { Cell, CellKey, Knowledge } from './knowledge.js';

/** A cell no constraint bounds above is reported as unbounded (Infinity); the solver's own cap. */
const CAP = 1_000_000;

export interface Bound {
  id: string;
  key: CellKey;
  min: number;
  max: number;
}

export interface SolveResult {
  /** Every withheld cell with the smallest and largest value the answers allow. */
  bounds: Bound[];
  /** Constraints that the known figures alone break: an identity that is not true of the figures (should be none). */
  broken: Constraint[];
  /** Components whose model has no solution at all (should be none: the exact figures are one). */
  infeasible: number;
  /** Components solved, and the largest (cells). */
  components: number;
  largest: number;
  seconds: number;
}

// The package's types describe its ES module, but TypeScript reads them as CommonJS (the
// package's type): at run time Node loads build/highs.mjs, whose default is the loader.
const loadHighs = highsModule as unknown as typeof highsModule.default;
type Highs = Awaited<ReturnType<typeof loadHighs>>;
let highs: Promise<Highs> | null = null;
/** The HiGHS WebAssembly module, loaded once. */
function solver(): Promise<Highs> {
  highs ??= loadHighs();
  return highs;
}

const num = (x: number) => {
  const s = Number.isInteger(x) ? String(x) : x.toFixed(9).replace(/0+$/, '');
  return s;
};

function lpText(
  sense: 'Minimize' | 'Maximize',
  objective: string,
  rows: { terms: [string, number][]; lo: number; hi: number }[],
  vars: Map<string, Cell>,
): string {
  const expr = (terms: [string, number][]) => terms.map(([v, c], i) => `${c < 0 ? '- ' : i === 0 ? '' : '+ '}${num(Math.abs(c))} ${v}`).join(' ');
  const lines = [sense, ` obj: ${objective}`, 'Subject To'];
  let n = 0;
  for (const r of rows) {
    const e = expr(r.terms);
    if (r.lo === r.hi) lines.push(` r${n++}: ${e} = ${num(r.lo)}`);
    else {
      if (r.lo > -Infinity) lines.push(` r${n++}: ${e} >= ${num(r.lo)}`);
      if (r.hi < Infinity) lines.push(` r${n++}: ${e} <= ${num(r.hi)}`);
    }
  }
  lines.push('Bounds');
  for (const [v, c] of vars) lines.push(` ${num(c.lo)} <= ${v} <= ${num(Math.min(c.hi, CAP))}`);
  lines.push('General', ` ${[...vars.keys()].join(' ')}`, 'End');
  return lines.join('\n');
}

const OPTIONS = { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 1e-6, time_limit: 30 } as const;

/**
 * Bounds every withheld cell of what an attacker knows. `only` limits the cells
 * reported (and the components solved) to some of them.
 */
export async function solve(k: Knowledge, only?: (c: Cell) => boolean): Promise<SolveResult> {
  const t0 = performance.now();
  const h = await solver();
  const cons = constraints(k);
  const cells = k.cells;
  const isConst = (c: Cell) => c.lo === c.hi;
  // Known figures as constants; merge repeated terms.
  const rows: { terms: [string, number][]; lo: number; hi: number }[] = [];
  const broken: Constraint[] = [];
  for (const c of cons) {
    let constant = 0;
    const terms = new Map<string, number>();
    for (const [id, coef] of c.terms) {
      const cell = cells.get(id)!;
      if (isConst(cell)) constant += coef * cell.lo;
      else terms.set(id, (terms.get(id) ?? 0) + coef);
    }
    for (const [id, coef] of terms) if (Math.abs(coef) < 1e-12) terms.delete(id);
    const lo = c.lo - constant;
    const hi = c.hi - constant;
    const tol = 1e-6 * Math.max(1, Math.abs(constant));
    if (terms.size === 0) {
      if (lo > tol || hi < -tol) broken.push(c);
      continue;
    }
    rows.push({ terms: [...terms], lo, hi });
  }
  // Connected components of the unknown cells.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let y = x;
    while (parent.get(y) !== r) {
      const next = parent.get(y)!;
      parent.set(y, r);
      y = next;
    }
    return r;
  };
  for (const c of cells.values()) if (!isConst(c)) parent.set(c.id, c.id);
  for (const r of rows) for (const [id] of r.terms.slice(1)) parent.set(find(id), find(r.terms[0]![0]));
  const comps = new Map<string, { vars: string[]; rows: typeof rows }>();
  for (const id of parent.keys()) {
    const root = find(id);
    const comp = comps.get(root) ?? { vars: [], rows: [] };
    comp.vars.push(id);
    comps.set(root, comp);
  }
  for (const r of rows) comps.get(find(r.terms[0]![0]))!.rows.push(r);

  const bounds: Bound[] = [];
  for (const c of cells.values()) if (c.withheld && isConst(c) && (!only || only(c))) bounds.push({ id: c.id, key: c.key, min: c.lo, max: c.hi });
  let infeasible = 0;
  let solved = 0;
  let largest = 0;
  for (const comp of comps.values()) {
    const withheld = comp.vars.map((id) => cells.get(id)!).filter((c) => c.withheld && (!only || only(c)));
    if (withheld.length === 0) continue;
    if (comp.rows.length === 0) {
      for (const c of withheld) bounds.push({ id: c.id, key: c.key, min: c.lo, max: c.hi });
      continue;
    }
    solved++;
    largest = Math.max(largest, comp.vars.length);
    // Short names for the solver.
    const name = new Map(comp.vars.map((id, i) => [id, `x${i}`]));
    const vars = new Map(comp.vars.map((id) => [name.get(id)!, cells.get(id)!]));
    const named = comp.rows.map((r) => ({ ...r, terms: r.terms.map(([id, c]) => [name.get(id)!, c] as [string, number]) }));
    let failed = false;
    for (const c of withheld) {
      const v = name.get(c.id)!;
      const ends: number[] = [];
      for (const sense of ['Minimize', 'Maximize'] as const) {
        const res = h.solve(lpText(sense, v, named, vars), OPTIONS);
        if (res.Status === 'Optimal') ends.push(Math.round(res.Columns[v]!.Primal!));
        else if (res.Status === 'Infeasible') {
          failed = true;
          break;
        } else ends.push(sense === 'Minimize' ? c.lo : c.hi);
      }
      if (failed) break;
      const [min, max] = ends as [number, number];
      bounds.push({ id: c.id, key: c.key, min, max: max >= CAP ? Infinity : max });
    }
    if (failed) {
      infeasible++;
      for (const c of withheld) if (!bounds.some((b) => b.id === c.id)) bounds.push({ id: c.id, key: c.key, min: c.lo, max: c.hi });
    }
  }
  return { bounds, broken, infeasible, components: solved, largest, seconds: (performance.now() - t0) / 1000 };
}

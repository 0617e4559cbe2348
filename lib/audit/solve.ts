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
  /** The range seen in solutions found, not proven smallest and largest (SolveOptions.enough): the true range contains it. */
  seen?: true;
}

export interface SolveResult {
  /** Every withheld cell with the smallest and largest value the answers allow. */
  bounds: Bound[];
  /** Constraints that the known figures alone break: an identity that is not true of the figures (should be none). */
  broken: Constraint[];
  /** Components whose model has no solution at all (should be none: the exact figures are one). */
  infeasible: number;
  /** Solves stopped by a limit (30 s each) before proving their answer: the cell's own bound was reported (should be none). */
  unsolved: number;
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

/** A small deterministic generator (mulberry32) for the spread objectives: the same model, the same solves. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ComponentResult {
  /** Per target: [min, max], and whether both ends were proven (else the range seen in solutions found, which the true range contains). */
  ranges: Map<string, { min: number; max: number; exact: boolean }>;
  unsolved: number;
}

/**
 * The smallest and largest value of each of `targets` in one component's model, loaded
 * once into a persistent HiGHS model whose objective is changed per solve. Every
 * solution found is a possible set of values for all the cells, so the values seen so
 * far prove a target's end where they reach its own bound (a withheld cell seen at 1 is
 * at least 1 by its bound) and that solve is skipped. The first solves spread the
 * targets: all of them at their smallest and largest sum, then (with `enough`) a few
 * random mixtures. With `enough`, a target seen at that many different values is
 * settled without its own solves (reported as the range seen, not exact). Null when
 * the model has no solution.
 */
function solveComponent(h: Highs, lp: string, targets: string[], vars: Map<string, Cell>, enough?: number): ComponentResult | null {
  const model = h.createModel({ format: 'lp', data: lp } as Parameters<Highs['createModel']>[0]);
  try {
    model.options.set(OPTIONS);
    const index = new Map(targets.map((t) => [t, model.getColByName(t)]));
    const seen = new Map<string, Set<number>>(targets.map((t) => [t, new Set<number>()]));
    const range = (t: string) => {
      const v = [...seen.get(t)!];
      return v.length ? [Math.min(...v), Math.max(...v)] : [Infinity, -Infinity];
    };
    const run = (costs: Map<string, number>, sense: 'minimize' | 'maximize'): boolean | null => {
      for (const [t, c] of costs) model.changeColCost(index.get(t)!, c);
      model.changeObjectiveSense(h.constants.objectiveSense[sense]);
      model.run();
      const status = model.getModelStatus();
      // Read before the costs are put back: changing the model clears its solution.
      const x = status === h.constants.modelStatus.optimal ? model.getSolution().colValue : null;
      for (const t of costs.keys()) model.changeColCost(index.get(t)!, 0);
      if (status === h.constants.modelStatus.infeasible) return null;
      if (!x) return false;
      for (const t of targets) seen.get(t)!.add(Math.round(x[index.get(t)!]!));
      return true;
    };
    const all = new Map(targets.map((t) => [t, 1]));
    for (const sense of ['minimize', 'maximize'] as const) if (run(all, sense) === null) return null;
    const settled = (t: string) => !!enough && seen.get(t)!.size >= enough;
    if (enough) {
      // Random mixtures (each target weighted +1 or −1) until two in a row settle nothing more.
      const rnd = random(targets.length);
      let idle = 0;
      for (let i = 0; i < 12 && idle < 2; i++) {
        const before = targets.filter(settled).length;
        run(new Map(targets.map((t) => [t, rnd() < 0.5 ? -1 : 1])), 'maximize');
        idle = targets.filter(settled).length > before ? 0 : idle + 1;
      }
    }
    const out: ComponentResult['ranges'] = new Map();
    let unsolved = 0;
    for (const t of targets) {
      const cell = vars.get(t)!;
      const ends: number[] = [];
      let exact = true;
      for (const sense of ['maximize', 'minimize'] as const) {
        const own = sense === 'minimize' ? cell.lo : Math.min(cell.hi, CAP);
        const [lo, hi] = range(t) as [number, number];
        if (settled(t)) {
          // Seen at enough values: the range seen, which the true range contains.
          exact = false;
          ends.push(sense === 'minimize' ? lo : hi);
          continue;
        }
        if ((sense === 'minimize' ? lo : hi) === own) {
          ends.push(own);
          continue;
        }
        const done = run(new Map([[t, 1]]), sense);
        if (done === null) return null;
        if (done) ends.push(sense === 'minimize' ? range(t)[0]! : range(t)[1]!);
        else {
          // A limit reached: the cell's own bound, and the solve counted as not finished.
          unsolved++;
          ends.push(own);
        }
      }
      out.set(t, { max: ends[0]!, min: ends[1]!, exact });
    }
    return { ranges: out, unsolved };
  } finally {
    model.dispose();
  }
}

/**
 * Bounds every withheld cell of what an attacker knows.
 */
export interface SolveOptions {
  /** Report only these withheld cells (and solve only their components). */
  only?: (c: Cell) => boolean;
  /** Awaited between solves: a server passes setImmediate, so that it answers requests meanwhile (each solve is synchronous WebAssembly). */
  pause?: () => Promise<void>;
  /**
   * Settle a cell once solutions show it at this many different values (the published
   * rule's test: 3) instead of proving its smallest and largest value; such a bound is
   * the range seen, marked `seen`, which the true range contains.
   */
  enough?: number;
  /** Told of each component solved: its cells, withheld cells, solves and seconds (for profiling). */
  onComponent?: (c: { cells: number; withheld: number; seconds: number }) => void;
}

export async function solve(k: Knowledge, opts: SolveOptions = {}): Promise<SolveResult> {
  const { only, pause } = opts;
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
  let unsolved = 0;
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
    const tc = performance.now();
    const r = solveComponent(
      h,
      lpText('Minimize', '0 x0', named, vars),
      withheld.map((c) => name.get(c.id)!),
      vars,
    );
    opts.onComponent?.({ cells: comp.vars.length, withheld: withheld.length, seconds: (performance.now() - tc) / 1000 });
    await pause?.();
    if (r === null) {
      infeasible++;
      for (const c of withheld) bounds.push({ id: c.id, key: c.key, min: c.lo, max: c.hi });
      continue;
    }
    unsolved += r.unsolved;
    for (const c of withheld) {
      const { min, max, exact } = r.ranges.get(name.get(c.id)!)!;
      bounds.push({ id: c.id, key: c.key, min, max: max >= CAP ? Infinity : max, ...(exact ? {} : { seen: true }) });
    }
  }
  return { bounds, broken, infeasible, unsolved, components: solved, largest, seconds: (performance.now() - t0) / 1000 };
}

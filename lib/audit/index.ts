// The disclosure audit (docs/disclosure-audit.md): an attacker that reads answers as
// the API gives them, writes every identity of the definitions as constraints, and
// bounds every withheld cell by integer programming. Used by the tests (tests/audit/),
// the bench, `met audit` and the analyst's data page.

import type { MeasuresResponse, PageModel } from '../../model/api.js';
import { collectMeasures, collectPage, type Populations } from './collect.js';
import { Knowledge, type Audience } from './knowledge.js';
import { solve, type Bound, type SolveOptions, type SolveResult } from './solve.js';

export { collectMeasures, collectPage, collectRows, scopeOf, type Populations } from './collect.js';
export { constraints, type Constraint } from './identities.js';
export { cellId, Knowledge, type Audience, type Cell, type CellKey } from './knowledge.js';
export { solve, type Bound, type SolveOptions, type SolveResult } from './solve.js';

/** What the attacker achieved against the withheld cells, in numbers. */
export interface AuditFigures {
  /** Withheld count cells (each counted once, however many answers showed it). */
  withheld: number;
  /** Pinned to one value. */
  pinned: number;
  /** Partner rule: shown to be below the threshold (largest possible value under it). */
  belowThreshold: number;
  /** Narrowed to fewer than 3 possible values (pinned included). */
  underThreeValues: number;
  /** How far: withheld cells by the width of their range (max − min): 0, 1, 2, 3, 4, 5–9, 10 or more (unbounded included). */
  widths: Record<string, number>;
  /** Components solved, the largest (cells), and seconds. */
  components: number;
  largest: number;
  seconds: number;
  /** Should be 0: identities the figures break, and models with no solution. */
  broken: number;
  infeasible: number;
  unsolved: number;
}

const WIDTH_BANDS = ['0', '1', '2', '3', '4', '5–9', '10 or more'] as const;

function band(w: number): (typeof WIDTH_BANDS)[number] {
  if (w <= 4) return String(w) as '0' | '1' | '2' | '3' | '4';
  return w <= 9 ? '5–9' : '10 or more';
}

/**
 * A withheld count narrowed to fewer than 3 possible values (pinned included). A count
 * shown to be 0 (a part not given of a withheld count, published rule) discloses
 * nothing: the rules publish zeros as 0. A `c` is at least 1, so this never excuses one.
 */
export const narrowed = (b: Pick<Bound, 'min' | 'max'>): boolean => b.max - b.min < 2 && b.max > 0;

export function figuresOf(r: SolveResult, threshold: number): AuditFigures {
  const widths = Object.fromEntries(WIDTH_BANDS.map((b) => [b, 0])) as Record<string, number>;
  for (const b of r.bounds) widths[band(b.max - b.min)]! += 1;
  return {
    withheld: r.bounds.length,
    pinned: r.bounds.filter((b) => b.min === b.max && b.max > 0).length,
    belowThreshold: r.bounds.filter((b) => b.max < threshold).length,
    underThreeValues: r.bounds.filter(narrowed).length,
    widths,
    components: r.components,
    largest: r.largest,
    seconds: Math.round(r.seconds * 10) / 10,
    broken: r.broken.length,
    infeasible: r.infeasible,
    unsolved: r.unsolved,
  };
}

/** The answers an attacker holds, one audience's. */
export interface Answers {
  measures?: MeasuresResponse[];
  pages?: PageModel[];
}

/** Collects the answers and bounds every withheld cell. */
export async function attack(
  answers: Answers,
  audience: Audience,
  opts: {
    threshold?: number;
    populations?: Populations;
    /** Published rule: the counts withheld to protect another (published_protected): the attacker is told which, so knows each is more than 7. */
    protective?: ReadonlySet<string>;
  } & SolveOptions = {},
): Promise<{ knowledge: Knowledge; result: SolveResult; figures: AuditFigures; bounds: Bound[] }> {
  const threshold = opts.threshold ?? 5;
  const k = new Knowledge(audience, threshold, 7, 5, opts.protective ?? new Set());
  for (const r of answers.measures ?? []) collectMeasures(k, r, opts.populations);
  for (const p of answers.pages ?? []) collectPage(k, p, opts.populations);
  const result = await solve(k, opts);
  return { knowledge: k, result, figures: figuresOf(result, threshold), bounds: result.bounds };
}

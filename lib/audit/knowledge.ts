// What an attacker knows after reading responses: every count cell it has seen, keyed
// by (measure, period, area, scope, breakdown, key), with what it knows of it (an
// exact value, the interval a rounded value stands for, or "withheld"), and the
// statistics it has seen (a percentage, rate or ratio ties a count to another count
// or to a public population). lib/audit/collect.ts fills it from the API's answers;
// lib/audit/identities.ts turns it into constraints; lib/audit/solve.ts bounds every
// withheld cell.

import type { Shown } from '../../model/api.js';

/** Whose rule the figures passed: partners see exact counts and `c`; the public sees counts rounded to 5, 1–7 withheld. */
export type Audience = 'partner' | 'published';

export interface CellKey {
  measure: string;
  period: string;
  area: string;
  /** '0-17', '18-24', '0-24', or '*' where the measure does not depend on the age scope. */
  scope: string;
  /** '' for a headline; a breakdown's id; a table-like measure's field (hotspots, service gaps) or dimension (group profile). */
  breakdown: string;
  /** '' for a headline; the breakdown's category; the row's locality or group. */
  key: string;
}

export const cellId = (k: CellKey): string => [k.measure, k.period, k.area, k.scope, k.breakdown, k.key].join('|');

/** A breakdown as listed in one answer: a category it does not list is 0 there. */
export const groupId = (k: Omit<CellKey, 'key'>): string => [k.measure, k.period, k.area, k.scope, k.breakdown].join('|');

export interface Cell {
  id: string;
  key: CellKey;
  /** What is known: lo ≤ value ≤ hi (hi Infinity: no upper bound known). */
  lo: number;
  hi: number;
  /** Shown as `c` in at least one answer. */
  withheld: boolean;
  /** Never shown: a term an identity needs (a numerator behind a percentage, a figure no answer gave). */
  hidden?: boolean;
  /** Published rule: shown as not given (–), a part of a withheld count: 0 or more. */
  notGiven?: boolean;
}

/** value (rounded to `decimals`) = scale × num / den, den a cell or a public constant (a population). */
export interface RatioFact {
  num: string;
  den: string | number;
  value: number;
  scale: number;
  decimals: number;
}

/** Hotspot ranks within one area's localities, for one period and scope. */
export interface RankList {
  period: string;
  area: string;
  scope: string;
  ranks: { locality: string; rank: number }[];
}

export interface LinearFact {
  terms: [string, number][];
  lo: number;
  hi: number;
  why: string;
}

export class Knowledge {
  readonly cells = new Map<string, Cell>();
  /** Breakdowns listed in some answer (groupId): their unlisted categories are 0. */
  readonly listed = new Set<string>();
  readonly ratios: RatioFact[] = [];
  readonly ranks: RankList[] = [];
  /** Other facts read directly from an answer (a hotspot's minimum total, a change between periods). */
  readonly linear: LinearFact[] = [];
  private aux = 0;

  constructor(
    readonly audience: Audience,
    /** Partner rule: counts below it are withheld. */
    readonly threshold = 5,
    /** Published rule: counts up to this are withheld (1–7), the others rounded to `base`. */
    readonly publishedMax = 7,
    readonly base = 5,
    /**
     * Published rule: the cells (ids) withheld to protect another (lib/audit/protect.ts).
     * The attacker is told which they are, so it knows each is more than publishedMax: a
     * stronger attacker than any reader, who sees only `c`.
     */
    protective: ReadonlySet<string> = new Set(),
  ) {
    this.protective = new Set(protective);
  }

  /** Published rule: the cells withheld to protect another (the attacker is told which). */
  readonly protective: Set<string>;

  /** Published rule: a shown count now withheld to protect another, as if the answers had shown it `c` (lib/audit/protect.ts). */
  withhold(id: string): void {
    const c = this.cells.get(id);
    if (!c) return;
    this.protective.add(id);
    Object.assign(c, { withheld: true, hidden: false, lo: this.publishedMax + 1, hi: Number.POSITIVE_INFINITY });
  }

  /** Published rule: a count now not given, as if the answers had shown it as null (lib/audit/protect.ts). */
  notGive(id: string): void {
    const c = this.cells.get(id);
    if (!c) return;
    Object.assign(c, { withheld: true, hidden: false, notGiven: true, lo: 0, hi: Number.POSITIVE_INFINITY });
  }

  private cell(k: CellKey): Cell {
    const id = cellId(k);
    let c = this.cells.get(id);
    if (!c) {
      c = { id, key: { ...k }, lo: 0, hi: Infinity, withheld: false, hidden: true };
      this.cells.set(id, c);
    }
    return c;
  }

  /** A count as an answer showed it: a number, `c`, or null (not a figure: nothing learnt). */
  count(k: CellKey, shown: Shown | undefined): void {
    if (shown === undefined) return;
    if (shown === null) {
      // Published rule: a count not given (a part of a withheld count): withheld, and nothing known of it, not even that it is not 0.
      if (this.audience === 'published') {
        const c = this.cell(k);
        c.hidden = false;
        c.withheld = true;
        c.notGiven = true;
      }
      return;
    }
    const c = this.cell(k);
    c.hidden = false;
    let lo: number;
    let hi: number;
    if (shown === 'c') {
      c.withheld = true;
      // Zero is shown as 0, so a `c` is at least 1; the published rule withholds 1–7, and
      // counts above 7 only to protect another (the attacker is told which).
      [lo, hi] = this.audience !== 'published' ? [1, Infinity] : this.protective.has(c.id) ? [this.publishedMax + 1, Infinity] : [1, this.publishedMax];
    } else if (this.audience === 'published' && shown !== 0) {
      // Rounded to the nearest base, halves up: r stands for r − 2 … r + 2 (base 5); never 1–7.
      const half = Math.floor((this.base - 1) / 2);
      [lo, hi] = [Math.max(shown - half, this.publishedMax + 1), shown + (this.base - 1 - half)];
    } else [lo, hi] = [shown, shown];
    c.lo = Math.max(c.lo, lo);
    c.hi = Math.min(c.hi, hi);
  }

  /** Marks a breakdown as listed by an answer (its categories not listed are 0 there). */
  list(k: Omit<CellKey, 'key'>): void {
    this.listed.add(groupId(k));
  }

  /** A term an identity needs that is not (yet) a known cell: a known cell, 0 for a category a listed breakdown left out, or an unknown. */
  ref(k: CellKey): string | 0 {
    const id = cellId(k);
    if (this.cells.has(id)) return id;
    if (this.listed.has(groupId(k))) return 0;
    return this.cell(k).id;
  }

  /** True when a term is known to some degree: seen in an answer, or 0 as an unlisted category. */
  determined(k: CellKey): boolean {
    const c = this.cells.get(cellId(k));
    return c ? !c.hidden : this.listed.has(groupId(k));
  }

  /** A fresh unknown (a numerator no answer shows), at least 0 and at most `atMost` when given. */
  unknown(name: string, atMost?: string): string {
    const c = this.cell({ measure: `~${name}`, period: '', area: '', scope: '', breakdown: '', key: String(this.aux++) });
    if (atMost)
      this.linear.push({
        terms: [
          [c.id, 1],
          [atMost, -1],
        ],
        lo: -Infinity,
        hi: 0,
        why: `${name} at most its base`,
      });
    return c.id;
  }

  /** A percentage, rate or ratio as shown (partners only: the published rule computes them from rounded counts). */
  ratio(f: RatioFact): void {
    if (this.audience === 'published') return;
    this.ratios.push(f);
  }

  withheldCells(): Cell[] {
    return [...this.cells.values()].filter((c) => c.withheld);
  }
}

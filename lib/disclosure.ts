// Disclosure control: the one rule every output passes (command line, API, charts,
// commentary, board pack). Board members and commissioners see aggregates only:
//  - primary suppression: any count from 1 to threshold − 1 (default 1–4), and any
//    statistic built on 1–4 people or events (a percentage or rate whose numerator or
//    denominator is 1–4, a median or ratio over 1–4 records);
//  - secondary suppression: in a breakdown whose cells add up to a shown total, if
//    exactly one cell is suppressed, the next smallest non-zero cell is suppressed
//    too; the four areas and `all` form one such breakdown, for every figure.
// A suppressed value is 'c'; zero stays 0. The analyst sees exact figures.

import { PARAMETERS } from '../model/parameters.js';
import type { AreaOrAll, Kind, MeasureDef } from './catalogue.js';
import { AREAS_AND_ALL } from './catalogue.js';
import { per10k, percentage, ratio, secondsAsHours } from './rounding.js';

export { ROLES, type Role } from '../model/roles.js';
import type { Role } from '../model/roles.js';

export const DEFAULT_THRESHOLD = PARAMETERS.suppression_threshold;

/** An exact figure as stored: the count it rests on, its denominator, a median's value. */
export interface ExactCell {
  num: number | null;
  den: number | null;
  value?: number | null;
}

export type { Shown } from '../model/api.js';
import type { Shown } from '../model/api.js';

export interface AreaFigures {
  headline: ExactCell;
  by: Record<string, Record<string, ExactCell>>;
}

/** One measure in one period, for the four areas and `all`. */
export type MeasureTable = Partial<Record<AreaOrAll, AreaFigures>>;

export interface ShownFigures {
  headline: Shown;
  by: Record<string, Record<string, Shown>>;
}

export function seesExactFigures(role: Role): boolean {
  return role === 'analyst';
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

/** Primary suppression: a small count, or a statistic built on a small number of records. */
export function primarySuppressed(kind: Kind, c: ExactCell, threshold = DEFAULT_THRESHOLD): boolean {
  switch (kind) {
    case 'count':
      return small(c.num, threshold);
    case 'pct':
    case 'ratio':
    case 'per10k':
      return small(c.num, threshold) || small(c.den, threshold);
    case 'median':
      return small(c.den, threshold);
    case 'rows':
      return false;
  }
}

/** A group of cells that add up to a total: the unit of secondary suppression. */
export interface AdditiveGroup<K> {
  total: K;
  cells: K[];
}

/**
 * Secondary suppression over any set of additive groups, until nothing changes. A
 * group whose total is shown must not have exactly one suppressed cell; a group whose
 * total is suppressed must have a suppressed non-zero cell (else the total is their sum).
 * `value` gives the exact count of a key. Returns the keys suppressed, primary included.
 */
export function secondarySuppression<K>(groups: AdditiveGroup<K>[], primary: Set<K>, value: (k: K) => number): Set<K> {
  const hidden = new Set(primary);
  let changed = true;
  while (changed) {
    changed = false;
    for (const g of groups) {
      const suppressedCells = g.cells.filter((k) => hidden.has(k) && value(k) !== 0);
      const needsOne = hidden.has(g.total) ? suppressedCells.length === 0 : suppressedCells.length === 1;
      if (!needsOne) continue;
      // The next smallest non-zero cell still shown (ties: the first in order).
      const candidates = g.cells.filter((k) => !hidden.has(k) && value(k) > 0).sort((a, b) => value(a) - value(b));
      const next = candidates[0];
      if (next !== undefined) {
        hidden.add(next);
        changed = true;
      } else if (!hidden.has(g.total)) {
        // No other non-zero cell to hide (e.g. one area holds every case): then the
        // total itself would give the cell away, so it is hidden instead.
        hidden.add(g.total);
        changed = true;
      }
    }
  }
  return hidden;
}

const keyOf = (area: AreaOrAll, breakdown: string, cell: string) => `${area}\u0000${breakdown}\u0000${cell}`;

/** Shown figures for every area of a measure table, for a role. */
export function disclose(def: MeasureDef, table: MeasureTable, role: Role, threshold = DEFAULT_THRESHOLD): Partial<Record<AreaOrAll, ShownFigures>> {
  const areas = AREAS_AND_ALL.filter((a) => table[a]);
  const exact = (a: AreaOrAll, b: string, k: string): ExactCell | undefined => (b === '' ? table[a]?.headline : table[a]?.by[b]?.[k]);
  const out: Partial<Record<AreaOrAll, ShownFigures>> = {};
  const show = (hidden: Set<string>) => {
    for (const a of areas) {
      const f = table[a]!;
      const by: Record<string, Record<string, Shown>> = {};
      for (const [b, cells] of Object.entries(f.by)) {
        by[b] = {};
        for (const [k, c] of Object.entries(cells)) by[b][k] = hidden.has(keyOf(a, b, k)) ? 'c' : exactValue(def.kind, c);
      }
      out[a] = { headline: hidden.has(keyOf(a, '', '')) ? 'c' : exactValue(def.kind, f.headline), by };
    }
    return out;
  };
  if (seesExactFigures(role)) return show(new Set());

  const primary = new Set<string>();
  for (const a of areas) {
    const f = table[a]!;
    if (primarySuppressed(def.kind, f.headline, threshold)) primary.add(keyOf(a, '', ''));
    for (const [b, cells] of Object.entries(f.by)) {
      for (const [k, c] of Object.entries(cells)) if (primarySuppressed(def.kind, c, threshold)) primary.add(keyOf(a, b, k));
    }
  }
  if (def.kind !== 'count') return show(primary);

  // Counts: the additive groups are each area's additive breakdowns under its headline,
  // and, for every figure, the four areas under `all`.
  const groups: AdditiveGroup<string>[] = [];
  const additive = new Set((def.breakdowns ?? []).filter((b) => b.additive).map((b) => b.id));
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
  if (table.all) {
    const positions = new Set<string>(['\u0000']);
    for (const a of areas) for (const [b, cells] of Object.entries(table[a]!.by)) for (const k of Object.keys(cells)) positions.add(`${b}\u0000${k}`);
    for (const pos of positions) {
      const [b, k] = pos.split('\u0000') as [string, string];
      // Across areas every figure adds up (each area counts its own), even the cells of a
      // breakdown that is not additive within an area.
      groups.push({ total: keyOf('all', b, k), cells: four.map((a) => keyOf(a, b, k)) });
    }
  }
  const value = (key: string) => {
    const [a, b, k] = key.split('\u0000') as [AreaOrAll, string, string];
    return exact(a, b, k)?.num ?? 0;
  };
  return show(secondarySuppression(groups, primary, value));
}

/**
 * One measure's figures for a financial year and its four quarters, every area and
 * every age scope: period → scope → the five areas' exact figures.
 */
export type MeasureCube = Map<string, Map<string, MeasureTable>>;

/**
 * Disclosure across every way the board's figures add up, not only within one table:
 * a breakdown's cells to its headline, the four areas to `all`, the 0-17 and 18-24
 * scopes to 0-24, and a financial year's four quarters to the year. Suppression is
 * worked out for the whole cube at once, so whichever scope, area or period is asked
 * for, the same cells are hidden, and no hidden cell can be recovered by subtracting
 * figures shown in one request from those shown in another. (Months and calendar
 * years are not offered to these roles: they would add further ways to subtract.)
 * Returns the shown figures: period → scope → area.
 */
export function discloseCube(
  def: MeasureDef,
  cube: MeasureCube,
  year: { total: string; quarters: string[] },
  role: Role,
  threshold = DEFAULT_THRESHOLD,
): Map<string, Map<string, Partial<Record<AreaOrAll, ShownFigures>>>> {
  const sep = '\u0000';
  const k = (period: string, scope: string, area: string, breakdown: string, cell: string) => [period, scope, area, breakdown, cell].join(sep);
  const periods = [year.total, ...year.quarters];
  const scopes = new Set<string>();
  for (const p of periods) for (const s of cube.get(p)?.keys() ?? []) scopes.add(s);
  const positions = new Set<string>(['' + sep]);
  const primary = new Set<string>();
  const exactOf = new Map<string, number>();
  for (const p of periods) {
    for (const s of scopes) {
      const table = cube.get(p)?.get(s) ?? {};
      for (const a of AREAS_AND_ALL) {
        const f = table[a];
        if (!f) continue;
        const cells: [string, string, ExactCell][] = [['', '', f.headline]];
        for (const [b, byKey] of Object.entries(f.by)) for (const [c, cell] of Object.entries(byKey)) cells.push([b, c, cell]);
        for (const [b, c, cell] of cells) {
          const key = k(p, s, a, b, c);
          positions.add(b + sep + c);
          exactOf.set(key, cell.num ?? 0);
          if (!seesExactFigures(role) && primarySuppressed(def.kind, cell, threshold)) primary.add(key);
        }
      }
    }
  }
  let hidden = primary;
  if (!seesExactFigures(role) && def.kind === 'count') {
    const groups: AdditiveGroup<string>[] = [];
    const additive = (def.breakdowns ?? []).filter((b) => b.additive).map((b) => b.id);
    const cellsOf = (b: string) =>
      [...positions]
        .filter((pos) => pos.startsWith(b + sep) && b !== '')
        .map((pos) => pos.split(sep)[1]!)
        .sort();
    const four = AREAS_AND_ALL.filter((a) => a !== 'all');
    const splitScopes = scopes.has('0-24') && scopes.has('0-17') && scopes.has('18-24');
    for (const p of periods) {
      for (const s of scopes) {
        for (const pos of positions) {
          const [b, c] = pos.split(sep) as [string, string];
          // The four areas under `all`.
          groups.push({ total: k(p, s, 'all', b, c), cells: four.map((a) => k(p, s, a, b, c)) });
        }
        for (const a of AREAS_AND_ALL) {
          // Each additive breakdown under its headline.
          for (const b of additive) groups.push({ total: k(p, s, a, '', ''), cells: cellsOf(b).map((c) => k(p, s, a, b, c)) });
        }
      }
      if (splitScopes) {
        for (const a of AREAS_AND_ALL) {
          for (const pos of positions) {
            const [b, c] = pos.split(sep) as [string, string];
            // Children and young adults under everyone.
            groups.push({ total: k(p, '0-24', a, b, c), cells: ['0-17', '18-24'].map((s) => k(p, s, a, b, c)) });
          }
        }
      }
    }
    for (const s of scopes) {
      for (const a of AREAS_AND_ALL) {
        for (const pos of positions) {
          const [b, c] = pos.split(sep) as [string, string];
          // A financial year's quarters under the year.
          groups.push({ total: k(year.total, s, a, b, c), cells: year.quarters.map((q) => k(q, s, a, b, c)) });
        }
      }
    }
    hidden = secondarySuppression(groups, primary, (key) => exactOf.get(key) ?? 0);
  }
  const out = new Map<string, Map<string, Partial<Record<AreaOrAll, ShownFigures>>>>();
  for (const p of periods) {
    const byScope = new Map<string, Partial<Record<AreaOrAll, ShownFigures>>>();
    for (const s of scopes) {
      const table = cube.get(p)?.get(s) ?? {};
      const shown: Partial<Record<AreaOrAll, ShownFigures>> = {};
      for (const a of AREAS_AND_ALL) {
        const f = table[a];
        if (!f) continue;
        const by: Record<string, Record<string, Shown>> = {};
        for (const [b, byKey] of Object.entries(f.by)) {
          by[b] = {};
          for (const [c, cell] of Object.entries(byKey)) by[b][c] = hidden.has(k(p, s, a, b, c)) ? 'c' : exactValue(def.kind, cell);
        }
        shown[a] = { headline: hidden.has(k(p, s, a, '', '')) ? 'c' : exactValue(def.kind, f.headline), by };
      }
      byScope.set(s, shown);
    }
    out.set(p, byScope);
  }
  return out;
}

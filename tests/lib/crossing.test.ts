// Where the partner rule's groups cross (lib/crossing.ts): the four areas beside `all`
// with a breakdown, worked by hand; the HiGHS attacker (lib/audit/) judges the result.

import { describe, expect, it } from 'vitest';
import { attack } from '../../lib/audit/index.js';
import { propagate } from '../../lib/audit/propagate.js';
import { measureDef } from '../../lib/catalogue.js';
import { crossingLeaks, protectCrossing, type CrossingGroup } from '../../lib/crossing.js';
import { discloseTable, partnerSecondary, ruleFor, type MeasureTable } from '../../lib/disclosure.js';
import { AREAS_AND_ALL, type AreaOrAll } from '../../model/areas.js';
import { answer } from '../audit/responses.js';

const count = (n: number) => ({ num: n, den: null });

// Missing episodes by source (police + social care = the area's episodes), one quarter:
//
//                  headline  police  social care
//   Southampton        0        0        0
//   Portsmouth         7        5        2
//   Hampshire          0        0        0
//   Isle of Wight      5        0        5
//   all               12        5        7
//
// Keys: 'P' Portsmouth's headline, 'P.police', 'P.sc'; 'A' for all; S, H, W likewise.
const V: Record<string, number> = {
  S: 0,
  'S.police': 0,
  'S.sc': 0,
  P: 7,
  'P.police': 5,
  'P.sc': 2,
  H: 0,
  'H.police': 0,
  'H.sc': 0,
  W: 5,
  'W.police': 0,
  'W.sc': 5,
  A: 12,
  'A.police': 5,
  'A.sc': 7,
};
const value = (k: string) => V[k]!;
// The groups in discloseTable's order: each area's split under its headline (0–4), then
// the four areas under `all`: the headline (5), police (6), social care (7).
const split = (a: string): CrossingGroup<string> => ({ total: a, cells: [`${a}.police`, `${a}.sc`] });
const four = (s: string): CrossingGroup<string> => ({ total: `A${s}`, cells: ['S', 'P', 'H', 'W'].map((a) => `${a}${s}`) });
const GROUPS = [split('S'), split('P'), split('H'), split('W'), split('A'), four(''), four('.police'), four('.sc')];
const stopping = (withheld: ReadonlySet<string>) => partnerSecondary(GROUPS, withheld, value, 5);

describe('the four areas beside all: groups cross', () => {
  it('the stopping rule met in each group alone leaves Portsmouth’s 2 pinned, and bounds propagation finds it', () => {
    // Primary: P.sc (2). Portsmouth's split: 7 − 5 = 2 < (1 − 1) + 5 → P.police (5) goes;
    // then 7 ≥ (2 − 1) + 5. Social care's four areas: 7 − 5 = 2 < 5 → W.sc (5) goes; then
    // 7 ≥ 6. Police's four areas: 5 − 0 = 5 ≥ 5. Every group is safe on its own.
    const hidden = stopping(new Set(['P.sc']));
    expect([...hidden].sort()).toEqual(['P.police', 'P.sc', 'W.sc']);
    // Together: the Isle of Wight's split, 5 = 0 + W.sc, pins W.sc = 5; police's four
    // areas, 5 = 0 + P.police + 0 + 0, pin P.police = 5; then social care's four areas,
    // 7 = 0 + P.sc + 0 + 5, pin P.sc = 2 (and Portsmouth's split, 7 − 5, says the same).
    // Propagation visits the groups in order (0 … 7): P's split first lowers P.sc to
    // 7 − 1 = 6, then social care's four areas (7) lower it to 2, last. That group read
    // W.sc's lower bound, set by the Isle of Wight's split (3); `all`'s 7 is shown.
    const leaks = crossingLeaks(GROUPS, hidden, value, 5);
    expect(leaks).toEqual([{ key: 'P.sc', tiers: [[7], [3]] }]);
  });

  it('withholds more in the group that bound it, then in the groups behind it, until none is below 5', () => {
    // Round 1: social care's four areas (7) have no shown non-zero cell: their total A.sc
    // (7) goes. The stopping rule: nothing more (all's split leaves 12 − 5 = 7 ≥ 5 for it).
    // The attacker: A.sc = 12 − 5 = 7 through all's split (4), so P.sc = 7 − 5 = 2 again,
    // lowered last by social care's four areas (7), which read A.sc's upper bound (set by
    // all's split, 4) and W.sc's lower bound (the Isle of Wight's split, 3).
    // Round 2: group 7 has nothing left to give; all's split (4) has A.police (5): it goes.
    // The stopping rule: nothing more (police's four areas: total withheld, P.police too;
    // all's split: 12 ≥ (2 − 1) + 5). Now A.police = P.police = 7 − P.sc and
    // A.sc = P.sc + 5 = 12 − A.police: P.sc can be anything from 1 to 6 (P.police 6 to 1,
    // A.sc 6 to 11): nothing below 5. W.sc stays pinned at 5, which the rule allows.
    const hidden = protectCrossing(GROUPS, new Set(['P.sc']), value, 5, { secondary: stopping });
    expect([...hidden].sort()).toEqual(['A.police', 'A.sc', 'P.police', 'P.sc', 'W.sc']);
    expect(crossingLeaks(GROUPS, hidden, value, 5)).toEqual([]);
  });

  it('discloseTable shows the same, and the HiGHS attacker bounds no `c` below 5; one area alone is unchanged', async () => {
    const def = measureDef('missing_episodes')!;
    const area = (h: number, police: number, sc: number) => ({ headline: count(h), by: { source: { police: count(police), social_care: count(sc) } } });
    const table: MeasureTable = {
      Southampton: area(0, 0, 0),
      Portsmouth: area(7, 5, 2),
      Hampshire: area(0, 0, 0),
      'Isle of Wight': area(5, 0, 5),
      all: area(12, 5, 7),
    };
    const shown = discloseTable(def, table, ruleFor('board'), { areaSet: true });
    const row = (a: AreaOrAll) => [shown[a]!.headline, shown[a]!.by.source!.police, shown[a]!.by.source!.social_care];
    expect(AREAS_AND_ALL.map(row)).toEqual([
      [0, 0, 0],
      [7, 'c', 'c'],
      [0, 0, 0],
      [5, 0, 'c'],
      [12, 'c', 'c'],
    ]);
    const answers = AREAS_AND_ALL.map((a) => answer('2025-Q3', a, { missing_episodes: { value: shown[a]!.headline, by: shown[a]!.by } }));
    const { bounds, figures } = await attack({ measures: answers }, 'partner');
    expect(figures.broken + figures.infeasible).toBe(0);
    // P.sc and P.police 1–6, A.police 1–6, A.sc 6–11, W.sc 5 (pinned, not below 5).
    // (The attacker names a category by its label: 'social care'.)
    const of = (area: string, key: string) => bounds.find((b) => b.key.area === area && b.key.key === key);
    expect(
      [of('Portsmouth', 'social care'), of('Portsmouth', 'police'), of('all', 'police'), of('all', 'social care'), of('Isle of Wight', 'social care')].map(
        (b) => [b?.min, b?.max],
      ),
    ).toEqual([
      [1, 6],
      [1, 6],
      [1, 6],
      [6, 11],
      [5, 5],
    ]);
    expect(bounds.filter((b) => b.max < 5)).toEqual([]);
    // Portsmouth's page alone (no areaSet): the split as the stopping rule leaves it.
    const alone = discloseTable(def, { Portsmouth: table.Portsmouth }, ruleFor('board'));
    expect(alone.Portsmouth).toEqual({ headline: 7, by: { source: { police: 'c', social_care: 'c' } } });
  });

  it('finds by probing what bounds alone miss: two areas that share what `all` leaves', () => {
    // Missing episodes by classification, withheld cells as a first pass left them:
    //
    //                  headline  missing  absent  away
    //   Southampton        9        c        c      0      (6, 3)
    //   Portsmouth         c        0        0      c      (2, 2)
    //   Hampshire          c        0        0      c      (6, 6)
    //   Isle of Wight      6        c        0      c      (3, 3)
    //   all               23        c        c     11      (9, 3)
    //
    // P + H = 23 − 9 − 6 = 8, P.away = P, H.away = H, and away's four areas: 11 = 0 +
    // P.away + H.away + W.away, so W.away = 3 and W.missing = 6 − 3 = 3. Bounds alone see
    // only P, H in 1–7, so W.away in 1–5 (6 − W.missing): no upper bound below 5. Probing
    // W.away ≥ 5: W.away = 5, P.away + H.away = 6, so P, H ≤ 5, so (P + H = 8) P, H ≥ 3,
    // so P.away ≤ 6 − 3 = 3: P = 3, H = 5, H.away = 5, P.away = 1 ≠ 3: a contradiction.
    // biome-ignore format: one row of the table a line
    const X: Record<string, number> = {
      S: 9, 'S.m': 6, 'S.a': 3, 'S.w': 0,
      P: 2, 'P.m': 0, 'P.a': 0, 'P.w': 2,
      H: 6, 'H.m': 0, 'H.a': 0, 'H.w': 6,
      W: 6, 'W.m': 3, 'W.a': 0, 'W.w': 3,
      A: 23, 'A.m': 9, 'A.a': 3, 'A.w': 11,
    };
    const cls = (a: string): CrossingGroup<string> => ({ total: a, cells: [`${a}.m`, `${a}.a`, `${a}.w`] });
    const groups = [...['S', 'P', 'H', 'W', 'A'].map(cls), four(''), four('.m'), four('.a'), four('.w')];
    const hidden = new Set(['S.m', 'S.a', 'P', 'P.w', 'H', 'H.w', 'W.m', 'W.w', 'A.m', 'A.a']);
    const v = (k: string) => X[k]!;
    // Bounds alone: W.away's upper bound is 5.
    const ids = [...new Set(groups.flatMap((g) => [g.total, ...g.cells]))];
    const r = propagate(
      groups.map((g) => ({ terms: [[g.total, -1] as const, ...g.cells.map((c) => [c, 1] as const)], lo: 0, hi: 0 })),
      new Map(ids.map((k) => [k, hidden.has(k) ? { lo: 1, hi: Infinity } : { lo: v(k), hi: v(k) }])),
    );
    expect(r.bounds.get('W.w')).toEqual({ lo: 1, hi: 5 });
    expect(r.bounds.get('W.m')).toEqual({ lo: 1, hi: 5 });
    // Probing: both are below 5; the groups they are in come first (Isle of Wight's
    // classification, 3, and its column of the four areas: missing 6, away 8).
    const leaks = crossingLeaks(groups, hidden, v, 5);
    expect(leaks.map((l) => [l.key, l.tiers[0]])).toEqual([
      ['W.m', [3, 6]],
      ['W.w', [3, 8]],
    ]);
  });
});

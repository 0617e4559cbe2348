// Disclosure control: hand-worked cases, then properties over random tables.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  disclose,
  discloseCube,
  primarySuppressed,
  secondarySuppression,
  type MeasureCube,
  type MeasureTable,
  type ShownFigures,
} from '../../lib/disclosure.js';
import { AREAS_AND_ALL, measureDef, type AreaOrAll, type MeasureDef } from '../../lib/catalogue.js';

const episodesDef = measureDef('missing_episodes')!; // additive: classification, source, looked_after, placed_out_of_area
const referralsDef = measureDef('met_referrals')!; // referrer additive, code not additive
const pctDef = measureDef('rhi_completed_72h_pct')!;
const FOUR = AREAS_AND_ALL.filter((a) => a !== 'all');

const count = (n: number) => ({ num: n, den: null });

describe('primary suppression', () => {
  it('hides counts of 1–4, shows 0 and 5', () => {
    expect([0, 1, 4, 5].map((n) => primarySuppressed('count', count(n)))).toEqual([false, true, true, false]);
  });
  it('hides a percentage whose numerator or denominator is 1–4', () => {
    // 3 of 40: numerator 3 → hidden. 40 of 40: shown. 0 of 4: denominator 4 → hidden. 0 of 0: a % of nothing, shown as null.
    expect(primarySuppressed('pct', { num: 3, den: 40 })).toBe(true);
    expect(primarySuppressed('pct', { num: 40, den: 40 })).toBe(false);
    expect(primarySuppressed('pct', { num: 0, den: 4 })).toBe(true);
    expect(primarySuppressed('pct', { num: 0, den: 0 })).toBe(false);
  });
  it('hides a median over 1–4 records', () => {
    expect(primarySuppressed('median', { num: null, den: 4, value: 7200 })).toBe(true);
    expect(primarySuppressed('median', { num: null, den: 5, value: 7200 })).toBe(false);
  });
});

describe('secondary suppression, worked by hand', () => {
  it('the four areas and all: one hidden area takes the next smallest with it', () => {
    // Southampton 20, Portsmouth 3 (primary), Hampshire 40, Isle of Wight 8; all = 71.
    // With only Portsmouth hidden, 71 − 20 − 40 − 8 = 3 would give it away, so the next
    // smallest non-zero area, the Isle of Wight (8), is hidden too.
    const t: MeasureTable = {
      Southampton: { headline: count(20), by: {} },
      Portsmouth: { headline: count(3), by: {} },
      Hampshire: { headline: count(40), by: {} },
      'Isle of Wight': { headline: count(8), by: {} },
      all: { headline: count(71), by: {} },
    };
    const shown = disclose(episodesDef, t, 'board');
    expect(Object.fromEntries(AREAS_AND_ALL.map((a) => [a, shown[a]!.headline]))).toEqual({
      Southampton: 20,
      Portsmouth: 'c',
      Hampshire: 40,
      'Isle of Wight': 'c',
      all: 71,
    });
    // The analyst sees everything.
    expect(disclose(episodesDef, t, 'analyst').Portsmouth!.headline).toBe(3);
  });

  it('within a breakdown whose cells add up to the shown total', () => {
    // classification: missing 30, absent 6, away 2 (primary) → total 38. Hiding only "away"
    // lets 38 − 30 − 6 = 2 through, so "absent" (6, the next smallest non-zero) goes too.
    const t: MeasureTable = {
      Southampton: { headline: count(38), by: { classification: { missing: count(30), absent: count(6), away: count(2) } } },
    };
    expect(disclose(episodesDef, t, 'board').Southampton!.by.classification).toEqual({ missing: 30, absent: 'c', away: 'c' });
  });

  it('a breakdown whose cells need not add up gets primary suppression only', () => {
    // Codes: 10A 12, 11A 3 (primary), 24A 9; a referral can carry several, so nothing else is hidden.
    const t: MeasureTable = { Southampton: { headline: count(20), by: { code: { '10A': count(12), '11A': count(3), '24A': count(9) } } } };
    expect(disclose(referralsDef, t, 'commissioner').Southampton!.by.code).toEqual({ '10A': 12, '11A': 'c', '24A': 9 });
  });

  it('zero is shown as 0 and never chosen as the second cell', () => {
    const hidden = secondarySuppression([{ total: 't', cells: ['a', 'b', 'c'] }], new Set(['a']), (k) => ({ t: 9, a: 2, b: 0, c: 7 })[k]!);
    expect([...hidden].sort()).toEqual(['a', 'c']);
  });
});

// ---- properties ----

type Episodes = { classification: number; source: number }[];

/** Random episodes per area, so every breakdown adds up to its headline as real data does. */
const areaEpisodes = fc.array(fc.record({ classification: fc.integer({ min: 0, max: 2 }), source: fc.integer({ min: 0, max: 1 }) }), { maxLength: 14 });
const classes = ['missing', 'absent', 'away'];
const sources = ['police', 'social_care'];

function tableOf(perArea: Episodes[]): MeasureTable {
  const t: MeasureTable = {};
  const fig = (eps: Episodes) => ({
    headline: count(eps.length),
    by: {
      classification: Object.fromEntries(classes.map((c, i) => [c, count(eps.filter((e) => e.classification === i).length)])),
      source: Object.fromEntries(sources.map((s, i) => [s, count(eps.filter((e) => e.source === i).length)])),
    },
  });
  for (const [i, a] of FOUR.entries()) t[a] = fig(perArea[i]!);
  t.all = fig(perArea.flat());
  return t;
}

/** Every additive group of a count table: each area's breakdowns under its headline, and each figure across the four areas under `all`. */
function groups(def: MeasureDef, t: MeasureTable, shown: Partial<Record<AreaOrAll, ShownFigures>>) {
  const out: { total: unknown; cells: { exact: number; shown: unknown }[] }[] = [];
  const additive = (def.breakdowns ?? []).filter((b) => b.additive).map((b) => b.id);
  for (const a of AREAS_AND_ALL) {
    for (const b of additive) {
      const cells = t[a]!.by[b] ?? {};
      out.push({ total: shown[a]!.headline, cells: Object.keys(cells).map((k) => ({ exact: cells[k]!.num ?? 0, shown: shown[a]!.by[b]![k] })) });
    }
  }
  const positions: [string, string][] = [['', '']];
  for (const b of Object.keys(t.all!.by)) for (const k of Object.keys(t.all!.by[b]!)) positions.push([b, k]);
  for (const [b, k] of positions) {
    const pick = (a: AreaOrAll) => (b === '' ? shown[a]!.headline : shown[a]!.by[b]![k]);
    const ex = (a: AreaOrAll) => (b === '' ? t[a]!.headline.num : t[a]!.by[b]![k]!.num) ?? 0;
    out.push({ total: pick('all'), cells: FOUR.map((a) => ({ exact: ex(a), shown: pick(a) })) });
  }
  return out;
}

function allShown(s: Partial<Record<AreaOrAll, ShownFigures>>): unknown[] {
  return AREAS_AND_ALL.flatMap((a) => [s[a]!.headline, ...Object.values(s[a]!.by).flatMap((cells) => Object.values(cells))]);
}

describe('properties for the board and commissioner roles', () => {
  it('no count of 1–4 is ever shown', () => {
    fc.assert(
      fc.property(fc.array(areaEpisodes, { minLength: 4, maxLength: 4 }), fc.constantFrom('board', 'commissioner' as const), (perArea, role) => {
        const shown = disclose(episodesDef, tableOf(perArea), role);
        for (const v of allShown(shown)) expect(typeof v === 'number' && v >= 1 && v <= 4).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('no suppressed cell can be recovered by subtracting the shown cells from the shown total', () => {
    fc.assert(
      fc.property(fc.array(areaEpisodes, { minLength: 4, maxLength: 4 }), fc.constantFrom('board', 'commissioner' as const), (perArea, role) => {
        const t = tableOf(perArea);
        const shown = disclose(episodesDef, t, role);
        for (const g of groups(episodesDef, t, shown)) {
          const hiddenNonZero = g.cells.filter((c) => c.shown === 'c' && c.exact !== 0).length;
          const hidden = g.cells.filter((c) => c.shown === 'c').length;
          // A shown total with exactly one hidden cell gives that cell away.
          if (g.total !== 'c') expect(hidden).not.toBe(1);
          // A hidden total with every non-zero cell shown is just their sum.
          if (g.total === 'c' && g.cells.some((c) => c.exact !== 0)) expect(hiddenNonZero).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('no percentage built on 1–4 records is shown, and the analyst sees every exact figure', () => {
    const cell = fc
      .record({ num: fc.integer({ min: 0, max: 12 }), den: fc.integer({ min: 0, max: 12 }) })
      .map((c) => ({ num: Math.min(c.num, c.den), den: c.den }));
    fc.assert(
      fc.property(fc.array(cell, { minLength: 5, maxLength: 5 }), (cells) => {
        const t: MeasureTable = {};
        for (const [i, a] of AREAS_AND_ALL.entries()) t[a] = { headline: cells[i]!, by: {} };
        const board = disclose(pctDef, t, 'board');
        const analyst = disclose(pctDef, t, 'analyst');
        AREAS_AND_ALL.forEach((a, i) => {
          const c = cells[i]!;
          const builtOnFew = (c.num >= 1 && c.num <= 4) || (c.den >= 1 && c.den <= 4);
          expect(board[a]!.headline === 'c').toBe(builtOnFew);
          expect(analyst[a]!.headline).toBe(c.den === 0 ? null : Math.floor((2000 * c.num + c.den) / (2 * c.den)) / 10);
        });
      }),
      { numRuns: 300 },
    );
  });
});

// ---- across age scopes and a financial year's quarters ----

const YEAR = { total: 'FY2025-26', quarters: ['2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1'] };
type Ev = { quarter: number; area: number; adult: boolean };

/** A cube from events, so that every total is the sum of its parts, as real counts are. */
function cubeOf(events: Ev[]): MeasureCube {
  const cube: MeasureCube = new Map();
  const periods = [YEAR.total, ...YEAR.quarters];
  for (const p of periods) {
    const byScope = new Map<string, MeasureTable>();
    for (const scope of ['0-17', '18-24', '0-24']) {
      const inScope = (e: Ev) => (p === YEAR.total || YEAR.quarters[e.quarter] === p) && (scope === '0-24' || (scope === '18-24') === e.adult);
      const t: MeasureTable = {};
      for (const [i, a] of FOUR.entries()) t[a] = { headline: count(events.filter((e) => inScope(e) && e.area === i).length), by: {} };
      t.all = { headline: count(events.filter(inScope).length), by: {} };
      byScope.set(scope, t);
    }
    cube.set(p, byScope);
  }
  return cube;
}

describe('suppression across age scopes and quarters (discloseCube)', () => {
  it('hides a second age scope, so 0-24 minus 0-17 does not give 18-24 away', () => {
    // Southampton, one quarter: 46 children and 1 young adult → 0-24 is 47. The young
    // adult (1) is hidden; with 0-24 shown, 0-17 must go too (47 − 46 would give 1).
    const events: Ev[] = [...Array(46).fill({ quarter: 1, area: 0, adult: false }), { quarter: 1, area: 0, adult: true }];
    const shown = discloseCube(episodesDef, cubeOf(events), YEAR, 'board');
    const q3 = shown.get('2025-Q3')!;
    expect(q3.get('18-24')!.Southampton!.headline).toBe('c');
    const visible = ['0-17', '0-24'].map((s) => q3.get(s)!.Southampton!.headline);
    expect(visible.filter((v) => v === 'c').length).toBeGreaterThan(0);
  });

  it('hides a second quarter, so the year minus three quarters does not give one away', () => {
    // Isle of Wight: 6, 2, 5 and 0 in the four quarters; the year is 13.
    const events: Ev[] = [
      ...Array(6).fill({ quarter: 0, area: 3, adult: false }),
      ...Array(2).fill({ quarter: 1, area: 3, adult: false }),
      ...Array(5).fill({ quarter: 2, area: 3, adult: false }),
    ];
    const shown = discloseCube(episodesDef, cubeOf(events), YEAR, 'board');
    const iow = YEAR.quarters.map((q) => shown.get(q)!.get('0-17')!['Isle of Wight']!.headline);
    const year = shown.get(YEAR.total)!.get('0-17')!['Isle of Wight']!.headline;
    expect(iow[1]).toBe('c');
    if (year !== 'c') expect(iow.filter((v) => v === 'c').length).toBeGreaterThanOrEqual(2);
  });

  it('property: in every group of the cube, a shown total never has exactly one hidden part', () => {
    const ev = fc.record({ quarter: fc.integer({ min: 0, max: 3 }), area: fc.integer({ min: 0, max: 3 }), adult: fc.boolean() });
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 60 }), (events) => {
        const cube = cubeOf(events);
        const shown = discloseCube(episodesDef, cube, YEAR, 'commissioner');
        const v = (p: string, s: string, a: AreaOrAll) => shown.get(p)!.get(s)![a]!.headline;
        const ex = (p: string, s: string, a: AreaOrAll) => cube.get(p)!.get(s)![a]!.headline.num ?? 0;
        const check = (total: unknown, parts: { shown: unknown; exact: number }[]) => {
          const hidden = parts.filter((x) => x.shown === 'c').length;
          if (total !== 'c') expect(hidden).not.toBe(1);
          else if (parts.some((x) => x.exact !== 0)) expect(parts.filter((x) => x.shown === 'c' && x.exact !== 0).length).toBeGreaterThan(0);
        };
        for (const p of [YEAR.total, ...YEAR.quarters]) {
          for (const s of ['0-17', '18-24', '0-24']) {
            check(
              v(p, s, 'all'),
              FOUR.map((a) => ({ shown: v(p, s, a), exact: ex(p, s, a) })),
            );
            for (const a of AREAS_AND_ALL) expect(typeof v(p, s, a) === 'number' && (v(p, s, a) as number) >= 1 && (v(p, s, a) as number) <= 4).toBe(false);
          }
          for (const a of AREAS_AND_ALL)
            check(
              v(p, '0-24', a),
              ['0-17', '18-24'].map((s) => ({ shown: v(p, s, a), exact: ex(p, s, a) })),
            );
        }
        for (const s of ['0-17', '18-24', '0-24'])
          for (const a of AREAS_AND_ALL)
            check(
              v(YEAR.total, s, a),
              YEAR.quarters.map((q) => ({ shown: v(q, s, a), exact: ex(q, s, a) })),
            );
      }),
      { numRuns: 300 },
    );
  });
});

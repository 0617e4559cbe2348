// The attacker against random small partnerships (fast-check): random exact figures →
// the rule functions of lib/disclosure.ts and lib/rows.ts → answers as the API gives
// them → the attacker.
//  - partner rule, one answer at a time (one area's figure with its breakdowns; the
//    four areas beside `all`, as the areas page shows them; a hotspot row): no withheld
//    count can be shown to be below the threshold;
//  - published rule, everything for a financial year at once (the year and its four
//    quarters, the four areas and `all`, a breakdown): no withheld count pinned or
//    narrowed to fewer than 3 possible values.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attack } from '../../lib/audit/index.js';
import { measureDef } from '../../lib/catalogue.js';
import { discloseTable, ruleFor, type AreaFigures, type MeasureTable } from '../../lib/disclosure.js';
import { discloseRows } from '../../lib/rows.js';
import { AREAS, type AreaOrAll } from '../../model/areas.js';
import { answer } from './responses.js';

const episodes = measureDef('missing_episodes')!; // classification (3 categories) and source (2) add up to the headline
const partner = ruleFor('board');
const published = ruleFor('public');
const count = (n: number) => ({ num: n, den: null });

/** One area's episodes: classification cells, and a split of the same total by source. */
const areaFigures = fc
  .record({ classification: fc.array(fc.nat(12), { minLength: 3, maxLength: 3 }), police: fc.nat(1000) })
  .map(({ classification: [m, a, w], police }): AreaFigures => {
    const total = m! + a! + w!;
    const p = police % (total + 1);
    return {
      headline: count(total),
      by: {
        classification: { missing: count(m!), absent: count(a!), away: count(w!) },
        source: { police: count(p), social_care: count(total - p) },
      },
    };
  });

/** What the attacker learnt below the threshold, in words. */
async function leaks(answers: ReturnType<typeof answer>[]): Promise<string[]> {
  const { bounds, figures } = await attack({ measures: answers }, 'partner');
  expect(figures.broken + figures.infeasible).toBe(0);
  return bounds.filter((b) => b.max < 5).map((b) => `${b.key.area} ${b.key.breakdown} ${b.key.key}: ${b.min}–${b.max}`);
}

const shownAnswer = (period: string, area: AreaOrAll, f: { headline: unknown; by: unknown }) =>
  answer(period, area, { missing_episodes: { value: f.headline as never, by: f.by as never } });

describe('partner rule, one answer at a time, random partnerships', () => {
  it('one area’s figure with its breakdowns', async () => {
    await fc.assert(
      fc.asyncProperty(areaFigures, async (f) => {
        const shown = discloseTable(episodes, { Southampton: f }, partner).Southampton!;
        expect(await leaks([shownAnswer('2025-Q3', 'Southampton', shown)])).toEqual([]);
      }),
      { numRuns: 60, seed: 9 },
    );
  });

  // Where the four areas are shown beside `all` with their breakdowns, groups cross (an
  // area's breakdown, a cell's four areas): the stopping rule, met in each group alone, did
  // not protect them together (seed 11: Portsmouth's 1 and Hampshire's 2 and 3 came out at
  // 1–4). Mended by lib/crossing.ts (bounds propagation over the table, then more withheld
  // in the group that bound a `c`); the HiGHS attacker is the judge. Without it every seed
  // of 1–5 and 11 fails; with it seeds 1–10 (25 runs) and 12–40 (50 runs) pass.
  it.each([11, 3])('the four areas beside all (an area-set view), breakdowns included (seed %i)', async (seed) => {
    await fc.assert(
      fc.asyncProperty(fc.array(areaFigures, { minLength: 4, maxLength: 4 }), async (fs) => {
        const table: MeasureTable = {};
        for (const [i, a] of AREAS.entries()) table[a] = fs[i]!;
        const sum = (pick: (f: AreaFigures) => number) => count(fs.reduce((s, f) => s + pick(f), 0));
        table.all = {
          headline: sum((f) => f.headline.num!),
          by: {
            classification: Object.fromEntries(['missing', 'absent', 'away'].map((k) => [k, sum((f) => f.by.classification![k]!.num!)])),
            source: Object.fromEntries(['police', 'social_care'].map((k) => [k, sum((f) => f.by.source![k]!.num!)])),
          },
        };
        const shown = discloseTable(episodes, table, partner, { areaSet: true });
        const answers = (['all', ...AREAS] as AreaOrAll[]).map((a) => shownAnswer('2025-Q3', a, shown[a]!));
        expect(await leaks(answers)).toEqual([]);
      }),
      { numRuns: 25, seed },
    );
  });

  it('a hotspot row: found + CPI + disruptions = total', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(9), { minLength: 3, maxLength: 3 }), async ([found, cpi, dis]) => {
        const row = {
          locality: 'Bargate',
          area: 'Southampton',
          found: { n: found },
          cpi: { n: cpi },
          disruptions: { n: dis },
          total: { n: found! + cpi! + dis! },
        };
        const rows = discloseRows('hotspots', [row], partner);
        expect(await leaks([answer('2025-Q3', 'Southampton', { hotspots: { rows } })])).toEqual([]);
      }),
      { numRuns: 60, seed: 13 },
    );
  });
});

describe('published rule, everything for a financial year at once, random partnerships', () => {
  // A KNOWN LEAK (issue 9 open), as on the demo data (demo.test.ts): several withheld counts
  // share what rounded figures leave (seed 17). `.fails` keeps it checked; it turns red when mended.
  it.fails('no withheld count pinned or narrowed to fewer than 3 values', async () => {
    const QUARTERS = ['2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1'];
    // Per quarter and area: classification cells 0..14 (many of them 1–7).
    const cube = fc.array(fc.array(fc.array(fc.nat(14), { minLength: 3, maxLength: 3 }), { minLength: 4, maxLength: 4 }), { minLength: 4, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(cube, async (q) => {
        const answers: ReturnType<typeof answer>[] = [];
        const keys = ['missing', 'absent', 'away'];
        // cells[period][area][key]: the quarters, then the year as their sum; `all` as the areas' sum.
        const periods = [...QUARTERS, 'FY2025-26'];
        for (const [pi, period] of periods.entries()) {
          const byArea = (ai: number) => keys.map((_, ki) => (pi < 4 ? q[pi]![ai]![ki]! : q.reduce((s, x) => s + x[ai]![ki]!, 0)));
          const table: MeasureTable = {};
          for (const [ai, a] of AREAS.entries()) {
            const c = byArea(ai);
            table[a] = { headline: count(c[0]! + c[1]! + c[2]!), by: { classification: Object.fromEntries(keys.map((k, ki) => [k, count(c[ki]!)])) } };
          }
          const all = keys.map((_, ki) => AREAS.reduce((s, _a, ai) => s + byArea(ai)[ki]!, 0));
          table.all = { headline: count(all[0]! + all[1]! + all[2]!), by: { classification: Object.fromEntries(keys.map((k, ki) => [k, count(all[ki]!)])) } };
          const shown = discloseTable(episodes, table, published, { areaSet: true });
          for (const a of ['all', ...AREAS] as AreaOrAll[]) answers.push(shownAnswer(period, a, shown[a]!));
        }
        const { figures, bounds } = await attack({ measures: answers }, 'published', { enough: 3 });
        expect(figures.broken + figures.infeasible).toBe(0);
        expect(bounds.filter((b) => b.max - b.min < 2).map((b) => `${b.key.period} ${b.key.area} ${b.key.key}: ${b.min}–${b.max}`)).toEqual([]);
      }),
      { numRuns: 5, seed: 17 },
    );
  });
});

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
import { attack, narrowed } from '../../lib/audit/index.js';
import { protectYear, publishedAnswer, type Protection } from '../../lib/audit/protect.js';
import { breakdownKeysOf, toTables, type CellRow } from '../../lib/read.js';
import { buildParameters } from '../../model/parameters.js';
import { AGE_SCOPES } from '../../model/ages.js';
import { measureDef } from '../../lib/catalogue.js';
import { discloseTable, ruleFor, type AreaFigures, type MeasureTable } from '../../lib/disclosure.js';
import { discloseRows } from '../../lib/rows.js';
import { AREAS, AREAS_AND_ALL, type AreaOrAll } from '../../model/areas.js';
import { answer } from './responses.js';

const episodes = measureDef('missing_episodes')!; // classification (3 categories) and source (2) add up to the headline
const partner = ruleFor('board');
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
  // Random classification counts per quarter and area (many of them 1–7), the year as their
  // sum, `all` as the areas' sum; 0-24 as 0-17 (no young adults). The protection
  // (lib/audit/protect.ts) is worked out over the year as at a refresh; the answers are built
  // from it as the reader builds them; the HiGHS attacker, told which counts were withheld to
  // protect another, must narrow no withheld count to fewer than 3 values.
  it('no withheld count pinned or narrowed to fewer than 3 values', async () => {
    const QUARTERS = ['2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1'];
    const FY = 'FY2025-26';
    const cube = fc.array(fc.array(fc.array(fc.nat(14), { minLength: 3, maxLength: 3 }), { minLength: 4, maxLength: 4 }), { minLength: 4, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(cube, async (q) => {
        const keys = ['missing', 'absent', 'away'];
        const cells: CellRow[] = [];
        const add = (period: string, area: AreaOrAll, breakdown: string, key: string, n: number) => {
          for (const scope of ['0-17', '0-24'])
            cells.push({ measure: 'missing_episodes', period_id: period, area, scope, breakdown, key, num: n, den: null, value: null });
        };
        for (const [pi, period] of [...QUARTERS, FY].entries()) {
          const byArea = (ai: number) => keys.map((_, ki) => (pi < 4 ? q[pi]![ai]![ki]! : q.reduce((s, x) => s + x[ai]![ki]!, 0)));
          const all = keys.map(() => 0);
          for (const [ai, a] of AREAS.entries()) {
            const c = byArea(ai);
            add(period, a, '', '', c[0]! + c[1]! + c[2]!);
            for (const [ki, k] of keys.entries()) {
              add(period, a, 'classification', k, c[ki]!);
              all[ki]! += c[ki]!;
            }
          }
          add(period, 'all', '', '', all[0]! + all[1]! + all[2]!);
          for (const [ki, k] of keys.entries()) add(period, 'all', 'classification', k, all[ki]!);
        }
        const data = { cells, rows: [], built: buildParameters() };
        const y = protectYear(data, FY);
        expect(y.unprotected).toEqual([]);
        const protection: Protection = new Map([...[...y.notGiven].map((id) => [id, null] as const), ...[...y.protective].map((id) => [id, 'c'] as const)]);
        const answers = [];
        for (const period of [...QUARTERS, FY])
          for (const scope of AGE_SCOPES) {
            const tables = toTables(cells.filter((c) => c.period_id === period && c.scope === scope));
            for (const area of AREAS_AND_ALL)
              answers.push(publishedAnswer(tables, [], { period, area, scope }, data.built, protection, undefined, breakdownKeysOf(cells)));
          }
        const { figures, bounds } = await attack({ measures: answers }, 'published', {
          enough: 3,
          protective: y.protective,
          only: (c) => c.key.measure === 'missing_episodes',
        });
        expect(figures.broken + figures.infeasible).toBe(0);
        expect(bounds.filter(narrowed).map((b) => `${b.key.period} ${b.key.area} ${b.key.scope} ${b.key.key}: ${b.min}–${b.max}`)).toEqual([]);
      }),
      { numRuns: 5, seed: 17 },
    );
  });
});

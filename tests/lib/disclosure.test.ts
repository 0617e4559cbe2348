// Disclosure control by audience: hand-worked cases for the partner rule and the
// published rule, then properties over random groups and tables.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  discloseTable,
  disclosureInfo,
  groupNeeds,
  partnerSecondary,
  primarySuppressed,
  publishedCount,
  publishedValue,
  roundCount,
  ruleFor,
  type MeasureTable,
} from '../../lib/disclosure.js';
import { discloseRows } from '../../lib/rows.js';
import { shownFigures } from '../../lib/shown.js';
import { parseRequest } from '../../lib/request.js';
import { toTables, type CellRow, type Figures } from '../../lib/read.js';
import { AREAS_AND_ALL, measureDef } from '../../lib/catalogue.js';

const episodesDef = measureDef('missing_episodes')!; // additive: classification, source, looked_after, placed_out_of_area
const referralsDef = measureDef('met_referrals')!; // referrer additive, code not additive
const FOUR = AREAS_AND_ALL.filter((a) => a !== 'all');
const partner = ruleFor('board');
const published = ruleFor('public');
const exact = ruleFor('analyst');

const count = (n: number) => ({ num: n, den: null });

describe('the rule each role passes', () => {
  it('analyst exact, board and commissioner partner (5), public published (1–7 withheld, base 5, medians over 20)', () => {
    expect(exact).toEqual({ rule: 'exact', threshold: 1, maxWithheld: 0 });
    expect(partner).toEqual({ rule: 'partner', threshold: 5, maxWithheld: 4 });
    expect(ruleFor('commissioner')).toEqual(partner);
    expect(published).toEqual({ rule: 'published', threshold: 8, maxWithheld: 7, roundingBase: 5, medianMin: 20 });
  });
  it('says in the response which rule applied, with a legend in plain words', () => {
    expect(disclosureInfo(partner)).toMatchObject({ rule: 'partner', threshold: 5, max_withheld: 4 });
    expect(disclosureInfo(partner).legend).toMatch(/^c = withheld because it is about fewer than 5 children or events \(a count of 1 to 4/);
    expect(disclosureInfo(published)).toMatchObject({ rule: 'published', threshold: 8, max_withheld: 7, rounding_base: 5, median_min: 20 });
    expect(disclosureInfo(published).legend).toMatch(/a count of 1 to 7.*≈ = rounded: every other count is rounded to the nearest 5/);
    expect(disclosureInfo(exact).rule).toBe('exact');
  });
});

describe('partner rule: primary suppression', () => {
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
  it('hides a median over 1–4 records, and a rate of a count of 1–4 (its population is public)', () => {
    expect(primarySuppressed('median', { num: null, den: 4, value: 7200 })).toBe(true);
    expect(primarySuppressed('median', { num: null, den: 5, value: 7200 })).toBe(false);
    expect(primarySuppressed('per10k', { num: 3, den: 50_000 })).toBe(true);
    expect(primarySuppressed('per10k', { num: 7, den: 50_000 })).toBe(false);
  });
});

describe('partner rule: secondary suppression within a breakdown (the stopping rule)', () => {
  const v = (m: Record<string, number>) => (k: string) => m[k]!;

  it("the spec's example: two c beside a total that leaves 2 → a third is withheld", () => {
    // a 1, b 1, c 6, d 30; total 38. Primary: a, b. Shown c and d leave 38 − 6 − 30 = 2 for
    // two cells each ≥ 1: both would be 1. So the next smallest non-zero, c (6), goes too:
    // 38 − 30 = 8 for three cells, each at most 8 − 2 = 6 ≥ 5; and 8 ≥ (3 − 1) + 5 = 7 stops it.
    const g = { total: 't', cells: ['a', 'b', 'c', 'd'] };
    const value = v({ t: 38, a: 1, b: 1, c: 6, d: 30 });
    expect(groupNeeds(g, new Set(['a', 'b']), value, 5)).toBe('c');
    expect([...partnerSecondary([g], new Set(['a', 'b']), value)].sort()).toEqual(['a', 'b', 'c']);
  });

  it('one withheld cell takes the next smallest with it until the two leave room (5 + 1)', () => {
    // classification: missing 30, absent 6, away 2 (primary); total 38. Away alone: 38 − 36 = 2 → it.
    // With absent (6): 8 ≥ (2 − 1) + 5 = 6, each at most 8 − 1 = 7.
    const t: MeasureTable = {
      Southampton: { headline: count(38), by: { classification: { missing: count(30), absent: count(6), away: count(2) } } },
    };
    expect(discloseTable(episodesDef, t, partner).Southampton!.by.classification).toEqual({ missing: 30, absent: 'c', away: 'c' });
  });

  it('zero is never withheld (shown as 0) and never chosen as the next cell', () => {
    // a 2 (primary), b 0, c 0, d 9; total 11. The next smallest non-zero is d (9): 11 ≥ 0 + 5.
    const hidden = partnerSecondary([{ total: 't', cells: ['a', 'b', 'c', 'd'] }], new Set(['a']), v({ t: 11, a: 2, b: 0, c: 0, d: 9 }));
    expect([...hidden].sort()).toEqual(['a', 'd']);
  });

  it('withholds the total when no other non-zero cell is left, and then a cell of its other breakdowns', () => {
    // level: low 2, medium 3, high 0 → 5. Both primary: 5 < (2 − 1) + 5 = 6, and no other
    // non-zero cell: the total goes. Its other breakdown, exploitation_type: CSE 5, CCE 0,
    // would pin the total at 5 (so low + medium = 5, each at most 4): CSE 5 goes too.
    const def = measureDef('children_at_risk')!;
    const t: MeasureTable = {
      Portsmouth: {
        headline: count(5),
        by: { level: { low: count(2), medium: count(3), high: count(0) }, exploitation_type: { CSE: count(5), CCE: count(0) } },
      },
    };
    expect(discloseTable(def, t, partner).Portsmouth).toEqual({
      headline: 'c',
      by: { level: { low: 'c', medium: 'c', high: 0 }, exploitation_type: { CSE: 'c', CCE: 0 } },
    });
  });

  it('a breakdown whose cells need not add up gets primary suppression only', () => {
    // Codes: 10A 12, 11A 3 (primary), 24A 9; a referral can carry several, so nothing else is hidden.
    const t: MeasureTable = { Southampton: { headline: count(20), by: { code: { '10A': count(12), '11A': count(3), '24A': count(9) } } } };
    expect(discloseTable(referralsDef, t, partner).Southampton!.by.code).toEqual({ '10A': 12, '11A': 'c', '24A': 9 });
  });

  it('one area’s figures do not depend on the other areas’, unless the output shows the four areas beside all', () => {
    // Disruptions, 2025-Q4 of the demo data: Southampton 1, Portsmouth 6, Hampshire 14, Isle of Wight 2; all 23.
    const t: MeasureTable = {
      Southampton: { headline: count(1), by: {} },
      Portsmouth: { headline: count(6), by: {} },
      Hampshire: { headline: count(14), by: {} },
      'Isle of Wight': { headline: count(2), by: {} },
      all: { headline: count(23), by: {} },
    };
    const def = measureDef('disruptions')!;
    const one = discloseTable(def, t, partner);
    expect(FOUR.map((a) => one[a]!.headline)).toEqual(['c', 6, 14, 'c']);
    // Shown together: 23 − 6 − 14 = 3 for two cells (1 + 2) < 1 + 5: Portsmouth (6) goes too;
    // then 23 − 14 = 9 ≥ (3 − 1) + 5 = 7, each at most 9 − 2 = 7.
    const set = discloseTable(def, t, partner, { areaSet: true });
    expect(AREAS_AND_ALL.map((a) => set[a]!.headline)).toEqual(['c', 'c', 14, 'c', 23]);
  });

  it('the analyst sees every exact figure', () => {
    const t: MeasureTable = { Southampton: { headline: count(3), by: { classification: { missing: count(3), absent: count(0), away: count(0) } } } };
    expect(discloseTable(episodesDef, t, exact).Southampton).toEqual({ headline: 3, by: { classification: { missing: 3, absent: 0, away: 0 } } });
  });
});

/** A Figures object for shownFigures from exact cells of one period, Southampton. */
function figuresOf(cells: { measure: string; breakdown: string; key: string; num: number; den: number | null }[]): Figures {
  const rows: CellRow[] = cells.map((c) => ({ ...c, period_id: '2025-Q3', area: 'Southampton' as const, scope: '0-17', value: null }));
  return {
    reach: { first: '2025-01', last: '2025-12', latestEvent: '2025-12-31', refreshed: null },
    built: {} as Figures['built'],
    previous: null,
    yearEarlier: null,
    trend: [],
    cells: rows,
    tables: toTables(rows),
  };
}

describe('derived figures go with the count they rest on', () => {
  it('a rate per 10,000 of a withheld count is withheld (the population is public)', () => {
    // 3 children missing of 20,000: the rate 1.5 × 20,000 / 10,000 would give 3 back.
    const f = figuresOf([
      { measure: 'missing_children', breakdown: '', key: '', num: 3, den: null },
      { measure: 'missing_children_per_10k', breakdown: '', key: '', num: 3, den: 20_000 },
    ]);
    const shownFor = shownFigures(parseRequest({ period: '2025-Q3', area: 'Southampton', role: 'board' }), f);
    expect(shownFor(measureDef('missing_children_per_10k')!, '2025-Q3').Southampton!.headline).toBe('c');
    const analyst = shownFigures(parseRequest({ period: '2025-Q3', area: 'Southampton', role: 'analyst' }), f);
    expect(analyst(measureDef('missing_children_per_10k')!, '2025-Q3').Southampton!.headline).toBe(1.5);
  });

  it('a split by locality is protected under its total, and a locality’s rate goes with its count', () => {
    // met_children 33: Bargate 3 (primary), Portswood 30. 33 − 30 = 3 < 5: Portswood goes too (33 ≥ 1 + 5).
    // Prevalence by locality: Portswood 30 of 4,000 = 75.0 would give 30 back: withheld with it.
    const f = figuresOf([
      { measure: 'met_children', breakdown: '', key: '', num: 33, den: null },
      { measure: 'met_children', breakdown: 'locality', key: 'Bargate', num: 3, den: null },
      { measure: 'met_children', breakdown: 'locality', key: 'Portswood', num: 30, den: null },
      { measure: 'prevalence_per_10k', breakdown: '', key: '', num: 33, den: 5_000 },
      { measure: 'prevalence_per_10k', breakdown: 'locality', key: 'Bargate', num: 3, den: 1_000 },
      { measure: 'prevalence_per_10k', breakdown: 'locality', key: 'Portswood', num: 30, den: 4_000 },
    ]);
    const shownFor = shownFigures(parseRequest({ period: '2025-Q3', area: 'Southampton', role: 'board' }), f);
    expect(shownFor(measureDef('met_children')!, '2025-Q3').Southampton).toEqual({ headline: 33, by: { locality: { Bargate: 'c', Portswood: 'c' } } });
    // 33 of 5,000 = 66.0 stays: the area's count is shown.
    expect(shownFor(measureDef('prevalence_per_10k')!, '2025-Q3').Southampton).toEqual({ headline: 66, by: { locality: { Bargate: 'c', Portswood: 'c' } } });
  });

  it('a breakdown the output does not show is neither protected nor given', () => {
    // Disruptions 6 by action_type 2, 2, 1, 1: all four withheld leave 6 < (4 − 1) + 5, so with the
    // split shown the total is withheld. A page that shows the total alone shows 6.
    const f = figuresOf([
      { measure: 'disruptions', breakdown: '', key: '', num: 6, den: null },
      ...['arrest', 'charge', 'order', 'warning'].map((k, i) => ({ measure: 'disruptions', breakdown: 'action_type', key: k, num: i < 2 ? 2 : 1, den: null })),
    ]);
    const def = measureDef('disruptions')!;
    const withSplit = shownFigures(parseRequest({ period: '2025-Q3', area: 'Southampton', role: 'board' }), f)(def, '2025-Q3').Southampton!;
    expect(withSplit.headline).toBe('c');
    const alone = shownFigures(parseRequest({ period: '2025-Q3', area: 'Southampton', role: 'board', breakdowns: {} }), f)(def, '2025-Q3').Southampton!;
    expect(alone).toEqual({ headline: 6, by: {} });
  });

  it('a hotspot row: a withheld total takes its rank, hotspot flag and change with it', () => {
    // Bargate: found 2, cpi 1, disruptions 0 → total 3 (primary); previous total 9.
    // Portswood: found 4, cpi 6, disruptions 0 → 10; 4 withheld alone leaves 10 − 6 = 4 < 5: cpi 6 goes too
    // (10 ≥ (2 − 1) + 5); the total 10, its rank 1 and change +2 stay.
    const rows = [
      {
        locality: 'Portswood',
        area: 'Southampton',
        found: { n: 4 },
        cpi: { n: 6 },
        disruptions: { n: 0 },
        total: { n: 10 },
        rank: 1,
        hotspot: true,
        previous_total: { n: 8 },
        change: { n: 2 },
      },
      {
        locality: 'Bargate',
        area: 'Southampton',
        found: { n: 2 },
        cpi: { n: 1 },
        disruptions: { n: 0 },
        total: { n: 3 },
        rank: 2,
        hotspot: false,
        previous_total: { n: 9 },
        change: { n: -6 },
      },
    ];
    // Given Bargate first (as the exact ranks might put a row), the withheld row goes last.
    const shown = discloseRows('hotspots', [rows[1]!, rows[0]!], partner);
    expect(shown[0]).toEqual({
      locality: 'Portswood',
      area: 'Southampton',
      found: 'c',
      cpi: 'c',
      disruptions: 0,
      total: 10,
      rank: 1,
      hotspot: true,
      change: 2,
    });
    expect(shown[1]).toEqual({
      locality: 'Bargate',
      area: 'Southampton',
      found: 'c',
      cpi: 'c',
      disruptions: 0,
      total: 'c',
      rank: 'c',
      hotspot: 'c',
      change: 'c',
    });
  });

  it('a hotspot column of CPI submissions is protected under the area’s CPI total, shown beside it', async () => {
    // Area CPI submissions 32 (at most the sum of its localities' column).
    // Row A: found 10, cpi 2 (primary), disruptions 0, total 12: 12 − 10 = 2 < 5 → found (10) too; 12 ≥ 1 + 5.
    // Column cpi: A 2 withheld, B 30, C 0: 32 − 30 = 2 < 5 → B's 30 too; 32 ≥ 1 + 5.
    // Row B: found 0, cpi 30 (withheld), disruptions 5, total 35: 35 − 5 = 30 ≥ 5: nothing more.
    const row = (locality: string, found: number, cpi: number, disruptions: number) => ({
      locality,
      area: 'Southampton',
      found: { n: found },
      cpi: { n: cpi },
      disruptions: { n: disruptions },
      total: { n: found + cpi + disruptions },
      rank: 0,
      hotspot: false,
    });
    const ctx = { metChildren: 0, areaTotals: { cpi_submissions: 32, disruptions: 5 } };
    const shown = discloseRows('hotspots', [row('B', 0, 30, 5), row('A', 10, 2, 0), row('C', 0, 0, 0)], partner, ctx);
    expect(shown.map((r) => [r.locality, r.found, r.cpi, r.disruptions, r.total])).toEqual([
      ['A', 'c', 'c', 0, 12],
      ['B', 0, 'c', 5, 35],
      ['C', 0, 0, 0, 0],
    ]);
    // A column with no other cell left: cpi 2 and 3 under a total of 5 < (2 − 1) + 5. The area's
    // CPI total must go, and the caller is told so; the response then withholds that headline.
    const totals = new Set<string>();
    discloseRows('hotspots', [row('A', 10, 2, 0), row('B', 10, 3, 0)], partner, { metChildren: 0, areaTotals: { cpi_submissions: 5, disruptions: 0 } }, totals);
    expect([...totals]).toEqual(['cpi_submissions']);
    const f = figuresOf([
      { measure: 'cpi_submissions', breakdown: '', key: '', num: 5, den: null },
      { measure: 'cpi_submissions', breakdown: 'theme', key: 'CCE', num: 5, den: null },
    ]);
    const q = parseRequest({ period: '2025-Q3', area: 'Southampton', role: 'board' });
    // Its theme split (CCE 5) would pin it: withheld too.
    expect(shownFigures(q, f, ['cpi_submissions'])(measureDef('cpi_submissions')!, '2025-Q3').Southampton).toEqual({
      headline: 'c',
      by: { theme: { CCE: 'c' } },
    });
    expect(shownFigures(q, f)(measureDef('cpi_submissions')!, '2025-Q3').Southampton).toEqual({ headline: 5, by: { theme: { CCE: 5 } } });
  });

  it('group_profile: a withheld group takes its share with it; groups of a dimension are protected under met_children', () => {
    // met_children 40: F 37, M 3 (primary). 40 − 37 = 3 for one cell: F (37) goes too → 40 ≥ 1 + 5.
    const row = (group: string, n: number) => ({
      dimension: 'sex',
      group,
      children: { n },
      share_pct: { n, d: 40 },
      population_share_pct: { n: 500, d: 1000 },
      ratio: { n: n * 1000, d: 40 * 500 },
    });
    const shown = discloseRows('group_profile', [row('F', 37), row('M', 3)], partner, { metChildren: 40, areaTotals: {} });
    expect(shown.map((r) => [r.children, r.share_pct, r.population_share_pct, r.ratio])).toEqual([
      ['c', 'c', 50, 'c'],
      ['c', 'c', 50, 'c'],
    ]);
  });
});

describe('published rule', () => {
  it('rounds counts to the nearest 5, halves up; 1–7 withheld; 0 stays 0', () => {
    // 12.5 → 15 (halves up); 8..12 → 10; 13..17 → 15; 18 → 20.
    expect(roundCount(12.5, 5)).toBe(15);
    expect(roundCount(12, 5)).toBe(10);
    expect([0, 1, 7, 8, 12, 13, 17, 18, 536].map((n) => publishedCount(n, published))).toEqual([0, 'c', 'c', 10, 10, 15, 15, 20, 535]);
  });

  it('service_gaps: a locality count not given takes its rate and the rate’s interval with it (not an interval of 0, nor c)', () => {
    // Sandown 0 and Lake 3 MET children of 1,190 and 1,000 aged 0–17, both not given by the protection:
    // an interval 0.0–30.8 for Sandown and c for Lake would say which is 0 and which 1–7.
    const row = (locality: string, n: number, pop: number) => ({ locality, met_children: { n }, prevalence_per_10k: { n, d: pop } });
    const rows = [row('Sandown', 0, 1190), row('Lake', 3, 1000), row('Ryde', 20, 2000)];
    const notGiven = (f: string, r?: Record<string, unknown>) => (f === 'met_children' && r?.locality !== 'Ryde' ? null : undefined);
    const shown = discloseRows('service_gaps', rows, published, { metChildren: 23, areaTotals: {}, protect: notGiven });
    expect(shown.map((r) => [r.locality, r.met_children, r.prevalence_per_10k, r.prevalence_interval, r.population])).toEqual([
      ['Sandown', null, null, null, 1190],
      ['Lake', null, null, null, 1000],
      // 20 → 20 published: 100.0 per 10,000; Byar's limits 20(1 − 1/180 − 1.96/(3√20))³ = 12.21 and
      // 21(1 − 1/189 + 1.96/(3√21))³ = 30.89 of 2,000: 61.1–154.4.
      ['Ryde', 20, 100, '61.1–154.4', 2000],
    ]);
    // Without the protection, the rule alone: 0 shown with its interval (Byar's upper limit for 0:
    // (1 − 1/9 + 1.96/3)³ = 3.668 of 1,190 → 30.8 per 10,000), 3 withheld (c).
    const plain = discloseRows('service_gaps', rows, published, { metChildren: 23, areaTotals: {} });
    expect(plain.map((r) => [r.met_children, r.prevalence_interval])).toEqual([
      [0, '0.0–30.8'],
      ['c', 'c'],
      [20, '61.1–154.4'],
    ]);
  });

  it('percentages from the rounded counts, whole numbers, only where both are shown', () => {
    // 13 of 42 → 15 of 40 = 37.5% → 38% (the exact 30.95% is never shown).
    expect(publishedValue('pct', { num: 13, den: 42 }, published)).toBe(38);
    // 7 of 42: the numerator is withheld, so is the percentage; 0 of 42 → 0 of 40 = 0%; 0 of 0: null.
    expect(publishedValue('pct', { num: 7, den: 42 }, published)).toBe('c');
    expect(publishedValue('pct', { num: 0, den: 42 }, published)).toBe(0);
    expect(publishedValue('pct', { num: 0, den: 0 }, published)).toBeNull();
    // A ratio: 23 episodes → 25, 9 children → 10: 2.5 (exact 2.56).
    expect(publishedValue('ratio', { num: 23, den: 9 }, published)).toBe(2.5);
    // A rate: 13 → 15 per 25,000 (the population, public, unrounded): 6.0 (exact 5.2).
    expect(publishedValue('per10k', { num: 13, den: 25_000 }, published)).toBe(6);
  });

  it('medians only over 20 or more records', () => {
    // 7,200 seconds = 2.0 hours.
    expect(publishedValue('median', { num: null, den: 19, value: 7200 }, published)).toBe('c');
    expect(publishedValue('median', { num: null, den: 20, value: 7200 }, published)).toBe(2);
  });

  it('no secondary suppression: a breakdown is rounded cell by cell', () => {
    // missing 30, absent 6, away 2 → 30, c, c; the total 38 → 40.
    const t: MeasureTable = {
      Southampton: { headline: count(38), by: { classification: { missing: count(30), absent: count(6), away: count(2) } } },
    };
    expect(discloseTable(episodesDef, t, published).Southampton).toEqual({ headline: 40, by: { classification: { missing: 30, absent: 'c', away: 'c' } } });
  });

  it('hotspot rows: counts rounded, rank and change from the rounded totals, a withheld total takes them with it', () => {
    // Bargate: found 11 (→10), total 11 (→10), previous 20: change 10 − 20 = −10.
    // Portswood: found 9 (→10), cpi 4 (→c), total 13 (→15), previous 9 (→10): change 15 − 10 = 5.
    // Bitterne Park: found 5 (→c), total 5 (→c): rank, flag and change withheld.
    // Ranks from the shown totals: Portswood 1, Bargate 2. Hotspot: rank ≤ ⌈10% × 3⌉ = 1 and total ≥ 5.
    // Rows in the order of the ranks shown, the withheld last.
    const row = (locality: string, found: number, total: number, prev: number) => ({
      locality,
      area: 'Southampton',
      found: { n: found },
      cpi: { n: total - found },
      disruptions: { n: 0 },
      total: { n: total },
      rank: 0,
      hotspot: false,
      previous_total: { n: prev },
      change: { n: total - prev },
    });
    const shown = discloseRows('hotspots', [row('Bargate', 11, 11, 20), row('Portswood', 9, 13, 9), row('Bitterne Park', 5, 5, 0)], published, {
      metChildren: 0,
      areaTotals: {},
      hotspot: { top_pct: 10, min_total: 5 },
    });
    expect(shown.map((r) => [r.locality, r.found, r.cpi, r.total, r.rank, r.hotspot, r.change])).toEqual([
      ['Portswood', 10, 'c', 15, 1, true, 5],
      ['Bargate', 10, 0, 10, 2, false, -10],
      ['Bitterne Park', 'c', 0, 'c', 'c', 'c', 'c'],
    ]);
  });

  it('hotspot rows: rounded totals tied across the hotspot cut give no flag (c); a 0 below withheld totals has no rank', () => {
    // Four localities: the cut is ⌈10% × 4⌉ = 1. A 16 and B 13 both round to 15 and share rank 1:
    // one place, two localities, and the exact totals decide (A) — so neither is flagged, c.
    // C's 0 lies below D's withheld 3 (1–7), which could be as low as 1: its rank is not given.
    const row = (locality: string, total: number) => ({
      locality,
      area: 'Portsmouth',
      found: { n: total },
      cpi: { n: 0 },
      disruptions: { n: 0 },
      total: { n: total },
      rank: 0,
      hotspot: false,
      previous_total: null,
      change: null,
    });
    const shown = discloseRows('hotspots', [row('A', 16), row('B', 13), row('C', 0), row('D', 3)], published, {
      metChildren: 0,
      areaTotals: {},
      hotspot: { top_pct: 10, min_total: 5 },
    });
    expect(shown.map((r) => [r.locality, r.total, r.rank, r.hotspot])).toEqual([
      ['A', 15, 1, 'c'],
      ['B', 15, 1, 'c'],
      ['C', 0, null, false],
      ['D', 'c', 'c', 'c'],
    ]);
    // With a cut of 2 (top 50%), both fit: both flagged, as the exact rule flags them (ranks 1 and 2).
    const wide = discloseRows('hotspots', [row('A', 16), row('B', 13), row('C', 0), row('D', 3)], published, {
      metChildren: 0,
      areaTotals: {},
      hotspot: { top_pct: 50, min_total: 5 },
    });
    expect(wide.slice(0, 2).map((r) => [r.locality, r.hotspot])).toEqual([
      ['A', true],
      ['B', true],
    ]);
  });

  it('hotspot rows: a total withheld to protect another could be the largest, so its area has no ranks or flags', () => {
    // The reviewer's case: Havant's total 56 (found 40, CPI 16) withheld to protect another count,
    // its parts published; Rushmoor's 48 (→ 50) would have been ranked first of the rest and flagged.
    // In the published answer a total of 1–7 (Hart: 5) has its parts not given, one withheld to
    // protect another has them given (or c): the reader learns nothing new. Another area is ranked as before.
    const row = (locality: string, area: string, found: number, cpi: number) => ({
      locality,
      area,
      found: { n: found },
      cpi: { n: cpi },
      disruptions: { n: 0 },
      total: { n: found + cpi },
      rank: 0,
      hotspot: false,
      previous_total: null,
      change: null,
    });
    const rows = [
      row('Havant', 'Hampshire', 40, 16),
      row('Rushmoor', 'Hampshire', 38, 10),
      row('Hart', 'Hampshire', 3, 2),
      row('Bargate', 'Southampton', 30, 5),
    ];
    const shown = discloseRows('hotspots', rows, published, {
      metChildren: 0,
      areaTotals: {},
      hotspot: { top_pct: 50, min_total: 5 },
      protect: (f, r) => (f === 'total' && r?.locality === 'Havant' ? 'c' : undefined),
    });
    expect(shown.map((r) => [r.locality, r.found, r.cpi, r.total, r.rank, r.hotspot])).toEqual([
      // Ranks all withheld: by name. (Hart's parts are c here; the published answer gives them as – later, lib/shown.ts.)
      ['Hart', 'c', 'c', 'c', 'c', 'c'],
      ['Havant', 40, 15, 'c', 'c', 'c'],
      ['Rushmoor', 40, 10, 50, 'c', 'c'],
      ['Bargate', 30, 'c', 35, 1, true],
    ]);
    // Without the protection, Hampshire's ranks are given: Havant 55 first, Rushmoor 50 second, Hart withheld (1–7).
    const plain = discloseRows('hotspots', rows, published, { metChildren: 0, areaTotals: {}, hotspot: { top_pct: 50, min_total: 5 } });
    expect(plain.filter((r) => r.area === 'Hampshire').map((r) => [r.locality, r.total, r.rank, r.hotspot])).toEqual([
      ['Havant', 55, 1, true],
      ['Rushmoor', 50, 2, true],
      ['Hart', 'c', 'c', 'c'],
    ]);
  });
});

describe('partner rule: the complement of a percentage, and the remainder of a group that adds up at most', () => {
  it('withholds a percentage whose complement (den − num) is 1–4: a count of people too', () => {
    // Isle of Wight, 2026-09 (the reviewer's case): 8 of 10 returns offered an interview = 80%,
    // shown beside returns 10 → 10 − 8 = 2 not offered. Southampton: 25 of 26 = 96.2% → 26 − 25 = 1.
    expect(primarySuppressed('pct', { num: 8, den: 10 })).toBe(true);
    expect(primarySuppressed('pct', { num: 25, den: 26 })).toBe(true);
    // 16 of 20: complement 4 → withheld; 15 of 20: complement 5 → shown; 40 of 40: complement 0 → shown.
    expect(primarySuppressed('pct', { num: 16, den: 20 })).toBe(true);
    expect(primarySuppressed('pct', { num: 15, den: 20 })).toBe(false);
    expect(primarySuppressed('pct', { num: 40, den: 40 })).toBe(false);
    // A ratio is not a share of its denominator: 8 per 10 stays.
    expect(primarySuppressed('ratio', { num: 8, den: 10 })).toBe(false);
  });

  it('a figure-like percentage and a row’s percentage field: withheld from partners, exact for the analyst', () => {
    // rhi_completed_72h_pct 25 of 26 → 96.2% for the analyst, c for the board (26 − 25 = 1).
    const f = figuresOf([{ measure: 'rhi_completed_72h_pct', breakdown: '', key: '', num: 25, den: 26 }]);
    const def = measureDef('rhi_completed_72h_pct')!;
    expect(shownFigures(parseRequest({ period: '2025-Q3', area: 'Southampton', role: 'board' }), f)(def, '2025-Q3').Southampton!.headline).toBe('c');
    expect(shownFigures(parseRequest({ period: '2025-Q3', area: 'Southampton', role: 'analyst' }), f)(def, '2025-Q3').Southampton!.headline).toBe(96.2);
    // service_gaps: Bargate 8 of 10 completed → c (2 not); Portswood 15 of 20 = 75% shown (5 not).
    const row = (locality: string, n: number, d: number) => ({ locality, rhi_completed_72h_pct: { n, d } });
    const shown = discloseRows('service_gaps', [row('Bargate', 8, 10), row('Portswood', 15, 20)], partner);
    expect(shown.map((r) => r.rhi_completed_72h_pct)).toEqual(['c', 75]);
    expect(discloseRows('service_gaps', [row('Bargate', 8, 10)], exact).map((r) => r.rhi_completed_72h_pct)).toEqual([80]);
  });

  it('a locality split that adds up to less than its total: a remainder of 1–4 counts as withheld', () => {
    // met_children 233 (Hampshire's 2026-Q1 figures, here in Southampton's table), localities 100 + 80 + 50 = 230: 3 have no locality. The remainder
    // (3) is an unshown cell of 1–4: room 233 − 230 = 3 < (1 − 1) + 5 → the smallest locality (50)
    // goes too: room 233 − 180 = 53 ≥ (2 − 1) + 5.
    const split = (total: number, cells: number[]) =>
      figuresOf([
        { measure: 'met_children', breakdown: '', key: '', num: total, den: null },
        ...cells.map((n, i) => ({ measure: 'met_children', breakdown: 'locality', key: `L${i + 1}`, num: n, den: null })),
      ]);
    const board = parseRequest({ period: '2025-Q3', area: 'Southampton', role: 'board' });
    const def = measureDef('met_children')!;
    expect(shownFigures(board, split(233, [100, 80, 50]))(def, '2025-Q3').Southampton).toEqual({
      headline: 233,
      by: { locality: { L1: 100, L2: 80, L3: 'c' } },
    });
    // A remainder of 0 (230 of 230) or of 5 (235) is fine: all shown.
    expect(shownFigures(board, split(230, [100, 80, 50]))(def, '2025-Q3').Southampton!.by.locality).toEqual({ L1: 100, L2: 80, L3: 50 });
    expect(shownFigures(board, split(235, [100, 80, 50]))(def, '2025-Q3').Southampton!.by.locality).toEqual({ L1: 100, L2: 80, L3: 50 });
    // 100, 80, 2 (primary) of 185: the 2 and the remainder 3 are two unshown cells: room 185 − 180 = 5
    // < (2 − 1) + 5 = 6 → 80 goes too (room 85). Of 186 (remainder 4): room 6 ≥ 6 → 80 stays.
    // (Without the remainder, one unshown cell in room 5 ≥ 5 would have left 80 shown: the 2 and the
    // 3 unrecorded would both be pinned to 1–4.)
    expect(shownFigures(board, split(185, [100, 80, 2]))(def, '2025-Q3').Southampton!.by.locality).toEqual({ L1: 100, L2: 'c', L3: 'c' });
    expect(shownFigures(board, split(186, [100, 80, 2]))(def, '2025-Q3').Southampton!.by.locality).toEqual({ L1: 100, L2: 80, L3: 'c' });
  });

  it('service_gaps: a column that adds up to less than the area’s total leaves a remainder of 1–4 → a cell goes', () => {
    // children_at_risk: A 70 + B 58 = 128 of the area's 129 → 1 with no locality: the smaller (58) goes,
    // room 129 − 70 = 59 ≥ (2 − 1) + 5. met_children 200 + 100 of 300: remainder 0, all shown.
    const row = (locality: string, atRisk: number, children: number) => ({ locality, children_at_risk: { n: atRisk }, met_children: { n: children } });
    const ctx = { metChildren: 300, areaTotals: { children_at_risk: 129, met_children: 300 } };
    const shown = discloseRows('service_gaps', [row('A', 70, 200), row('B', 58, 100)], partner, ctx);
    expect(shown.map((r) => [r.locality, r.children_at_risk, r.met_children])).toEqual([
      ['A', 70, 200],
      ['B', 'c', 100],
    ]);
    // Of 128 (remainder 0) nothing is withheld.
    const whole = discloseRows('service_gaps', [row('A', 70, 200), row('B', 58, 100)], partner, {
      ...ctx,
      areaTotals: { children_at_risk: 128, met_children: 300 },
    });
    expect(whole.map((r) => r.children_at_risk)).toEqual([70, 58]);
  });
});

// ---- properties ----

describe('properties of the partner rule', () => {
  const group = fc.record({
    cells: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 8 }),
    threshold: fc.integer({ min: 2, max: 8 }),
  });

  it('in a random additive group, the withheld cells leave each other room, zero is never withheld, and nothing outside changes', () => {
    fc.assert(
      fc.property(group, fc.integer({ min: 1, max: 7 }), ({ cells, threshold }, outside) => {
        const keys = cells.map((_, i) => `c${i}`);
        const values: Record<string, number> = { t: cells.reduce((s, x) => s + x, 0), out: outside };
        keys.forEach((k, i) => {
          values[k] = cells[i]!;
        });
        const value = (k: string) => values[k]!;
        const primary = new Set(keys.filter((k) => value(k) >= 1 && value(k) < threshold));
        if (value('t') >= 1 && value('t') < threshold) primary.add('t');
        // A key outside the group, small but not primary here: it must stay as it is.
        const hidden = partnerSecondary([{ total: 't', cells: keys }], primary, value, threshold);
        expect(hidden.has('out')).toBe(false);
        for (const k of primary) expect(hidden.has(k)).toBe(true);
        for (const k of keys) if (value(k) === 0) expect(hidden.has(k)).toBe(false);
        const withheld = keys.filter((k) => hidden.has(k));
        if (!hidden.has('t') && withheld.length > 0) {
          const sum = withheld.reduce((s, k) => s + value(k), 0);
          // The largest any withheld cell can be, the others being at least 1: sum − (k − 1).
          expect(sum - (withheld.length - 1)).toBeGreaterThanOrEqual(threshold);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('one area’s shown figures are the same whatever the other areas hold (no cascade across areas)', () => {
    const cellsOf = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(cellsOf, fc.array(cellsOf, { minLength: 4, maxLength: 4 }), (own, others) => {
        const fig = (c: number[]) => ({
          headline: count(c[0]! + c[1]! + c[2]!),
          by: { classification: { missing: count(c[0]!), absent: count(c[1]!), away: count(c[2]!) } },
        });
        const alone: MeasureTable = { Southampton: fig(own) };
        const full: MeasureTable = { Southampton: fig(own) };
        others.slice(0, 3).forEach((c, i) => {
          full[FOUR[i + 1]!] = fig(c);
        });
        full.all = fig([0, 1, 2].map((j) => own[j]! + others.slice(0, 3).reduce((s, c) => s + c[j]!, 0)));
        expect(discloseTable(episodesDef, full, partner).Southampton).toEqual(discloseTable(episodesDef, alone, partner).Southampton);
      }),
      { numRuns: 500 },
    );
  });

  it('no count of 1–4 is ever shown to partners, and no count of 1–7 or one not a multiple of 5 to the public', () => {
    const cellsOf = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(cellsOf, (c) => {
        const t: MeasureTable = {
          Southampton: {
            headline: count(c[0]! + c[1]! + c[2]!),
            by: { classification: { missing: count(c[0]!), absent: count(c[1]!), away: count(c[2]!) } },
          },
        };
        const p = discloseTable(episodesDef, t, partner).Southampton!;
        for (const v of [p.headline, ...Object.values(p.by.classification!)]) expect(typeof v === 'number' && v >= 1 && v <= 4).toBe(false);
        const pub = discloseTable(episodesDef, t, published).Southampton!;
        for (const v of [pub.headline, ...Object.values(pub.by.classification!)]) if (typeof v === 'number') expect(v % 5).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});

// The commissioners' comparisons (lib/compare.ts): the four areas with 95% intervals,
// reference lines and the chosen area highlighted; the groups in people's words, judged
// against the population only where the interval says so. Every figure is worked out by
// hand beside it (z = 1.959964 for 95%).

import { beforeAll, describe, expect, it } from 'vitest';
import { renderSvg } from '../../lib/charts.js';
import { areaComparisonChart, areasCommentary, groupsCommentary, intervalOf, judgeGroups, sideOf, type AreaComparison } from '../../lib/compare.js';
import { withDb } from '../../lib/db.js';
import { buildPage, type PageModel } from '../../lib/pages.js';
import { GROUP_WORDS } from '../../model/measures.js';
import { smallDemoWarehouse } from '../demo.js';

describe('the 95% interval of a shown figure', () => {
  it("is Byar's for a rate per 10,000, from its shown count over the population", () => {
    // Southampton's demo prevalence: 100 MET children, 50,659 children aged 0–17.
    // lower = 100·(1 − 1/900 − 1.959964/(3·√100))³ = 100·(1 − 0.0011111 − 0.0653321)³ = 100·0.9335568³ = 81.3621
    // upper = 101·(1 − 1/909 + 1.959964/(3·√101))³ = 101·(1 − 0.0011001 + 0.0650075)³ = 101·1.0639074³ = 121.6279
    // per 10,000: 81.3621 / 50,659 × 10,000 = 16.061; 121.6279 / 50,659 × 10,000 = 24.009
    const i = intervalOf('per10k', 19.7, 100, 50_659)!;
    expect(i.lower).toBeCloseTo(16.061, 3);
    expect(i.upper).toBeCloseTo(24.009, 3);
    // A count of 0: lower 0, upper Byar's 3.6680 over 22,280 = 1.646 per 10,000.
    const zero = intervalOf('per10k', 0, 0, 22_280)!;
    expect(zero.lower).toBe(0);
    expect(zero.upper).toBeCloseTo(1.646, 3);
  });

  it("is Wilson's for a percentage, from its shown denominator", () => {
    // 73.1% of 134 returns: k = round(0.731 × 134) = round(97.95) = 98.
    // p = 98/134 = 0.731343, q = 0.268657; 4kq = 105.313; √(3.841459 + 105.313) = 10.44774; z·√ = 20.47718
    // lower = (196 + 3.841459 − 20.47718) / (2·(134 + 3.841459)) = 179.3643 / 275.6829 = 0.650618
    // upper = (196 + 3.841459 + 20.47718) / 275.6829 = 220.3186 / 275.6829 = 0.799174
    const i = intervalOf('pct', 73.1, 134)!;
    expect(i.lower).toBeCloseTo(65.0618, 3);
    expect(i.upper).toBeCloseTo(79.9174, 3);
  });

  it('is none for a withheld figure, or a figure whose count or denominator is withheld', () => {
    expect(intervalOf('per10k', 'c', 'c', 50_659)).toBeUndefined();
    expect(intervalOf('per10k', 8.1, 'c', 50_659)).toBeUndefined();
    expect(intervalOf('pct', 'c', 134)).toBeUndefined();
    expect(intervalOf('pct', null, 0)).toBeUndefined();
  });

  it('lies to one side of a reference only when wholly beyond it', () => {
    expect(sideOf({ lower: 16.1, upper: 24.0 }, 10.8)).toBe('above');
    expect(sideOf({ lower: 8.1, upper: 10.3 }, 10.8)).toBe('below');
    expect(sideOf({ lower: 9.3, upper: 14.4 }, 10.8)).toBe('within');
  });
});

/** The demo's prevalence, 2026-Q3 (intervals as above, rounded): Southampton chosen, the Isle of Wight withheld for the test. */
const prevalence: AreaComparison = {
  id: 'areas-prevalence_per_10k',
  label: 'MET prevalence per 10,000 children',
  kind: 'per10k',
  areas: [
    { area: 'Southampton', value: 19.7, interval: { lower: 16.1, upper: 24.0 } },
    { area: 'Portsmouth', value: 11.6, interval: { lower: 8.5, upper: 15.3 } },
    { area: 'Hampshire', value: 9.1, interval: { lower: 8.1, upper: 10.3 } },
    { area: 'Isle of Wight', value: 'c' },
  ],
  partnership: { area: 'all', value: 10.8, interval: { lower: 9.8, upper: 11.9 } },
  chosen: 'Southampton',
};

describe('the four areas compared', () => {
  it('says which area is highest and lowest, which differ from the four areas beyond chance, and which is withheld', () => {
    expect(areasCommentary(prevalence)).toBe(
      'MET prevalence per 10,000 children: highest in Southampton 19.7 (95% interval 16.1 to 24.0), lowest in Hampshire 9.1 (95% interval 8.1 to 10.3).' +
        ' All four areas together: 10.8 (95% interval 9.8 to 11.9).' +
        // 16.1 > 10.8: above; 10.3 < 10.8: below; Portsmouth's 8.5–15.3 includes 10.8.
        ' Southampton is above the four areas’ figure by more than chance; Hampshire is below it by more than chance (the 95% interval lies wholly to one side); for the rest the difference is within chance.' +
        ' Isle of Wight: withheld (c) to protect confidentiality, so not drawn or compared.',
    );
  });

  it('names the chosen area when it is neither highest nor lowest, and judges against the national figure where there is one', () => {
    const rhi: AreaComparison = {
      id: 'areas-rhi',
      label: 'Interviews completed within 72 hours',
      kind: 'pct',
      areas: [
        { area: 'Southampton', value: 73.1, interval: { lower: 65.1, upper: 79.9 } },
        { area: 'Portsmouth', value: 71.4, interval: { lower: 57.6, upper: 82.2 } },
        { area: 'Isle of Wight', value: 62.5, interval: { lower: 47.0, upper: 75.8 } },
      ],
      national: { value: 63, words: 'National figure (England, 2023-24)' },
      chosen: 'Portsmouth',
    };
    expect(areasCommentary(rhi)).toBe(
      'Interviews completed within 72 hours: highest in Southampton 73.1% (95% interval 65.1% to 79.9%), lowest in Isle of Wight 62.5% (95% interval 47.0% to 75.8%).' +
        ' Portsmouth, the chosen area: 71.4% (95% interval 57.6% to 82.2%).' +
        // 65.1 > 63: above; 57.6 ≤ 63 ≤ 82.2 and 47.0 ≤ 63 ≤ 75.8: within.
        ' Against the national figure of 63.0% (England, 2023-24), above it by more than chance: Southampton.',
    );
  });

  it('draws each area with its interval, the reference lines, and the chosen area outlined, coloured and labelled in bold; a withheld figure is not drawn', async () => {
    const chart = areaComparisonChart(prevalence, 'MET prevalence per 10,000 children, July–September 2026');
    expect(chart.kind).toBe('vega-lite');
    if (chart.kind !== 'vega-lite') return;
    const spec = chart.spec as { data: { values: Record<string, unknown>[] }; layer: Record<string, any>[] };
    // Three bars drawn (the Isle of Wight's c is not), the chosen one labelled and marked.
    expect(spec.data.values).toEqual([
      { area: 'Southampton (chosen)', value: 19.7, lower: 16.1, upper: 24, which: 'Chosen area' },
      { area: 'Portsmouth', value: 11.6, lower: 8.5, upper: 15.3, which: 'Other areas' },
      { area: 'Hampshire', value: 9.1, lower: 8.1, upper: 10.3, which: 'Other areas' },
    ]);
    const [bars, errors, rules] = spec.layer;
    expect(bars!.encoding.strokeWidth.scale).toEqual({ domain: ['Chosen area', 'Other areas'], range: [3, 0] });
    expect(bars!.encoding.y.axis.labelFontWeight.condition).toEqual({ test: 'datum.value === "Southampton (chosen)"', value: 'bold' });
    expect(errors!.mark.type).toBe('errorbar');
    expect(errors!.encoding.x.field).toBe('lower');
    expect(errors!.encoding.x2.field).toBe('upper');
    expect(rules!.data.values).toEqual([{ line: 'All four areas (10.8)', value: 10.8 }]);
    // The data table: every area, its interval, the partnership row; the withheld one reads c.
    expect(chart.table.rows).toEqual([
      { area: 'Southampton (chosen)', value: 19.7, lower: 16.1, upper: 24, against: 'above, beyond chance' },
      { area: 'Portsmouth', value: 11.6, lower: 8.5, upper: 15.3, against: 'within chance' },
      { area: 'Hampshire', value: 9.1, lower: 8.1, upper: 10.3, against: 'below, beyond chance' },
      { area: 'Isle of Wight', value: 'c', lower: 'c', upper: 'c', against: 'withheld (c)' },
      { area: 'All four areas', value: 10.8, lower: 9.8, upper: 11.9, against: '' },
    ]);
    expect(chart.description).toContain('Southampton, the chosen area, is drawn in orange with a thick black outline and labelled in bold “(chosen)”.');
    expect(chart.description).toContain('Isle of Wight: withheld (c)');
    // Vega draws it: the chosen label in bold, the others not.
    const svg = await renderSvg(chart.spec);
    expect(svg).toMatch(/font-weight="bold"[^>]*>Southampton \(chosen\)</);
    expect(svg).toMatch(/font-weight="normal"[^>]*>Portsmouth</);
    expect(svg).not.toContain('Isle of Wight');
  });

  it('says a published figure not given is not given (part of a withheld one), and one with nothing to measure has no figure', () => {
    const c: AreaComparison = {
      id: 'areas-nrm',
      label: 'NRM referrals per 10,000',
      kind: 'per10k',
      areas: [
        { area: 'Southampton', value: null, notGiven: true },
        { area: 'Portsmouth', value: null },
      ],
      partnership: { area: 'all', value: 'c' },
    };
    expect(areasCommentary(c)).toBe(
      'NRM referrals per 10,000: no area’s figure can be shown. All four areas together: withheld (c) to protect confidentiality, so no area is compared with it.' +
        ' Southampton: not given, as part of a figure withheld (c) to protect confidentiality. Portsmouth: no figure for this period.',
    );
  });

  it('highlights nothing when all four areas are chosen', () => {
    const { chosen: _c, ...all } = prevalence;
    const chart = areaComparisonChart(all, 't');
    if (chart.kind !== 'vega-lite') throw new Error('not vega-lite');
    const spec = chart.spec as { data: { values: { area: string; which: string }[] }; layer: { encoding: { color?: { legend?: unknown } } }[] };
    // One kind of bar, not "Other areas" with nothing to be other than, and no legend of one item.
    expect(spec.data.values.every((v) => v.which === 'The four areas' && !v.area.includes('chosen'))).toBe(true);
    expect(spec.layer[0]!.encoding.color!.legend).toBeNull();
  });
});

describe('who MET children are, against the population', () => {
  // The demo's 2026-Q3 rows for all four areas: 434 MET children.
  const rows = [
    { dimension: 'sex', group: 'F', children: 207, share_pct: 47.7, population_share_pct: 48.7 },
    { dimension: 'sex', group: 'U', children: 'c', share_pct: 'c', population_share_pct: null },
    { dimension: 'age_band', group: '0-9', children: 8, share_pct: 1.8, population_share_pct: 53 },
    { dimension: 'age_band', group: '14-15', children: 163, share_pct: 37.6, population_share_pct: 11.9 },
    { dimension: 'looked_after', group: 'yes', children: 167, share_pct: 38.5, population_share_pct: null },
  ];

  it('judges a group over- or under-represented only where the Wilson interval of its share excludes the population share', () => {
    const judged = judgeGroups(rows, 434);
    // 207 of 434: p = 0.476959; interval 43.04% to 52.39% includes 48.7%: within chance.
    expect(judged[0]!.representation).toBe('within');
    expect(judged[0]!.interval!.lower).toBeCloseTo(43.0376, 3);
    expect(judged[0]!.interval!.upper).toBeCloseTo(52.3945, 3);
    // Withheld: no interval, not judged.
    expect(judged[1]!).toMatchObject({ words: 'Sex not known', representation: 'withheld' });
    expect(judged[1]!.interval).toBeUndefined();
    // 8 of 434: 0.94% to 3.59%, wholly below 53%: under-represented.
    expect(judged[2]!.representation).toBe('under');
    expect(judged[2]!.interval!.upper).toBeCloseTo(3.5947, 3);
    // 163 of 434: (326 + 3.841459 ∓ 39.73268) / 875.6829 = 33.13% to 42.20%, wholly above 11.9%: over-represented.
    expect(judged[3]!.representation).toBe('over');
    expect(judged[3]!.interval!.lower).toBeCloseTo(33.1294, 3);
    expect(judged[3]!.interval!.upper).toBeCloseTo(42.2041, 3);
    // No population figure: shown, not judged.
    expect(judged[4]!).toMatchObject({ words: 'Looked after', representation: 'no_population' });
  });

  it('names the over- and under-represented groups with their intervals, in words', () => {
    expect(groupsCommentary(judgeGroups(rows, 434))).toEqual([
      'Over-represented among MET children against the child population (the 95% interval of their share lies above the population share): Aged 14–15 (37.6% of MET children, 95% interval 33.1% to 42.2%, against 11.9% of children).',
      'Under-represented (the interval lies below the population share): Aged 0–9 (1.8% of MET children, 95% interval 0.9% to 3.6%, against 53.0% of children).',
      'In line with the population, any difference within chance: Female.',
      'Looked-after status has no population figure to compare with: its shares are shown, not judged.',
      'Withheld (c) to protect confidentiality: Sex not known.',
    ]);
  });

  it('says no group differs beyond chance when none does', () => {
    expect(groupsCommentary(judgeGroups([rows[0]!], 434))).toEqual(['No group is over- or under-represented beyond chance against the child population.']);
  });
});

describe("the demo's pages", () => {
  let db: string;
  const refresh = { refresh_id: 'r', finished_at: null };
  beforeAll(async () => {
    ({ db } = await smallDemoWarehouse());
  }, 240_000);

  const page = (p: 'groups' | 'areas' | 'places', area: string, role: 'board' | 'public' = 'board') =>
    withDb(db, { readOnly: true }, (d) => buildPage(d, { page: p, area, period: '2026-Q3', ages: '0-17', role, refresh }));

  it('never lets a group or dimension code reach the groups page model: charts, table and commentary are in words', async () => {
    const codes = new Set([
      'F',
      'M',
      'X',
      'U',
      'yes',
      'no',
      'not known',
      '0-9',
      '10-13',
      '14-15',
      '16-17',
      'sex',
      'age_band',
      'looked_after',
      'disability',
      'ethnicity',
      'Not known',
      'Other',
    ]);
    const words = new Set(Object.values(GROUP_WORDS).flatMap((g) => Object.values(g)));
    for (const role of ['board', 'public'] as const) {
      const m: PageModel = await page('groups', 'all', role);
      const table = m.tables.find((t) => t.id === 'group_profile')!;
      expect(table.rows.length).toBeGreaterThan(10);
      for (const r of table.rows) {
        expect(codes.has(String(r.group)), String(r.group)).toBe(false);
        expect(words.has(String(r.group)), String(r.group)).toBe(true);
        expect(codes.has(String(r.dimension))).toBe(false);
      }
      const categories = m.charts.flatMap((c) => c.table.rows.map((r) => String(r.category)));
      expect(categories.length).toBeGreaterThan(10);
      for (const c of categories) expect(words.has(c), c).toBe(true);
      expect(categories).toContain('Looked after');
      expect(categories).toContain('Aged 14–15');
      const said = m.commentary.join(' ');
      expect(said).not.toMatch(/\b(age_band|looked_after|14-15|16-17)\b/);
      // The demo's 14–15-year-olds are far above their population share: over-represented, with an interval.
      // The board reads percentages with one decimal; the public whole (the published rule: "41%", never "41.0%").
      const pct = role === 'board' ? '\\d+\\.\\d%' : '\\d+%';
      expect(said).toMatch(
        new RegExp(`Over-represented among MET children .*Aged 14–15 \\(${pct} of MET children, 95% interval ${pct} to ${pct}, against ${pct} of children\\)`),
      );
      if (role === 'public') expect(said).not.toMatch(/\d\.\d%/);
    }
  });

  it('highlights the chosen area on every chart of the areas page, with intervals and the reference lines', async () => {
    const m = await page('areas', 'Hampshire');
    // Prevalence, children missing and at risk, interview completion at least: Hampshire's counts are large enough at scale 0.2.
    expect(m.charts.length).toBeGreaterThanOrEqual(4);
    for (const c of m.charts) {
      if (c.kind !== 'vega-lite') throw new Error(c.id);
      const spec = c.spec as {
        data: { values: { area: string; lower?: number }[] };
        layer: { mark: { type: string } | string; data?: { values: { line: string }[] } }[];
      };
      expect(c.table.rows[2]!.area).toBe('Hampshire (chosen)');
      const partnership = c.table.rows.at(-1)!;
      expect(partnership.area).toBe('All four areas');
      const lines = spec.layer[2]?.data?.values.map((v) => v.line) ?? [];
      // The four areas' figure is a reference line wherever it is shown.
      expect(
        lines.some((l) => /^All four areas \(\d+\.\d%?\)$/.test(l)),
        c.id,
      ).toBe(typeof partnership.value === 'number');
      // The national comparator only for interview completion (0–17).
      expect(
        lines.some((l) => l.startsWith('National figure')),
        c.id,
      ).toBe(c.id === 'areas-rhi_completed_72h_pct');
      expect(spec.layer.slice(0, 2).map((l) => (typeof l.mark === 'string' ? l.mark : l.mark.type))).toEqual(['bar', 'errorbar']);
      // Every bar drawn has its interval, and the chosen one is drawn.
      for (const v of spec.data.values) expect(typeof v.lower, v.area).toBe('number');
      // The chosen area is drawn wherever its figure is shown (a withheld one is not drawn).
      expect(spec.data.values.map((v) => v.area).includes('Hampshire (chosen)'), c.id).toBe(typeof c.table.rows[2]!.value === 'number');
    }
    expect(m.charts.filter((c) => c.table.rows[2]!.value !== 'c').length).toBeGreaterThanOrEqual(4);
    // One commentary sentence per measure, each in plain words.
    expect(m.commentary).toHaveLength(5);
    expect(m.commentary[0]).toMatch(/^MET prevalence per 10,000 children: highest in \w/);
  });

  it('says each measure once on the areas page: a figure the chosen area has withheld is not repeated by the generic sentence', async () => {
    // Portsmouth, 2026-Q3 at scale 0.2: its children missing and its interview completion are withheld (c).
    // The comparison's own sentence names it; the generic "<label>: withheld (c) to protect confidentiality."
    // (lib/commentary.ts, the withheld list) said it a second time, after the figures, as if nothing were shown.
    const m = await page('areas', 'Portsmouth');
    expect(m.commentary).not.toContain('Children missing per 10,000: withheld (c) to protect confidentiality.');
    expect(m.commentary).not.toContain('Interviews completed within 72 hours: withheld (c) to protect confidentiality.');
    // The one sentence for children missing. The Isle of Wight's 0 of ~4,456 children (scale 0.2 of
    // 22,280): Byar's upper for 0 is 3.668, over 4,456 × 10,000 = 8.2.
    expect(m.commentary.filter((s) => s.startsWith('Children missing per 10,000'))).toEqual([
      'Children missing per 10,000: highest in Hampshire 6.5 (95% interval 4.6 to 8.9), lowest in Isle of Wight 0.0 (95% interval 0.0 to 8.2). ' +
        'All four areas together: 7.2 (95% interval 5.5 to 9.4). No area differs from the four areas’ figure by more than chance ' +
        '(every 95% interval includes it). Southampton and Portsmouth: withheld (c) to protect confidentiality, so not drawn or compared.',
    ]);
    // Every measure compared has exactly one sentence.
    for (const label of [
      'MET prevalence per 10,000 children',
      'Children missing per 10,000',
      'Children at risk per 10,000',
      'NRM referrals per 10,000',
      'Interviews completed within 72 hours',
    ]) {
      expect(m.commentary.filter((s) => s.startsWith(`${label}:`)).length, label).toBe(1);
    }
  });

  it('orders the places table by area, then rank within it', async () => {
    const m = await page('places', 'all');
    const t = m.tables.find((x) => x.id === 'hotspots')!;
    const order = ['Southampton', 'Portsmouth', 'Hampshire', 'Isle of Wight'];
    const key = (r: Record<string, unknown>) => [order.indexOf(String(r.area)), typeof r.rank === 'number' ? r.rank : 1e9];
    const keys = t.rows.map(key);
    const sorted = [...keys].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    expect(keys).toEqual(sorted);
    expect(t.columns.slice(0, 3).map((c) => c.key)).toEqual(['area', 'rank', 'locality']);
    // Every area is there, each starting at rank 1 (or a withheld rank).
    expect(new Set(t.rows.map((r) => r.area))).toEqual(new Set(order));
  });
});

// A chart whose every figure is withheld is no chart but a sentence (lib/charts.ts,
// lib/pages.ts); a tile's comparison says which figure is withheld.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../../lib/db.js';
import type { Role } from '../../lib/disclosure.js';
import { buildPage, withheldComparisonText } from '../../lib/pages.js';
import { measureDef } from '../../lib/catalogue.js';
import { demoWarehouse } from '../demo.js';
import { remembering } from '../remember.js';
import {
  barChart,
  emptyChartText,
  everyFigureWithheld,
  groupedBarChart,
  multiLineChart,
  nothingToDraw,
  renderSvg,
  SPC_LINES,
  spcChart,
  unitTitle,
  withheldChartText,
} from '../../lib/charts.js';
import { xmr } from '../../lib/spc.js';

const bar = (values: ('c' | number | null)[]) =>
  barChart({
    id: 'cpi_submissions-by-theme',
    title: 'CPI submissions by theme, Jul to Sep 2026',
    valueLabel: 'CPI submissions',
    categoryLabel: 'Theme',
    items: values.map((value, i) => ({ key: `t${i}`, value })),
    kind: 'count',
  });

describe('a chart whose every figure is withheld', () => {
  it('is recognised: all c (or c beside no figure); one shown figure, even 0, is a chart', () => {
    // Isle of Wight's themes for the board, 2026-Q3: c, c, c → nothing to plot.
    expect(everyFigureWithheld(bar(['c', 'c', 'c']))).toBe(true);
    expect(everyFigureWithheld(bar(['c', null]))).toBe(true);
    expect(everyFigureWithheld(bar(['c', 0]))).toBe(false);
    expect(everyFigureWithheld(bar(['c', 12]))).toBe(false);
    // No figure at all (a % of nothing) is not withholding: left as it was.
    expect(everyFigureWithheld(bar([null, null]))).toBe(false);
    // An SPC chart of a trend all c; its `reading` column ('withheld') is words, not a figure.
    const trend = {
      periods: ['2026-Q2', '2026-Q3'],
      values: ['c', 'c'] as ('c' | number)[],
      spc: { status: 'too_few_points' as const, n: 0, needed: 12, summary: '' },
    };
    expect(everyFigureWithheld(spcChart({ id: 'spc-x', label: 'X', trend }))).toBe(true);
    // A group chart beside the population's share (public, shown) still draws bars.
    const groups = groupedBarChart({
      id: 'groups-sex',
      title: 't',
      valueLabel: '% share',
      categoryLabel: 'Sex',
      kind: 'pct',
      seriesNames: ['Share of MET children', 'Share of the population'],
      items: [{ category: 'F', values: ['c', 51] }],
    });
    expect(everyFigureWithheld(groups)).toBe(false);
  });
  it('is replaced by a sentence saying so', () => {
    expect(withheldChartText('CPI submissions by theme, Jul to Sep 2026')).toBe(
      'CPI submissions by theme, Jul to Sep 2026: no chart is drawn, as every figure in it is withheld (c).',
    );
  });
});

describe('a chart with nothing to plot (every figure withheld, not given or with nothing to measure)', () => {
  it('is recognised: no shown figure at all; one shown figure, even 0, is a chart', () => {
    expect(nothingToDraw(bar(['c', 'c']))).toBe(true);
    // The public's NRM referrals per 10,000 for the four areas: each not given (–).
    expect(nothingToDraw(bar([null, null, null, null]))).toBe(true);
    expect(nothingToDraw(bar(['c', null]))).toBe(true);
    expect(nothingToDraw(bar(['c', 0]))).toBe(false);
    expect(nothingToDraw(bar([null, 3]))).toBe(false);
    // An SPC chart's `reading` column is words: a trend of c with readings is still empty.
    const trend = { periods: ['2026-Q2', '2026-Q3'], values: [null, null] as (number | null)[], spc: xmr([null, null]) };
    expect(nothingToDraw(spcChart({ id: 'spc-x', label: 'X', trend }))).toBe(true);
  });
  it('says what is withheld, under the rule of the audience', () => {
    const t = 'CPI submissions by theme, Jul to Sep 2026';
    // All c: the sentence as before.
    expect(emptyChartText(bar(['c', 'c', 'c']), false)).toBe(withheldChartText(t));
    expect(emptyChartText(bar(['c', 'c', 'c']), true)).toBe(withheldChartText(t));
    // The public: 4 figures, none given.
    expect(emptyChartText(bar([null, null, null, null]), true)).toBe(
      `${t}: no chart is drawn, as none of its 4 figures is given (–): each is withheld, or worked out from a withheld count.`,
    );
    // 1 c and 2 not given (the public), or 1 c and 2 periods with nothing to measure.
    expect(emptyChartText(bar(['c', null, null]), true)).toBe(`${t}: no chart is drawn, as 1 figure in it is withheld (c) and 2 not given (–).`);
    expect(emptyChartText(bar(['c', 'c', null]), false)).toBe(`${t}: no chart is drawn, as 2 figures in it are withheld (c) and 1 with nothing to measure.`);
    expect(emptyChartText(bar([null]), false)).toBe(`${t}: no chart is drawn, as there is nothing to measure in the period.`);
  });
  it('a chart that is drawn names, in its caption, the categories it leaves out', () => {
    // The four areas with only Hampshire shown: the other three named as withheld or not given.
    const chart = barChart({
      id: 'areas-nrm_referrals_per_10k',
      title: 'NRM referrals per 10,000',
      valueLabel: 'NRM referrals per 10,000',
      categoryLabel: 'Area',
      kind: 'per10k',
      items: [
        { key: 'Southampton', value: 'c' },
        { key: 'Portsmouth', value: 'c' },
        { key: 'Hampshire', value: 2.4 },
        { key: 'Isle of Wight', value: null },
      ],
    });
    expect(chart.description).toBe(
      'NRM referrals per 10,000: NRM referrals per 10,000 by area for 4 categories; the largest is Hampshire with 2.4. ' +
        'Not plotted: Southampton and Portsmouth, withheld (c); Isle of Wight, no figure given (–).',
    );
  });
});

describe('SPC limit lines, axes and units', () => {
  // 11 points of 10 then 40: mean (11×10 + 40)/12 = 12.5; moving ranges 0 ×10 and 30 → mean MR 30/11 = 2.727…;
  // limits 12.5 ± 2.66 × 2.727… = 12.5 ± 7.254… → 19.754… and 5.245…
  const periods = Array.from({ length: 12 }, (_, i) => `${2024 + Math.floor(i / 4)}-Q${(i % 4) + 1}`);
  const values = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 40];
  const spc = xmr(values);
  const chart = spcChart({ id: 'spc-y', label: 'Missing episodes', kind: 'count', trend: { periods, values, spc } });
  if (chart.kind !== 'vega-lite') throw new Error('not vega-lite');
  const layers = chart.spec.layer as { mark: { type: string }; data?: { values: { line: string; value: number }[] }; encoding: Record<string, any> }[];
  const rules = layers.find((l) => l.mark.type === 'rule')!;

  it('gives the mean and each process limit its own dash pattern, named in the legend', () => {
    if (spc.status !== 'ok') throw new Error('no reading');
    expect(spc.mean).toBeCloseTo(12.5, 10);
    expect(spc.upper_limit).toBeCloseTo(12.5 + (2.66 * 30) / 11, 10);
    expect(rules.data!.values.map((r) => r.line)).toEqual(['Mean', 'Upper process limit', 'Lower process limit']);
    const dash = rules.encoding.strokeDash;
    expect(dash.title).toBe('Line');
    expect(dash.scale.domain).toEqual(['Mean', 'Upper process limit', 'Lower process limit']);
    expect(dash.scale.range).toEqual([SPC_LINES.mean.dash, SPC_LINES.upper.dash, SPC_LINES.lower.dash]);
    // Three different patterns: not told apart by colour only.
    expect(new Set(dash.scale.range.map((d: number[]) => d.join(','))).size).toBe(3);
  });

  it('draws the legend with the three names (rendered to SVG)', async () => {
    const svg = await renderSvg(chart.spec);
    for (const name of ['Mean', 'Upper process limit', 'Lower process limit']) expect(svg).toContain(`>${name}<`);
    // Its dash patterns are drawn: the upper limit's 8,4 and the lower's 2,3.
    expect(svg).toMatch(/stroke-dasharray="8,4"/);
    expect(svg).toMatch(/stroke-dasharray="2,3"/);
  });

  it('keeps period labels level, counts whole, and the unit in the value axis title', async () => {
    const line = layers[0]!.encoding;
    expect(line.x.axis.labelAngle).toBe(0);
    expect(line.y.axis.format).toBe(',d');
    expect(line.y.axis.tickMinStep).toBe(1);
    expect(line.y.title).toBe('Missing episodes');
    expect(unitTitle('Interviews completed within 72 hours', 'pct')).toBe('Interviews completed within 72 hours (%)');
    expect(unitTitle('% share', 'pct')).toBe('% share');
    expect(unitTitle('NRM referrals per 10,000', 'per10k')).toBe('NRM referrals per 10,000');
    // A count axis has no "0.0" or "0.5" tick: its labels in the SVG are whole numbers.
    const small = barChart({
      id: 'actions-rag',
      title: 'Actions by RAG',
      valueLabel: 'Actions',
      categoryLabel: 'RAG',
      kind: 'count',
      items: [
        { key: 'red', value: 1 },
        { key: 'amber', value: 2 },
      ],
    });
    if (small.kind !== 'vega-lite') throw new Error('not vega-lite');
    const svg = await renderSvg(small.spec);
    expect(svg).not.toMatch(/>\d+\.\d+</);
    // A percentage trend: its tooltip with one decimal (its ticks a plain scale), the title with "%".
    const pct = multiLineChart({
      id: 'm',
      title: 't',
      valueLabel: 'Interviews within 72 hours',
      kind: 'pct',
      series: [{ name: 'a', periods: ['2026-Q2', '2026-Q3'], values: [66, 68.5] }],
    });
    if (pct.kind !== 'vega-lite') throw new Error('not vega-lite');
    const enc = (pct.spec.layer as { encoding: Record<string, any> }[])[0]!.encoding;
    expect(enc.y.axis.format).toBeUndefined();
    expect(enc.tooltip.find((t: { field: string }) => t.field === 'value').format).toBe(',.1f');
    expect(enc.y.title).toBe('Interviews within 72 hours (%)');
    expect(pct.table.columns[1]!.kind).toBe('pct');
  });
});

describe('a tile’s change: which comparison is withheld', () => {
  it('names this period’s figure, the previous one’s, or both', () => {
    expect(withheldComparisonText(false, true, 'quarter')).toBe("no comparison with the previous quarter: the previous quarter's figure is withheld (c)");
    expect(withheldComparisonText(true, false, 'quarter')).toBe("no comparison with the previous quarter: this quarter's figure is withheld (c)");
    expect(withheldComparisonText(true, true, 'month')).toBe(
      "no comparison with the previous month: this month's and the previous month's figures are withheld (c)",
    );
  });
});

describe('on the demo data (seed 2026, scale 1, as `npm start`): the board’s Places page for the Isle of Wight', () => {
  /** The demo warehouse, read-only, opened once: it remembers its answers (tests/remember.ts). */
  let db: Db;
  let quarter: string;
  beforeAll(async () => {
    // The latest complete quarter is 2026-Q3 (the extracts run to 30 September 2026).
    const demo = await demoWarehouse();
    quarter = demo.quarter;
    db = remembering(await openDb(demo.db, { readOnly: true }));
  }, 300_000);
  afterAll(() => db?.close());

  it('draws no empty frame: "CPI submissions by theme" (every theme c) is a sentence, not a chart', async () => {
    const build = (role: Role) =>
      buildPage(db, {
        page: 'places',
        area: 'Isle of Wight',
        period: quarter,
        ages: '0-17',
        role,
        trend: 12,
        refresh: { refresh_id: 'x', finished_at: null },
      });
    const board = await build('board');
    const analyst = await build('analyst');
    // The analyst sees the chart with its exact figures; the board's would be all c.
    const exact = analyst.charts.find((c) => c.id === 'cpi_submissions-by-theme')!;
    expect(exact.table.rows.some((r) => typeof r.value === 'number')).toBe(true);
    expect(board.charts.some((c) => c.id === 'cpi_submissions-by-theme')).toBe(false);
    expect(board.commentary).toContain(withheldChartText(exact.title));
    // And every chart the board is given has a figure to draw.
    for (const c of board.charts) expect(nothingToDraw(c), c.id).toBe(false);
  });

  it('the public: a chart with no figure given (all –) is a sentence too, on every page', async () => {
    const build = (page: 'places' | 'areas' | 'overview' | 'missing' | 'risk' | 'groups' | 'gaps') =>
      buildPage(db, {
        page,
        area: 'Isle of Wight',
        period: quarter,
        ages: '0-17',
        role: 'public',
        trend: 12,
        refresh: { refresh_id: 'x', finished_at: null },
      });
    const places = await build('places');
    // The Isle of Wight's CPI submissions by theme, for the public: 6 submissions (c), in 4 of
    // the 5 themes (CCE 1, CSE 1, county_lines 3, trafficking 1; other 0), none given: all 5
    // listed, the one with none among them (tests/lib/notGivenKeys.test.ts).
    expect(places.charts.some((c) => c.id === 'cpi_submissions-by-theme')).toBe(false);
    expect(places.commentary).toContain(
      'CPI submissions by theme, July–September 2026: no chart is drawn, as none of its 5 figures is given (–): each is withheld, or worked out from a withheld count.',
    );
    // NRM referrals per 10,000 across the four areas: none given to the public.
    const areas = await build('areas');
    expect(areas.charts.some((c) => c.id === 'areas-nrm_referrals_per_10k')).toBe(false);
    // The areas block says it in its own sentence (lib/compare.ts), once: no second, generic one.
    expect(areas.commentary.filter((s) => s.startsWith('NRM referrals per 10,000'))).toEqual([
      'NRM referrals per 10,000: no area’s figure can be shown. Southampton, Portsmouth, Hampshire and Isle of Wight: not given, as part of a figure withheld (c) to protect confidentiality.',
    ]);
    for (const page of ['overview', 'missing', 'risk', 'groups', 'gaps'] as const) {
      const m = await build(page);
      for (const c of m.charts) expect(nothingToDraw(c), `${page} ${c.id}`).toBe(false);
      // A tile whose chart was not drawn does not point at it.
      for (const t of m.tiles)
        if (t.chart)
          expect(
            m.charts.some((c) => c.id === t.chart),
            `${page} ${t.id}`,
          ).toBe(true);
    }
    for (const c of [...places.charts, ...areas.charts]) expect(nothingToDraw(c), c.id).toBe(false);
  });

  it('public tiles: the previous and year-earlier figures are marked ≈ where rounded, as the headline is', async () => {
    const model = await buildPage(db, {
      page: 'overview',
      area: 'Isle of Wight',
      period: quarter,
      ages: '0-17',
      role: 'public',
      trend: 12,
      refresh: { refresh_id: 'x', finished_at: null },
    });
    const counts = model.tiles.filter((t) => measureDef(t.id)?.kind === 'count');
    const compared = counts.flatMap((t) => [t.previous, t.year_earlier]).filter((c) => typeof c?.value === 'number' && c.value !== 0);
    expect(compared.length).toBeGreaterThan(0);
    // A rounded count (a multiple of 5, not 0) displays as "≈ n"; 0 and c as they are.
    for (const c of compared) expect(c!.display).toBe(`≈ ${(c!.value as number).toLocaleString('en-GB')}`);
  });
});

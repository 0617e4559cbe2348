// A chart whose every figure is withheld is no chart but a sentence (lib/charts.ts,
// lib/pages.ts); a tile's comparison says which figure is withheld.

import { beforeAll, describe, expect, it } from 'vitest';
import { withDb } from '../../lib/db.js';
import type { Role } from '../../lib/disclosure.js';
import { buildPage, withheldComparisonText } from '../../lib/pages.js';
import { measureDef } from '../../lib/catalogue.js';
import { demoWarehouse } from '../demo.js';
import { barChart, everyFigureWithheld, groupedBarChart, spcChart, withheldChartText } from '../../lib/charts.js';

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
  let db: string;
  let quarter: string;
  beforeAll(async () => {
    // The latest complete quarter is 2026-Q3 (the extracts run to 30 September 2026).
    ({ db, quarter } = await demoWarehouse());
  }, 300_000);

  it('draws no empty frame: "CPI submissions by theme" (every theme c) is a sentence, not a chart', async () => {
    const build = (role: Role) =>
      withDb(db, { readOnly: true }, (d) =>
        buildPage(d, {
          page: 'places',
          area: 'Isle of Wight',
          period: quarter,
          ages: '0-17',
          role,
          trend: 12,
          refresh: { refresh_id: 'x', finished_at: null },
        }),
      );
    const board = await build('board');
    const analyst = await build('analyst');
    // The analyst sees the chart with its exact figures; the board's would be all c.
    const exact = analyst.charts.find((c) => c.id === 'cpi_submissions-by-theme')!;
    expect(exact.table.rows.some((r) => typeof r.value === 'number')).toBe(true);
    expect(board.charts.some((c) => c.id === 'cpi_submissions-by-theme')).toBe(false);
    expect(board.commentary).toContain(withheldChartText(exact.title));
    // And every chart the board is given has a figure to draw.
    for (const c of board.charts) expect(everyFigureWithheld(c), c.id).toBe(false);
  });

  it('public tiles: the previous and year-earlier figures are marked ≈ where rounded, as the headline is', async () => {
    const model = await withDb(db, { readOnly: true }, (d) =>
      buildPage(d, {
        page: 'overview',
        area: 'Isle of Wight',
        period: quarter,
        ages: '0-17',
        role: 'public',
        trend: 12,
        refresh: { refresh_id: 'x', finished_at: null },
      }),
    );
    const counts = model.tiles.filter((t) => measureDef(t.id)?.kind === 'count');
    const compared = counts.flatMap((t) => [t.previous, t.year_earlier]).filter((c) => typeof c?.value === 'number' && c.value !== 0);
    expect(compared.length).toBeGreaterThan(0);
    // A rounded count (a multiple of 5, not 0) displays as "≈ n"; 0 and c as they are.
    for (const c of compared) expect(c!.display).toBe(`≈ ${(c!.value as number).toLocaleString('en-GB')}`);
  });
});

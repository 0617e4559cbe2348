// Chart specs: withheld points are left out of the plotted data but kept in the table,
// signals are marked by shape, and a spec renders to SVG on the server.

import { describe, expect, it } from 'vitest';
import { barChart, renderSvg, spcChart } from '../../lib/charts.js';
import { xmr } from '../../lib/spc.js';

const periods = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);

describe('charts', () => {
  it('leaves a withheld point out of the plot but shows it as c in the table', () => {
    const values = [10, 12, 'c', 11, 13, 12, 10, 11, 12, 14, 13, null] as const;
    const chart = spcChart({ id: 'spc-x', label: 'Missing episodes', trend: { periods, values: [...values], spc: xmr([...values]) } });
    expect(chart.kind).toBe('vega-lite');
    if (chart.kind !== 'vega-lite') return;
    const plotted = (chart.spec.data as { values: { value: unknown }[] }).values;
    expect(plotted).toHaveLength(10);
    expect(plotted.every((p) => typeof p.value === 'number')).toBe(true);
    // The line breaks at the withheld point: the points after it are a new segment.
    const segments = (chart.spec.data as { values: { segment: number }[] }).values.map((p) => p.segment);
    expect(segments.slice(0, 3)).toEqual([0, 0, 1]);
    expect(chart.table.rows[2]!.value).toBe('c');
    expect(chart.description).toMatch(/withheld/);
    expect(chart.title).toBeTruthy();
  });

  it('marks signal points by shape as well as colour, with mean and limit rules', () => {
    const values = [10, 10, 11, 10, 9, 10, 11, 10, 10, 9, 10, 40];
    const chart = spcChart({ id: 'spc-y', label: 'Returns', trend: { periods, values, spc: xmr(values) } });
    if (chart.kind !== 'vega-lite') throw new Error('not vega-lite');
    const text = JSON.stringify(chart.spec);
    expect(text).toContain('triangle-up');
    expect(text).toContain('Upper process limit');
    expect(text).toContain('Lower process limit');
    expect(text).toContain('Mean');
    expect(chart.table.rows[11]!.reading).toBe('signal');
  });

  it('renders a chart to SVG on the server', async () => {
    const chart = barChart({
      id: 'b',
      title: 'Episodes by classification',
      valueLabel: 'Episodes',
      categoryLabel: 'Classification',
      items: [
        { key: 'missing', value: 30 },
        { key: 'absent', value: 'c' },
        { key: 'away', value: 7 },
      ],
    });
    if (chart.kind !== 'vega-lite') throw new Error('not vega-lite');
    const svg = await renderSvg(chart.spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Episodes by classification');
  });
});

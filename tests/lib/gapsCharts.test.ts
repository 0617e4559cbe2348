// The gaps page's charts, by hand: the demand-against-capacity bars carry the 1.00 line
// their description relies on (as the trend chart does).
import { describe, expect, it } from 'vitest';
import { barChart, groupedBarChart, multiLineChart } from '../../lib/charts.js';
import { provisionWords } from '../../lib/messages.js';

describe('demand against capacity by service and area: a reference line at 1.00', () => {
  it('the spec layers the bars and a dashed rule at x = 1 named "At capacity (1.00)"', () => {
    // Portsmouth CCE support 50 referrals / 20 places = 2.5; Southampton 22 / 25 = 0.88.
    const chart = groupedBarChart({
      id: 'provision-service_demand_ratio',
      title: 'Demand against capacity',
      valueLabel: 'Demand against capacity',
      categoryLabel: 'Service',
      seriesNames: ['Portsmouth', 'Southampton'],
      items: [{ category: 'CCE support', values: [2.5, 0.88] }],
      kind: 'ratio',
      reference: { value: 1, label: provisionWords.atCapacity },
    });
    const layers = ((chart as { spec?: unknown }).spec as { layer?: Record<string, any>[] }).layer;
    expect(layers).toHaveLength(2);
    expect(layers![0]!.mark).toEqual({ type: 'bar' });
    expect(layers![0]!.data.values).toEqual([
      { category: 'CCE support', series: 'Portsmouth', value: 2.5 },
      { category: 'CCE support', series: 'Southampton', value: 0.88 },
    ]);
    expect(layers![1]!.mark).toMatchObject({ type: 'rule', strokeDash: [2, 2] });
    expect(layers![1]!.data.values).toEqual([{ value: 1, line: 'At capacity (1.00)' }]);
    expect(layers![1]!.encoding.x).toEqual({ field: 'value', type: 'quantitative' });
    // The table is unchanged by the line: one row per service.
    expect(chart.table?.rows).toEqual([{ category: 'CCE support', s0: 2.5, s1: 0.88 }]);
  });
});

describe('chart descriptions keep acronyms and count what the chart is over', () => {
  it('a label opening with an acronym keeps its capitals (MET, SERAF, CPI); others lower their first letter', () => {
    // MET children by SERAF level: 3 levels; the largest is Medium with 7.
    const bars = barChart({
      id: 'met_children-by-level',
      title: 'MET children by SERAF level',
      valueLabel: 'MET children',
      categoryLabel: 'SERAF level',
      items: [
        { key: 'low', label: 'Low', value: 4 },
        { key: 'medium', label: 'Medium', value: 7 },
        { key: 'high', label: 'High', value: 'c' },
      ],
      kind: 'count',
    });
    expect(bars.description).toBe(
      'MET children by SERAF level: MET children by SERAF level for 3 categories; the largest is Medium with 7. Not plotted: High, withheld (c).',
    );
    const cpi = barChart({ id: 'x', title: 'T', valueLabel: 'CPI submissions', categoryLabel: 'Theme', items: [{ key: 'a', value: 2 }], kind: 'count' });
    expect(cpi.description).toBe('T: CPI submissions by theme for 1 category; the largest is a with 2.');
    // The trend's reference line: "At capacity (1.00)" is lowered at its first letter only.
    const trend = multiLineChart({
      id: 't',
      title: 'Demand against capacity',
      valueLabel: 'Demand against capacity',
      kind: 'ratio',
      series: [{ name: 'Portsmouth', periods: ['2025-Q1'], values: [1.5] }],
      comparator: { value: 1, label: provisionWords.atCapacity },
    });
    expect(trend.description).toContain(' A reference line is at capacity (1.00).');
  });

  it('groups by sex with 2 groups without a figure say "2 groups have no figure", not periods', () => {
    // Sex: Female (shares 52.0 and 49.0), Male (60.0, 51.0), Unknown (no population share), Other (none).
    const groups = groupedBarChart({
      id: 'groups-sex',
      title: 'MET children by sex',
      valueLabel: '% share',
      categoryLabel: 'Sex',
      kind: 'pct',
      seriesNames: ['Share of MET children', 'Share of the population'],
      items: [
        { category: 'Female', values: [52, 49] },
        { category: 'Male', values: [60, 51] },
        { category: 'Unknown', values: ['c', null] },
        { category: 'Other', values: [null, null] },
      ],
    });
    // 4 groups; 1 withheld figure (Unknown's share); 2 groups with a figure missing (Unknown, Other).
    expect(groups.description).toBe(
      'MET children by sex: share of MET children against share of the population for 4 groups. 1 withheld (c) figure is not plotted; 2 groups have no figure.',
    );
  });
});

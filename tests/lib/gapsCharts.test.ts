// The gaps page's charts, by hand: the demand-against-capacity bars carry the 1.00 line
// their description relies on (as the trend chart does).
import { describe, expect, it } from 'vitest';
import { groupedBarChart } from '../../lib/charts.js';
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

// A tile's sparkline and its comparison line. No DOM here: tests/web/tile.test.ts runs it in Node.
import type { Shown, Tile } from '../../model/api.js';

import { formatCell } from '../../model/format.js';
import { measureDef } from '../../model/measures.js';

/** A tile's figure as every other place writes it (model/format.ts): "69.6%", "−3". */
const num = (v: unknown, id?: string) => formatCell(v, id ? measureDef(id)?.kind : undefined);

/**
 * The sparkline: every period of the trend, a withheld or missing figure as a gap
 * (null), where the line breaks rather than joining its neighbours across it; each
 * shown point marked (a point between two gaps has no line), the latest larger.
 */
export function sparkSpec(tile: Tile): Record<string, unknown> | null {
  const s = tile.spark;
  if (!s) return null;
  const all = s.periods.map((p, i) => ({ period: p, value: typeof s.values[i] === 'number' ? (s.values[i] as number) : null }));
  const values = all.filter((d) => d.value !== null);
  if (!values.length) return null;
  const gaps = all.length - values.length;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `${tile.label}: trend over ${all.length} periods, from ${num(values[0]!.value, tile.id)} to ${num(values[values.length - 1]!.value, tile.id)}${gaps ? `; ${gaps} withheld or with no figure, where the line breaks` : ''}.`,
    data: { values: all },
    height: 44,
    padding: 2,
    layer: [
      {
        mark: { type: 'line', color: '#0072B2', strokeWidth: 2, invalid: 'break-paths-filter-domains' },
        encoding: {
          x: { field: 'period', type: 'ordinal', axis: null, sort: null },
          y: { field: 'value', type: 'quantitative', axis: null, scale: { zero: false } },
        },
      },
      {
        transform: [{ filter: 'isValid(datum.value)' }],
        mark: { type: 'point', filled: true, color: '#0072B2', size: 8 },
        encoding: { x: { field: 'period', type: 'ordinal', sort: null }, y: { field: 'value', type: 'quantitative' } },
      },
      {
        transform: [{ filter: `datum.period === '${values[values.length - 1]!.period}'` }],
        mark: { type: 'point', filled: true, color: '#0b0c0c', size: 30 },
        encoding: { x: { field: 'period', type: 'ordinal', sort: null }, y: { field: 'value', type: 'quantitative' } },
      },
    ],
  };
}

/** "Previous (…): ≈ 50. A year earlier (…): ≈ 70.": each figure as the model displays it (marked ≈ where rounded). */
export function compareText(tile: Tile, periodLabel: (p: string) => string): string {
  const one = (label: string, c: { period: string; value: Shown; display?: string } | undefined) =>
    c ? `${label} (${periodLabel(c.period).replace(/ \(.*\)$/, '')}): ${c.display ?? num(c.value, tile.id)}` : null;
  return `${[one('Previous', tile.previous), one('A year earlier', tile.year_earlier)].filter(Boolean).join('. ')}.`;
}

// A tile's sparkline and its comparison line. No DOM here: tests/web/tile.test.ts runs it in Node.
import type { Shown, Tile } from '../../model/api.js';

import { formatCell } from '../../model/format.js';
import { measureDef } from '../../model/measures.js';

/** A tile's figure as every other place writes it (model/format.ts): "69.6%", "−3"; "69%" where the tile says its figures are whole. */
const num = (v: unknown, tile: Tile) => formatCell(v, tile.kind ?? measureDef(tile.id)?.kind);

/** A sparkline: each run of shown points a path, each shown point a dot (the latest larger). */
export interface SparkGeometry {
  /** SVG path data, one per run of consecutive shown points ("M x,y L x,y …"). */
  paths: string[];
  points: { x: number; y: number; latest: boolean }[];
  /** The text alternative: the trend in words. */
  description: string;
}

/** The sparkline's height in pixels and the room kept around it for the dots. */
export const SPARK_HEIGHT = 44;
const PAD = 4;

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * The sparkline, drawn as plain SVG (no charting code: the board overview shows eight of
 * them at once, and drawing each through Vega cost over half a second on the bench): every
 * period of the trend evenly spaced across `width`, the values scaled to the height
 * between their lowest and highest (not from zero: it shows the shape), a withheld or
 * missing figure a gap where the line breaks rather than joining its neighbours across
 * it; each shown point marked (a point between two gaps has no line), the latest larger.
 * Null when no point is shown.
 */
export function sparkGeometry(tile: Tile, width: number, height = SPARK_HEIGHT): SparkGeometry | null {
  const s = tile.spark;
  if (!s) return null;
  const all = s.periods.map((p, i) => ({ period: p, value: typeof s.values[i] === 'number' ? (s.values[i] as number) : null }));
  const shown = all.filter((d) => d.value !== null) as { period: string; value: number }[];
  if (!shown.length) return null;
  const gaps = all.length - shown.length;
  const lo = Math.min(...shown.map((d) => d.value));
  const hi = Math.max(...shown.map((d) => d.value));
  const x = (i: number) => r1(all.length === 1 ? width / 2 : PAD + (i * (width - 2 * PAD)) / (all.length - 1));
  // A flat line (every value the same) runs across the middle.
  const y = (v: number) => r1(hi === lo ? height / 2 : height - PAD - ((v - lo) * (height - 2 * PAD)) / (hi - lo));
  const paths: string[] = [];
  let run: string[] = [];
  const points: SparkGeometry['points'] = [];
  const last = all.map((d) => d.value !== null).lastIndexOf(true);
  all.forEach((d, i) => {
    if (d.value === null) {
      if (run.length > 1) paths.push(run.join(' '));
      run = [];
      return;
    }
    const px = x(i);
    const py = y(d.value);
    run.push(`${run.length ? 'L' : 'M'}${px},${py}`);
    points.push({ x: px, y: py, latest: i === last });
  });
  if (run.length > 1) paths.push(run.join(' '));
  return {
    paths,
    points,
    description: `${tile.label}: trend over ${all.length} periods, from ${num(shown[0]!.value, tile)} to ${num(shown[shown.length - 1]!.value, tile)}${gaps ? `; ${gaps} withheld or with no figure, where the line breaks` : ''}.`,
  };
}

/** "Previous (…): ≈ 50. A year earlier (…): ≈ 70.": each figure as the model displays it (marked ≈ where rounded). */
export function compareText(tile: Tile, periodLabel: (p: string) => string): string {
  const one = (label: string, c: { period: string; value: Shown; display?: string } | undefined) =>
    c ? `${label} (${periodLabel(c.period).replace(/ \(.*\)$/, '')}): ${c.display ?? num(c.value, tile)}` : null;
  return `${[one('Previous', tile.previous), one('A year earlier', tile.year_earlier)].filter(Boolean).join('. ')}.`;
}

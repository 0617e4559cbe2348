// Charts as data: Vega-Lite specs (v6) with their data inline, and the table each
// chart carries as its text alternative. Built only from figures as shown to the
// role: a suppressed ('c') or undefined (null) point is left out of the plotted data
// (nothing can be read off a mark that is not drawn) but appears as 'c' in the table.
// Colours are the Okabe–Ito palette, which stays distinguishable for colour-blind
// readers; signals are marked by shape as well as colour.

import type { Shown } from './disclosure.js';
import type { SpcReading } from './spc.js';

export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  black: '#000000',
  grey: '#767676',
} as const;

/** Categorical colours in order, for series and bars. */
export const PALETTE = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.green,
  OKABE_ITO.vermillion,
  OKABE_ITO.purple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.yellow,
  OKABE_ITO.black,
];

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Counts are whole numbers: no "0.5" ticks on their axes. */
function valueAxis(kind: string | undefined): Record<string, unknown> {
  return kind === 'count' ? { axis: { tickMinStep: 1, format: ',d' } } : {};
}

export type { Cell, ChartModel, HexCell, TableModel } from '../model/api.js';
import type { Cell, ChartModel } from '../model/api.js';

const isNum = (v: Shown | undefined): v is number => typeof v === 'number';

/** A shown value for a table or a tile: 'c' stays 'c', undefined reads "no figure". */
export function display(v: Shown | undefined, kind?: string): string {
  if (v === 'c') return 'c';
  if (v === null || v === undefined) return 'no figure';
  const s = v.toLocaleString('en-GB', { maximumFractionDigits: 2 });
  return kind === 'pct' ? `${s}%` : s;
}

const base = (title: string, description: string) => ({
  $schema: SCHEMA,
  title,
  description,
  width: 'container',
  height: 220,
  config: { font: 'Arial, sans-serif', axis: { labelFontSize: 12, titleFontSize: 12 }, legend: { labelFontSize: 12 } },
});

function omitted(values: Shown[]): string {
  const c = values.filter((v) => v === 'c').length;
  const n = values.filter((v) => v === null).length;
  const parts: string[] = [];
  if (c) parts.push(`${c} withheld (c) ${c === 1 ? 'figure is' : 'figures are'} not plotted`);
  if (n) parts.push(`${n} ${n === 1 ? 'period has' : 'periods have'} no figure`);
  return parts.length ? ` ${parts.join('; ')}.` : '';
}

/**
 * True when every figure a chart would plot is withheld ('c'; or 'c' beside periods with
 * no figure): it would draw an empty frame, so the page shows no chart but a sentence
 * (withheldChartText). The first column of its table is the category or period; a
 * `reading` column is words, not a figure. A hex map is always drawn (its tiles carry c).
 */
export function everyFigureWithheld(chart: ChartModel): boolean {
  if (chart.kind !== 'vega-lite') return false;
  const keys = chart.table.columns
    .slice(1)
    .map((c) => c.key)
    .filter((k) => k !== 'reading');
  const values = chart.table.rows.flatMap((r) => keys.map((k) => r[k]));
  return values.some((v) => v === 'c') && !values.some((v) => typeof v === 'number');
}

/** The sentence a page shows instead of a chart whose every figure is withheld. */
export function withheldChartText(title: string): string {
  return `${title}: no chart is drawn, as every figure in it is withheld (c).`;
}

/**
 * An XmR (SPC) chart of a trend: the series as line and points, the mean, and the
 * upper and lower limits as rules; points that are part of a signal drawn as triangles
 * in vermillion. `comparator` adds a labelled reference line (the national 63%).
 */
export function spcChart(opts: {
  id: string;
  label: string;
  unit?: string;
  trend: { periods: string[]; values: Shown[]; spc: SpcReading };
  kind?: string;
  comparator?: { value: number; label: string };
}): ChartModel {
  const { id, label, trend } = opts;
  const signalled = new Set(trend.spc.status === 'ok' ? trend.spc.signals.map((s) => s.index) : []);
  // A withheld or missing point starts a new segment, so the line is not drawn across
  // the gap as if it knew the value there.
  let segment = 0;
  const points = trend.periods
    .map((period, i) => {
      const value = trend.values[i];
      if (!isNum(value)) segment++;
      return { period, value, point: signalled.has(i) ? 'Signal' : 'Normal variation', segment };
    })
    .filter((p): p is { period: string; value: number; point: string; segment: number } => isNum(p.value));
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'line', color: OKABE_ITO.blue },
      encoding: {
        detail: { field: 'segment', type: 'nominal' },
        x: { field: 'period', type: 'ordinal', title: 'Period', sort: trend.periods },
        y: { field: 'value', type: 'quantitative', title: opts.unit ?? label, ...valueAxis(opts.kind) },
      },
    },
    {
      mark: { type: 'point', filled: true, size: 80 },
      encoding: {
        x: { field: 'period', type: 'ordinal', sort: trend.periods },
        y: { field: 'value', type: 'quantitative' },
        shape: { field: 'point', type: 'nominal', title: 'Point', scale: { domain: ['Normal variation', 'Signal'], range: ['circle', 'triangle-up'] } },
        color: {
          field: 'point',
          type: 'nominal',
          title: 'Point',
          scale: { domain: ['Normal variation', 'Signal'], range: [OKABE_ITO.blue, OKABE_ITO.vermillion] },
        },
        tooltip: [
          { field: 'period', title: 'Period' },
          { field: 'value', title: label },
          { field: 'point', title: 'Reading' },
        ],
      },
    },
  ];
  const rules: { value: number; line: string }[] = [];
  const reading = trend.spc.summary;
  if (trend.spc.status === 'ok') {
    rules.push(
      { value: trend.spc.mean, line: 'Mean' },
      { value: trend.spc.upper_limit, line: 'Upper limit' },
      { value: trend.spc.lower_limit, line: 'Lower limit' },
    );
  }
  if (opts.comparator) rules.push({ value: opts.comparator.value, line: opts.comparator.label });
  if (rules.length) {
    layers.push({
      data: { values: rules },
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: {
        y: { field: 'value', type: 'quantitative' },
        strokeDash: {
          field: 'line',
          type: 'nominal',
          title: 'Line',
          scale: { domain: rules.map((r) => r.line), range: rules.map((r) => (r.line === 'Mean' ? [1, 0] : r.line.includes('limit') ? [6, 4] : [2, 2])) },
        },
        color: { value: OKABE_ITO.grey },
        tooltip: [
          { field: 'line', title: 'Line' },
          { field: 'value', title: 'Value' },
        ],
      },
    });
  }
  const latest = trend.values[trend.values.length - 1];
  const description =
    `${label} for each of the last ${trend.periods.length} periods (${trend.periods[0] ?? '–'} to ${trend.periods[trend.periods.length - 1] ?? '–'}), ` +
    `latest ${latest === 'c' ? 'withheld (c)' : display(latest, opts.kind)}. ${reading}${opts.comparator ? ` A reference line marks ${opts.comparator.label.toLowerCase()} (${opts.comparator.value}).` : ''}${omitted(trend.values)}`;
  return {
    id,
    title: `${label}: trend and variation`,
    description,
    kind: 'vega-lite',
    spec: { ...base(`${label}: trend and variation`, description), data: { values: points }, layer: layers },
    table: {
      columns: [
        { key: 'period', label: 'Period' },
        { key: 'value', label },
        { key: 'reading', label: 'Reading' },
      ],
      rows: trend.periods.map((period, i) => ({
        period,
        value: trend.values[i] ?? null,
        reading: signalled.has(i) ? 'signal' : trend.values[i] === 'c' ? 'withheld' : trend.spc.status === 'ok' ? 'normal variation' : '',
      })),
    },
  };
}

/** A bar chart of one breakdown (or any labelled figures). */
export function barChart(opts: {
  id: string;
  title: string;
  valueLabel: string;
  categoryLabel: string;
  items: { key: string; label?: string; value: Shown }[];
  kind?: string;
  description?: string;
}): ChartModel {
  const shown = opts.items.filter((i) => isNum(i.value)).map((i) => ({ category: i.label ?? i.key, value: i.value as number }));
  const order = opts.items.map((i) => i.label ?? i.key);
  const top = [...shown].sort((a, b) => b.value - a.value)[0];
  const description =
    opts.description ??
    `${opts.title}: ${opts.valueLabel.toLowerCase()} by ${opts.categoryLabel.toLowerCase()} for ${opts.items.length} ${opts.items.length === 1 ? 'category' : 'categories'}` +
      `${top ? `; the largest is ${top.category} with ${display(top.value, opts.kind)}` : ''}.${omitted(opts.items.map((i) => i.value))}`;
  return {
    id: opts.id,
    title: opts.title,
    description,
    kind: 'vega-lite',
    spec: {
      ...base(opts.title, description),
      data: { values: shown },
      mark: { type: 'bar', color: OKABE_ITO.blue },
      encoding: {
        y: { field: 'category', type: 'nominal', title: opts.categoryLabel, sort: order },
        x: { field: 'value', type: 'quantitative', title: opts.valueLabel, ...valueAxis(opts.kind) },
        tooltip: [
          { field: 'category', title: opts.categoryLabel },
          { field: 'value', title: opts.valueLabel },
        ],
      },
    },
    table: {
      columns: [
        { key: 'category', label: opts.categoryLabel },
        { key: 'value', label: opts.valueLabel },
      ],
      rows: opts.items.map((i) => ({ category: i.label ?? i.key, value: i.value })),
    },
  };
}

/** Several series over the same periods, one line each (colour and point shape per series). */
export function multiLineChart(opts: {
  id: string;
  title: string;
  valueLabel: string;
  series: { name: string; periods: string[]; values: Shown[] }[];
  kind?: string;
  comparator?: { value: number; label: string };
}): ChartModel {
  const periods = opts.series[0]?.periods ?? [];
  const values = opts.series.flatMap((s) =>
    s.periods
      .map((period, i) => ({ period, series: s.name, value: s.values[i] }))
      .filter((p): p is { period: string; series: string; value: number } => isNum(p.value)),
  );
  const names = opts.series.map((s) => s.name);
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'line', point: { filled: true, size: 60 } },
      encoding: {
        x: { field: 'period', type: 'ordinal', title: 'Period', sort: periods },
        y: { field: 'value', type: 'quantitative', title: opts.valueLabel, ...valueAxis(opts.kind) },
        color: { field: 'series', type: 'nominal', title: 'Series', scale: { domain: names, range: PALETTE.slice(0, names.length) } },
        shape: {
          field: 'series',
          type: 'nominal',
          title: 'Series',
          scale: { domain: names, range: ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down'].slice(0, names.length) },
        },
        tooltip: [
          { field: 'period', title: 'Period' },
          { field: 'series', title: 'Series' },
          { field: 'value', title: opts.valueLabel },
        ],
      },
    },
  ];
  if (opts.comparator) {
    layers.push({
      data: { values: [{ value: opts.comparator.value, line: opts.comparator.label }] },
      mark: { type: 'rule', strokeDash: [2, 2], color: OKABE_ITO.grey, strokeWidth: 1.5 },
      encoding: {
        y: { field: 'value', type: 'quantitative' },
        tooltip: [
          { field: 'line', title: 'Line' },
          { field: 'value', title: 'Value' },
        ],
      },
    });
  }
  const all = opts.series.flatMap((s) => s.values);
  const latest = opts.series.map((s) => `${s.name} ${display(s.values[s.values.length - 1], opts.kind)}`).join(', ');
  const description =
    `${opts.title} over ${periods.length} periods (${periods[0] ?? '–'} to ${periods[periods.length - 1] ?? '–'}); latest: ${latest}.` +
    `${opts.comparator ? ` A reference line marks ${opts.comparator.label.toLowerCase()} (${opts.comparator.value}).` : ''}${omitted(all)}`;
  const keys = opts.series.map((_, i) => `s${i}`);
  return {
    id: opts.id,
    title: opts.title,
    description,
    kind: 'vega-lite',
    spec: { ...base(opts.title, description), data: { values }, layer: layers },
    table: {
      columns: [{ key: 'period', label: 'Period' }, ...opts.series.map((s, i) => ({ key: keys[i]!, label: s.name }))],
      rows: periods.map((period, pi) => {
        const row: Record<string, Cell> = { period };
        opts.series.forEach((s, i) => {
          row[keys[i]!] = s.values[pi] ?? null;
        });
        return row;
      }),
    },
  };
}

/** Grouped bars: for each category, two or more measures side by side (e.g. share of MET children against share of population). */
export function groupedBarChart(opts: {
  id: string;
  title: string;
  valueLabel: string;
  categoryLabel: string;
  seriesNames: string[];
  items: { category: string; values: Shown[] }[];
  kind?: string;
  /** The text alternative, where the default (series named in lower case) would not read well. */
  description?: string;
}): ChartModel {
  const values = opts.items.flatMap((it) =>
    it.values
      .map((v, i) => ({ category: it.category, series: opts.seriesNames[i]!, value: v }))
      .filter((p): p is { category: string; series: string; value: number } => isNum(p.value)),
  );
  const description =
    opts.description ??
    `${opts.title}: ${opts.seriesNames.join(' against ').toLowerCase()} for ${opts.items.length} groups.` + omitted(opts.items.flatMap((i) => i.values));
  const keys = opts.seriesNames.map((_, i) => `s${i}`);
  return {
    id: opts.id,
    title: opts.title,
    description,
    kind: 'vega-lite',
    spec: {
      ...base(opts.title, description),
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'category', type: 'nominal', title: opts.categoryLabel, sort: opts.items.map((i) => i.category) },
        yOffset: { field: 'series', type: 'nominal', sort: opts.seriesNames },
        x: { field: 'value', type: 'quantitative', title: opts.valueLabel, ...valueAxis(opts.kind) },
        color: { field: 'series', type: 'nominal', title: 'Series', scale: { domain: opts.seriesNames, range: PALETTE.slice(0, opts.seriesNames.length) } },
        tooltip: [
          { field: 'category', title: opts.categoryLabel },
          { field: 'series', title: 'Series' },
          { field: 'value', title: opts.valueLabel },
        ],
      },
    },
    table: {
      columns: [{ key: 'category', label: opts.categoryLabel }, ...opts.seriesNames.map((s, i) => ({ key: keys[i]!, label: s }))],
      rows: opts.items.map((it) => {
        const row: Record<string, Cell> = { category: it.category };
        it.values.forEach((v, i) => {
          row[keys[i]!] = v;
        });
        return row;
      }),
    },
  };
}

/**
 * Renders a Vega-Lite spec to SVG on the server (for the board pack). A spec with
 * width 'container' has no container here, so a fixed width is used instead.
 */
export async function renderSvg(spec: Record<string, unknown>, width = 640): Promise<string> {
  const vega = await import('vega');
  const { compile } = await import('vega-lite');
  const fixed = { ...spec, width: spec.width === 'container' ? width : spec.width };
  // vega-lite's TopLevelSpec type is far stricter than our plain objects; the spec is checked by compile().
  const compiled = compile(fixed as Parameters<typeof compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

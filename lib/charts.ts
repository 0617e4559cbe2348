// Charts as data: Vega-Lite specs (v6) with their data inline, and the table each
// chart carries as its text alternative. Built only from figures as shown to the
// role: a suppressed ('c') or undefined (null) point is left out of the plotted data
// (nothing can be read off a mark that is not drawn) but appears as 'c' in the table.
// Colours are the Okabe–Ito palette, which stays distinguishable for colour-blind
// readers; signals are marked by shape as well as colour.

import type { Shown } from './disclosure.js';
import type { SpcReading } from './spc.js';
import { axisFormat, formatFigure, isPercent } from '../model/format.js';

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

/**
 * A value axis: counts whole (no "0.5" or "0.0" ticks; model/format.ts); `vertical` puts the title level above the axis, where it
 * reads across the chart rather than up its side (and is not cut off by a short chart).
 */
function valueAxis(kind: string | undefined, vertical = false): Record<string, unknown> {
  // Ticks are a scale, not figures: a rate's or percentage's run 0, 5, 10 (not 0.0, 5.0); its tooltip has the one decimal.
  const whole = kind === 'count' || kind === 'rows';
  const axis: Record<string, unknown> = {
    ...(whole ? { tickMinStep: 1, format: axisFormat(kind) } : {}),
    ...(vertical ? { titleAngle: 0, titleAlign: 'left', titleAnchor: 'start', titleBaseline: 'bottom', titleX: 0, titleY: -10, titlePadding: 0 } : {}),
  };
  return Object.keys(axis).length ? { axis } : {};
}

/** A tooltip's value field, written as the axis writes it. */
function tipValue(title: string, kind: string | undefined): Record<string, unknown> {
  const format = axisFormat(kind);
  return { field: 'value', title, ...(format ? { format } : {}) };
}

/** A value axis's title says its unit: "Interviews completed within 72 hours (%)"; a label that names it stays. */
export function unitTitle(label: string, kind: string | undefined): string {
  if (isPercent(kind) && !label.includes('%')) return `${label} (%)`;
  if (kind === 'per10k' && !/per 10,000/i.test(label)) return `${label} (per 10,000)`;
  return label;
}

/**
 * The period axis: labels level (never turned on their side), every other one left
 * out where they would overlap (a phone's narrow chart), none cut at the edge.
 */
const PERIOD_AXIS = { labelAngle: 0, labelOverlap: 'parity', labelSeparation: 6, labelFlush: true, labelBound: true } as const;

export type { Cell, ChartModel, HexCell, TableModel } from '../model/api.js';
import type { Cell, ChartModel } from '../model/api.js';

const isNum = (v: Shown | undefined): v is number => typeof v === 'number';

/** A shown value for a table or a tile: 'c' stays 'c', undefined reads "no figure". */
export function display(v: Shown | undefined, kind?: string): string {
  if (v === 'c') return 'c';
  if (v === null || v === undefined) return 'no figure';
  return formatFigure(v, kind);
}

const base = (title: string, description: string) => ({
  $schema: SCHEMA,
  title,
  description,
  width: 'container',
  height: 220,
  // Legends below the plot (a phone's chart keeps its width), their names never cut short.
  config: {
    font: 'Arial, sans-serif',
    axis: { labelFontSize: 12, titleFontSize: 12 },
    legend: { labelFontSize: 12, titleFontSize: 12, labelLimit: 0, orient: 'bottom', direction: 'vertical' },
  },
});

/**
 * A label inside a sentence: its first letter lower-cased, unless it opens with an acronym
 * (MET, SERAF, CPI, NRM, 0–17), which keeps its capitals (as web/src/dom.ts inSentence).
 */
export function inSentence(label: string): string {
  return /^[A-Z0-9]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

/** What the chart's figures are over, for "N … have no figure": periods on a trend, groups on grouped bars. */
const OVER = { period: ['period has', 'periods have'], group: ['group has', 'groups have'] } as const;

function omitted(values: Shown[], over: keyof typeof OVER = 'period', noFigure?: number): string {
  const c = values.filter((v) => v === 'c').length;
  const n = noFigure ?? values.filter((v) => v === null).length;
  const parts: string[] = [];
  if (c) parts.push(`${c} withheld (c) ${c === 1 ? 'figure is' : 'figures are'} not plotted`);
  if (n) parts.push(`${n} ${OVER[over][n === 1 ? 0 : 1]} no figure`);
  return parts.length ? ` ${parts.join('; ')}.` : '';
}

/** "Southampton", "Southampton and Portsmouth", "A, B and C". */
function listed(names: string[]): string {
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The categories a bar chart does not draw, by name: "Not plotted: Southampton and Portsmouth, withheld (c); Isle of Wight, no figure given (–)." */
function omittedNamed(items: { name: string; value: Shown }[]): string {
  const c = items.filter((i) => i.value === 'c').map((i) => i.name);
  const n = items.filter((i) => i.value === null).map((i) => i.name);
  const parts: string[] = [];
  if (c.length) parts.push(`${listed(c)}, withheld (c)`);
  if (n.length) parts.push(`${listed(n)}, no figure given (–)`);
  return parts.length ? ` Not plotted: ${parts.join('; ')}.` : '';
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

/** The figures of a chart's table (its first column is the category or period; `reading` is words). */
function chartFigures(chart: ChartModel): Cell[] {
  const keys = chart.table.columns
    .slice(1)
    .map((c) => c.key)
    .filter((k) => k !== 'reading');
  return chart.table.rows.flatMap((r) => keys.map((k) => r[k] ?? null));
}

/**
 * True when a chart has nothing to plot: not one figure in it is shown (each withheld,
 * not given, or with nothing to measure). It would be an empty frame, so the page shows
 * no chart but a sentence saying why (emptyChartText). A hex map is always drawn.
 */
export function nothingToDraw(chart: ChartModel): boolean {
  if (chart.kind !== 'vega-lite') return false;
  return !chartFigures(chart).some((v) => typeof v === 'number');
}

/**
 * The sentence instead of a chart with nothing to plot, saying what is withheld. Under
 * the published rule (`published`) a count with no figure is not given (a part of a
 * withheld count); otherwise there was nothing to measure.
 */
export function emptyChartText(chart: ChartModel, published: boolean): string {
  const values = chartFigures(chart);
  const c = values.filter((v) => v === 'c').length;
  const none = values.length - c;
  const figures = (n: number) => `${n} ${n === 1 ? 'figure' : 'figures'}`;
  if (c && !none) return withheldChartText(chart.title);
  if (c && published) return `${chart.title}: no chart is drawn, as ${figures(c)} in it ${c === 1 ? 'is' : 'are'} withheld (c) and ${none} not given (–).`;
  if (c) return `${chart.title}: no chart is drawn, as ${figures(c)} in it ${c === 1 ? 'is' : 'are'} withheld (c) and ${none} with nothing to measure.`;
  if (published)
    return `${chart.title}: no chart is drawn, as none of its ${figures(none)} is given (–): each is withheld, or worked out from a withheld count.`;
  return `${chart.title}: no chart is drawn, as there is nothing to measure in the period.`;
}

/**
 * The SPC chart's lines, each with its own dash pattern, named in the legend: the mean
 * solid, the upper process limit long dashes, the lower short dashes; a comparator dash-dot.
 */
export const SPC_LINES = {
  mean: { name: 'Mean', dash: [1, 0] },
  upper: { name: 'Upper process limit', dash: [8, 4] },
  lower: { name: 'Lower process limit', dash: [2, 3] },
} as const;
const COMPARATOR_LINE = { dash: [8, 3, 2, 3] };
/** The lines' colour: dark enough against white (6.9:1), not the series' blue. */
const RULE_COLOUR = '#505a5f';

/** "A reference line marks the national figure (63.0%)": the value once, written by its kind. */
function comparatorText(c: { value: number; label: string } | undefined, kind: string | undefined): string {
  if (!c) return '';
  const v = formatFigure(c.value, kind);
  const label = `${inSentence(c.label)}${c.label.includes(v) ? '' : ` (${v})`}`;
  // "is at capacity (1.00)"; "marks the national figure", not "marks national figure".
  if (label.startsWith('at ')) return ` A reference line is ${label}.`;
  return ` A reference line marks ${/^(the|a|an) /.test(label) ? '' : 'the '}${label}.`;
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
        x: { field: 'period', type: 'ordinal', title: 'Period', sort: trend.periods, axis: PERIOD_AXIS },
        y: { field: 'value', type: 'quantitative', title: opts.unit ?? unitTitle(label, opts.kind), ...valueAxis(opts.kind, true) },
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
        tooltip: [{ field: 'period', title: 'Period' }, tipValue(label, opts.kind), { field: 'point', title: 'Reading' }],
      },
    },
  ];
  const rules: { value: number; line: string }[] = [];
  const reading = trend.spc.summary;
  if (trend.spc.status === 'ok') {
    rules.push(
      { value: trend.spc.mean, line: SPC_LINES.mean.name },
      { value: trend.spc.upper_limit, line: SPC_LINES.upper.name },
      { value: trend.spc.lower_limit, line: SPC_LINES.lower.name },
    );
  }
  if (opts.comparator) rules.push({ value: opts.comparator.value, line: opts.comparator.label });
  if (rules.length) {
    // Each line has its own dash pattern (and shade), named in the legend: told apart without colour.
    const style = (line: string) => Object.values(SPC_LINES).find((l) => l.name === line) ?? COMPARATOR_LINE;
    const lineScale = { domain: rules.map((r) => r.line) };
    layers.push({
      data: { values: rules },
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: {
        y: { field: 'value', type: 'quantitative' },
        strokeDash: {
          field: 'line',
          type: 'nominal',
          title: 'Line',
          scale: { ...lineScale, range: rules.map((r) => style(r.line).dash) },
          // A legend swatch long enough to show its dashes.
          legend: { symbolType: 'stroke', symbolSize: 600, symbolStrokeWidth: 2, symbolStrokeColor: RULE_COLOUR },
        },
        // One colour for every line (the points' colour scale is theirs alone): the dash tells them apart.
        color: { value: RULE_COLOUR },
        tooltip: [{ field: 'line', title: 'Line' }, tipValue('Value', opts.kind)],
      },
    });
  }
  const latest = trend.values[trend.values.length - 1];
  const description =
    `${label} for each of the last ${trend.periods.length} periods (${trend.periods[0] ?? '–'} to ${trend.periods[trend.periods.length - 1] ?? '–'}), ` +
    `latest ${latest === 'c' ? 'withheld (c)' : display(latest, opts.kind)}. ${reading}${comparatorText(opts.comparator, opts.kind)}${omitted(trend.values)}`;
  return {
    id,
    title: `${label}: trend and variation`,
    description,
    kind: 'vega-lite',
    spec: { ...base(`${label}: trend and variation`, description), data: { values: points }, layer: layers },
    table: {
      columns: [
        { key: 'period', label: 'Period' },
        { key: 'value', label, ...(opts.kind ? { kind: opts.kind } : {}) },
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
    `${opts.title}: ${inSentence(opts.valueLabel)} by ${inSentence(opts.categoryLabel)} for ${opts.items.length} ${opts.items.length === 1 ? 'category' : 'categories'}` +
      `${top ? `; the largest is ${top.category} with ${display(top.value, opts.kind)}` : ''}.${omittedNamed(opts.items.map((i) => ({ name: i.label ?? i.key, value: i.value })))}`;
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
        x: { field: 'value', type: 'quantitative', title: unitTitle(opts.valueLabel, opts.kind), ...valueAxis(opts.kind) },
        tooltip: [{ field: 'category', title: opts.categoryLabel }, tipValue(opts.valueLabel, opts.kind)],
      },
    },
    table: {
      columns: [
        { key: 'category', label: opts.categoryLabel },
        { key: 'value', label: opts.valueLabel, ...(opts.kind ? { kind: opts.kind } : {}) },
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
        x: { field: 'period', type: 'ordinal', title: 'Period', sort: periods, axis: PERIOD_AXIS },
        y: { field: 'value', type: 'quantitative', title: unitTitle(opts.valueLabel, opts.kind), ...valueAxis(opts.kind, true) },
        color: { field: 'series', type: 'nominal', title: 'Series', scale: { domain: names, range: PALETTE.slice(0, names.length) } },
        shape: {
          field: 'series',
          type: 'nominal',
          title: 'Series',
          scale: { domain: names, range: ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down'].slice(0, names.length) },
        },
        tooltip: [{ field: 'period', title: 'Period' }, { field: 'series', title: 'Series' }, tipValue(opts.valueLabel, opts.kind)],
      },
    },
  ];
  if (opts.comparator) {
    layers.push({
      data: { values: [{ value: opts.comparator.value, line: opts.comparator.label }] },
      mark: { type: 'rule', strokeDash: [2, 2], color: OKABE_ITO.grey, strokeWidth: 1.5 },
      encoding: {
        y: { field: 'value', type: 'quantitative' },
        tooltip: [{ field: 'line', title: 'Line' }, tipValue('Value', opts.kind)],
      },
    });
  }
  const all = opts.series.flatMap((s) => s.values);
  const latest = opts.series.map((s) => `${s.name} ${display(s.values[s.values.length - 1], opts.kind)}`).join(', ');
  const description =
    `${opts.title} over ${periods.length} periods (${periods[0] ?? '–'} to ${periods[periods.length - 1] ?? '–'}); latest: ${latest}.` +
    `${comparatorText(opts.comparator, opts.kind)}${omitted(all)}`;
  const keys = opts.series.map((_, i) => `s${i}`);
  return {
    id: opts.id,
    title: opts.title,
    description,
    kind: 'vega-lite',
    spec: { ...base(opts.title, description), data: { values }, layer: layers },
    table: {
      columns: [
        { key: 'period', label: 'Period' },
        ...opts.series.map((s, i) => ({ key: keys[i]!, label: s.name, ...(opts.kind ? { kind: opts.kind } : {}) })),
      ],
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
  /** A dashed reference line across the bars at this value (demand against capacity: 1.00, at capacity). */
  reference?: { value: number; label: string };
}): ChartModel {
  const values = opts.items.flatMap((it) =>
    it.values
      .map((v, i) => ({ category: it.category, series: opts.seriesNames[i]!, value: v }))
      .filter((p): p is { category: string; series: string; value: number } => isNum(p.value)),
  );
  const description =
    opts.description ??
    `${opts.title}: ${opts.seriesNames.map(inSentence).join(' against ')} for ${opts.items.length} groups.` +
      // A group with no figure in any series is one the chart cannot draw: counted as a group, not a period.
      omitted(
        opts.items.flatMap((i) => i.values),
        'group',
        opts.items.filter((i) => i.values.some((v) => v === null)).length,
      );
  const keys = opts.seriesNames.map((_, i) => `s${i}`);
  const bars = {
    y: { field: 'category', type: 'nominal', title: opts.categoryLabel, sort: opts.items.map((i) => i.category) },
    yOffset: { field: 'series', type: 'nominal', sort: opts.seriesNames },
    x: { field: 'value', type: 'quantitative', title: unitTitle(opts.valueLabel, opts.kind), ...valueAxis(opts.kind) },
    color: { field: 'series', type: 'nominal', title: 'Series', scale: { domain: opts.seriesNames, range: PALETTE.slice(0, opts.seriesNames.length) } },
    tooltip: [{ field: 'category', title: opts.categoryLabel }, { field: 'series', title: 'Series' }, tipValue(opts.valueLabel, opts.kind)],
  };
  return {
    id: opts.id,
    title: opts.title,
    description,
    kind: 'vega-lite',
    spec: opts.reference
      ? {
          ...base(opts.title, description),
          layer: [
            { data: { values }, mark: { type: 'bar' }, encoding: bars },
            {
              data: { values: [{ value: opts.reference.value, line: opts.reference.label }] },
              mark: { type: 'rule', strokeDash: [2, 2], color: OKABE_ITO.black, strokeWidth: 1.5 },
              encoding: {
                x: { field: 'value', type: 'quantitative' },
                tooltip: [{ field: 'line', title: 'Line' }, tipValue('Value', opts.kind)],
              },
            },
          ],
        }
      : { ...base(opts.title, description), data: { values }, mark: { type: 'bar' }, encoding: bars },
    table: {
      columns: [
        { key: 'category', label: opts.categoryLabel },
        ...opts.seriesNames.map((s, i) => ({ key: keys[i]!, label: s, ...(opts.kind ? { kind: opts.kind } : {}) })),
      ],
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

// The service gaps' funnel plot: each locality's MET prevalence per 10,000 against its
// child (0–17) population, with the 95% and 99.8% control limits around a target rate:
// the exact Poisson limits of the expected count E (exactFunnelLimits), the same test that
// places each locality (funnelPosition), so a point and the lines never disagree. Built only from the rows as shown to the role: a locality whose
// prevalence is withheld ('c') is not plotted, and the description and the table say how
// many are withheld. The target is the area's own prevalence as shown, or for all four
// areas the partnership's (docs/definitions.md, "Funnel plot").

import { poissonAtLeast, poissonAtMost } from './intervals.js';
import { OKABE_ITO, type ChartModel } from './charts.js';
import type { Shown } from './disclosure.js';
import { funnelWords } from './messages.js';

export interface FunnelPoint {
  locality: string;
  area: string;
  population: number | null;
  prevalence: Shown;
}

/** Where a rate lies against the limits at its population. */
export type FunnelPosition = 'above 99.8%' | 'above 95%' | 'within' | 'below 95%' | 'below 99.8%';

export function funnelPosition(rate: number, target: number, population: number): FunnelPosition {
  // The exact Poisson tails of the observed count against the expected count at the target
  // (docs/definitions.md, "Funnel plot"): below the 95% limit iff P(X ≤ o | E) < 0.025, below
  // the 99.8% limit iff < 0.001; above likewise with P(X ≥ o | E). Byar's drawn limits only
  // approximate these, and for a small E put a lower limit just above 0 that a count of 0
  // (the likeliest count) would fall below.
  const expected = (target / 10_000) * population;
  const observed = Math.round((rate / 10_000) * population);
  const atMost = poissonAtMost(observed, expected);
  const atLeast = poissonAtLeast(observed, expected);
  if (atLeast < 0.001) return 'above 99.8%';
  if (atLeast < 0.025) return 'above 95%';
  if (atMost < 0.001) return 'below 99.8%';
  if (atMost < 0.025) return 'below 95%';
  return 'within';
}

/**
 * The drawn control limits per 10,000 at a population, consistent with funnelPosition: the
 * largest count still "below" (P(X ≤ o | E) < tail) plus half a child, and the smallest count
 * "above" (P(X ≥ o | E) < tail) less half a child, over the population. A whole count lies
 * below the lower line iff funnelPosition calls it below; 0 when no count is below.
 */
export function exactFunnelLimits(target: number, population: number, tail: number): { lower: number; upper: number } {
  return limitsOf(poissonTails((target / 10_000) * population), population, tail);
}

/**
 * The lower tails P(X ≤ o | E) of one expected count, summed once up to the largest o asked:
 * each is the very number poissonAtMost(o, E) gives (the same terms, added in the same
 * order), but walking o = 0, 1, 2, … costs one term a step rather than o. Asking for each
 * count in turn (exactFunnelLimits) was quadratic in E: 60 s for one Hampshire page at scale 100.
 */
function poissonTails(expected: number): { expected: number; atMost(o: number): number; atLeast(o: number): number } {
  const sums: number[] = [];
  const lnE = Math.log(expected);
  let lnTerm = -expected;
  const atMost = (o: number): number => {
    // E = 0: every count is at least 0 (poissonAtMost's own answer).
    if (expected === 0) return poissonAtMost(o, expected);
    if (sums.length === 0) sums.push(Math.exp(lnTerm));
    for (let k = sums.length; k <= o; k++) {
      lnTerm += lnE - Math.log(k);
      sums.push(sums[k - 1]! + Math.exp(lnTerm));
    }
    return Math.min(1, sums[o]!);
  };
  const atLeast = (o: number): number => (o <= 0 ? 1 : Math.max(0, 1 - atMost(o - 1)));
  return { expected, atMost, atLeast };
}

function limitsOf(tails: ReturnType<typeof poissonTails>, population: number, tail: number): { lower: number; upper: number } {
  const { expected } = tails;
  let below = -1;
  while (tails.atMost(below + 1) < tail) below++;
  let above = Math.max(0, Math.floor(expected));
  while (tails.atLeast(above) >= tail) above++;
  const rate = (count: number) => (count / population) * 10_000;
  return { lower: below < 0 ? 0 : rate(below + 0.5), upper: rate(above - 0.5) };
}

const one = (v: number) => Math.round(v * 10) / 10;

/** Populations from lo to hi, spaced evenly on a log scale, for the limit lines. */
function steps(lo: number, hi: number, n = 60): number[] {
  const a = Math.log(lo);
  const b = Math.log(hi);
  return Array.from({ length: n + 1 }, (_, i) => Math.exp(a + ((b - a) * i) / n));
}

export function funnelChart(opts: { id: string; title: string; target: Shown; targetLabel: string; lineLabel: string; points: FunnelPoint[] }): ChartModel {
  const plotted = opts.points.filter(
    (p): p is FunnelPoint & { population: number; prevalence: number } =>
      typeof p.prevalence === 'number' && typeof p.population === 'number' && p.population > 0,
  );
  // Withheld: c, or (the public) not given — a locality with a population always has a rate otherwise.
  const isWithheld = (p: FunnelPoint) => p.prevalence === 'c' || (p.prevalence === null && typeof p.population === 'number' && p.population > 0);
  const withheld = opts.points.filter(isWithheld).length;
  const noFigure = opts.points.length - plotted.length - withheld;
  const target = typeof opts.target === 'number' ? opts.target : null;
  const position = (p: { prevalence: number; population: number }) => (target === null ? null : funnelPosition(p.prevalence, target, p.population));
  const pops = plotted.map((p) => p.population);
  const lo = Math.max(1, Math.floor((pops.length ? Math.min(...pops) : 1000) * 0.8));
  const hi = Math.ceil((pops.length ? Math.max(...pops) : 1000) * 1.25);
  const line = opts.lineLabel;
  const lines =
    target === null
      ? []
      : steps(lo, hi).flatMap((n) => {
          const tails = poissonTails((target / 10_000) * n);
          const l95 = limitsOf(tails, n, 0.025);
          const l998 = limitsOf(tails, n, 0.001);
          return [
            { population: n, limit: '95% limits', side: 'lower', value: l95.lower },
            { population: n, limit: '95% limits', side: 'upper', value: l95.upper },
            { population: n, limit: '99.8% limits', side: 'lower', value: l998.lower },
            { population: n, limit: '99.8% limits', side: 'upper', value: l998.upper },
            { population: n, limit: line, side: 'target', value: target },
          ];
        });
  const points = plotted.map((p) => ({
    locality: p.locality,
    area: p.area,
    population: p.population,
    prevalence: p.prevalence,
    position: position(p) ?? 'no target',
    outside: position(p) !== null && position(p) !== 'within' ? 'Outside the 95% limits' : 'Within the 95% limits',
  }));
  const description = funnelWords.description({
    plotted: points.length,
    withheld,
    noFigure,
    target,
    targetLabel: opts.targetLabel,
    above: points.filter((p) => p.position.startsWith('above')).map((p) => p.locality),
    below: points.filter((p) => p.position.startsWith('below')).map((p) => p.locality),
  });
  const x = {
    field: 'population',
    type: 'quantitative',
    title: 'Children aged 0–17 (population)',
    scale: { type: 'log', domain: [lo, hi], nice: false },
    axis: { format: ',d', tickCount: 6 },
  };
  const layers: Record<string, unknown>[] = [];
  if (target !== null) {
    layers.push({
      data: { values: lines },
      mark: { type: 'line', color: OKABE_ITO.black, strokeWidth: 1.2, clip: true },
      encoding: {
        x,
        y: { field: 'value', type: 'quantitative', title: 'MET prevalence per 10,000' },
        detail: { field: 'side', type: 'nominal' },
        strokeDash: {
          field: 'limit',
          type: 'nominal',
          title: 'Lines',
          scale: {
            domain: [line, '95% limits', '99.8% limits'],
            range: [
              [1, 0],
              [6, 3],
              [2, 2],
            ],
          },
        },
        tooltip: [
          { field: 'limit', title: 'Line' },
          { field: 'population', title: 'Children aged 0–17', format: ',d' },
          { field: 'value', title: 'Per 10,000', format: '.1f' },
        ],
      },
    });
  }
  layers.push({
    data: { values: points },
    mark: { type: 'point', filled: true, size: 80 },
    encoding: {
      x,
      y: { field: 'prevalence', type: 'quantitative', title: 'MET prevalence per 10,000' },
      shape: {
        field: 'outside',
        type: 'nominal',
        title: 'Locality',
        scale: { domain: ['Within the 95% limits', 'Outside the 95% limits'], range: ['circle', 'triangle-up'] },
      },
      color: {
        field: 'outside',
        type: 'nominal',
        title: 'Locality',
        scale: { domain: ['Within the 95% limits', 'Outside the 95% limits'], range: [OKABE_ITO.blue, OKABE_ITO.vermillion] },
      },
      tooltip: [
        { field: 'locality', title: 'Locality' },
        { field: 'area', title: 'Area' },
        { field: 'population', title: 'Children aged 0–17', format: ',d' },
        { field: 'prevalence', title: 'Per 10,000' },
        { field: 'position', title: 'Against the limits' },
      ],
    },
  });
  return {
    id: opts.id,
    title: opts.title,
    description,
    kind: 'vega-lite',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: opts.title,
      description,
      width: 'container',
      height: 300,
      config: { font: 'Arial, sans-serif', axis: { labelFontSize: 12, titleFontSize: 12 }, legend: { labelFontSize: 12 } },
      layer: layers,
    },
    table: {
      columns: [
        { key: 'locality', label: 'Locality' },
        { key: 'area', label: 'Area' },
        { key: 'population', label: 'Children aged 0–17' },
        { key: 'prevalence', label: 'MET prevalence per 10,000' },
        { key: 'limits95', label: '95% limits' },
        { key: 'limits998', label: '99.8% limits' },
        { key: 'position', label: 'Against the limits' },
      ],
      rows: opts.points.map((p) => {
        const shown = typeof p.prevalence === 'number' && typeof p.population === 'number' && p.population > 0;
        const tails = target !== null && p.population ? poissonTails((target / 10_000) * p.population) : null;
        const l95 = tails && p.population ? limitsOf(tails, p.population, 0.025) : null;
        const l998 = tails && p.population ? limitsOf(tails, p.population, 0.001) : null;
        return {
          locality: p.locality,
          area: p.area,
          population: p.population,
          prevalence: p.prevalence,
          limits95: l95 ? `${one(l95.lower).toFixed(1)}–${one(l95.upper).toFixed(1)}` : null,
          limits998: l998 ? `${one(l998.lower).toFixed(1)}–${one(l998.upper).toFixed(1)}` : null,
          position: isWithheld(p)
            ? funnelWords.withheldRow
            : shown && target !== null
              ? funnelPosition(p.prevalence as number, target, p.population as number)
              : funnelWords.noFigureRow,
        };
      }),
    },
  };
}

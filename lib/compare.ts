// The comparisons a commissioner reads: the four areas side by side, with 95% intervals
// and the partnership's (and, where one exists, the national) figure as reference lines;
// and who MET children are against the child population. Everything here is worked out
// from figures as the role is shown them (and the public population), so an interval
// never tells more than the figure it surrounds: a withheld figure has no interval, is not
// drawn, and is said to be withheld. Every sentence is one of `compareWords`.

import { OKABE_ITO } from './charts.js';
import { byar, wilson, type Interval } from './intervals.js';
import type { Shown } from './disclosure.js';
import type { Cell, ChartModel } from '../model/api.js';
import { formatFigure, isPercent, roundHalfAway } from '../model/format.js';
import { GROUP_DIMENSION_WORDS, GROUP_WORDS, groupWords } from '../model/measures.js';

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A figure as every page writes it (model/format.ts): 9.1, 73.1%, a published percentage whole (73%). */
export const figure = (v: number, kind: string): string => formatFigure(v, kind);

/** An interval's end as its figure is written: one decimal, or whole for a published percentage ('pct0'). */
const roundAs = (kind: string) => (v: number) => roundHalfAway(v, kind === 'pct0' ? 0 : 1);

/** Where a figure's 95% interval lies against a reference: wholly above it, wholly below it, or around it (within chance). */
export type Side = 'above' | 'below' | 'within';

export function sideOf(i: Interval, reference: number): Side {
  if (i.lower > reference) return 'above';
  if (i.upper < reference) return 'below';
  return 'within';
}

/**
 * The 95% interval of a shown figure, on its own scale, or none where it cannot be
 * worked out from shown figures (withheld, not given, no denominator):
 *  - a rate per 10,000: Byar's interval of its shown count over the population (public);
 *  - a percentage: Wilson's interval of its shown numerator (the percentage of its shown
 *    denominator, to the nearest whole one) over that denominator.
 */
export function intervalOf(kind: string, value: Shown | undefined, base: Shown | undefined, population?: number | null): Interval | undefined {
  if (!isNum(value) || !isNum(base)) return undefined;
  if (kind === 'per10k') {
    if (!isNum(population) || population <= 0) return undefined;
    const c = byar(base);
    return { lower: (c.lower / population) * 10_000, upper: (c.upper / population) * 10_000 };
  }
  if (isPercent(kind)) {
    if (base <= 0) return undefined;
    const k = Math.min(base, Math.max(0, Math.round((value * base) / 100)));
    const w = wilson(k, base);
    return { lower: 100 * w.lower, upper: 100 * w.upper };
  }
  return undefined;
}

// ── The four areas ────────────────────────────────────────────────────────────────

export interface AreaFigure {
  area: string;
  value: Shown;
  interval?: Interval;
  /** Published rule: a figure not given, as part of a withheld count (rather than one with nothing to measure). */
  notGiven?: boolean;
}

export interface AreaComparison {
  id: string;
  label: string;
  kind: string;
  areas: AreaFigure[];
  /** All four areas together; absent for an account limited to one area. */
  partnership?: AreaFigure;
  /** The national comparator, where one exists and applies to the ages shown. */
  national?: { value: number; words: string };
  /** The area chosen with the Area picker ('all': none). */
  chosen?: string;
}

export const compareWords = {
  partnershipLine: (v: number, kind: string) => `All four areas (${figure(v, kind)})`,
  nationalLine: (words: string, v: number, kind: string) => `${words} (${figure(v, kind)})`,
  /** "the national figure of 63.0% (England, 2023-24)" from "National figure (England, 2023-24)". */
  nationalInSentence: (words: string, v: number, kind: string) => words.replace(/^National figure/, `the national figure of ${figure(v, kind)}`),
  chosenLabel: (area: string) => `${area} (chosen)`,
  withInterval: (v: number, i: Interval | undefined, kind: string) =>
    i ? `${figure(v, kind)} (95% interval ${figure(i.lower, kind)} to ${figure(i.upper, kind)})` : figure(v, kind),
  highLow: (label: string, high: string, low: string) => `${label}: highest in ${high}, lowest in ${low}.`,
  onlyOne: (label: string, one: string) => `${label}: ${one}.`,
  noneShown: (label: string) => `${label}: no area’s figure can be shown.`,
  partnership: (v: string) => ` All four areas together: ${v}.`,
  partnershipWithheld: ' All four areas together: withheld (c) to protect confidentiality, so no area is compared with it.',
  partnershipNotGiven: ' All four areas together: not given, as part of a figure withheld (c).',
  againstPartnership: (above: string[], below: string[]) => {
    const parts: string[] = [];
    if (above.length) parts.push(`${list(above)} ${above.length === 1 ? 'is' : 'are'} above the four areas’ figure by more than chance`);
    if (below.length) parts.push(`${list(below)} ${below.length === 1 ? 'is' : 'are'} below it by more than chance`);
    return parts.length
      ? ` ${cap(parts.join('; '))} (the 95% interval lies wholly to one side); for the rest the difference is within chance.`
      : ' No area differs from the four areas’ figure by more than chance (every 95% interval includes it).';
  },
  againstNational: (words: string, above: string[], below: string[]) => {
    const parts: string[] = [];
    if (above.length) parts.push(`above it by more than chance: ${list(above)}`);
    if (below.length) parts.push(`below it by more than chance: ${list(below)}`);
    return parts.length ? ` Against ${words}, ${parts.join('; ')}.` : ` No area differs from ${words} by more than chance.`;
  },
  withheld: (areas: string[]) => ` ${list(areas)}: withheld (c) to protect confidentiality, so not drawn or compared.`,
  noFigure: (areas: string[]) => ` ${list(areas)}: no figure for this period.`,
  notGiven: (areas: string[]) => ` ${list(areas)}: not given, as part of a figure withheld (c) to protect confidentiality.`,
  chosenWithin: (area: string, v: string) => ` ${area}, the chosen area: ${v}.`,
  chartDescription: (title: string, shown: number, kind: string, lines: string[]) =>
    `${title}: one bar per area (${shown} drawn), each with its 95% interval as an error bar (${isPercent(kind) ? 'Wilson' : 'Byar'}’s method)` +
    `${lines.length ? `; reference lines: ${lines.join(', ')}` : ''}.`,
  chosenDescription: (area: string) => ` ${area}, the chosen area, is drawn in orange with a thick black outline and labelled in bold “(chosen)”.`,
  sideWords: { above: 'above, beyond chance', below: 'below, beyond chance', within: 'within chance' } as Record<Side, string>,
};

function list(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** group_profile's rows in the order its words are declared (Female, Male …; Looked after, Not looked after …), dimensions as given. */
export function inWordsOrder(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const dims = [...new Set(rows.map((r) => String(r.dimension)))];
  const at = (r: Record<string, unknown>) => {
    const keys = Object.keys(GROUP_WORDS[String(r.dimension)] ?? {});
    const i = keys.indexOf(String(r.group));
    return i < 0 ? keys.length : i;
  };
  return [...rows].sort((a, b) => dims.indexOf(String(a.dimension)) - dims.indexOf(String(b.dimension)) || at(a) - at(b));
}
const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** The sentences for one measure of the four areas: highest and lowest, against the partnership and the nation, the withheld ones. */
export function areasCommentary(c: AreaComparison): string {
  const shown = c.areas.filter((a) => isNum(a.value)) as (AreaFigure & { value: number })[];
  const desc = (a: AreaFigure & { value: number }) => `${a.area} ${compareWords.withInterval(a.value, a.interval, c.kind)}`;
  let s: string;
  if (shown.length === 0) s = compareWords.noneShown(c.label);
  else if (shown.length === 1) s = compareWords.onlyOne(c.label, desc(shown[0]!));
  else {
    const byValue = [...shown].sort((a, b) => b.value - a.value);
    s = compareWords.highLow(c.label, desc(byValue[0]!), desc(byValue[byValue.length - 1]!));
    const chosen = shown.find((a) => a.area === c.chosen);
    if (chosen && chosen !== byValue[0] && chosen !== byValue[byValue.length - 1])
      s += compareWords.chosenWithin(chosen.area, compareWords.withInterval(chosen.value, chosen.interval, c.kind));
  }
  const p = c.partnership;
  if (p?.value === 'c') s += compareWords.partnershipWithheld;
  else if (p?.notGiven && (p.value === null || p.value === undefined)) s += compareWords.partnershipNotGiven;
  if (p && isNum(p.value) && shown.length) {
    s += compareWords.partnership(compareWords.withInterval(p.value, p.interval, c.kind));
    const judged = shown.filter((a) => a.interval);
    const side = (a: AreaFigure) => sideOf(a.interval!, p.value as number);
    if (judged.length)
      s += compareWords.againstPartnership(
        judged.filter((a) => side(a) === 'above').map((a) => a.area),
        judged.filter((a) => side(a) === 'below').map((a) => a.area),
      );
  }
  if (c.national && shown.some((a) => a.interval)) {
    const n = c.national;
    const judged = shown.filter((a) => a.interval);
    s += compareWords.againstNational(
      compareWords.nationalInSentence(n.words, n.value, c.kind),
      judged.filter((a) => sideOf(a.interval!, n.value) === 'above').map((a) => a.area),
      judged.filter((a) => sideOf(a.interval!, n.value) === 'below').map((a) => a.area),
    );
  }
  const withheld = c.areas.filter((a) => a.value === 'c').map((a) => a.area);
  if (withheld.length) s += compareWords.withheld(withheld);
  const notGiven = c.areas.filter((a) => (a.value === null || a.value === undefined) && a.notGiven).map((a) => a.area);
  if (notGiven.length) s += compareWords.notGiven(notGiven);
  const none = c.areas.filter((a) => (a.value === null || a.value === undefined) && !a.notGiven).map((a) => a.area);
  if (none.length) s += compareWords.noFigure(none);
  return s;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * One measure for the four areas: a bar per area with its 95% interval as an error bar,
 * the four areas' figure and the national one as labelled reference lines, the chosen
 * area outlined, coloured and labelled in bold "(chosen)" (never by colour alone). A
 * withheld figure is not drawn; its row of the table reads c.
 */
export function areaComparisonChart(c: AreaComparison, title: string): ChartModel {
  const label = (a: string) => (a === c.chosen ? compareWords.chosenLabel(a) : a);
  const order = c.areas.map((a) => label(a.area));
  // With all four areas chosen no bar is "other": one kind of bar, and no legend for it.
  const anyChosen = c.chosen !== undefined && c.chosen !== 'all';
  const others = anyChosen ? 'Other areas' : 'The four areas';
  const drawn = c.areas
    .filter((a) => isNum(a.value))
    .map((a) => ({
      area: label(a.area),
      value: a.value as number,
      ...(a.interval ? { lower: roundAs(c.kind)(a.interval.lower), upper: roundAs(c.kind)(a.interval.upper) } : {}),
      which: a.area === c.chosen ? 'Chosen area' : others,
    }));
  const lines: { line: string; value: number }[] = [];
  if (c.partnership && isNum(c.partnership.value)) lines.push({ line: compareWords.partnershipLine(c.partnership.value, c.kind), value: c.partnership.value });
  if (c.national) lines.push({ line: compareWords.nationalLine(c.national.words, c.national.value, c.kind), value: c.national.value });
  const chosenShown = drawn.some((d) => d.which === 'Chosen area');
  const which = chosenShown ? ['Chosen area', others] : [others];
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar', stroke: '#0b0c0c' },
      encoding: {
        y: {
          field: 'area',
          type: 'nominal',
          title: 'Area',
          sort: order,
          axis: {
            labelLimit: 0,
            labelFontWeight: c.chosen
              ? { condition: { test: `datum.value === ${JSON.stringify(label(c.chosen))}`, value: 'bold' }, value: 'normal' }
              : 'normal',
          },
        },
        x: { field: 'value', type: 'quantitative', title: c.label },
        color: {
          field: 'which',
          type: 'nominal',
          title: 'Bar',
          scale: { domain: which, range: chosenShown ? [OKABE_ITO.orange, OKABE_ITO.skyBlue] : [OKABE_ITO.skyBlue] },
          ...(anyChosen ? {} : { legend: null }),
        },
        // A scale of one value would draw NaN: with no chosen area drawn, no outline at all.
        strokeWidth: chosenShown ? { field: 'which', type: 'nominal', scale: { domain: which, range: [3, 0] }, legend: null } : { value: 0 },
        tooltip: [
          { field: 'area', title: 'Area' },
          { field: 'value', title: c.label },
          { field: 'lower', title: '95% interval from' },
          { field: 'upper', title: '95% interval to' },
        ],
      },
    },
    {
      mark: { type: 'errorbar', ticks: true, color: '#0b0c0c', thickness: 1.5 },
      encoding: {
        y: { field: 'area', type: 'nominal', sort: order },
        x: { field: 'lower', type: 'quantitative', title: c.label },
        x2: { field: 'upper' },
      },
    },
  ];
  if (lines.length)
    layers.push({
      data: { values: lines },
      mark: { type: 'rule', strokeWidth: 2, color: '#0b0c0c' },
      encoding: {
        x: { field: 'value', type: 'quantitative' },
        strokeDash: {
          field: 'line',
          type: 'nominal',
          title: 'Reference line',
          scale: { domain: lines.map((l) => l.line), range: lines.map((_, i) => (i === 0 ? [6, 3] : [2, 2])) },
        },
        tooltip: [
          { field: 'line', title: 'Line' },
          { field: 'value', title: 'Value' },
        ],
      },
    });
  const description =
    compareWords.chartDescription(
      title,
      drawn.length,
      c.kind,
      lines.map((l) => l.line),
    ) +
    (c.chosen && chosenShown ? compareWords.chosenDescription(c.chosen) : '') +
    (c.areas.some((a) => a.value === 'c') ? compareWords.withheld(c.areas.filter((a) => a.value === 'c').map((a) => a.area)) : '');
  const partnershipSide = (a: AreaFigure) =>
    a.interval && c.partnership && isNum(c.partnership.value) ? compareWords.sideWords[sideOf(a.interval, c.partnership.value)] : '';
  const rows: Record<string, Cell>[] = [...c.areas, ...(c.partnership ? [{ ...c.partnership, area: 'All four areas' }] : [])].map((a) => ({
    area: label(a.area),
    value: a.value,
    lower: a.interval ? roundAs(c.kind)(a.interval.lower) : a.value === 'c' ? 'c' : null,
    upper: a.interval ? roundAs(c.kind)(a.interval.upper) : a.value === 'c' ? 'c' : null,
    against: a.area === 'All four areas' ? '' : a.value === 'c' ? 'withheld (c)' : partnershipSide(a),
  }));
  return {
    id: c.id,
    title,
    description,
    kind: 'vega-lite',
    spec: {
      $schema: SCHEMA,
      title,
      description,
      width: 'container',
      height: 200,
      config: {
        font: 'Arial, sans-serif',
        axis: { labelFontSize: 12, titleFontSize: 12 },
        legend: { labelFontSize: 12, labelLimit: 0, orient: 'bottom', direction: 'vertical' },
      },
      data: { values: drawn },
      layer: layers,
    },
    table: {
      columns: [
        { key: 'area', label: 'Area' },
        { key: 'value', label: c.label },
        { key: 'lower', label: '95% interval from' },
        { key: 'upper', label: '95% interval to' },
        ...(c.partnership ? [{ key: 'against', label: 'Against all four areas' }] : []),
      ],
      rows,
    },
  };
}

// ── Who MET children are ──────────────────────────────────────────────────────────

/** A group against the population: over- or under-represented beyond chance, within chance, or not compared. */
export type Representation = 'over' | 'under' | 'within' | 'no_population' | 'withheld' | 'no_figure';

export interface JudgedGroup {
  dimension: string;
  group: string;
  words: string;
  children: Shown;
  share: Shown;
  interval?: Interval;
  population: number | null;
  representation: Representation;
}

const REPRESENTATION_WORDS: Record<Representation, string> = {
  over: 'over-represented',
  under: 'under-represented',
  within: 'in line (within chance)',
  no_population: 'no population figure',
  withheld: 'withheld (c)',
  no_figure: 'no figure',
};

/**
 * Each group's share of MET children with its Wilson 95% interval (the group's shown count
 * of the shown MET children), judged against its share of the child population: over- or
 * under-represented only where the interval excludes the population share.
 */
export function judgeGroups(rows: Record<string, unknown>[], metChildren: Shown): JudgedGroup[] {
  return rows.map((r) => {
    const dimension = String(r.dimension);
    const group = String(r.group);
    const children = (r.children ?? null) as Shown;
    const share = (r.share_pct ?? null) as Shown;
    const population = isNum(r.population_share_pct) ? r.population_share_pct : null;
    const interval = isNum(children) && isNum(metChildren) && metChildren > 0 && children <= metChildren ? scaled(wilson(children, metChildren)) : undefined;
    const representation: Representation =
      share === 'c' || children === 'c'
        ? 'withheld'
        : !isNum(share)
          ? 'no_figure'
          : population === null
            ? 'no_population'
            : !interval
              ? 'no_figure'
              : ({ above: 'over', below: 'under', within: 'within' } as const)[sideOf(interval, population)];
    return { dimension, group, words: groupWords(dimension, group), children, share, ...(interval ? { interval } : {}), population, representation };
  });
}

const scaled = (i: Interval): Interval => ({ lower: 100 * i.lower, upper: 100 * i.upper });

/** The groups table: words, not codes, with the interval and the judgement. */
export function groupsTable(
  judged: JudgedGroup[],
  rows: Record<string, unknown>[],
  /** How the shares are written: 'pct' one decimal, 'pct0' whole (the published rule). */
  pct = 'pct',
): { columns: { key: string; label: string; kind?: string }[]; rows: Record<string, Cell>[] } {
  const round = roundAs(pct);
  return {
    columns: [
      { key: 'dimension', label: 'Dimension' },
      { key: 'group', label: 'Group' },
      { key: 'children', label: 'Children', kind: 'count' },
      { key: 'share_pct', label: '% of MET children', kind: pct },
      { key: 'share_lower', label: '95% interval from', kind: pct },
      { key: 'share_upper', label: '95% interval to', kind: pct },
      { key: 'population_share_pct', label: '% of the population', kind: pct },
      { key: 'ratio', label: 'Representation ratio' },
      { key: 'representation', label: 'Against the population' },
    ],
    rows: judged.map((g, i) => ({
      dimension: GROUP_DIMENSION_WORDS[g.dimension] ?? g.dimension,
      group: g.words,
      children: g.children,
      share_pct: g.share,
      share_lower: g.interval ? round(g.interval.lower) : g.share === 'c' ? 'c' : null,
      share_upper: g.interval ? round(g.interval.upper) : g.share === 'c' ? 'c' : null,
      population_share_pct: g.population,
      ratio: (rows[i]?.ratio ?? null) as Cell,
      representation: REPRESENTATION_WORDS[g.representation],
    })),
  };
}

export const groupWordsOut = {
  judged: (g: JudgedGroup, pct = 'pct') =>
    `${g.words} (${figure(g.share as number, pct)} of MET children, 95% interval ${figure(g.interval!.lower, pct)} to ${figure(g.interval!.upper, pct)}, against ${figure(g.population!, pct)} of children)`,
  over: (xs: string[]) =>
    `Over-represented among MET children against the child population (the 95% interval of their share lies above the population share): ${xs.join('; ')}.`,
  under: (xs: string[]) => `Under-represented (the interval lies below the population share): ${xs.join('; ')}.`,
  within: (xs: string[]) => `In line with the population, any difference within chance: ${list(xs)}.`,
  none: 'No group is over- or under-represented beyond chance against the child population.',
  noPopulation: (dims: string[]) =>
    `${cap(list(dims.map(lower)))} ${dims.length === 1 ? 'has' : 'have'} no population figure to compare with: ${dims.length === 1 ? 'its' : 'their'} shares are shown, not judged.`,
  withheld: (xs: string[]) => `Withheld (c) to protect confidentiality: ${list(xs)}.`,
};

/**
 * The groups page's sentences: the over- and under-represented groups with their intervals, the rest, what is not compared or withheld.
 * `pct`: how percentages are written ('pct0' under the published rule: whole numbers).
 */
export function groupsCommentary(judged: JudgedGroup[], pct = 'pct'): string[] {
  const out: string[] = [];
  const over = judged.filter((g) => g.representation === 'over');
  const under = judged.filter((g) => g.representation === 'under');
  if (over.length) out.push(groupWordsOut.over(over.map((g) => groupWordsOut.judged(g, pct))));
  if (under.length) out.push(groupWordsOut.under(under.map((g) => groupWordsOut.judged(g, pct))));
  if (!over.length && !under.length && judged.some((g) => g.representation === 'within')) out.push(groupWordsOut.none);
  const within = judged.filter((g) => g.representation === 'within').map((g) => g.words);
  if (within.length && (over.length || under.length)) out.push(groupWordsOut.within(within));
  const dims = [...new Set(judged.filter((g) => g.representation === 'no_population').map((g) => g.dimension))];
  if (dims.length) out.push(groupWordsOut.noPopulation(dims.map((d) => GROUP_DIMENSION_WORDS[d] ?? d)));
  const withheld = judged.filter((g) => g.representation === 'withheld').map((g) => g.words);
  if (withheld.length) out.push(groupWordsOut.withheld(withheld));
  return out;
}

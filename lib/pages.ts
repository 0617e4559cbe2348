// The dashboard's pages as data ("page models"): what each page shows, built from one
// readMeasures call (the areas page reads each area; actions and data add small reads
// of tables that are not child records). The web front end only lays these out, so
// every figure a page shows has passed disclosure control for the caller's role.

import type { Db } from './db.js';
import { measureDef, measureWords, type AreaOrAll } from './catalogue.js';
import type { Role, Shown } from './disclosure.js';
import { parseScope, readMeasures, type MeasureOut, type MeasuresResponse } from './measures.js';
import { parsePeriod, previousPeriod } from './periods.js';
import { commentaryWords, nationalApplies, notApplicable, ownAges, pageCommentary, scopedLabel } from './commentary.js';
import { provisionWords, serviceWords } from './messages.js';
import {
  barChart,
  display,
  emptyChartText,
  groupedBarChart,
  inSentence,
  multiLineChart,
  nothingToDraw,
  spcChart,
  type Cell,
  type ChartModel,
  type HexCell,
} from './charts.js';
import { HEX_LAYOUT } from './hexLayout.js';
import {
  areaComparisonChart,
  areasCommentary,
  groupsCommentary,
  groupsTable,
  intervalOf,
  inWordsOrder,
  judgeGroups,
  type AreaComparison,
  type AreaFigure,
} from './compare.js';
import { EXPECTED_REFRESH, SERVICES, SOURCES, type SourceName } from '../model/contract.js';
import { formatChangeSize, formatFigure, shownKind } from '../model/format.js';
import { termsIn } from '../model/glossary.js';
import { GROUP_DIMENSION_WORDS, groupWords } from '../model/measures.js';
import { isPageId, PAGE_DECLS, PAGE_IDS, pageDecl, type Block, type PageDecl, type PageId, type TileDetail } from '../model/pages.js';
import { AREAS, type AreaName } from '../model/areas.js';
import { fillWords, wordsFor } from '../model/parameters.js';
import { residualFor } from './audit/cache.js';
import { auditWords } from './audit/words.js';
import { funnelChart } from './funnel.js';
import { funnelWords, gapReasonWords, gapSummaryText } from './messages.js';
import { PARAMETERS } from '../model/parameters.js';

export type { PageId } from '../model/pages.js';
export const PAGES = PAGE_IDS;

/** Pages that show data-quality detail meant for the analyst only. */
export const ANALYST_PAGES: ReadonlySet<PageId> = new Set<PageId>(PAGE_DECLS.filter((p) => p.audience === 'analyst').map((p) => p.id));

export interface PageRequest {
  page: PageId;
  area: string;
  period: string;
  ages: string;
  role: Role;
  refresh: { refresh_id: string; finished_at: string | null };
  trend?: number;
  /** An account limited to one area (the sign-in passes it): only that area is read and listed; another is a ForbiddenError (403). */
  limitArea?: AreaName;
  /** The warehouse file's path, for work done in the background once per refresh (the data page's disclosure audit). */
  warehouse?: string;
  /** The moment the page is as at (the data page's "older than expected" flag); now unless a test fixes it. */
  now?: Date;
}

export type { PageModel, PageTable, Tile } from '../model/api.js';
import type { PageModel, PageTable, Tile } from '../model/api.js';

const PERIOD_WORD: Record<string, string> = { month: 'month', quarter: 'quarter', fy: 'financial year', year: 'year' };

/** A measure's kind as the figures' rule writes it (published percentages whole: model/format.ts `shownKind`). */
function kindOf(id: string, r?: { disclosure: { rule: string } }): string | undefined {
  return shownKind(measureDef(id)?.kind, r?.disclosure.rule);
}

/** A measure's label, naming the parameters its figures were built with (and its own ages, where it does not follow the picker). */
function labelOf(id: string, p?: MeasuresResponse['parameters']): string {
  return scopedLabel(id, p);
}

/** The national comparator's words, from the parameters of the read (a whole percentage under the published rule). */
function nationalText(r: MeasuresResponse): string {
  const p = r.parameters;
  return `National figure about ${formatFigure(p.rhi_national.pct, shownKind('pct', r.disclosure.rule))} (${p.rhi_national.year})`;
}

/**
 * "up 26 on the previous quarter": only from shown figures, so it never reveals a withheld one.
 * A period the extracts do not reach to its end is not a rise or a fall: part of it against a whole one.
 */
function changeText(m: MeasureOut, id: string, periodKind: string, published = false, complete = true): string {
  const prev = m.previous;
  const word = PERIOD_WORD[periodKind] ?? 'period';
  if (!prev) return `no figure for the previous ${word}`;
  if (!complete) return `${measureDef(id)?.overTime === 'point' ? 'at the latest day of the data' : 'so far'}: this ${word} is not complete, so not compared`;
  if (m.value === 'c' || prev.value === 'c') return withheldComparisonText(m.value === 'c', prev.value === 'c', word);
  // Published rule: a count not given (a part of a withheld count).
  const notGiven = (v: Shown | undefined) => published && v === null && kindOf(id) === 'count';
  if (notGiven(m.value) || notGiven(prev.value))
    return withheldComparisonText(notGiven(m.value), notGiven(prev.value), word).replace(/withheld \(c\)$/, 'not given (part of a withheld figure)');
  const diff = prev.change;
  if (diff === undefined || diff === null) return `no comparison with the previous ${word}`;
  if (diff === 0) return `the same as the previous ${word}`;
  return `${diff > 0 ? 'up' : 'down'} ${formatChangeSize(diff, shownKind(measureDef(id)?.kind, published ? 'published' : undefined))} on the previous ${word}`;
}

/**
 * Which figure stops the comparison with the previous period: this period's, the
 * previous one's, or both (the year-earlier figure is on the tile on its own).
 */
export function withheldComparisonText(thisWithheld: boolean, previousWithheld: boolean, word: string): string {
  const which =
    thisWithheld && previousWithheld
      ? `this ${word}'s and the previous ${word}'s figures are`
      : thisWithheld
        ? `this ${word}'s figure is`
        : `the previous ${word}'s figure is`;
  return `no comparison with the previous ${word}: ${which} withheld (c)`;
}

/** A count the published rule rounded (not 0, which is exact). */
function isRounded(r: MeasuresResponse, v: Shown | undefined, kind: string | undefined): boolean {
  return r.disclosure.rule === 'published' && kind === 'count' && typeof v === 'number' && v !== 0;
}

/** A figure's display, marked ≈ where it is rounded (the legend says to what). */
function marked(r: MeasuresResponse, v: Shown | undefined, kind: string | undefined): string {
  // Published rule: a count not given is a part of a withheld count, not a period with nothing to measure.
  if (r.disclosure.rule === 'published' && kind === 'count' && v === null) return 'not given';
  return isRounded(r, v, kind) ? `≈ ${display(v, kind)}` : display(v, kind);
}

function tile(
  r: MeasuresResponse,
  id: string,
  periodKind: string,
  extra?: { detail?: string; comparator?: number },
): { tile: Tile; chart: ChartModel | null } | null {
  const m = r.measures[id];
  if (!m) return null;
  // No figure for the ages chosen (return interviews for young adults): said, with no chart of nothing.
  if (notApplicable(id, r.parameters))
    return {
      tile: {
        id,
        label: labelOf(id, r.parameters),
        value: null,
        display: 'not applicable',
        detail: commentaryWords.noInterviews,
        change_text: 'not applicable to the ages chosen',
        signal: 'none',
        signal_text: commentaryWords.noInterviews,
        spark: { periods: [], values: [] },
        definition: measureDef(id) ? measureWords(measureDef(id)!, r.parameters).definition : '',
      },
      chart: null,
    };
  const trend = m.trend ?? {
    periods: [r.period],
    values: [m.value ?? null],
    spc: { status: 'too_few_points' as const, n: 1, needed: 12, summary: 'No trend was read.' },
  };
  const spc = trend.spc;
  const chartId = `spc-${id}`;
  const t: Tile = {
    id,
    label: labelOf(id, r.parameters),
    value: m.value ?? null,
    display: marked(r, m.value, kindOf(id, r)),
    ...(kindOf(id, r) ? { kind: kindOf(id, r)! } : {}),
    ...(isRounded(r, m.value, kindOf(id, r)) ? { rounded: true } : {}),
    ...(extra?.detail ? { detail: extra.detail } : {}),
    // Each comparison marked ≈ as the headline is, where the published rule rounded it.
    ...(m.previous ? { previous: { period: m.previous.period, value: m.previous.value, display: marked(r, m.previous.value, kindOf(id, r)) } } : {}),
    // A financial or calendar year's previous period is the year earlier: compared once.
    ...(m.year_earlier && m.year_earlier.period !== m.previous?.period
      ? { year_earlier: { period: m.year_earlier.period, value: m.year_earlier.value, display: marked(r, m.year_earlier.value, kindOf(id, r)) } }
      : {}),
    change_text: changeText(m, id, periodKind, r.disclosure.rule === 'published', r.complete !== false),
    signal: spc.status === 'ok' ? spc.latest : 'none',
    signal_text: spc.summary,
    spark: { periods: trend.periods, values: trend.values },
    definition: measureDef(id) ? measureWords(measureDef(id)!, r.parameters).definition : '',
    chart: chartId,
  };
  const chart = spcChart({
    id: chartId,
    label: labelOf(id, r.parameters),
    trend,
    ...(kindOf(id, r) ? { kind: kindOf(id, r)! } : {}),
    ...(extra?.comparator !== undefined
      ? { comparator: { value: extra.comparator, label: `National figure (${formatFigure(extra.comparator, shownKind('pct', r.disclosure.rule))})` } }
      : {}),
  });
  return { tile: t, chart };
}

function trendChart(r: MeasuresResponse, id: string, comparator?: number): ChartModel | null {
  const m = r.measures[id];
  if (!m?.trend) return null;
  return spcChart({
    id: `spc-${id}`,
    label: labelOf(id, r.parameters),
    trend: m.trend,
    ...(kindOf(id, r) ? { kind: kindOf(id, r)! } : {}),
    ...(comparator !== undefined
      ? { comparator: { value: comparator, label: `National figure (${formatFigure(comparator, shownKind('pct', r.disclosure.rule))})` } }
      : {}),
  });
}

const BREAKDOWN_LABELS: Record<string, string> = {
  classification: 'Classification',
  source: 'Reporting source',
  looked_after: 'Looked after',
  placed_out_of_area: 'Placed out of area',
  level: 'SERAF level',
  exploitation_type: 'Exploitation type',
  action_type: 'Action',
  theme: 'Theme',
  agency: 'Agency',
  location_type: 'Location type',
  first_responder: 'First responder',
  referrer: 'Referrer',
};

function breakdownChart(r: MeasuresResponse, id: string, breakdown: string, order?: string[]): ChartModel | null {
  const cells = r.measures[id]?.by?.[breakdown];
  if (!cells) return null;
  const keys = order ? [...order.filter((k) => k in cells), ...Object.keys(cells).filter((k) => !order.includes(k))] : Object.keys(cells).sort();
  const title = `${labelOf(id, r.parameters)} by ${inSentence(BREAKDOWN_LABELS[breakdown] ?? breakdown)}, ${r.period_label}`;
  return barChart({
    id: `${id}-by-${breakdown}`,
    title,
    valueLabel: labelOf(id, r.parameters),
    categoryLabel: BREAKDOWN_LABELS[breakdown] ?? breakdown,
    items: keys.map((k) => ({ key: k, label: k.replace(/_/g, ' '), value: cells[k] ?? null })),
    ...(kindOf(id, r) ? { kind: kindOf(id, r)! } : {}),
  });
}

/** The figures of a page as a table: measure, this period, previous, a year earlier. */
function figuresTable(r: MeasuresResponse, ids: string[], id = 'figures', title = 'The figures'): PageTable {
  return {
    id,
    title,
    columns: [
      { key: 'measure', label: 'Measure' },
      { key: 'value', label: r.period, kindKey: 'kind' },
      { key: 'previous', label: 'Previous period', kindKey: 'kind' },
      // A financial or calendar year's previous period is the year earlier: one column.
      ...(['fy', 'year'].includes(parsePeriod(r.period).kind) ? [] : [{ key: 'year_earlier', label: 'A year earlier', kindKey: 'kind' }]),
    ],
    rows: ids
      .filter((i) => r.measures[i])
      .map((i) => {
        const m = r.measures[i]!;
        return {
          measure: labelOf(i, r.parameters),
          value: m.value ?? null,
          previous: m.previous?.value ?? null,
          year_earlier: m.year_earlier?.value ?? null,
          kind: kindOf(i, r) ?? null,
        };
      }),
  };
}

function definitionsOf(ids: string[], p: MeasuresResponse['parameters']): PageModel['definitions'] {
  return ids
    .map((id) => measureDef(id))
    .filter((d) => !!d)
    .map((d) => ({ id: d!.id, ...measureWords(d!, p) }));
}

function rowsTable(id: string, title: string, columns: [string, string][], rows: Record<string, unknown>[]): PageTable {
  return {
    id,
    title,
    columns: columns.map(([key, label]) => ({ key, label })),
    rows: rows.map((r) => {
      const out: Record<string, Cell> = {};
      for (const [k] of columns) {
        const v = r[k];
        // Nested objects (a load's quarantine reasons) become one readable line.
        out[k] =
          v === undefined
            ? null
            : typeof v === 'object' && v !== null
              ? Object.entries(v as Record<string, unknown>)
                  .map(([a, b]) => `${a}: ${String(b)}`)
                  .join(', ')
              : (v as Cell);
      }
      return out;
    }),
  };
}

function hexmap(opts: {
  id: string;
  title: string;
  area: AreaOrAll;
  rows: Record<string, unknown>[];
  field: string;
  flag: 'hotspot' | 'gap';
  measureLabel: string;
  kind?: string;
  /** The field the rows' `rank` ranks (hotspots: total). */
  rankField?: string;
}): ChartModel {
  const byLocality = new Map(opts.rows.map((r) => [String(r.locality).toLowerCase(), r]));
  const tiles = HEX_LAYOUT.filter((t) => opts.area === 'all' || t.area === opts.area);
  const hexes: HexCell[] = tiles.map((t) => {
    const row = byLocality.get(t.locality.toLowerCase());
    const value = (row?.[opts.field] ?? null) as Shown;
    // The rank the API gives (hotspots), when the map is shaded by the figure it ranks.
    const rank = opts.rankField === opts.field && row && 'rank' in row ? { rank: row.rank as Shown } : {};
    // A flag withheld with the figures it rests on is carried as c (gaps), never as false.
    const flag = row?.[opts.flag] === 'c' ? 'c' : row?.[opts.flag] === true;
    return { locality: t.locality, area: t.area, q: t.q, r: t.r, value, display: display(value, opts.kind), ...rank, [opts.flag]: flag };
  });
  const flagged = hexes.filter((h) => h[opts.flag] === true).map((h) => h.locality);
  // Flags withheld (c) are said to be, so that "none marked" is never read as "there are none".
  const withheld = hexes.filter((h) => h[opts.flag] === 'c').length;
  const what = opts.flag === 'hotspot' ? 'hotspot' : 'service gap';
  const description =
    `A tile map with one hexagon per locality (${hexes.length}), shaded by ${inSentence(opts.measureLabel)}; ` +
    (flagged.length
      ? `${what}s: ${flagged.join(', ')}.`
      : withheld
        ? `no locality is marked as a ${what} where it is given.`
        : `no locality is marked as a ${what}.`) +
    (withheld ? ` Whether ${withheld === 1 ? 'one locality is a' : `${withheld} localities are`} ${what}${withheld === 1 ? '' : 's'} is withheld (c).` : '');
  return {
    id: opts.id,
    title: opts.title,
    description,
    kind: 'hexmap',
    hexes,
    measure: opts.field,
    measure_label: opts.measureLabel,
    table: {
      columns: [
        { key: 'locality', label: 'Locality' },
        { key: 'area', label: 'Area' },
        { key: 'value', label: opts.measureLabel },
        { key: opts.flag, label: opts.flag === 'hotspot' ? 'Hotspot' : 'Service gap' },
      ],
      // A flag withheld with the figure it rests on reads c, and one not given (published: a part of a withheld count) –, not "no".
      rows: hexes.map((h) => {
        const given = byLocality.get(h.locality.toLowerCase())?.[opts.flag];
        return {
          locality: h.locality,
          area: h.area,
          value: h.value,
          [opts.flag]: given === true ? 'yes' : given === 'c' ? 'c' : given === null ? null : 'no',
        };
      }),
    },
  };
}

/** The families' sentences in order; a sentence every family ends with (the ages, the rounding) is said once. */
function commentaryOf(r: MeasuresResponse, families: string[]): string[] {
  return [...new Set(families.flatMap((f) => r.commentary[f] ?? []))];
}

const DIMENSION_LABELS = GROUP_DIMENSION_WORDS;

/** The action plan as built at refresh (sql/measures/70_action_plan.sql): latest update, the one before, movement. */
export async function actionPlan(db: Db): Promise<Record<string, Cell>[]> {
  return db.all<Record<string, Cell>>(
    `SELECT action_id, priority, title, owner, due, due_by, overdue, rag, previous_rag, moved, updated_at, progress FROM action_plan ORDER BY ord`,
    undefined,
    'reading the action plan',
  );
}

/** Actions by RAG status and by movement, counted at refresh. */
async function actionCounts(db: Db): Promise<(what: 'rag' | 'moved' | 'overdue', key: string) => number> {
  const rows = await db.all<{ what: string; key: string; n: number }>(`SELECT what, key, n FROM action_plan_summary`, undefined, 'counting the action plan');
  return (what, key) => rows.find((r) => r.what === what && r.key === key)?.n ?? 0;
}

/** The contract's files with their required and optional columns, for the browser's header check. */
export function contractSummary(): NonNullable<PageModel['contract']> {
  return SOURCES.map((s) => ({
    file: s.file,
    required: s.columns.filter((c) => c.required).map((c) => c.name),
    optional: s.columns.filter((c) => !c.required).map((c) => c.name),
  }));
}

export const isPage = isPageId;

/** What one block adds to a page; a page is its blocks' contributions in order. */
interface Part {
  tiles?: Tile[];
  charts?: (ChartModel | null)[];
  tables?: PageTable[];
  commentary?: string[];
  warnings?: string[];
  contract?: PageModel['contract'];
}

interface BlockContext {
  db: Db;
  req: PageRequest;
  /** The page's read of its declared measures (absent for a page that declares none). */
  r: MeasuresResponse | undefined;
  decl: PageDecl;
}

const periodKindOf = (r: MeasuresResponse) => parsePeriod(r.period).kind;
const rowsOf = (r: MeasuresResponse | undefined, id: string) => r?.measures[id]?.rows ?? [];
/** A declared text with its {placeholders} filled: the build's parameters, and {period}. */
const words = (text: string, r: MeasuresResponse) => fillWords(text.replace('{period}', r.period_label), wordsFor(r.parameters));

function tileDetail(r: MeasuresResponse, d: TileDetail | undefined): { detail?: string; comparator?: number } | undefined {
  if (!d) return undefined;
  if (d.kind === 'national')
    return nationalApplies(r.parameters)
      ? { comparator: r.parameters.rhi_national.pct, detail: nationalText(r) }
      : { detail: 'No national figure for these ages (it is for children aged 0–17)' };
  if (d.kind === 'cell') {
    const v = r.measures[d.measure]?.by?.[d.by]?.[d.key];
    return v === undefined ? undefined : { detail: `${marked(r, v, kindOf(d.measure, r))} ${d.words}` };
  }
  const m = r.measures[d.measure];
  return m ? { detail: `${marked(r, m.value, kindOf(d.measure, r))} ${d.words}` } : undefined;
}

/** Each breakdown of a measure over its trend's periods: each period is read once more, for that measure alone (at most 12 reads). */
async function breakdownTrends(ctx: BlockContext, r: MeasuresResponse, b: Extract<Block, { kind: 'breakdownTrends' }>): Promise<Part> {
  const periods = (r.measures[b.measure]?.trend?.periods ?? []).slice(-12);
  const byPeriod: MeasuresResponse[] = [];
  for (const p of periods)
    byPeriod.push(
      await readMeasures(ctx.db, {
        period: p,
        area: ctx.req.area,
        scope: ctx.req.ages,
        role: ctx.req.role,
        trend: 0,
        ids: [b.measure],
        // The same breakdowns as the page's own read shows for every period of its trend.
        breakdowns: { [b.measure]: b.breakdowns.map((x) => x.by) },
        trendBreakdowns: { [b.measure]: b.breakdowns.map((x) => x.by) },
        ...(ctx.req.limitArea ? { limitArea: ctx.req.limitArea } : {}),
      }),
    );
  const charts: ChartModel[] = [];
  for (const { by, order } of b.breakdowns) {
    const cells = (x: MeasuresResponse) => x.measures[b.measure]?.by?.[by];
    const keys = [...new Set([...order, ...byPeriod.flatMap((x) => Object.keys(cells(x) ?? {}))])].filter((k) =>
      byPeriod.some((x) => cells(x)?.[k] !== undefined),
    );
    if (keys.length === 0 || periods.length === 0) continue;
    charts.push(
      multiLineChart({
        id: `${b.measure}-trend-by-${by}`,
        title: `${labelOf(b.measure, r.parameters)} by ${inSentence(BREAKDOWN_LABELS[by] ?? by)}, trend`,
        valueLabel: labelOf(b.measure, r.parameters),
        // A category a period does not list is 0 there; one listed as null (published rule: not given) stays null.
        series: keys.map((k) => ({ name: k.replace(/_/g, ' '), periods, values: byPeriod.map((x) => (cells(x)?.[k] === undefined ? 0 : cells(x)![k]!)) })),
      }),
    );
  }
  return { charts };
}

/**
 * The group profile: a chart per dimension, the table and the commentary, every group in
 * people's words (model/measures.ts GROUP_WORDS), each share with its 95% interval and
 * judged against the population share (lib/compare.ts).
 */
function groupsPart(r: MeasuresResponse, measure: string): Part {
  const rows = inWordsOrder(rowsOf(r, measure));
  const judged = judgeGroups(rows, r.measures.met_children?.value ?? null);
  return {
    charts: groupCharts(r, rows),
    tables: [{ id: measure, title: 'MET children by group', ...groupsTable(judged, rows, shownKind('pct', r.disclosure.rule)) }],
    commentary: groupsCommentary(judged, shownKind('pct', r.disclosure.rule)),
  };
}

function groupCharts(r: MeasuresResponse, rows: Record<string, unknown>[]): ChartModel[] {
  const dims = [...new Set(rows.map((x) => String(x.dimension)))];
  return dims.map((dim) => {
    const items = rows.filter((x) => x.dimension === dim);
    const withPopulation = items.some((x) => x.population_share_pct !== null && x.population_share_pct !== undefined);
    return groupedBarChart({
      id: `groups-${dim}`,
      title: `MET children by ${inSentence(DIMENSION_LABELS[dim] ?? dim)}, ${r.period_label}`,
      valueLabel: '% share',
      categoryLabel: DIMENSION_LABELS[dim] ?? dim,
      kind: shownKind('pct', r.disclosure.rule),
      seriesNames: withPopulation ? ['Share of MET children', 'Share of the population'] : ['Share of MET children'],
      items: items.map((x) => ({
        category: groupWords(dim, String(x.group)),
        values: withPopulation ? [x.share_pct as Shown, (x.population_share_pct ?? null) as Shown] : [x.share_pct as Shown],
      })),
    });
  });
}

/** The service gap test's minimum count, as the figures were built (older warehouses: the model's). */
function gapMinCount(r: MeasuresResponse): number {
  return r.parameters.gap_min_count ?? PARAMETERS.gap_min_count;
}

/** Service gaps' rows with the flag's reason in words, against each locality's own area. */
function withGapWords(rows: Record<string, unknown>[], r: MeasuresResponse): Record<string, unknown>[] {
  return rows.map((x) => ({ ...x, gap_reason: gapReasonWords(x.gap_reason, String(x.area), gapMinCount(r)) }));
}

/** Rows in the order a block asks: by area then rank, or service gaps first then by prevalence. */
function ordered(rows: Record<string, unknown>[], order: 'rank' | 'gap' | undefined): Record<string, unknown>[] {
  const num = (v: unknown) => (typeof v === 'number' ? v : -1);
  // A withheld rank ('c') goes last: the order says no more than the ranks shown.
  const rank = (v: unknown) => (typeof v === 'number' ? v : 1e9);
  // By area (in the partnership's order, as the maps are), then rank within it: a rank is the locality's place in its own area.
  const area = (v: unknown) => (AREAS as readonly unknown[]).indexOf(v) + 1 || AREAS.length + 1;
  if (order === 'rank')
    return [...rows].sort((a, b) => area(a.area) - area(b.area) || rank(a.rank) - rank(b.rank) || String(a.locality).localeCompare(String(b.locality)));
  if (order === 'gap')
    return [...rows].sort(
      (a, b) =>
        Number(b.gap === true) - Number(a.gap === true) ||
        num(b.prevalence_per_10k) - num(a.prevalence_per_10k) ||
        String(a.locality).localeCompare(String(b.locality)),
    );
  return rows;
}

/**
 * The population (public: population.csv) a rate per 10,000 is over, per area, for the
 * period and ages read: the denominator of Byar's interval. No figure about children is
 * read here; the counts come from the disclosure-controlled reads.
 */
async function populations(db: Db, measures: readonly string[], period: string, scope: string): Promise<Map<string, number>> {
  const rates = measures.filter((id) => kindOf(id) === 'per10k');
  if (!rates.length) return new Map();
  const rows = await db.all<{ measure: string; area: string; den: number | null }>(
    `SELECT measure, area, den FROM measure_cells
     WHERE breakdown = '' AND period_id = $period AND scope IN ($scope, '*') AND measure IN (${rates.map((_, i) => `$m${i}`).join(', ')})`,
    { period, scope, ...Object.fromEntries(rates.map((m, i) => [`m${i}`, m])) },
    'reading the population of each area',
  );
  return new Map(rows.filter((r) => r.den !== null).map((r) => [`${r.measure}|${r.area}`, Number(r.den)]));
}

/** The count a rate per 10,000 counts, or the denominator of a percentage: what its interval rests on. */
const baseOf = (id: string): string | undefined => measureDef(id)?.basedOn?.[0];

/**
 * The four areas side by side: one read per area, each the same disclosure-controlled
 * read as any other page, and one of all four together (the partnership's reference
 * line). Each figure has its 95% interval, worked out from figures as shown (Byar's for
 * a rate per 10,000, Wilson's for a percentage); the national comparator is a reference
 * line where one exists and applies to the ages read. An account limited to one area
 * sees that area alone, with no partnership figure.
 */
async function areasPart(ctx: BlockContext, measures: readonly string[]): Promise<Part> {
  const limit = ctx.req.limitArea;
  const bases = [...new Set(measures.map(baseOf).filter((b): b is string => !!b))];
  const readArea = (a: AreaName | 'all') =>
    readMeasures(ctx.db, {
      period: ctx.req.period,
      area: a,
      scope: ctx.req.ages,
      role: ctx.req.role,
      trend: 0,
      ids: [...new Set([...measures, ...bases])],
      breakdowns: {},
      // The four areas are shown beside all four together: the partner rule protects them as one group too.
      ...(limit ? { limitArea: limit } : { areaSet: true }),
    });
  const reads: MeasuresResponse[] = [];
  for (const a of limit ? [limit] : AREAS) reads.push(await readArea(a));
  const all = limit ? undefined : await readArea('all');
  const first = reads[0]!;
  const p = first.parameters;
  const pops = await populations(ctx.db, measures, first.period, first.parameters.age_scope);
  const chosen = ctx.req.area !== 'all' && (AREAS as readonly string[]).includes(ctx.req.area) ? ctx.req.area : undefined;
  const figureOf = (r: MeasuresResponse, id: string): AreaFigure => {
    const value = r.measures[id]?.value ?? null;
    const base = baseOf(id);
    const baseValue = base ? r.measures[base]?.value : undefined;
    const interval = intervalOf(kindOf(id, r) ?? '', value, baseValue, pops.get(`${id}|${r.area}`));
    // Published rule: a rate or percentage on a count not given is not given either (not "no figure").
    const notGiven = r.disclosure.rule === 'published' && value === null && baseValue === null;
    return { area: r.area, value, ...(interval ? { interval } : {}), ...(notGiven ? { notGiven } : {}) };
  };
  const comparisons: AreaComparison[] = measures.map((id) => ({
    id: `areas-${id}`,
    label: labelOf(id, p),
    kind: kindOf(id, first) ?? 'count',
    areas: reads.map((r) => figureOf(r, id)),
    ...(all ? { partnership: figureOf(all, id) } : {}),
    // The national figure is for children: a comparator only where the ages read are 0–17.
    ...(id === 'rhi_completed_72h_pct' && p.age_scope === '0-17'
      ? { national: { value: p.rhi_national.pct, words: `National figure (England, ${p.rhi_national.year})` } }
      : {}),
    ...(chosen ? { chosen } : {}),
  }));
  // A measure with no area's figure shown has no chart (an empty frame): its sentence says why.
  const charts = comparisons
    .filter((c) => c.areas.some((a) => typeof a.value === 'number'))
    .map((c) => areaComparisonChart(c, `${c.label}, ${first.period_label}`));
  const table: PageTable = {
    id: 'areas',
    title: 'The four areas as rates',
    columns: [{ key: 'area', label: 'Area' }, ...measures.map((id) => ({ key: id, label: labelOf(id, p) }))],
    rows: [...reads, ...(all ? [all] : [])].map((r) => {
      const row: Record<string, Cell> = { area: r.area === 'all' ? 'All four areas' : r.area === chosen ? `${r.area} (chosen)` : r.area };
      for (const id of measures) row[id] = r.measures[id]?.value ?? null;
      return row;
    }),
  };
  return {
    commentary: comparisons.map(areasCommentary),
    charts,
    tables: [table],
    warnings: [...new Set([...reads, ...(all ? [all] : [])].flatMap((r) => r.warnings))],
  };
}

/** The RAG statuses in the chart's order, each with its colour (GOV.UK's red, orange and green tags' hues). */
export const RAG_COLOURS: readonly { key: string; label: string; colour: string }[] = [
  { key: 'red', label: 'Red', colour: '#D4351C' },
  { key: 'amber', label: 'Amber', colour: '#F47738' },
  { key: 'green', label: 'Green', colour: '#00703C' },
];

/** The action plan's sentences (the page's commentary), beside the part that says them. */
export const actionWords = {
  none: 'No action plan has been loaded (actions.csv).',
  counts: (n: number, green: number, amber: number, red: number) => `${n} actions: ${green} green, ${amber} amber, ${red} red.`,
  moved: (up: number, down: number, same: number, fresh: number) =>
    `Since the previous update ${up} improved, ${down} got worse and ${same} stayed the same${fresh ? `; ${fresh} ${fresh === 1 ? 'is' : 'are'} new` : ''}.`,
  overdue: (n: number, asAt: string | null) =>
    n === 0
      ? `No action is overdue${asAt ? ` as at the plan’s latest update (${asAt})` : ''}.`
      : `${n} ${n === 1 ? 'action is' : 'actions are'} overdue (due by a month now past and not green) as at the plan’s latest update${asAt ? ` (${asAt})` : ''}.`,
  chartTitle: 'Actions by current RAG status',
  chartDescription: (parts: string[]) => `Actions by current RAG status, one bar per status in its colour with its count: ${parts.join(', ')}.`,
};

/**
 * Actions by RAG status as a bar chart: each bar in its status's colour, its status named
 * on the axis and its count written at its end (colour is never the only signal), and a
 * count axis with whole-number ticks.
 */
export function ragChart(count: (rag: string) => number): ChartModel {
  const chart = barChart({
    id: 'actions-rag',
    title: actionWords.chartTitle,
    valueLabel: 'Actions',
    categoryLabel: 'RAG status',
    kind: 'count',
    items: RAG_COLOURS.map((r) => ({ key: r.key, label: r.label, value: count(r.key) })),
    description: actionWords.chartDescription(RAG_COLOURS.map((r) => `${count(r.key)} ${r.key}`)),
  });
  if (chart.kind !== 'vega-lite') return chart;
  const { mark: _mark, encoding, ...rest } = chart.spec as { mark: unknown; encoding: Record<string, unknown> } & Record<string, unknown>;
  const x = encoding.x as Record<string, unknown>;
  const most = Math.max(0, ...RAG_COLOURS.map((r) => count(r.key)));
  const spec = {
    ...rest,
    encoding: {
      ...encoding,
      // Whole numbers only, and at most one tick per action: no "0.5" and no "0.0".
      x: { ...x, axis: { tickMinStep: 1, format: 'd', tickCount: Math.min(Math.max(most, 1), 10) }, scale: { domainMin: 0, nice: true } },
      color: {
        field: 'category',
        type: 'nominal',
        title: 'RAG status',
        scale: { domain: RAG_COLOURS.map((r) => r.label), range: RAG_COLOURS.map((r) => r.colour) },
        legend: null,
      },
    },
    layer: [
      { mark: { type: 'bar', stroke: '#0b0c0c', strokeWidth: 1 } },
      {
        mark: { type: 'text', align: 'left', dx: 4, color: '#0b0c0c', fontSize: 12 },
        encoding: { text: { field: 'value', type: 'quantitative', format: 'd' }, color: { value: '#0b0c0c' } },
      },
    ],
  };
  return { ...chart, spec };
}

async function actionPlanPart(db: Db): Promise<Part> {
  const rows = await actionPlan(db);
  const counted = await actionCounts(db);
  const count = (rag: string) => counted('rag', rag);
  const moved = (m: string) => counted('moved', m);
  const asAt = rows.reduce<string | null>((m, r) => (typeof r.updated_at === 'string' && (!m || r.updated_at > m) ? r.updated_at : m), null);
  const commentary = rows.length
    ? [
        actionWords.counts(rows.length, count('green'), count('amber'), count('red')),
        actionWords.moved(moved('up'), moved('down'), moved('same'), moved('new')),
        actionWords.overdue(counted('overdue', 'overdue'), asAt),
      ]
    : [actionWords.none];
  const columns: [string, string][] = [
    ['action_id', 'Action id'],
    ['priority', 'Priority'],
    ['title', 'Action'],
    ['owner', 'Owner'],
    ['due', 'Due'],
    ['overdue', 'Overdue'],
    ['rag', 'RAG'],
    ['previous_rag', 'Previous RAG'],
    ['moved', 'Movement'],
    ['updated_at', 'Updated'],
    ['progress', 'Progress'],
  ];
  const table = rowsTable('actions', 'The action plan', columns, rows);
  // The date an action was due by travels with its row (the page marks an overdue action with it), not as a column.
  for (const [i, r] of table.rows.entries()) r.due_by = rows[i]!.due_by ?? null;
  return { commentary, charts: [ragChart(count)], tables: [table] };
}

/** How current one source is against its expected refresh interval (model/contract.ts EXPECTED_REFRESH). */
export interface SourceAge {
  source: string;
  /** The day its last extract was loaded (YYYY-MM-DD). */
  last_extract: string;
  /** Whole days from that day to the day the page is as at. */
  days: number;
  expected: string | null;
  stale: boolean;
}

const dayNumber = (iso: string): number => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000);

/** Each source's age on the day `now` falls on (UTC): older than its expected interval is stale. */
export function sourceAges(lastExtracts: { source: string; last_extract: string }[], now: Date): SourceAge[] {
  const today = now.toISOString().slice(0, 10);
  return lastExtracts.map(({ source, last_extract }) => {
    const interval = EXPECTED_REFRESH[source as SourceName];
    const days = dayNumber(today) - dayNumber(last_extract);
    return { source, last_extract, days, expected: interval?.words ?? null, stale: !!interval && days > interval.days };
  });
}

/** The data page's sentences, beside the part that says them. */
export const dataWords = {
  inQuarantineNow: (n: number) =>
    `${n.toLocaleString('en-GB')} ${n === 1 ? 'row is' : 'rows are'} in quarantine now: the rows of the extracts currently loaded, each kept from the refresh that loaded its source (a source the latest refresh did not replace keeps its earlier quarantine).`,
  quarantineTitle: 'In quarantine now, by file and reason (the extracts currently loaded)',
  olderThanExpected: (a: SourceAge) =>
    `${sourceLabel(a.source)} is older than expected: its last extract was loaded on ${longDate(a.last_extract)}, ${a.days} days ago; a new extract is expected ${a.expected}.`,
  allCurrent: 'Every source’s last extract is within its expected refresh interval.',
  currentCell: (a: SourceAge) =>
    a.expected === null ? 'no interval expected' : a.stale ? `Older than expected (last extract ${a.last_extract})` : 'Within its interval',
};

export const sourceLabel = (s: string): string => (s === 'ssda903_missing' ? 'The SSDA903 return' : s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' '));

function longDate(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

async function dataQualityPart(db: Db, r: MeasuresResponse, now: Date): Promise<Part> {
  const quarantine = await db.all<{ file: string; kind: string; rows: number; started_at: string }>(
    `SELECT q.file, q.kind, count(*) AS rows, strftime(min(r.started_at), '%Y-%m-%d %H:%M') AS started_at
     FROM quarantine q LEFT JOIN refreshes r USING (refresh_id)
     GROUP BY q.file, q.refresh_id, q.kind ORDER BY q.file, rows DESC, q.kind`,
    undefined,
    'counting quarantined rows',
  );
  const lastExtracts = await db.all<{ source: string; last_extract: string }>(
    `SELECT source, strftime(max(loaded_at), '%Y-%m-%d') AS last_extract FROM source_state GROUP BY source ORDER BY source`,
    undefined,
    'reading when each source was last loaded',
  );
  const ages = sourceAges(
    lastExtracts.filter((x) => x.source in EXPECTED_REFRESH),
    now,
  );
  const ageOf = new Map(ages.map((a) => [a.source, a]));
  const timeliness = rowsOf(r, 'timeliness').map((row) => {
    const a = ageOf.get(String(row.source));
    // `refreshed`: the day its last extract was loaded (source_state), as timeliness counts days to it.
    return { ...row, refreshed: a?.last_extract ?? row.refreshed ?? null, expected: a?.expected ?? null, current: a ? dataWords.currentCell(a) : null };
  });
  const loads = rowsOf(r, 'load_summary');
  const inQuarantine = quarantine.reduce((n, q) => n + Number(q.rows), 0);
  const stale = ages.filter((a) => a.stale);
  // A source older than expected is a warning at the top of the page; all current is said once in the commentary.
  const commentary = [...(!stale.length && ages.length ? [dataWords.allCurrent] : []), dataWords.inQuarantineNow(inQuarantine)];
  return {
    commentary,
    warnings: stale.map(dataWords.olderThanExpected),
    tables: [
      rowsTable(
        'load_summary',
        'Load history: each refresh, the latest first',
        [
          ['refresh_id', 'Refresh'],
          ['started_at', 'Started'],
          ['file', 'File'],
          ['source', 'Source'],
          ['status', 'Status'],
          ['read', 'Rows read'],
          ['loaded', 'Loaded'],
          ['quarantined', 'Quarantined by this refresh'],
          ['reasons', 'Reasons'],
          ['error', 'Error'],
        ],
        loads,
      ),
      rowsTable(
        'completeness',
        'Completeness',
        [
          ['source', 'Source'],
          ['column', 'Column'],
          ['with_value_pct', '% with a value as sent'],
        ],
        rowsOf(r, 'completeness'),
      ),
      rowsTable(
        'timeliness',
        'Timeliness: how current each source is',
        [
          ['source', 'Source'],
          ['latest_event', 'Latest event'],
          ['refreshed', 'Last extract loaded'],
          ['days_behind', 'Days from latest event to that load'],
          ['expected', 'Expected'],
          ['current', 'Current?'],
        ],
        timeliness,
      ),
      rowsTable(
        'returns_without_interview',
        'Returns without interview data (whole extract, every age)',
        [
          ['source', 'Source of the episode'],
          ['returns', 'Returns'],
          ['without_interview', 'With no interview record'],
          ['without_interview_pct', '% with no interview record'],
        ],
        rowsOf(r, 'returns_without_interview'),
      ),
      rowsTable(
        'quarantine',
        dataWords.quarantineTitle,
        [
          ['file', 'File'],
          ['kind', 'Reason'],
          ['rows', 'Rows'],
          ['started_at', 'Kept from the refresh started'],
        ],
        quarantine,
      ),
    ],
    contract: contractSummary(),
  };
}

/**
 * The partner rule's residual risk: worked out in the background once per refresh
 * (lib/audit/cache.ts), so the page shows its figures in words, or that they are being
 * worked out. One table: each sentence a row.
 */
function disclosureAuditPart(req: PageRequest): Part {
  const rows = (lines: string[]) => lines.map((what) => ({ what }));
  const table = (lines: string[]): PageTable => ({
    id: 'disclosure_audit',
    title: auditWords.title,
    columns: [{ key: 'what', label: 'What the audit found' }],
    rows: rows(lines),
  });
  if (!req.warehouse) return { tables: [table([auditWords.unavailable])] };
  const { state } = residualFor(req.warehouse, req.refresh.refresh_id);
  if (state.state === 'working') return { tables: [table([auditWords.working(null)])] };
  if (state.state === 'failed') return { tables: [table([auditWords.failed(state.error)])] };
  return { tables: [table(state.report ? auditWords.sentences(state.report) : [auditWords.none])] };
}

/** The one page builder: a declared block and the page's read, to what the page shows. */
async function buildBlock(ctx: BlockContext, b: Block): Promise<Part> {
  if (b.kind === 'areas') return areasPart(ctx, b.measures);
  if (b.kind === 'actionPlan') return actionPlanPart(ctx.db);
  const r = ctx.r;
  if (!r) throw new Error(`page ${ctx.decl.id}: a ${b.kind} block needs the page to declare the measures it reads`);
  switch (b.kind) {
    case 'tiles': {
      const built = b.tiles.map((t) => tile(r, t.measure, periodKindOf(r), tileDetail(r, t.detail))).filter((t) => t !== null);
      return { tiles: built.map((t) => t.tile), charts: built.map((t) => t.chart) };
    }
    case 'trend':
      return { charts: [trendChart(r, b.measure)] };
    case 'breakdown':
      return { charts: [breakdownChart(r, b.measure, b.by, b.order ? [...b.order] : undefined)] };
    case 'breakdownTrends':
      return breakdownTrends(ctx, r, b);
    case 'pairTrend': {
      const trends = b.series.map((x) => r.measures[x.measure]?.trend);
      if (trends.some((t) => !t)) return {};
      return {
        charts: [
          multiLineChart({
            id: b.id,
            // Return interviews read at 0–17 under 0–24 (model/measures.ts onlyAges) say so.
            title: `${words(b.title, r)}${b.series.some((x) => ownAges(x.measure)?.scope === '0-17') && r.parameters.age_scope !== '0-17' ? ' (ages 0–17 only)' : ''}`,
            valueLabel: b.valueLabel,
            kind: shownKind('pct', r.disclosure.rule),
            series: b.series.map((x, i) => ({ name: words(x.name, r), periods: trends[i]!.periods, values: trends[i]!.values })),
            // The national figure is for children: no reference line for other ages.
            ...(nationalApplies(r.parameters)
              ? {
                  comparator: {
                    value: r.parameters.rhi_national.pct,
                    label: `The national completion figure (${formatFigure(r.parameters.rhi_national.pct, shownKind('pct', r.disclosure.rule))})`,
                  },
                }
              : {}),
          }),
        ],
      };
    }
    case 'map':
      return {
        charts: [
          hexmap({
            id: b.id,
            title: words(b.title, r),
            area: r.area,
            rows: rowsOf(r, b.measure),
            field: b.field,
            flag: b.flag,
            measureLabel: b.label,
            ...(b.valueKind ? { kind: b.valueKind } : {}),
            ...(b.measure === 'hotspots' ? { rankField: 'total' } : {}),
          }),
        ],
      };
    case 'rows':
      return {
        tables: [
          rowsTable(
            b.measure,
            b.title,
            b.columns.map(([k, l]) => [k, words(l, r)]),
            b.measure === 'service_gaps' ? withGapWords(ordered(rowsOf(r, b.measure), b.order), r) : ordered(rowsOf(r, b.measure), b.order),
          ),
        ],
      };
    case 'funnel': {
      const target = r.measures[b.target]?.value ?? null;
      const points = rowsOf(r, b.measure).map((x) => ({
        locality: String(x.locality),
        area: String(x.area),
        population: typeof x.population === 'number' ? x.population : null,
        prevalence: (x[b.field] ?? null) as Shown,
      }));
      // No locality to plot (each withheld or not given): a sentence, never an empty frame.
      if (!points.some((p) => typeof p.prevalence === 'number' && p.population !== null)) {
        return { commentary: [funnelWords.nonePlotted(words(b.title, r), points.length)] };
      }
      return {
        charts: [
          funnelChart({ id: b.id, title: words(b.title, r), target, targetLabel: funnelWords.target(r.area), lineLabel: funnelWords.line(r.area), points }),
        ],
      };
    }
    case 'groups':
      return groupsPart(r, b.measure);
    case 'figures':
      return { tables: [figuresTable(r, [...(b.measures ?? ctx.decl.measures)], b.id, b.title)] };
    case 'gapSummary': {
      const gaps = rowsOf(r, b.measure).filter((x) => x.gap === true);
      // A flag withheld (c) or not given may hide a gap: then "no locality" would not be true.
      const unknown = rowsOf(r, b.measure).filter((x) => x.gap === 'c' || (r.disclosure.rule === 'published' && x.gap === null)).length;
      return {
        commentary: [
          gapSummaryText(
            gaps.map((x) => String(x.locality)),
            unknown,
            gapMinCount(r),
          ),
        ],
      };
    }
    case 'dataQuality':
      return dataQualityPart(ctx.db, r, ctx.req.now ?? new Date());
    case 'disclosureAudit':
      return disclosureAuditPart(ctx.req);
    case 'provision':
      return provisionPart(ctx, r, b);
  }
}

/** How many quarters (or years) of provision trend the gaps page reads. */
const PROVISION_TREND = 8;

/**
 * Need beside provision, per area: each area read on its own (the same
 * disclosure-controlled read as any other), for the period and the one before (the
 * waiting lists' change). Provision is quarterly: a month gets a sentence, not figures.
 */
async function provisionPart(ctx: BlockContext, r: MeasuresResponse, b: Extract<Block, { kind: 'provision' }>): Promise<Part> {
  const kind = periodKindOf(r);
  if (kind === 'month') return { commentary: [provisionWords.monthly] };
  const limit = ctx.req.limitArea;
  const areas: AreaName[] = limit ? [limit] : r.area === 'all' ? [...AREAS] : [r.area as AreaName];
  const base = { scope: ctx.req.ages, role: ctx.req.role, ...(limit ? { limitArea: limit } : {}) };
  const perService = Object.fromEntries(b.provision.map((id) => [id, ['service']]));
  const reads: MeasuresResponse[] = [];
  const before: (MeasuresResponse | null)[] = [];
  const previous = previousPeriod(parsePeriod(r.period)).id;
  for (const a of areas) {
    reads.push(
      await readMeasures(ctx.db, { ...base, period: r.period, area: a, trend: PROVISION_TREND, ids: [...b.need, ...b.provision], breakdowns: perService }),
    );
    // The period before may lie outside the data: then there is no change to tell.
    before.push(
      await readMeasures(ctx.db, {
        ...base,
        period: previous,
        area: a,
        trend: 0,
        ids: ['service_waiting'],
        breakdowns: { service_waiting: ['service'] },
      }).catch(() => null),
    );
  }
  const p = r.parameters;
  const cell = (x: MeasuresResponse, id: string, svc: string | null): Shown | undefined =>
    svc === null ? x.measures[id]?.value : x.measures[id]?.by?.service?.[svc];
  // The services any area has a return for, in the contract's order (others after).
  const present = new Set(reads.flatMap((x) => Object.keys(x.measures.service_referrals?.by?.service ?? {})));
  const services = [...SERVICES.filter((x) => present.has(x)), ...[...present].filter((x) => !(SERVICES as readonly string[]).includes(x)).sort()];
  const nothing = reads.every((x) => cell(x, 'service_referrals', null) === 0 && cell(x, 'service_capacity', null) === 0);
  if (nothing || services.length === 0) return { commentary: [provisionWords.none(r.period_label)] };

  const table: PageTable = {
    id: 'provision',
    title: provisionWords.tableTitle(r.period_label),
    columns: [
      { key: 'area', label: 'Area' },
      ...b.need.map((id) => ({ key: id, label: labelOf(id, p) })),
      { key: 'service', label: 'Service' },
      ...b.provision.map((id) => ({ key: id, label: labelOf(id, p) })),
    ],
    rows: reads.flatMap((x) =>
      [null, ...services]
        // A service the area has no return for has no row of its own.
        .filter((svc) => svc === null || cell(x, 'service_referrals', svc) !== undefined)
        .map((svc) => {
          const row: Record<string, Cell> = { area: x.area };
          for (const id of b.need) row[id] = x.measures[id]?.value ?? null;
          row.service = svc === null ? provisionWords.allServices : serviceWords(svc);
          for (const id of b.provision) row[id] = cell(x, id, svc) ?? null;
          return row;
        }),
    ),
  };

  const compareTitle = provisionWords.compareTitle(labelOf(b.compare, p), r.period_label);
  const compareValues = services.map((svc) => reads.map((x) => cell(x, b.compare, svc) ?? null));
  const compare = groupedBarChart({
    id: `provision-${b.compare}`,
    title: compareTitle,
    description: provisionWords.compareText(
      compareTitle,
      reads.map((x) => x.area),
      services.length,
      compareValues.flat().filter((v) => v === 'c').length,
    ),
    valueLabel: labelOf(b.compare, p),
    categoryLabel: 'Service',
    seriesNames: reads.map((x) => x.area),
    items: services.map((svc, i) => ({ category: serviceWords(svc), values: compareValues[i]! })),
    kind: kindOf(b.compare, r) ?? 'ratio',
    // The line the description relies on: 1.00, at capacity (as the trend chart draws it).
    ...(kindOf(b.compare, r) === 'ratio' ? { reference: { value: 1, label: provisionWords.atCapacity } } : {}),
  });
  const trends = b.trends
    .map((id) => {
      const t = reads.map((x) => x.measures[id]?.trend);
      if (t.some((x) => !x)) return null;
      return multiLineChart({
        id: `provision-trend-${id}`,
        title: provisionWords.trendTitle(labelOf(id, p)),
        valueLabel: labelOf(id, p),
        kind: kindOf(id, r) ?? 'count',
        series: reads.map((x, i) => ({ name: x.area, periods: t[i]!.periods, values: t[i]!.values })),
        ...(kindOf(id, r) === 'ratio' ? { comparator: { value: 1, label: provisionWords.atCapacity } } : {}),
      });
    })
    .filter((c) => c !== null);

  // The words: shortfalls first (demand above capacity), then waiting lists that grew.
  const over: { text: string; v: number }[] = [];
  let withheldRatios = 0;
  const grew: { text: string; by: number }[] = [];
  let withheldWaiting = 0;
  reads.forEach((x, i) => {
    // The area's services together first (its headline), then each service.
    const all = x.measures.service_demand_ratio?.value;
    if (typeof all === 'number' && all > 1)
      over.push({ text: provisionWords.overItem(x.area, provisionWords.allServices.toLowerCase(), display(all, 'ratio')), v: all });
    for (const svc of services) {
      const v = cell(x, 'service_demand_ratio', svc);
      if (v === 'c') withheldRatios++;
      else if (typeof v === 'number' && v > 1) over.push({ text: provisionWords.overItem(x.area, serviceWords(svc), display(v, 'ratio')), v });
      const now = cell(x, 'service_waiting', svc);
      const then = before[i] ? cell(before[i]!, 'service_waiting', svc) : undefined;
      if (now === undefined || then === undefined) continue;
      if (now === 'c' || then === 'c') withheldWaiting++;
      else if (typeof now === 'number' && typeof then === 'number' && now > then)
        grew.push({ text: provisionWords.waitingItem(x.area, serviceWords(svc), display(then, 'count'), display(now, 'count')), by: now - then });
    }
  });
  const commentary = [
    over.length
      ? provisionWords.overCapacity(
          r.period_label,
          over.sort((a, c) => c.v - a.v).map((o) => o.text),
        )
      : provisionWords.noneOver(r.period_label, withheldRatios > 0),
    ...(withheldRatios ? [provisionWords.withheldRatios(withheldRatios)] : []),
    ...(grew.length
      ? [
          provisionWords.waitingGrew(
            PERIOD_WORD[kind] ?? 'period',
            grew.sort((a, c) => c.by - a.by).map((g) => g.text),
          ),
        ]
      : []),
    ...(withheldWaiting ? [provisionWords.withheldWaiting(withheldWaiting)] : []),
    provisionWords.needBeside,
  ];
  return { commentary, charts: [compare, ...trends], tables: [table], warnings: [...new Set(reads.flatMap((x) => x.warnings))] };
}

/**
 * The breakdowns a page shows beside each measure, from its blocks: a breakdown chart, a
 * tile's split, and (for every period of the trend) a breakdown charted over time. The
 * partner rule protects exactly these with their totals (lib/shown.ts).
 */
export function pageBreakdowns(decl: PageDecl): { breakdowns: Record<string, string[]>; trendBreakdowns: Record<string, string[]> } {
  const breakdowns: Record<string, string[]> = {};
  const trendBreakdowns: Record<string, string[]> = {};
  const add = (to: Record<string, string[]>, m: string, b: string) => {
    to[m] = [...new Set([...(to[m] ?? []), b])];
  };
  for (const b of decl.blocks) {
    if (b.kind === 'breakdown') add(breakdowns, b.measure, b.by);
    if (b.kind === 'breakdownTrends') for (const x of b.breakdowns) add(trendBreakdowns, b.measure, x.by);
    if (b.kind === 'tiles') for (const t of b.tiles) if (t.detail?.kind === 'cell') add(breakdowns, t.detail.measure, t.detail.by);
  }
  return { breakdowns, trendBreakdowns };
}

/** True when no figure of the page depends on the period, area or ages (only data-quality measures, or none). */
export const periodFree = (decl: PageDecl): boolean => decl.measures.every((id) => measureDef(id)?.family === 'data_quality');

/**
 * A table's columns named by a measure's id say its kind, so that "69.6" is written "69.6%"
 * (model/format.ts); under the published rule a percentage column is whole ("70%"), wherever its kind came from.
 */
function withKinds(t: PageTable, rule: string): PageTable {
  return {
    ...t,
    columns: t.columns.map((c) => {
      // A column of a locality's own area's figure (service gaps' `area_prevalence_per_10k`) is of that measure's kind.
      const kind = c.kind ?? (c.kindKey ? undefined : (measureDef(c.key) ?? measureDef(c.key.replace(/^area_/, '')))?.kind);
      return kind ? { ...c, kind: shownKind(kind, rule) } : c;
    }),
  };
}

/** A column of a children-only page that holds children's figures (a measure with ages, or the groups' counts). */
const childColumn = (key: string): boolean =>
  key === 'children' || (!!measureDef(key) && measureDef(key)!.family !== 'provision' && ownAges(key)?.scope !== '*');

/**
 * A block of a page read at ages 0–17 whatever the picker (model/pages.ts `ages`), when
 * other ages are chosen: every title and every column of children's figures says
 * "(ages 0–17 only)"; provision's charts and columns say "(not by age)".
 */
function withOwnAges(part: Part, provision: boolean): Part {
  const only = ' (ages 0–17 only)';
  const notByAge = ' (not by age)';
  return {
    ...part,
    charts: part.charts?.map((c) => (c ? { ...c, title: `${c.title}${provision ? notByAge : only}` } : c)),
    tables: part.tables?.map((t) => ({
      ...t,
      title: provision ? t.title : `${t.title}${only}`,
      columns: t.columns.map((c) =>
        childColumn(c.key)
          ? { ...c, label: `${c.label}${only}` }
          : provision && measureDef(c.key)?.family === 'provision'
            ? { ...c, label: `${c.label}${notByAge}` }
            : c,
      ),
    })),
  };
}

/** Builds a page model from the page's declaration. Bad parameters throw readMeasures' RequestError (a 400 for the API). */
export async function buildPage(db: Db, chosen: PageRequest): Promise<PageModel> {
  const decl = pageDecl(chosen.page);
  // A page about children (model/pages.ts `ages`) reads those ages whatever the picker, and says so.
  const ownAgesOfPage = (decl as PageDecl).ages;
  const req: PageRequest = ownAgesOfPage ? { ...chosen, ages: ownAgesOfPage } : chosen;
  const relabel = ownAgesOfPage && parseScope(chosen.ages) !== ownAgesOfPage ? ownAgesOfPage : null;
  const trend = decl.trend === 0 ? 0 : (req.trend ?? decl.trend);
  const shows = pageBreakdowns(decl);
  const read = (ids: string[], t: number) =>
    readMeasures(db, {
      period: req.period,
      area: req.area,
      scope: req.ages,
      role: req.role,
      trend: t,
      ids,
      ...shows,
      ...(req.limitArea ? { limitArea: req.limitArea } : {}),
    });
  const pageRead = decl.measures.length ? await read([...decl.measures], trend) : undefined;
  const parts: Part[] = [];
  for (const b of decl.blocks) {
    const part = await buildBlock({ db, req, r: pageRead, decl }, b);
    parts.push(relabel ? withOwnAges(part, b.kind === 'provision') : part);
  }
  if (relabel)
    parts.unshift({
      commentary: [
        commentaryWords.pageAges(
          parseScope(chosen.ages),
          decl.blocks.some((b) => b.kind === 'provision'),
        ),
      ],
    });
  // A page that reads no measures (actions) still validates and describes the period and area.
  const r = pageRead ?? (await read(['met_children'], 0));
  const blockWarnings = parts.flatMap((p) => p.warnings ?? []);
  const contract = parts.find((p) => p.contract)?.contract;
  // A chart with no figure to plot (each withheld, not given or with nothing to measure)
  // would be an empty frame: none, and a sentence saying what is withheld instead.
  const built = parts.flatMap((p) => p.charts ?? []).filter((c): c is ChartModel => !!c);
  const empty = new Set(built.filter(nothingToDraw).map((c) => c.id));
  const charts = built.filter((c) => !empty.has(c.id));
  const tiles = parts
    .flatMap((p) => p.tiles ?? [])
    .map((t) => {
      if (!t.chart || !empty.has(t.chart)) return t;
      const { chart: _gone, ...rest } = t;
      return rest;
    });
  const model: Omit<PageModel, 'terms'> = {
    page: req.page,
    title: decl.title,
    area: r.area,
    period: r.period,
    period_label: r.period_label,
    ages: r.parameters.age_scope,
    role: req.role,
    refresh: req.refresh,
    // Signals and exceptions first, then the families' sentences, the blocks' own, what is withheld, the notes (lib/commentary.ts).
    commentary: pageRead
      ? pageCommentary(pageRead, {
          families: decl.commentary,
          measures: decl.measures,
          extra: [
            ...parts.flatMap((p) => p.commentary ?? []),
            ...built.filter((c) => empty.has(c.id)).map((c) => emptyChartText(c, r.disclosure.rule === 'published')),
          ],
        })
      : [
          ...commentaryOf(r, [...decl.commentary]),
          ...parts.flatMap((p) => p.commentary ?? []),
          ...built.filter((c) => empty.has(c.id)).map((c) => emptyChartText(c, r.disclosure.rule === 'published')),
        ],
    tiles,
    charts,
    tables: parts.flatMap((p) => p.tables ?? []).map((t) => withKinds(t, r.disclosure.rule)),
    legend: r.disclosure.legend,
    disclosure: r.disclosure,
    definitions: definitionsOf([...decl.measures], r.parameters),
    // The read's warnings are about the period and area's figures: a page that shows none (the data
    // page's measures are not tied to a period; the action plan reads none) says only its blocks'.
    warnings: decl.blocks.some((b) => b.kind === 'areas') || periodFree(decl) ? blockWarnings : r.warnings,
    ...(contract ? { contract } : {}),
  };
  // The abbreviations the page's own words use, each in plain words (model/glossary.ts); a
  // tile with a chart has a "Show SPC chart" button (web/src/pages/overview.ts).
  const texts = [...stringsOf(model), ...(model.tiles.some((t) => !!(t as Tile).chart) ? ['Show SPC chart'] : [])];
  return { ...model, terms: termsIn(texts) };
}

/** Every string of a value, however deep: what a page model says (its figures' words, titles, labels, cells). */
function* stringsOf(v: unknown): Generator<string> {
  if (typeof v === 'string') yield v;
  else if (Array.isArray(v)) for (const x of v) yield* stringsOf(x);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) yield* stringsOf(x);
}

// The dashboard's pages as data ("page models"): what each page shows, built from one
// readMeasures call (the areas page reads each area; actions and data add small reads
// of tables that are not child records). The web front end only lays these out, so
// every figure a page shows has passed disclosure control for the caller's role.

import type { Db } from './db.js';
import { AREAS_AND_ALL, measureDef, measureWords, type AreaOrAll } from './catalogue.js';
import type { Role, Shown } from './disclosure.js';
import { readMeasures, type MeasureOut, type MeasuresResponse } from './measures.js';
import { messages } from './messages.js';
import { parsePeriod } from './periods.js';
import { barChart, display, groupedBarChart, multiLineChart, spcChart, type Cell, type ChartModel, type HexCell, } from './charts.js';
import { HEX_LAYOUT } from './hexLayout.js';
import { SOURCES } from '../model/contract.js';
import { isPageId, PAGE_DECLS, PAGE_IDS, pageDecl, type PageId } from '../model/pages.js';

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
}

export type { PageModel, PageTable, Tile } from '../model/api.js';
import type { PageModel, PageTable, Tile } from '../model/api.js';

const PERIOD_WORD: Record<string, string> = { month: 'month', quarter: 'quarter', fy: 'financial year', year: 'year' };

function kindOf(id: string): string | undefined {
  return measureDef(id)?.kind;
}

/** A measure's label, naming the parameters its figures were built with. */
function labelOf(id: string, p?: MeasuresResponse['parameters']): string {
  const def = measureDef(id);
  return def ? measureWords(def, p).label : id;
}

/** The national comparator's words, from the parameters of the read. */
function nationalText(p: MeasuresResponse['parameters']): string {
  return `National figure about ${p.rhi_national.pct}% (${p.rhi_national.year})`;
}

/** "up 26 on the previous quarter": only from shown figures, so it never reveals a withheld one. */
function changeText(m: MeasureOut, id: string, periodKind: string): string {
  const prev = m.previous;
  const word = PERIOD_WORD[periodKind] ?? 'period';
  if (!prev) return `no figure for the previous ${word}`;
  if (m.value === 'c' || prev.value === 'c') return `no comparison: a figure is withheld (c)`;
  const diff = prev.change;
  if (diff === undefined || diff === null) return `no comparison with the previous ${word}`;
  const unit = kindOf(id) === 'pct' ? (Math.abs(diff) === 1 ? ' point' : ' points') : '';
  if (diff === 0) return `the same as the previous ${word}`;
  return `${diff > 0 ? 'up' : 'down'} ${Math.abs(diff).toLocaleString('en-GB')}${unit} on the previous ${word}`;
}

function tile(r: MeasuresResponse, id: string, periodKind: string, extra?: { detail?: string; comparator?: number }): { tile: Tile; chart: ChartModel } | null {
  const m = r.measures[id];
  if (!m) return null;
  const trend = m.trend ?? { periods: [r.period], values: [m.value ?? null], spc: { status: 'too_few_points' as const, n: 1, needed: 12, summary: 'No trend was read.' } };
  const spc = trend.spc;
  const chartId = `spc-${id}`;
  const t: Tile = {
    id,
    label: labelOf(id, r.parameters),
    value: m.value ?? null,
    display: display(m.value, kindOf(id)),
    ...(extra?.detail ? { detail: extra.detail } : {}),
    ...(m.previous ? { previous: { period: m.previous.period, value: m.previous.value } } : {}),
    ...(m.year_earlier ? { year_earlier: { period: m.year_earlier.period, value: m.year_earlier.value } } : {}),
    change_text: changeText(m, id, periodKind),
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
    ...(kindOf(id) ? { kind: kindOf(id)! } : {}),
    ...(extra?.comparator !== undefined ? { comparator: { value: extra.comparator, label: `National figure (${extra.comparator}%)` } } : {}),
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
    ...(kindOf(id) ? { kind: kindOf(id)! } : {}),
    ...(comparator !== undefined ? { comparator: { value: comparator, label: `National figure (${comparator}%)` } } : {}),
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
  const title = `${labelOf(id, r.parameters)} by ${(BREAKDOWN_LABELS[breakdown] ?? breakdown).toLowerCase()}, ${r.period_label}`;
  return barChart({
    id: `${id}-by-${breakdown}`,
    title,
    valueLabel: labelOf(id, r.parameters),
    categoryLabel: BREAKDOWN_LABELS[breakdown] ?? breakdown,
    items: keys.map((k) => ({ key: k, label: k.replace(/_/g, ' '), value: cells[k] ?? null })),
    ...(kindOf(id) ? { kind: kindOf(id)! } : {}),
  });
}

/** The figures of a page as a table: measure, this period, previous, a year earlier. */
function figuresTable(r: MeasuresResponse, ids: string[], id = 'figures', title = 'The figures'): PageTable {
  return {
    id,
    title,
    columns: [
      { key: 'measure', label: 'Measure' },
      { key: 'value', label: r.period },
      { key: 'previous', label: 'Previous period' },
      { key: 'year_earlier', label: 'A year earlier' },
    ],
    rows: ids
      .filter((i) => r.measures[i])
      .map((i) => {
        const m = r.measures[i]!;
        return { measure: labelOf(i, r.parameters), value: m.value ?? null, previous: m.previous?.value ?? null, year_earlier: m.year_earlier?.value ?? null };
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
              ? Object.entries(v as Record<string, unknown>).map(([a, b]) => `${a}: ${String(b)}`).join(', ')
              : (v as Cell);
      }
      return out;
    }),
  };
}

function hexmap(opts: { id: string; title: string; area: AreaOrAll; rows: Record<string, unknown>[]; field: string; flag: 'hotspot' | 'gap'; measureLabel: string; kind?: string }): ChartModel {
  const byLocality = new Map(opts.rows.map((r) => [String(r.locality).toLowerCase(), r]));
  const tiles = HEX_LAYOUT.filter((t) => opts.area === 'all' || t.area === opts.area);
  const hexes: HexCell[] = tiles.map((t) => {
    const row = byLocality.get(t.locality.toLowerCase());
    const value = (row?.[opts.field] ?? null) as Shown;
    return { locality: t.locality, area: t.area, q: t.q, r: t.r, value, display: display(value, opts.kind), [opts.flag]: row?.[opts.flag] === true };
  });
  const flagged = hexes.filter((h) => h[opts.flag]).map((h) => h.locality);
  const description =
    `A tile map with one hexagon per locality (${hexes.length}), shaded by ${opts.measureLabel.toLowerCase()}; ` +
    (flagged.length ? `${opts.flag === 'hotspot' ? 'hotspots' : 'service gaps'}: ${flagged.join(', ')}.` : `no locality is marked as a ${opts.flag === 'hotspot' ? 'hotspot' : 'service gap'}.`);
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
      rows: hexes.map((h) => ({ locality: h.locality, area: h.area, value: h.value, [opts.flag]: h[opts.flag] ? 'yes' : 'no' })),
    },
  };
}

function commentaryOf(r: MeasuresResponse, families: string[]): string[] {
  return families.flatMap((f) => r.commentary[f] ?? []);
}

interface Built {
  r?: MeasuresResponse;
  commentary: string[];
  tiles?: Tile[];
  charts: ChartModel[];
  tables: PageTable[];
  ids: string[];
  warnings?: string[];
  contract?: PageModel['contract'];
}

async function read(db: Db, req: PageRequest, ids: string[], trend = req.trend ?? 12, area = req.area): Promise<MeasuresResponse> {
  return readMeasures(db, { period: req.period, area, scope: req.ages, role: req.role, trend, ids });
}

async function overview(db: Db, req: PageRequest): Promise<Built> {
  const ids = ['met_children', 'prevalence_per_10k', 'missing_episodes', 'repeat_missing_children', 'rhi_completed_72h_pct', 'children_at_risk', 'nrm_referrals', 'disruptions'];
  const r = await read(db, req, ids);
  const pk = parsePeriod(r.period).kind;
  const tiles: Tile[] = [];
  const charts: ChartModel[] = [];
  for (const id of ids) {
    const high = r.measures.children_at_risk?.by?.level?.high;
    const extra =
      id === 'rhi_completed_72h_pct'
        ? { comparator: r.parameters.rhi_national.pct, detail: nationalText(r.parameters) }
        : id === 'children_at_risk' && high !== undefined
          ? { detail: `${display(high)} at high risk` }
          : id === 'met_children' && r.measures.prevalence_per_10k
            ? { detail: `${display(r.measures.prevalence_per_10k.value)} per 10,000 children` }
            : undefined;
    const t = tile(r, id, pk, extra);
    if (!t) continue;
    tiles.push(t.tile);
    charts.push(t.chart);
  }
  return {
    r,
    commentary: commentaryOf(r, ['identification', 'missing', 'return_interviews', 'risk', 'places']),
    tiles,
    charts,
    tables: [figuresTable(r, ids)],
    ids,
  };
}

async function missing(db: Db, req: PageRequest): Promise<Built> {
  const ids = ['missing_episodes', 'missing_children', 'episodes_per_child', 'repeat_missing_children', 'median_missing_hours', 'still_missing', 'returns', 'rhi_offered_72h_pct', 'rhi_completed_72h_pct', 'rhi_declined_pct', 'rhi_disclosure_count'];
  const r = await read(db, req, ids);
  const charts: (ChartModel | null)[] = [
    trendChart(r, 'missing_episodes'),
    breakdownChart(r, 'missing_episodes', 'classification', ['missing', 'absent', 'away']),
    breakdownChart(r, 'missing_episodes', 'source', ['police', 'social_care']),
    breakdownChart(r, 'missing_episodes', 'looked_after', ['yes', 'no', 'not known']),
    breakdownChart(r, 'missing_episodes', 'placed_out_of_area', ['yes', 'no', 'not known']),
    trendChart(r, 'repeat_missing_children'),
    trendChart(r, 'median_missing_hours'),
  ];
  // Breakdown trends: readMeasures gives breakdowns for the period asked only, so each
  // trend period is read once more for missing_episodes alone (bounded: at most 12 reads).
  const periods = (r.measures.missing_episodes?.trend?.periods ?? []).slice(-12);
  const byPeriod: MeasuresResponse[] = [];
  for (const p of periods) byPeriod.push(await readMeasures(db, { period: p, area: req.area, scope: req.ages, role: req.role, trend: 0, ids: ['missing_episodes'] }));
  for (const [breakdown, order] of [['classification', ['missing', 'absent', 'away']], ['source', ['police', 'social_care']], ['looked_after', ['yes', 'no', 'not known']], ['placed_out_of_area', ['yes', 'no', 'not known']]] as const) {
    const keys = [...new Set([...order, ...byPeriod.flatMap((x) => Object.keys(x.measures.missing_episodes?.by?.[breakdown] ?? {}))])].filter((k) =>
      byPeriod.some((x) => x.measures.missing_episodes?.by?.[breakdown]?.[k] !== undefined),
    );
    if (keys.length === 0 || periods.length === 0) continue;
    charts.push(
      multiLineChart({
        id: `missing_episodes-trend-by-${breakdown}`,
        title: `Missing episodes by ${(BREAKDOWN_LABELS[breakdown] ?? breakdown).toLowerCase()}, trend`,
        valueLabel: 'Missing episodes',
        series: keys.map((k) => ({ name: k.replace(/_/g, ' '), periods, values: byPeriod.map((x) => x.measures.missing_episodes?.by?.[breakdown]?.[k] ?? 0) })),
      }),
    );
  }
  const offered = r.measures.rhi_offered_72h_pct?.trend;
  const completed = r.measures.rhi_completed_72h_pct?.trend;
  if (offered && completed) {
    charts.push(
      multiLineChart({
        id: 'rhi-72h',
        title: `Return interviews within ${r.parameters.rhi_window_hours} hours`,
        valueLabel: '% of returns',
        kind: 'pct',
        series: [
          { name: `Offered within ${r.parameters.rhi_window_hours} hours`, periods: offered.periods, values: offered.values },
          { name: `Completed within ${r.parameters.rhi_window_hours} hours`, periods: completed.periods, values: completed.values },
        ],
        comparator: { value: r.parameters.rhi_national.pct, label: `National completion figure (${r.parameters.rhi_national.pct}%)` },
      }),
    );
  }
  return { r, commentary: commentaryOf(r, ['missing', 'return_interviews']), charts: charts.filter((c): c is ChartModel => !!c), tables: [figuresTable(r, ids)], ids };
}

async function risk(db: Db, req: PageRequest): Promise<Built> {
  const ids = ['children_at_risk', 'risk_escalations', 'risk_reviews_overdue', 'transitions'];
  const r = await read(db, req, ids);
  const charts = [
    breakdownChart(r, 'children_at_risk', 'level', ['low', 'medium', 'high']),
    breakdownChart(r, 'children_at_risk', 'exploitation_type', ['CSE', 'CCE', 'both']),
    trendChart(r, 'children_at_risk'),
    trendChart(r, 'risk_escalations'),
    trendChart(r, 'risk_reviews_overdue'),
    trendChart(r, 'transitions'),
  ];
  return { r, commentary: commentaryOf(r, ['risk']), charts: charts.filter((c): c is ChartModel => !!c), tables: [figuresTable(r, ids)], ids };
}

async function places(db: Db, req: PageRequest): Promise<Built> {
  const ids = ['hotspots', 'cpi_submissions', 'disruptions', 'offenders_disrupted'];
  const r = await read(db, req, ids);
  const rows = r.measures.hotspots?.rows ?? [];
  const ranked = [...rows].sort((a, b) => Number(a.rank ?? 1e9) - Number(b.rank ?? 1e9) || String(a.locality).localeCompare(String(b.locality)));
  const charts = [
    hexmap({ id: 'hexmap-hotspots', title: `Hotspots by locality, ${r.period_label}`, area: r.area, rows, field: 'total', flag: 'hotspot', measureLabel: 'Episodes found, CPI submissions and disruptions' }),
    breakdownChart(r, 'cpi_submissions', 'theme'),
    breakdownChart(r, 'cpi_submissions', 'location_type'),
    breakdownChart(r, 'disruptions', 'action_type'),
    trendChart(r, 'disruptions'),
  ];
  return {
    r,
    commentary: commentaryOf(r, ['places']),
    charts: charts.filter((c): c is ChartModel => !!c),
    tables: [
      rowsTable('hotspots', 'Localities ranked by total', [
        ['rank', 'Rank'], ['locality', 'Locality'], ['area', 'Area'], ['found', 'Episodes found there'], ['cpi', 'CPI submissions'],
        ['disruptions', 'Disruptions'], ['total', 'Total'], ['change', 'Change on previous period'], ['hotspot', 'Hotspot'],
      ], ranked),
      figuresTable(r, ['cpi_submissions', 'disruptions', 'offenders_disrupted']),
    ],
    ids,
  };
}

const DIMENSION_LABELS: Record<string, string> = { sex: 'Sex', age_band: 'Age band', ethnicity: 'Ethnicity', looked_after: 'Looked after', disability: 'Disability' };

async function groups(db: Db, req: PageRequest): Promise<Built> {
  const ids = ['group_profile', 'met_children'];
  const r = await read(db, req, ids, 0);
  const rows = r.measures.group_profile?.rows ?? [];
  const dims = [...new Set(rows.map((x) => String(x.dimension)))];
  const charts = dims.map((dim) => {
    const items = rows.filter((x) => x.dimension === dim);
    const withPopulation = items.some((x) => x.population_share_pct !== null && x.population_share_pct !== undefined);
    return groupedBarChart({
      id: `groups-${dim}`,
      title: `MET children by ${(DIMENSION_LABELS[dim] ?? dim).toLowerCase()}, ${r.period_label}`,
      valueLabel: '% share',
      categoryLabel: DIMENSION_LABELS[dim] ?? dim,
      kind: 'pct',
      seriesNames: withPopulation ? ['Share of MET children', 'Share of the population'] : ['Share of MET children'],
      items: items.map((x) => ({ category: String(x.group), values: withPopulation ? [x.share_pct as Shown, (x.population_share_pct ?? null) as Shown] : [x.share_pct as Shown] })),
    });
  });
  return {
    r,
    commentary: commentaryOf(r, ['identification']),
    charts,
    tables: [
      rowsTable('group_profile', 'MET children by group', [
        ['dimension', 'Dimension'], ['group', 'Group'], ['children', 'Children'], ['share_pct', '% of MET children'],
        ['population_share_pct', '% of the population'], ['ratio', 'Representation ratio'],
      ], rows),
    ],
    ids,
  };
}

async function gaps(db: Db, req: PageRequest): Promise<Built> {
  const ids = ['service_gaps', 'prevalence_per_10k', 'rhi_completed_72h_pct'];
  const r = await read(db, req, ids, 0);
  const rows = r.measures.service_gaps?.rows ?? [];
  const num = (v: unknown) => (typeof v === 'number' ? v : -1);
  const ranked = [...rows].sort((a, b) => Number(b.gap === true) - Number(a.gap === true) || num(b.prevalence_per_10k) - num(a.prevalence_per_10k) || String(a.locality).localeCompare(String(b.locality)));
  const commentary = [
    rows.some((x) => x.gap === true)
      ? `Service gaps (prevalence above the area's and interview completion below it): ${rows.filter((x) => x.gap === true).map((x) => String(x.locality)).join(', ')}.`
      : 'No locality has both prevalence above its area’s and interview completion below it.',
  ];
  return {
    r,
    commentary,
    charts: [hexmap({ id: 'hexmap-gaps', title: `Service gaps by locality, ${r.period_label}`, area: r.area, rows, field: 'prevalence_per_10k', flag: 'gap', measureLabel: 'MET prevalence per 10,000 children', kind: 'per10k' })],
    tables: [
      rowsTable('service_gaps', 'Need against provision by locality', [
        ['locality', 'Locality'], ['area', 'Area'], ['met_children', 'MET children'], ['prevalence_per_10k', 'Prevalence per 10,000'],
        ['missing_episodes', 'Missing episodes'], ['rhi_completed_72h_pct', `% interviews within ${r.parameters.rhi_window_hours} hours`], ['children_at_risk', 'Children at risk'],
        ['risk_reviews_overdue', 'Reviews overdue'], ['gap', 'Service gap'],
      ], ranked),
      figuresTable(r, ['prevalence_per_10k', 'rhi_completed_72h_pct'], 'area-figures', 'The area’s own figures'),
    ],
    ids,
  };
}

const AREA_MEASURES = ['prevalence_per_10k', 'missing_children_per_10k', 'children_at_risk_per_10k', 'nrm_referrals_per_10k', 'rhi_completed_72h_pct'];

async function areas(db: Db, req: PageRequest): Promise<Built> {
  const four = AREAS_AND_ALL.filter((a) => a !== 'all');
  // One read per area: each is the same disclosure-controlled read as any other page.
  const reads: MeasuresResponse[] = [];
  for (const a of four) reads.push(await read(db, req, AREA_MEASURES, 0, a));
  const charts = AREA_MEASURES.map((id) =>
    barChart({
      id: `areas-${id}`,
      title: `${labelOf(id, reads[0]?.parameters)}, ${reads[0]?.period_label ?? req.period}`,
      valueLabel: labelOf(id, reads[0]?.parameters),
      categoryLabel: 'Area',
      kind: kindOf(id) ?? 'count',
      items: reads.map((r) => ({ key: r.area, value: r.measures[id]?.value ?? null })),
    }),
  );
  const table: PageTable = {
    id: 'areas',
    title: 'The four areas as rates',
    columns: [{ key: 'area', label: 'Area' }, ...AREA_MEASURES.map((id) => ({ key: id, label: labelOf(id, reads[0]?.parameters) }))],
    rows: reads.map((r) => {
      const row: Record<string, Cell> = { area: r.area };
      for (const id of AREA_MEASURES) row[id] = r.measures[id]?.value ?? null;
      return row;
    }),
  };
  return { commentary: [], charts, tables: [table], ids: AREA_MEASURES, warnings: [...new Set(reads.flatMap((r) => r.warnings))] };
}

/** The action plan as built at refresh (sql/measures/70_action_plan.sql): latest update, the one before, movement. */
export async function actionPlan(db: Db): Promise<Record<string, Cell>[]> {
  return db.all<Record<string, Cell>>(
    `SELECT action_id, priority, title, owner, due, rag, previous_rag, moved, updated_at, progress FROM action_plan ORDER BY ord`,
    undefined,
    'reading the action plan',
  );
}

/** Actions by RAG status and by movement, counted at refresh. */
async function actionCounts(db: Db): Promise<(what: 'rag' | 'moved', key: string) => number> {
  const rows = await db.all<{ what: string; key: string; n: number }>(`SELECT what, key, n FROM action_plan_summary`, undefined, 'counting the action plan');
  return (what, key) => rows.find((r) => r.what === what && r.key === key)?.n ?? 0;
}

async function actions(db: Db, _req: PageRequest): Promise<Built> {
  const rows = await actionPlan(db);
  const counted = await actionCounts(db);
  const count = (rag: string) => counted('rag', rag);
  const moved = (m: string) => counted('moved', m);
  const commentary = rows.length
    ? [
        `${rows.length} actions: ${count('green')} green, ${count('amber')} amber, ${count('red')} red.`,
        `Since the previous update ${moved('up')} improved, ${moved('down')} got worse and ${moved('same')} stayed the same${moved('new') ? `; ${moved('new')} ${moved('new') === 1 ? 'is' : 'are'} new` : ''}.`,
      ]
    : ['No action plan has been loaded (actions.csv).'];
  const ragChart = barChart({
    id: 'actions-rag',
    title: 'Actions by current RAG status',
    valueLabel: 'Actions',
    categoryLabel: 'RAG status',
    items: ['red', 'amber', 'green'].map((k) => ({ key: k, label: k, value: count(k) })),
  });
  return {
    commentary,
    charts: [ragChart],
    tables: [
      rowsTable('actions', 'The action plan', [
        ['action_id', 'Action'], ['priority', 'Priority'], ['title', 'Action'], ['owner', 'Owner'], ['due', 'Due'], ['rag', 'RAG'],
        ['previous_rag', 'Previous RAG'], ['moved', 'Movement'], ['updated_at', 'Updated'], ['progress', 'Progress'],
      ], rows),
    ],
    ids: [],
  };
}

/** The contract's files with their required and optional columns, for the browser's header check. */
export function contractSummary(): NonNullable<PageModel['contract']> {
  return SOURCES.map((s) => ({
    file: s.file,
    required: s.columns.filter((c) => c.required).map((c) => c.name),
    optional: s.columns.filter((c) => !c.required).map((c) => c.name),
  }));
}

async function data(db: Db, req: PageRequest): Promise<Built> {
  const ids = ['load_summary', 'completeness', 'timeliness'];
  const r = await read(db, req, ids, 0);
  const quarantine = await db.all<{ file: string; kind: string; rows: number }>(
    `SELECT file, kind, count(*) AS rows FROM quarantine GROUP BY file, kind ORDER BY file, rows DESC, kind`,
    undefined,
    'counting quarantined rows',
  );
  return {
    r,
    commentary: commentaryOf(r, ['data_quality']),
    charts: [],
    tables: [
      rowsTable('load_summary', 'Load history', [
        ['refresh_id', 'Refresh'], ['started_at', 'Started'], ['file', 'File'], ['source', 'Source'], ['status', 'Status'], ['read', 'Rows read'],
        ['loaded', 'Loaded'], ['quarantined', 'Quarantined'], ['reasons', 'Reasons'], ['error', 'Error'],
      ], r.measures.load_summary?.rows ?? []),
      rowsTable('completeness', 'Completeness', [['source', 'Source'], ['column', 'Column'], ['with_value_pct', '% with a value']], r.measures.completeness?.rows ?? []),
      rowsTable('timeliness', 'Timeliness', [['source', 'Source'], ['latest_event', 'Latest event'], ['refreshed', 'Refreshed'], ['days_behind', 'Days behind']], r.measures.timeliness?.rows ?? []),
      rowsTable('quarantine', 'Quarantined rows by file and reason', [['file', 'File'], ['kind', 'Reason'], ['rows', 'Rows']], quarantine),
    ],
    ids,
    contract: contractSummary(),
  };
}

const BUILDERS: Record<PageId, (db: Db, req: PageRequest) => Promise<Built>> = { overview, missing, risk, places, groups, gaps, areas, actions, data };

export const isPage = isPageId;

/** Builds a page model. Bad parameters throw readMeasures' RequestError (a 400 for the API). */
export async function buildPage(db: Db, req: PageRequest): Promise<PageModel> {
  const built = await BUILDERS[req.page](db, req);
  // Pages that read no measures (actions) still validate and describe the period and area.
  const r = built.r ?? (await readMeasures(db, { period: req.period, area: req.area, scope: req.ages, role: req.role, trend: 0, ids: ['met_children'] }));
  return {
    page: req.page,
    title: pageDecl(req.page).title,
    area: r.area,
    period: r.period,
    period_label: r.period_label,
    ages: r.parameters.age_scope,
    role: req.role,
    refresh: req.refresh,
    commentary: built.commentary,
    tiles: built.tiles ?? [],
    charts: built.charts,
    tables: built.tables,
    legend: messages.suppressedLegend(r.parameters.suppression_threshold).replace(/\.$/, ''),
    definitions: definitionsOf(built.ids, r.parameters),
    warnings: built.warnings ?? r.warnings,
    ...(built.contract ? { contract: built.contract } : {}),
  };
}

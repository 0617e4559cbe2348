// The dashboard's pages, declared once, in navigation order, as data: their id (the
// page model of GET /api/pages/:id and the script in web/src/pages), the HTML file the
// browser opens, the title (the page's heading and its navigation label alike), who
// may open it, the measures it reads (whose definitions it shows, in this order), the
// commentary families it opens with, and the blocks it shows, in order. One page
// builder (lib/pages.ts) turns these into page models; the web pages lay those out;
// the board pack will render the same declarations.

import type { Family } from './measures.js';

export type Audience = 'everyone' | 'analyst';

/** The detail line under a headline tile. */
export type TileDetail =
  /** The national comparator (parameters), drawn as a reference line on the tile's chart too. */
  | { kind: 'national' }
  /** One cell of a breakdown of another measure: "35 at high risk". */
  | { kind: 'cell'; measure: string; by: string; key: string; words: string }
  /** Another measure's value: "9.9 per 10,000 children". */
  | { kind: 'value'; measure: string; words: string };

export type Block =
  /** Headline tiles with sparklines, each opening its SPC chart. */
  | { kind: 'tiles'; tiles: { measure: string; detail?: TileDetail }[] }
  /** A measure's trend with its SPC reading. */
  | { kind: 'trend'; measure: string }
  /** A measure's breakdown in the period, in the order given (others after). */
  | { kind: 'breakdown'; measure: string; by: string; order?: readonly string[] }
  /** Each breakdown of a measure over its trend's periods, one line per category. */
  | { kind: 'breakdownTrends'; measure: string; breakdowns: { by: string; order: readonly string[] }[] }
  /** Two percentages' trends on one chart, with the national comparator ({placeholders} name parameters). */
  | { kind: 'pairTrend'; id: string; title: string; valueLabel: string; series: { measure: string; name: string }[] }
  /** The hex tile map of a table-like measure's localities, shaded by one field and outlined by a flag. */
  | { kind: 'map'; id: string; title: string; measure: string; field: string; flag: 'hotspot' | 'gap'; label: string; valueKind?: string }
  /** A table-like measure's rows, in the order given. */
  | { kind: 'rows'; measure: string; title: string; columns: readonly (readonly [string, string])[]; order?: 'rank' | 'gap' }
  /** The group profile in words: one chart per dimension, the group's share against the population's; the table with each share's 95% interval; the over- and under-represented groups in the commentary. */
  | { kind: 'groups'; measure: string }
  /** The measures as a table: this period, the previous one and a year earlier. */
  | { kind: 'figures'; measures?: readonly string[]; id?: string; title?: string }
  /** Which localities are service gaps, in words. */
  | { kind: 'gapSummary'; measure: string }
  /** A funnel plot of a rows measure's rate per 10,000 against its population, with 95% and 99.8% limits around the area's (all: the partnership's) figure. */
  | { kind: 'funnel'; id: string; title: string; measure: string; field: string; target: string }
  /** The four areas side by side, each read on its own. */
  | { kind: 'areas'; measures: readonly string[] }
  /** The action plan: RAG counts, movement, the plan itself. */
  | { kind: 'actionPlan' }
  /** Loads, completeness, timeliness, the quarantine, and the contract for the upload check. */
  | { kind: 'dataQuality' }
  /** The disclosure audit's figures for the partner rule (lib/audit/): the residual risk, in words. */
  | { kind: 'disclosureAudit' }
  /**
   * Need beside provision, per area (each area read on its own): the need measures of the
   * area, and the provision measures (services.csv) per commissioned service; a chart of
   * `compare` by service and area; the trends of `trends` by area; words on shortfalls.
   */
  | { kind: 'provision'; need: readonly string[]; provision: readonly string[]; compare: string; trends: readonly string[] };

export interface PageDecl {
  id: string;
  /** The HTML file's name without .html ('index' is served at /). */
  file: string;
  title: string;
  audience: Audience;
  /** The measures the page reads, and whose definitions it shows, in this order. */
  measures: readonly string[];
  /** Periods of trend to read (0: none). */
  trend: number;
  /** Commentary families, in order, before any block's own words. */
  commentary: readonly Family[];
  blocks: readonly Block[];
  /**
   * The ages every figure of the page is for, whatever the ages picker (service gaps and
   * who MET children are: children); its titles and labels say so when other ages are chosen.
   */
  ages?: '0-17';
}

const YNK = ['yes', 'no', 'not known'] as const;

export const PAGE_DECLS = [
  {
    id: 'overview',
    file: 'index',
    title: 'Board overview',
    audience: 'everyone',
    measures: [
      'met_children',
      'prevalence_per_10k',
      'missing_episodes',
      'repeat_missing_children',
      'rhi_completed_72h_pct',
      'children_at_risk',
      'nrm_referrals',
      'disruptions',
    ],
    trend: 12,
    commentary: ['identification', 'missing', 'return_interviews', 'risk', 'places'],
    blocks: [
      {
        kind: 'tiles',
        tiles: [
          { measure: 'met_children', detail: { kind: 'value', measure: 'prevalence_per_10k', words: 'per 10,000 children' } },
          { measure: 'prevalence_per_10k' },
          { measure: 'missing_episodes' },
          { measure: 'repeat_missing_children' },
          { measure: 'rhi_completed_72h_pct', detail: { kind: 'national' } },
          { measure: 'children_at_risk', detail: { kind: 'cell', measure: 'children_at_risk', by: 'level', key: 'high', words: 'at high risk' } },
          { measure: 'nrm_referrals' },
          { measure: 'disruptions' },
        ],
      },
      { kind: 'figures' },
    ],
  },
  {
    id: 'missing',
    file: 'missing',
    title: 'Missing and return interviews',
    audience: 'everyone',
    measures: [
      'missing_episodes',
      'missing_children',
      'episodes_per_child',
      'repeat_missing_children',
      'median_missing_hours',
      'still_missing',
      'returns',
      'rhi_offered_72h_pct',
      'rhi_completed_72h_pct',
      'rhi_declined_pct',
      'rhi_disclosure_count',
    ],
    trend: 12,
    commentary: ['missing', 'return_interviews'],
    blocks: [
      { kind: 'trend', measure: 'missing_episodes' },
      { kind: 'breakdown', measure: 'missing_episodes', by: 'classification', order: ['missing', 'absent', 'away'] },
      { kind: 'breakdown', measure: 'missing_episodes', by: 'source', order: ['police', 'social_care'] },
      { kind: 'breakdown', measure: 'missing_episodes', by: 'looked_after', order: YNK },
      { kind: 'breakdown', measure: 'missing_episodes', by: 'placed_out_of_area', order: YNK },
      { kind: 'trend', measure: 'repeat_missing_children' },
      { kind: 'trend', measure: 'median_missing_hours' },
      {
        kind: 'breakdownTrends',
        measure: 'missing_episodes',
        breakdowns: [
          { by: 'classification', order: ['missing', 'absent', 'away'] },
          { by: 'source', order: ['police', 'social_care'] },
          { by: 'looked_after', order: YNK },
          { by: 'placed_out_of_area', order: YNK },
        ],
      },
      {
        kind: 'pairTrend',
        id: 'rhi-72h',
        title: 'Return interviews within {rhi_window_hours} hours',
        valueLabel: '% of returns',
        series: [
          { measure: 'rhi_offered_72h_pct', name: 'Offered within {rhi_window_hours} hours' },
          { measure: 'rhi_completed_72h_pct', name: 'Completed within {rhi_window_hours} hours' },
        ],
      },
      { kind: 'figures' },
    ],
  },
  {
    id: 'risk',
    file: 'risk',
    title: 'Exploitation risk',
    audience: 'everyone',
    measures: ['children_at_risk', 'risk_escalations', 'risk_reviews_overdue', 'transitions'],
    trend: 12,
    commentary: ['risk'],
    blocks: [
      { kind: 'breakdown', measure: 'children_at_risk', by: 'level', order: ['low', 'medium', 'high'] },
      { kind: 'breakdown', measure: 'children_at_risk', by: 'exploitation_type', order: ['CSE', 'CCE', 'both'] },
      { kind: 'trend', measure: 'children_at_risk' },
      { kind: 'trend', measure: 'risk_escalations' },
      { kind: 'trend', measure: 'risk_reviews_overdue' },
      { kind: 'trend', measure: 'transitions' },
      { kind: 'figures' },
    ],
  },
  {
    id: 'places',
    file: 'places',
    title: 'Places and hotspots',
    audience: 'everyone',
    measures: ['hotspots', 'cpi_submissions', 'disruptions', 'offenders_disrupted'],
    trend: 12,
    commentary: ['places'],
    blocks: [
      {
        kind: 'map',
        id: 'hexmap-hotspots',
        title: 'Hotspots by locality, {period}',
        measure: 'hotspots',
        field: 'total',
        flag: 'hotspot',
        label: 'Episodes found, CPI submissions and disruptions',
      },
      { kind: 'breakdown', measure: 'cpi_submissions', by: 'theme' },
      { kind: 'breakdown', measure: 'cpi_submissions', by: 'location_type' },
      { kind: 'breakdown', measure: 'disruptions', by: 'action_type' },
      { kind: 'trend', measure: 'disruptions' },
      {
        kind: 'rows',
        measure: 'hotspots',
        title: 'Localities ranked by total within each area',
        order: 'rank',
        columns: [
          ['area', 'Area'],
          ['rank', 'Rank in the area'],
          ['locality', 'Locality'],
          ['found', 'Episodes found there'],
          ['cpi', 'CPI submissions'],
          ['disruptions', 'Disruptions'],
          ['total', 'Total'],
          ['change', 'Change on previous period'],
          ['hotspot', 'Hotspot'],
        ],
      },
      { kind: 'figures', measures: ['cpi_submissions', 'disruptions', 'offenders_disrupted'] },
    ],
  },
  {
    id: 'groups',
    file: 'groups',
    title: 'Who MET children are',
    audience: 'everyone',
    ages: '0-17',
    measures: ['group_profile', 'met_children'],
    trend: 0,
    commentary: ['identification'],
    blocks: [
      // Charts, the table (in words, with intervals) and the commentary on who is over- or under-represented.
      { kind: 'groups', measure: 'group_profile' },
    ],
  },
  {
    id: 'gaps',
    file: 'gaps',
    title: 'Service gaps',
    audience: 'everyone',
    ages: '0-17',
    measures: [
      'service_gaps',
      'prevalence_per_10k',
      'rhi_completed_72h_pct',
      'met_children',
      'service_referrals',
      'service_capacity',
      'service_demand_ratio',
      'service_started_in_target_pct',
      'service_waiting',
    ],
    trend: 0,
    commentary: [],
    blocks: [
      { kind: 'gapSummary', measure: 'service_gaps' },
      {
        kind: 'map',
        id: 'hexmap-gaps',
        title: 'Service gaps by locality, {period}',
        measure: 'service_gaps',
        field: 'prevalence_per_10k',
        flag: 'gap',
        label: 'MET prevalence per 10,000 children',
        valueKind: 'per10k',
      },
      {
        kind: 'rows',
        measure: 'service_gaps',
        title: 'Need against provision by locality',
        order: 'gap',
        columns: [
          ['locality', 'Locality'],
          ['area', 'Area'],
          ['met_children', 'MET children'],
          ['prevalence_per_10k', 'Prevalence per 10,000'],
          ['prevalence_interval', 'Prevalence, 95% interval'],
          ['area_prevalence_per_10k', 'Its area’s prevalence'],
          ['missing_episodes', 'Missing episodes'],
          ['rhi_completed_72h_pct', '% interviews within {rhi_window_hours} hours'],
          ['rhi_interval', '% interviews, 95% interval'],
          ['area_rhi_completed_72h_pct', 'Its area’s % interviews'],
          ['children_at_risk', 'Children at risk'],
          ['risk_reviews_overdue', 'Reviews overdue'],
          ['gap', 'Service gap'],
          ['gap_reason', 'Why'],
        ],
      },
      {
        kind: 'funnel',
        id: 'funnel-prevalence',
        title: 'MET prevalence against child population by locality, {period}',
        measure: 'service_gaps',
        field: 'prevalence_per_10k',
        target: 'prevalence_per_10k',
      },
      { kind: 'figures', measures: ['prevalence_per_10k', 'rhi_completed_72h_pct'], id: 'area-figures', title: 'The area’s own figures' },
      {
        kind: 'provision',
        need: ['met_children', 'prevalence_per_10k'],
        provision: ['service_referrals', 'service_capacity', 'service_demand_ratio', 'service_started_in_target_pct', 'service_waiting'],
        compare: 'service_demand_ratio',
        trends: ['service_demand_ratio', 'service_waiting'],
      },
    ],
  },
  {
    id: 'areas',
    file: 'areas',
    title: 'Four areas compared',
    audience: 'everyone',
    measures: ['prevalence_per_10k', 'missing_children_per_10k', 'children_at_risk_per_10k', 'nrm_referrals_per_10k', 'rhi_completed_72h_pct'],
    trend: 0,
    commentary: [],
    blocks: [
      {
        kind: 'areas',
        measures: ['prevalence_per_10k', 'missing_children_per_10k', 'children_at_risk_per_10k', 'nrm_referrals_per_10k', 'rhi_completed_72h_pct'],
      },
    ],
  },
  { id: 'actions', file: 'actions', title: 'Action plan', audience: 'everyone', measures: [], trend: 0, commentary: [], blocks: [{ kind: 'actionPlan' }] },
  {
    id: 'data',
    file: 'data',
    title: 'Data quality and refresh',
    audience: 'analyst',
    measures: ['load_summary', 'completeness', 'timeliness', 'returns_without_interview'],
    trend: 0,
    commentary: ['data_quality'],
    blocks: [{ kind: 'dataQuality' }, { kind: 'disclosureAudit' }],
  },
] as const satisfies readonly PageDecl[];

export type PageId = (typeof PAGE_DECLS)[number]['id'];

export const PAGE_IDS: readonly PageId[] = PAGE_DECLS.map((p) => p.id);

export function pageDecl(id: PageId): PageDecl {
  return PAGE_DECLS.find((p) => p.id === id)!;
}

export function isPageId(id: string): id is PageId {
  return (PAGE_IDS as readonly string[]).includes(id);
}

/** The path a browser opens for a page. */
export const hrefOf = (p: { file: string }): string => (p.file === 'index' ? '/' : `/${p.file}.html`);

// The API's answers (docs/api.md), declared once: the server builds them, the CLI
// prints them, the web pages read them. Types only: nothing here runs.

import type { AgeScope } from './ages.js';
import type { AreaOrAll } from './areas.js';
import type { BuildParameters, Parameters } from './parameters.js';
import type { Term } from './glossary.js';
import type { PageId } from './pages.js';
import type { Audience, Role } from './roles.js';

/** A figure as a role sees it: a number, null where undefined (a % of nothing), or 'c' where withheld. */
export type Shown = number | null | 'c';

/**
 * Which disclosure rule the figures passed (../shared/met-dataset.md, "Disclosure
 * control by audience"): exact (the analyst), partner (board, commissioners: counts
 * 1..threshold−1 withheld), published (public: counts 1..max_withheld withheld, every
 * other count rounded to the nearest rounding_base, medians over median_min or more).
 */
export interface DisclosureInfo {
  rule: Audience;
  /** Counts from 1 to threshold − 1 are withheld (exact: 1, nothing withheld). */
  threshold: number;
  /** The largest count withheld (threshold − 1; 0 for exact). */
  max_withheld: number;
  /** Published only: counts are rounded to the nearest multiple of this. */
  rounding_base?: number;
  /** Published only: a median is shown only over at least this many records. */
  median_min?: number;
  /** The legend, in plain words. */
  legend: string;
}

// ── SPC ────────────────────────────────────────────────────────────────────────────

export type SpcRule = 'beyond_limit' | 'run_above' | 'run_below' | 'trend_up' | 'trend_down';

export interface SpcPointSignal {
  index: number;
  rules: SpcRule[];
}

export type SpcReading =
  | {
      status: 'ok';
      n: number;
      mean: number;
      mean_moving_range: number;
      upper_limit: number;
      lower_limit: number;
      /** Only points with at least one rule, in index order. */
      signals: SpcPointSignal[];
      /** Reading of the LAST point: is it part of a signal, and which side. */
      latest: 'signal_high' | 'signal_low' | 'normal';
      /** One plain-English sentence for a board member. */
      summary: string;
    }
  | { status: 'too_few_points'; n: number; needed: number; summary: string }
  | { status: 'suppressed'; summary: string }
  | { status: 'no_data'; summary: string };

// ── /api/measures ──────────────────────────────────────────────────────────────────

export interface Comparison {
  period: string;
  value: Shown;
  /** value − this period's value's counterpart, as a change; omitted where either side is suppressed. */
  change?: number | null;
  change_pct?: number | null;
}

/** One row of a table-like measure: its fields, with numbers as shown to the role. */
export type ShownRow = Record<string, unknown>;

export interface MeasureOut {
  value?: Shown;
  by?: Record<string, Record<string, Shown>>;
  rows?: ShownRow[];
  previous?: Comparison;
  year_earlier?: Comparison;
  trend?: { periods: string[]; values: Shown[]; spc: SpcReading };
}

export interface MeasuresResponse {
  period: string;
  period_label: string;
  area: AreaOrAll;
  role: Role;
  /** The parameters the figures were built and read with (model/parameters.ts; the build's from the warehouse). */
  parameters: BuildParameters & {
    age_scope: AgeScope;
    suppression_threshold: number;
    /** The published rule's parameters, where it applied. */
    published_max_withheld?: number;
    rounding_base?: number;
    published_median_min?: number;
    rhi_national: Parameters['rhi_national'];
    trend_periods: number;
  };
  measures: Record<string, MeasureOut>;
  commentary: Record<string, string[]>;
  warnings: string[];
  /** False when the period runs past the latest episode in the extracts. */
  complete: boolean;
  /** The disclosure rule the figures passed. */
  disclosure: DisclosureInfo;
}

// ── Page models (/api/pages/:page) ───────────────────────────────────────────────────

export type Cell = string | number | boolean | null;

export interface Column {
  key: string;
  label: string;
  /** The kind of figure in the column ('pct', 'per10k', 'count' …: model/format.ts writes it so, "69.6%"). */
  kind?: string;
  /** Where each row's figure is of its own kind (a table of several measures): the row's key that names the kind. */
  kindKey?: string;
}

export interface TableModel {
  columns: Column[];
  rows: Record<string, Cell>[];
}

export interface HexCell {
  locality: string;
  area: string;
  q: number;
  r: number;
  value: Shown;
  display: string;
  /** The locality's rank as the API gives it (hotspots: by total, within its area; 'c' where withheld); absent where the rows carry none. */
  rank?: Shown;
  /** A hotspot; 'c' where the flag is withheld (published: ranks of an area with a total withheld to protect another). */
  hotspot?: boolean | 'c';
  /** A service gap; 'c' where the flag is withheld with the figures it rests on. */
  gap?: boolean | 'c';
}

export type ChartModel =
  | { id: string; title: string; description: string; kind: 'vega-lite'; spec: Record<string, unknown>; table: TableModel }
  | { id: string; title: string; description: string; kind: 'hexmap'; hexes: HexCell[]; measure: string; measure_label: string; table: TableModel };

export type Signal = 'normal' | 'signal_high' | 'signal_low' | 'none';

export interface Tile {
  id: string;
  label: string;
  value: Shown;
  display: string;
  /** How its figures are written (model/format.ts): the measure's kind, 'pct0' for a published percentage ("69%"). */
  kind?: string;
  /** True where the figure is rounded (the published rule): its display is marked ≈. */
  rounded?: boolean;
  detail?: string;
  /** The previous period's and a year earlier's figures; `display` marked ≈ where rounded, as the headline's. */
  previous?: { period: string; value: Shown; display?: string };
  year_earlier?: { period: string; value: Shown; display?: string };
  change_text: string;
  signal: Signal;
  signal_text: string;
  spark: { periods: string[]; values: Shown[] };
  definition: string;
  /** Its SPC chart's id; absent where every figure of the trend is withheld (no chart is drawn). */
  chart?: string;
}

export interface PageTable extends TableModel {
  id: string;
  title: string;
}

export interface Definition {
  id: string;
  label: string;
  definition: string;
}

/** A file of the data contract, for the browser's header check before an upload. */
export interface ContractFile {
  file: string;
  required: string[];
  optional: string[];
}

export interface PageModel {
  page: PageId;
  title: string;
  area: AreaOrAll;
  period: string;
  period_label: string;
  ages: string;
  role: Role;
  refresh: { refresh_id: string; finished_at: string | null };
  commentary: string[];
  tiles: Tile[];
  charts: ChartModel[];
  tables: PageTable[];
  legend: string;
  /** The disclosure rule the page's figures passed. */
  disclosure: DisclosureInfo;
  definitions: Definition[];
  /** The abbreviations the page uses (SERAF, NRM …), each in plain words (model/glossary.ts). */
  terms: Term[];
  warnings: string[];
  /** Page `data` only: the file contract. */
  contract?: ContractFile[];
}

/** The kinds of entry in the audit log (state/store.ts writes them; GET /api/audit filters by them). */
export const AUDIT_EVENTS = ['sign-in', 'sign-in failed', 'sign-out', 'view', 'upload', 'refresh', 'account'] as const;

/** One line of the audit log as GET /api/audit answers it (the state store keeps `detail` as JSON text). */
export interface AuditEntry {
  id: number;
  at: string;
  event: string;
  account: string | null;
  role: string | null;
  account_area: string | null;
  address: string | null;
  area: string | null;
  period: string | null;
  ages: string | null;
  target: string | null;
  status: number | null;
  detail: Record<string, unknown> | null;
}

// The shapes of the API's answers, as the pages read them: declared once in
// model/api.ts, which the server builds them from.

export type {
  Cell,
  ChartModel,
  Column,
  ContractFile,
  Definition,
  MeasuresResponse,
  PageModel,
  Shown,
  Signal,
  TableModel,
  Tile,
} from '../../model/api.js';
export type { HexCell as Hex } from '../../model/api.js';
import type { ChartModel, TableModel } from '../../model/api.js';

/** A table as the page draws it: a page's tables carry an id and a title, a chart's data table need not. */
export type ShownTable = TableModel & { id?: string; title?: string };
/** The hex tile map among the charts. */
export type HexChart = Extract<ChartModel, { kind: 'hexmap' }>;
/** A map as the page draws it: the served map, or one shaded by another column, whose table is the page's. */
export type MapView = Omit<HexChart, 'table'> & { table?: ShownTable };
/** A chart as the page draws it. */
export type DrawnChart = Exclude<ChartModel, HexChart> | MapView;

/** GET /api/meta (server/meta.ts). */
export interface Meta {
  version: string;
  role: string;
  role_note?: string;
  refresh?: { refresh_id: string; finished_at: string; sources?: { source: string; latest_event: string; refreshed: string }[] } | null;
  areas: string[];
  age_scopes: string[];
  periods: { month: string[]; quarter: string[]; fy: string[]; year: string[] };
  default_period: string;
  /** Offered periods the data does not yet cover to their last day: marked "(in progress)", never the default. */
  in_progress?: string[];
  measures?: { id: string; label: string; family: string; kind: string; definition: string }[];
}

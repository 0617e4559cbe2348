// The shapes of the API's answers (docs/api.md), as the pages read them.

export type Shown = number | 'c' | null;
export type Cell = string | number | boolean | null;

export interface Column {
  key: string;
  label: string;
}

export interface TableModel {
  id?: string;
  title?: string;
  description?: string;
  columns: Column[];
  rows: Record<string, Cell>[];
}

export interface Comparison {
  period: string;
  value: Shown;
}

export type Signal = 'normal' | 'signal_high' | 'signal_low' | 'none';

export interface Tile {
  id: string;
  label: string;
  value: Shown;
  display?: string;
  previous?: Comparison;
  year_earlier?: Comparison;
  change_text?: string;
  signal?: Signal;
  signal_text?: string;
  spark?: { periods: string[]; values: Shown[] };
  definition?: string;
  chart?: string;
  comparator?: { label?: string; value?: number; display?: string; text?: string };
}

export interface Hex {
  locality: string;
  area: string;
  q: number;
  r: number;
  value: Shown;
  display?: string;
  hotspot?: boolean;
  gap?: boolean;
}

export interface ChartModel {
  id: string;
  title: string;
  description?: string;
  kind: 'vega-lite' | 'hexmap';
  spec?: Record<string, unknown>;
  table?: TableModel;
  hexes?: Hex[];
  measure?: string;
  measure_label?: string;
}

export interface Definition {
  id: string;
  label: string;
  definition: string;
}

export interface ContractFile {
  file: string;
  required: string[];
  optional?: string[];
}

export interface PageModel {
  page: string;
  title: string;
  area: string;
  period: string;
  period_label?: string;
  ages: string;
  role: string;
  refresh?: { refresh_id: string; finished_at: string } | null;
  commentary?: string[];
  tiles?: Tile[];
  charts?: ChartModel[];
  tables?: TableModel[];
  legend?: string;
  definitions?: Definition[];
  warnings?: string[];
  contract?: ContractFile[];
}

export interface Meta {
  version: string;
  role: string;
  role_note?: string;
  refresh?: { refresh_id: string; finished_at: string; sources?: { source: string; latest_event: string; refreshed: string }[] } | null;
  areas: string[];
  age_scopes: string[];
  periods: { month: string[]; quarter: string[]; fy: string[]; year: string[] };
  default_period: string;
  measures?: { id: string; label: string; family: string; kind: string; definition: string }[];
}

// Exports (docs/api.md, "Exports"): one table of a page model, or one chart's data, as
// a CSV file or an Excel workbook. Pure writers: the figures come from the page model
// (lib/pages.ts), so a file holds exactly what the page shows to the same role — `c`
// where withheld, `–` where there is no figure — never a cell read around disclosure
// control. Text cells that a spreadsheet would run as a formula are neutralised.

import ExcelJS from 'exceljs';
import type { Cell, Column, Definition, PageModel, TableModel } from '../model/api.js';
import { exportWords as w } from './messages.js';
import { termsIn, type Term } from '../model/glossary.js';

/** A cell of an exported file: a number stays a number (a true negative too); everything else is text. */
export type FileCell = number | string;

/** One exported table with what is needed to read it: where it comes from, its legend and definitions. */
export interface ExportDoc {
  /** The table's or chart's title. */
  title: string;
  /** Label–value lines above the table: page, area, period, ages, rule, refresh (and a chart's description). */
  about: [string, string][];
  /**
   * The column labels, as the page's table heads them, with the unit where a column's
   * figures are percentages or rates ("… (%)"); a table whose rows are of several kinds
   * (the figures table) ends with a "Unit" column naming each row's kind.
   */
  columns: string[];
  rows: FileCell[][];
  /** Each cell's kind (model/format.ts: pct, per10k, ratio, count …), or null: the workbook formats its numbers by it. */
  kinds: (string | null)[][];
  /** The legend's lines: c (the rule's legend) and –. */
  legend: string[];
  definitions: Definition[];
  /** The abbreviations the file's own words use (SERAF, NRM …), each in plain words (model/glossary.ts). */
  terms: Term[];
}

/**
 * A text cell made safe for a spreadsheet: one that begins with `=`, `+`, `-` or `@`
 * (or a tab or carriage return, which some spreadsheets skip before reading a formula)
 * gets a leading apostrophe, so it is shown as text and never run. Numbers are not
 * text cells, so a true negative number is never touched.
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** A page-model cell as the page shows it: null is –, true/false Yes/No, a count per reason (JSON text) in words. */
export function fileCell(v: Cell | undefined): FileCell {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v === 'number') return Number.isFinite(v) ? v : '–';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (v.startsWith('{')) {
    try {
      const o = JSON.parse(v) as Record<string, unknown>;
      const words = Object.entries(o)
        .map(([k, n]) => `${k}: ${typeof n === 'number' ? n.toLocaleString('en-GB', { maximumFractionDigits: 2 }) : String(n)}`)
        .join('; ');
      return words || '–';
    } catch {
      // plain text
    }
  }
  return v;
}

/** Which table of a page: a table by its id, or a chart's data by the chart's id. */
export type ExportTarget = { table: string } | { chart: string };

/** The action plan's filters, as its page keeps them in the URL (?priority=2&rag=red&overdue=yes). */
export interface ActionFilters {
  priority?: string;
  rag?: string;
  overdue?: 'yes' | 'no';
}

/** The action plan's table (page `actions`, table `actions`): the one table the filters apply to. */
export const isActionPlan = (page: string, target: ExportTarget): boolean => page === 'actions' && 'table' in target && target.table === 'actions';

/** An action's row kept by the filters, as the page keeps it (web/src/pages/actions.ts, matches). */
export function keepsAction(r: Record<string, Cell>, f: ActionFilters): boolean {
  if (f.priority && String(r.priority ?? '') !== f.priority) return false;
  if (f.rag && String(r.rag ?? '').toLowerCase() !== f.rag.toLowerCase()) return false;
  if (f.overdue === 'yes' && r.overdue !== true) return false;
  if (f.overdue === 'no' && r.overdue === true) return false;
  return true;
}

/** The Excel number format of a kind (model/format.ts): 69.6 shown "69.6%", a rate 10.0, a ratio 1.97, a count 1,234. */
export function numFmtOf(kind: string | null | undefined): string | undefined {
  if (kind === 'pct') return '0.0"%"';
  if (kind === 'pct0') return '0"%"';
  if (kind === 'per10k') return '0.0';
  if (kind === 'ratio') return '0.00';
  if (kind === 'count' || kind === 'rows') return '#,##0';
  return undefined;
}

/** The definitions that belong to a table: those whose measure it names (by id or label); all of the page's when it names none. */
function definitionsOf(id: string, t: TableModel, defs: Definition[]): Definition[] {
  const texts = new Set<string>();
  for (const c of t.columns) texts.add(c.key).add(c.label);
  for (const r of t.rows) for (const v of Object.values(r)) if (typeof v === 'string') texts.add(v);
  const mine = defs.filter((d) => id === d.id || id.includes(d.id) || texts.has(d.id) || texts.has(d.label));
  return mine.length ? mine : defs;
}

/** The table a target names, with what a file says about it; null when the page has no such table or chart. */
export function exportDoc(model: PageModel, target: ExportTarget, actions?: ActionFilters): ExportDoc | null {
  let id: string;
  let title: string;
  let table: TableModel;
  let description: string | null = null;
  if ('table' in target) {
    const t = model.tables.find((x) => x.id === target.table);
    if (!t) return null;
    ({ id, title } = t);
    table = t;
  } else {
    const c = model.charts.find((x) => x.id === target.chart);
    if (!c) return null;
    ({ id, title, description } = c);
    table = c.table;
  }
  const d = model.disclosure;
  const about: [string, string][] = [
    [w.page, model.title],
    [w.area, w.areaName(model.area)],
    [w.period, model.period_label || model.period],
    [w.ages, w.agesName(model.ages)],
    [w.rule, w.ruleName(d.rule, d.max_withheld, d.rounding_base)],
    [w.refresh, w.refreshed(model.refresh.refresh_id, model.refresh.finished_at)],
  ];
  if (description) about.push([w.about, description]);
  let rows = table.rows;
  if (actions && isActionPlan(model.page, target)) {
    rows = rows.filter((r) => keepsAction(r, actions));
    about.push([w.actionFilters, w.actionFilter(actions)], [w.actionRows, w.actionShown(rows.length, table.rows.length)]);
  }
  const kindOf = (c: Column, r: Record<string, Cell>): string | null => {
    const k = c.kind ?? (c.kindKey ? r[c.kindKey] : null);
    return typeof k === 'string' && k ? k : null;
  };
  // A table whose rows are of several kinds says each row's unit in a last column.
  const unitKey = table.columns.find((c) => c.kindKey)?.kindKey;
  const unit = (r: Record<string, Cell>): FileCell[] => (unitKey ? [w.unitName(typeof r[unitKey] === 'string' ? (r[unitKey] as string) : null) || '–'] : []);
  const doc = {
    title,
    about,
    columns: [...table.columns.map((c) => w.headedUnit(c.label, c.kind)), ...(unitKey ? [w.unitColumn] : [])],
    rows: rows.map((r) => [...table.columns.map((c) => fileCell(r[c.key])), ...unit(r)]),
    kinds: rows.map((r) => [...table.columns.map((c) => kindOf(c, r)), ...(unitKey ? [null] : [])]),
    legend: [model.legend || d.legend, w.noFigure(d.rule === 'published')],
    definitions: definitionsOf(id, table, model.definitions),
  };
  // A paper taken to a meeting explains its own abbreviations: those of the file's words only.
  const words = [title, ...about.flat(), ...doc.columns, ...doc.rows.flat(), ...doc.definitions.flatMap((x) => [x.label, x.definition])];
  return { ...doc, terms: termsIn(words.filter((x): x is string => typeof x === 'string')) };
}

// ── CSV ────────────────────────────────────────────────────────────────────────────

function csvField(v: FileCell): string {
  const s = typeof v === 'number' ? String(v) : neutralise(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (cells: FileCell[]): string => cells.map(csvField).join(',');

/**
 * A CSV (RFC 4180, CRLF, UTF-8 with a byte-order mark so that a spreadsheet reads – and
 * ≈ right): the title, the `about` lines (label, value), a blank line, the table (its
 * header row, then its rows), and, after a blank line, the trailing lines.
 */
export function csvOf(title: string, about: [string, string][], columns: string[], rows: FileCell[][], trailer: FileCell[][]): string {
  const lines = [csvLine([title]), ...about.map((a) => csvLine(a)), '', csvLine(columns), ...rows.map(csvLine)];
  if (trailer.length) lines.push('', ...trailer.map(csvLine));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** An exported table as CSV: the legend's lines and one line per definition (label, text) trail the table. */
export function toCsv(doc: ExportDoc): string {
  const trailer: FileCell[][] = [
    ...doc.legend.map((l) => [w.legend, l]),
    ...doc.definitions.map((d) => [w.definition(d.label), d.definition]),
    ...doc.terms.map((t) => [w.abbreviation(t.term), t.words]),
  ];
  return csvOf(doc.title, doc.about, doc.columns, doc.rows, trailer);
}

// ── Excel ──────────────────────────────────────────────────────────────────────────

/** A cell's value in a workbook: numbers as numeric cells, text neutralised. */
const xlsxValue = (v: FileCell): number | string => (typeof v === 'number' ? v : neutralise(v));

/**
 * The workbook: sheet "Table" holds the title, the `about` lines, a blank row, the
 * header row (bold) and the rows, as the CSV; sheet "Definitions" each measure's
 * definition; sheet "Legend" the legend's lines.
 */
export async function toXlsx(doc: ExportDoc): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'MET dataset';
  // A fixed date: the same figures give the same file.
  wb.created = new Date(0);
  wb.modified = new Date(0);
  const sheet = wb.addWorksheet(w.tableSheet);
  sheet.addRow([xlsxValue(doc.title)]).font = { bold: true, size: 14 };
  for (const a of doc.about) sheet.addRow(a.map(xlsxValue)).getCell(1).font = { bold: true };
  sheet.addRow([]);
  sheet.addRow(doc.columns.map(xlsxValue)).font = { bold: true };
  doc.rows.forEach((r, i) => {
    const row = sheet.addRow(r.map(xlsxValue));
    // A number keeps its value and is shown as the page writes its kind: 69.6 as 69.6%, 10 as 10.0.
    r.forEach((v, j) => {
      const fmt = numFmtOf(doc.kinds[i]?.[j]);
      if (typeof v === 'number' && fmt) row.getCell(j + 1).numFmt = fmt;
    });
  });
  doc.columns.forEach((c, i) => {
    sheet.getColumn(i + 1).width = Math.min(60, Math.max(10, c.length + 2));
  });
  const defs = wb.addWorksheet(w.definitionsSheet);
  defs.addRow([w.measure, w.meaning]).font = { bold: true };
  for (const d of doc.definitions) defs.addRow([xlsxValue(d.label), xlsxValue(d.definition)]);
  for (const t of doc.terms) defs.addRow([xlsxValue(w.abbreviation(t.term)), xlsxValue(t.words)]);
  defs.getColumn(1).width = 40;
  defs.getColumn(2).width = 100;
  const legend = wb.addWorksheet(w.legendSheet);
  for (const l of doc.legend) legend.addRow([xlsxValue(l)]);
  legend.getColumn(1).width = 120;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ── File names ─────────────────────────────────────────────────────────────────────

/** A file name of letters, digits, `.`, `_` and `-` only (safe in Content-Disposition and on every file system). */
export function safeFileName(parts: string[], ext: 'csv' | 'xlsx'): string {
  const stem = parts
    .map((p) => p.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter(Boolean)
    .join('_')
    .slice(0, 120);
  return `${stem || 'met'}.${ext}`;
}

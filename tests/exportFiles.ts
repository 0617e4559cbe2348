// The exports' tests (tests/server/export.test.ts, tests/web/exports.test.ts): their
// warehouse, worked by hand, and reading the files: a CSV parsed by RFC 4180, and the
// table block of a CSV or of a workbook's "Table" sheet.

import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { load } from '../etl/load.js';
import { episode, episodes, POPULATION, writeFolder } from './helpers.js';

export const HOSTILE_TITLE = '=HYPERLINK("http://evil.example/","Click here")';
export const HOSTILE_OWNER = '@SUM(1+1)';

/**
 * The warehouse, worked by hand: in 2025-Q1 Southampton (Bargate) has 10 missing episodes
 * of 10 children (8 classified missing, 2 absent), Portsmouth (Fratton) 3 of 3 (and 6 of 6
 * in 2024-Q4), Hampshire none, and the Isle of Wight 2 from its SSDA903 return (15 in all); two more episode lines are quarantined (a reported_at that is
 * not a date, an unknown area). The action plan has two actions, one whose title begins
 * with '=' and whose owner begins with '@'. An Isle of Wight SSDA903 return repeats one row
 * (CHILD 'RAWCHILD77', same MIS_START), quarantined with the child's pseudonym among its
 * values. Returns the warehouse file's path.
 */
export async function exportFixture(dir: string): Promise<string> {
  const db = join(dir, 'met.duckdb');
  const rows = [
    ...Array.from({ length: 10 }, (_, i) =>
      episode({
        episode_id: `S${i + 1}`,
        child_ref: `SC10${i}`,
        area: 'Southampton',
        locality: 'Bargate',
        classification: i < 2 ? 'absent' : 'missing',
        reported_at: `2025-0${1 + (i % 3)}-1${i % 9} 09:00`,
        returned_at: '',
      }),
    ),
    ...Array.from({ length: 3 }, (_, i) =>
      episode({
        episode_id: `P${i + 1}`,
        child_ref: `PC20${i}`,
        area: 'Portsmouth',
        locality: 'Fratton',
        reported_at: `2025-02-0${i + 1} 10:00`,
        returned_at: '',
      }),
    ),
    ...Array.from({ length: 6 }, (_, i) =>
      episode({
        episode_id: `P${i + 11}`,
        child_ref: `PC30${i}`,
        area: 'Portsmouth',
        locality: 'Fratton',
        reported_at: `2024-11-0${i + 1} 10:00`,
        returned_at: '',
      }),
    ),
    episode({ episode_id: 'Q1', child_ref: 'QC301', reported_at: 'soon', returned_at: '' }),
    episode({ episode_id: 'Q2', child_ref: 'QC302', area: 'Atlantis', returned_at: '' }),
  ];
  const actions = [
    'action_id,priority,title,owner,due,rag,updated_at,progress',
    `1.1,1,"${HOSTILE_TITLE.replace(/"/g, '""')}",${HOSTILE_OWNER},April 2026,amber,2025-03-31,-5 days behind`,
    '1.2,2,Return interviews offered within 72 hours,Missing team,June 2026,green,2025-03-31,On track',
  ].join('\n');
  const main = writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(...rows), 'actions.csv': actions });
  const first = await load({ inDir: main, db });
  if (first.report.status !== 'loaded') throw new Error(`the exports' fixture did not load: ${first.report.error}`);
  const ssda = [
    'CHILD,DOB,MISSING,MIS_START,MIS_END',
    'RAWCHILD77,12/03/2010,M,13/01/2025,14/01/2025',
    'RAWCHILD77,12/03/2010,M,13/01/2025,15/01/2025',
    'RAWCHILD88,01/05/2011,A,02/02/2025,03/02/2025',
  ].join('\n');
  const iow = writeFolder(join(dir, 'iow'), { 'ssda903_missing.csv': ssda });
  const second = await load({ inDir: iow, db, area: 'Isle of Wight' });
  if (second.report.status !== 'loaded') throw new Error(`the exports' SSDA903 fixture did not load: ${second.report.error}`);
  return db;
}

/** A CSV parsed (RFC 4180: quoted fields, doubled quotes, CRLF line ends). */
export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      } else if (ch === '"') q = false;
      else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(f);
      f = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(f);
      out.push(row);
      row = [];
      f = '';
      i++;
    } else f += ch;
  }
  return out;
}

/**
 * An exported CSV in its three parts (docs/api.md, "Exports"): the lines above the table
 * (title, about), the table (header row, then rows: between the first and second blank
 * lines), and the lines after it (legend, definitions). It must begin with a byte-order mark.
 */
export function csvParts(text: string): { head: string[][]; table: string[][]; tail: string[][] } {
  if (text.charCodeAt(0) !== 0xfeff) throw new Error('the CSV does not begin with a byte-order mark');
  const rows = parseCsv(text.slice(1));
  const blank = rows.map((r, i) => (r.length === 1 && r[0] === '' ? i : -1)).filter((i) => i >= 0);
  return { head: rows.slice(0, blank[0]), table: rows.slice(blank[0]! + 1, blank[1]), tail: blank[1] === undefined ? [] : rows.slice(blank[1] + 1) };
}

export async function readWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as never);
  return wb;
}

/** A sheet's rows (empty rows included, as []), each cell's value as stored. */
export function sheetRows(wb: ExcelJS.Workbook, name: string): unknown[][] {
  const out: unknown[][] = [];
  const sheet = wb.getWorksheet(name);
  if (!sheet) throw new Error(`the workbook has no sheet '${name}'`);
  sheet.eachRow({ includeEmpty: true }, (r) => {
    out.push((r.values as unknown[]).slice(1));
  });
  return out;
}

/** The table of a workbook's "Table" sheet: its header row and rows, after the first empty row. */
export function workbookTable(wb: ExcelJS.Workbook): unknown[][] {
  const rows = sheetRows(wb, 'Table');
  return rows.slice(rows.findIndex((r) => r.length === 0) + 1);
}

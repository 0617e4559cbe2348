// Exports (docs/api.md, "Exports"): a table or a chart's data of a page model as CSV and
// Excel, and the quarantine as CSV. Each file holds exactly what the page model holds
// for the same role (cell by cell), under the role's disclosure rule, with the legend
// and the definitions; a text cell a spreadsheet would run as a formula is neutralised;
// the quarantine's file holds no person reference, raw or pseudonymised.
//
// The fixture (tests/exportFiles.ts, exportFixture), worked by hand: in 2025-Q1 Southampton
// has 10 missing episodes of 10 children, Portsmouth 3 of 3. So the missing page's
// "figures" table, row "Missing episodes", the period's figure:
//   Southampton: analyst 10, board 10 (5 or more is shown), public 10 (10 rounds to 10);
//   Portsmouth:  analyst 3,  board c (1–4 withheld), public withheld (c, or – not given).
// The action plan's action 1.1 has a title beginning with '=' and an owner with '@'.
// The Isle of Wight SSDA903 return's repeated row is quarantined with the child's
// pseudonym among its values, which no endpoint shows.

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, exportDoc, neutralise, safeFileName, toCsv, toXlsx } from '../../lib/export.js';
import type { PageModel, TableModel } from '../../model/api.js';
import { startServer, type RunningServer } from '../../server/index.js';
import { csvParts, exportFixture, HOSTILE_OWNER, HOSTILE_TITLE, parseCsv, readWorkbook, sheetRows, workbookTable } from '../exportFiles.js';
import { query, tempDir } from '../helpers.js';
import { hashPassword } from '../../state/passwords.js';
import { raw, signIn } from './http.js';

const PERIOD = '2025-Q1';
const PASSWORD = 'export test password 2026';
let db: string;
const servers: Record<string, RunningServer> = {};

beforeAll(async () => {
  db = await exportFixture(tempDir('met-export-'));
  for (const role of ['analyst', 'board', 'public'] as const) servers[role] = await startServer({ db, port: 0, role, log: false });
  // With sign-in: a board member limited to Southampton.
  servers.signIn = await startServer({ db, port: 0, log: false });
  servers.signIn.state.accounts.addLocal({ name: 'sam.board', role: 'board', area: 'Southampton', passwordHash: await hashPassword(PASSWORD) });
}, 240_000);

afterAll(async () => {
  for (const s of Object.values(servers)) await s.close();
});

async function get(role: string, path: string) {
  const res = await fetch(servers[role]!.url + path);
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
async function model(role: string, page: string, q = ''): Promise<PageModel> {
  const r = await get(role, `/api/pages/${page}?period=${PERIOD}${q}`);
  expect(r.status).toBe(200);
  return JSON.parse(r.bytes.toString('utf-8')) as PageModel;
}

/**
 * A page-model cell as the page shows it, in a file: a number as a number, null as –,
 * true/false as Yes/No, a count per reason (JSON text) in words, other text as it is
 * (neutralised). Written out here, apart from lib/export.ts, so that the test checks it.
 */
function shown(v: unknown): number | string {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  const s = String(v);
  if (s.startsWith('{'))
    return Object.entries(JSON.parse(s) as Record<string, number>)
      .map(([k, n]) => `${k}: ${n.toLocaleString('en-GB')}`)
      .join('; ');
  return neutralise(s);
}
const asCsv = (v: unknown): string => String(shown(v));

/** A row's kind in words, as the "Unit" column of a table of several kinds says it (written out apart from lib/messages.ts). */
const UNITS: Record<string, string> = { pct: 'percentage (%)', per10k: 'rate per 10,000', ratio: 'ratio', count: 'count', rows: 'rows', median: 'median' };
/** The header a file gives a table: a percentage column "… (%)", a rate "… (per 10,000)" (unless its label says so), and "Unit" last where rows are of several kinds. */
function fileHead(t: TableModel): string[] {
  const unit = t.columns.some((c) => c.kindKey);
  return [
    // (Not where the label says it already: "% interviews" or "Prevalence per 10,000" is not given its unit twice.)
    ...t.columns.map((c) =>
      neutralise(
        (c.kind === 'pct' || c.kind === 'pct0') && !c.label.includes('%')
          ? `${c.label} (%)`
          : c.kind === 'per10k' && !/per 10,000/i.test(c.label)
            ? `${c.label} (per 10,000)`
            : c.label,
      ),
    ),
    ...(unit ? ['Unit'] : []),
  ];
}
/** A row as a file gives it: each cell as shown, and its unit where the table says each row's kind. */
function fileRow(t: TableModel, r: Record<string, unknown>, cell: (v: unknown) => number | string): (number | string)[] {
  const key = t.columns.find((c) => c.kindKey)?.kindKey;
  return [...t.columns.map((c) => cell(r[c.key])), ...(key ? [UNITS[String(r[key])] ?? '–'] : [])];
}

/** The number format and value of a workbook's "Table" cell: the row whose first cell is `label`, column `col` (1-based). */
function xlCell(wb: ExcelJS.Workbook, label: string, col: number): { value: unknown; numFmt: string | undefined } {
  let found: { value: unknown; numFmt: string | undefined } | null = null;
  wb.getWorksheet('Table')!.eachRow((r) => {
    if (r.getCell(1).value === label) found = { value: r.getCell(col).value, numFmt: r.getCell(col).numFmt };
  });
  if (!found) throw new Error(`no row '${label}' in the workbook`);
  return found;
}

describe('the writers (lib/export.ts)', () => {
  it('neutralise a text cell that begins with = + - @, a tab or a carriage return, and never a number', () => {
    expect(['=1+2', '+44 23', '-2+3+cmd|calc', '@SUM(A1)', '\t=1', '\r=1', 'Bargate', '– no figure', 'c'].map(neutralise)).toEqual([
      "'=1+2",
      "'+44 23",
      "'-2+3+cmd|calc",
      "'@SUM(A1)",
      "'\t=1",
      "'\r=1",
      'Bargate',
      '– no figure',
      'c',
    ]);
    // A hostile locality and category written through the CSV writer; a true negative stays a number.
    const csv = csvOf(
      't',
      [['Area', '=evil()']],
      ['Locality', 'Change'],
      [
        ['=cmd|"/c calc"!A1', -14],
        ['Bargate', 3.5],
      ],
      [],
    );
    const rows = parseCsv(csv.slice(1));
    expect(rows[1]).toEqual(['Area', "'=evil()"]);
    expect(rows.slice(3)).toEqual([
      ['Locality', 'Change'],
      ['\'=cmd|"/c calc"!A1', '-14'],
      ['Bargate', '3.5'],
    ]);
  });

  it('write a hostile category as text and a negative number as a number in the workbook', async () => {
    const m = {
      page: 'places',
      title: 'Places',
      area: 'all',
      period: PERIOD,
      period_label: 'January–March 2025',
      ages: '0-17',
      role: 'board',
      refresh: { refresh_id: 'r1', finished_at: null },
      commentary: [],
      tiles: [],
      charts: [],
      tables: [
        {
          id: 't',
          title: '+Title',
          columns: [
            { key: 'category', label: '@Category' },
            { key: 'change', label: 'Change' },
          ],
          rows: [
            { category: '-1+1', change: -14 },
            { category: 'c', change: null },
          ],
        },
      ],
      legend: 'c = withheld',
      disclosure: { rule: 'partner', threshold: 5, max_withheld: 4, legend: 'c = withheld' },
      definitions: [{ id: 'x', label: 'X', definition: '=definition' }],
      terms: [],
      warnings: [],
    } as PageModel;
    const doc = exportDoc(m, { table: 't' })!;
    const wb = await readWorkbook(await toXlsx(doc));
    const rows = sheetRows(wb, 'Table');
    expect(rows[0]).toEqual(["'+Title"]);
    const head = rows.findIndex((r) => r[0] === "'@Category");
    expect(rows.slice(head)).toEqual([
      ["'@Category", 'Change'],
      ["'-1+1", -14],
      ['c', '–'],
    ]);
    // Every cell of the workbook is a plain value or text: no formula anywhere.
    for (const name of ['Table', 'Definitions', 'Legend'])
      wb.getWorksheet(name)!.eachRow((r) => {
        r.eachCell((c) => {
          expect(c.type === ExcelJS.ValueType.Number || c.type === ExcelJS.ValueType.String).toBe(true);
        });
      });
    expect(sheetRows(wb, 'Definitions')).toEqual([
      ['Measure', 'Definition'],
      ['X', "'=definition"],
    ]);
    expect(exportDoc(m, { table: 'nope' })).toBeNull();
    expect(exportDoc(m, { chart: 't' })).toBeNull();
  });

  it('say what the numbers are: a number format by kind in the workbook, the unit in the CSV (figures table: Unit column; a percentage column: "(%)")', async () => {
    // The page writes these "69.6%", "0.0%", "10.0" (per 10,000), "1.97" (ratio), "1,234": the files keep the numbers.
    const m = {
      page: 'overview',
      title: 'Overview',
      area: 'all',
      period: PERIOD,
      period_label: 'January–March 2025',
      ages: '0-17',
      role: 'board',
      refresh: { refresh_id: 'r1', finished_at: null },
      commentary: [],
      tiles: [],
      charts: [],
      tables: [
        {
          id: 'figures',
          title: 'The figures',
          columns: [
            { key: 'measure', label: 'Measure' },
            { key: 'value', label: '2025-Q1', kindKey: 'kind' },
            { key: 'previous', label: 'Previous period', kindKey: 'kind' },
          ],
          rows: [
            { measure: 'Interviews completed within 72 hours', value: 69.6, previous: 0, kind: 'pct' },
            { measure: 'Children missing per 10,000', value: 10, previous: 'c', kind: 'per10k' },
            { measure: 'Episodes per child', value: 1.97, previous: null, kind: 'ratio' },
            { measure: 'Missing episodes', value: 1234, previous: 5, kind: 'count' },
          ],
        },
        {
          id: 'localities',
          title: 'Localities',
          columns: [
            { key: 'locality', label: 'Locality' },
            { key: 'interviews', label: 'Interviews completed within 72 hours', kind: 'pct' },
            { key: 'rate', label: 'Children missing per 10,000', kind: 'per10k' },
            { key: 'episodes', label: 'Missing episodes', kind: 'count' },
          ],
          rows: [{ locality: 'Bargate', interviews: 69, rate: 10, episodes: 15 }],
        },
      ],
      legend: 'c = withheld',
      disclosure: { rule: 'partner', threshold: 5, max_withheld: 4, legend: 'c = withheld' },
      definitions: [],
      warnings: [],
    } as unknown as PageModel;
    const fig = exportDoc(m, { table: 'figures' })!;
    const wb = await readWorkbook(await toXlsx(fig));
    expect(xlCell(wb, 'Interviews completed within 72 hours', 2)).toEqual({ value: 69.6, numFmt: '0.0"%"' });
    expect(xlCell(wb, 'Interviews completed within 72 hours', 3)).toEqual({ value: 0, numFmt: '0.0"%"' });
    expect(xlCell(wb, 'Children missing per 10,000', 2)).toEqual({ value: 10, numFmt: '0.0' });
    // A withheld figure stays the text c, with no number format.
    expect(xlCell(wb, 'Children missing per 10,000', 3).value).toBe('c');
    expect(xlCell(wb, 'Episodes per child', 2)).toEqual({ value: 1.97, numFmt: '0.00' });
    expect(xlCell(wb, 'Missing episodes', 2)).toEqual({ value: 1234, numFmt: '#,##0' });
    // The CSV: plain numbers, and a Unit column naming each row's kind.
    const { table } = csvParts(toCsv(fig));
    expect(table).toEqual([
      ['Measure', '2025-Q1', 'Previous period', 'Unit'],
      ['Interviews completed within 72 hours', '69.6', '0', 'percentage (%)'],
      ['Children missing per 10,000', '10', 'c', 'rate per 10,000'],
      ['Episodes per child', '1.97', '–', 'ratio'],
      ['Missing episodes', '1234', '5', 'count'],
    ]);
    // A table of one kind per column: the header says a percentage's and a rate's unit; the workbook formats by the column.
    const loc = exportDoc(m, { table: 'localities' })!;
    expect(csvParts(toCsv(loc)).table).toEqual([
      ['Locality', 'Interviews completed within 72 hours (%)', 'Children missing per 10,000', 'Missing episodes'],
      ['Bargate', '69', '10', '15'],
    ]);
    const lwb = await readWorkbook(await toXlsx(loc));
    expect([2, 3, 4].map((c) => xlCell(lwb, 'Bargate', c))).toEqual([
      { value: 69, numFmt: '0.0"%"' },
      { value: 10, numFmt: '0.0' },
      { value: 15, numFmt: '#,##0' },
    ]);
    // The published rule's percentages are whole (kind pct0, lib/pages.ts): the workbook shows 69 as "69%", the CSV says it is a percentage.
    const pub = exportDoc(
      {
        ...m,
        tables: m.tables.map((t) => ({
          ...t,
          columns: t.columns.map((c) => (c.kind === 'pct' ? { ...c, kind: 'pct0' } : c)),
          rows: t.rows.map((r) => (r.kind === 'pct' ? { ...r, kind: 'pct0', value: 70, previous: 0 } : r)),
        })),
      } as PageModel,
      { table: 'localities' },
    )!;
    expect(csvParts(toCsv(pub)).table[0]![1]).toBe('Interviews completed within 72 hours (%)');
    expect(xlCell(await readWorkbook(await toXlsx(pub)), 'Bargate', 2)).toEqual({ value: 69, numFmt: '0"%"' });
    const pubFig = exportDoc(
      { ...m, tables: [{ ...m.tables[0]!, rows: [{ measure: 'Interviews completed within 72 hours', value: 70, previous: 0, kind: 'pct0' }] }] } as PageModel,
      {
        table: 'figures',
      },
    )!;
    expect(csvParts(toCsv(pubFig)).table[1]).toEqual(['Interviews completed within 72 hours', '70', '0', 'percentage (%)']);
    expect(xlCell(await readWorkbook(await toXlsx(pubFig)), 'Interviews completed within 72 hours', 2)).toEqual({ value: 70, numFmt: '0"%"' });
  });

  it('make file names of safe characters only', () => {
    expect(safeFileName(['met', 'places', 'hexmap-hotspots', 'Isle of Wight', '2025-Q1', '0-17'], 'csv')).toBe(
      'met_places_hexmap-hotspots_Isle-of-Wight_2025-Q1_0-17.csv',
    );
    expect(safeFileName(['../"evil"\r\n;name=x', 'é'], 'xlsx')).toBe('evil-name-x.xlsx');
  });
});

describe('GET /api/pages/:page/export.csv and .xlsx', () => {
  it('give every table and every chart of every page, cell by cell as the page model, as CSV and Excel', async () => {
    let files = 0;
    for (const page of ['overview', 'missing', 'risk', 'places', 'groups', 'gaps', 'areas', 'actions', 'data']) {
      const m = await model('analyst', page, '&area=Southampton');
      const targets = [...m.tables.map((t) => ({ q: `table=${t.id}`, t })), ...m.charts.map((c) => ({ q: `chart=${c.id}`, t: c.table }))];
      expect(targets.length).toBeGreaterThan(0);
      for (const { q, t } of targets) {
        const csv = await get('analyst', `/api/pages/${page}/export.csv?period=${PERIOD}&area=Southampton&${q}`);
        expect(csv.status).toBe(200);
        expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="met_[A-Za-z0-9_.-]+\.csv"$/);
        const { table } = csvParts(csv.bytes.toString('utf-8'));
        expect(table[0]).toEqual(fileHead(t));
        expect(table.slice(1)).toEqual(t.rows.map((r) => fileRow(t, r, asCsv)));
        const xl = await get('analyst', `/api/pages/${page}/export.xlsx?period=${PERIOD}&area=Southampton&${q}`);
        expect(xl.status).toBe(200);
        expect(xl.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        expect(xl.headers.get('content-disposition')).toMatch(/^attachment; filename="met_[A-Za-z0-9_.-]+\.xlsx"$/);
        expect(workbookTable(await readWorkbook(xl.bytes))).toEqual([fileHead(t), ...t.rows.map((r) => fileRow(t, r, shown))]);
        files += 2;
      }
    }
    expect(files).toBeGreaterThan(40);
  }, 240_000);

  it('hold the role’s rule: Portsmouth’s 3 episodes are 3 to the analyst, c to the board and the public; Southampton’s 10 are 10 to all three', async () => {
    const value = async (role: string, area: string): Promise<string> => {
      const csv = await get(role, `/api/pages/missing/export.csv?period=${PERIOD}&area=${area}&table=figures`);
      expect(csv.status).toBe(200);
      const { table } = csvParts(csv.bytes.toString('utf-8'));
      // The second column is the period's figure (the first names the measure).
      return table.find((r) => r[0] === 'Missing episodes')![1]!;
    };
    expect([await value('analyst', 'Portsmouth'), await value('board', 'Portsmouth')]).toEqual(['3', 'c']);
    // The public: withheld, as c or as – (not given: a part of a withheld count), as its page model says.
    expect(['c', '–']).toContain(await value('public', 'Portsmouth'));
    expect([await value('analyst', 'Southampton'), await value('board', 'Southampton'), await value('public', 'Southampton')]).toEqual(['10', '10', '10']);
    // The public never sees a count of 1 to 7 in any table of the missing page, CSV or Excel.
    const m = await model('public', 'missing', '&area=Portsmouth');
    for (const t of m.tables) {
      const { table } = csvParts((await get('public', `/api/pages/missing/export.csv?period=${PERIOD}&area=Portsmouth&table=${t.id}`)).bytes.toString('utf-8'));
      const counts = table
        .slice(1)
        .flatMap((r) => r.slice(1))
        .filter((v) => /^[1-7]$/.test(v));
      expect(counts).toEqual([]);
      const rows = sheetRows(
        await readWorkbook((await get('public', `/api/pages/missing/export.xlsx?period=${PERIOD}&area=Portsmouth&table=${t.id}`)).bytes),
        'Table',
      );
      const numbers = rows.slice(rows.findIndex((r) => r[0] === 'Measure')).flatMap((r) => r.slice(1));
      expect(numbers.filter((v) => typeof v === 'number' && v >= 1 && v <= 7)).toEqual([]);
      // Missing episodes, children missing and still missing (3 each) are withheld here, not 0.
      expect(numbers.filter((v) => v === 'c' || v === '–').length).toBeGreaterThanOrEqual(3);
    }
  });

  it('carry the title, selection, rule, legend and definitions in both files', async () => {
    const m = await model('board', 'missing', '&area=Portsmouth');
    const csv = await get('board', `/api/pages/missing/export.csv?period=${PERIOD}&area=Portsmouth&table=figures`);
    const { head, tail } = csvParts(csv.bytes.toString('utf-8'));
    expect(head[0]).toEqual([m.tables.find((t) => t.id === 'figures')!.title]);
    expect(head).toContainEqual(['Area', 'Portsmouth']);
    expect(head).toContainEqual(['Period', m.period_label]);
    expect(head).toContainEqual(['Ages', 'Children 0–17']);
    expect(head).toContainEqual(['Disclosure rule', 'partner rule (board and commissioners): counts of 1 to 4 withheld as c']);
    expect(tail).toContainEqual(['Legend', m.legend]);
    expect(tail).toContainEqual(['Legend', '– = no figure (nothing to measure in the period).']);
    const def = m.definitions.find((d) => d.id === 'missing_episodes')!;
    expect(tail).toContainEqual([`Definition: ${def.label}`, def.definition]);
    const wb = await readWorkbook((await get('board', `/api/pages/missing/export.xlsx?period=${PERIOD}&area=Portsmouth&table=figures`)).bytes);
    expect(sheetRows(wb, 'Table')).toContainEqual(['Area', 'Portsmouth']);
    expect(sheetRows(wb, 'Legend')[0]).toEqual([m.legend]);
    expect(sheetRows(wb, 'Definitions')).toContainEqual([def.label, def.definition]);
    // Each file explains the abbreviations its own words use, and only those: the missing page's figures name the SSDA903
    // return (a definition), not SERAF; the overview's name SERAF and NRM (children at risk, NRM referrals), in both files.
    expect(tail.find((l) => l[0] === 'Abbreviation: SSDA903')?.[1]).toMatch(/children looked after/);
    expect(tail.some((l) => l[0] === 'Abbreviation: SERAF')).toBe(false);
    const q = `period=${PERIOD}&area=Portsmouth&table=figures`;
    const over = csvParts((await get('board', `/api/pages/overview/export.csv?${q}`)).bytes.toString('utf-8')).tail;
    const serafWords = over.find((l) => l[0] === 'Abbreviation: SERAF')?.[1];
    expect(serafWords).toMatch(/risk assessment/);
    expect(over.some((l) => l[0] === 'Abbreviation: NRM')).toBe(true);
    expect(over.some((l) => l[0] === 'Abbreviation: RAG')).toBe(false);
    expect(sheetRows(await readWorkbook((await get('board', `/api/pages/overview/export.xlsx?${q}`)).bytes), 'Definitions')).toContainEqual([
      'Abbreviation: SERAF',
      serafWords,
    ]);
    // The public's legend says what – means under the published rule.
    const pub = csvParts((await get('public', `/api/pages/missing/export.csv?period=${PERIOD}&area=Portsmouth&table=figures`)).bytes.toString('utf-8'));
    expect(pub.head).toContainEqual(['Disclosure rule', 'published rule (the public): counts of 1 to 7 withheld as c, other counts rounded to the nearest 5']);
    expect(pub.tail).toContainEqual(['Legend', '– = no figure: nothing to measure in the period, or not given (above).']);
  });

  it('say the units of the overview’s figures: Southampton’s prevalence 253.2 per 10,000 as 0.0, its 10 MET children as #,##0, and which row is a percentage', async () => {
    // Southampton's 0–17 population (2024): 100 + 110 + 90 + 95 = 395; 10 MET children / 395 × 10,000 = 253.16… → 253.2.
    const q = `period=${PERIOD}&area=Southampton&table=figures`;
    const wb = await readWorkbook((await get('board', `/api/pages/overview/export.xlsx?${q}`)).bytes);
    expect(xlCell(wb, 'MET prevalence per 10,000 children', 2)).toEqual({ value: 253.2, numFmt: '0.0' });
    expect(xlCell(wb, 'MET children', 2)).toEqual({ value: 10, numFmt: '#,##0' });
    // No interview in the fixture: – (text, no format), and its unit says it is a percentage.
    expect(xlCell(wb, 'Interviews completed within 72 hours', 2).value).toBe('–');
    const { table } = csvParts((await get('board', `/api/pages/overview/export.csv?${q}`)).bytes.toString('utf-8'));
    expect(table[0]).toEqual(['Measure', PERIOD, 'Previous period', 'A year earlier', 'Unit']);
    expect(table.find((r) => r[0] === 'Interviews completed within 72 hours')).toEqual([
      'Interviews completed within 72 hours',
      '–',
      '–',
      '–',
      'percentage (%)',
    ]);
    expect(
      table
        .find((r) => r[0] === 'MET prevalence per 10,000 children')!
        .slice(1, 2)
        .concat(table.find((r) => r[0] === 'MET prevalence per 10,000 children')!.slice(-1)),
    ).toEqual(['253.2', 'rate per 10,000']);
    // The missing page: Southampton's 10 episodes of 10 children, 1 episode per child, a ratio as 0.00.
    const mw = await readWorkbook((await get('board', `/api/pages/missing/export.xlsx?${q}`)).bytes);
    expect(xlCell(mw, 'Episodes per child', 2)).toEqual({ value: 1, numFmt: '0.00' });
  });

  it('head the action plan’s id and title apart, and follow the page’s filters (priority, RAG, overdue)', async () => {
    const ids = async (q: string) => {
      const res = await get('board', `/api/pages/actions/export.csv?table=actions${q}`);
      expect(res.status).toBe(200);
      return csvParts(res.bytes.toString('utf-8'));
    };
    const all = await ids('');
    expect(all.table[0]!.slice(0, 3)).toEqual(['Action id', 'Priority', 'Action']);
    expect(new Set(all.table[0]).size).toBe(all.table[0]!.length);
    // The fixture's plan, by hand: 1.1 priority 1 amber, 1.2 priority 2 green; both due in 2026 at an update of
    // 31 March 2025, so neither is overdue.
    expect(all.table.slice(1).map((r) => r[0])).toEqual(['1.1', '1.2']);
    const p2 = await ids('&priority=2');
    expect(p2.table.slice(1).map((r) => r[0])).toEqual(['1.2']);
    expect(p2.head).toContainEqual(['Filters', 'priority 2']);
    expect(p2.head).toContainEqual(['Actions', '1 of 2']);
    expect((await ids('&rag=amber')).table.slice(1).map((r) => r[0])).toEqual(['1.1']);
    expect((await ids('&overdue=no')).table.slice(1).map((r) => r[0])).toEqual(['1.1', '1.2']);
    const none = await ids('&priority=1&rag=green&overdue=no');
    expect(none.table.slice(1)).toEqual([]);
    expect(none.head).toContainEqual(['Actions', '0 of 2']);
    expect((await ids('&overdue=yes')).table.slice(1)).toEqual([]);
    const xl = workbookTable(await readWorkbook((await get('board', `/api/pages/actions/export.xlsx?table=actions&rag=green`)).bytes));
    expect(xl.slice(1).map((r) => r[0])).toEqual(['1.2']);
    // The filters belong to the plan's table only, and take the page's values only.
    expect((await get('board', `/api/pages/missing/export.csv?table=figures&rag=red`)).status).toBe(400);
    expect((await get('board', `/api/pages/actions/export.csv?table=actions&rag=purple`)).status).toBe(400);
    expect((await get('board', `/api/pages/actions/export.csv?table=actions&priority=x`)).status).toBe(400);
  });

  it('neutralise the hostile action title and owner of the action plan, in both files', async () => {
    const csv = csvParts((await get('board', `/api/pages/actions/export.csv?table=actions`)).bytes.toString('utf-8'));
    const cols = (await model('board', 'actions')).tables.find((t) => t.id === 'actions')!.columns.map((c) => c.key);
    const title = cols.indexOf('title');
    const owner = cols.indexOf('owner');
    const row = csv.table.find((r) => r[0] === '1.1')!;
    expect([row[title], row[owner]]).toEqual([`'${HOSTILE_TITLE}`, `'${HOSTILE_OWNER}`]);
    // The raw bytes: the title's cell begins with the apostrophe, inside its quotes.
    expect((await get('board', `/api/pages/actions/export.csv?table=actions`)).bytes.toString('utf-8')).toContain(
      `"'=HYPERLINK(""http://evil.example/"",""Click here"")"`,
    );
    const rows = sheetRows(await readWorkbook((await get('board', `/api/pages/actions/export.xlsx?table=actions`)).bytes), 'Table');
    expect(rows.find((r) => r[0] === '1.1')).toEqual(expect.arrayContaining([`'${HOSTILE_TITLE}`, `'${HOSTILE_OWNER}`]));
  });

  it('refuse an unknown table or chart (404), a missing or double choice (400), another role’s page (403), and audit each file as a view', async () => {
    const nope = await get('board', `/api/pages/missing/export.csv?table=nope`);
    expect(nope.status).toBe(404);
    expect(JSON.parse(nope.bytes.toString()).error).toMatch(/the missing page has no table 'nope': use one of figures/);
    expect((await get('board', `/api/pages/missing/export.xlsx?chart=nope`)).status).toBe(404);
    expect((await get('board', `/api/pages/nowhere/export.csv?table=figures`)).status).toBe(404);
    expect((await get('board', `/api/pages/missing/export.csv`)).status).toBe(400);
    expect((await get('board', `/api/pages/missing/export.csv?table=figures&chart=x`)).status).toBe(400);
    expect((await get('board', `/api/pages/missing/export.csv?table=${encodeURIComponent('<x>')}`)).status).toBe(400);
    expect((await get('board', `/api/pages/data/export.csv?table=quarantine`)).status).toBe(403);
    expect((await get('board', `/api/quarantine.csv`)).status).toBe(403);
    const entries = await fetch(`${servers.analyst!.url}/api/audit?event=view&limit=1000`).then(
      (r) => r.json() as Promise<{ entries: { target: string; status: number; detail: Record<string, unknown> }[] }>,
    );
    const exports = entries.entries.filter((e) => e.target.startsWith('export '));
    expect(exports.some((e) => e.target === 'export missing' && e.status === 404 && e.detail.format === 'csv' && e.detail.table === 'nope')).toBe(true);
    expect(exports.some((e) => e.target === 'export actions' && e.status === 200 && e.detail.format === 'xlsx')).toBe(true);
    expect(entries.entries.some((e) => e.target === 'quarantine' && e.status === 403 && e.detail.format === 'csv')).toBe(true);
  });
});

describe('exports with sign-in', () => {
  it('need a session (401), and give an account limited to an area that area only (403 for another)', async () => {
    const url = servers.signIn!.url;
    const path = `/api/pages/missing/export.csv?period=${PERIOD}&table=figures`;
    expect((await raw(url, { path })).status).toBe(401);
    expect((await raw(url, { path: '/api/quarantine.csv' })).status).toBe(401);
    const { cookie } = await signIn(url, 'sam.board', PASSWORD);
    expect(cookie).not.toBeNull();
    const own = await raw(url, { path, headers: { cookie: cookie! } });
    expect(own.status).toBe(200);
    // No area asked: its own, Southampton, whose 10 episodes it sees.
    const { head, table } = csvParts(own.text);
    expect(head).toContainEqual(['Area', 'Southampton']);
    expect(table.find((r) => r[0] === 'Missing episodes')![1]).toBe('10');
    const other = await raw(url, { path: `${path}&area=Portsmouth`, headers: { cookie: cookie! } });
    expect(other.status).toBe(403);
    expect(other.json.error).toMatch(/this account sees Southampton only/);
    expect((await raw(url, { path: path.replace('.csv', '.xlsx') + '&area=all', headers: { cookie: cookie! } })).status).toBe(403);
  });
});

describe('GET /api/quarantine.csv (analyst)', () => {
  it('holds the rows the data page lists, and no person reference, raw or pseudonymised', async () => {
    const json = await fetch(`${servers.analyst!.url}/api/quarantine?limit=1000`).then(
      (r) => r.json() as Promise<{ total: number; rows: Record<string, unknown>[] }>,
    );
    // The repeated SSDA903 row is the one quarantined row of the fixture's files.
    expect(json.rows.map((r) => [r.file, r.line, r.kind])).toContainEqual(['ssda903_missing.csv', 3, 'repeated key']);
    const csv = await get('analyst', '/api/quarantine.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="met_quarantine_[A-Za-z0-9_.-]+\.csv"$/);
    const text = csv.bytes.toString('utf-8');
    const { head, table } = csvParts(text);
    expect(head).toContainEqual(['Rows', String(json.total)]);
    expect(table[0]).toEqual(['File', 'Line', 'Column', 'Kind', 'Reason', 'Refresh']);
    expect(table.slice(1)).toEqual(json.rows.map((r) => ['file', 'line', 'column', 'kind', 'reason', 'refresh_id'].map((k) => asCsv(r[k]))));
    // The warehouse keeps the quarantined row's values with the child's pseudonym; the file never holds them.
    const stored = await query<{ child: string }>(db, "SELECT row_values->>'child' AS child FROM quarantine WHERE file = 'ssda903_missing.csv'");
    const pseudonym = stored[0]!.child;
    expect(pseudonym).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(text).not.toContain(pseudonym);
    expect(text).not.toContain('RAWCHILD');
    expect(text).not.toContain('2010-03-12');
    const repeated = table.find((r) => r[0] === 'ssda903_missing.csv')!;
    expect([repeated[1], repeated[3]]).toEqual(['3', 'repeated key']);
    // Filtered as the page filters it.
    const one = csvParts((await get('analyst', '/api/quarantine.csv?file=ssda903_missing.csv')).bytes.toString('utf-8'));
    expect(one.table.length).toBe(2);
    expect(one.head).toContainEqual(['Filters', 'file ssda903_missing.csv']);
  });
});

// Acceptance of disclosure control by audience (issue 9) on the demo data: seed 2026,
// scale 1, what `npm start` serves.
//  (i) The board, every area, the latest complete quarter: every overview tile whose
//      exact count is 5 or more is shown, and so is every point of every tile's
//      12-quarter trend whose exact value is 5 or more (the test lists any hidden).
// (ii) Board and commissioner measures answers and pages never show a count of 1–4;
//      the public's never show 1–7, and every count they show is a multiple of 5
//      (percentages whole numbers): every area and `all`, the latest complete quarter
//      and financial year, all three age scopes, every page a role may open.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../lib/db.js';
import { readMeasures, type MeasuresResponse } from '../../lib/measures.js';
import { ANALYST_PAGES, buildPage, PAGES, type PageModel } from '../../lib/pages.js';
import { AREAS_AND_ALL, AGE_SCOPES, MEASURES, measureDef, measureWords } from '../../lib/catalogue.js';
import { audienceOf, type Role } from '../../lib/disclosure.js';
import { demoWarehouse } from '../demo.js';
import { remembering } from '../remember.js';

/** The demo warehouse, read-only, opened once for the file: it remembers its answers (tests/remember.ts). */
let d: Db;
let quarter: string;
let year: string;

beforeAll(async () => {
  const demo = await demoWarehouse();
  ({ quarter, year } = demo);
  d = remembering(await openDb(demo.db, { readOnly: true }));
}, 300_000);

afterAll(() => d?.close());

const refresh = { refresh_id: 'acceptance', finished_at: null };
const page = (d: Db, id: PageModel['page'], area: string, period: string, ages: string, role: Role, trend = 12) =>
  buildPage(d, { page: id, area, period, ages, role, trend, refresh });

describe('(i) the board sees every overview figure of 5 or more', () => {
  it('every area, the latest complete quarter: tiles and their 12-quarter trends', async () => {
    expect([quarter, year]).toEqual(['2026-Q3', 'FY2025-26']); // the demo's extracts run to 30 September 2026
    const hidden: string[] = [];
    let checked = 0;
    for (const area of AREAS_AND_ALL) {
      const exact = await page(d, 'overview', area, quarter, '0-17', 'analyst');
      const board = await page(d, 'overview', area, quarter, '0-17', 'board');
      for (const [i, t] of board.tiles.entries()) {
        const e = exact.tiles[i]!;
        expect(t.id).toBe(e.id);
        if (measureDef(t.id)?.kind !== 'count') continue;
        if (typeof e.value === 'number' && e.value >= 5) {
          checked++;
          if (t.value !== e.value) hidden.push(`${area} ${t.id} ${quarter}: ${e.value} shown as ${t.value}`);
        }
        expect(t.spark.periods).toHaveLength(12);
        t.spark.periods.forEach((p, j) => {
          const x = e.spark.values[j];
          if (typeof x === 'number' && x >= 5) {
            checked++;
            if (t.spark.values[j] !== x) hidden.push(`${area} ${t.id} trend ${p}: ${x} shown as ${t.spark.values[j]}`);
          }
        });
      }
    }
    expect(hidden).toEqual([]);
    // 5 areas × 6 count tiles × (1 + 12 points), less the figures under 5.
    expect(checked).toBeGreaterThan(300);
  }, 300_000);
});

const COUNT_FIELDS = new Set([
  'found',
  'cpi',
  'disruptions',
  'total',
  'children',
  'met_children',
  'missing_episodes',
  'children_at_risk',
  'risk_reviews_overdue',
]);

/** What a count may not be for a rule: 1–4 for partners; 1–7 or a number not a multiple of 5 for the public. */
function badCount(role: Role, v: unknown): boolean {
  if (typeof v !== 'number') return false;
  if (audienceOf(role) === 'published') return (v >= 1 && v <= 7) || v % 5 !== 0;
  return v >= 1 && v <= 4;
}

function checkAnswer(role: Role, r: MeasuresResponse, where: string, bad: string[]): number {
  let n = 0;
  const count = (v: unknown, what: string) => {
    n++;
    if (badCount(role, v)) bad.push(`${where} ${what}: ${String(v)}`);
  };
  for (const [id, m] of Object.entries(r.measures)) {
    const kind = measureDef(id)?.kind;
    if (kind === 'count') {
      count(m.value, id);
      for (const [b, cells] of Object.entries(m.by ?? {})) for (const [k, v] of Object.entries(cells)) count(v, `${id} ${b}=${k}`);
      for (const [i, v] of (m.trend?.values ?? []).entries()) count(v, `${id} trend ${m.trend!.periods[i]}`);
      if (m.previous) count(m.previous.value, `${id} previous`);
      if (m.year_earlier) count(m.year_earlier.value, `${id} a year earlier`);
    } else if (kind === 'rows') {
      for (const row of m.rows ?? [])
        for (const [f, v] of Object.entries(row)) if (COUNT_FIELDS.has(f)) count(v, `${id} ${String(row.locality ?? row.group)} ${f}`);
    } else if (kind === 'pct' && audienceOf(role) === 'published') {
      for (const v of [m.value, ...(m.trend?.values ?? [])])
        if (typeof v === 'number' && !Number.isInteger(v)) bad.push(`${where} ${id}: ${v}% is not a whole number`);
    }
  }
  return n;
}

/** A label → the measure's kind, for the page tables that list figures by label. */
const KIND_BY_LABEL = new Map(MEASURES.map((d) => [measureWords(d).label, d.kind]));

function checkPage(role: Role, p: PageModel, where: string, bad: string[]): number {
  let n = 0;
  const count = (v: unknown, what: string) => {
    n++;
    if (badCount(role, v)) bad.push(`${where} ${p.page} ${what}: ${String(v)}`);
  };
  const kindOf = (id: string) => measureDef(id)?.kind;
  for (const t of p.tiles) {
    if (kindOf(t.id) !== 'count') continue;
    count(t.value, `tile ${t.id}`);
    for (const [i, v] of t.spark.values.entries()) count(v, `tile ${t.id} trend ${t.spark.periods[i]}`);
    if (t.previous) count(t.previous.value, `tile ${t.id} previous`);
    if (t.year_earlier) count(t.year_earlier.value, `tile ${t.id} a year earlier`);
  }
  for (const c of p.charts) {
    const spc = /^spc-(.+)$/.exec(c.id)?.[1];
    const byBreakdown = /^(.+)-by-/.exec(c.id)?.[1];
    const overTime = /^(.+)-trend-by-/.exec(c.id)?.[1];
    const measure = overTime ?? spc ?? byBreakdown;
    if (c.kind === 'hexmap') {
      if (c.id === 'hexmap-hotspots') for (const h of c.hexes) count(h.value, `${c.id} ${h.locality}`);
      continue;
    }
    if (!measure || kindOf(measure) !== 'count') continue;
    for (const row of c.table.rows)
      for (const [k, v] of Object.entries(row)) if (k !== 'period' && k !== 'category' && k !== 'reading') count(v, `${c.id} ${k}`);
  }
  const kinds = KIND_BY_LABEL;
  for (const t of p.tables) {
    if (t.id === 'actions') continue;
    for (const row of t.rows) {
      if ('measure' in row) {
        if (kinds.get(String(row.measure)) === 'count')
          for (const k of ['value', 'previous', 'year_earlier']) count(row[k], `${t.id} ${String(row.measure)} ${k}`);
      } else for (const [k, v] of Object.entries(row)) if (COUNT_FIELDS.has(k)) count(v, `${t.id} ${String(row.locality ?? row.group)} ${k}`);
    }
  }
  return n;
}

describe('(ii) no partner output shows a count of 1–4; no public output 1–7 or a count not rounded to 5', () => {
  const roles: Role[] = ['board', 'commissioner', 'public'];
  it.each(roles)(
    '%s: every measures answer and page, every area, a quarter and a financial year, every age scope',
    async (role) => {
      const bad: string[] = [];
      let checked = 0;
      for (const period of [quarter, year]) {
        for (const ages of AGE_SCOPES) {
          for (const area of AREAS_AND_ALL) {
            const where = `${role} ${area} ${period} ${ages}`;
            checked += checkAnswer(role, await readMeasures(d, { period, area, scope: ages, role, trend: 12 }), where, bad);
            for (const id of PAGES.filter((x) => !ANALYST_PAGES.has(x))) checked += checkPage(role, await page(d, id, area, period, ages, role), where, bad);
          }
        }
      }
      expect(bad).toEqual([]);
      expect(checked).toBeGreaterThan(10_000);
    },
    900_000,
  );
});

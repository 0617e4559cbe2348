// Golden page models: what each page shows each role on the demo data (seed 2026,
// scale 1: what `npm start` serves), one file per page and role under
// tests/golden/output/. Any change to what a page shows is a diff to review.
// `MET_UPDATE_GOLDEN=1 npx vitest run tests/golden` rewrites them.
//
// A file holds what a person sees: titles, tiles (label, figure, change, signal),
// commentary, every chart's title, text alternative and data table, the tables, the
// legend, the definitions and the warnings. Not the Vega-Lite specs (their drawing is
// tested in the browser) nor anything that depends on the day the test runs (refresh
// ids and times, days since a refresh).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../../lib/db.js';
import type { Role } from '../../lib/disclosure.js';
import { ANALYST_PAGES, buildPage, PAGES, type PageId, type PageModel } from '../../lib/pages.js';
import { demoWarehouse } from '../demo.js';
import { remembering } from '../remember.js';

const OUT = resolve(import.meta.dirname, 'output');
const UPDATE = process.env.MET_UPDATE_GOLDEN === '1';
// The demo's latest complete quarter: every role may read quarters.
const PERIOD = '2025-Q4';
const ROLES: Role[] = ['analyst', 'board', 'commissioner', 'public'];

/** The demo warehouse, read-only, opened once for the file: it remembers its answers (tests/remember.ts). */
let db: Db;

beforeAll(async () => {
  db = remembering(await openDb((await demoWarehouse()).db, { readOnly: true }));
});

afterAll(() => db?.close());

const VOLATILE = [
  [/r\d{8}T\d{6}Z-[0-9a-f]{6}/g, '<refresh id>'],
  [/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, '<time>'],
] as const;

/** A text with the day-dependent parts replaced. */
function steady(v: unknown): unknown {
  if (typeof v === 'string') return VOLATILE.reduce<string>((s, [re, to]) => s.replace(re, to), v);
  if (Array.isArray(v)) return v.map(steady);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, steady(x)]));
  return v;
}

/** Columns whose values depend on when the refresh ran: its times, its day, and days counted to it (masked: the golden files do not change with the date). */
const DAY_COLUMNS = new Set(['days_behind', 'started_at', 'finished_at', 'refreshed']);

function shown(p: PageModel): unknown {
  const table = (t: { columns: { key: string; label: string }[]; rows: Record<string, unknown>[] }) => ({
    columns: t.columns.map((c) => `${c.key}: ${c.label}`),
    rows: t.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, DAY_COLUMNS.has(k) ? '<when>' : v]))),
  });
  return steady({
    page: p.page,
    title: p.title,
    area: p.area,
    period: `${p.period} (${p.period_label})`,
    ages: p.ages,
    role: p.role,
    warnings: p.warnings,
    commentary: p.commentary,
    tiles: p.tiles.map((t) => ({
      id: t.id,
      label: t.label,
      display: t.display,
      ...(t.detail ? { detail: t.detail } : {}),
      change: t.change_text,
      ...(t.previous ? { previous: `${t.previous.period} ${t.previous.display ?? JSON.stringify(t.previous.value)}` } : {}),
      ...(t.year_earlier ? { year_earlier: `${t.year_earlier.period} ${t.year_earlier.display ?? JSON.stringify(t.year_earlier.value)}` } : {}),
      signal: `${t.signal}: ${t.signal_text}`,
      trend: t.spark.periods.map((q, i) => `${q} ${JSON.stringify(t.spark.values[i])}`).join(', '),
    })),
    charts: p.charts.map((c) => ({ id: c.id, title: c.title, description: c.description, table: table(c.table) })),
    tables: p.tables.map((t) => ({ id: t.id, title: t.title, ...table(t) })),
    legend: p.legend,
    disclosure: `${p.disclosure.rule}, threshold ${p.disclosure.threshold}${p.disclosure.rounding_base ? `, rounded to ${p.disclosure.rounding_base}` : ''}`,
    definitions: p.definitions.map((d) => `${d.label}: ${d.definition}`),
    terms: p.terms.map((t) => t.term).join(', '),
  });
}

const cases = ROLES.flatMap((role) => PAGES.filter((page) => role === 'analyst' || !ANALYST_PAGES.has(page)).map((page) => ({ role, page })));

// And a period the demo's extracts do not reach to its end (the year 2026): the overview as the board sees it.
const PART_PERIOD = '2026';

describe('golden page models (demo data, seed 2026, all areas, 2025-Q4; the overview for 2026, not complete)', () => {
  const more = [{ role: 'board' as Role, page: 'overview' as PageId, period: PART_PERIOD }];
  it.each([...cases.map((c) => ({ ...c, period: PERIOD })), ...more])('$page as $role, $period', async ({ role, page, period }) => {
    const model = await buildPage(db, {
      page,
      area: 'all',
      period,
      ages: '0-17',
      role,
      trend: 12,
      refresh: { refresh_id: 'golden', finished_at: null },
    });
    const text = JSON.stringify(shown(model), null, 1) + '\n';
    const file = join(OUT, period === PERIOD ? `${page}.${role}.json` : `${page}.${role}.${period}.json`);
    if (UPDATE) {
      mkdirSync(OUT, { recursive: true });
      writeFileSync(file, text);
      return;
    }
    if (!existsSync(file)) throw new Error(`${file} does not exist: run MET_UPDATE_GOLDEN=1 npx vitest run tests/golden, and review the new file`);
    expect(text, `${page} as ${role} differs from ${file}: review the change; if it is intended, run MET_UPDATE_GOLDEN=1 npx vitest run tests/golden`).toBe(
      readFileSync(file, 'utf-8'),
    );
  });
});

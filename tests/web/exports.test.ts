// Exports in a real browser (Debian's Chromium through playwright-core): the "Download
// CSV" and "Download Excel" links under a page's tables and charts download files (the
// browser's download event) that open — the CSV parsed, the workbook by exceljs — and
// hold the very table the page shows, cell by cell (c where the page shows c); a tile's
// SPC chart, drawn when opened, gets its links too; the analyst's quarantine search
// downloads the rows it lists. Both servers have sign-in off, on the warehouse of
// tests/exportFiles.ts (Portsmouth's 3 episodes of 2025-Q1 are c to the board).

import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvParts, exportFixture, readWorkbook, workbookTable } from '../exportFiles.js';
import { tempDir } from '../helpers.js';
import { launch, ready, type Running, SKIP_BROWSER, serve, watched } from './browser.js';

// The callbacks given to page.$$eval run in the browser; the project compiles for Node
// without the DOM library, so its few names are declared here, for this file only.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
type HTMLElement = any;

let browser: Browser;
let analyst: Running;
let board: Running;

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  const db = await exportFixture(tempDir('met-web-exports-'));
  analyst = await serve({ db, role: 'analyst' });
  board = await serve({ db, role: 'board' });
  browser = await launch();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await analyst?.close();
  await board?.close();
});

const problemsOf = new Map<Page, string[]>();

/** A page of the dashboard, drawn (the kit's page, which records problems; downloads are accepted by default). */
async function open(url: string): Promise<Page> {
  const { page, problems } = await watched(browser);
  problemsOf.set(page, problems);
  await page.goto(url);
  await ready(page);
  return page;
}

/** Closes a page that had no console error, failed request or HTTP error. */
async function done(page: Page): Promise<void> {
  expect(problemsOf.get(page)).toEqual([]);
  await page.close();
}

/** Clicks a link and reads the file the browser downloads. */
async function download(page: Page, selector: string): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  expect(await dl.failure()).toBeNull();
  return { name: dl.suggestedFilename(), bytes: readFileSync((await dl.path())!) };
}

/** The rows of a table as the page shows them: the header row, then each row's cells' text. */
async function shownTable(page: Page, tableSelector: string): Promise<string[][]> {
  return page.$$eval(`${tableSelector} tr`, (rows: HTMLElement[]) =>
    rows.map((r: HTMLElement) => [...r.querySelectorAll('th, td')].map((c: HTMLElement) => (c.textContent ?? '').trim())),
  );
}

/**
 * A cell in one form for the page and the files: the page writes 1,234 (and may add %,
 * ≈ or a true minus sign) where a file holds the number 1234; a file's text cell may
 * carry the apostrophe that keeps a spreadsheet from running it.
 */
function same(v: unknown): string {
  const t = String(v)
    .trim()
    .replace(/^'(?=[=+\-@\t\r])/, '')
    .replace(/^≈\s*/, '')
    .replace(/\u2212/g, '-');
  const n = t.replace(/[,%]/g, '');
  return /^-?\d+(\.\d+)?$/.test(n) ? String(Number(n)) : t;
}
const norm = (rows: unknown[][]) => rows.map((r) => r.map(same));

/**
 * A file's table as the page heads it: the unit a file adds to a header ("… (%)", "… (per
 * 10,000)") taken off, and the "Unit" column of a table of several kinds left out.
 */
function asPage(rows: unknown[][]): unknown[][] {
  const unit = rows[0]?.at(-1) === 'Unit';
  return rows.map((r, i) => (unit ? r.slice(0, -1) : r).map((c) => (i === 0 ? String(c).replace(/ \((%|per 10,000)\)$/, '') : c)));
}

describe.skipIf(SKIP_BROWSER)('downloads in a browser', () => {
  it('the board downloads the missing page’s figures as CSV and Excel, equal to the table on the page (c where the page shows c)', async () => {
    const page = await open(`${board.url}/missing.html?area=Portsmouth&period=2025-Q1`);
    const table = await shownTable(page, 'table[data-table="figures"]');
    expect(table.length).toBeGreaterThan(2);
    const csv = await download(page, '[data-download-for="table:figures"] a[data-download="csv"]');
    expect(csv.name).toMatch(/^met_missing_figures_Portsmouth_2025-Q1_0-17\.csv$/);
    const parts = csvParts(csv.bytes.toString('utf-8'));
    expect(norm(asPage(parts.table))).toEqual(norm(table));
    expect(parts.head).toContainEqual(['Area', 'Portsmouth']);
    // Portsmouth's 3 missing episodes: c on the page, c in the file.
    expect(table.find((r) => r[0] === 'Missing episodes')![1]).toBe('c');
    expect(parts.tail.some((r) => r[0] === 'Legend' && r[1]!.startsWith('c = withheld'))).toBe(true);
    const xlsx = await download(page, '[data-download-for="table:figures"] a[data-download="xlsx"]');
    expect(xlsx.name).toMatch(/\.xlsx$/);
    expect(norm(asPage(workbookTable(await readWorkbook(xlsx.bytes))))).toEqual(norm(table));

    await done(page);
  }, 120_000);

  it('the board downloads each chart’s data of the missing page, equal to the table behind the chart (c where the page shows c)', async () => {
    const page = await open(`${board.url}/missing.html?area=Portsmouth&period=2025-Q1`);
    const charts = await page.$$eval('figure.met-chart', (els: HTMLElement[]) => els.map((e: HTMLElement) => e.id.replace(/^chart-/, '')));
    expect(charts).toContain('spc-missing_episodes');
    let withheld = 0;
    for (const id of charts) {
      const shown = await shownTable(page, `figure[id="chart-${id}"] .met-chart__table table`);
      const file = csvParts((await download(page, `[data-download-for="chart:${id}"] a[data-download="csv"]`)).bytes.toString('utf-8'));
      expect(norm(asPage(file.table))).toEqual(norm(shown));
      withheld += shown.flat().filter((c) => c === 'c').length;
    }
    // Portsmouth's trend: 6 episodes of 6 children in 2024-Q4 shown, the 3 of 2025-Q1 c (episodes, children missing).
    expect(withheld).toBeGreaterThanOrEqual(2);
    await done(page);
  }, 120_000);

  it('a tile’s SPC chart, drawn when opened, has its links, and its workbook matches its table', async () => {
    const page = await open(`${board.url}/?period=2025-Q1`);
    const first = page.locator('.met-tile__open').first();
    const id = await first.getAttribute('data-opens');
    await first.click();
    const links = `[data-download-for="chart:${id}"]`;
    await page.waitForSelector(links);
    const shown = await shownTable(page, `figure[id="chart-${id}"] .met-chart__table table`);
    const file = await download(page, `${links} a[data-download="xlsx"]`);
    expect(norm(asPage(workbookTable(await readWorkbook(file.bytes))))).toEqual(norm(shown));
    await done(page);
  }, 120_000);

  it('the action plan’s download follows its filters: ?priority=2 gives action 1.2 only, and a change of filter the other action', async () => {
    // The fixture's plan, by hand: 1.1 priority 1 amber, 1.2 priority 2 green.
    const page = await open(`${board.url}/actions.html?priority=2`);
    const links = '[data-download-for="table:actions"]';
    await page.waitForSelector(`${links} a[data-download="csv"]`);
    const csv = csvParts((await download(page, `${links} a[data-download="csv"]`)).bytes.toString('utf-8'));
    expect(csv.table[0]!.slice(0, 3)).toEqual(['Action id', 'Priority', 'Action']);
    expect(csv.table.slice(1).map((r) => r[0])).toEqual(['1.2']);
    expect(csv.head).toContainEqual(['Actions', '1 of 2']);
    // Filtered to amber instead: the link follows, and the workbook holds 1.1 only.
    await page.selectOption('#filter-priority', '');
    await page.selectOption('#filter-rag', 'amber');
    await page.waitForFunction((sel: string) => {
      const href = document.querySelector(sel)?.getAttribute('href') ?? '';
      return href.includes('rag=amber') && !href.includes('priority=');
    }, `${links} a[data-download="xlsx"]`);
    const xl = workbookTable(await readWorkbook((await download(page, `${links} a[data-download="xlsx"]`)).bytes));
    expect(xl.slice(1).map((r) => r[0])).toEqual(['1.1']);
    await done(page);
  }, 120_000);

  it('the analyst downloads the quarantine search as CSV: the rows it lists, and as many as it found', async () => {
    const page = await open(`${analyst.url}/data.html`);
    await page.waitForSelector('#q-results[data-total] table');
    const total = Number(await page.getAttribute('#q-results', 'data-total'));
    expect(total).toBeGreaterThan(0);
    const shown = await shownTable(page, '#q-results table');
    const file = await download(page, '#q-download');
    expect(file.name).toMatch(/^met_quarantine_[A-Za-z0-9_.-]+\.csv$/);
    const parts = csvParts(file.bytes.toString('utf-8'));
    expect(parts.table.length - 1).toBe(total);
    // The page lists the first rows (a page of 20): the file begins with the same rows.
    expect(norm(parts.table.slice(0, shown.length))).toEqual(norm(shown));
    // Filtered by file, the link follows the search.
    const fileName = String(parts.table[1]![0]);
    await page.selectOption('#q-file', fileName);
    await page.click('#quarantine-form button[type="submit"]');
    await page.waitForFunction(
      (f: string) =>
        document
          .querySelector('#q-download')
          ?.getAttribute('href')
          ?.includes(`file=${encodeURIComponent(f)}`),
      fileName,
    );
    const one = csvParts((await download(page, '#q-download')).bytes.toString('utf-8'));
    expect(one.table.slice(1).every((r) => r[0] === fileName)).toBe(true);
    expect(one.table.length - 1).toBe(parts.table.slice(1).filter((r) => r[0] === fileName).length);
    await done(page);
  }, 120_000);
});

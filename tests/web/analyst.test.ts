// The analyst's pages in a real browser (Debian's Chromium through playwright-core):
// the action plan's filters show exactly the matching actions, overdue actions are
// marked in words, the RAG chart has coloured, labelled bars and whole-number ticks;
// the data page offers no picker and no c legend that would change or explain nothing,
// and flags a source older than its expected refresh interval. One server (the
// analyst, sign-in off) on a small hand-made warehouse.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AXE, launch, type Running, SKIP_BROWSER, serve } from './browser.js';
import { POPULATION, episode, episodes, tempDir, writeFolder } from '../helpers.js';
import { load } from '../../etl/load.js';
import { withDb } from '../../lib/db.js';
import { csv } from '../sql/fixture.js';

// The callbacks given to page.evaluate/$$eval run in the browser; the project compiles
// for Node without the DOM library, so its few names are declared here, for this file only.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
type HTMLElement = any;

// The plan is as at its latest update, 2016-06-30. Worked out (as tests/sql/action_plan.test.ts):
//   1.1 priority 1, amber, due April 2016 → overdue     1.2 priority 1, amber, '6 monthly' → no due date
//   2.1 priority 2, red, due June 2016 → not overdue     2.9 priority 2, red, due Sept 2016 → not overdue
//   2.10 priority 2, green, due May 2016 → not overdue  3.1 priority 3, red, 'TBC' → no due date
//   3.2 priority 3, red, due March 2016 → overdue
// RAG: red 4 (2.1, 2.9, 3.1, 3.2), amber 2 (1.1, 1.2), green 1 (2.10).
const ACTIONS = csv(
  ['action_id', 'priority', 'title', 'owner', 'due', 'rag', 'updated_at', 'progress'],
  (
    [
      ['1.1', '1', 'April 2016', 'red', '2016-01-31'],
      ['1.1', '1', 'April 2016', 'amber', '2016-06-30'],
      ['1.2', '1', '6 monthly', 'amber', '2016-03-31'],
      ['2.1', '2', 'By June 2016', 'red', '2016-06-30'],
      ['2.9', '2', 'Sept 2016', 'red', '2016-05-31'],
      ['2.10', '2', 'May 2016', 'green', '2016-05-31'],
      ['3.1', '3', 'TBC', 'red', '2016-05-31'],
      ['3.2', '3', 'March 2016', 'red', '2016-05-31'],
    ] as const
  ).map(([action_id, priority, due, rag, updated_at]) => ({ action_id, priority, title: `Action ${action_id}`, owner: 'Board', due, rag, updated_at })),
);

let browser: Browser;
let server: Running;

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } } as never);
  // A busy machine is slow, not broken: generous limits, events not sleeps.
  page.setDefaultTimeout(120_000);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector('body[data-state="ready"], body[data-state="error"]');
  expect(await page.getAttribute('body', 'data-state')).toBe('ready');
  return { page, problems };
}

async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => v.id);
  });
}

/** The actions whose cards are shown, in order. */
const shownActions = (page: Page): Promise<string[]> =>
  page.$$eval('#action-cards li[data-action]', (els) => els.map((e) => (e as HTMLElement).dataset.action as string));

/** Waits until the count line says what the filters asked for, then reads the cards. */
async function filtered(page: Page, count: string): Promise<string[]> {
  await page.waitForFunction((c) => document.getElementById('action-count')?.textContent === c, count);
  return shownActions(page);
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  const dir = tempDir('met-analyst-');
  const db = join(dir, 'met.duckdb');
  const folder = writeFolder(join(dir, 'in'), {
    'population.csv': POPULATION,
    'missing_episodes.csv': episodes(episode()),
    'actions.csv': ACTIONS,
  });
  const { report } = await load({ inDir: folder, db });
  expect(report.status).toBe('loaded');
  // missing_episodes.csv was last sent on 15 January 2020, as a partner that stopped
  // sending would leave it: far older than its monthly interval, whatever today is.
  await withDb(db, {}, (d) => d.run(`UPDATE source_state SET loaded_at = TIMESTAMP '2020-01-15 10:00:00' WHERE source = 'missing_episodes'`));
  server = await serve({ db, role: 'analyst' });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(SKIP_BROWSER)('the analyst’s pages in a browser', () => {
  it('action plan: the filters show exactly the matching actions, and stay in the URL', async () => {
    const { page, problems } = await open('/actions.html');
    expect(await filtered(page, 'Showing 7 of 7 actions.')).toEqual(['1.1', '1.2', '2.1', '2.9', '2.10', '3.1', '3.2']);
    // No area, period or ages picker: the plan is the same whichever is chosen.
    expect(await page.$$('#pick-area, #pick-period, #pick-ages')).toHaveLength(0);
    await page.selectOption('#filter-rag', 'red');
    expect(await filtered(page, 'Showing 4 of 7 actions: red.')).toEqual(['2.1', '2.9', '3.1', '3.2']);
    await page.selectOption('#filter-overdue', 'yes');
    expect(await filtered(page, 'Showing 1 of 7 actions: red, overdue.')).toEqual(['3.2']);
    expect(new URL(page.url()).search).toBe('?rag=red&overdue=yes');
    // The table, one click away, holds the same rows.
    await page.click('.met-toggle[aria-controls^="plan-table"]');
    expect(await page.$$eval('[data-table="actions"] tbody tr', (els) => els.map((e) => e.querySelector('th')?.textContent))).toEqual(['3.2']);
    await page.selectOption('#filter-rag', '');
    await page.selectOption('#filter-overdue', 'no');
    expect(await filtered(page, 'Showing 5 of 7 actions: not overdue.')).toEqual(['1.2', '2.1', '2.9', '2.10', '3.1']);
    await page.click('#filter-clear');
    await page.selectOption('#filter-priority', '1');
    expect(await filtered(page, 'Showing 2 of 7 actions: priority 1.')).toEqual(['1.1', '1.2']);
    // A link with the filters opens with them chosen.
    const again = await open('/actions.html?priority=2&rag=red');
    expect(await filtered(again.page, 'Showing 2 of 7 actions: priority 2, red.')).toEqual(['2.1', '2.9']);
    expect(await again.page.$eval('#filter-priority', (e) => (e as HTMLElement).value)).toBe('2');
    expect(await again.page.$eval('#filter-rag', (e) => (e as HTMLElement).value)).toBe('red');
    expect(await axe(page)).toEqual([]);
    expect([...problems, ...again.problems]).toEqual([]);
    await again.page.close();
    await page.close();
  });

  it('action plan: overdue actions are marked in words; the RAG chart is coloured, labelled, with whole-number ticks', async () => {
    const { page, problems } = await open('/actions.html');
    const marks = await page.$$eval('#action-cards li[data-action]', (els) =>
      els.map((e) => [(e as HTMLElement).dataset.action, e.querySelector('[data-overdue-mark]')?.textContent ?? null]),
    );
    expect(marks).toEqual([
      ['1.1', 'Overdue due by 30 April 2016, not green'],
      ['1.2', null],
      ['2.1', null],
      ['2.9', null],
      ['2.10', null],
      ['3.1', null],
      ['3.2', 'Overdue due by 31 March 2016, not green'],
    ]);
    expect(await page.textContent('.met-commentary')).toContain('2 actions are overdue');
    const chart = '[data-chart="actions-rag"]';
    await page.waitForSelector(`${chart} svg .mark-rect.role-mark path`);
    // One bar per status, each in its own colour (not all blue).
    const fills = await page.$$eval(`${chart} svg .mark-rect.role-mark path`, (els) => els.map((e) => (e as HTMLElement).getAttribute('fill')?.toLowerCase()));
    expect(fills).toEqual(['#d4351c', '#f47738', '#00703c']);
    // Each bar's count written beside it, and each status named on its axis.
    expect(await page.$$eval(`${chart} svg .mark-text.role-mark text`, (els) => els.map((e) => e.textContent))).toEqual(['4', '2', '1']);
    const labels = await page.$$eval(`${chart} svg .role-axis-label text`, (els) => els.map((e) => e.textContent as string));
    expect(labels.filter((l) => /[A-Za-z]/.test(l))).toEqual(['Red', 'Amber', 'Green']);
    // The count axis: whole numbers only (no "0.0" or "0.5"), 0 to the largest count.
    const ticks = labels.filter((l) => !/[A-Za-z]/.test(l));
    expect(ticks).toEqual(['0', '1', '2', '3', '4']);
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('data page: no picker or c legend that does not apply; a source older than expected is flagged with its last extract', async () => {
    const { page, problems } = await open('/data.html?area=Portsmouth&period=2025-Q1');
    expect(await page.$$('#pick-area, #pick-period, #pick-ages, .met-selection')).toHaveLength(0);
    // The analyst sees exact figures: nothing is withheld, so there is no c legend.
    expect(await page.$$('#legend-c')).toHaveLength(0);
    const warnings = await page.$$eval('.govuk-warning-text__text', (els) => els.map((e) => e.textContent as string));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Warning: Missing episodes is older than expected: its last extract was loaded on 15 January 2020, \d+ days ago; a new extract is expected monthly\.$/,
    );
    const current = await page.$$eval('[data-table="timeliness"] tbody tr', (rows) =>
      rows.map((r) => [r.querySelector('th')?.textContent, r.querySelector('[data-key="current"]')?.textContent]),
    );
    expect(current).toEqual([
      ['actions', 'Within its interval'],
      ['missing_episodes', 'Older than expected (last extract 2020-01-15)'],
      ['population', 'Within its interval'],
    ]);
    // Which refresh each count is about.
    expect(await page.textContent('#history-title')).toBe('Load history: each refresh, the latest first');
    expect(await page.$$eval('[data-table^="load-"] caption', (els) => els.map((e) => e.textContent as string))).toEqual([
      expect.stringMatching(/^Latest refresh r\S+, started \d{4}-\d\d-\d\d \d\d:\d\d$/),
    ]);
    // The selection stays in the URL for the other pages.
    expect(await page.getAttribute('[data-nav="missing"]', 'href')).toBe('/missing.html?area=Portsmouth&period=2025-Q1');
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

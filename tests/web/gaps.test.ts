// The Service gaps page in a real browser (Debian's Chromium through playwright-core), on
// the hand-made service gaps fixture (tests/sql/gapsFixture.ts; its figures are worked in
// tests/sql/identification.test.ts, "service_gaps: a gap beyond chance"), Southampton,
// 2025-Q1:
//   Bargate 21 MET children of 1,000 → 210.0 (Byar 95%: 129.9–321.0); 2 of 20 interviews →
//     10.0% (Wilson 95%: 2.8%–30.1%); Southampton 33.7 and 39.4%: a gap.
//   Portswood 10 of 9,000 → 11.1 (5.3–20.4): not significantly higher.
//   Shirley 3 of 100 → 300.0; 1 of 3 interviews: too few to judge.
// The analyst (exact figures) sees the gap with its intervals; the funnel plot draws its
// three localities with 95% and 99.8% limits around Southampton's 33.7, none withheld.
// The board (partner rule, threshold 5) has Shirley's 3 withheld (1–4), and Portswood's 10
// with it (secondary: the area's 34 − Bargate's 21 = 13 would leave Shirley's 3 to be
// worked out from the area's total if only one cell were withheld; 34 − 21 − 10 − 3 = 0 is
// the remainder): 2 localities withheld, 1 plotted; the map's Shirley flag reads c.
//
// One browser and two in-process servers (analyst, board) on one small warehouse.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AXE, launch, type Running, SKIP_BROWSER, serve } from './browser.js';
import { gapsFiles } from '../sql/gapsFixture.js';
import { loadWarehouse } from '../sql/fixture.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
type HTMLElement = any;

let browser: Browser;
let analyst: Running;
let board: Running;

const PATH = '/gaps.html?area=Southampton&period=2025-Q1';

/** The page, ready (or failed), with its console errors and failed requests recorded. */
async function open(base: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(120_000);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(`${base}${PATH}`);
  await page.waitForSelector('body[data-state="ready"], body[data-state="error"]');
  expect(await page.getAttribute('body', 'data-state')).toBe('ready');
  // The funnel is drawn when its SVG has its points.
  await page.waitForSelector('[data-chart="funnel-prevalence"] svg .mark-symbol.role-mark path');
  return { page, problems };
}

/** The gaps table as text, by column heading. */
async function gapsTable(page: Page): Promise<Record<string, string>[]> {
  return page.$$eval('table[data-table="service_gaps"]', (tables) => {
    const t = tables[0] as HTMLElement;
    const heads = [...t.querySelectorAll('thead th')].map((th: HTMLElement) => (th.textContent ?? '').trim());
    return [...t.querySelectorAll('tbody tr')].map((tr: HTMLElement) =>
      Object.fromEntries([...tr.querySelectorAll('td, th')].map((td: HTMLElement, i: number) => [heads[i], (td.textContent ?? '').trim()])),
    );
  });
}

/** The funnel's marks: plotted points and limit lines. */
async function funnelMarks(page: Page): Promise<{ points: number; lines: number; description: string }> {
  return page.$eval('#chart-funnel-prevalence', (el: HTMLElement) => ({
    points: el.querySelectorAll('svg .mark-symbol.role-mark path').length,
    lines: el.querySelectorAll('svg .mark-line.role-mark path').length,
    description: (el.querySelector('.met-chart__desc')?.textContent ?? '').trim(),
  }));
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  const db = await loadWarehouse({ files: gapsFiles() });
  analyst = await serve({ db, role: 'analyst' });
  board = await serve({ db, role: 'board' });
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await analyst?.close();
  await board?.close();
});

describe.skipIf(SKIP_BROWSER)('the Service gaps page', () => {
  it('every gap shown has its intervals and its reason on the page (analyst: Bargate)', async () => {
    const { page, problems } = await open(analyst.url);
    const rows = await gapsTable(page);
    const gaps = rows.filter((r) => r['Service gap'] === 'Yes');
    expect(gaps.map((r) => r.Locality)).toEqual(['Bargate']);
    for (const r of gaps) {
      expect(r['Prevalence, 95% interval']).toMatch(/^\d+\.\d–\d+\.\d$/);
      expect(r['% interviews, 95% interval']).toMatch(/^\d+\.\d%–\d+\.\d%$/);
      expect(r.Why).toMatch(/significantly higher .* significantly lower than Southampton’s/);
    }
    expect(gaps[0]).toMatchObject({
      'Prevalence, 95% interval': '129.9–321.0',
      'Its area’s prevalence': '33.7',
      '% interviews, 95% interval': '2.8%–30.1%',
      Why: 'Prevalence significantly higher and interview completion significantly lower than Southampton’s (95% intervals)',
    });
    // 1 of 3 interviews is not a gap: too few to judge, with its wide interval shown.
    expect(rows.find((r) => r.Locality === 'Shirley')).toMatchObject({
      'Service gap': 'No',
      '% interviews, 95% interval': '6.1%–79.2%',
      Why: 'Too few to judge: fewer than 5 MET children or 5 returns',
    });
    // The opening sentence names the gap and how it is judged.
    expect(await page.textContent('main')).toContain('Service gaps (prevalence significantly higher than their own area’s');
    // The funnel: three localities plotted; the target line and both pairs of limits drawn.
    const f = await funnelMarks(page);
    expect(f.points).toBe(3);
    expect(f.lines).toBeGreaterThanOrEqual(3);
    expect(f.description).toContain('with 95% and 99.8% control limits around Southampton’s prevalence (33.7 per 10,000)');
    // Exact Poisson tails (docs/definitions.md, "Funnel plot"): Bargate's 21 at 1,000 children
    // (E = 33.7 / 10000 × 1000 = 3.37) is far above; Shirley's 3 at 100 children (E = 0.337):
    // P(X ≥ 3 | 0.337) = 1 − e^−0.337 (1 + 0.337 + 0.0568) = 1 − 0.7139 × 1.3938 = 0.0050 < 0.025
    // → above the 95% limit too; Portswood's 10 at 9,000 (E = 30.33): P(X ≤ 10) ≈ 2e−5 → below.
    expect(f.description).toContain('Above the 95% upper limit: Bargate, Shirley; below the 95% lower limit: Portswood.');
    expect(f.description).toContain('No locality is withheld.');
    // The funnel's data table names its limits.
    const table = await page.$$eval('#chart-funnel-prevalence table th', (ths) => ths.map((x: HTMLElement) => (x.textContent ?? '').trim()));
    expect(table).toEqual(expect.arrayContaining(['95% limits', '99.8% limits', 'Against the limits']));
    // axe: no serious or critical violation on the page with its funnel.
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical').map((v: { id: string }) => v.id);
    });
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the commentary comes before the map and the tables, on a phone (390 px) and on a desktop', async () => {
    const { page, problems } = await open(analyst.url);
    const order = () =>
      page.evaluate(() => {
        const top = (sel: string) => {
          const el = document.querySelector(sel);
          return el ? el.getBoundingClientRect().top + window.scrollY : null;
        };
        return { commentary: top('.met-commentary'), map: top('.met-map'), table: top('table[data-table="service_gaps"]') };
      });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const o = await order();
      expect(o.commentary, `commentary at ${width} px`).not.toBeNull();
      expect(o.map).not.toBeNull();
      expect(o.commentary!, `the commentary above the map at ${width} px`).toBeLessThan(o.map!);
      expect(o.commentary!, `the commentary above the gaps table at ${width} px`).toBeLessThan(o.table!);
    }
    // …and first in the document too (what a screen reader reads).
    const domOrder = await page.evaluate(() => {
      const c = document.querySelector('.met-commentary');
      const m = document.querySelector('.met-map');
      return Boolean(c.compareDocumentPosition(m) & 4); // DOCUMENT_POSITION_FOLLOWING
    });
    expect(domOrder).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the board: withheld localities are not plotted and are counted; a withheld flag reads c, on the map too', async () => {
    const { page, problems } = await open(board.url);
    const f = await funnelMarks(page);
    // Shirley (3, primary) and Portswood (10, secondary) withheld: Bargate alone plotted.
    expect(f.points).toBe(1);
    expect(f.description).toContain('2 localities are withheld under the disclosure rule and not plotted.');
    const rows = await gapsTable(page);
    // A withheld prevalence takes its interval with it; the flag and its reason are c.
    for (const r of rows.filter((x) => x['Prevalence per 10,000'] === 'c')) {
      expect(r['Prevalence, 95% interval']).toBe('c');
      expect(r['Service gap']).toBe('c');
      expect(r.Why).toBe('c');
    }
    expect(rows.filter((x) => x['Prevalence per 10,000'] === 'c').map((x) => x.Locality)).toEqual(['Portswood', 'Shirley']);
    // The hex map's own table: Shirley's flag is c, never "no".
    const hexFlags = await page.$$eval('#chart-hexmap-gaps .met-chart__table table tbody tr', (trs) =>
      trs.map((tr: HTMLElement) => [...tr.querySelectorAll('td, th')].map((td: HTMLElement) => (td.textContent ?? '').trim())),
    );
    const shirley = hexFlags.find((cells) => cells[0] === 'Shirley');
    expect(shirley?.[shirley.length - 1]).toBe('c');
    // …and the hexagon's title says the flag is withheld.
    expect(await page.textContent('#chart-hexmap-gaps .met-hex[data-locality="Shirley"] title')).toContain('service gap: c (withheld)');
    expect(problems).toEqual([]);
    await page.close();
  });
});

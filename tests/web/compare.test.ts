// The commissioners' comparisons in a real browser (Debian's Chromium through
// playwright-core), on a small demo warehouse served as the board: the Four areas page
// draws each area's 95% interval and the reference lines and highlights the chosen area
// (bold label, outline; not colour alone); the groups page shows words, never codes; the
// Places map shades each area on its own scale and writes every locality's full name;
// the localities table runs by area, then rank.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AREAS } from '../../model/areas.js';
import { GROUP_WORDS } from '../../model/measures.js';
import { AXE, launch, type Running, SKIP_BROWSER, serve, webWarehouse } from './browser.js';

// The callbacks given to page.$$eval run in the browser; the project compiles for Node
// without the DOM library, so its few names are declared here, for this file only.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Element = any;
declare const document: any;
declare const window: any;

let browser: Browser;
let board: Running;

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  board = await serve({ db: (await webWarehouse()).db, role: 'board' });
  browser = await launch();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await board?.close();
});

/** A page at a path, ready (its model drawn), with every chart's marks in. */
async function open(path: string, charts: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(120_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${board.url}${path}`);
  await page.waitForSelector('body[data-state="ready"], body[data-state="error"]');
  expect(await page.getAttribute('body', 'data-state')).toBe('ready');
  // Every chart of the kind asked has its marks.
  await page.waitForFunction((sel) => {
    const els = [...document.querySelectorAll(sel)];
    return els.length > 0 && els.every((e: Element) => e.querySelector('svg'));
  }, charts);
  return { page, problems };
}

/** No serious or critical axe violation, with every table and definition opened. */
async function axeClean(page: Page): Promise<void> {
  await page.$$eval('button.met-toggle', (els: Element[]) => {
    for (const b of els) b.click();
  });
  await page.evaluate(AXE);
  const violations: { id: string; impact: string }[] = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v: { id: string; impact: string }) => ({ id: v.id, impact: v.impact }));
  });
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
}

describe.skipIf(SKIP_BROWSER)("the commissioners' comparisons in a browser", () => {
  it('Four areas: every chart draws its intervals and the four areas’ reference line, and highlights the chosen area in bold and outline', async () => {
    const { page, problems } = await open('/areas.html?area=Hampshire', '[data-chart^="areas-"]');
    const charts = await page.$$eval('[data-chart^="areas-"]', (els: Element[]) =>
      els.map((el: Element) => ({
        id: el.dataset.chart as string,
        errorbars: el.querySelectorAll('[aria-roledescription="errorbar"]').length,
        bars: [...el.querySelectorAll('[aria-roledescription="bar"]')].map((b: Element) => ({
          label: b.getAttribute('aria-label') as string,
          stroke: Number(b.getAttribute('stroke-width') ?? 0),
        })),
        rules: [...el.querySelectorAll('[aria-roledescription="rule mark"]')].map((r: Element) => r.getAttribute('aria-label') as string),
        labels: [...el.querySelectorAll('.role-axis-label text')].map((t: Element) => ({
          text: t.textContent as string,
          weight: t.getAttribute('font-weight'),
        })),
      })),
    );
    expect(charts.length).toBeGreaterThanOrEqual(4);
    let chosenDrawn = 0;
    for (const c of charts) {
      // One error bar per bar drawn.
      expect(c.errorbars, c.id).toBe(c.bars.length);
      expect(c.bars.length, c.id).toBeGreaterThan(0);
      // The four areas together, as a reference line (withheld: said in the commentary instead).
      const table = await page.$$eval(`#chart-${c.id} .met-chart__table tbody tr`, (rows: Element[]) => rows.map((r: Element) => r.textContent as string));
      const partnershipShown = table.some((t) => /^All four areas\d/.test(t));
      expect(
        c.rules.some((r) => r.includes('All four areas (')),
        c.id,
      ).toBe(partnershipShown);
      expect(
        c.rules.some((r) => r.includes('National figure')),
        c.id,
      ).toBe(c.id === 'areas-rhi_completed_72h_pct');
      // The chosen area: "(chosen)" in its bold label, a thick outline on its bar; the others neither.
      const chosen = c.bars.filter((b) => b.label.includes('Hampshire (chosen)'));
      if (chosen.length) {
        chosenDrawn++;
        expect(chosen[0]!.stroke).toBe(3);
        expect(c.labels.find((l) => l.text.startsWith('Hampshire'))).toEqual({ text: 'Hampshire (chosen)', weight: 'bold' });
      }
      for (const b of c.bars.filter((x) => !x.label.includes('(chosen)'))) expect(b.stroke).toBe(0);
      for (const l of c.labels.filter((x) => AREAS.some((a) => x.text === a))) expect(l.weight).toBe('normal');
    }
    expect(chosenDrawn).toBeGreaterThanOrEqual(3);
    const commentary = await page.textContent('.met-commentary');
    expect(commentary).toMatch(/MET prevalence per 10,000 children: highest in /);
    expect(commentary).toMatch(/95% interval/);
    await axeClean(page);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Groups: the charts and the table name every group in words, never a code', async () => {
    const { page, problems } = await open('/groups.html', '[data-chart^="groups-"]');
    const words = new Set(Object.values(GROUP_WORDS).flatMap((g) => Object.values(g)));
    const codes = ['F', 'M', 'U', 'X', 'yes', 'no', 'not known', '0-9', '10-13', '14-15', '16-17', 'sex', 'age_band', 'looked_after'];
    const groups = await page.$$eval('[data-table="group_profile"] td[data-key="group"]', (els: Element[]) => els.map((e: Element) => e.textContent as string));
    expect(groups.length).toBeGreaterThan(10);
    for (const g of groups) expect(words.has(g), g).toBe(true);
    const dims = await page.$$eval('[data-table="group_profile"] tbody th', (els: Element[]) => els.map((e: Element) => e.textContent as string));
    expect(new Set(dims)).toEqual(new Set(['Sex', 'Age band', 'Ethnicity', 'Looked-after status', 'Disability']));
    const axis = await page.$$eval('[data-chart^="groups-"] .role-axis-label text', (els: Element[]) => els.map((e: Element) => e.textContent as string));
    expect(axis).toEqual(expect.arrayContaining(['Aged 14–15', 'Looked after', 'Not disabled']));
    for (const c of codes) expect(axis, c).not.toContain(c);
    expect(await page.textContent('.met-commentary')).toMatch(
      /Over-represented among MET children .*Aged 1[46]–1[57] \(\d+\.\d% of MET children, 95% interval/,
    );
    await axeClean(page);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Places: each area’s map on its own scale, every locality named in full, the table by area then rank', async () => {
    const { page, problems } = await open('/places.html', '[data-chart="hexmap-hotspots"]');
    await page.waitForSelector('[data-chart="hexmap-hotspots"] .met-hex');
    const hexes = await page.$$eval('[data-chart="hexmap-hotspots"] .met-hex', (els: Element[]) =>
      els.map((g: Element) => ({
        locality: g.dataset.locality as string,
        area: g.dataset.area as string,
        name: [...g.querySelectorAll('.met-hex__name tspan')].map((t: Element) => t.textContent).join(' '),
        value: (g.querySelector('.met-hex__value')?.textContent ?? '').replace(/ [HG]$/, ''),
        fill: g.querySelector('.met-hex__shape')?.getAttribute('fill') as string,
      })),
    );
    expect(hexes).toHaveLength(55);
    // Full names: "Basingstoke and Deane", "Drayton and Farlington", never cut or abbreviated.
    for (const x of hexes) expect(x.name).toBe(x.locality);
    expect(hexes.map((x) => x.name)).toEqual(expect.arrayContaining(['Basingstoke and Deane', 'Drayton and Farlington', 'Eastney and Craneswater']));
    // One scale per area: in each area its highest figure is the darkest blue and its lowest the lightest.
    const DARKEST = 'rgb(11, 79, 124)';
    const LIGHTEST = 'rgb(230, 241, 248)';
    let scaled = 0;
    const his: number[] = [];
    for (const area of AREAS) {
      const shown = hexes.filter((x) => x.area === area && /^\d+$/.test(x.value)).map((x) => ({ ...x, n: Number(x.value) }));
      const hi = Math.max(...shown.map((x) => x.n));
      const lo = Math.min(...shown.map((x) => x.n));
      if (hi === lo) continue;
      scaled++;
      his.push(hi);
      for (const x of shown.filter((s) => s.n === hi)) expect(x.fill, `${area} ${x.locality}`).toBe(DARKEST);
      for (const x of shown.filter((s) => s.n === lo)) expect(x.fill, `${area} ${x.locality}`).toBe(LIGHTEST);
    }
    // At least two areas, with different highest figures: one scale for all would not make both darkest.
    expect(scaled).toBeGreaterThanOrEqual(2);
    expect(new Set(his).size).toBeGreaterThanOrEqual(2);
    // The key says each area's range.
    const key = await page.textContent('[data-scales="4"]');
    for (const area of AREAS) expect(key).toMatch(new RegExp(`${area} from \\d+ to \\d+`));
    // The localities table: by area, in the maps' order, then by rank within the area (a withheld rank last).
    const rows = await page.$$eval('[data-table="hotspots"] tbody tr', (trs: Element[]) =>
      trs.map((tr: Element) => ({
        area: tr.querySelector('[data-key="area"]')?.textContent as string,
        rank: tr.querySelector('[data-key="rank"]')?.textContent as string,
      })),
    );
    expect(rows).toHaveLength(55);
    const key2 = (r: { area: string; rank: string }) => [AREAS.indexOf(r.area as (typeof AREAS)[number]), /^\d+$/.test(r.rank) ? Number(r.rank) : 1e9] as const;
    const keys = rows.map(key2);
    expect(keys.every((k) => k[0] >= 0)).toBe(true);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    await axeClean(page);
    expect(problems).toEqual([]);
    await page.close();
  });
});

// Charts, header and the phone layout in a real browser (Debian's Chromium through
// playwright-core), on a small demo warehouse (seed 2026, scale 0.2): no empty chart
// frame on any page for the board or the public (a chart with nothing to plot is a
// sentence in the commentary instead), the SPC legend names its lines; on a 390-wide
// phone the navigation is behind a menu button and the commentary comes before the
// tiles; and on every page at phone width the heading equals its navigation label, the
// header says when the data was refreshed (no refresh id) and axe-core finds no serious
// or critical violation.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PAGE_DECLS } from '../../model/pages.js';
import type { PageModel } from '../../model/api.js';
import { AXE, launch, type Running, SKIP_BROWSER, serve, webWarehouse } from './browser.js';

// The callbacks given to page.evaluate/$$eval run in the browser; the project compiles
// for Node without the DOM library, so its few names are declared here, for this file only.
declare const document: any;
declare const window: any;
type HTMLElement = any;
type Document = any;

let browser: Browser;
const servers: Record<'analyst' | 'board' | 'public', Running> = {} as never;

/** The pages a role can open (the data page is the analyst's). */
const pagesFor = (role: string) => PAGE_DECLS.filter((p) => role === 'analyst' || p.id !== 'data');

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-state="ready"], body[data-state="error"]');
  expect(await page.getAttribute('body', 'data-state'), url).toBe('ready');
}

/**
 * Each vega chart frame on the page and how many data marks it drew: bars, points,
 * line paths (the axes, grid and legends are not counted, nor are the SPC rules alone).
 */
async function vegaFrames(page: Page): Promise<{ id: string; marks: number }[]> {
  return page.$$eval('[data-chart][data-kind="vega-lite"]', (els) =>
    els.map((el: HTMLElement) => ({
      id: el.dataset.chart ?? '',
      marks: el.querySelectorAll('svg g.role-mark:not(.mark-rule) [role="graphics-symbol"]').length,
    })),
  );
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  const { db } = await webWarehouse();
  for (const role of ['analyst', 'board', 'public'] as const) servers[role] = await serve({ db, role });
  browser = await launch();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const s of Object.values(servers)) await s?.close();
});

describe.skipIf(SKIP_BROWSER)('charts, header and phone layout', () => {
  it('draws no empty chart frame on any page, board and public, for the Isle of Wight (and all areas); a chart not drawn is said in words', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(120_000);
    let sentences = 0;
    let frames = 0;
    for (const role of ['board', 'public'] as const) {
      for (const area of ['Isle of Wight', 'all']) {
        for (const p of pagesFor(role)) {
          if (area === 'all' && (role === 'board' || !['areas', 'places'].includes(p.id))) continue;
          const q = `?area=${encodeURIComponent(area)}`;
          const model = (await (await fetch(`${servers[role].url}/api/pages/${p.id}${q}`)).json()) as PageModel;
          await open(page, `${servers[role].url}/${p.file}.html${q}`);
          const where = `${role} ${p.id} ${area}`;
          // Every vega chart frame the page draws has at least one mark.
          const drawn = await vegaFrames(page);
          for (const f of drawn) expect(f.marks, `${where}: ${f.id} is an empty frame`).toBeGreaterThan(0);
          frames += drawn.length;
          // A chart the model leaves out (nothing to plot) is a sentence in the page's commentary, saying what is withheld.
          const commentary: string = await page.evaluate(() => document.querySelector('.met-commentary')?.textContent ?? '');
          for (const s of model.commentary.filter((x) => x.includes('no chart is drawn'))) {
            expect(s, where).toMatch(/withheld \(c\)|not given|is given \(–\)|nothing to measure/);
            expect(commentary, where).toContain(s);
            sentences++;
          }
        }
      }
    }
    // The demo has both: frames drawn, and charts said in words (the public's Isle of Wight has many).
    expect(frames).toBeGreaterThan(20);
    expect(sentences).toBeGreaterThan(0);
    await page.close();
  }, 300_000);

  it('names the SPC chart’s lines in its legend, each with its own dash pattern', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await open(page, `${servers.board.url}/missing.html`);
    const chart = page.locator('[data-chart="spc-missing_episodes"]');
    const legend = (await chart.locator('svg g.role-legend').evaluateAll((els: HTMLElement[]) => els.map((e) => e.getAttribute('aria-label') ?? ''))).join(
      ' | ',
    );
    expect(legend).toMatch(/titled 'Line'.*Mean, Upper process limit, Lower process limit/);
    const labels = await chart.locator('svg g.role-legend text').allTextContents();
    for (const name of ['Mean', 'Upper process limit', 'Lower process limit']) expect(labels).toContain(name);
    // The three rules are drawn with three different dash patterns (not colour alone).
    const dashes = await chart
      .locator('svg g.mark-rule.role-mark line')
      .evaluateAll((els: HTMLElement[]) => els.map((e) => e.getAttribute('stroke-dasharray')));
    expect(new Set(dashes).size).toBe(3);
    // Period labels are level (no rotation), and the count axis has whole numbers only.
    const transforms = await chart.locator('svg g.role-axis-label text').evaluateAll((els: HTMLElement[]) => els.map((e) => e.getAttribute('transform') ?? ''));
    expect(transforms.some((t) => t.includes('rotate'))).toBe(false);
    const ticks = await chart.locator('svg [aria-label^="Y-axis"] g.role-axis-label text').allTextContents();
    expect(ticks.length).toBeGreaterThan(1);
    for (const t of ticks) expect(t).toMatch(/^[\d,]+$/);
    await page.close();
  });

  it('on a 390-wide phone: the navigation behind a menu button (mouse and keyboard), the commentary before the tiles', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await open(page, `${servers.board.url}/`);
    const toggle = page.locator('#met-nav button.met-nav__toggle');
    expect(await toggle.isVisible()).toBe(true);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await toggle.getAttribute('aria-controls')).toBe('met-nav-list');
    expect(await page.isVisible('#met-nav-list')).toBe(false);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await page.isVisible('[data-nav="missing"]')).toBe(true);
    // Escape closes it from inside the list and gives the focus back to the button.
    await page.focus('[data-nav="missing"]');
    await page.keyboard.press('Escape');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('met-nav__toggle'))).toBe(true);
    // The keyboard opens it: Enter on the focused button.
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await page.isVisible('[data-nav="risk"]')).toBe(true);
    // The commentary comes before the tiles, in the page's order and on the screen.
    const order = await page.evaluate(() => {
      const c = document.querySelector('.met-commentary');
      const t = document.querySelector('.met-tile');
      return {
        before: !!(c && t && c.compareDocumentPosition(t) & 4),
        cTop: c.getBoundingClientRect().top,
        tTop: t.getBoundingClientRect().top,
      };
    });
    expect(order.before).toBe(true);
    expect(order.cTop).toBeLessThan(order.tTop);
    // On a wide screen the list is shown and the menu button is not.
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await toggle.isVisible()).toBe(false);
    expect(await page.isVisible('[data-nav="risk"]')).toBe(true);
    await ctx.close();
  });

  it('at phone width on every page: heading equal to its navigation label, refresh time in words, no serious or critical axe violation', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    page.setDefaultTimeout(120_000);
    const found: string[] = [];
    for (const p of pagesFor('analyst')) {
      await open(page, `${servers.analyst.url}/${p.file}.html`);
      const heading = (await page.textContent('#page-title'))?.trim();
      expect(heading, p.id).toBe(p.title);
      expect(heading, p.id).toBe((await page.textContent(`[data-nav="${p.id}"]`))?.trim());
      const status = (await page.textContent('#met-status')) ?? '';
      expect(status, p.id).toMatch(
        /Data refreshed \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4} at \d{2}:\d{2}\./,
      );
      // No technical refresh id ("r20261201T011123Z-81144b") in the header.
      expect(status, p.id).not.toMatch(/\br\d{8}T\d{6}Z/);
      // The menu open, as a phone's reader would have it.
      await page.click('#met-nav button.met-nav__toggle');
      await page.evaluate(AXE);
      const violations = await page.evaluate(async () => {
        const r = await (window as { axe: { run(d: Document, o: object): Promise<any> } }).axe.run(document, { resultTypes: ['violations'] });
        return (r.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[]).map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
        }));
      });
      for (const v of violations)
        if (v.impact === 'serious' || v.impact === 'critical') found.push(`${p.id}: ${v.id} (${v.impact}) ${v.help} at ${v.targets.join(', ')}`);
    }
    expect(found).toEqual([]);
    await ctx.close();
  }, 300_000);
});

// The dashboard in a real browser (Debian's Chromium through playwright-core; nothing
// is downloaded): every page on a small demo warehouse, its charts drawn, the pickers
// changing the figures to exactly what /api/measures says, no console error or failed
// request, no serious or critical axe violation, the CSP header, and the overview's
// render time (printed, not asserted). A second server runs as the board (both with
// sign-in off); a third has sign-in on, and the browser signs in through its form.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SEED } from '../../cli/demo.js';
import { generate } from '../../etl/generate/generate.js';
import { tempDir } from '../helpers.js';
import type { Browser, Page } from 'playwright-core';
import { PAGE_DECLS } from '../../model/pages.js';
import { AXE, launch, ownCopy, ready, ROOT, type Running, SKIP_BROWSER, serve, watched, webWarehouse } from './browser.js';

// The callbacks given to page.evaluate/$$eval run in the browser; the project compiles
// for Node without the DOM library, so its few names are declared here, for this file only.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const Event: any;
type HTMLElement = any;
type HTMLSelectElement = any;
type HTMLButtonElement = any;
type HTMLDetailsElement = any;
type Document = any;

const PAGES = PAGE_DECLS.map((p) => ({ file: `${p.file}.html`, page: p.id }));

let browser: Browser;
let analyst: Running;
let board: Running;
let signedIn: Running;
const PASSWORD = 'browser test password 2026';
let webDb: string;
let uploadServer: Running | undefined;

/** Every chart container on the page has marks: vega's SVG paths/rects, or the map's hexagons. */
async function chartMarks(page: Page): Promise<{ id: string; marks: number }[]> {
  return page.$$eval('[data-chart]', (els) =>
    els.map((el) => ({
      id: (el as HTMLElement).dataset.chart ?? '',
      marks:
        (el as HTMLElement).dataset.kind === 'hexmap'
          ? el.querySelectorAll('svg .met-hex path').length
          : el.querySelectorAll('svg .marks path, svg .marks rect, svg path, svg rect').length,
    })),
  );
}

/**
 * Serious or critical axe violations on a drawn page, with everything a person can open
 * opened first: the tables behind the toggles, the definitions, an SPC chart on the overview.
 */
async function axeViolations(page: Page, name: string): Promise<string[]> {
  await page.$$eval('button.met-toggle[aria-expanded="false"]', (els) => {
    for (const b of els) (b as HTMLButtonElement).click();
  });
  await page.$$eval('details', (els) => {
    for (const d of els) (d as HTMLDetailsElement).open = true;
  });
  if (name === 'overview') {
    await page.click('.met-tile__open');
    await page.waitForSelector('#spc-panel[data-ready]');
  }
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(c: Document, o: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.targets.join(', ')}`);
}

async function getJSON<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return (await res.json()) as T;
}

function shownNumber(text: string): number | 'c' | null {
  const t = text.trim();
  if (t === 'c') return 'c';
  const n = t.replace(/[,%]/g, '');
  // A figure that is not defined is shown in words ("no figure") or as a dash.
  return /^-?\d+(\.\d+)?$/.test(n) ? Number(n) : null;
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  const web = await webWarehouse();
  webDb = web.db;
  // Only read: the upload test refreshes a copy of its own.
  const db = web.db;
  const { hashPassword } = (await import(join(ROOT, 'dist/state/passwords.js'))) as { hashPassword(p: string): Promise<string> };
  // Independent of each other: the three servers, the two password hashes and Chromium start
  // together; whatever started is kept (for afterAll to close) before a failure is thrown.
  const hashes = Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
  hashes.catch(() => {}); // awaited below; a failure before then is not an unhandled rejection
  const [a, b, s, c] = await Promise.allSettled([serve({ db, role: 'analyst' }), serve({ db, role: 'board' }), serve({ db }), launch()]);
  if (a.status === 'fulfilled') analyst = a.value;
  if (b.status === 'fulfilled') board = b.value;
  if (s.status === 'fulfilled') signedIn = s.value;
  if (c.status === 'fulfilled') browser = c.value;
  for (const r of [a, b, s, c]) if (r.status === 'rejected') throw r.reason;
  const [sue, ann] = await hashes;
  signedIn.state.accounts.addLocal({ name: 'sue.board', role: 'board', area: 'Southampton', passwordHash: sue });
  signedIn.state.accounts.addLocal({ name: 'ann.analyst', role: 'analyst', area: null, passwordHash: ann });
});

afterAll(async () => {
  await browser?.close();
  await analyst?.close();
  await board?.close();
  await signedIn?.close();
  await uploadServer?.close();
});

describe.skipIf(SKIP_BROWSER)('the dashboard in a browser', () => {
  it('draws the board overview (render time printed)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watched(ctx);
    await page.goto(`${analyst.url}/`);
    const ms = await page.waitForFunction(
      () => {
        if (document.body.dataset.state !== 'ready') return false;
        const sparks = [...document.querySelectorAll('[data-spark]')];
        if (!sparks.length || !sparks.every((s) => s.querySelector('svg path'))) return false;
        return performance.now();
      },
      undefined,
      { timeout: 180_000, polling: 'raf' },
    );
    console.log(`board overview charts rendered in ${Math.round((await ms.jsonValue()) as number)} ms`);
    const tiles = await page.$$eval('.met-tile', (els) => els.map((e) => (e as HTMLElement).dataset.measure));
    expect(tiles).toEqual(
      expect.arrayContaining([
        'met_children',
        'missing_episodes',
        'repeat_missing_children',
        'rhi_completed_72h_pct',
        'children_at_risk',
        'nrm_referrals',
        'disruptions',
      ]),
    );
    // Each tile says in words (and an icon) whether its latest point is a signal.
    for (const text of await page.$$eval('.met-signal', (els) => els.map((e) => e.textContent ?? ''))) {
      expect(text).toMatch(/Signal|Normal variation|No SPC reading/);
    }
    expect(await page.textContent('.met-tile[data-measure="rhi_completed_72h_pct"]')).toMatch(/63\.0%/);
    // Every tile opens its SPC chart, with the keyboard too.
    const buttons = await page.$$('.met-tile__open');
    expect(buttons.length).toBe(tiles.length);
    for (const [i, b] of buttons.entries()) {
      const id = await b.getAttribute('data-opens');
      if (i === 0) {
        await b.focus();
        await page.keyboard.press('Enter');
      } else await b.click();
      expect(await b.getAttribute('aria-expanded')).toBe('true');
      await page.waitForSelector(`#spc-panel[data-ready="${id}"]`);
      const marks = await chartMarks(page);
      expect(marks.find((m) => m.id === id)?.marks ?? 0).toBeGreaterThan(0);
    }
    expect(await page.textContent('#met-status')).toMatch(/Viewing as: analyst/);
    expect(await page.textContent('#met-status')).toMatch(/Version \d/);
    // The abbreviations the page uses are named where a reader sees them, each in words one click away.
    expect((await page.textContent('[data-terms] summary'))?.trim()).toBe('Abbreviations on this page: MET, SERAF, NRM, SPC, ONS');
    await page.click('[data-terms] summary');
    expect(await page.textContent('[data-terms] dl')).toMatch(/NRMNational Referral Mechanism/);
    expect(problems).toEqual([]);
    await ctx.close();
  });

  // One visit of each page for both (each visit draws the page afresh: ~2 s a page on this machine).
  it('opens every page with its charts drawn, no console error, no failed request and no serious or critical axe violation', async () => {
    const { page, problems } = await watched(browser);
    const found: string[] = [];
    for (const p of PAGES) {
      const res = await page.goto(`${analyst.url}/${p.file}`);
      expect(res?.status()).toBe(200);
      await ready(page);
      const marks = await chartMarks(page);
      if (p.page !== 'data' && p.page !== 'overview') expect(marks.length, p.page).toBeGreaterThan(0);
      for (const m of marks) expect(m.marks, `${p.page} ${m.id}`).toBeGreaterThan(0);
      if (p.page === 'places' || p.page === 'gaps') expect(marks.some((m) => m.marks > 0 && m.id.startsWith('hexmap'))).toBe(true);
      // Each chart: its description, and a working "Show as table" button.
      const toggle = await page.$('button.met-toggle');
      if (toggle) {
        expect(await toggle.getAttribute('aria-expanded')).toBe('false');
        const region = await toggle.getAttribute('aria-controls');
        await toggle.click();
        expect(await toggle.getAttribute('aria-expanded')).toBe('true');
        expect(await page.isVisible(`#${region} table`)).toBe(true);
      }
      expect(await page.$$eval('.met-chart', (els) => els.every((e) => !!e.querySelector('.met-chart__desc')?.textContent?.trim()))).toBe(true);
      if (p.page !== 'data') expect(await page.textContent('.met-legend')).toMatch(/c = /);
      expect(await page.textContent('#met-status')).toMatch(/Viewing as: analyst/);
      // The page's heading is its navigation label, and the page's title in the browser's tab starts with it.
      const heading = (await page.textContent('#page-title'))?.trim();
      expect(heading, p.page).toBe((await page.textContent(`[data-nav="${p.page}"]`))?.trim());
      expect(await page.title(), p.page).toContain(heading!);
      // The current refresh's sources, with their latest event dates, on every page.
      expect(await page.textContent('#met-status .met-sources')).toMatch(/missing episodes: latest event \d{4}-\d{2}-\d{2}/);
      if (p.page === 'actions') {
        const tags = await page.$$eval('[data-key="rag"] .govuk-tag', (els) => els.map((e) => e.textContent));
        expect(tags.length).toBeGreaterThan(0);
        for (const t of tags) expect(t).toMatch(/^(Red|Amber|Green|Blue|Complete|Completed)$/i);
      }
      found.push(...(await axeViolations(page, p.page)));
    }
    expect(problems).toEqual([]);
    expect(found).toEqual([]);
    await page.close();
  });

  it('sends a CSP without unsafe-eval or unsafe-inline scripts, and no inline script', async () => {
    for (const p of PAGES) {
      const res = await fetch(`${analyst.url}/${p.file}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      const script = /script-src([^;]*)/.exec(csp)?.[1] ?? /default-src([^;]*)/.exec(csp)?.[1] ?? '';
      expect(script, p.file).not.toMatch(/unsafe-eval|unsafe-inline/);
      expect(script.trim().length).toBeGreaterThan(0);
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(html).not.toMatch(/GDS Transport|govuk-crest|govuk-logo/);
    }
  });

  it('changes area and period through the pickers to exactly the figures of /api/measures', async () => {
    const { page, problems } = await watched(browser);
    const meta = await getJSON<{ periods: { quarter: string[] }; default_period: string }>(`${analyst.url}/api/meta`);
    await page.goto(`${analyst.url}/`);
    await ready(page);
    await page.evaluate(() => ((window as unknown as { stayed: number }).stayed = 1));
    // The quarter before the default one (the newest quarters may be only partly covered).
    const period = meta.periods.quarter[meta.periods.quarter.indexOf(meta.default_period) + 1]!;
    for (const [area, per] of [
      ['Portsmouth', meta.default_period],
      ['Portsmouth', period],
      ['Isle of Wight', period],
    ] as const) {
      const current = await page.$eval('#pick-area', (e) => (e as HTMLSelectElement).value);
      if (current !== area) await page.selectOption('#pick-area', area);
      const curPeriod = await page.$eval('#pick-period', (e) => (e as HTMLSelectElement).value);
      if (curPeriod !== per) await page.selectOption('#pick-period', per);
      await page.waitForSelector(`.met-selection[data-selection="${area}|${per}|0-17"]`);
      await ready(page);
      const url = new URL(page.url());
      expect(url.searchParams.get('area')).toBe(area);
      expect(url.searchParams.get('period')).toBe(per);
      const shown = await page.$$eval('.met-tile', (els) =>
        els.map((e) => ({ id: (e as HTMLElement).dataset.measure!, text: e.querySelector('.met-tile__value')?.textContent ?? '' })),
      );
      const ids = shown.map((s) => s.id);
      const m = await getJSON<{ measures: Record<string, { value: number | 'c' | null }> }>(
        `${analyst.url}/api/measures?area=${encodeURIComponent(area)}&period=${per}&ages=0-17&trend=0&ids=${ids.join(',')}`,
      );
      for (const s of shown) expect(shownNumber(s.text), `${area} ${per} ${s.id}`).toEqual(m.measures[s.id]!.value);
    }
    // The age scope too (the tiles whose measures name their own ages stay as they were).
    await page.selectOption('#pick-ages', '0-24');
    await page.waitForSelector(`.met-selection[data-selection="Isle of Wight|${period}|0-24"]`);
    await ready(page);
    expect(new URL(page.url()).searchParams.get('ages')).toBe('0-24');
    {
      const shown = await page.$$eval('.met-tile', (els) =>
        els.map((e) => ({ id: (e as HTMLElement).dataset.measure!, text: e.querySelector('.met-tile__value')?.textContent ?? '' })),
      );
      const m = await getJSON<{ measures: Record<string, { value: number | 'c' | null }> }>(
        `${analyst.url}/api/measures?area=Isle%20of%20Wight&period=${period}&ages=0-24&trend=0&ids=${shown.map((x) => x.id).join(',')}`,
      );
      for (const x of shown) expect(shownNumber(x.text), `0-24 ${x.id}`).toEqual(m.measures[x.id]!.value);
    }
    await page.selectOption('#pick-ages', '0-17');
    await page.waitForSelector(`.met-selection[data-selection="Isle of Wight|${period}|0-17"]`);
    await ready(page);
    // No full page load: the marker set before the changes is still there.
    expect(await page.evaluate(() => (window as unknown as { stayed?: number }).stayed)).toBe(1);
    // A link reproduces the view.
    const link = page.url();
    const again = await browser.newPage();
    again.setDefaultTimeout(180_000);
    await again.goto(link);
    await ready(again);
    expect(await again.getAttribute('.met-selection', 'data-selection')).toBe(`Isle of Wight|${period}|0-17`);
    expect(await again.$eval('#pick-area', (e) => (e as HTMLSelectElement).value)).toBe('Isle of Wight');
    // The navigation keeps the selection.
    expect(await again.getAttribute('a[data-nav="places"]', 'href')).toContain('area=Isle+of+Wight');
    await again.close();
    // Back goes to the previous selection.
    await page.goBack();
    await page.waitForSelector(`.met-selection[data-selection="Isle of Wight|${period}|0-24"]`);
    expect(await page.$eval('#pick-ages', (e) => (e as HTMLSelectElement).value)).toBe('0-24');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shades the places map by the measure chosen, kept in the URL', async () => {
    const { page, problems } = await watched(browser);
    await page.goto(`${analyst.url}/places.html?area=Southampton`);
    await ready(page);
    const options = await page.$$eval('#pick-measure option', (els) => els.map((e) => (e as HTMLSelectElement).value as string));
    expect(options.length).toBeGreaterThan(1);
    const model = await getJSON<{ charts: { id: string; kind: string }[]; tables: { id: string; rows: Record<string, unknown>[] }[] }>(
      `${analyst.url}/api/pages/places?area=Southampton`,
    );
    const map = model.charts.find((c) => c.kind === 'hexmap')!;
    const choice = options.find((o) => o !== map.id)!;
    const column = choice.slice(map.id.length + 1);
    await page.selectOption('#pick-measure', choice);
    expect(new URL(page.url()).searchParams.get('measure')).toBe(column);
    expect(new URL(page.url()).searchParams.get('area')).toBe('Southampton');
    const rows = model.tables.find((t) => t.rows.some((r) => column in r))!.rows;
    await page.waitForFunction((n) => document.querySelectorAll('.met-hex').length === n, rows.length);
    const hexes = await page.$$eval('.met-hex', (els) =>
      els.map((e) => ({ locality: e.dataset.locality as string, text: e.querySelector('.met-hex__value').textContent as string })),
    );
    expect(hexes.length).toBe(rows.length);
    for (const x of hexes) {
      const row = rows.find((r) => r.locality === x.locality)!;
      expect(shownNumber(x.text.replace(/ [HG]$/, '')), x.locality).toEqual(row[column]);
    }
    // A link with the measure reproduces the map.
    await page.reload();
    await ready(page);
    await page.waitForSelector('.met-hex');
    expect(await page.$eval('#pick-measure', (e) => (e as HTMLSelectElement).value)).toBe(choice);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says what is wrong with a bad link, in an error summary', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(180_000);
    await page.goto(`${analyst.url}/missing.html?area=Atlantis`);
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.textContent('.govuk-error-summary')).toMatch(/Southampton/);
    await page.close();
  });

  it('prints cleanly: navigation, pickers and buttons hidden, tables shown', async () => {
    const { page } = await watched(browser);
    await page.goto(`${analyst.url}/missing.html`);
    await ready(page);
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#met-nav')).toBe(false);
    expect(await page.isVisible('.met-pickers')).toBe(false);
    expect(await page.isVisible('button.met-toggle')).toBe(false);
    expect(await page.isVisible('.met-chart__table table')).toBe(true);
    // The abbreviations and the definitions print open (a closed details hides its content on paper too, unless styled).
    expect(await page.isVisible('[data-terms] dl')).toBe(true);
    expect(await page.isVisible('details.met-definitions:not([data-terms]) dl')).toBe(true);
    await page.close();
  });

  it('prints its widest tables within an A4 page: nothing cut off at the edge', async () => {
    // 210 mm less two 15 mm margins is 180 mm: 680 CSS pixels upright; a table of many
    // columns is printed on a landscape page of its own (267 mm: 1,009 px). The service
    // gaps' tables are the widest (need against provision by locality: 1,556 px on screen).
    const { page, problems } = await watched(browser);
    await page.emulateMedia({ media: 'print' });
    let wide = 0;
    for (const [width, which] of [
      [680, '.met-table-wrap:not(.met-table-wrap--wide) table'],
      [1009, '.met-table-wrap--wide table'],
    ] as const) {
      await page.setViewportSize({ width, height: 1000 });
      for (const p of ['gaps', 'places', 'areas', 'overview']) {
        await page.goto(`${analyst.url}/${p === 'overview' ? '' : `${p}.html`}`);
        await ready(page);
        const clipped = await page.$$eval(
          which,
          (ts, w) =>
            ts
              .filter((t) => t.getBoundingClientRect().width > 0)
              .filter((t) => t.scrollWidth > w + 1)
              .map(
                (t) =>
                  `${t.querySelector('caption')?.textContent ?? t.closest('[aria-label]')?.getAttribute('aria-label') ?? '?'}: ${Math.round(t.scrollWidth)} px`,
              ),
          width,
        );
        expect(clipped, `${p} at ${width} px`).toEqual([]);
        wide += await page.$$eval('.met-table-wrap--wide table', (ts) => ts.length);
      }
    }
    // Tables of both kinds were measured (the gaps page has both).
    expect(wide).toBeGreaterThan(0);
    // And Chromium prints them so: the gaps page as a PDF has upright A4 pages (595 × 842
    // points) and landscape ones (842 × 595) for its wide tables.
    await page.goto(`${analyst.url}/gaps.html`);
    await ready(page);
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
    const sizes = new Set(
      [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => (Number(m[1]) < Number(m[2]) ? 'upright' : 'landscape')),
    );
    expect([...sizes].sort()).toEqual(['landscape', 'upright']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('searches the quarantine and checks files in the browser before an upload', async () => {
    // The upload refreshes the warehouse: a server of its own on a copy, and a small
    // generated partnership to send (seed 2026, scale 0.05: every file, and the SSDA903
    // return in its subfolder), whose load takes a second rather than the demo's several.
    const extracts = join(tempDir('met-web-upload-'), 'extracts');
    await generate({ out: extracts, seed: DEMO_SEED, scale: 0.05 });
    // Closed with the others (afterAll): a server's close stops every audit of this
    // process, the shared analyst server's included.
    const analyst = await serve({ db: ownCopy(webDb), role: 'analyst' });
    uploadServer = analyst;
    const { page, problems } = await watched(browser);
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    await page.goto(`${analyst.url}/data.html`);
    await ready(page);
    await page.waitForSelector('#q-results[data-total]');
    await page.selectOption('#q-reason', 'unknown locality');
    await page.click('#quarantine-form button[type="submit"]');
    const api = await getJSON<{ total: number }>(`${analyst.url}/api/quarantine?reason=${encodeURIComponent('unknown locality')}&limit=1`);
    await page.waitForFunction(
      (t) => document.querySelector('#q-results')?.dataset.total === String(t) && !document.querySelector('#q-results[aria-busy]'),
      api.total,
    );

    // A whole generated folder (with its SSDA903 subfolder) passes the check.
    await page.setInputFiles('#upload-folder', extracts);
    await page.waitForSelector('#upload-status p');
    expect(await page.textContent('#upload-status')).toMatch(/\d+ files checked/);
    expect(await page.$$('#upload-summary .govuk-error-summary')).toHaveLength(0);
    await page.$eval('#upload-folder', (el) => {
      el.value = '';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });

    // Two bad files: an unknown name, and a known file without its required columns.
    await page.setInputFiles('#upload-files', [
      { name: 'notes.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') },
      { name: 'missing_episodes.csv', mimeType: 'text/csv', buffer: Buffer.from('episode_id,source\nE1,police\n') },
    ]);
    await page.waitForFunction(() => document.querySelectorAll('#upload-summary .govuk-error-summary__list li').length === 2);
    const items = await page.$$eval('#upload-summary .govuk-error-summary__list li', (els) => els.map((e) => e.textContent ?? ''));
    expect(items.length).toBe(2);
    expect(items[0]).toMatch(/notes\.csv is not a file of the contract/);
    expect(items[1]).toMatch(/missing_episodes\.csv is missing required columns: .*child_ref/);
    await page.click('#upload-submit');
    await page.waitForSelector('#upload-summary .govuk-error-summary');
    expect(posts).toEqual([]);

    // The whole folder goes up (the SSDA903 return's area read from its folder's name),
    // and the refresh's load report comes back.
    await page.setInputFiles('#upload-files', []);
    await page.setInputFiles('#upload-folder', extracts);
    await page.waitForSelector('#upload-status p');
    expect(await page.$$('#upload-summary .govuk-error-summary')).toHaveLength(0);
    await page.click('#upload-submit');
    await page.waitForSelector('#upload-status[data-state]', { timeout: 300_000 });
    expect(await page.getAttribute('#upload-status', 'data-state')).toBe('done');
    const report = await page.textContent('#load-report');
    expect(report).toMatch(/Refresh loaded/);
    expect(report).toMatch(/nrm_referrals\.csv/);
    expect(report).toMatch(/ssda903_missing\.csv/);
    expect(posts.length).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('as the board: no figure of 1 to 4 among the tiles, and no data page', async () => {
    const { page, problems } = await watched(browser);
    for (const area of ['all', 'Isle of Wight', 'Portsmouth']) {
      await page.goto(`${board.url}/?area=${encodeURIComponent(area)}`);
      await ready(page);
      expect(await page.textContent('#met-status')).toMatch(/Viewing as: board/);
      const values = await page.$$eval('.met-tile__value', (els) => els.map((e) => (e.textContent ?? '').trim()));
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) expect(v, area).not.toMatch(/^[1-4](\.0+)?$/);
    }
    expect(await page.$('a[data-nav="data"]')).toBeNull();
    // Every other page draws under the board's disclosure control too.
    for (const p of PAGES.filter((x) => x.page !== 'data' && x.page !== 'overview')) {
      await page.goto(`${board.url}/${p.file}?area=Isle%20of%20Wight`);
      await ready(page);
      for (const m of await chartMarks(page)) expect(m.marks, `board ${p.page} ${m.id}`).toBeGreaterThanOrEqual(0);
    }
    await page.goto(`${board.url}/data.html`);
    await ready(page);
    expect(await page.textContent('#met-content')).toMatch(/analyst only/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('signs in through the form: a failure says one thing, success goes back to the page asked for, sign-out ends it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watched(ctx);
    await page.goto(`${signedIn.url}/missing?area=Southampton`);
    // No session: the sign-in page, which will come back here.
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.inputValue('#sign-in-next')).toBe('/missing?area=Southampton');
    await page.fill('#sign-in-name', 'sue.board');
    await page.fill('#sign-in-password', 'not the right one');
    await Promise.all([page.waitForURL(/failed=1/), page.click('#sign-in-button')]);
    expect((await page.textContent('#sign-in-failed'))?.trim()).toBe('You could not be signed inName or password not recognised');
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => v.id);
    });
    expect(violations).toEqual([]);
    await page.fill('#sign-in-name', 'sue.board');
    await page.fill('#sign-in-password', PASSWORD);
    await Promise.all([page.waitForURL(/\/missing\?area=Southampton$/), page.click('#sign-in-button')]);
    await ready(page);
    expect((await page.textContent('#met-account [data-account]'))?.trim()).toBe('Signed in as sue.board (board, Southampton)');
    // Her account sees Southampton only: the only area offered.
    expect(await page.$$eval('#pick-area option', (els) => els.map((e) => (e as HTMLElement).getAttribute('value')))).toEqual(['Southampton']);
    // With one area there are not four to compare: the menu does not offer that page.
    expect(await page.$$eval('[data-nav]', (els) => els.map((e) => e.getAttribute('data-nav')))).not.toContain('areas');
    expect(await page.$$eval('[data-nav]', (els) => els.map((e) => e.getAttribute('data-nav')))).toContain('missing');
    expect(problems).toEqual([]);
    // A link to another area (or to all four) shows her own area instead, and says so:
    // never the other area's figures, and not a dead end.
    for (const [asked, what] of [
      ['Portsmouth', 'Portsmouth'],
      ['all', 'all four areas together'],
    ]) {
      const pages: string[] = [];
      const seen = (r: { url(): string }) => (r.url().includes('/api/pages/') ? pages.push(decodeURIComponent(r.url())) : 0);
      page.on('response', seen);
      // Wait on the event of Southampton's page model arriving (the ready state can be
      // seen before Playwright has delivered the response event), then on the page.
      const southampton = page.waitForResponse((r) => r.url().includes('/api/pages/') && decodeURIComponent(r.url()).includes('area=Southampton'));
      await page.goto(`${signedIn.url}/missing?area=${asked}`);
      await southampton;
      await page.waitForSelector('body[data-state="ready"]');
      page.off('response', seen);
      expect(await page.textContent('#met-area-replaced')).toBe(`The link asks for ${what}, but this account sees Southampton only: showing Southampton.`);
      expect(new URL(page.url()).searchParams.get('area')).toBe('Southampton');
      expect(await page.$eval('#pick-area', (e) => (e as HTMLSelectElement).value)).toBe('Southampton');
      expect(await page.textContent('#met-content')).toMatch(/Missing episodes/);
      // The page it drew is Southampton's (a first request for the link's area was refused, 403).
      expect(pages.at(-1)).toContain('area=Southampton');
    }
    await Promise.all([page.waitForURL(/\/sign-in$/), page.click('#sign-out')]);
    await page.goto(`${signedIn.url}/overview`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await ctx.close();
  });

  it('shows the analyst the audit log on the data page', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watched(ctx);
    // A failed sign-in of another account, to be found in the log.
    const failed = await fetch(`${signedIn.url}/auth/sign-in`, {
      method: 'POST',
      headers: { origin: signedIn.url, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'sue.board', password: 'a wrong password here' }),
    });
    expect(failed.status).toBe(401);
    await page.goto(`${signedIn.url}/data`);
    await page.fill('#sign-in-name', 'ann.analyst');
    await page.fill('#sign-in-password', PASSWORD);
    await Promise.all([page.waitForURL(/\/data$/), page.click('#sign-in-button')]);
    await ready(page);
    await page.waitForSelector('#audit-results table');
    const rows = await page.$$eval('#audit-results tbody tr', (els) =>
      els.map((e) => [...e.querySelectorAll('td, th')].map((c: HTMLElement) => (c.textContent ?? '').trim()).join(' ')),
    );
    // Newest first: her view of the data page, her sign-in (by password), then sue.board's failed attempt
    // (her role and area, the reason, from this machine).
    const at = (re: RegExp) => rows.findIndex((r) => re.test(r));
    const order = [
      at(/ view ann\.analyst analyst – page data/),
      at(/ sign-in ann\.analyst analyst – by password/),
      at(/ sign-in failed sue\.board board Southampton wrong password – 127\.0\.0\.1$/),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(problems).toEqual([]);
    await ctx.close();
  });
});

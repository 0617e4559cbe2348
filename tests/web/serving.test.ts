// How the front end is served and fetched (issue 11, "Serving"): the overview asks for its
// figures beside /api/meta, not after it, and fetches its charting code beside them too; a
// page that draws no chart never fetches the charting code; the built files go gzipped,
// hashed assets cached for a year and the HTML revalidated, under a CSP without
// unsafe-eval. The overlaps are proved by holding one answer until the other request has
// been seen: a page that asked one after the other would never send it (the test then
// fails, naming what was not asked). The overview's time to all charts drawn is printed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Request } from 'playwright-core';
import { launch, ready, type Running, SKIP_BROWSER, serve, watched, webWarehouse } from './browser.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

let browser: Browser;
let board: Running;
/** With sign-in on: its sign-in page (with sign-in off, /sign-in goes to the overview). */
let signIn: Running;

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  const web = await webWarehouse();
  board = await serve({ db: web.db, role: 'board' });
  signIn = await serve({ db: web.db });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await board?.close();
  await signIn?.close();
});

/** Resolves with the first request the page sends that `test` accepts; rejects, naming it, if none comes within `limit` ms (a failure only). */
function seen(page: { on(e: 'request', f: (r: Request) => void): void }, what: string, test: (url: string) => boolean, limit = 60_000) {
  return new Promise<Request>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the page never asked for ${what} while the other answer was held`)), limit);
    page.on('request', (r) => {
      if (test(r.url())) {
        clearTimeout(timer);
        resolve(r);
      }
    });
  });
}

const isVega = (u: string) => /\/assets\/vega-[^/]+\.js$/.test(u);
const isPageModel = (u: string) => u.includes('/api/pages/overview');

describe.skipIf(SKIP_BROWSER)('the front end, fetched in parallel and served compressed', () => {
  it('asks for the overview’s figures beside /api/meta, draws its sparklines without the charting code, and fetches that for the SPC charts (charts drawn in … ms, printed)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watched(ctx);
    const pageModelAsked = seen(page, 'the page model (/api/pages/overview)', isPageModel);
    const vegaAsked = seen(page, 'the charting code (assets/vega-*.js)', isVega);
    // /api/meta is held until the page model has been asked for; the charting code until the sparklines are drawn.
    const held: string[] = [];
    await page.route('**/api/meta', async (route) => {
      await pageModelAsked;
      held.push('meta');
      await route.continue();
    });
    let release = () => {};
    const sparksDrawn = new Promise<void>((r) => {
      release = r;
    });
    await page.route(/\/assets\/vega-[^/]+\.js$/, async (route) => {
      await sparksDrawn;
      held.push('vega');
      await route.continue();
    });
    await page.goto(`${board.url}/`);
    await ready(page);
    const ms = await page.waitForFunction(
      () => {
        const sparks = [...document.querySelectorAll('[data-spark]')];
        return sparks.length > 0 && sparks.every((s: any) => s.querySelector('svg path')) ? performance.now() : false;
      },
      undefined,
      { polling: 'raf' },
    );
    // Ready, every sparkline drawn, and the charting code not yet let through.
    expect(held).toEqual(['meta']);
    console.log(`board overview charts rendered in ${Math.round((await ms.jsonValue()) as number)} ms (parallel fetch, requests held by the test)`);
    release();
    // The charting code is fetched when the page is idle; an SPC chart draws with it.
    await vegaAsked;
    await page.click('.met-tile__open');
    await page.waitForSelector('#spc-panel [data-chart] svg');
    expect(held).toEqual(['meta', 'vega']);
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('never fetches the charting code on a page that draws no chart (the sign-in page)', async () => {
    for (const [server, path] of [[signIn, '/sign-in']] as const) {
      const ctx = await browser.newContext();
      const { page, problems } = await watched(ctx);
      const scripts: string[] = [];
      page.on('request', (r) => {
        if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
      });
      await page.goto(`${server.url}${path}`);
      await page.waitForSelector('form');
      await page.waitForLoadState('networkidle');
      // The page did load scripts of its own, and none of them is the charting code (vega, d3's map).
      expect(scripts.length, path).toBeGreaterThan(0);
      expect(
        scripts.filter((s) => isVega(s) || /\/assets\/(hexmap|d3)[^/]*\.js$/.test(s)),
        path,
      ).toEqual([]);
      expect(await page.$$('[data-chart] svg'), path).toHaveLength(0);
      expect(problems, path).toEqual([]);
      await ctx.close();
    }
  });
});

describe.skipIf(SKIP_BROWSER)('the built files as served', () => {
  it('sends them gzipped; hashed assets are kept a year, the HTML is revalidated; the CSP allows no eval', async () => {
    const html = await fetch(`${board.url}/`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(html.headers.get('content-encoding')).toBe('gzip');
    expect(html.headers.get('cache-control')).toBe('no-cache');
    const csp = html.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    const text = await html.text();
    const entry = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(text)?.[1];
    expect(entry).toBeDefined();
    const js = await fetch(`${board.url}${entry}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // The first script is small: the charting code (a megabyte) is in a chunk of its own, fetched on demand.
    expect((await js.text()).length).toBeLessThan(50_000);
    expect(text).not.toMatch(/vega-[^"]*\.js/);
  });
});

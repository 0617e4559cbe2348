// The board overview in headless Chromium (Debian's, /usr/bin/chromium or MET_CHROMIUM,
// --no-sandbox), run in its own process: `node dist/tests/bench/page.js URL [LOADS]`.
// Each load is a new browser context (an empty browser cache, as a board member opening
// the pack), timed from navigation start to every chart drawn, read in the page as
// performance.now() at that moment. "Every chart drawn" is the browser test's condition
// (tests/web/pages.test.ts, "board overview charts rendered in … ms"): the page says
// ready and every tile's sparkline has its SVG path; and here also every chart plot the
// page shows (not in a closed panel) holds its SVG. The first load is the cold one (the
// server's answers not yet kept); the figure is the median of the LOADS after it.
// Prints one JSON line.

import { chromium } from 'playwright-core';
import { median } from './proc.js';

// The page's own globals, in the function run in the browser (this project compiles without the DOM's types).
declare const document: any;

const [url, n] = process.argv.slice(2);
const loads = Number(n ?? 5);
const browser = await chromium.launch({
  executablePath: process.env.MET_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const times: number[] = [];
const problems: string[] = [];
let charts = { sparks: 0, plots: 0 };
try {
  for (let i = 0; i <= loads; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${new URL(r.url()).pathname}`);
    });
    await page.goto(`${url}/`);
    const drawn = await page.waitForFunction(
      () => {
        const state = document.body.dataset.state;
        if (state === 'error') return { ms: -1, sparks: 0, plots: 0 };
        if (state !== 'ready') return false;
        const sparks = [...document.querySelectorAll('[data-spark]')] as { querySelector(s: string): unknown }[];
        if (!sparks.length || !sparks.every((s) => s.querySelector('svg path'))) return false;
        const plots = ([...document.querySelectorAll('[data-chart]')] as { offsetParent: unknown; querySelector(s: string): unknown }[]).filter(
          (p) => p.offsetParent !== null,
        );
        if (!plots.every((p) => p.querySelector('svg'))) return false;
        return { ms: performance.now(), sparks: sparks.length, plots: plots.length };
      },
      undefined,
      { timeout: 120_000, polling: 'raf' },
    );
    const r = (await drawn.jsonValue()) as { ms: number; sparks: number; plots: number };
    if (r.ms < 0) throw new Error(`the board overview failed to draw: ${problems.join('; ')}`);
    charts = { sparks: r.sparks, plots: r.plots };
    times.push(Math.round(r.ms));
    await ctx.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ cold_ms: times[0], ms: times.slice(1), median_ms: Math.round(median(times.slice(1))), charts, problems }));

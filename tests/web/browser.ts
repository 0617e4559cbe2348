// What the browser test files share: Debian's Chromium (nothing is downloaded; missing,
// the tests fail naming the fix, unless MET_SKIP_BROWSER=1 asks to skip them, which is
// then said), the compiled server started on a warehouse with a state file of its own,
// a page that records every problem, and the small demo warehouse (seed 2026, scale 0.2),
// built once per test run (tests/shared.ts) and only read: a test that refreshes takes
// its own copy (`ownCopy`).

import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { tempDir } from '../helpers.js';

export const ROOT = resolve(import.meta.dirname, '../..');
const WEB = join(ROOT, 'dist/web');
// The compiled server: it serves dist/web beside it (the source server/ would look for web/).
const SERVER = join(ROOT, 'dist/server/index.js');
export const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

export const CHROMIUM = process.env.MET_CHROMIUM || '/usr/bin/chromium';
export const SKIP_BROWSER = process.env.MET_SKIP_BROWSER === '1';
if (SKIP_BROWSER) {
  console.warn('BROWSER TESTS SKIPPED (MET_SKIP_BROWSER=1): no page was tested in a browser.');
} else if (!existsSync(CHROMIUM)) {
  throw new Error(
    `Chromium is not installed at ${CHROMIUM}, so no page can be tested in a browser. ` +
      "Install Debian's: apt-get install -y chromium (or set MET_CHROMIUM to its path); " +
      'MET_SKIP_BROWSER=1 skips the browser tests instead, and says so.',
  );
}

export interface Running {
  url: string;
  close(): Promise<void>;
  state: { accounts: { addLocal(a: { name: string; role: string; area: string | null; passwordHash: string }): unknown } };
}

/** The small demo warehouse of the browser tests (seed 2026, scale 0.2, tests/demo.ts): read it, never refresh it. */
export { smallDemoWarehouse as webWarehouse } from '../demo.js';

/** A copy of a warehouse in a folder of its own, for a test that refreshes it. */
export function ownCopy(db: string): string {
  const copy = join(tempDir('met-web-copy-'), 'met.duckdb');
  copyFileSync(db, copy);
  return copy;
}

/** The compiled server on a warehouse, with sign-in off as `role` (or on, without one), and a state file of its own. */
export async function serve(opts: { db: string; role?: string }): Promise<Running> {
  if (!existsSync(join(WEB, 'index.html'))) throw new Error('dist/web is missing: run `npm run build` first (npm test does, in pretest)');
  if (!existsSync(SERVER)) throw new Error(`${SERVER} does not exist: the server has not been built`);
  const { startServer } = (await import(SERVER)) as {
    startServer(o: { db: string; role?: string; port: number; log: boolean; state: string }): Promise<Running>;
  };
  return startServer({ ...opts, port: 0, log: false, state: join(tempDir('met-web-state-'), 'state.sqlite') });
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-quic',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** A page that records console errors, failed requests and HTTP errors. */
export async function watched(ctx: BrowserContext | Browser, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const page = await ctx.newPage({ viewport } as never);
  // A busy machine (another test run beside this one) is slow, not broken: generous limits, events not sleeps.
  page.setDefaultTimeout(180_000);
  page.setDefaultNavigationTimeout(180_000);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A request the test's own next navigation cuts short (net::ERR_ABORTED) is not a
    // failure of the page; every other failure is.
    const error = r.failure()?.errorText ?? '';
    if (!error.includes('ERR_ABORTED')) problems.push(`failed: ${r.url()} ${error}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, problems };
}

/** Waits until the page has drawn (or failed), and expects it drawn. */
export async function ready(page: Page): Promise<void> {
  await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 180_000 });
  expect(await page.getAttribute('body', 'data-state')).toBe('ready');
}

// The board's questions in a real browser (issue 10, "The board"): every signal on a page
// is in its commentary, first; the period picker offers no period without data and never
// defaults to one in progress (a link to an empty one is replaced, and says so); the ages
// picker changes every tile, or the tile's label says its own ages. One server (the board
// role, sign-in off) on a small generated demo warehouse; Debian's Chromium.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parsePeriod, periodContaining } from '../../lib/periods.js';
import { fillWords, PARAMETERS, wordsFor } from '../../model/parameters.js';
import { launch, ready, type Running, SKIP_BROWSER, serve, webWarehouse } from './browser.js';

// The callbacks given to page.$$eval run in the browser (no DOM library in the Node build).
type HTMLElement = { textContent: string | null; dataset: Record<string, string | undefined>; querySelector(s: string): HTMLElement | null };

interface Meta {
  periods: Record<'month' | 'quarter' | 'fy' | 'year', string[]>;
  in_progress: string[];
  default_period: string;
  measures: { id: string; label: string }[];
}
interface Reading {
  measures: Record<string, { value: unknown; trend?: { spc: { status: string; latest?: string; signals?: unknown[] } } }>;
}

let browser: Browser;
let board: Running;
let meta: Meta;

async function getJSON<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return (await res.json()) as T;
}

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(120_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${board.url}${path}`);
  await ready(page);
  return { page, problems };
}

const commentary = (page: Page) => page.$$eval('.met-commentary p', (els) => els.map((e) => (e as unknown as HTMLElement).textContent ?? ''));

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  board = await serve({ db: (await webWarehouse()).db, role: 'board' });
  meta = await getJSON<Meta>(`${board.url}/api/meta`);
  browser = await launch();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await board?.close();
});

/** The measures whose trend reading has a signal, for the page's own read (as /api/measures gives it). */
async function signalsOf(ids: string[], period: string): Promise<{ latest: string[]; earlier: string[] }> {
  const r = await getJSON<Reading>(`${board.url}/api/measures?period=${period}&ids=${ids.join(',')}&trend=12`);
  // The label as the page words it: its {placeholders} filled with the parameters.
  const label = (id: string) => fillWords(meta.measures.find((m) => m.id === id)!.label, wordsFor(PARAMETERS));
  const ok = ids.filter((id) => r.measures[id]?.trend?.spc.status === 'ok');
  return {
    latest: ok.filter((id) => r.measures[id]!.trend!.spc.latest !== 'normal').map(label),
    earlier: ok.filter((id) => r.measures[id]!.trend!.spc.latest === 'normal' && (r.measures[id]!.trend!.spc.signals?.length ?? 0) > 0).map(label),
  };
}

describe.skipIf(SKIP_BROWSER)('the board in a browser', () => {
  it.each([
    ['overview', '/', '.met-tile', 'measure'],
    ['risk', '/risk.html', '[data-chart^="spc-"]', 'chart'],
  ])(
    'says every signal on the %s page in its commentary, first',
    async (name, path, selector, attr) => {
      // The complete quarters, newest first; the first whose page shows a signal (the demo has one: the test fails if none does).
      const quarters = meta.periods.quarter.filter((q) => !meta.in_progress.includes(q));
      let found: { period: string; latest: string[]; earlier: string[] } | null = null;
      let shown: string[] = [];
      const model = (x: { tiles?: { id: string }[]; charts?: { id: string }[] }) =>
        name === 'overview' ? (x.tiles ?? []).map((t) => t.id) : (x.charts ?? []).filter((c) => c.id.startsWith('spc-')).map((c) => c.id.replace(/^spc-/, ''));
      for (const period of quarters) {
        shown = model(await getJSON(`${board.url}/api/pages/${name}?period=${period}`));
        const s = await signalsOf(shown, period);
        if (s.latest.length === 0) continue;
        found = { period, ...s };
        const { page, problems } = await open(`${path}?period=${period}`);
        // The browser shows those measures (tiles, or trend charts).
        expect(
          (await page.$$eval(selector, (els, a) => els.map((e) => (e as unknown as HTMLElement).dataset[a] ?? ''), attr)).map((x) => x.replace(/^spc-/, '')),
        ).toEqual(shown);
        const said = await commentary(page);
        // The signals come first, in the page's order, one sentence each; then the earlier signals (exceptions).
        const opening = said.slice(0, found.latest.length);
        expect(
          opening.map((x) => x.split(':')[0]),
          `${name} ${period}: ${said.join(' | ')}`,
        ).toEqual(found.latest);
        for (const x of opening) expect(x).toMatch(/: (higher|lower) than expected.*a signal rather than normal variation\. /);
        for (const l of found.earlier) expect(said.some((x) => x.startsWith(`${l}: the latest point is within the normal range`))).toBe(true);
        // A tile that shows a signal is among them (the overview shows it on the tile too).
        if (name === 'overview') {
          const flagged = await page.$$eval('.met-tile', (els) =>
            els
              .filter((e) => /^signal_/.test(e.querySelector('.met-signal')?.dataset.signal ?? ''))
              .map((e) => e.querySelector('.met-tile__label')?.textContent ?? ''),
          );
          expect(flagged).toEqual(found.latest);
        }
        expect(new Set(said).size, 'no sentence said twice').toBe(said.length);
        expect(problems).toEqual([]);
        await page.close();
        break;
      }
      expect(found, `no complete quarter of the demo shows a signal on the ${name} page (${shown.join(', ')})`).not.toBeNull();
    },
    300_000,
  );

  it('offers no period without data, marks those in progress and never defaults to one; an empty period in a link is replaced, and said so', async () => {
    const { page, problems } = await open('/');
    const options = await page.$$eval('#pick-period option', (els) =>
      els.map((e) => ({
        value: (e as unknown as { value: string }).value,
        text: e.textContent ?? '',
        selected: (e as unknown as { selected: boolean }).selected,
      })),
    );
    const selected = options.filter((o) => o.selected);
    expect(selected.map((o) => o.value)).toEqual([meta.default_period]);
    expect(selected[0]!.text).not.toContain('in progress');
    expect(meta.in_progress).not.toContain(meta.default_period);
    // Each one in progress is marked, and only those.
    for (const o of options) expect(o.text.endsWith('(in progress)'), o.value).toBe(meta.in_progress.includes(o.value));
    // Every period offered has data: some MET event in it (a figure above 0, or one withheld because it is small).
    for (const o of options) {
      const r = await getJSON<Reading>(`${board.url}/api/measures?period=${o.value}&ids=missing_episodes,met_children&trend=0`);
      const values = Object.values(r.measures).map((m) => m.value);
      expect(
        values.some((v) => v === 'c' || (typeof v === 'number' && v > 0)),
        `${o.value}: ${JSON.stringify(values)}`,
      ).toBe(true);
    }
    // The quarter after the newest one offered has no data yet: a link to it shows the default, and says why.
    const newest = [...meta.periods.quarter].sort().at(-1)!;
    const empty = periodContaining('quarter', parsePeriod(newest).end).id;
    expect(options.map((o) => o.value)).not.toContain(empty);
    await page.goto(`${board.url}/?period=${empty}`);
    await ready(page);
    expect(await page.textContent('#met-period-replaced')).toContain(`There are no figures for the period ${empty} in the link`);
    expect(await page.inputValue('#pick-period')).toBe(meta.default_period);
    expect(new URL(page.url()).searchParams.get('period')).toBe(meta.default_period);
    expect(await page.getAttribute('[data-selection]', 'data-selection')).toBe(`all|${meta.default_period}|0-17`);
    expect((await commentary(page)).join(' ')).not.toMatch(/to 0 \(-100%\)/);
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);

  it('compares a financial year with the previous year once: on the tiles, in the figures table and in the commentary', async () => {
    const fy = meta.periods.fy.find((p) => !meta.in_progress.includes(p))!;
    const { page, problems } = await open(`/?period=${fy}`);
    const compare = await page.$$eval('.met-tile__compare', (els) => els.map((e) => e.textContent ?? ''));
    expect(compare.length).toBeGreaterThan(0);
    for (const c of compare) {
      expect(c).toMatch(/^Previous \(/);
      expect(c).not.toContain('A year earlier');
    }
    expect(await page.$$eval('table th', (els) => els.map((e) => e.textContent ?? ''))).not.toContain('A year earlier');
    expect((await commentary(page)).join(' ')).not.toContain('a year earlier');
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);

  it('changes every tile with the ages picker, or the tile says its own ages; no national figure for young adults', async () => {
    const { page, problems } = await open(`/?period=${meta.default_period}`);
    const tiles = () =>
      page.$$eval('.met-tile', (els) =>
        els.map((e) => ({
          id: e.dataset.measure ?? '',
          label: e.querySelector('.met-tile__label')?.textContent ?? '',
          value: e.querySelector('.met-tile__value')?.dataset.value ?? '',
          detail: e.querySelector('.met-tile__detail')?.textContent ?? '',
        })),
      );
    const children = await tiles();
    expect(children.find((t) => t.id === 'rhi_completed_72h_pct')!.detail).toMatch(/^National figure about 63\.0%/);
    expect(children.every((t) => !/only\)|not by age/.test(t.label))).toBe(true);
    await page.selectOption('#pick-ages', '18-24');
    await page.waitForSelector(`[data-selection="all|${meta.default_period}|18-24"]`);
    await ready(page);
    const adults = await tiles();
    expect(adults.map((t) => t.id)).toEqual(children.map((t) => t.id));
    const own = /\((ages \d+–\d+ only|aged \d+ only|not by age)\)$/;
    let changed = 0;
    for (const [i, t] of adults.entries()) {
      if (t.value !== children[i]!.value) changed++;
      else expect(t.label, `${t.id} stayed at ${t.value} for 18–24 without saying its own ages`).toMatch(own);
    }
    expect(changed).toBeGreaterThan(0);
    // The two figures that stay at 0–17 say so; the national figure (for children) is not set beside young adults'.
    expect(adults.find((t) => t.id === 'met_children')!.label).toBe('MET children (ages 0–17 only)');
    expect(adults.find((t) => t.id === 'prevalence_per_10k')!.label).toBe('MET prevalence per 10,000 children (ages 0–17 only)');
    expect(adults.find((t) => t.id === 'rhi_completed_72h_pct')!.detail).not.toMatch(/National figure about/);
    const said = (await commentary(page)).join(' ');
    expect(said).not.toMatch(/national figure/);
    expect(said).toContain('Figures are for ages 18–24, except those whose label names their own ages.');
    expect(said).not.toMatch(/\d-\d/);
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);
});

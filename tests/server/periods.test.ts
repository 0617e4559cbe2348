// Periods the server serves: only those the data reaches, never one after the refresh.
// An old warehouse may hold a row dated 2100-12-31 (loaded before dates in the future
// were quarantined): it must neither become the default period nor break any answer.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { POPULATION, episode, episodes, tempDir, writeFolder } from '../helpers.js';
import { load } from '../../etl/load.js';
import { buildMeasures } from '../../etl/buildMeasures.js';
import { withDb } from '../../lib/db.js';
import { startServer, type RunningServer } from '../../server/index.js';
import { raw } from './http.js';

let analyst: RunningServer;
let board: RunningServer;

beforeAll(async () => {
  const dir = tempDir('met-periods-');
  const db = join(dir, 'met.duckdb');
  // Five episodes, one a month from January to May 2025: three in 2025-Q1, two in 2025-Q2.
  const rows = ['01', '02', '03', '04', '05'].map((m, i) =>
    episode({ episode_id: `E${i + 1}`, reported_at: `2025-${m}-10 09:00`, returned_at: `2025-${m}-10 21:00` }),
  );
  const folder = writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(...rows) });
  expect((await load({ inDir: folder, db })).report.status).toBe('loaded');
  // As an old warehouse would be: a row dated 2100-12-31 among the episodes, measures built
  // with it, and a refresh on 2025-07-15 (fixed here, so that no answer depends on today's date).
  await withDb(db, { readOnly: false }, async (d) => {
    await d.run(`INSERT INTO missing_episodes SELECT * REPLACE ('EFUTURE' AS episode_id, TIMESTAMP '2100-12-31 10:00' AS reported_at, TIMESTAMP '2100-12-31 12:00' AS returned_at)
                 FROM missing_episodes WHERE episode_id = 'E1'`);
    await d.run(`UPDATE refreshes SET started_at = TIMESTAMP '2025-07-15 11:00', finished_at = TIMESTAMP '2025-07-15 12:00'`);
    await buildMeasures(d);
    expect(await d.value<string>(`SELECT max(period_id) FROM periods WHERE kind = 'quarter'`)).toBe('2100-Q4');
  });
  analyst = await startServer({ db, port: 0, role: 'analyst', log: false });
  board = await startServer({ db, port: 0, role: 'board', log: false });
});

afterAll(async () => {
  await analyst?.close();
  await board?.close();
});

const get = (s: RunningServer, path: string) => raw(s.url, { path });
const RANGE = /the warehouse covers 2025-01 to 2025-07 \(nothing after its refresh on 2025-07-15\): choose a period in that range/;

describe('a far-future row in the warehouse', () => {
  it('does not move the default period: the latest complete quarter up to the refresh', async () => {
    for (const s of [analyst, board]) {
      const meta = await get(s, '/api/meta');
      expect(meta.status).toBe(200);
      // The latest episode up to the refresh is 2025-05-10: 2025-Q1 is the latest quarter it covers.
      expect(meta.json.default_period).toBe('2025-Q1');
      // Offered (lib/periods.ts offerPeriods): complete periods newest first, then those in
      // progress. 2025-Q1 ends 03-31 ≤ 05-10: complete. 2025-Q2 (04-01 to 06-30) holds the
      // April and May episodes but ends after 05-10: in progress. 2025-Q3 starts 07-01,
      // after the latest episode: no data yet, not offered (it would show 0 for everything).
      expect(meta.json.periods.quarter).toEqual(['2025-Q1', '2025-Q2']);
      // FY2024-25 ends 2025-03-31: complete; FY2025-26 began 04-01: in progress.
      expect(meta.json.periods.fy).toEqual(['FY2024-25', 'FY2025-26']);
      // Newest first by start: 2025-05 (05-01), 2025-Q2 and FY2025-26 (both 04-01, by id), 2025 (01-01).
      expect(meta.json.in_progress).toEqual(['2025-05', '2025-Q2', 'FY2025-26', '2025']);
      expect(meta.json.in_progress).not.toContain(meta.json.default_period);
    }
    // January to April are complete, May is in progress; June and July (up to the refresh) hold no data.
    const months = ['2025-04', '2025-03', '2025-02', '2025-01', '2025-05'];
    expect((await get(analyst, '/api/meta')).json.periods.month).toEqual(months);
    // Partners may ask for any period (each response is protected on its own).
    expect((await get(board, '/api/meta')).json.periods.month).toEqual(months);
  });

  it('answers /api/measures and the overview for everyone', async () => {
    const m = await get(analyst, '/api/measures?ids=missing_episodes&trend=4');
    expect(m.status).toBe(200);
    expect(m.json.period).toBe('2025-Q1');
    expect(m.json.measures.missing_episodes.value).toBe(3);
    expect(m.json.measures.missing_episodes.trend.periods).toEqual(['2025-Q1']);
    for (const s of [analyst, board]) {
      const page = await get(s, '/api/pages/overview');
      expect(page.status).toBe(200);
      expect(page.json.period).toBe('2025-Q1');
      expect((await get(s, '/api/measures')).status).toBe(200);
    }
  });

  it.each([
    ['/api/measures?period=2100-Q4', '2100-Q4'],
    ['/api/measures?period=2100-12', '2100-12'],
    ['/api/measures?period=2025-08', '2025-08'],
    ['/api/measures?period=2100', '2100'],
    ['/api/measures?period=1900-Q1', '1900-Q1'],
    ['/api/measures?period=2024-12', '2024-12'],
    ['/api/pages/overview?period=2100-Q4', '2100-Q4'],
    ['/api/pages/missing?period=1900-Q1', '1900-Q1'],
  ])('refuses %s with a 400 that gives the range (analyst)', async (path, period) => {
    const r = await get(analyst, path);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(new RegExp(`^there is no data for ${period}: `));
    expect(r.json.error).toMatch(RANGE);
  });

  it.each([
    '/api/measures?period=2100-Q4',
    '/api/measures?period=FY2100-01',
    '/api/measures?period=1900-Q1',
    '/api/measures?period=FY1900-01',
    '/api/pages/overview?period=2100-Q4',
  ])('refuses %s with a 400 that gives the range (board)', async (path) => {
    const r = await get(board, path);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(RANGE);
  });

  it('serves a period that runs past the data, but not the refresh, as incomplete', async () => {
    const r = await get(analyst, '/api/measures?period=2025-Q3&ids=missing_episodes&trend=0');
    expect(r.status).toBe(200);
    expect(r.json.complete).toBe(false);
    expect(r.json.warnings[0]).toContain('runs past the latest episode in the extracts (2025-05-10)');
    expect(r.json.measures.missing_episodes.value).toBe(0);
    // A financial year that began before the data did is still served (3 episodes: withheld from the board as c).
    const fy = await get(board, '/api/measures?period=FY2024-25&ids=missing_episodes&trend=0');
    expect(fy.status).toBe(200);
    expect(fy.json.measures.missing_episodes.value).toBe('c');
    expect((await get(analyst, '/api/measures?period=FY2024-25&ids=missing_episodes&trend=0')).json.measures.missing_episodes.value).toBe(3);
  });
});

// Data-quality detail (load_summary, completeness, timeliness; refused files and the
// refresh history) is for the analyst only, on every path: the measures API in JSON
// and Arrow, the page models, /api/meta and `met measures` on the command line.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { POPULATION, TEST_KEY, episode, episodes, tempDir, writeFolder } from '../helpers.js';
import { load } from '../../etl/load.js';
import { withDb } from '../../lib/db.js';
import { ANALYST_ONLY_MEASURES, ForbiddenError, readMeasures } from '../../lib/measures.js';
import { buildPage, sourceAges } from '../../lib/pages.js';
import type { PageModel } from '../../model/api.js';
import { startServer, type RunningServer } from '../../server/index.js';
import { raw } from './http.js';

const BIN = join(import.meta.dirname, '../../bin/met.js');
const DQ = ['load_summary', 'completeness', 'timeliness', 'returns_without_interview'];
let db: string;
let analyst: RunningServer;
let board: RunningServer;
let commissioner: RunningServer;

beforeAll(async () => {
  const dir = tempDir('met-dq-');
  db = join(dir, 'met.duckdb');
  const rows = ['01', '02', '03'].map((m, i) => episode({ episode_id: `E${i + 1}`, reported_at: `2025-${m}-10 09:00`, returned_at: `2025-${m}-10 21:00` }));
  // referrals.csv has no header row: refused, with its error in the refresh history.
  const folder = writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(...rows), 'referrals.csv': 'R1,2025-01-05\n' });
  const { report } = await load({ inDir: folder, db });
  expect(report.status).toBe('loaded');
  expect(report.files.find((f) => f.file === 'referrals.csv')?.status).toBe('refused');
  analyst = await startServer({ db, port: 0, role: 'analyst', log: false });
  board = await startServer({ db, port: 0, role: 'board', log: false });
  commissioner = await startServer({ db, port: 0, role: 'commissioner', log: false });
});

afterAll(async () => {
  await analyst?.close();
  await board?.close();
  await commissioner?.close();
});

it('names the four data-quality measures', () => {
  expect([...ANALYST_ONLY_MEASURES].sort()).toEqual([...DQ].sort());
});

describe('/api/measures', () => {
  it.each(DQ)('refuses %s to the board and commissioners when asked by id: 403 naming the rule', async (id) => {
    for (const s of [board, commissioner]) {
      const r = await raw(s.url, { path: `/api/measures?period=2025-Q1&ids=missing_episodes,${id}` });
      expect(r.status).toBe(403);
      expect(r.json.error).toBe(`${id} is for the analyst only: data-quality detail is not shown to the ${s === board ? 'board' : 'commissioner'} role`);
    }
    const ok = await raw(analyst.url, { path: `/api/measures?period=2025-Q1&ids=${id}` });
    expect(ok.status).toBe(200);
    expect(ok.json.measures[id].rows.length).toBeGreaterThan(0);
  });

  it('leaves them out for the board when every measure is asked for, and keeps them for the analyst', async () => {
    const b = await raw(board.url, { path: '/api/measures?period=2025-Q1' });
    expect(b.status).toBe(200);
    for (const id of DQ) expect(b.json.measures).not.toHaveProperty(id);
    expect(b.json.measures).toHaveProperty('missing_episodes');
    expect(b.json.commentary.data_quality).toEqual([]);
    expect(b.text).not.toMatch(/referrals\.csv|no header|refused/i);
    const a = await raw(analyst.url, { path: '/api/measures?period=2025-Q1' });
    for (const id of DQ) expect(a.json.measures).toHaveProperty(id);
    expect(a.json.measures.load_summary.rows.some((r: any) => r.file === 'referrals.csv' && r.status === 'refused')).toBe(true);
  });

  it('refuses them in Arrow too', async () => {
    const r = await raw(board.url, { path: '/api/measures?period=2025-Q1&ids=completeness', headers: { accept: 'application/vnd.apache.arrow.stream' } });
    expect(r.status).toBe(403);
    expect(r.json.error).toMatch(/completeness is for the analyst only/);
  });
});

describe('the other paths', () => {
  it('page models: the data page is refused to the board by the server and by the library', async () => {
    expect((await raw(board.url, { path: '/api/pages/data?period=2025-Q1' })).status).toBe(403);
    await withDb(db, { readOnly: true }, async (d) => {
      await expect(
        buildPage(d, { page: 'data', area: 'all', period: '2025-Q1', ages: '0-17', role: 'board', refresh: { refresh_id: 'r', finished_at: null } }),
      ).rejects.toThrow(ForbiddenError);
      await expect(readMeasures(d, { period: '2025-Q1', area: 'all', role: 'commissioner', ids: ['timeliness'] })).rejects.toThrow(
        /timeliness is for the analyst only/,
      );
      const page = await buildPage(d, {
        page: 'overview',
        area: 'all',
        period: '2025-Q1',
        ages: '0-17',
        role: 'board',
        refresh: { refresh_id: 'r', finished_at: null },
      });
      expect(JSON.stringify(page)).not.toMatch(/load_summary|completeness|timeliness|referrals\.csv/);
    });
  });

  it('/api/meta: how current each source is, for the analyst only', async () => {
    for (const s of [board, commissioner]) expect((await raw(s.url, { path: '/api/meta' })).json.refresh.sources).toEqual([]);
    const a = (await raw(analyst.url, { path: '/api/meta' })).json.refresh.sources as { source: string; latest_event: string }[];
    expect(a.find((x) => x.source === 'missing_episodes')).toMatchObject({ latest_event: '2025-03-10' });
  });

  it('the refresh jobs (their load reports, refused files included) are the analyst’s', async () => {
    expect((await raw(board.url, { path: '/api/refresh/any-job' })).status).toBe(403);
  });

  it('met measures: absent for the board unless asked, refused when asked (exit 2)', () => {
    const env = { ...process.env, MET_SECRET_KEY: TEST_KEY };
    const all = spawnSync(process.execPath, [BIN, 'measures', '--db', db, '--period', '2025-Q1', '--role', 'board', '--trend', '0', '--json'], {
      env,
      encoding: 'utf-8',
    });
    expect(all.status).toBe(0);
    const measures = JSON.parse(all.stdout).measures as Record<string, unknown>;
    for (const id of DQ) expect(measures).not.toHaveProperty(id);
    expect(measures).toHaveProperty('missing_episodes');
    const asked = spawnSync(process.execPath, [BIN, 'measures', '--db', db, '--period', '2025-Q1', '--role', 'board', '--ids', 'load_summary'], {
      env,
      encoding: 'utf-8',
    });
    expect(asked.status).toBe(2);
    expect(asked.stderr).toMatch(/met measures: load_summary is for the analyst only/);
    expect(asked.stdout).toBe('');
    const analystRun = spawnSync(process.execPath, [BIN, 'measures', '--db', db, '--period', '2025-Q1', '--ids', 'load_summary', '--json'], {
      env,
      encoding: 'utf-8',
    });
    expect(analystRun.status).toBe(0);
    expect(JSON.parse(analystRun.stdout).measures.load_summary.rows.length).toBeGreaterThan(0);
  });
});

// The data page's model: which refresh each count is about, and a source older than its
// expected refresh interval (model/contract.ts EXPECTED_REFRESH) flagged in words.
describe('the data page: which refresh, and sources older than expected', () => {
  let db2: string;
  let lastExtract: string;
  let first: string;
  let second: string;
  const page = (now: Date): Promise<PageModel> =>
    withDb(db2, { readOnly: true }, (d) =>
      buildPage(d, { page: 'data', area: 'all', period: '2025-Q1', ages: '0-17', role: 'analyst', refresh: { refresh_id: 'r', finished_at: null }, now }),
    );
  const day = (iso: string, plus: number) => new Date(Date.parse(`${iso}T12:00:00Z`) + plus * 86_400_000);

  beforeAll(async () => {
    const dir = tempDir('met-dq2-');
    db2 = join(dir, 'met.duckdb');
    // Refresh 1: missing_episodes.csv with E1, E2 and E3 (unknown area: quarantined) and population.
    // Refresh 2: population.csv alone, with one row of an unknown area (quarantined).
    const eps = episodes(
      episode({ episode_id: 'E1' }),
      episode({ episode_id: 'E2', reported_at: '2025-03-03 09:00', returned_at: '2025-03-03 20:00' }),
      episode({ episode_id: 'E3', area: 'Atlantis' }),
    );
    const r1 = await load({ inDir: writeFolder(join(dir, 'in1'), { 'population.csv': POPULATION, 'missing_episodes.csv': eps }), db: db2 });
    expect(r1.report.files.map((f) => [f.file, f.quarantined])).toEqual([
      ['population.csv', 0],
      ['missing_episodes.csv', 1],
    ]);
    const r2 = await load({
      inDir: writeFolder(join(dir, 'in2'), {
        'population.csv': `${POPULATION}
2024,Atlantis,Nowhere,F,15,5`,
      }),
      db: db2,
    });
    expect(r2.report.files.map((f) => [f.file, f.quarantined])).toEqual([['population.csv', 1]]);
    const stored = await withDb(db2, { readOnly: true }, (d) =>
      d.all<{ source: string; day: string }>(`SELECT source, strftime(loaded_at, '%Y-%m-%d') AS day FROM source_state ORDER BY source`),
    );
    // Both sources were loaded today (whatever day that is): the test's "now" is counted from it.
    expect(stored.map((x) => x.source)).toEqual(['missing_episodes', 'population']);
    lastExtract = stored[0]!.day;
    const starts = await withDb(db2, { readOnly: true }, (d) =>
      d.all<{ s: string }>(`SELECT strftime(started_at, '%Y-%m-%d %H:%M') AS s FROM refreshes ORDER BY started_at`),
    );
    [first, second] = starts.map((x) => x.s) as [string, string];
  });

  it('sourceAges: older than its interval only past the interval (monthly 31 days, yearly 366)', () => {
    const at = day('2026-01-01', 0);
    // 2026-01-01 − 2025-12-01 = 31 days: not past a monthly interval; − 2025-11-30 = 32: past it.
    expect(
      sourceAges(
        [
          { source: 'missing_episodes', last_extract: '2025-12-01' },
          { source: 'referrals', last_extract: '2025-11-30' },
          { source: 'population', last_extract: '2025-01-01' },
          { source: 'ssda903_header', last_extract: '2020-01-01' },
        ],
        at,
      ),
    ).toEqual([
      { source: 'missing_episodes', last_extract: '2025-12-01', days: 31, expected: 'monthly', stale: false },
      { source: 'referrals', last_extract: '2025-11-30', days: 32, expected: 'monthly', stale: true },
      // 2026-01-01 − 2025-01-01 = 365 days ≤ 366.
      { source: 'population', last_extract: '2025-01-01', days: 365, expected: 'yearly', stale: false },
      // No interval declared: never flagged.
      { source: 'ssda903_header', last_extract: '2020-01-01', days: 2192, expected: null, stale: false },
    ]);
  });

  it('flags a source older than expected, with the date of its last extract, in a warning and in the timeliness table', async () => {
    // 40 days after both loads: missing_episodes (monthly, 31) is older than expected; population (yearly) is not.
    const m = await page(day(lastExtract, 40));
    const long = new Date(`${lastExtract}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    expect(m.warnings).toEqual([
      `Missing episodes is older than expected: its last extract was loaded on ${long}, 40 days ago; a new extract is expected monthly.`,
    ]);
    const t = m.tables.find((x) => x.id === 'timeliness')!;
    expect(t.rows.map((r) => [r.source, r.refreshed, r.expected, r.current])).toEqual([
      ['missing_episodes', lastExtract, 'monthly', `Older than expected (last extract ${lastExtract})`],
      ['population', lastExtract, 'yearly', 'Within its interval'],
    ]);
    // 31 days after: within every interval, said once.
    const ok = await page(day(lastExtract, 31));
    expect(ok.warnings).toEqual([]);
    expect(ok.commentary).toContain('Every source’s last extract is within its expected refresh interval.');
  });

  it('says which refresh a count is about: quarantined by each refresh, against in quarantine now', async () => {
    const m = await page(day(lastExtract, 0));
    // The latest refresh quarantined 1 row (population's Atlantis); in quarantine now: that
    // row and E3, kept from the first refresh because the second did not replace missing_episodes.
    expect(m.commentary).toContain('The latest refresh quarantined 1 rows for correction.');
    expect(m.commentary).toContain(
      '2 rows are in quarantine now: the rows of the extracts currently loaded, each kept from the refresh that loaded its source (a source the latest refresh did not replace keeps its earlier quarantine).',
    );
    const history = m.tables.find((x) => x.id === 'load_summary')!;
    expect(history.title).toBe('Load history: each refresh, the latest first');
    expect(history.columns.find((c) => c.key === 'quarantined')?.label).toBe('Quarantined by this refresh');
    // The latest refresh first: population.csv (1); then the first: missing_episodes.csv (1), population.csv (0).
    expect(history.rows.map((r) => [r.started_at, r.file, r.quarantined])).toEqual([
      [second, 'population.csv', 1],
      [first, 'missing_episodes.csv', 1],
      [first, 'population.csv', 0],
    ]);
    const q = m.tables.find((x) => x.id === 'quarantine')!;
    expect(q.title).toBe('In quarantine now, by file and reason (the extracts currently loaded)');
    expect(q.rows).toEqual([
      { file: 'missing_episodes.csv', kind: 'unknown area', rows: 1, started_at: first },
      { file: 'population.csv', kind: 'unknown area', rows: 1, started_at: second },
    ]);
  });
});

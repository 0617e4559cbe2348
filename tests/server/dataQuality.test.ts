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
import { buildPage } from '../../lib/pages.js';
import { startServer, type RunningServer } from '../../server/index.js';
import { raw } from './http.js';

const BIN = join(import.meta.dirname, '../../bin/met.js');
const DQ = ['load_summary', 'completeness', 'timeliness'];
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

it('names the three data-quality measures', () => {
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

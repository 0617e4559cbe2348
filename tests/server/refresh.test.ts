// Refreshes while the server runs: a new warehouse renamed over the old one is picked
// up without a restart and without a failed request; an upload from the browser runs
// the same load() and reports its progress; with no warehouse the server says so.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { POPULATION, episode, episodes, tempDir, jobEnd, writeFolder } from '../helpers.js';
import { generate } from '../../etl/generate/generate.js';
import { load } from '../../etl/load.js';
import { privateBase } from '../../etl/privateDir.js';
import { startServer, type RunningServer } from '../../server/index.js';
import { Warehouse } from '../../server/warehouse.js';

let dir: string;
let db: string;
let server: RunningServer;

beforeAll(async () => {
  dir = tempDir('met-refresh-');
  db = join(dir, 'met.duckdb');
  await generate({ out: join(dir, 'a'), seed: 3, scale: 0.05 });
  await generate({ out: join(dir, 'b'), seed: 4, scale: 0.05 });
  expect((await load({ inDir: join(dir, 'a'), db })).report.status).toBe('loaded');
  server = await startServer({ db, port: 0, role: 'analyst', log: false });
});

afterAll(async () => {
  await server?.close();
});

const refreshOf = async (path: string) => {
  const res = await fetch(server.url + path);
  const body = (await res.json()) as { refresh?: { refresh_id: string } };
  return { status: res.status, refresh: body.refresh?.refresh_id };
};

describe('a refresh while the server runs', () => {
  it('is picked up by the next requests, with no failed request', async () => {
    const before = await refreshOf('/api/pages/overview');
    expect(before.status).toBe(200);

    const results: { status: number; refresh: string | undefined }[] = [];
    let loading = true;
    const loop = (async () => {
      while (loading) results.push(await refreshOf('/api/pages/missing?area=Portsmouth'));
    })();
    const { report } = await load({ inDir: join(dir, 'b'), db });
    expect(report.status).toBe('loaded');
    // A few more requests after the switch-over: the loop runs until three have seen it (bounded by a count).
    for (let i = 0; i < 10_000 && results.filter((r) => r.refresh === report.refresh_id).length < 3; i++) await new Promise((r) => setImmediate(r));
    loading = false;
    await loop;
    for (let i = 0; i < 3; i++) results.push(await refreshOf('/api/pages/missing?area=Portsmouth'));

    expect(results.length).toBeGreaterThan(3);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(results.at(-1)!.refresh).toBe(report.refresh_id);
    expect(results.at(-1)!.refresh).not.toBe(before.refresh);
    // Once the new warehouse is seen, no request goes back to the old one.
    const first = results.findIndex((r) => r.refresh === report.refresh_id);
    expect(results.slice(first).every((r) => r.refresh === report.refresh_id)).toBe(true);
    const ready = (await (await fetch(server.url + '/api/ready')).json()) as { refresh_id: string };
    expect(ready.refresh_id).toBe(report.refresh_id);
  });

  it('can be uploaded from the browser and followed to done', async () => {
    const folder = writeFolder(join(dir, 'upload'), {
      'population.csv': POPULATION,
      'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E2' })),
    });
    const form = new FormData();
    for (const f of ['population.csv', 'missing_episodes.csv']) form.append('files', new Blob([readFileSync(join(folder, f))]), f);
    form.append('files', new Blob(['x']), 'notes.txt');
    const privateFolders = () => readdirSync(privateBase()).filter((f) => f.startsWith(`met-private-upload-${process.pid}-`));
    expect(privateFolders()).toEqual([]);

    // A browser sends its page's Origin with a POST; fetch here does not, so the test does.
    const res = await fetch(server.url + '/api/refresh', { method: 'POST', body: form, headers: { origin: server.url } });
    expect(res.status).toBe(202);
    const { job, refused_uploads } = (await res.json()) as { job: string; refused_uploads: { file: string; reason: string }[] };
    expect(refused_uploads).toEqual([{ file: 'an unknown file (a name of 9 characters)', reason: expect.stringContaining('not a file of the data contract') }]);

    // Its end, waited on (GET /api/refresh/:job?wait=1 answers when the job ends).
    type Status = { state: string; progress: { done: number; total: number }; report?: { status: string; refresh_id: string; files: { file: string }[] } };
    const status = await jobEnd(async (path) => (await (await fetch(server.url + path)).json()) as Status, job);
    expect(status!.state).toBe('done');
    expect(status!.report!.status).toBe('loaded');
    expect(status!.report!.files.map((f) => f.file).sort()).toEqual(['missing_episodes.csv', 'population.csv']);
    // The private upload folder is gone.
    expect(privateFolders()).toEqual([]);
    const after = await refreshOf('/api/pages/overview');
    expect(after.refresh).toBe(status!.report!.refresh_id);
  });

  it('refuses an upload with no contract file, and an unknown job', async () => {
    const form = new FormData();
    form.append('files', new Blob(['a,b\n1,2\n']), 'names.csv');
    const res = await fetch(server.url + '/api/refresh', { method: 'POST', body: form, headers: { origin: server.url } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /^no file could be used: an unknown file \(a name of 9 characters\) \(not a file of the data contract/,
    );
    expect((await fetch(server.url + '/api/refresh/not-a-job')).status).toBe(404);
  });
});

describe('the warehouse handle', () => {
  it('lets a request that began on the old warehouse finish on it after a switch-over', async () => {
    const wh = new Warehouse(db);
    try {
      const old = await wh.acquire();
      const { report } = await load({ inDir: join(dir, 'a'), db });
      expect(report.status).toBe('loaded');
      const fresh = await wh.acquire();
      expect(fresh.info.refresh_id).toBe(report.refresh_id);
      expect(old.info.refresh_id).not.toBe(report.refresh_id);
      // The old handle still answers until released.
      expect(await old.db.value<number>('SELECT count(*) FROM refreshes')).toBeGreaterThan(0);
      old.release();
      fresh.release();
    } finally {
      wh.close();
    }
  });
});

describe('with no warehouse', () => {
  it('is not ready and says why', async () => {
    const s = await startServer({ db: join(dir, 'none.duckdb'), port: 0, role: 'analyst', log: false });
    try {
      expect((await fetch(s.url + '/api/health')).status).toBe(200);
      const ready = await fetch(s.url + '/api/ready');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'no warehouse' });
      const meta = (await (await fetch(s.url + '/api/meta')).json()) as { role: string; refresh: unknown; default_period: unknown };
      expect(meta).toMatchObject({ role: 'analyst', refresh: null, default_period: null });
      const page = await fetch(s.url + '/api/pages/overview');
      expect(page.status).toBe(503);
      expect(((await page.json()) as { error: string }).error).toMatch(/no warehouse yet/);
    } finally {
      await s.close();
    }
  });
});

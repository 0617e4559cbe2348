// The API of docs/api.md against a small generated warehouse: each endpoint's answer
// and its bad-request paths, the analyst-only endpoints, disclosure control in what the
// board sees, the Arrow form, and the security headers.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { tempDir } from '../helpers.js';
import { generate } from '../../etl/generate/generate.js';
import { load } from '../../etl/load.js';
import { startServer, type RunningServer } from '../../server/index.js';

let analyst: RunningServer;
let board: RunningServer;
let dbPath: string;

beforeAll(async () => {
  const dir = tempDir('met-server-');
  const out = join(dir, 'extracts');
  await generate({ out, seed: 3, scale: 0.05 });
  const db = join(dir, 'met.duckdb');
  dbPath = db;
  const { report } = await load({ inDir: out, db });
  expect(report.status).toBe('loaded');
  analyst = await startServer({ db, port: 0, role: 'analyst', log: false });
  board = await startServer({ db, port: 0, role: 'board', log: false });
});

afterAll(async () => {
  await analyst?.close();
  await board?.close();
});

async function get(s: RunningServer, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(s.url + path, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

describe('health, readiness and meta', () => {
  it('answers health and ready with the refresh id', async () => {
    expect((await get(board, '/api/health')).body).toEqual({ status: 'ok' });
    const ready = await get(board, '/api/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.refresh_id).toMatch(/^r\d{8}T/);
  });

  it('describes the role, refresh, periods and measures', async () => {
    const { body, headers } = await get(board, '/api/meta');
    expect(headers.get('x-met-version')).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.role).toBe('board');
    expect(body.role_note).toContain('board role');
    expect(body.refresh.refresh_id).toMatch(/^r/);
    // How current each source is, per source, is data-quality detail: the analyst's only.
    expect(body.refresh.sources).toEqual([]);
    expect((await get(analyst, '/api/meta')).body.refresh.sources.length).toBeGreaterThan(0);
    expect(body.periods.quarter[0]).toMatch(/^\d{4}-Q\d$/);
    expect(body.periods.quarter).toContain(body.default_period);
    expect(body.measures.find((m: any) => m.id === 'missing_episodes').breakdowns).toContain('classification');
  });
});

describe('GET /api/measures', () => {
  it('gives the measures object for the default period', async () => {
    const { status, body } = await get(analyst, '/api/measures?area=Southampton&ids=missing_episodes,returns&trend=4');
    expect(status).toBe(200);
    expect(Object.keys(body.measures).sort()).toEqual(['missing_episodes', 'returns']);
    expect(body.measures.missing_episodes.trend.periods).toHaveLength(4);
    expect(body.area).toBe('Southampton');
  });

  it.each([
    ['/api/measures?area=Atlantis', /area 'Atlantis' is not known: use one of Southampton/],
    ['/api/measures?period=2025-13', /a month must be 01 to 12/],
    ['/api/measures?period=July', /use a month \(2025-07\)/],
    ['/api/measures?ids=missing_episodes,nonsense', /measure 'nonsense' is not known/],
    ['/api/measures?ages=5-10', /age scope '5-10' is not known: use one of 0-17, 18-24, 0-24/],
    ['/api/measures?trend=121', /trend must be a whole number from 0 to 120/],
    ['/api/measures?trend=-1', /trend must be a whole number from 0 to 120/],
    ['/api/measures?area=Southampton&area=Portsmouth', /give area once/],
    ['/api/measures?period=1999-Q1', /there is no data for 1999-Q1/],
  ])('refuses %s with a 400 that says what is allowed', async (path, message) => {
    const { status, body } = await get(board, path);
    expect(status).toBe(400);
    expect(body.error).toMatch(message);
  });

  it('never shows the board a count of 1 to 4', async () => {
    const { body } = await get(board, '/api/measures?area=Isle of Wight&trend=12');
    const counts = [
      'missing_episodes',
      'missing_children',
      'repeat_missing_children',
      'still_missing',
      'returns',
      'children_at_risk',
      'risk_escalations',
      'nrm_referrals',
      'disruptions',
      'met_children',
    ];
    const seen: unknown[] = [];
    for (const id of counts) {
      const m = body.measures[id];
      seen.push(m.value, m.previous?.value, m.year_earlier?.value, ...m.trend.values);
      for (const cells of Object.values(m.by ?? {})) seen.push(...Object.values(cells as object));
    }
    for (const r of body.measures.hotspots.rows) seen.push(r.found, r.cpi, r.disruptions, r.total);
    expect(seen.some((v) => v === 'c')).toBe(true);
    expect(seen.filter((v) => typeof v === 'number' && v >= 1 && v <= 4)).toEqual([]);
  });

  it('serves Arrow with a suppressed figure as null and flagged', async () => {
    const res = await fetch(board.url + '/api/measures?area=Isle of Wight&trend=0', { headers: { accept: 'application/vnd.apache.arrow.stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    expect(table.schema.fields.map((f) => f.name)).toEqual(['measure', 'breakdown', 'key', 'value', 'suppressed', 'status']);
    const rows = table.toArray().map((r) => r.toJSON());
    const hidden = rows.filter((r) => r.suppressed);
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden.every((r) => r.value === null)).toBe(true);
    // The partner rule withholds (c); it has no counts not given.
    expect(hidden.every((r) => r.status === 'withheld')).toBe(true);
    expect(rows.some((r) => !r.suppressed && typeof r.value === 'number')).toBe(true);
    expect(rows.filter((r) => r.status === 'shown').every((r) => typeof r.value === 'number')).toBe(true);
  });
});

describe('GET /api/pages/:page', () => {
  it.each(['overview', 'missing', 'risk', 'places', 'groups', 'gaps', 'areas', 'actions'])('builds the %s page for the board', async (page) => {
    const { status, body } = await get(board, `/api/pages/${page}?area=Southampton`);
    expect(status).toBe(200);
    expect(body.page).toBe(page);
    expect(body.role).toBe('board');
    expect(body.refresh.refresh_id).toMatch(/^r/);
    expect(body.legend).toMatch(/^c = withheld/);
    for (const c of body.charts) {
      expect(c.title && c.description && c.table).toBeTruthy();
      if (c.kind === 'vega-lite') {
        expect(c.spec.$schema).toContain('vega-lite/v6');
        // No withheld value is ever plotted.
        expect(JSON.stringify(c.spec.data?.values ?? [])).not.toContain('"c"');
      } else {
        expect(c.kind).toBe('hexmap');
        expect(c.hexes).toHaveLength(16);
      }
    }
    expect(JSON.stringify(body)).not.toContain('pseudonym');
  });

  it('gives the overview tiles with their SPC charts and shows no small count', async () => {
    const { body } = await get(board, '/api/pages/overview?area=Isle of Wight');
    expect(body.tiles.map((t: any) => t.id)).toEqual(
      expect.arrayContaining(['met_children', 'missing_episodes', 'rhi_completed_72h_pct', 'children_at_risk', 'nrm_referrals', 'disruptions']),
    );
    for (const t of body.tiles) {
      // Its SPC chart, or none where every point of its trend is withheld (no empty frame; the commentary says so).
      if (t.chart) expect(body.charts.some((c: any) => c.id === t.chart)).toBe(true);
      else {
        // (Every point withheld, or with nothing to measure: the sentence says which.)
        expect(
          t.spark.values.every((v: unknown) => v === 'c' || v === null),
          t.id,
        ).toBe(true);
        const why = t.spark.values.includes('c') ? 'withheld (c)' : 'nothing to measure';
        expect(
          body.commentary.some((s: string) => s.includes('no chart is drawn') && s.includes(why)),
          `${t.id}: ${body.commentary.join(' ')}`,
        ).toBe(true);
      }
      if (['met_children', 'missing_episodes', 'repeat_missing_children', 'children_at_risk', 'nrm_referrals', 'disruptions'].includes(t.id)) {
        for (const v of [t.value, ...t.spark.values]) expect(typeof v === 'number' && v >= 1 && v <= 4, `${t.id} ${v}`).toBe(false);
      }
    }
    // The national comparator line (63%) on the completion chart: the analyst's (on this small
    // fixture the board's completion trend is withheld throughout, small counts or complements, so it has no chart).
    const exact = (await get(analyst, '/api/pages/overview?area=Isle of Wight')).body;
    const rhi = exact.charts.find((c: any) => c.id === 'spc-rhi_completed_72h_pct');
    expect(JSON.stringify(rhi.spec)).toContain('63');
  });

  it('gives the action plan with RAG movement', async () => {
    const { body } = await get(board, '/api/pages/actions');
    const plan = body.tables[0];
    expect(plan.rows.length).toBeGreaterThan(0);
    for (const r of plan.rows) expect(['up', 'down', 'same', 'new']).toContain(r.moved);
  });

  it('gives the analyst the data page with the contract; the board gets 403', async () => {
    const ok = await get(analyst, '/api/pages/data');
    expect(ok.status).toBe(200);
    expect(ok.body.contract.find((c: any) => c.file === 'missing_episodes.csv').required).toContain('episode_id');
    expect(ok.body.tables.map((t: any) => t.id)).toEqual([
      'load_summary',
      'completeness',
      'timeliness',
      'returns_without_interview',
      'quarantine',
      'disclosure_audit',
    ]);
    const no = await get(board, '/api/pages/data');
    expect(no.status).toBe(403);
    expect(no.body.error).toMatch(/for the analyst only/);
  });

  it('answers an unknown page with 404 and a bad parameter with 400', async () => {
    expect((await get(board, '/api/pages/secrets')).status).toBe(404);
    const bad = await get(board, '/api/pages/overview?period=FY2025-27');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/financial year/);
  });
});

describe('GET /api/quarantine', () => {
  it('filters and pages for the analyst', async () => {
    const all = await get(analyst, '/api/quarantine?limit=5');
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThan(5);
    expect(all.body.rows).toHaveLength(5);
    expect(Object.keys(all.body.rows[0]).sort()).toEqual(['column', 'file', 'kind', 'line', 'reason', 'refresh_id']);
    const one = await get(analyst, `/api/quarantine?file=actions.csv&reason=${encodeURIComponent('unknown code')}`);
    expect(one.body.total).toBeGreaterThan(0);
    expect(one.body.rows.every((r: any) => r.file === 'actions.csv' && r.kind === 'unknown code')).toBe(true);
    // A quote in the free text is a value, not SQL.
    const text = await get(analyst, `/api/quarantine?q=${encodeURIComponent("' OR 1=1 --")}`);
    expect(text.body.total).toBe(0);
    expect((await get(analyst, '/api/quarantine?limit=0')).status).toBe(400);
  });

  it('is refused to the board', async () => {
    expect((await get(board, '/api/quarantine')).status).toBe(403);
    const res = await fetch(board.url + '/api/refresh', { method: 'POST', body: new FormData(), headers: { origin: board.url } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/a refresh is for the analyst only/);
  });
});

describe('security headers', () => {
  it('sends a Content-Security-Policy without unsafe-eval or inline scripts', async () => {
    const res = await fetch(board.url + '/');
    const csp = res.headers.get('content-security-policy') ?? '';
    const script = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    expect(script).toBe("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('answers worked out once per refresh, compressed, and refused at once when overloaded', () => {
  it('gives the same page model from the cache, per role and area, and says so', async () => {
    const path = '/api/pages/risk?area=Portsmouth&period=2025-Q3';
    const first = await fetch(board.url + path);
    const second = await fetch(board.url + path);
    expect([first.status, second.status]).toEqual([200, 200]);
    // The first of this role, area and period is worked out (or shared); the second is kept.
    expect(['miss', 'shared']).toContain(first.headers.get('x-met-cache'));
    expect(second.headers.get('x-met-cache')).toBe('hit');
    expect(await second.text()).toBe(await first.text());
    // The analyst's answer for the same page is the analyst's, not the board's kept one.
    const exact = await fetch(analyst.url + path);
    expect(((await exact.json()) as { role: string }).role).toBe('analyst');
    const measures = await fetch(`${board.url}/api/measures?area=Portsmouth&period=2025-Q3&ids=missing_episodes`);
    const again = await fetch(`${board.url}/api/measures?area=Portsmouth&period=2025-Q3&ids=missing_episodes`);
    expect(again.headers.get('x-met-cache')).toBe('hit');
    expect(await again.text()).toBe(await measures.text());
  });

  it('compresses answers for a client that accepts it', async () => {
    // fetch asks for gzip and undoes it; the header says it was compressed.
    const res = await fetch(`${board.url}/api/pages/overview`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(((await res.json()) as { page: string }).page).toBe('overview');
  });

  it('answers 503 with Retry-After at once when no more work can be taken on', async () => {
    // A server that takes no work at all: every answer not yet kept is refused.
    const busy = await startServer({ db: dbPath, port: 0, role: 'board', log: false, cache: { maxRunning: 0, maxQueued: 0, retryAfterSeconds: 7 } });
    try {
      const res = await fetch(`${busy.url}/api/pages/overview`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toEqual({ error: 'the server is busy: try again in 7 seconds' });
      // What needs no working out still answers.
      expect((await fetch(`${busy.url}/api/health`)).status).toBe(200);
    } finally {
      await busy.close();
    }
  });
});

describe('hostile query strings', () => {
  it('are refused without being sent back: a long or marked-up value is named by its length only', async () => {
    const long = 'Q'.repeat(3000);
    const cases: [string, number, string][] = [
      [`/api/pages/overview?period=${long}`, 400, 'period a value of 3000 characters is not valid'],
      [`/api/pages/overview?area=${encodeURIComponent('<img src=x onerror=alert(1)>')}`, 400, 'area a value of 28 characters is not known'],
      [`/api/measures?ages=${encodeURIComponent('<script>x</script>')}`, 400, 'age scope a value of 18 characters is not known'],
      [`/api/measures?ids=${'a'.repeat(500)}`, 400, 'measure a value of 500 characters is not known'],
      [`/api/pages/${'p'.repeat(400)}`, 404, 'there is no page a value of 400 characters'],
      [`/api/quarantine?file=${encodeURIComponent('<b>')}`, 400, 'file is not a file of the data contract'],
      [`/api/quarantine?q=${'x'.repeat(201)}`, 400, 'q is too long (at most 200 characters)'],
      // A short plain value is quoted, so that a typing slip can be seen.
      ['/api/pages/overview?area=Narnia', 400, "area 'Narnia' is not known"],
    ];
    for (const [path, status, says] of cases) {
      const res = await fetch(analyst.url + path);
      const text = await res.text();
      expect(res.status, path.slice(0, 60)).toBe(status);
      expect(text, path.slice(0, 60)).toContain(says);
      for (const bad of [long, '<img', '<script', 'a'.repeat(500), 'p'.repeat(400), '<b>', 'x'.repeat(201)]) expect(text).not.toContain(bad);
    }
  });
});

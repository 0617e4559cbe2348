// Who may read what, through real sessions: every endpoint of docs/api.md for every
// kind of account (analyst, board, commissioner, public, and a board member limited to
// Southampton) and for no session at all. 401 without a session; 403 where the role or
// the area may not; 200 with the account's role, area and figures where it may.
//
// The fixture, worked by hand: in 2025-Q1 Southampton (Bargate) has 10 missing episodes
// of 10 children, Portsmouth (Fratton) 3 of 3 children, Hampshire and the Isle of Wight
// none: 13 in all. The analyst sees 10, 3 and 13 exactly. Every other role gets what the
// reader (lib/measures.ts) gives its role for the same request: the server only passes the
// session's role and area through, and never shows the board a 3.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { episode, episodes, POPULATION, tempDir, writeFolder } from '../helpers.js';
import { load } from '../../etl/load.js';
import { withDb } from '../../lib/db.js';
import { readMeasures } from '../../lib/measures.js';
import { PAGES } from '../../lib/pages.js';
import { hashPassword } from '../../state/passwords.js';
import { startServer, type RunningServer } from '../../server/index.js';
import { multipart, raw, signIn } from './http.js';

const PERIOD = '2025-Q1';
const ACCOUNTS = [
  { name: 'ana.analyst', role: 'analyst', area: null },
  { name: 'bob.board', role: 'board', area: null },
  { name: 'cat.commissioner', role: 'commissioner', area: null },
  { name: 'pat.public', role: 'public', area: null },
  { name: 'sam.board', role: 'board', area: 'Southampton' },
] as const;
type Who = (typeof ACCOUNTS)[number]['name'] | 'nobody';
const WHO: Who[] = [...ACCOUNTS.map((a) => a.name), 'nobody'];
const account = (w: Who) => ACCOUNTS.find((a) => a.name === w)!;

let server: RunningServer;
const cookies = new Map<Who, string>();
/** The reader's missing_episodes for each role and area (worked out in process, before the server starts). */
const expected = new Map<string, unknown>();

beforeAll(async () => {
  const dir = tempDir('met-matrix-');
  const db = join(dir, 'met.duckdb');
  const rows = [
    ...Array.from({ length: 10 }, (_, i) =>
      episode({
        episode_id: `S${i + 1}`,
        child_ref: `SC10${i}`,
        area: 'Southampton',
        locality: 'Bargate',
        reported_at: `2025-0${1 + (i % 3)}-1${i % 9} 09:00`,
        returned_at: '',
      }),
    ),
    ...Array.from({ length: 3 }, (_, i) =>
      episode({
        episode_id: `P${i + 1}`,
        child_ref: `PC20${i}`,
        area: 'Portsmouth',
        locality: 'Fratton',
        reported_at: `2025-02-0${i + 1} 10:00`,
        returned_at: '',
      }),
    ),
  ];
  const folder = writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(...rows) });
  expect((await load({ inDir: folder, db })).report.status).toBe('loaded');
  await withDb(db, { readOnly: true }, async (d) => {
    for (const role of ['analyst', 'board', 'commissioner', 'public']) {
      for (const area of ['Southampton', 'Portsmouth', 'all']) {
        const r = await readMeasures(d, { period: PERIOD, area, role, trend: 0, ids: ['missing_episodes'] });
        expected.set(`${role}|${area}`, r.measures.missing_episodes!.value);
      }
    }
  });
  // By hand (above): the exact counts.
  expect([expected.get('analyst|Southampton'), expected.get('analyst|Portsmouth'), expected.get('analyst|all')]).toEqual([10, 3, 13]);
  // The partners never see the 3.
  expect(expected.get('board|Portsmouth')).toBe('c');

  // The built pages (npm test builds first).
  server = await startServer({ db, port: 0, log: false, webDir: join(import.meta.dirname, '../../dist/web') });
  for (const a of ACCOUNTS) {
    const password = `matrix password for ${a.name}`;
    server.state.accounts.addLocal({ name: a.name, role: a.role, area: a.area, passwordHash: await hashPassword(password) });
    const s = await signIn(server.url, a.name, password);
    expect(s.status).toBe(200);
    cookies.set(a.name, s.cookie!);
  }
});

afterAll(async () => {
  await server?.close();
});

function get(who: Who, path: string, headers: Record<string, string> = {}) {
  const cookie = cookies.get(who);
  return raw(server.url, { path, headers: { ...(cookie ? { cookie } : {}), ...headers } });
}

describe('open to all: liveness and readiness', () => {
  it.each(WHO)('%s: health and ready answer 200', async (who) => {
    expect((await get(who, '/api/health')).status).toBe(200);
    expect((await get(who, '/api/ready')).json.status).toBe('ready');
  });
});

describe('GET /api/me and /api/meta', () => {
  it.each(WHO)('%s', async (who) => {
    const me = await get(who, '/api/me');
    const meta = await get(who, '/api/meta');
    if (who === 'nobody') {
      expect([me.status, meta.status]).toEqual([401, 401]);
      expect(meta.json.error).toMatch(/^sign in first/);
      return;
    }
    const a = account(who);
    expect(me.json).toEqual({ name: a.name, role: a.role, area: a.area, sign_in: true });
    expect(meta.status).toBe(200);
    expect(meta.json.role).toBe(a.role);
    expect(meta.json.areas).toEqual(a.area ? [a.area] : ['Southampton', 'Portsmouth', 'Hampshire', 'Isle of Wight', 'all']);
  });
});

describe('GET /api/measures (JSON and Arrow), by area', () => {
  const cases = WHO.flatMap((who) => (['Southampton', 'Portsmouth', 'all', null] as const).map((area) => [who, area] as const));
  it.each(cases)('%s asks for area %s', async (who, area) => {
    const q = `/api/measures?period=${PERIOD}&trend=0&ids=missing_episodes${area ? `&area=${encodeURIComponent(area)}` : ''}`;
    const json = await get(who, q);
    const arrow = await get(who, q, { accept: 'application/vnd.apache.arrow.stream' });
    if (who === 'nobody') {
      expect([json.status, arrow.status]).toEqual([401, 401]);
      return;
    }
    const a = account(who);
    if (a.area && area !== null && area !== a.area) {
      expect([json.status, arrow.status]).toEqual([403, 403]);
      expect(json.json.error).toBe('this account sees Southampton only: ask for area=Southampton');
      return;
    }
    const shown = area ?? a.area ?? 'all';
    expect(json.status).toBe(200);
    expect(json.json).toMatchObject({ role: a.role, area: shown, period: PERIOD });
    expect(json.json.measures.missing_episodes.value).toBe(expected.get(`${a.role}|${shown}`));
    expect(arrow.status).toBe(200);
    const rows = tableFromIPC(new Uint8Array(arrow.bytes)).toArray();
    expect(rows.length).toBeGreaterThan(0);
  });

  it('gives the analyst 10, 3 and 13 and the board never 3', async () => {
    const v = async (who: Who, area: string) =>
      (await get(who, `/api/measures?period=${PERIOD}&trend=0&ids=missing_episodes&area=${area}`)).json.measures.missing_episodes.value;
    expect([await v('ana.analyst', 'Southampton'), await v('ana.analyst', 'Portsmouth'), await v('ana.analyst', 'all')]).toEqual([10, 3, 13]);
    expect(await v('bob.board', 'Portsmouth')).toBe('c');
  });

  it.each(WHO)('%s asks for the data-quality measures by id: the analyst only', async (who) => {
    const r = await get(who, `/api/measures?period=${PERIOD}&ids=load_summary`);
    expect(r.status).toBe(who === 'nobody' ? 401 : who === 'ana.analyst' ? 200 : 403);
  });
});

describe('GET /api/pages/:page', () => {
  const cases = WHO.flatMap((who) => PAGES.map((page) => [who, page] as const));
  it.each(cases)('%s: %s', async (who, page) => {
    const r = await get(who, `/api/pages/${page}?period=${PERIOD}`);
    if (who === 'nobody') return expect(r.status).toBe(401);
    const a = account(who);
    if (page === 'data' && a.role !== 'analyst') {
      expect(r.status).toBe(403);
      return expect(r.json.error).toMatch(/for the analyst only/);
    }
    expect(r.status).toBe(200);
    // The areas page compares the four areas: an account that sees one is shown its own alone.
    if (page === 'areas' && a.area) {
      const others = ['Portsmouth', 'Hampshire', 'Isle of Wight'].filter((x) => x !== a.area);
      for (const o of others) expect(r.text).not.toContain(o);
    }
    expect(r.json).toMatchObject({ page, role: a.role, area: a.area ?? 'all', period: PERIOD });
    // Another area by editing the URL: refused to the area-limited account.
    const other = await get(who, `/api/pages/${page}?period=${PERIOD}&area=Portsmouth`);
    expect(other.status).toBe(a.area ? 403 : 200);
  });

  it('shows the analyst the 3 on the missing page for Portsmouth, and the board no 3', async () => {
    const three = /"value":3[,}]/;
    const analyst = await get('ana.analyst', `/api/pages/missing?period=${PERIOD}&area=Portsmouth`);
    const board = await get('bob.board', `/api/pages/missing?period=${PERIOD}&area=Portsmouth`);
    expect(analyst.text).toMatch(three);
    expect(board.text).not.toMatch(three);
  });
});

describe('the audit of a refused area', () => {
  it('names the area an area-limited account tried, with its 403', async () => {
    for (const path of [`/api/measures?period=${PERIOD}&trend=0&area=Portsmouth`, `/api/pages/overview?period=${PERIOD}&area=Portsmouth`]) {
      expect((await get('sam.board', path)).status).toBe(403);
      const last = (await get('ana.analyst', '/api/audit?event=view&account=sam.board&limit=1')).json.entries[0];
      expect(last).toMatchObject({ account: 'sam.board', area: 'Portsmouth', period: PERIOD, status: 403 });
    }
  });
});

describe('analyst endpoints: quarantine, refresh, refresh jobs, audit', () => {
  it.each(WHO)('%s', async (who) => {
    const status = who === 'nobody' ? 401 : who === 'ana.analyst' ? 200 : 403;
    expect((await get(who, '/api/quarantine')).status).toBe(status);
    expect((await get(who, '/api/quarantine', { accept: 'application/vnd.apache.arrow.stream' })).status).toBe(status);
    const audit = await get(who, '/api/audit?limit=5');
    expect(audit.status).toBe(status);
    if (status === 200) expect(audit.json.entries).toHaveLength(5);
    expect((await get(who, '/api/refresh/no-such-job')).status).toBe(status === 200 ? 404 : status);
    const { body, type } = multipart([{ name: 'area', content: '' }]);
    const cookie = cookies.get(who);
    const post = await raw(server.url, {
      method: 'POST',
      path: '/api/refresh',
      headers: { origin: server.url, 'content-type': type, ...(cookie ? { cookie } : {}) },
      body,
    });
    // The analyst reaches the upload's own checks: a form without files is a 400.
    expect(post.status).toBe(status === 200 ? 400 : status);
    if (status === 200) expect(post.json.error).toMatch(/send one or more CSV extracts/);
  });
});

describe('the pages themselves', () => {
  it.each(WHO)('%s: the overview page, or the way to sign in', async (who) => {
    const r = await get(who, '/missing?area=Portsmouth');
    if (who === 'nobody') {
      expect(r.status).toBe(303);
      expect(r.headers.location).toBe('/sign-in?next=%2Fmissing%3Farea%3DPortsmouth');
      expect((await get(who, '/sign-in')).status).toBe(200);
    } else {
      // The HTML holds no figure: the page's figures come from the API, which checks the area.
      expect(r.status).toBe(200);
      expect(r.text).toContain('id="met-account"');
    }
  });
});

// Sign-in with local accounts, end to end over HTTP: the session cookie and its flags,
// the session id rotated at sign-in, one failure message for every failure, the
// lockout, idle and absolute timeouts on an injected clock, sign-out ending the
// session on the server, state changes needing both a session and same-origin proof,
// sessions surviving a refresh and a restart, the audit log, and no password or token
// in the state file, its WAL, the audit log or the request log.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { episode, episodes, POPULATION, tempDir, jobEnd, writeFolder } from '../helpers.js';
import { load } from '../../etl/load.js';
import { createApp } from '../../server/app.js';
import { Warehouse } from '../../server/warehouse.js';
import { hashPassword, passwordChecks } from '../../state/passwords.js';
import { StateStore } from '../../state/store.js';
import { multipart, raw, sessionCookie, signIn } from './http.js';

const PASSWORD = 'a long and secret passphrase 4417';
const FAILED = { error: 'name or password not recognised' };
const MINUTE = 60_000;

let dir: string;
let db: string;
let statePath: string;
let now = Date.UTC(2026, 10, 30, 9, 0);
const clock = () => now;

interface Running {
  url: string;
  state: StateStore;
  /** Every line the server's pino logger wrote. */
  log: string[];
  close(): Promise<void>;
}

const running: Running[] = [];

/** The app as startServer makes it, with the injected clock and a pino logger whose lines are kept. */
async function serve(o: { secureCookies?: boolean; trustProxy?: boolean | number; signInsPerMinute?: number } = {}): Promise<Running> {
  const state = new StateStore(statePath, { now: clock });
  const warehouse = new Warehouse(db);
  const log: string[] = [];
  const logger = pino({ base: undefined }, { write: (s: string) => log.push(s) });
  const app = createApp({ warehouse, state, logger, ...o });
  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  const r: Running = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    log,
    close: () =>
      new Promise((ok) => {
        server.close(() => {
          warehouse.close();
          state.close();
          ok();
        });
        server.closeAllConnections();
      }),
  };
  running.push(r);
  return r;
}

async function addAccount(s: Running, name: string, role: 'analyst' | 'board' | 'public' = 'board', area: 'Southampton' | null = null) {
  return s.state.accounts.addLocal({ name, role, area, passwordHash: await hashPassword(PASSWORD) });
}

const me = (s: Running, cookie: string | null) => raw(s.url, { path: '/api/me', headers: cookie ? { cookie } : {} });

let s: Running;

beforeAll(async () => {
  dir = tempDir('met-signin-');
  db = join(dir, 'met.duckdb');
  statePath = `${db}.state.sqlite`;
  const folder = writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E2' })) });
  expect((await load({ inDir: folder, db })).report.status).toBe('loaded');
  s = await serve();
  await addAccount(s, 'ann', 'analyst');
  await addAccount(s, 'ben', 'board');
  await addAccount(s, 'sue', 'board', 'Southampton');
});

afterAll(async () => {
  for (const r of running) await r.close().catch(() => {});
});

describe('signing in', () => {
  it('sets an httpOnly, SameSite=Strict session cookie of 32 random bytes and makes the requests the account’s', async () => {
    const r = await signIn(s.url, 'sue', PASSWORD);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ name: 'sue', role: 'board', area: 'Southampton' });
    const set = String(r.headers['set-cookie']);
    expect(set).toMatch(/^met_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    // 43 characters of base64url are 32 bytes.
    expect(Buffer.from(r.cookie!.split('=')[1]!, 'base64url')).toHaveLength(32);
    expect((await me(s, r.cookie)).json).toEqual({ name: 'sue', role: 'board', area: 'Southampton', sign_in: true });
    const meta = await raw(s.url, { path: '/api/meta', headers: { cookie: r.cookie! } });
    expect(meta.json).toMatchObject({
      role: 'board',
      areas: ['Southampton'],
      role_note: 'You see what the board role sees: figures under disclosure control (c = withheld).',
    });
  });

  it('asks browsers for Referrer-Policy same-origin, so that a form’s POST carries its real Origin (not null)', async () => {
    const r = await raw(s.url, { path: '/sign-in' });
    expect(r.headers['referrer-policy']).toBe('same-origin');
    const nullOrigin = await signIn(s.url, 'ben', PASSWORD, { origin: 'null' });
    expect(nullOrigin.status).toBe(403);
  });

  it('signs in through the form and goes back to the page asked for (never another site)', async () => {
    const form = (next: string, password = PASSWORD) =>
      raw(s.url, {
        method: 'POST',
        path: '/auth/sign-in',
        headers: { origin: s.url, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ name: 'ben', password, next }).toString(),
      });
    const ok = await form('/missing?area=Hampshire');
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/missing?area=Hampshire');
    expect(sessionCookie(ok)).toMatch(/^met_session=/);
    expect((await form('//evil.example/')).headers.location).toBe('/');
    expect((await form('https://evil.example/')).headers.location).toBe('/');
    const bad = await form('/risk', 'not the password at all');
    expect(bad.status).toBe(303);
    expect(bad.headers.location).toBe('/sign-in?failed=1&next=%2Frisk');
    expect(sessionCookie(bad)).toBeNull();
  });

  it('rotates the session id: the session a request came with ends at sign-in', async () => {
    const first = await signIn(s.url, 'ben', PASSWORD);
    const second = await signIn(s.url, 'ben', PASSWORD, { cookie: first.cookie! });
    expect(second.cookie).not.toBe(first.cookie);
    expect((await me(s, first.cookie)).status).toBe(401);
    expect((await me(s, second.cookie)).status).toBe(200);
  });

  it('marks the cookie Secure behind TLS: with --secure-cookies, or a trusted proxy that says https', async () => {
    const secure = await serve({ secureCookies: true });
    expect(String((await signIn(secure.url, 'ben', PASSWORD)).headers['set-cookie'])).toMatch(/; Secure; SameSite=Strict$/);
    const proxied = await serve({ trustProxy: 1 });
    // Behind the proxy the page's origin is https.
    const r = await signIn(proxied.url, 'ben', PASSWORD, { 'x-forwarded-proto': 'https', origin: proxied.url.replace('http:', 'https:') });
    expect(r.status).toBe(200);
    expect(String(r.headers['set-cookie'])).toContain('; Secure;');
    // Without trust, the same header is not believed.
    expect(String((await signIn(s.url, 'ben', PASSWORD, { 'x-forwarded-proto': 'https' })).headers['set-cookie'])).not.toContain('Secure');
  });
});

describe('failures', () => {
  it('gives one message for an unknown name, a wrong password, a disabled account and a locked one', async () => {
    await addAccount(s, 'dora', 'board');
    const unknown = await signIn(s.url, 'nobody-here', PASSWORD);
    const wrong = await signIn(s.url, 'ben', `${PASSWORD}!`);
    s.state.accounts.disable('dora');
    const disabled = await signIn(s.url, 'dora', PASSWORD);
    const empty = await raw(s.url, { method: 'POST', path: '/auth/sign-in', headers: { origin: s.url, 'content-type': 'application/json' }, body: '{}' });
    for (const r of [unknown, wrong, disabled, empty]) {
      expect(r.status).toBe(401);
      expect(r.json).toEqual(FAILED);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
  });

  it('locks an account after 5 failures: the right password is then refused with the same message, until 15 minutes pass', async () => {
    await addAccount(s, 'lou', 'board');
    for (let i = 0; i < 5; i++) expect((await signIn(s.url, 'lou', `wrong guess number ${i}`)).json).toEqual(FAILED);
    const locked = await signIn(s.url, 'lou', PASSWORD);
    expect(locked.status).toBe(401);
    expect(locked.json).toEqual(FAILED);
    // 14 minutes later: still locked (the 5 failures are within the window) …
    now += 14 * MINUTE;
    expect((await signIn(s.url, 'lou', PASSWORD)).json).toEqual(FAILED);
    // … and after 15 minutes, open again.
    now += MINUTE;
    expect((await signIn(s.url, 'lou', PASSWORD)).status).toBe(200);
    const audit = s.state.audit.read({ event: 'sign-in failed', account: 'lou', limit: 20, offset: 0 });
    expect(audit.entries.map((e) => JSON.parse(e.detail!).reason)).toEqual([
      'locked',
      'locked',
      'wrong password',
      'wrong password',
      'wrong password',
      'wrong password',
      'wrong password',
    ]);
  });

  it('locks an address after 20 failures on any names', async () => {
    const from = { 'x-forwarded-for': '203.0.113.7' };
    const proxied = await serve({ trustProxy: 1 });
    await addAccount(proxied, 'max', 'board');
    for (let i = 0; i < 20; i++) await signIn(proxied.url, `guess${i}`, 'whatever it may be', from);
    expect((await signIn(proxied.url, 'max', PASSWORD, from)).json).toEqual(FAILED);
    // Another address is not locked.
    expect((await signIn(proxied.url, 'max', PASSWORD, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
    now += 15 * MINUTE;
    expect((await signIn(proxied.url, 'max', PASSWORD, from)).status).toBe(200);
  });

  it('checks no password from a locked address (the same answer, at once), and answers 429 beyond an address’s sign-ins a minute', async () => {
    const from = { 'x-forwarded-for': '203.0.113.9' };
    const proxied = await serve({ trustProxy: 1, signInsPerMinute: 25 });
    await addAccount(proxied, 'meg', 'board');
    const checks = passwordChecks();
    for (let i = 0; i < 20; i++) expect((await signIn(proxied.url, `guess${i}`, 'whatever it may be', from)).status).toBe(401);
    // Twenty failures, twenty checks (an unknown name against the dummy hash) …
    expect(passwordChecks() - checks).toBe(20);
    // … then the address is locked: a known name with its right password, an unknown one,
    // each the one failure, and no check made.
    expect((await signIn(proxied.url, 'meg', PASSWORD, from)).json).toEqual(FAILED);
    expect((await signIn(proxied.url, 'nobody', PASSWORD, from)).json).toEqual(FAILED);
    expect(passwordChecks() - checks).toBe(20);
    // Another address is checked as before.
    expect((await signIn(proxied.url, 'meg', PASSWORD, { 'x-forwarded-for': '203.0.113.10' })).status).toBe(200);
    expect(passwordChecks() - checks).toBe(21);
    // 22 sign-ins from 203.0.113.9 so far: up to the 25th answered as before, the 26th within
    // the minute refused before anything is read.
    for (let i = 0; i < 3; i++) expect((await signIn(proxied.url, 'meg', PASSWORD, from)).status).toBe(401);
    const over = await signIn(proxied.url, 'meg', PASSWORD, from);
    expect(over.status).toBe(429);
    expect(over.json).toEqual({ error: 'too many sign-ins from this address: wait a minute and try again' });
    // The other address has its own share.
    expect((await signIn(proxied.url, 'meg', PASSWORD, { 'x-forwarded-for': '203.0.113.10' })).status).toBe(200);
  });
});

describe('sessions end', () => {
  it('after 30 minutes without a request, on the injected clock', async () => {
    const { cookie } = await signIn(s.url, 'ben', PASSWORD);
    now += 30 * MINUTE;
    expect((await me(s, cookie)).status).toBe(200);
    now += 30 * MINUTE + 1;
    const r = await me(s, cookie);
    expect(r.status).toBe(401);
    expect(r.json.error).toMatch(/^sign in first/);
  });

  it('12 hours after sign-in, however busy', async () => {
    const { cookie } = await signIn(s.url, 'ben', PASSWORD);
    // 24 requests 29 minutes apart: 11 h 36 min.
    for (let i = 0; i < 24; i++) {
      now += 29 * MINUTE;
      expect((await me(s, cookie)).status).toBe(200);
    }
    now += 29 * MINUTE;
    expect((await me(s, cookie)).status).toBe(401);
  });

  it('at sign-out, on the server: the old cookie no longer works', async () => {
    const { cookie } = await signIn(s.url, 'ben', PASSWORD);
    const out = await raw(s.url, { method: 'POST', path: '/auth/sign-out', headers: { origin: s.url, cookie: cookie! } });
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^met_session=; Path=\/; Expires=Thu, 01 Jan 1970/);
    expect((await me(s, cookie)).status).toBe(401);
    const page = await raw(s.url, { path: '/overview', headers: { cookie: cookie! } });
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/sign-in?next=%2Foverview');
  });
});

describe('a state change needs a session and same-origin proof', () => {
  const upload = (headers: Record<string, string>) => {
    const { body, type } = multipart([{ name: 'files', filename: 'missing_episodes.csv', content: episodes(episode()) }]);
    return raw(s.url, { method: 'POST', path: '/api/refresh', headers: { 'content-type': type, ...headers }, body });
  };

  it('refuses a same-origin upload without a session (401), and a signed-in one from another site (403)', async () => {
    const { cookie } = await signIn(s.url, 'ann', PASSWORD);
    const noSession = await upload({ origin: s.url });
    expect(noSession.status).toBe(401);
    const crossSite = await upload({ origin: 'http://evil.example', cookie: cookie! });
    expect(crossSite.status).toBe(403);
    expect(crossSite.json.error).toMatch(/same origin/);
    const noOrigin = await upload({ cookie: cookie! });
    expect(noOrigin.status).toBe(403);
    // A sign-in from another site is refused too (login CSRF).
    expect((await signIn(s.url, 'ann', PASSWORD, { origin: 'http://evil.example' })).status).toBe(403);
  });

  it('takes the upload with both, and audits it and its refresh', async () => {
    const { cookie } = await signIn(s.url, 'ann', PASSWORD);
    const r = await upload({ origin: s.url, cookie: cookie! });
    expect(r.status).toBe(202);
    const job = r.json.job as string;
    const done = await jobEnd(async (path) => (await raw(s.url, { path, headers: { cookie: cookie! } })).json as { state: string }, job);
    expect(done.state).toBe('done');
    const entries = s.state.audit.read({ account: 'ann', limit: 50, offset: 0 }).entries;
    const uploaded = entries.find((e) => e.event === 'upload' && e.target === job)!;
    expect(JSON.parse(uploaded.detail!)).toEqual({ files: ['missing_episodes.csv'], refused: 0 });
    expect(uploaded).toMatchObject({ role: 'analyst', address: '127.0.0.1' });
    const refreshed = entries.find((e) => e.event === 'refresh' && e.target === job)!;
    expect(JSON.parse(refreshed.detail!)).toMatchObject({ result: 'done', files: [{ file: 'missing_episodes.csv', status: 'loaded' }] });
  });
});

describe('sessions and accounts survive', () => {
  it('a refresh that replaces the warehouse, and a restart of the server', async () => {
    const { cookie } = await signIn(s.url, 'ben', PASSWORD);
    const before = (await raw(s.url, { path: '/api/ready', headers: { cookie: cookie! } })).json.refresh_id;
    const folder = writeFolder(join(dir, 'in2'), { 'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E3' })) });
    expect((await load({ inDir: folder, db })).report.status).toBe('loaded');
    const after = await raw(s.url, { path: '/api/meta', headers: { cookie: cookie! } });
    expect(after.status).toBe(200);
    expect(after.json.refresh.refresh_id).not.toBe(before);
    const restarted = await serve();
    expect((await me(restarted, cookie)).json).toMatchObject({ name: 'ben', role: 'board' });
    expect((await signIn(restarted.url, 'sue', PASSWORD)).status).toBe(200);
  });
});

describe('the audit log', () => {
  it('records sign-ins, failures (never the name typed for an unknown account), views with what was asked, and sign-outs', async () => {
    const typedName = 'typed-by-mistake-7731';
    await signIn(s.url, typedName, PASSWORD);
    const { cookie } = await signIn(s.url, 'sue', PASSWORD);
    await raw(s.url, { path: '/api/pages/overview?period=2025-Q1&ages=0-24', headers: { cookie: cookie! } });
    await raw(s.url, { path: '/api/measures?area=Portsmouth', headers: { cookie: cookie! } });
    await raw(s.url, {
      path: '/api/measures?area=Southampton&period=2025-Q1&ids=missing_episodes',
      headers: { cookie: cookie!, accept: 'application/vnd.apache.arrow.stream' },
    });
    await raw(s.url, { method: 'POST', path: '/auth/sign-out', headers: { cookie: cookie!, origin: s.url } });
    const latest = s.state.audit.read({ limit: 6, offset: 0 }).entries.reverse();
    expect(latest.map((e) => [e.event, e.account, e.target, e.area, e.period, e.ages, e.status])).toEqual([
      ['sign-in failed', 'unknown account', null, null, null, null, null],
      ['sign-in', 'sue', null, null, null, null, null],
      ['view', 'sue', 'page overview', 'Southampton', '2025-Q1', '0-24', 200],
      // Refused: another area. The area tried is recorded (a known area, checked by the query's parser).
      ['view', 'sue', 'measures', 'Portsmouth', '2025-Q1', '0-17', 403],
      ['view', 'sue', 'measures', 'Southampton', '2025-Q1', '0-17', 200],
      ['sign-out', 'sue', null, null, null, null, null],
    ]);
    expect(latest[4]!.detail).toBe('{"format":"arrow","ids":["missing_episodes"]}');
    expect(latest.every((e) => e.address === '127.0.0.1')).toBe(true);
    expect(latest[2]).toMatchObject({ role: 'board', account_area: 'Southampton' });
    expect(JSON.stringify(s.state.audit.read({ limit: 1000, offset: 0 }))).not.toContain(typedName);
  });

  it('records a view however its path is spelt: the router ignores case and a trailing slash, and decodes a page’s name', async () => {
    const { cookie } = await signIn(s.url, 'sue', PASSWORD);
    const paths = [
      '/API/measures?ids=missing_episodes',
      '/api/measures/?area=Portsmouth',
      '/api/pages/overview/',
      '/api/pages/%6Fverview?period=2025-Q1',
      '/api/pages/missing/export.CSV?table=figures',
      '/api/PAGES/missing/export.xlsx?table=figures',
    ];
    const before = s.state.audit.read({ limit: 1, offset: 0 }).total;
    const statuses: number[] = [];
    for (const path of paths) statuses.push((await raw(s.url, { path, headers: { cookie: cookie! } })).status);
    // Each was served (or refused: another area), so each is in the log, as the view it is.
    expect(statuses).toEqual([200, 403, 200, 200, 200, 200]);
    const entries = s.state.audit.read({ limit: paths.length, offset: 0 }).entries.reverse();
    expect(s.state.audit.read({ limit: 1, offset: 0 }).total).toBe(before + paths.length);
    expect(entries.map((e) => [e.account, e.target, e.area, e.status, JSON.parse(e.detail!).format])).toEqual([
      ['sue', 'measures', 'Southampton', 200, 'json'],
      ['sue', 'measures', 'Portsmouth', 403, 'json'],
      ['sue', 'page overview', 'Southampton', 200, 'json'],
      ['sue', 'page overview', 'Southampton', 200, 'json'],
      ['sue', 'export missing', 'Southampton', 200, 'csv'],
      ['sue', 'export missing', 'Southampton', 200, 'xlsx'],
    ]);
  });

  it('is read by the analyst through GET /api/audit, filtered and paged; no endpoint changes it', async () => {
    const { cookie } = await signIn(s.url, 'ann', PASSWORD);
    const r = await raw(s.url, { path: '/api/audit?event=sign-out&limit=1', headers: { cookie: cookie! } });
    expect(r.status).toBe(200);
    expect(r.json.entries).toHaveLength(1);
    expect(r.json.entries[0]).toMatchObject({ event: 'sign-out', account: 'sue' });
    expect(r.json.total).toBeGreaterThanOrEqual(2);
    expect((await raw(s.url, { path: '/api/audit?event=delete', headers: { cookie: cookie! } })).status).toBe(400);
    const total = s.state.audit.read({ limit: 1, offset: 0 }).total;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const w = await raw(s.url, { method, path: '/api/audit', headers: { cookie: cookie!, origin: s.url } });
      expect(w.status, method).toBe(404);
    }
    // The four writes were refused and entered nothing.
    expect(s.state.audit.read({ limit: 1, offset: 0 }).total).toBe(total);
    const board = await signIn(s.url, 'ben', PASSWORD);
    expect((await raw(s.url, { path: '/api/audit', headers: { cookie: board.cookie! } })).status).toBe(403);
  });
});

describe('secrets', () => {
  it('keeps no password or session token in the state file, its WAL, the audit log or the request log', async () => {
    const secret = 'zebra-quartz-lantern-0042-unique';
    const p = await serve();
    p.state.accounts.addLocal({ name: 'vic', role: 'board', area: null, passwordHash: await hashPassword(secret) });
    const ok = await signIn(p.url, 'vic', secret);
    const token = ok.cookie!.split('=')[1]!;
    await signIn(p.url, 'vic', `${secret}-wrong`);
    // A password typed into the name field.
    await signIn(p.url, secret, secret);
    await raw(p.url, { path: `/sign-in?next=${secret}`, headers: { cookie: ok.cookie! } });
    await raw(p.url, { path: '/api/meta', headers: { cookie: ok.cookie! } });
    expect(p.log.length).toBeGreaterThan(3);
    const places: [string, Buffer][] = [
      ['state file', readFileSync(statePath)],
      ['its WAL', existsSync(`${statePath}-wal`) ? readFileSync(`${statePath}-wal`) : Buffer.alloc(0)],
      ['audit log', Buffer.from(JSON.stringify(p.state.audit.read({ limit: 1000, offset: 0 })))],
      ['request log', Buffer.from(p.log.join(''))],
    ];
    expect(places[1]![1].length).toBeGreaterThan(0);
    for (const [where, bytes] of places) {
      for (const [what, needle] of [
        ['password', secret],
        ['token', token],
        ['token as hex', Buffer.from(token, 'base64url').toString('hex')],
      ]) {
        expect(bytes.includes(Buffer.from(needle!)), `${what} in the ${where}`).toBe(false);
      }
    }
    p.state.checkpoint();
    expect(readFileSync(statePath).includes(Buffer.from(secret))).toBe(false);
    // The session is stored as its SHA-256.
    expect(readFileSync(statePath).includes(Buffer.from(createHash('sha256').update(token).digest('hex')))).toBe(true);
  });
});

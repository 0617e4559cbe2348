// Single sign-on end to end against a real OpenID provider (oidc-provider, started here
// on 127.0.0.1): the MET server is registered as its client, and each test drives the
// whole flow with plain HTTP, as a browser would: /auth/oidc/start, the provider's login
// form and consent, the callback, then the session. No mock anywhere: the ID token is
// signed by the provider's key and checked by openid-client.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import express from 'express';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Provider from 'oidc-provider';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessOf, type ExternalAccount, OIDC_CALLBACK, OIDC_START, oidcMessages, oidcRoutes, parseOidcConfig, parseRoleMap } from '../../server/auth/oidc.js';
import { createApp } from '../../server/index.js';
import { installAuth, SESSION_COOKIE } from '../../server/auth/session.js';
import { Warehouse } from '../../server/warehouse.js';
import { DEFAULT_LOCKOUT, sha256, StateStore } from '../../state/store.js';
import { chmodSync, writeFileSync } from 'node:fs';
import { oidcSettings } from '../../cli/serve.js';
import { tempDir } from '../helpers.js';

/** The people the provider knows, by subject, with the claims it releases. */
const PEOPLE: Record<string, Record<string, unknown>> = {
  // A board member of Southampton: met_role and met_area claims.
  'sub-bea': { name: 'Bea Board', preferred_username: 'bea.board', met_role: 'board', met_area: 'Southampton' },
  // A claim the map does not know ("finance"): no MET role from it.
  'sub-una': { name: 'Una Mapped', preferred_username: 'una.mapped', met_role: 'finance' },
  // No claim at all: the analyst assigns the role (commissioner, Portsmouth) in the state store.
  'sub-ann': { name: 'Ann Assigned', preferred_username: 'ann.assigned' },
  // No claim now, but an account left by an earlier sign-in whose claims made her board.
  'sub-fay': { name: 'Fay Former', preferred_username: 'fay.former' },
};

const CLIENT_ID = 'met-dashboard';
const CLIENT_SECRET = randomBytes(32).toString('base64url');

let provider: Server;
let issuer: string;
let met: Server;
let metUrl: string;
/** A second MET server whose sign-ins in flight run on a clock the test moves. */
let clocked: Server;
let clockedUrl: string;
let clock = Date.UTC(2026, 10, 30, 9, 0, 0);
let state: StateStore;
const logLines: string[] = [];

/** Listens on a free port of 127.0.0.1 with a handler given later (the provider needs the MET address, and the MET server the issuer). */
async function listen(handler: { fn: (req: IncomingMessage, res: ServerResponse) => void }): Promise<Server> {
  const s = createServer((req, res) => handler.fn(req, res));
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  return s;
}

beforeAll(async () => {
  const providerHandler = { fn: (_q: IncomingMessage, s: ServerResponse) => s.end() };
  provider = await listen(providerHandler);
  issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;

  const dir = tempDir('met-oidc-');
  state = new StateStore(join(dir, 'met.duckdb.state.sqlite'));
  const config = parseOidcConfig({
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scope: 'openid profile met',
    roleClaim: 'met_role',
    roleMap: parseRoleMap('board=board,met-commissioners=commissioner'),
    areaClaim: 'met_area',
    allowHttp: true,
  });
  // Every log line of the MET server, to look for the code and state in them.
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  // Sign-in on (no fixed role), as `met serve --oidc-issuer …` composes it; no warehouse is needed to sign in.
  const app = createApp({ warehouse: new Warehouse(join(dir, 'met.duckdb')), state, logger: pino({ base: undefined }, sink), oidc: config });
  const metHandler = { fn: app as unknown as (req: IncomingMessage, res: ServerResponse) => void };
  met = await listen(metHandler);
  metUrl = `http://127.0.0.1:${(met.address() as AddressInfo).port}`;
  const bare = express();
  installAuth(bare.locals, { state, idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000, secureCookies: false, lockout: DEFAULT_LOCKOUT, log: null });
  bare.use(oidcRoutes(config, { now: () => clock }));
  clocked = await listen({ fn: bare as never });
  clockedUrl = `http://127.0.0.1:${(clocked.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const oidc = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${metUrl}${OIDC_CALLBACK}`, `${clockedUrl}${OIDC_CALLBACK}`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], met: ['met_role', 'met_area'] },
    findAccount: async (_ctx: unknown, sub: string) => (PEOPLE[sub] ? { accountId: sub, claims: async () => ({ sub, ...PEOPLE[sub] }) } : undefined),
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: { devInteractions: { enabled: true } },
  });
  providerHandler.fn = oidc.callback();
});

afterAll(async () => {
  met?.closeAllConnections();
  provider?.closeAllConnections();
  clocked?.closeAllConnections();
  await Promise.all([met, clocked, provider].map((s) => s && new Promise((ok) => s.close(ok))));
  state?.close();
});

/** A browser's cookies, by origin (paths ignored: every cookie goes back to its origin). */
class Jar {
  private readonly byOrigin = new Map<string, Map<string, string>>();
  header(url: URL): string {
    return [...(this.byOrigin.get(url.origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(url: URL, res: Response): void {
    const jar = this.byOrigin.get(url.origin) ?? new Map<string, string>();
    this.byOrigin.set(url.origin, jar);
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (gone) jar.delete(name);
      else jar.set(name, pair!.slice(eq + 1).trim());
    }
  }
  get(url: string, name: string): string | undefined {
    return this.byOrigin.get(new URL(url).origin)?.get(name);
  }
  set(url: string, name: string, value: string): void {
    const origin = new URL(url).origin;
    if (!this.byOrigin.has(origin)) this.byOrigin.set(origin, new Map());
    this.byOrigin.get(origin)!.set(name, value);
  }
}

async function go(jar: Jar, url: URL, body?: URLSearchParams): Promise<Response> {
  const res = await fetch(url, {
    method: body ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie: jar.header(url), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(body ? { body } : {}),
  });
  jar.take(url, res);
  return res;
}

/**
 * From /auth/oidc/start through the provider's login form and consent, to the moment the
 * provider sends the browser back: the callback URL (not yet followed), the jar, and the
 * cookie of the sign-in in flight. `tamper` may change the authorization request.
 */
async function throughProvider(
  subject: string,
  tamper?: (authorize: URL) => void,
  next?: string,
  base = metUrl,
): Promise<{ jar: Jar; callback: URL; flowCookie: string }> {
  const jar = new Jar();
  const start = await go(jar, new URL(`${OIDC_START}${next === undefined ? '' : `?next=${encodeURIComponent(next)}`}`, base));
  expect(start.status).toBe(303);
  const flowCookie = jar.get(base, 'met_oidc')!;
  expect(flowCookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(start.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Lax/);
  let at = new URL(start.headers.get('location')!);
  expect(at.origin).toBe(issuer);
  // The request carries PKCE (S256), a state and a nonce.
  expect(at.searchParams.get('code_challenge_method')).toBe('S256');
  expect(at.searchParams.get('state')).toBeTruthy();
  expect(at.searchParams.get('nonce')).toBeTruthy();
  tamper?.(at);
  for (let step = 0; step < 20; step++) {
    if (at.origin === base && at.pathname === OIDC_CALLBACK) return { jar, callback: at, flowCookie };
    const res = await go(jar, at);
    if (res.status >= 300 && res.status < 400) {
      at = new URL(res.headers.get('location')!, at);
      continue;
    }
    // The provider's own page: the login form or the consent form. Fill it in and post it.
    const html = await res.text();
    expect(res.status, html.slice(0, 500)).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const prompt = /name="prompt" value="([a-z]+)"/.exec(html)![1]!;
    const form = new URLSearchParams({ prompt });
    if (prompt === 'login') {
      form.set('login', subject);
      form.set('password', 'any password: the test provider takes any');
    }
    const posted = await go(jar, new URL(action, at), form);
    expect(posted.status).toBeGreaterThanOrEqual(300);
    at = new URL(posted.headers.get('location')!, at);
  }
  throw new Error('the provider never sent the browser back');
}

/** The callback followed with the jar's cookies (or the cookie of the flow given). */
async function callback(jar: Jar, url: URL): Promise<{ status: number; html: string; session: string | undefined }> {
  const res = await go(jar, url);
  return { status: res.status, html: await res.text(), session: jar.get(url.origin, SESSION_COOKIE) };
}

/** What the session of a cookie gives: the account, role and area the server reads for each request. */
function sessionOf(token: string | undefined) {
  return token ? state.sessions.use(sha256(token), 60_000, 3_600_000) : null;
}

/** GET /api/me with the session cookie: who the server takes the browser for. */
async function me(token: string | undefined): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${metUrl}/api/me`, { headers: token ? { cookie: `${SESSION_COOKIE}=${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function lastAudit(event: string) {
  return state.audit.read({ event, limit: 1, offset: 0 }).entries[0]!;
}

describe('single sign-on against a real OpenID provider', () => {
  it('a person with met_role=board and met_area=Southampton gets a board session for Southampton, audited', async () => {
    const { jar, callback: url } = await throughProvider('sub-bea');
    const code = url.searchParams.get('code')!;
    const stateParam = url.searchParams.get('state')!;
    const r = await callback(jar, url);
    expect(r.status).toBe(200);
    expect(r.html).toContain(oidcMessages.signedIn('bea.board'));
    // Onward by a same-site navigation, so the SameSite=Strict session cookie goes with it.
    expect(r.html).toContain('<meta http-equiv="refresh" content="0;url=/">');
    expect(await me(r.session)).toEqual({ status: 200, body: { name: 'bea.board', role: 'board', area: 'Southampton', sign_in: true } });
    const s = sessionOf(r.session);
    expect(s?.account).toMatchObject({ name: 'bea.board', role: 'board', area: 'Southampton', issuer, subject: 'sub-bea', role_from: 'claims' });
    expect(s?.how).toBe('oidc');
    // The flow's cookie is spent.
    expect(jar.get(metUrl, 'met_oidc')).toBeUndefined();
    const audit = lastAudit('sign-in');
    expect(audit).toMatchObject({ account: 'bea.board', role: 'board', account_area: 'Southampton', address: '127.0.0.1' });
    expect(JSON.parse(audit.detail!)).toEqual({ how: 'oidc' });
    // Nothing of the code or the state in the log or the audit.
    const audits = JSON.stringify(state.audit.read({ limit: 1000, offset: 0 }));
    for (const secret of [code, stateParam, r.session!]) {
      expect(logLines.join('\n')).not.toContain(secret);
      expect(audits).not.toContain(secret);
    }
    expect(logLines.some((l) => l.includes(OIDC_CALLBACK))).toBe(true);
  });

  it('refuses a person whose claim maps to no MET role: no session, a page that says to ask the analyst, audited', async () => {
    const { jar, callback: url } = await throughProvider('sub-una');
    const r = await callback(jar, url);
    expect(r.status).toBe(403);
    expect(r.html).toContain('Your account has no MET role: ask the analyst');
    expect(r.session).toBeUndefined();
    expect((await me(r.session)).status).toBe(401);
    expect(state.accounts.findByExternal(issuer, 'sub-una')).toBeNull();
    const audit = lastAudit('sign-in failed');
    expect(audit.account).toBe('una.mapped');
    expect(JSON.parse(audit.detail!)).toEqual({
      how: 'oidc',
      subject: 'sub-una',
      reason: 'the met_role claim maps to no MET role and no role is assigned by the analyst',
    });
  });

  it('gives a person with no claim the role and area the analyst assigned', async () => {
    state.accounts.upsertExternal({ issuer, subject: 'sub-ann', name: 'ann.assigned', role: 'commissioner', area: 'Portsmouth', roleFrom: 'analyst' });
    const { jar, callback: url } = await throughProvider('sub-ann');
    const r = await callback(jar, url);
    expect(r.status).toBe(200);
    expect((await me(r.session)).body).toEqual({ name: 'ann.assigned', role: 'commissioner', area: 'Portsmouth', sign_in: true });
    expect(sessionOf(r.session)?.account).toMatchObject({ role_from: 'analyst' });
    expect(lastAudit('sign-in')).toMatchObject({ account: 'ann.assigned', role: 'commissioner', account_area: 'Portsmouth' });
  });

  it('does not take a role its claims gave at an earlier sign-in for one the analyst assigned', async () => {
    state.accounts.upsertExternal({ issuer, subject: 'sub-fay', name: 'fay.former', role: 'board', area: null, roleFrom: 'claims' });
    const { jar, callback: url } = await throughProvider('sub-fay');
    const r = await callback(jar, url);
    expect(r.status).toBe(403);
    expect(r.session).toBeUndefined();
    expect(JSON.parse(lastAudit('sign-in failed').detail!).reason).toBe('no met_role claim and no role assigned by the analyst');
  });

  it('brings the person back to the page they asked for, never to another site', async () => {
    expect(await (await fetch(`${metUrl}/auth/oidc/available`)).json()).toEqual({ oidc: true });
    const back = await throughProvider('sub-bea', undefined, '/missing?area=Southampton');
    expect((await callback(back.jar, back.callback)).html).toContain('content="0;url=/missing?area=Southampton"');
    const away = await throughProvider('sub-bea', undefined, '//evil.example/');
    expect((await callback(away.jar, away.callback)).html).toContain('content="0;url=/"');
  });

  it('refuses a tampered state', async () => {
    // The state the MET server sent is changed on its way: the provider returns the changed one.
    const { jar, callback: url } = await throughProvider('sub-bea', (authorize) => authorize.searchParams.set('state', 'x'.repeat(43)));
    const r = await callback(jar, url);
    expect(r.status).toBe(400);
    expect(r.html).toContain(oidcMessages.notVerified);
    expect(r.session).toBeUndefined();
    expect(JSON.parse(lastAudit('sign-in failed').detail!)).toEqual({ how: 'oidc', reason: 'the state does not match' });
  });

  it('checks the ID token nonce', async () => {
    // State and PKCE are right; only the nonce the provider puts in the ID token differs.
    const { jar, callback: url } = await throughProvider('sub-bea', (authorize) => authorize.searchParams.set('nonce', 'n'.repeat(43)));
    const r = await callback(jar, url);
    expect(r.status).toBe(400);
    expect(r.session).toBeUndefined();
    expect(JSON.parse(lastAudit('sign-in failed').detail!)).toEqual({ how: 'oidc', reason: 'the ID token nonce does not match' });
  });

  it('refuses a sign-in that took longer than 10 minutes at the provider (the clock moved, not waited for)', async () => {
    // 10 minutes less 1 ms: still in time.
    const inTime = await throughProvider('sub-bea', undefined, undefined, clockedUrl);
    clock += 10 * 60_000 - 1;
    expect((await callback(inTime.jar, inTime.callback)).status).toBe(200);
    // Exactly 10 minutes: expired.
    const late = await throughProvider('sub-bea', undefined, undefined, clockedUrl);
    clock += 10 * 60_000;
    const r = await callback(late.jar, late.callback);
    expect(r.status).toBe(400);
    expect(r.html).toContain(oidcMessages.expired);
    expect(r.session).toBeUndefined();
  });

  it('refuses a replayed callback, even with the cookie of the flow', async () => {
    const { jar, callback: url, flowCookie } = await throughProvider('sub-bea');
    expect((await callback(jar, url)).status).toBe(200);
    const replay = new Jar();
    replay.set(metUrl, 'met_oidc', flowCookie);
    const r = await callback(replay, url);
    expect(r.status).toBe(400);
    expect(r.html).toContain(oidcMessages.expired);
    expect(r.session).toBeUndefined();
    expect(JSON.parse(lastAudit('sign-in failed').detail!).reason).toBe(
      'no sign-in in progress for this browser (expired, already used, or started elsewhere)',
    );
  });
});

describe('the MET role and area of a person (accessOf)', () => {
  const config = parseOidcConfig({
    issuer: 'https://login.example.org/tenant',
    clientId: 'met',
    clientSecret: 's',
    roleClaim: 'groups',
    roleMap: parseRoleMap('MET Board=board,MET Commissioners=commissioner,MET Analysts=analyst'),
    areaClaim: 'met_area',
  });
  const analystSet = (role: ExternalAccount['role'], area: ExternalAccount['area']): ExternalAccount => ({
    id: 1,
    name: 'p',
    role,
    area,
    disabled: false,
    role_from: 'analyst',
  });

  it('maps a group among others to its role, and the area claim to a declared area', () => {
    expect(accessOf(config, { groups: ['Staff', 'MET Board'], met_area: 'isle of wight' }, null)).toEqual({
      ok: true,
      role: 'board',
      area: 'Isle of Wight',
      from: 'claims',
    });
    expect(accessOf(config, { groups: 'MET Commissioners', met_area: 'all' }, null)).toMatchObject({ role: 'commissioner', area: null });
    // The analyst sees the whole partnership: no area claim needed.
    expect(accessOf(config, { groups: ['MET Analysts'] }, null)).toMatchObject({ ok: true, role: 'analyst', area: null });
  });

  it('never takes a value outside the declared roles and areas', () => {
    expect(accessOf(config, { groups: ['MET Board'], met_area: 'Winchester' }, null)).toMatchObject({
      ok: false,
      reason: 'the met_area claim names no declared area',
    });
    expect(accessOf(config, { groups: ['MET Board'] }, null)).toMatchObject({ ok: false, reason: 'the met_area claim is absent' });
    expect(accessOf(config, { groups: ['MET Board'], met_area: ['Southampton', 'Portsmouth'] }, null)).toMatchObject({ ok: false });
    // A role's own name is not a role when a map is given; nor is an object's inherited key.
    expect(accessOf(config, { groups: ['board', 'constructor', '__proto__'], met_area: 'Southampton' }, null)).toMatchObject({
      ok: false,
      message: oidcMessages.noRole,
    });
    expect(() => parseRoleMap('MET Board=superuser')).toThrow(/not a MET role: use analyst, board, commissioner, public/);
  });

  it('refuses two roles, a disabled account, and falls back to the analyst only for an assignment', () => {
    expect(accessOf(config, { groups: ['MET Board', 'MET Commissioners'], met_area: 'Hampshire' }, null)).toMatchObject({
      ok: false,
      message: oidcMessages.twoRoles(['board', 'commissioner']),
    });
    expect(accessOf(config, { groups: ['MET Board'], met_area: 'Hampshire' }, { ...analystSet('board', null), disabled: true })).toMatchObject({
      ok: false,
      message: oidcMessages.disabled,
    });
    expect(accessOf(config, { groups: ['Staff'] }, analystSet('commissioner', 'Hampshire'))).toEqual({
      ok: true,
      role: 'commissioner',
      area: 'Hampshire',
      from: 'analyst',
    });
    expect(accessOf(config, { groups: ['Staff'] }, { ...analystSet('board', null), role_from: 'claims' })).toMatchObject({ ok: false });
    // A claim that gives a role wins over the assignment (the organisation's directory is the source).
    expect(accessOf(config, { groups: ['MET Board'], met_area: 'Hampshire' }, analystSet('commissioner', 'Portsmouth'))).toMatchObject({
      role: 'board',
      area: 'Hampshire',
    });
  });

  it('refuses settings that cannot work, naming them', () => {
    expect(() => parseOidcConfig({ issuer: 'http://login.example.org', clientId: 'met', clientSecret: 's' })).toThrow(/issuer must be an https URL/);
    expect(() => parseOidcConfig({ issuer: 'https://login.example.org', clientId: ' ', clientSecret: '' })).toThrow(
      /clientId the client id is empty; clientSecret/,
    );
    expect(() => parseOidcConfig({ issuer: 'https://login.example.org', clientId: 'met', clientSecret: 's', roleMap: { g: 'board' } })).toThrow(
      /needs the claim it maps/,
    );
  });
});

describe('met serve --oidc-… (oidcSettings)', () => {
  const flags = {
    oidcIssuer: 'https://login.example.org/tenant/v2.0',
    oidcClientId: 'met-dashboard',
    oidcRoleClaim: 'groups',
    oidcRoleMap: 'g-board=board, g-comm=commissioner',
  };

  it('takes the secret from MET_OIDC_CLIENT_SECRET or a file of its owner only, never a flag', () => {
    const c = oidcSettings(flags, { MET_OIDC_CLIENT_SECRET: 'from-the-environment' })!;
    expect(c).toMatchObject({
      clientSecret: 'from-the-environment',
      roleClaim: 'groups',
      roleMap: { 'g-board': 'board', 'g-comm': 'commissioner' },
      scope: 'openid profile',
    });
    const file = join(tempDir('met-oidc-secret-'), 'secret');
    writeFileSync(file, 'from-a-file\n', { mode: 0o600 });
    expect(oidcSettings({ ...flags, oidcClientSecretFile: file }, {})!.clientSecret).toBe('from-a-file');
    chmodSync(file, 0o644);
    expect(() => oidcSettings({ ...flags, oidcClientSecretFile: file }, {})).toThrow(/can be read by others: chmod 600 it/);
    expect(() => oidcSettings(flags, {})).toThrow(/MET_OIDC_CLIENT_SECRET or a file named by --oidc-client-secret-file \(never on the command line\)/);
  });

  it('without single sign-on, the sign-in page is told so and the flow is not there', async () => {
    const off = await listen({
      fn: createApp({ warehouse: new Warehouse(join(tempDir('met-oidc-off-'), 'met.duckdb')), role: 'board', logger: false }) as never,
    });
    const url = `http://127.0.0.1:${(off.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${url}/auth/oidc/available`)).json()).toEqual({ oidc: false });
      expect((await fetch(`${url}${OIDC_START}`, { redirect: 'manual' })).status).toBe(404);
    } finally {
      off.closeAllConnections();
      await new Promise((ok) => off.close(ok));
    }
  });

  it('is off without --oidc-issuer, and says which flags need it', () => {
    expect(oidcSettings({}, { MET_OIDC_CLIENT_SECRET: 's' })).toBeUndefined();
    expect(() => oidcSettings({ oidcClientId: 'x', oidcRoleClaim: 'groups' }, {})).toThrow('--oidc-client-id, --oidc-role-claim need --oidc-issuer');
    expect(() => oidcSettings({ ...flags, oidcRoleMap: 'g-board=owner' }, { MET_OIDC_CLIENT_SECRET: 's' })).toThrow(/"owner", which is not a MET role/);
  });
});

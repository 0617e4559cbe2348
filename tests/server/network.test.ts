// The server on the network: it answers only to its own host names (DNS rebinding),
// takes a state change only from its own pages (cross-site request forgery), serves
// sign-in off (--no-sign-in) on this machine only, and sweeps raw copies a killed process left behind.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { POPULATION, TEST_KEY, episode, episodes, tempDir, writeFolder } from '../helpers.js';
import { load } from '../../etl/load.js';
import { privateBase } from '../../etl/privateDir.js';
import { ServeRefused, startServer, type RunningServer } from '../../server/index.js';
import { multipart, raw } from './http.js';

const BIN = join(import.meta.dirname, '../../bin/met.js');

let dir: string;
let db: string;
let analyst: RunningServer;
let board: RunningServer;

beforeAll(async () => {
  dir = tempDir('met-network-');
  db = join(dir, 'met.duckdb');
  const folder = writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E2' })) });
  expect((await load({ inDir: folder, db })).report.status).toBe('loaded');
  analyst = await startServer({ db, port: 0, role: 'analyst', log: false });
  board = await startServer({ db, port: 0, role: 'board', log: false, allowHosts: ['met.partnership.example'] });
});

afterAll(async () => {
  await analyst?.close();
  await board?.close();
});

describe('the Host header (DNS rebinding)', () => {
  it.each([
    ['127.0.0.1', 200],
    ['localhost', 200],
    ['LOCALHOST', 200],
    ['[::1]', 200],
    ['evil.example', 421],
    ['127.0.0.1.nip.io', 421],
    ['localhost.', 421],
  ])('Host %s on the server’s port: %i', async (name, status) => {
    for (const path of ['/api/meta', '/', '/missing', '/no-such-page']) {
      const r = await raw(analyst.url, { path, headers: { host: `${name}:${analyst.port}` } });
      if (status === 421) {
        expect(r.status, path).toBe(421);
        expect(r.json.error).toMatch(/does not answer to that host name/);
      } else {
        expect(r.status, path).not.toBe(421);
      }
    }
  });

  it('refuses the right name on another port, no port (port 80), and no Host at all', async () => {
    expect((await raw(analyst.url, { path: '/api/health', headers: { host: `127.0.0.1:${analyst.port + 1}` } })).status).toBe(421);
    expect((await raw(analyst.url, { path: '/api/health', headers: { host: '127.0.0.1' } })).status).toBe(421);
    expect((await raw(analyst.url, { path: '/api/health', headers: { host: '' } })).status).toBe(421);
  });

  it('answers to a name added with allowHosts (--allow-host), and only to that one', async () => {
    expect((await raw(board.url, { path: '/api/health', headers: { host: `met.partnership.example:${board.port}` } })).status).toBe(200);
    expect((await raw(analyst.url, { path: '/api/health', headers: { host: `met.partnership.example:${analyst.port}` } })).status).toBe(421);
  });
});

describe('state changes need same-origin proof (CSRF)', () => {
  const form = () => multipart([{ name: 'files', filename: 'notes.csv', content: 'a,b\n1,2\n' }]);
  const post = (headers: Record<string, string>) => {
    const { body, type } = form();
    return raw(analyst.url, { method: 'POST', path: '/api/refresh', headers: { 'content-type': type, ...headers }, body });
  };

  it.each([
    ['another site’s Origin', { origin: 'http://evil.example' }],
    ['another port’s Origin', { origin: 'http://127.0.0.1:1' }],
    ['an https Origin', { origin: 'https://127.0.0.1:PORT' }],
    ['Origin null (a sandboxed page)', { origin: 'null' }],
    ['no Origin and no Sec-Fetch-Site', {}],
    ['no Origin and Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['no Origin and Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site' }],
    ['its own Origin but Sec-Fetch-Site cross-site', { origin: 'http://127.0.0.1:PORT', 'sec-fetch-site': 'cross-site' }],
  ])('refuses a POST with %s: 403', async (_what, headers) => {
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', String(analyst.port))]));
    const r = await post(h);
    expect(r.status).toBe(403);
    expect(r.json.error).toMatch(/must come from this server's own pages \(same origin\)/);
  });

  it('refuses every state-changing method, on any path', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const r = await raw(analyst.url, { method, path: '/api/refresh', headers: { origin: 'http://evil.example' } });
      expect(r.status, method).toBe(403);
    }
    expect((await raw(analyst.url, { method: 'POST', path: '/api/anything', headers: { origin: 'http://evil.example' } })).status).toBe(403);
  });

  it.each([
    ['its own Origin', { origin: 'http://127.0.0.1:PORT' }],
    ['its own Origin by the name localhost', { origin: 'http://localhost:PORT', host: 'localhost:PORT' }],
    ['no Origin but Sec-Fetch-Site same-origin', { 'sec-fetch-site': 'same-origin' }],
    ['its own Origin and Sec-Fetch-Site same-origin', { origin: 'http://127.0.0.1:PORT', 'sec-fetch-site': 'same-origin' }],
  ])('lets through a POST with %s (to the upload’s own checks)', async (_what, headers) => {
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', String(analyst.port))]));
    const r = await post(h);
    expect(r.status).toBe(400);
    // A name that is not a contract file's is shown by its length only (it could be a child's).
    expect(r.json.error).toMatch(/no file could be used: an unknown file \(a name of 9 characters\)/);
  });
});

describe('sign-in off (--no-sign-in) is for this machine only', () => {
  it('is refused by startServer on a non-loopback address, whatever the role', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      await expect(startServer({ db, port: 0, role: 'analyst', host, log: false })).rejects.toThrow(ServeRefused);
    }
    await expect(startServer({ db, port: 0, role: 'public', host: '0.0.0.0', log: false })).rejects.toThrow(/served on this machine only/);
  });

  it('is refused by met serve, with a message and exit 2; so is --role without --no-sign-in', () => {
    const env = { ...process.env, MET_SECRET_KEY: TEST_KEY };
    const r = spawnSync(process.execPath, [BIN, 'serve', '--db', db, '--no-sign-in', '--role', 'board', '--host', '0.0.0.0', '--port', '0'], {
      env,
      encoding: 'utf-8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/without sign-in \(--no-sign-in --role board\) every visitor is the board role, so it is served on this machine only/);
    const r2 = spawnSync(process.execPath, [BIN, 'serve', '--db', db, '--role', 'analyst', '--port', '0'], { env, encoding: 'utf-8', timeout: 60_000 });
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/--role is for --no-sign-in only/);
  });

  it('warns at every start of met serve --no-sign-in; with sign-in, says where the accounts are', async () => {
    const started = (args: string[]) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0', ...args], { env: { ...process.env, MET_SECRET_KEY: TEST_KEY } });
        let err = '';
        child.stderr.on('data', (c: Buffer) => {
          err += c.toString();
          if (err.includes('Press Ctrl-C to stop.')) child.kill('SIGTERM');
        });
        child.on('exit', () => resolve(err));
        child.on('error', reject);
      });
    const off = await started(['--no-sign-in', '--role', 'board']);
    expect(off).toMatch(/WARNING: sign-in is off \(--no-sign-in\): everyone who can reach this machine's port is the board role/);
    const on = await started([]);
    expect(on).toContain(`Sign-in is on: accounts, sessions and the audit log are in ${db}.state.sqlite.`);
    expect(on).toContain(`There is no account yet: add one with  npx met user add --name NAME --role analyst --db ${db}`);
    expect(on).not.toContain('WARNING');
    // With its own state file, the hint names that file, so the account goes where it is served from.
    const elsewhere = `${db}.elsewhere.sqlite`;
    expect(await started(['--state', elsewhere])).toContain(
      `There is no account yet: add one with  npx met user add --name NAME --role analyst --state ${elsewhere}`,
    );
  });

  it('serves every address with sign-in on', async () => {
    const s = await startServer({ db, port: 0, host: '0.0.0.0', log: false });
    try {
      expect((await raw(`http://127.0.0.1:${s.port}`, { path: '/api/health' })).status).toBe(200);
      expect((await raw(`http://127.0.0.1:${s.port}`, { path: '/api/meta' })).status).toBe(401);
    } finally {
      await s.close();
    }
  });
});

describe('leftover private folders', () => {
  it('are removed when the server starts, if their process is gone', async () => {
    // A pid that was alive a moment ago and is not now: a child that has exited.
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    const dead = join(privateBase(), `met-private-upload-${pid}-test01`);
    const mine = join(privateBase(), `met-private-upload-${process.pid}-test02`);
    for (const d of [dead, mine]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'missing_episodes.csv'), 'raw copy');
    }
    try {
      const s = await startServer({ db, port: 0, role: 'board', log: false });
      await s.close();
      expect(existsSync(dead)).toBe(false);
      // A live process's folder (this one's) is left alone.
      expect(existsSync(mine)).toBe(true);
    } finally {
      spawnSync('rm', ['-rf', dead, mine]);
    }
  });
});

// `met user` through the real command (spawned, the password on standard input): add,
// list (never a hash), disable, reset (sessions end), and what it refuses: a short
// password, a bad name, an analyst limited to an area, no state file named. Then a
// password it set signs in to a server on the same state file.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, TEST_KEY } from '../helpers.js';
import { sha256, StateStore } from '../../state/store.js';
import { signIn } from '../server/http.js';
import { startServer, type RunningServer } from '../../server/index.js';

const BIN = join(import.meta.dirname, '../../bin/met.js');
const PASSWORD = 'twelve chars and then some 90';

let dir: string;
let db: string;

function met(args: string[], input = '') {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf-8', env: { ...process.env, MET_SECRET_KEY: TEST_KEY }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = tempDir('met-user-');
  db = join(dir, 'met.duckdb');
});

describe('met user', () => {
  it('adds accounts with the password from standard input, and lists them without a hash', () => {
    const add = met(['user', 'add', '--name', 'ann.board', '--role', 'board', '--area', 'Portsmouth', '--db', db, '--password-stdin'], `${PASSWORD}\n`);
    expect(add.stderr).toBe('Added ann.board: board, Portsmouth only.\n');
    expect(add.status).toBe(0);
    // Input that is not a terminal is read without --password-stdin too.
    expect(met(['user', 'add', '--name', 'al', '--role', 'analyst', '--db', db], PASSWORD).status).toBe(0);
    const list = met(['user', 'list', '--db', db]);
    expect(list.stdout).toBe(
      [
        'name       role     area        status   sign_in   sessions',
        'al         analyst  –           enabled  password  0',
        'ann.board  board    Portsmouth  enabled  password  0',
        '',
      ].join('\n'),
    );
    const json = met(['user', 'list', '--db', db, '--json']);
    expect(json.stdout).not.toContain('argon2');
    expect(JSON.parse(json.stdout).map((a: { name: string }) => a.name)).toEqual(['al', 'ann.board']);
    // The state file beside the warehouse holds the hash, never the password.
    const bytes = readFileSync(`${db}.state.sqlite`);
    expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false);
  });

  it.each([
    [['--name', 'x', '--role', 'board'], PASSWORD, /a name is 2 to 64 characters/],
    [['--name', 'has space', '--role', 'board'], PASSWORD, /a name is 2 to 64 characters/],
    [['--name', 'bo', '--role', 'board'], 'elevenchars', /at least 12 characters/],
    [['--name', 'bo', '--role', 'board'], '', /no password was given/],
    [['--name', 'ana', '--role', 'analyst', '--area', 'Hampshire'], PASSWORD, /cannot be limited to an area/],
    [['--name', 'ann.board', '--role', 'public'], PASSWORD, /already an account named ann.board/],
  ])('refuses %j with exit 2', (args, input, message) => {
    const r = met(['user', 'add', ...args, '--db', db], input);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('refuses a role it does not know and a command with no state file named', () => {
    expect(met(['user', 'add', '--name', 'zed', '--role', 'admin', '--db', db], PASSWORD).status).not.toBe(0);
    const r = met(['user', 'list']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/say which state file: --db FILE .* or --state FILE/);
  });

  it('assigns a role and area to a person of single sign-on, with no password', () => {
    const r = met(['user', 'add', '--name', 'sso.person', '--role', 'commissioner', '--sso-subject', 'sub-77', '--issuer', 'https://idp.example', '--db', db]);
    expect(r.status).toBe(0);
    const s = new StateStore(`${db}.state.sqlite`);
    try {
      expect(s.accounts.findByExternal('https://idp.example', 'sub-77')).toMatchObject({ name: 'sso.person', role: 'commissioner', area: null });
      expect(s.accounts.byName('sso.person')!.password_hash).toBeNull();
    } finally {
      s.close();
    }
  });
});

describe('with a server on the same state file', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ db, port: 0, log: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('signs in with the password set; disable and reset end the sessions', async () => {
    const first = await signIn(server.url, 'ann.board', PASSWORD);
    expect(first.json).toEqual({ name: 'ann.board', role: 'board', area: 'Portsmouth' });
    const token = first.cookie!.split('=')[1]!;
    const newPassword = 'a brand new password 2026';
    const reset = met(['user', 'reset', 'ann.board', '--db', db, '--password-stdin'], newPassword);
    expect(reset.status).toBe(0);
    expect(reset.stderr).toMatch(/New password set for ann.board: their sessions have ended/);
    expect(server.state.sessions.use(sha256(token), 1e9, 1e9)).toBeNull();
    expect((await signIn(server.url, 'ann.board', PASSWORD)).status).toBe(401);
    const second = await signIn(server.url, 'ann.board', newPassword);
    expect(second.status).toBe(200);
    expect(met(['user', 'disable', 'ann.board', '--db', db]).status).toBe(0);
    const me = await fetch(`${server.url}/api/me`, { headers: { cookie: second.cookie! } });
    expect(me.status).toBe(401);
    expect((await signIn(server.url, 'ann.board', newPassword)).json).toEqual({ error: 'name or password not recognised' });
    expect(met(['user', 'list', '--db', db]).stdout).toMatch(/ann\.board +board +Portsmouth +disabled/);
    // Every change is in the audit log, from the command line.
    const actions = server.state.audit
      .read({ event: 'account', account: 'ann.board', limit: 10, offset: 0 })
      .entries.map((e) => [e.address, JSON.parse(e.detail!).action]);
    expect(actions).toEqual([
      ['command line', 'disabled'],
      ['command line', 'password reset'],
      ['command line', 'added'],
    ]);
  });
});

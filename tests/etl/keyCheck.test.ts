// The warehouse knows its key: a refresh under another key (or none, or a new key
// file made on the spot) is refused instead of breaking every link between sources;
// a deliberate change (--rekey) rebuilds every source that holds pseudonyms.

import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from '../../etl/load.js';
import { keyFingerprint, pseudonymise } from '../../etl/pseudonym.js';
import { withDb } from '../../lib/db.js';
import { humanLoadReport, messages } from '../../lib/messages.js';
import { POPULATION, TEST_KEY, count, episode, episodes, query, tempDir, writeFolder } from '../helpers.js';
import { WRITER_MARK } from '../../etl/writeWarehouse.js';

const BIN = join(import.meta.dirname, '../../bin/met.js');
const OTHER_KEY = 'another-key-entirely-9876543210-abcdef';
const FIXTURE_903 = join(import.meta.dirname, '../fixtures/ssda903/ssda903_missing.csv');

const RISK_HEADER = 'assessment_id,child_ref,dob,area,agency,assessed_at,exploitation_type,score,level';
// Children SC0000001 and SC0000002 have both an episode and a SERAF assessment;
// SC0000009 has an assessment only. So 2 children link across the two sources.
const EPISODES = episodes(episode(), episode({ episode_id: 'E2', child_ref: 'SC0000002' }), episode({ episode_id: 'E3', child_ref: 'SC0000003' }));
const RISK =
  [
    RISK_HEADER,
    'A1,SC0000001,2010-05-01,Southampton,police,2025-01-01,CSE,12,',
    'A2,SC0000002,2010-05-01,Southampton,police,2025-01-01,CCE,3,',
    'A3,SC0000009,2010-05-01,Southampton,police,2025-01-01,CSE,,high',
  ].join('\n') + '\n';

const LINKED = `SELECT count(DISTINCT r.child_pseudonym) AS n FROM risk_assessments r JOIN missing_episodes m USING (child_pseudonym)`;

async function linked(db: string): Promise<number> {
  return (await query<{ n: number }>(db, LINKED))[0]!.n;
}

afterEach(() => {
  process.env.MET_SECRET_KEY = TEST_KEY;
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function met(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((res) => {
    const full: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete full[k];
      else full[k] = v;
    }
    const c = spawn(process.execPath, [BIN, ...args], { env: full });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

/** A stack trace's frame lines ("    at f (file:1:2)"). */
const STACK = /^\s+at\s/m;

describe('the key fingerprint', () => {
  it('is stored in the warehouse: an HMAC of a fixed text, 16 hex characters', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    await load({ inDir: writeFolder(join(dir, 'v1'), { 'population.csv': POPULATION }), db });
    const rows = await query(db, `SELECT name, value FROM warehouse_meta ORDER BY name`);
    expect(rows).toEqual([
      { name: 'file_writer', value: WRITER_MARK },
      { name: 'key_fingerprint', value: keyFingerprint(Buffer.from(TEST_KEY)) },
    ]);
    expect(rows[1]!.value).toMatch(/^[0-9a-f]{16}$/);
    expect(keyFingerprint(Buffer.from(OTHER_KEY))).not.toBe(rows[1]!.value);
  });

  it('a refresh under another key is refused and every link between sources is kept', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    await load({ inDir: writeFolder(join(dir, 'v1'), { 'population.csv': POPULATION, 'missing_episodes.csv': EPISODES, 'risk_assessments.csv': RISK }), db });
    expect(await linked(db)).toBe(2);

    // Only the SERAF file again, under another key: today this loaded, and 2 linked children became 0.
    const v2 = writeFolder(join(dir, 'v2'), { 'risk_assessments.csv': RISK });
    const r = await met(['load', '--in', v2, '--db', db], { MET_SECRET_KEY: OTHER_KEY });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('is not the key this warehouse was built with');
    expect(r.stdout).toContain('met load --rekey');
    expect(r.stdout + r.stderr).not.toMatch(STACK);
    expect(await linked(db)).toBe(2);
    expect(await count(db, 'risk_assessments')).toBe(3);
    // The same folder under the warehouse's key loads.
    expect((await met(['load', '--in', v2, '--db', db], { MET_SECRET_KEY: TEST_KEY })).code).toBe(0);
    expect(await linked(db)).toBe(2);
    // The refused refresh is in the history as failed, with its reason.
    const hist = await query<{ status: string; n: number }>(db, `SELECT status, count(*) AS n FROM refreshes GROUP BY ALL ORDER BY ALL`);
    expect(hist).toEqual([
      { status: 'failed', n: 1 },
      { status: 'loaded', n: 2 },
    ]);
  });

  it('a lost key file is not replaced by a new one: the load is refused and no key file is made', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const keyFile = join(dir, 'config', 'secret.key');
    const env = { MET_SECRET_KEY: undefined, MET_KEY_FILE: keyFile };
    const v1 = writeFolder(join(dir, 'v1'), { 'population.csv': POPULATION, 'missing_episodes.csv': EPISODES, 'risk_assessments.csv': RISK });
    const first = await met(['load', '--in', v1, '--db', db], env);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`A new pseudonymisation key was created at ${keyFile}`);
    renameSync(keyFile, keyFile + '.moved');

    const v2 = writeFolder(join(dir, 'v2'), { 'risk_assessments.csv': RISK });
    const r = await met(['load', '--in', v2, '--db', db], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`there is no key file at ${keyFile}`);
    expect(r.stdout).toContain('No new key file was created');
    expect(r.stderr).not.toContain('A new pseudonymisation key was created');
    expect(existsSync(keyFile)).toBe(false);
    expect(await linked(db)).toBe(2);

    // Restored from its backup, the key works again.
    renameSync(keyFile + '.moved', keyFile);
    expect((await met(['load', '--in', v2, '--db', db], env)).code).toBe(0);
    expect(await linked(db)).toBe(2);
  });

  it.each([
    ['empty', '', 'it is empty'],
    ['garbage', 'this is not a key at all, only some words someone typed into the file\n', 'is damaged'],
    ['too short', Buffer.from('only-ten-b').toString('base64') + '\n', 'is damaged'],
  ])('a %s key file gives a clear message and a failed report, not a stack trace', async (_kind, content, says) => {
    const dir = tempDir();
    const keyFile = join(dir, 'secret.key');
    writeFileSync(keyFile, content, { mode: 0o600 });
    const v1 = writeFolder(join(dir, 'v1'), { 'population.csv': POPULATION });
    const r = await met(['load', '--in', v1, '--db', join(dir, 'met.duckdb'), '--json'], { MET_SECRET_KEY: undefined, MET_KEY_FILE: keyFile });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(STACK);
    const report = JSON.parse(r.stdout) as { status: string; error: string };
    expect(report.status).toBe('failed');
    expect(report.error).toContain(`the key file ${keyFile}`);
    expect(report.error).toContain(says);
    expect(report.error).toContain('restore it from its backup');
    expect(existsSync(join(dir, 'met.duckdb'))).toBe(false);
  });

  it('a MET_SECRET_KEY that is too short gives a clear message, not a stack trace', async () => {
    const dir = tempDir();
    const v1 = writeFolder(join(dir, 'v1'), { 'population.csv': POPULATION });
    const r = await met(['load', '--in', v1, '--db', join(dir, 'met.duckdb')], { MET_SECRET_KEY: 'short' });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
    expect(r.stdout).toContain('MET_SECRET_KEY is too short (5 characters)');
  });

  it('a blank MET_SECRET_KEY (16 spaces) or one of fewer than 8 distinct characters is refused, with what to do', async () => {
    const dir = tempDir();
    const v1 = writeFolder(join(dir, 'v1'), { 'population.csv': POPULATION });
    const db = join(dir, 'met.duckdb');
    process.env.MET_SECRET_KEY = ' '.repeat(16);
    const blank = await load({ inDir: v1, db });
    expect(blank.report).toMatchObject({ status: 'failed', error: messages.keyEnvBlank });
    expect(blank.report.error).toBe(
      'MET_SECRET_KEY is blank (only spaces): set it to a key of at least 16 characters (32 random bytes, base64, is best), or unset it to use the key file.',
    );
    process.env.MET_SECRET_KEY = 'abababababababab';
    const weak = await load({ inDir: v1, db });
    expect(weak.report.error).toBe(
      'MET_SECRET_KEY has only 2 different characters: use a key of at least 16 characters with at least 8 different ones (32 random bytes, base64, is best). ' +
        'If the warehouse was built with another key, set MET_SECRET_KEY to that key.',
    );
    expect(existsSync(db)).toBe(false);
    // A key of 16 characters, 8 of them different, is taken.
    process.env.MET_SECRET_KEY = 'abcdefghabcdefgh';
    expect((await load({ inDir: v1, db })).report.status).toBe('loaded');
  });

  it('a warehouse from before fingerprints records the key in use, and holds to it from then on', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    await load({ inDir: writeFolder(join(dir, 'v1'), { 'population.csv': POPULATION, 'missing_episodes.csv': EPISODES }), db });
    await withDb(db, {}, (d) => d.run('DROP TABLE warehouse_meta'));
    const v2 = writeFolder(join(dir, 'v2'), { 'risk_assessments.csv': RISK });
    const { report, notes } = await load({ inDir: v2, db });
    expect(report.status).toBe('loaded');
    expect(notes.warnings.join(' ')).toContain('had no key fingerprint');
    expect(await query(db, `SELECT value FROM warehouse_meta WHERE name = 'key_fingerprint'`)).toEqual([{ value: keyFingerprint(Buffer.from(TEST_KEY)) }]);
    process.env.MET_SECRET_KEY = OTHER_KEY;
    expect((await load({ inDir: v2, db })).report.status).toBe('failed');
  });
});

describe('met load --rekey', () => {
  let first: Promise<string> | undefined;
  /** A warehouse of the police episodes, SERAF and two areas' SSDA903 returns under TEST_KEY: built once, a copy for each test. */
  async function built(dir: string): Promise<string> {
    first ??= build(tempDir());
    const db = join(dir, 'met.duckdb');
    copyFileSync(await first, db);
    return db;
  }
  async function build(dir: string): Promise<string> {
    const db = join(dir, 'met.duckdb');
    await load({ inDir: writeFolder(join(dir, 'v1'), { 'population.csv': POPULATION, 'missing_episodes.csv': EPISODES, 'risk_assessments.csv': RISK }), db });
    // SSDA903 returns of two areas (the validator's fake data: 43 episodes each).
    for (const area of ['Isle of Wight', 'Portsmouth'] as const) {
      const d = join(dir, `903-${area}`);
      mkdirSync(d);
      copyFileSync(FIXTURE_903, join(d, 'ssda903_missing.csv'));
      expect((await load({ inDir: d, db, area })).report.status).toBe('loaded');
    }
    return db;
  }

  it('refuses unless every source that holds pseudonyms is in the folder, naming the missing files', async () => {
    const dir = tempDir();
    const db = await built(dir);
    process.env.MET_SECRET_KEY = OTHER_KEY;
    const { report } = await load({ inDir: writeFolder(join(dir, 'v2'), { 'missing_episodes.csv': EPISODES }), db, rekey: true });
    expect(report.status).toBe('failed');
    expect(report.error).toContain('missing: risk_assessments.csv.');
    expect(report.error).not.toContain('missing_episodes.csv');
    expect(await query(db, `SELECT value FROM warehouse_meta WHERE name = 'key_fingerprint'`)).toEqual([{ value: keyFingerprint(Buffer.from(TEST_KEY)) }]);
    expect(await count(db, 'missing_episodes')).toBe(3 + 43 + 43);
  });

  it('refuses when a needed source is in the folder but could not be loaded', async () => {
    const dir = tempDir();
    const db = await built(dir);
    process.env.MET_SECRET_KEY = OTHER_KEY;
    // A header with no rows is refused, so SERAF would keep pseudonyms of the old key.
    const { report, notes } = await load({
      inDir: writeFolder(join(dir, 'v2'), { 'missing_episodes.csv': EPISODES, 'risk_assessments.csv': RISK_HEADER + '\n' }),
      db,
      rekey: true,
    });
    expect(report.status).toBe('failed');
    expect(report.error).toContain('--rekey needs every source that holds pseudonyms loaded, but risk_assessments.csv could not be loaded');
    expect(await linked(db)).toBe(2);
    // The terminal says once that the warehouse was left as it was.
    expect(humanLoadReport(report, notes).split('\n').at(-1)).toBe(
      'The refresh failed: --rekey needs every source that holds pseudonyms loaded, but risk_assessments.csv could not be loaded (see the refused files); the warehouse was left as it was.',
    );
  });

  it('a refresh in which no file loads says once that the warehouse was left as it was', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const { report, notes } = await load({ inDir: writeFolder(join(dir, 'v2'), { 'risk_assessments.csv': RISK_HEADER + '\n' }), db });
    expect(report.status).toBe('failed');
    expect(humanLoadReport(report, notes).split('\n').at(-1)).toBe('The refresh failed: no file could be loaded, so the warehouse was left as it was.');
  });

  it('rebuilds every source under the new key: links kept, SSDA903 of other areas removed, the old key then refused', async () => {
    const dir = tempDir();
    const db = await built(dir);
    expect(await linked(db)).toBe(2);
    process.env.MET_SECRET_KEY = OTHER_KEY;
    const v2 = writeFolder(join(dir, 'v2'), { 'missing_episodes.csv': EPISODES, 'risk_assessments.csv': RISK });
    copyFileSync(FIXTURE_903, join(v2, 'ssda903_missing.csv'));
    const { report, notes } = await load({ inDir: v2, db, rekey: true, area: 'Isle of Wight' });
    expect(report.status).toBe('loaded');
    expect(await linked(db)).toBe(2);
    // Every pseudonym is the new key's; none of the old key's is left.
    const pseudonyms = await query<{ p: string }>(db, `SELECT child_pseudonym AS p FROM missing_episodes UNION SELECT child_pseudonym FROM risk_assessments`);
    expect(pseudonyms.map((r) => r.p)).toContain(pseudonymise(Buffer.from(OTHER_KEY), 'SC0000001'));
    expect(pseudonyms.map((r) => r.p)).not.toContain(pseudonymise(Buffer.from(TEST_KEY), 'SC0000001'));
    // 3 police episodes + the Isle of Wight return (43); Portsmouth's return is gone, with a note.
    expect(await query(db, `SELECT area, origin, count(*) AS n FROM missing_episodes GROUP BY ALL ORDER BY ALL`)).toEqual([
      { area: 'Isle of Wight', origin: 'ssda903', n: 43 },
      { area: 'Southampton', origin: 'missing_episodes', n: 3 },
    ]);
    expect(await query(db, `SELECT source, scope FROM source_state ORDER BY ALL`)).toEqual([
      { source: 'missing_episodes', scope: '' },
      { source: 'population', scope: '' },
      { source: 'risk_assessments', scope: '' },
      { source: 'ssda903_missing', scope: 'Isle of Wight' },
    ]);
    expect(notes.warnings.join('\n')).toContain('The SSDA903 returns of Portsmouth were removed');
    // Population holds no pseudonyms: carried forward as it was.
    expect(await count(db, 'population')).toBe(8);
    expect(await query(db, `SELECT value FROM warehouse_meta WHERE name = 'key_fingerprint'`)).toEqual([{ value: keyFingerprint(Buffer.from(OTHER_KEY)) }]);

    process.env.MET_SECRET_KEY = TEST_KEY;
    const again = await load({ inDir: v2, db, area: 'Isle of Wight' });
    expect(again.report.status).toBe('failed');
    expect(again.report.error).toContain('is not the key this warehouse was built with');
  });
});

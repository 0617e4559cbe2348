// The DfE SSDA903 missing table, on the public fake data of the return's validator
// (tests/fixtures/ssda903, see SOURCE.md there).

import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from '../../etl/load.js';
import { POPULATION, count, episode, episodes, query, tempDir, writeFolder } from '../helpers.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/ssda903/ssda903_missing.csv');

function folderWith903(dir: string, extra: Record<string, string> = {}) {
  const inDir = writeFolder(dir, extra);
  copyFileSync(FIXTURE, join(inDir, 'ssda903_missing.csv'));
  return inDir;
}

// Each test loads into a warehouse of its own: they run side by side (describe.concurrent).
describe.concurrent('SSDA903 missing table', () => {
  it('is refused without --area, with a message saying so', async () => {
    const dir = tempDir();
    const { report } = await load({ inDir: folderWith903(join(dir, 'in')), db: join(dir, 'met.duckdb') });
    expect(report.status).toBe('failed');
    expect(report.files[0]!.error).toContain('load it with --area');
  });

  it('loads as looked-after social care episodes of the given area, dates only, pseudonymised', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const { report } = await load({ inDir: folderWith903(join(dir, 'in')), db, area: 'Isle of Wight' });
    // The fixture has 43 data rows (44 lines less the header), all valid.
    expect(report.files[0]).toMatchObject({ file: 'ssda903_missing.csv', read: 43, loaded: 43, quarantined: 0 });
    const rows = await query(
      db,
      `SELECT origin, source, area, looked_after, dates_only, count(*) AS n,
              count(*) FILTER (WHERE classification = 'missing') AS missing,
              count(*) FILTER (WHERE classification = 'away') AS away,
              count(*) FILTER (WHERE episode_id LIKE '903:%') AS ids
       FROM missing_episodes GROUP BY ALL`,
    );
    const text = readFileSync(FIXTURE, 'utf-8').trim().split('\n').slice(1);
    const m = text.filter((l) => l.split(',')[2] === 'M').length;
    expect(rows).toEqual([
      { origin: 'ssda903', source: 'social_care', area: 'Isle of Wight', looked_after: true, dates_only: true, n: 43, missing: m, away: 43 - m, ids: 43 },
    ]);
    // The first row: CHILD 510000, away 13/11/2017 to 25/11/2017.
    const first = await query(
      db,
      `SELECT strftime(reported_at, '%Y-%m-%d %H:%M') AS s, strftime(returned_at, '%Y-%m-%d') AS e FROM missing_episodes WHERE dob = DATE '2002-03-12'`,
    );
    expect(first).toEqual([{ s: '2017-11-13 00:00', e: '2017-11-25' }]);
    const raw = await query(db, `SELECT count(*) AS n FROM missing_episodes WHERE child_pseudonym = '510000' OR episode_id LIKE '%510000%'`);
    expect(raw[0]!.n).toBe(0);
  });

  it('takes sex and ethnicity from ssda903_header.csv (DfE codes to the five groups)', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const inDir = folderWith903(join(dir, 'in'), {
      'ssda903_header.csv': 'CHILD,SEX,DOB,ETHNIC\n510000,2,12/03/2002,WBRI\n92296,1,19/05/2004,BAFR\n355937,M,17/04/2013,CHNE\n',
    });
    await load({ inDir, db, area: 'Isle of Wight' });
    const rows = await query(db, `SELECT strftime(dob, '%Y') AS y, sex, ethnicity FROM missing_episodes WHERE sex IS NOT NULL ORDER BY y`);
    expect(rows).toEqual([
      { y: '2002', sex: 'F', ethnicity: 'White' },
      { y: '2004', sex: 'M', ethnicity: 'Black' },
      { y: '2013', sex: 'M', ethnicity: 'Asian' },
    ]);
  });

  it('a repeated child and start date is quarantined without quoting the child, not even as a pseudonym', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const inDir = writeFolder(join(dir, 'in'), {
      'ssda903_missing.csv': 'CHILD,DOB,MISSING,MIS_START,MIS_END\n510000,12/03/2002,A,13/11/2017,25/11/2017\n510000,12/03/2002,M,13/11/2017,\n',
    });
    await load({ inDir, db, area: 'Isle of Wight' });
    expect(await query(db, 'SELECT line, kind, reason FROM quarantine')).toEqual([
      { line: 3, kind: 'repeated key', reason: 'child and mis_start together repeat an earlier row (line 2); the first row is kept' },
    ]);
  });

  it('is replaced area by area and leaves missing_episodes.csv rows alone', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    await load({ inDir: writeFolder(join(dir, 'base'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(episode()) }), db });
    await load({ inDir: folderWith903(join(dir, 'iow')), db, area: 'Isle of Wight' });
    await load({ inDir: folderWith903(join(dir, 'pompey')), db, area: 'Portsmouth' });
    await load({ inDir: folderWith903(join(dir, 'iow2')), db, area: 'Isle of Wight' });
    expect(await query(db, `SELECT origin, area, count(*) AS n FROM missing_episodes GROUP BY ALL ORDER BY ALL`)).toEqual([
      { origin: 'missing_episodes', area: 'Southampton', n: 1 },
      { origin: 'ssda903', area: 'Isle of Wight', n: 43 },
      { origin: 'ssda903', area: 'Portsmouth', n: 43 },
    ]);
    expect(await count(db, 'source_state')).toBe(4);
  });
});

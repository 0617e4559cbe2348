// A new population.csv that spells a locality otherwise, or lists it no more: the rows kept
// from earlier refreshes follow its spelling (etl/insert.ts respellLocalities), and those
// naming a locality it no longer lists are told in the load's warnings (a reviewer's case:
// "Basingstoke & Deane" for "Basingstoke and Deane" set the locality's figures to 0).

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { load } from '../../etl/load.js';
import { POPULATION, TEST_KEY, episode, episodes, query, tempDir, writeFolder } from '../helpers.js';

const BIN = join(import.meta.dirname, '../../bin/met.js');

describe('a population that respells or drops a locality', () => {
  it('renames the kept rows’ locality, keeps the figures, and warns of the rows whose locality is no longer listed', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    // Two episodes in Drayton and Farlington (Portsmouth), one in Fratton.
    const first = writeFolder(join(dir, 'in1'), {
      'population.csv': POPULATION,
      'missing_episodes.csv': episodes(
        episode({ episode_id: 'E1', child_ref: 'ZZREF00001', area: 'Portsmouth', locality: 'Drayton and Farlington', found_locality: 'Fratton' }),
        episode({ episode_id: 'E2', child_ref: 'ZZREF00002', area: 'Portsmouth', locality: 'Drayton and Farlington', found_locality: '' }),
        episode({ episode_id: 'E3', child_ref: 'ZZREF00003', area: 'Portsmouth', locality: 'Fratton', found_locality: '' }),
      ),
    });
    await load({ inDir: first, db });
    const localities = () => query(db, `SELECT episode_id, locality, found_locality FROM missing_episodes ORDER BY episode_id`);
    const byLocality = () =>
      query(
        db,
        `SELECT key, num::INTEGER AS n FROM measure_cells
         WHERE measure = 'met_children' AND breakdown = 'locality' AND area = 'Portsmouth' AND period_id = '2025-Q1'
         ORDER BY key`,
      );
    expect(await byLocality()).toEqual([
      { key: 'Drayton and Farlington', n: 2 },
      { key: 'Fratton', n: 1 },
    ]);
    // The population alone, Drayton spelt with "&" and Fratton written in capitals.
    const respelt = POPULATION.replace('Drayton and Farlington', 'Drayton & Farlington').replace(/,Fratton,/g, ',FRATTON,');
    const second = await load({ inDir: writeFolder(join(dir, 'in2'), { 'population.csv': respelt }), db });
    expect(second.report.status).toBe('loaded');
    expect(second.notes.warnings.filter((w) => w.includes('no longer lists'))).toEqual([]);
    expect(await localities()).toEqual([
      { episode_id: 'E1', locality: 'Drayton & Farlington', found_locality: 'FRATTON' },
      { episode_id: 'E2', locality: 'Drayton & Farlington', found_locality: null },
      { episode_id: 'E3', locality: 'FRATTON', found_locality: null },
    ]);
    // The figures follow the locality under its new spelling: not 0.
    expect(await byLocality()).toEqual([
      { key: 'Drayton & Farlington', n: 2 },
      { key: 'FRATTON', n: 1 },
    ]);
    // A population without Fratton: the rows kept are told (E3's locality, E1's found locality), by count only.
    const dropped = respelt
      .split('\n')
      .filter((l) => !l.includes('FRATTON'))
      .join('\n');
    const third = await load({ inDir: writeFolder(join(dir, 'in3'), { 'population.csv': dropped }), db });
    expect(third.notes.warnings.filter((w) => w.includes('no longer lists'))).toEqual([
      'population.csv no longer lists the locality that some rows kept from earlier refreshes name (2 rows of missing_episodes): they count in their area but in no locality, until they are sent again with a listed locality or population.csv lists it again.',
    ]);
  });

  it('warns, by count, of interviews kept from earlier refreshes whose episode a new missing_episodes.csv no longer holds', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const two = episodes(episode({ episode_id: 'E1', child_ref: 'ZZREF00001' }), episode({ episode_id: 'E2', child_ref: 'ZZREF00002' }));
    const interviews = 'rhi_id,episode_id,child_ref,outcome\nR1,E1,ZZREF00001,completed\nR2,E2,ZZREF00002,completed\n';
    await load({
      inDir: writeFolder(join(dir, 'in1'), { 'population.csv': POPULATION, 'missing_episodes.csv': two, 'return_interviews.csv': interviews }),
      db,
    });
    const one = episodes(episode({ episode_id: 'E1', child_ref: 'ZZREF00001' }));
    // As the analyst's script runs it: the warnings are in the JSON object too (beside the contract's fields).
    const stdout = execFileSync(process.execPath, [BIN, 'load', '--in', writeFolder(join(dir, 'in2'), { 'missing_episodes.csv': one }), '--db', db, '--json'], {
      env: { ...process.env, MET_SECRET_KEY: TEST_KEY },
      encoding: 'utf-8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const again = JSON.parse(stdout) as { status: string; warnings: string[] };
    expect(again.status).toBe('loaded');
    expect(again.warnings.filter((w) => w.includes('return interview'))).toEqual([
      '1 return interview kept from earlier refreshes names an episode the new missing_episodes.csv does not hold: it counts for no return until return_interviews.csv is sent again or the episodes are.',
    ]);
    // Sent with the interviews, the new file's check quarantines the interview instead, and nothing is warned.
    const both = await load({ inDir: writeFolder(join(dir, 'in3'), { 'missing_episodes.csv': one, 'return_interviews.csv': interviews }), db });
    expect(both.notes.warnings.filter((w) => w.includes('return interview'))).toEqual([]);
    expect(both.report.files.find((f) => f.file === 'return_interviews.csv')?.quarantined).toBe(1);
  });
});

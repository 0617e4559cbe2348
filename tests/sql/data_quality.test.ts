// The data-quality family (met-dataset.md, "Data quality"): load_summary, completeness
// and timeliness, which are not tied to a period or an area.

import { beforeAll, describe, expect, it } from 'vitest';
import { POPULATION, query } from '../helpers.js';
import {
  REFERRAL_HEADER,
  RHI_HEADER,
  RISK_HEADER,
  SSDA903_HEADER,
  csv,
  ep,
  episode,
  episodes,
  interview,
  loadWarehouse,
  read,
  referral,
  risk,
  rows,
} from './fixture.js';

// missing_episodes.csv: E1–E8 load; E9 has an unknown classification and is quarantined.
// Only E1 has a locality (1 of 8 loaded rows = 12.5%); E1–E7 have a risk grading
// (7 of 8 = 87.5%); E8 has no returned_at (7 of 8). The latest reported_at is E8's,
// 2025-03-20.
const MISSING = episodes(
  ...Array.from({ length: 8 }, (_, i) =>
    episode({
      episode_id: `E${i + 1}`,
      child_ref: `Q${i + 1}`,
      locality: i === 0 ? 'Bargate' : '',
      risk_grading: i < 7 ? 'low' : '',
      reported_at: `2025-03-${String(13 + i).padStart(2, '0')} 09:00`,
      returned_at: i < 7 ? `2025-03-${String(13 + i).padStart(2, '0')} 10:00` : '',
    }),
  ),
  episode({ episode_id: 'E9', child_ref: 'Q9', classification: 'lost' }),
);

// ssda903_missing.csv (Isle of Wight): two episodes, one still open; latest start 2025-03-25.
const SSDA903 = csv(SSDA903_HEADER, [
  { CHILD: 'W1', DOB: '01/01/2012', MISSING: 'M', MIS_START: '24/03/2025', MIS_END: '25/03/2025' },
  { CHILD: 'W2', DOB: '01/01/2012', MISSING: 'A', MIS_START: '25/03/2025', MIS_END: '' },
]);

let db: string;
beforeAll(async () => {
  const files = { 'population.csv': POPULATION, 'missing_episodes.csv': MISSING };
  const quarantined = { 'missing_episodes.csv': 1 };
  // Two refreshes: the folder, then the same folder with the Isle of Wight's SSDA903 return.
  db = await loadWarehouse({ files, quarantined }, { files: { ...files, 'ssda903_missing.csv': SSDA903 }, area: 'Isle of Wight', quarantined });
});

const localDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const utcDate = (d: Date) => d.toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

describe('data quality', () => {
  it('load_summary: per source and refresh, rows read, loaded, quarantined and the reasons', async () => {
    const got = rows(await read(db, '2025-Q1', 'Southampton'), 'load_summary');
    // The second refresh's three files, then the first's two, each refresh's by file name.
    expect(got.map((r) => r.file)).toEqual(['missing_episodes.csv', 'population.csv', 'ssda903_missing.csv', 'missing_episodes.csv', 'population.csv']);
    expect(new Set(got.slice(0, 3).map((r) => r.refresh_id)).size).toBe(1);
    expect(got[3]!.refresh_id).not.toBe(got[0]!.refresh_id);
    for (const i of [0, 3]) {
      // missing_episodes.csv: 9 rows read, 8 loaded, 1 quarantined (E9, unknown code).
      expect(got[i]).toMatchObject({ source: 'missing_episodes', status: 'loaded', read: 9, loaded: 8, quarantined: 1, reasons: { 'unknown code': 1 } });
      // population.csv: POPULATION's 8 data rows, all loaded.
      expect(got[i + 1]).toMatchObject({ source: 'population', status: 'loaded', read: 8, loaded: 8, quarantined: 0 });
    }
    // ssda903_missing.csv: 2 read, 2 loaded.
    expect(got[2]).toMatchObject({ source: 'ssda903_missing', status: 'loaded', read: 2, loaded: 2, quarantined: 0 });
  });

  it('completeness: per source and column, % of loaded rows with a value', async () => {
    const got = rows(await read(db, '2025-Q1', 'all'), 'completeness');
    const pct = (source: string, column: string) => got.find((r) => r.source === source && r.column === column)?.with_value_pct;
    expect(pct('missing_episodes', 'locality')).toBe(12.5); // E1 of E1–E8
    expect(pct('missing_episodes', 'risk_grading')).toBe(87.5); // E1–E7 of 8
    expect(pct('missing_episodes', 'returned_at')).toBe(87.5); // E1–E7 of 8
    expect(pct('missing_episodes', 'episode_id')).toBe(100);
    // SSDA903 rows are their own source: W1 returned, W2 not → 1 / 2 = 50.0; no locality.
    expect(pct('ssda903_missing', 'returned_at')).toBe(50);
    expect(pct('ssda903_missing', 'locality')).toBe(0);
    // Sources with no rows have no completeness rows.
    expect(got.filter((r) => r.source === 'risk_assessments')).toEqual([]);
  });

  it('timeliness: per source, the latest event date and the days from it to the refresh', async () => {
    const got = rows(await read(db, '2025-Q1', 'Southampton'), 'timeliness');
    // The refresh date is the day the second load stored each source (today, whether
    // the database clock reads local time or UTC).
    const stored = await query<{ d: string }>(db, `SELECT strftime(loaded_at, '%Y-%m-%d') AS d FROM source_state WHERE source = 'missing_episodes'`);
    const today = stored[0]!.d;
    expect([localDate(new Date()), utcDate(new Date())]).toContain(today);
    // missing_episodes: E8, 2025-03-20; population: the mid-year of 2024, 30 June;
    // ssda903_missing: W2's start, 2025-03-25.
    expect(got).toEqual([
      { source: 'missing_episodes', latest_event: '2025-03-20', refreshed: today, days_behind: daysBetween('2025-03-20', today) },
      { source: 'population', latest_event: '2024-06-30', refreshed: today, days_behind: daysBetween('2024-06-30', today) },
      { source: 'ssda903_missing', latest_event: '2025-03-25', refreshed: today, days_behind: daysBetween('2025-03-25', today) },
    ]);
  });
});

// A second warehouse for what partners sent and for returns with no interview data.
//
// referrals.csv: RF1 '11A', RF2 '' (empty), RF3 ' ; ;' (only separators and spaces),
// RF4 '11A;13'. Factors with a value: RF1 and RF4 = 2 of 4 = 50.0%. Every referral has
// its referral_id: 4 of 4 = 100.0%.
const REFERRALS = csv(REFERRAL_HEADER, [
  referral({ referral_id: 'RF1', factors: '11A' }),
  referral({ referral_id: 'RF2', factors: '' }),
  referral({ referral_id: 'RF3', factors: ' ; ;' }),
  referral({ referral_id: 'RF4', factors: '11A;13' }),
]);
// risk_assessments.csv: a level sent by RA1 (medium), RA3 (high) and RA5 (low); RA2 and RA4
// sent a score only (12 and 3), from which the loader derives medium and none. Levels
// as sent: 3 of 5 = 60.0% (not 5 of 5 = 100%). Scores: RA2, RA3, RA4 = 3 of 5 = 60.0%.
const RISK = csv(RISK_HEADER, [
  risk({ assessment_id: 'RA1', level: 'medium', score: '' }),
  risk({ assessment_id: 'RA2', level: '', score: '12' }),
  risk({ assessment_id: 'RA3', level: 'high', score: '17' }),
  risk({ assessment_id: 'RA4', level: '', score: '3' }),
  risk({ assessment_id: 'RA5', level: 'low', score: '' }),
]);
// missing_episodes.csv (Southampton): E1, E2, E3 returned; E4 still missing (not a return).
// return_interviews.csv: two interviews for E1 (R1 declined, R2 completed), one for E3.
// Returns from missing_episodes.csv: E1, E2, E3 = 3; with no interview row: E2 = 1
// (1 / 3 = 33.3%). The SSDA903 return (Isle of Wight): W1 returned, W2 still missing:
// 1 return, no interview file can name it = 1 (100.0%). All: 2 of 4 = 50.0%.
const EPISODES2 = episodes(
  ep('E1', 'C1', '2025-03-01 09:00', '2025-03-01 20:00'),
  ep('E2', 'C2', '2025-03-02 09:00', '2025-03-02 20:00'),
  ep('E3', 'C3', '2025-03-03 09:00', '2025-03-03 20:00'),
  ep('E4', 'C4', '2025-03-04 09:00', ''),
);
const INTERVIEWS = csv(RHI_HEADER, [
  interview({ rhi_id: 'R1', episode_id: 'E1', child_ref: 'C1', offered_at: '2025-03-02 10:00', outcome: 'declined' }),
  interview({ rhi_id: 'R2', episode_id: 'E1', child_ref: 'C1', offered_at: '2025-03-02 10:00', completed_at: '2025-03-03 10:00' }),
  interview({ rhi_id: 'R3', episode_id: 'E3', child_ref: 'C3', offered_at: '2025-03-04 10:00', completed_at: '2025-03-04 11:00' }),
]);

describe('data quality: what partners sent, and returns with no interview data', () => {
  let db2: string;
  beforeAll(async () => {
    db2 = await loadWarehouse(
      {
        files: {
          'population.csv': POPULATION,
          'missing_episodes.csv': EPISODES2,
          'return_interviews.csv': INTERVIEWS,
          'referrals.csv': REFERRALS,
          'risk_assessments.csv': RISK,
        },
      },
      { files: { 'ssda903_missing.csv': SSDA903 }, area: 'Isle of Wight' },
    );
  });

  it('completeness: an empty factors cell (or only separators) is no value; a derived SERAF level is not a level sent', async () => {
    const got = rows(await read(db2, '2025-Q1', 'all'), 'completeness');
    const pct = (source: string, column: string) => got.find((r) => r.source === source && r.column === column)?.with_value_pct;
    expect(pct('referrals', 'factors')).toBe(50); // RF1, RF4 of 4
    expect(pct('referrals', 'referral_id')).toBe(100);
    expect(pct('risk_assessments', 'level')).toBe(60); // RA1, RA3, RA5 of 5
    expect(pct('risk_assessments', 'score')).toBe(60); // RA2, RA3, RA4 of 5
    // One row per column: the derived flag is the loader's, not a column of the extract.
    expect(got.filter((r) => r.source === 'risk_assessments' && r.column === 'level')).toHaveLength(1);
    expect(got.filter((r) => r.source === 'risk_assessments' && r.column === 'level_derived')).toEqual([]);
  });

  it('returns_without_interview: returns with no interview row, per source of the episode and for all', async () => {
    const got = rows(await read(db2, '2025-Q1', 'all'), 'returns_without_interview');
    expect(got).toEqual([
      { source: 'missing_episodes', returns: 3, without_interview: 1, without_interview_pct: 33.3 },
      { source: 'ssda903_missing', returns: 1, without_interview: 1, without_interview_pct: 100 },
      { source: 'all', returns: 4, without_interview: 2, without_interview_pct: 50 },
    ]);
  });
});

// The data-quality family (met-dataset.md, "Data quality"): load_summary, completeness
// and timeliness, which are not tied to a period or an area.

import { beforeAll, describe, expect, it } from 'vitest';
import { POPULATION, query } from '../helpers.js';
import { SSDA903_HEADER, csv, episode, episodes, loadWarehouse, read, rows } from './fixture.js';

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

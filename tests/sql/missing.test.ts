// The missing family (met-dataset.md, "Missing"), on small hand-made folders. Every
// expected figure is worked out beside it from the rows that make it.

import { beforeAll, describe, expect, it } from 'vitest';
import { POPULATION } from '../helpers.js';
import { SSDA903_HEADER, by, csv, episodes, loadWarehouse, read, value, ep } from './fixture.js';

// POPULATION's localities: Southampton: Bargate, Bitterne Park, Portswood;
// Portsmouth: Fratton, Drayton and Farlington; Hampshire: Eastleigh; Isle of Wight: Ryde.

describe('missing: counts, breakdowns, ratio, median, still missing, SSDA903 dedupe (2025-Q1)', () => {
  let db: string;
  beforeAll(async () => {
    db = await loadWarehouse(
      {
        files: {
          'population.csv': POPULATION,
          'missing_episodes.csv': episodes(
            // Southampton, children aged 14:
            // M1 C1 police missing, looked after, not placed out of area: 1 h (10:00 → 11:00).
            ep('M1', 'MC1', '2025-01-05 10:00', '2025-01-05 11:00', { classification: 'missing', looked_after: 'Y', placed_out_of_area: 'N' }),
            // M2 C1 police absent: 2 h 54 min = 2.9 h.
            ep('M2', 'MC1', '2025-01-20 10:00', '2025-01-20 12:54', { classification: 'absent', looked_after: 'Y', placed_out_of_area: 'N' }),
            // M3 C2 social care away, not looked after, placed_out_of_area empty (not known): 3 h 12 min = 3.2 h.
            ep('M3', 'MC2', '2025-02-03 08:00', '2025-02-03 11:12', {
              source: 'social_care',
              classification: 'away',
              looked_after: 'N',
              placed_out_of_area: '',
            }),
            // M4 C3 police missing, placed out of area: 22:00 on 10 March to 01:15 on 12 March = 27.25 h.
            ep('M4', 'MC3', '2025-03-10 22:00', '2025-03-12 01:15', { classification: 'missing', looked_after: 'Y', placed_out_of_area: 'Y' }),
            // M5 C3 again, still missing (no returned_at).
            ep('M5', 'MC3', '2025-03-30 20:00', '', { classification: 'missing', looked_after: 'Y', placed_out_of_area: 'Y' }),
            // A1: a young adult, born 2005-06-01, so 19 on 10 February 2025: 18-24 only. 2 h.
            ep('A1', 'MA1', '2025-02-10 10:00', '2025-02-10 12:00', { dob: '2005-06-01' }),
            // Portsmouth: eight children P1–P8, one absent episode each, and P1 a second one;
            // each returned after 2 h.
            ...Array.from({ length: 8 }, (_, i) =>
              ep(`P${i + 1}`, `MP${i + 1}`, `2025-02-1${i} 09:00`, `2025-02-1${i} 11:00`, {
                area: 'Portsmouth',
                locality: 'Fratton',
                classification: 'absent',
              }),
            ),
            ep('P9', 'MP1', '2025-03-01 09:00', '2025-03-01 11:00', { area: 'Portsmouth', locality: 'Fratton', classification: 'absent' }),
          ),
        },
      },
      {
        // A second refresh: the Isle of Wight's SSDA903 return. The first row is C1's
        // episode of 5 January, also sent in missing_episodes.csv (M1, same child, same
        // start date): it counts once, as M1 in Southampton. The second is C7's own
        // episode (A = away), 12 to 13 February, dates only.
        area: 'Isle of Wight',
        files: {
          'ssda903_missing.csv': csv(SSDA903_HEADER, [
            { CHILD: 'MC1', DOB: '01/05/2010', MISSING: 'M', MIS_START: '05/01/2025', MIS_END: '06/01/2025' },
            { CHILD: 'MC7', DOB: '01/06/2012', MISSING: 'A', MIS_START: '12/02/2025', MIS_END: '13/02/2025' },
          ]),
        },
      },
    );
  });

  it('missing_episodes: episodes reported in the period, with its four breakdowns', async () => {
    const r = await read(db, '2025-Q1', 'Southampton');
    // M1–M5 (A1 is 19: not in the default 0-17 scope).
    expect(value(r, 'missing_episodes')).toBe(5);
    // missing: M1, M4, M5; absent: M2; away: M3.
    expect(by(r, 'missing_episodes', 'classification')).toEqual({ missing: 3, absent: 1, away: 1 });
    // police: M1, M2, M4, M5; social care: M3.
    expect(by(r, 'missing_episodes', 'source')).toEqual({ police: 4, social_care: 1 });
    // looked after: M1, M2, M4, M5; not: M3.
    expect(by(r, 'missing_episodes', 'looked_after')).toEqual({ yes: 4, no: 1 });
    // placed out of area: M4, M5; not: M1, M2; not known (empty): M3.
    expect(by(r, 'missing_episodes', 'placed_out_of_area')).toEqual({ yes: 2, no: 2, 'not known': 1 });
  });

  it('missing_children and episodes_per_child (2 decimals, half away from zero)', async () => {
    const soton = await read(db, '2025-Q1', 'Southampton');
    // C1 (M1, M2), C2 (M3), C3 (M4, M5).
    expect(value(soton, 'missing_children')).toBe(3);
    // 5 / 3 = 1.666… → 1.67.
    expect(value(soton, 'episodes_per_child')).toBe(1.67);
    const pompey = await read(db, '2025-Q1', 'Portsmouth');
    // P1–P9 are 9 episodes of 8 children: 9 / 8 = 1.125 → 1.13 (half away from zero).
    expect(value(pompey, 'missing_episodes')).toBe(9);
    expect(value(pompey, 'missing_children')).toBe(8);
    expect(value(pompey, 'episodes_per_child')).toBe(1.13);
  });

  it('median_missing_hours: an even count takes the mean of the two middle values, 1 decimal half away from zero', async () => {
    const r = await read(db, '2025-Q1', 'Southampton');
    // Returned episodes of 0-17s starting in Q1: M1 1 h, M2 2.9 h, M3 3.2 h, M4 27.25 h
    // (M5 has no return). Four values: (2.9 + 3.2) / 2 = 3.05 → 3.1. (The lower middle
    // would give 2.9, the upper 3.2, banker's or binary rounding 3.0.)
    expect(value(r, 'median_missing_hours')).toBe(3.1);
    // Portsmouth: nine episodes of 2 h each → 2.0.
    expect(value(await read(db, '2025-Q1', 'Portsmouth'), 'median_missing_hours')).toBe(2);
  });

  it('still_missing: episodes starting in the period with no returned_at', async () => {
    // M5 only.
    expect(value(await read(db, '2025-Q1', 'Southampton'), 'still_missing')).toBe(1);
    expect(value(await read(db, '2025-Q1', 'all'), 'still_missing')).toBe(1);
  });

  it('the age scope: 18-24 and 0-24 count the young adult', async () => {
    const adults = await read(db, '2025-Q1', 'Southampton', '18-24');
    // A1 only: 1 episode, 1 person, 2 h.
    expect(value(adults, 'missing_episodes')).toBe(1);
    expect(value(adults, 'missing_children')).toBe(1);
    expect(value(adults, 'median_missing_hours')).toBe(2);
    const everyone = await read(db, '2025-Q1', 'Southampton', '0-24');
    // M1–M5 and A1: 6 episodes of C1, C2, C3, A1 = 4 people.
    expect(value(everyone, 'missing_episodes')).toBe(6);
    expect(value(everyone, 'missing_children')).toBe(4);
  });

  it('SSDA903: an episode also in missing_episodes.csv (same child, same start date) counts once, as the missing_episodes.csv row', async () => {
    const iow = await read(db, '2025-Q1', 'Isle of Wight');
    // Of the two SSDA903 rows only C7's counts: C1's 5 January episode is M1's (Southampton).
    expect(value(iow, 'missing_episodes')).toBe(1);
    expect(value(iow, 'missing_children')).toBe(1);
    // C7: MISSING = A → away; SSDA903 episodes are social care, looked after.
    expect(by(iow, 'missing_episodes', 'classification')).toEqual({ away: 1 });
    expect(by(iow, 'missing_episodes', 'source')).toEqual({ social_care: 1 });
    expect(by(iow, 'missing_episodes', 'looked_after')).toEqual({ yes: 1 });
    // SSDA903 times are dates only, so its duration is not used: no median (see the report).
    expect(value(iow, 'median_missing_hours')).toBeNull();
    const all = await read(db, '2025-Q1', 'all');
    // Southampton 5 + Portsmouth 9 + Isle of Wight 1 = 15 (16 if the duplicate counted).
    expect(value(all, 'missing_episodes')).toBe(15);
    // missing M1, M4, M5; absent M2, P1–P9; away M3, C7.
    expect(by(all, 'missing_episodes', 'classification')).toEqual({ missing: 3, absent: 10, away: 2 });
    // C1, C2, C3 + MP1–MP8 + C7 = 12; 15 / 12 = 1.25.
    expect(value(all, 'missing_children')).toBe(12);
    expect(value(all, 'episodes_per_child')).toBe(1.25);
  });
});

describe('missing: period edges and ages', () => {
  let db: string;
  beforeAll(async () => {
    db = await loadWarehouse({
      files: {
        'population.csv': POPULATION,
        'missing_episodes.csv': episodes(
          // K0: 23:59 on 31 December 2024, the last minute of 2024-Q4.
          ep('K0', 'K0', '2024-12-31 23:59', '2025-01-01 01:00'),
          // K1: 00:00 on 1 January 2025, the first moment of 2025-Q1.
          ep('K1', 'K1', '2025-01-01 00:00', '2025-01-01 05:00'),
          // K2: 00:00 on 1 April 2025, the first moment of 2025-Q2.
          ep('K2', 'K2', '2025-04-01 00:00', '2025-04-01 05:00'),
          // K3: born 2007-05-14, reported on their 18th birthday: an adult.
          ep('K3', 'K3', '2025-05-14 09:00', '2025-05-14 10:00', { dob: '2007-05-14' }),
          // K4: born 2007-05-15, reported the day before their 18th birthday: 17, a child.
          ep('K4', 'K4', '2025-05-14 09:00', '2025-05-14 10:00', { dob: '2007-05-15' }),
        ),
      },
    });
  });

  it('an episode at 00:00 on the first day of a period is in it; at 00:00 on the next period’s first day it is not', async () => {
    // Q1 holds K1 only: K0 (23:59 on 31 Dec) is Q4's, K2 (00:00 on 1 April) Q2's.
    expect(value(await read(db, '2025-Q1', 'Southampton'), 'missing_episodes')).toBe(1);
    expect(value(await read(db, '2024-Q4', 'Southampton'), 'missing_episodes')).toBe(1);
    // Months: January holds K1; March nothing; April K2.
    expect(value(await read(db, '2025-01', 'Southampton'), 'missing_episodes')).toBe(1);
    expect(value(await read(db, '2025-03', 'Southampton'), 'missing_episodes')).toBe(0);
    expect(value(await read(db, '2025-04', 'Southampton'), 'missing_episodes')).toBe(1);
    // The financial year FY2024-25 (1 April 2024 – 31 March 2025) holds K0 and K1, not K2.
    expect(value(await read(db, 'FY2024-25', 'Southampton'), 'missing_episodes')).toBe(2);
  });

  it('on their 18th birthday a person is an adult: not in 0-17, in 18-24', async () => {
    // May 2025: K3 (18 that day) and K4 (17).
    expect(value(await read(db, '2025-05', 'Southampton'), 'missing_episodes')).toBe(1);
    expect(value(await read(db, '2025-05', 'Southampton', '18-24'), 'missing_episodes')).toBe(1);
    expect(value(await read(db, '2025-05', 'Southampton', '0-24'), 'missing_episodes')).toBe(2);
    expect(value(await read(db, '2025-05', 'Southampton', '18-24'), 'missing_children')).toBe(1);
  });
});

describe('missing: repeat_missing_children (3 episodes within [start − 90 days, start])', () => {
  let db: string;
  beforeAll(async () => {
    db = await loadWarehouse({
      files: {
        'population.csv': POPULATION,
        'missing_episodes.csv': episodes(
          // R1 (Southampton): 10 Jan 09:00, 20 Feb 10:00, 10 Apr 09:00. 10 January + 90 days
          // = 10 April (21 days to 31 Jan, +28 Feb = 49, +31 Mar = 80, +10 = 90): the third
          // episode's window [10 Jan 09:00, 10 Apr 09:00] holds all three → repeat.
          ep('R1a', 'R1', '2025-01-10 09:00', '2025-01-10 10:00'),
          ep('R1b', 'R1', '2025-02-20 10:00', '2025-02-20 11:00'),
          ep('R1c', 'R1', '2025-04-10 09:00', '2025-04-10 10:00'),
          // R2 (Southampton): the same but the third at 09:01, 90 days and one minute after
          // the first: its window [10 Jan 09:01, 10 Apr 09:01] holds two → not a repeat.
          ep('R2a', 'R2', '2025-01-10 09:00', '2025-01-10 10:00'),
          ep('R2b', 'R2', '2025-02-20 10:00', '2025-02-20 11:00'),
          ep('R2c', 'R2', '2025-04-10 09:01', '2025-04-10 10:00'),
          // R3: absent in Southampton (1 Mar), away in Portsmouth (15 Mar), missing in
          // Portsmouth (1 May, 61 days after 1 March): the third, in Portsmouth, is a
          // repeat across classifications and areas.
          ep('R3a', 'R3', '2025-03-01 10:00', '2025-03-01 11:00', { classification: 'absent' }),
          ep('R3b', 'R3', '2025-03-15 10:00', '2025-03-15 11:00', { area: 'Portsmouth', locality: 'Fratton', classification: 'away' }),
          ep('R3c', 'R3', '2025-05-01 10:00', '2025-05-01 11:00', { area: 'Portsmouth', locality: 'Fratton', classification: 'missing' }),
          // R4 (Portsmouth): four episodes on 2–5 April; the 3rd and 4th are both repeats,
          // but R4 is one person.
          ...['02', '03', '04', '05'].map((d) => ep(`R4${d}`, 'R4', `2025-04-${d} 10:00`, `2025-04-${d} 11:00`, { area: 'Portsmouth', locality: 'Fratton' })),
        ),
      },
    });
  });

  it('the third episode exactly 90 days after the first is a repeat', async () => {
    // Southampton Q2: R1 (R1c, window both ends included). R2c is not (next test).
    expect(value(await read(db, '2025-Q2', 'Southampton'), 'repeat_missing_children')).toBe(1);
  });

  it('90 days and one minute after the first is not', async () => {
    // Read April alone in Southampton: R1c (repeat) and R2c (not); so 1, not 2.
    const april = await read(db, '2025-04', 'Southampton');
    expect(value(april, 'missing_children')).toBe(2);
    expect(value(april, 'repeat_missing_children')).toBe(1);
  });

  it('counts across classifications and areas, and each person once', async () => {
    // Portsmouth Q2: R3 (R3c, with R3a in Southampton as absent and R3b away) and R4
    // (two repeat episodes, one person) = 2. Counting within one area, R3 would have
    // only two episodes in Portsmouth and drop out.
    expect(value(await read(db, '2025-Q2', 'Portsmouth'), 'repeat_missing_children')).toBe(2);
    // all: R1, R3, R4 = 3.
    expect(value(await read(db, '2025-Q2', 'all'), 'repeat_missing_children')).toBe(3);
    // Q1: nobody has a third episode yet (R1, R2 two each; R3 one in Southampton and one
    // in Portsmouth).
    expect(value(await read(db, '2025-Q1', 'all'), 'repeat_missing_children')).toBe(0);
  });
});

describe('missing: a person counted once across areas and age bands (May 2025)', () => {
  let db: string;
  beforeAll(async () => {
    db = await loadWarehouse({
      files: {
        'population.csv': POPULATION,
        'missing_episodes.csv': episodes(
          // B1, born 2007-05-14: 17 on 10 May (Southampton), 18 on 20 May (Southampton) and
          // 25 May (Portsmouth). The third episode within 90 days: a repeat, as an adult, in Portsmouth.
          ep('B1a', 'B1', '2025-05-10 10:00', '2025-05-10 11:00', { dob: '2007-05-14' }),
          ep('B1b', 'B1', '2025-05-20 10:00', '2025-05-20 11:00', { dob: '2007-05-14' }),
          ep('B1c', 'B1', '2025-05-25 10:00', '2025-05-25 11:00', { dob: '2007-05-14', area: 'Portsmouth', locality: 'Fratton' }),
          // B2, a child of 15: one episode in Southampton.
          ep('B2a', 'B2', '2025-05-12 10:00', '2025-05-12 11:00'),
          // B3, a child of 15: 3 May in Southampton, 4 and 5 May in Portsmouth; the third a repeat.
          ep('B3a', 'B3', '2025-05-03 10:00', '2025-05-03 11:00'),
          ep('B3b', 'B3', '2025-05-04 10:00', '2025-05-04 11:00', { area: 'Portsmouth', locality: 'Fratton' }),
          ep('B3c', 'B3', '2025-05-05 10:00', '2025-05-05 11:00', { area: 'Portsmouth', locality: 'Fratton' }),
        ),
      },
    });
  });

  it('each area and age band counts the people it holds', async () => {
    // Southampton: 0-17 B1a, B2a, B3a (3 people); 18-24 B1b; no repeat there.
    const soton = await read(db, '2025-05', 'Southampton');
    expect([value(soton, 'missing_episodes'), value(soton, 'missing_children'), value(soton, 'repeat_missing_children')]).toEqual([3, 3, 0]);
    const sotonAdults = await read(db, '2025-05', 'Southampton', '18-24');
    expect([value(sotonAdults, 'missing_episodes'), value(sotonAdults, 'missing_children')]).toEqual([1, 1]);
    // Portsmouth: 0-17 B3b, B3c (B3, a repeat); 18-24 B1c (B1, a repeat).
    const pompey = await read(db, '2025-05', 'Portsmouth');
    expect([value(pompey, 'missing_episodes'), value(pompey, 'missing_children'), value(pompey, 'repeat_missing_children')]).toEqual([2, 1, 1]);
    const pompeyAdults = await read(db, '2025-05', 'Portsmouth', '18-24');
    expect([value(pompeyAdults, 'missing_children'), value(pompeyAdults, 'repeat_missing_children')]).toEqual([1, 1]);
  });

  it('0-24 counts B1 once in Southampton, though in both bands there', async () => {
    // Southampton 0-24: 4 episodes; B1, B2, B3 = 3 people (the bands add to 4).
    const r = await read(db, '2025-05', 'Southampton', '0-24');
    expect([value(r, 'missing_episodes'), value(r, 'missing_children')]).toEqual([4, 3]);
    // Portsmouth 0-24: B1 and B3, both repeats.
    const p = await read(db, '2025-05', 'Portsmouth', '0-24');
    expect([value(p, 'missing_episodes'), value(p, 'missing_children'), value(p, 'repeat_missing_children')]).toEqual([3, 2, 2]);
  });

  it("'all' counts B1 and B3 once, though each is in two areas", async () => {
    // 0-17: B1 (Southampton), B2, B3 (both areas) = 3 people (the areas add to 4); B3 a repeat.
    const all = await read(db, '2025-05', 'all');
    expect([value(all, 'missing_episodes'), value(all, 'missing_children'), value(all, 'repeat_missing_children')]).toEqual([5, 3, 1]);
    // 18-24: B1 (in both areas) = 1, a repeat.
    const adults = await read(db, '2025-05', 'all', '18-24');
    expect([value(adults, 'missing_episodes'), value(adults, 'missing_children'), value(adults, 'repeat_missing_children')]).toEqual([2, 1, 1]);
    // 0-24: B1, B2, B3 = 3 (in both areas and, for B1, both bands); B1 and B3 repeats.
    const everyone = await read(db, '2025-05', 'all', '0-24');
    expect([value(everyone, 'missing_episodes'), value(everyone, 'missing_children'), value(everyone, 'repeat_missing_children')]).toEqual([7, 3, 2]);
  });
});

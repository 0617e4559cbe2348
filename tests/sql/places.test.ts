// The places family (met-dataset.md, "Places and perpetrators"): hotspots, CPI
// submissions, disruptions and offenders disrupted.

import { beforeAll, describe, expect, it } from 'vitest';
import { CPI_HEADER, DISRUPTION_HEADER, by, cpi, csv, disruption, episode, episodes, loadWarehouse, read, rows, value } from './fixture.js';

// Southampton has eleven localities, so ⌈10% × 11⌉ = ⌈1.1⌉ = 2 ranks can be hotspots;
// Portsmouth three (⌈0.3⌉ = 1); Hampshire and the Isle of Wight one each (⌈0.1⌉ = 1).
const SOUTHAMPTON = ['Bargate', 'Bevois', 'Bitterne', 'Coxford', 'Freemantle', 'Harefield', 'Millbrook', 'Peartree', 'Portswood', 'Shirley', 'Woolston'];
const POPULATION = [
  'year,area,locality,sex,age,population',
  ...SOUTHAMPTON.map((l) => `2024,Southampton,${l},F,15,100`),
  ...['Fratton', 'Baffins', 'Copnor'].map((l) => `2024,Portsmouth,${l},F,15,100`),
  '2024,Hampshire,Eastleigh,F,15,100',
  '2024,Isle of Wight,Ryde,F,15,100',
].join('\n');

/** A CPI submission in Southampton on 1 February 2025 unless said. */
const c = (id: string, locality: string, agency: string, location_type: string, theme: string, over: Record<string, string> = {}) =>
  cpi({ cpi_id: id, locality, agency, location_type, theme, submitted_at: '2025-02-01', ...over });
/** A disruption in Southampton on 1 March 2025 unless said. */
const d = (id: string, offender: string, locality: string, action_type: string, theme: string, over: Record<string, string> = {}) =>
  disruption({ disruption_id: id, offender_ref: offender, locality, action_type, theme, action_date: '2025-03-01', ...over });
/** An episode found somewhere (child born 2010-05-01, Southampton unless said). */
const found = (id: string, reported: string, foundLocality: string, over: Record<string, string> = {}) =>
  episode({ episode_id: id, child_ref: `C${id}`, reported_at: reported, returned_at: '', locality: 'Bargate', found_locality: foundLocality, ...over });

let db: string;
beforeAll(async () => {
  db = await loadWarehouse({
    files: {
      'population.csv': POPULATION,
      'missing_episodes.csv': episodes(
        found('F1', '2025-01-15 10:00', 'Bargate'),
        // F2: Portsmouth's child, found in Bargate: counts in Bargate.
        found('F2', '2025-02-01 10:00', 'Bargate', { area: 'Portsmouth', locality: 'Fratton' }),
        found('F3', '2025-02-10 10:00', 'Portswood'),
        found('F4', '2025-03-01 10:00', 'Portswood'),
        // F5: a young adult (born 2005-01-01) found in Portswood: 18-24 and 0-24 only.
        found('F5', '2025-03-05 10:00', 'Portswood', { dob: '2005-01-01' }),
        // F6: reported in 2024-Q4, found in Bargate.
        found('F6', '2024-11-10 10:00', 'Bargate'),
        // F7: not found anywhere recorded.
        found('F7', '2025-01-20 10:00', ''),
        // F8, F9: young adults (born 2005-01-01) found in Bevois: 18-24 and 0-24 only.
        found('F8', '2025-03-06 10:00', 'Bevois', { dob: '2005-01-01' }),
        found('F9', '2025-03-07 10:00', 'Bevois', { dob: '2005-01-01' }),
      ),
      'intelligence.csv': csv(CPI_HEADER, [
        // Southampton, 2025-Q1: Bargate 3, Bevois 5, Portswood 2, Shirley 5 = 15.
        c('C01', 'Bargate', 'police', 'park', 'CSE'),
        c('C02', 'Bargate', 'school', 'takeaway', 'CCE'),
        c('C03', 'Bargate', 'police', '', 'county_lines'),
        c('C04', 'Bevois', 'police', 'hotel', 'CSE'),
        c('C05', 'Bevois', 'police', 'hotel', 'CSE'),
        c('C06', 'Bevois', 'health', 'park', 'trafficking'),
        c('C07', 'Bevois', 'school', 'park', 'CCE'),
        c('C08', 'Bevois', 'police', 'online', 'other'),
        c('C09', 'Portswood', 'health', 'takeaway', 'CCE'),
        c('C10', 'Portswood', 'police', 'park', 'CSE'),
        c('C11', 'Shirley', 'police', 'shop', 'CCE'),
        c('C12', 'Shirley', 'police', 'shop', 'CCE'),
        c('C13', 'Shirley', 'voluntary', 'shop', 'CCE'),
        c('C14', 'Shirley', 'police', 'taxi', 'CSE'),
        c('C15', 'Shirley', 'school', 'shop', 'county_lines'),
        // Bargate, 2024-Q4.
        c('C16', 'Bargate', 'police', 'park', 'CSE', { submitted_at: '2024-11-15' }),
        // Portsmouth: Fratton 4. Hampshire: Eastleigh 5.
        ...['C17', 'C18', 'C19', 'C20'].map((id) => c(id, 'Fratton', 'police', 'park', 'CSE', { area: 'Portsmouth' })),
        ...['C21', 'C22', 'C23', 'C24', 'C25'].map((id) => c(id, 'Eastleigh', 'police', 'park', 'CCE', { area: 'Hampshire' })),
      ]),
      'disruptions.csv': csv(DISRUPTION_HEADER, [
        // Southampton, 2025-Q1: Bargate 2, Bevois 2, Portswood 2, one without a locality.
        d('D1', 'O1', 'Bargate', 'cawn', 'CSE'),
        d('D2', 'O1', 'Bargate', 'arrest', 'CSE'),
        d('D3', 'O2', 'Bevois', 'arrest', 'CCE'),
        d('D4', 'O3', 'Bevois', 'charge', 'trafficking'),
        d('D5', 'O4', 'Portswood', 'shpo', 'CSE'),
        d('D6', 'O2', 'Portswood', 'conviction', 'CCE'),
        d('D7', 'O5', '', 'licensing', 'CSE'),
        // Bargate on 31 December 2024 (Q4); Bevois on 1 April 2025 (Q2).
        d('D8', 'O6', 'Bargate', 'arrest', 'CSE', { action_date: '2024-12-31' }),
        d('D9', 'O7', 'Bevois', 'arrest', 'CSE', { action_date: '2025-04-01' }),
        // Portsmouth: O1 again (a different area), no locality.
        d('D10', 'O1', '', 'arrest', 'CSE', { area: 'Portsmouth' }),
      ]),
    },
  });
});

/** Hotspot rows as [locality, found, cpi, disruptions, total, rank, hotspot, change]. */
const table = (rs: Record<string, unknown>[]) => rs.map((r) => [r.locality, r.found, r.cpi, r.disruptions, r.total, r.rank, r.hotspot, r.change]);

describe('hotspots (2025-Q1)', () => {
  it('rank = 1 + the number of the area’s localities with a larger total; hotspot when rank ≤ ⌈10%⌉ and total ≥ 5; change against 2024-Q4', async () => {
    const got = table(rows(await read(db, '2025-Q1', 'Southampton'), 'hotspots'));
    // Totals (found of 0–17s + CPI + disruptions):
    //   Bargate   F1, F2 = 2 + C01–C03 = 3 + D1, D2 = 2 → 7; Q4: F6 + C16 + D8 = 3 → change 4
    //   Bevois    0 + C04–C08 = 5 + D3, D4 = 2 → 7; Q4 0 → change 7
    //   Portswood F3, F4 = 2 (F5 is 20) + C09, C10 = 2 + D5, D6 = 2 → 6
    //   Shirley   C11–C15 → 5
    //   the seven others 0; D7 (no locality) is nowhere.
    // Ranks: Bargate and Bevois 1 (no larger total), Portswood 3 (two larger), Shirley 4,
    // the others 5. Hotspots: rank ≤ 2 and total ≥ 5 → Bargate, Bevois; Portswood's rank 3
    // is out (a dense rank would give it 2).
    expect(got).toEqual([
      ['Bargate', 2, 3, 2, 7, 1, true, 4],
      ['Bevois', 0, 5, 2, 7, 1, true, 7],
      ['Portswood', 2, 2, 2, 6, 3, false, 6],
      ['Shirley', 0, 5, 0, 5, 4, false, 5],
      ...['Bitterne', 'Coxford', 'Freemantle', 'Harefield', 'Millbrook', 'Peartree', 'Woolston'].map((l) => [l, 0, 0, 0, 0, 5, false, 0]),
    ]);
  });

  it('a rank-1 locality with a total under 5 is not a hotspot', async () => {
    const got = table(rows(await read(db, '2025-Q1', 'Portsmouth'), 'hotspots'));
    // Fratton: C17–C20 = 4 (F2, Portsmouth's episode, was found in Bargate; D10 has no
    // locality): rank 1 of 3, but 4 < 5. Baffins and Copnor: 0, rank 2.
    expect(got).toEqual([
      ['Fratton', 0, 4, 0, 4, 1, false, 4],
      ['Baffins', 0, 0, 0, 0, 2, false, 0],
      ['Copnor', 0, 0, 0, 0, 2, false, 0],
    ]);
  });

  it('counts episodes of the age scope only; rank 2 is a hotspot where ⌈10%⌉ = 2', async () => {
    const got = table(rows(await read(db, '2025-Q1', 'Southampton', '0-24'), 'hotspots')).slice(0, 4);
    // 0–24 adds F8, F9 to Bevois (7 + 2 = 9) and F5 to Portswood (6 + 1 = 7). Ranks:
    // Bevois 1; Bargate and Portswood 2 (one larger); Shirley 4. Rank ≤ ⌈1.1⌉ = 2 and
    // total ≥ 5: Bevois, Bargate, Portswood. Q4 had no adult episode, so Bevois' change is 9
    // and Portswood's 7.
    expect(got).toEqual([
      ['Bevois', 2, 5, 2, 9, 1, true, 9],
      ['Bargate', 2, 3, 2, 7, 2, true, 4],
      ['Portswood', 3, 2, 2, 7, 2, true, 7],
      ['Shirley', 0, 5, 0, 5, 4, false, 5],
    ]);
  });

  it('for all, each area’s localities are ranked within their own area', async () => {
    const got = table(rows(await read(db, '2025-Q1', 'all'), 'hotspots'));
    // Eastleigh: C21–C25 = 5, rank 1 of 1 (⌈0.1⌉ = 1), and a total of exactly 5 is enough
    // → hotspot. Fratton keeps rank 1 (ranked against the whole partnership it would be 6th).
    expect(got).toHaveLength(11 + 3 + 1 + 1);
    expect(got.find((r) => r[0] === 'Eastleigh')).toEqual(['Eastleigh', 0, 5, 0, 5, 1, true, 5]);
    expect(got.find((r) => r[0] === 'Fratton')).toEqual(['Fratton', 0, 4, 0, 4, 1, false, 4]);
    expect(got.find((r) => r[0] === 'Ryde')).toEqual(['Ryde', 0, 0, 0, 0, 1, false, 0]);
    expect(got.find((r) => r[0] === 'Portswood')).toEqual(['Portswood', 2, 2, 2, 6, 3, false, 6]);
  });
});

describe('cpi_submissions and disruptions (2025-Q1)', () => {
  it('cpi_submissions by agency, theme and location_type', async () => {
    const r = await read(db, '2025-Q1', 'Southampton');
    // C01–C15 (C16 is Q4's).
    expect(value(r, 'cpi_submissions')).toBe(15);
    // police C01 C03 C04 C05 C08 C10 C11 C12 C14 = 9; school C02 C07 C15 = 3; health C06 C09 = 2; voluntary C13 = 1.
    expect(by(r, 'cpi_submissions', 'agency')).toEqual({ police: 9, school: 3, health: 2, voluntary: 1 });
    // CSE C01 C04 C05 C10 C14 = 5; CCE C02 C07 C09 C11 C12 C13 = 6; county_lines C03 C15 = 2;
    // trafficking C06 = 1; other C08 = 1.
    expect(by(r, 'cpi_submissions', 'theme')).toEqual({ CSE: 5, CCE: 6, county_lines: 2, trafficking: 1, other: 1 });
    // park C01 C06 C07 C10 = 4; takeaway C02 C09 = 2; hotel C04 C05 = 2; online C08 = 1;
    // shop C11 C12 C13 C15 = 4; taxi C14 = 1; empty (C03) = not recorded.
    expect(by(r, 'cpi_submissions', 'location_type')).toEqual({ park: 4, takeaway: 2, hotel: 2, online: 1, shop: 4, taxi: 1, 'not recorded': 1 });
    // all: 15 + Fratton 4 + Eastleigh 5 = 24.
    expect(value(await read(db, '2025-Q1', 'all'), 'cpi_submissions')).toBe(24);
  });

  it('disruptions by action_type and theme; offenders_disrupted = distinct offenders', async () => {
    const r = await read(db, '2025-Q1', 'Southampton');
    // D1–D7 (D8 Q4, D9 Q2): 7, with or without a locality.
    expect(value(r, 'disruptions')).toBe(7);
    expect(by(r, 'disruptions', 'action_type')).toEqual({ cawn: 1, arrest: 2, charge: 1, shpo: 1, conviction: 1, licensing: 1 });
    // CSE D1 D2 D5 D7; CCE D3 D6; trafficking D4.
    expect(by(r, 'disruptions', 'theme')).toEqual({ CSE: 4, CCE: 2, trafficking: 1 });
    // O1 (D1, D2), O2 (D3, D6), O3, O4, O5 = 5.
    expect(value(r, 'offenders_disrupted')).toBe(5);
    const all = await read(db, '2025-Q1', 'all');
    // all: D1–D7 and D10 = 8; offenders: O1 (also Portsmouth's D10) once → 5.
    expect(value(all, 'disruptions')).toBe(8);
    expect(value(all, 'offenders_disrupted')).toBe(5);
    expect(value(await read(db, '2025-Q1', 'Portsmouth'), 'offenders_disrupted')).toBe(1);
  });

  it('CPI and disruptions carry no age: the age scope does not narrow them', async () => {
    const r = await read(db, '2025-Q1', 'Southampton', '18-24');
    expect(value(r, 'cpi_submissions')).toBe(15);
    expect(value(r, 'disruptions')).toBe(7);
  });
});

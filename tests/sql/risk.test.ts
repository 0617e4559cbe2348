// The risk family (met-dataset.md, "Risk (SERAF)"). At E, the period's last day, each
// person's most recent assessment with assessed_at ≤ E (on one day: the higher level,
// then the larger assessment_id) counts in its own area; current when
// assessed_at > E − 183 days.
//
// 2025-Q1: E = 2025-03-31. E − 183 days = 2024-09-29 (Sep 29→30 1 day, +Oct 31 = 32,
// +Nov 30 = 62, +Dec 31 = 93, +Jan 31 = 124, +Feb 28 = 152, +Mar 31 = 183), so an
// assessment on 2024-09-29 is not current and one on 2024-09-30 (182 days) is.
// The previous quarter's end E' = 2024-12-31; E' − 183 days = 2024-07-01.

import { beforeAll, describe, expect, it } from 'vitest';
import { POPULATION } from '../helpers.js';
import { RISK_HEADER, by, csv, loadWarehouse, read, risk, value } from './fixture.js';

/** An assessment of a child born 2010-05-01 (14 at E). */
const ra = (id: string, child: string, assessedAt: string, level: string, type: string, over: Record<string, string> = {}) =>
  risk({ assessment_id: id, child_ref: child, assessed_at: assessedAt, level, exploitation_type: type, ...over });
const HANTS = { area: 'Hampshire', locality: 'Eastleigh' };
const IOW = { area: 'Isle of Wight', locality: 'Ryde' };

let db: string;
beforeAll(async () => {
  db = await loadWarehouse({
    files: {
      'population.csv': POPULATION,
      'risk_assessments.csv': csv(RISK_HEADER, [
        // Southampton.
        ra('A03', 'S3', '2025-02-10', 'high', 'CSE'), //                          at risk, high; none at E' → escalation
        ra('A07a', 'S7', '2024-10-01', 'high', 'CSE'), //                         superseded by …
        ra('A07b', 'S7', '2025-03-20', 'none', 'CSE'), //                         … latest is none: not counted
        ra('A08a', 'S8', '2025-01-10', 'medium', 'CCE', { area: 'Portsmouth' }), // superseded by …
        ra('A08b', 'S8', '2025-02-01', 'low', 'CCE'), //                          … Southampton, low; none at E' → escalation
        ra('A09', 'S9', '2025-04-02', 'high', 'CSE'), //                          after E: nothing in Q1
        ra('A11', 'S11', '2024-06-01', 'high', 'CSE'), //                         not current → overdue
        ra('A12a', 'S12', '2024-11-01', 'low', 'CSE'), //                         low at E' (current then) …
        ra('A12b', 'S12', '2025-02-15', 'medium', 'CSE'), //                      … medium at E → escalation
        ra('A13a', 'S13', '2024-05-01', 'high', 'CCE'), //                        not current at E' (≤ 2024-07-01): none then …
        ra('A13b', 'S13', '2025-03-01', 'low', 'CCE'), //                         … low at E → escalation
        ra('A16', 'S16', '2024-01-10', 'low', 'CSE'), //                          not current → overdue
        ra('A17', 'S17', '2024-01-10', 'none', 'CSE'), //                         none: neither at risk nor overdue
        ra('A18a', 'S18', '2024-12-01', 'high', 'CCE'), //                        high at E' …
        ra('A18b', 'S18', '2025-03-01', 'high', 'CCE'), //                        … high at E: at risk, no escalation
        ra('A19a', 'S19', '2024-12-01', 'high', 'CSE'), //                        high at E' …
        ra('A19b', 'S19', '2025-02-01', 'low', 'CSE'), //                         … low at E: at risk, a de-escalation
        // Young adults: S14 born 2005-01-01 (20 at E); S15 born 2007-03-31, 17 when
        // assessed but 18 on E itself: ages are taken at E.
        ra('A14', 'S14', '2025-01-20', 'medium', 'CSE', { dob: '2005-01-01' }),
        ra('A15', 'S15', '2025-02-01', 'high', 'CSE', { dob: '2007-03-31' }),
        // Hampshire: the 183-day boundary.
        ra('A01', 'S1', '2024-09-29', 'medium', 'CSE', HANTS), //                 183 days before E: not current → overdue
        ra('A02', 'S2', '2024-09-30', 'medium', 'CSE', HANTS), //                 182 days before E: current → at risk
        // Isle of Wight: two assessments of one person on one day.
        // T1: high (RT1A, CSE) and low (RT1Z, CCE): the higher level wins over the larger id.
        ra('RT1A', 'T1', '2025-03-05', 'high', 'CSE', IOW),
        ra('RT1Z', 'T1', '2025-03-05', 'low', 'CCE', IOW),
        // T2: medium (RT2A, CCE) and medium (RT2B, both): same level, the larger id wins.
        ra('RT2A', 'T2', '2025-03-06', 'medium', 'CCE', IOW),
        ra('RT2B', 'T2', '2025-03-06', 'medium', 'both', IOW),
        // Portsmouth: P2, current at 2025-04-02 (after 2024-10-01) but not at 2025-06-30
        // (on or before 2024-12-29): where E is read for a period the data does not reach.
        ra('AP2', 'P2', '2024-12-01', 'high', 'CSE', { area: 'Portsmouth' }),
      ]),
    },
  });
});

describe('risk (2025-Q1, E = 2025-03-31)', () => {
  it('children_at_risk: latest assessment current and low/medium/high, by level and exploitation_type', async () => {
    const r = await read(db, '2025-Q1', 'Southampton');
    // S3 high, S8 low (latest in Southampton), S12 medium, S13 low, S18 high, S19 low = 6;
    // not S7 (latest none), S9 (after E), S11/S16 (not current), S17 (none), S14/S15 (18+ at E).
    expect(value(r, 'children_at_risk')).toBe(6);
    expect(by(r, 'children_at_risk', 'level')).toEqual({ low: 3, medium: 1, high: 2 });
    // CSE: S3, S12, S19; CCE: S8, S13, S18.
    expect(by(r, 'children_at_risk', 'exploitation_type')).toEqual({ CSE: 3, CCE: 3 });
  });

  it('a person counts in the area of their latest assessment', async () => {
    // S8's earlier Portsmouth assessment is superseded by the Southampton one: Portsmouth has P2 only.
    expect(value(await read(db, '2025-Q1', 'Portsmouth'), 'children_at_risk')).toBe(1);
    // all: Southampton 6 + Portsmouth 1 (P2) + Hampshire 1 (S2) + Isle of Wight 2 (T1, T2) = 10.
    expect(value(await read(db, '2025-Q1', 'all'), 'children_at_risk')).toBe(10);
  });

  it('an assessment 183 days before E is not current (overdue); 182 days before is current (at risk)', async () => {
    const r = await read(db, '2025-Q1', 'Hampshire');
    // S2 (2024-09-30, 182 days): at risk. S1 (2024-09-29, 183 days): overdue.
    expect(value(r, 'children_at_risk')).toBe(1);
    expect(value(r, 'risk_reviews_overdue')).toBe(1);
    expect(by(r, 'children_at_risk', 'level')).toEqual({ medium: 1 });
  });

  it('risk_reviews_overdue: latest low/medium/high but not current', async () => {
    // Southampton: S11 (high, 2024-06-01) and S16 (low, 2024-01-10); not S17 (none).
    expect(value(await read(db, '2025-Q1', 'Southampton'), 'risk_reviews_overdue')).toBe(2);
    // all: S11, S16, S1 = 3.
    expect(value(await read(db, '2025-Q1', 'all'), 'risk_reviews_overdue')).toBe(3);
  });

  it('ties on one day: the higher level wins, then the larger assessment_id', async () => {
    const r = await read(db, '2025-Q1', 'Isle of Wight');
    // T1 → RT1A (high, CSE), not RT1Z (low, CCE) despite its larger id;
    // T2 → RT2B (medium, both), not RT2A (medium, CCE).
    expect(value(r, 'children_at_risk')).toBe(2);
    expect(by(r, 'children_at_risk', 'level')).toEqual({ high: 1, medium: 1 });
    expect(by(r, 'children_at_risk', 'exploitation_type')).toEqual({ CSE: 1, both: 1 });
  });

  it('risk_escalations: level at E higher than at the previous period’s end (none without a current assessment)', async () => {
    // Southampton: S3 none → high, S8 none → low, S12 low → medium, S13 none (A13a not
    // current at E') → low = 4; not S18 (high → high), S19 (high → low), S7 (high → none).
    expect(value(await read(db, '2025-Q1', 'Southampton'), 'risk_escalations')).toBe(4);
    // Hampshire: S1 medium → none, S2 medium → medium: 0.
    expect(value(await read(db, '2025-Q1', 'Hampshire'), 'risk_escalations')).toBe(0);
    // all: 4 + 0 + Isle of Wight's T1 and T2 (none → high, none → medium) = 6; not P2 (high → high).
    expect(value(await read(db, '2025-Q1', 'all'), 'risk_escalations')).toBe(6);
    // March alone (previous end 2025-02-28, whose 183-day limit is 2024-08-29): only S13
    // rises in Southampton (none → low); S3, S8, S12, S19 were already at their level on
    // 28 February and S18 stays high.
    expect(value(await read(db, '2025-03', 'Southampton'), 'risk_escalations')).toBe(1);
  });

  it('ages are taken at E: a person 18 on E is an adult', async () => {
    const adults = await read(db, '2025-Q1', 'Southampton', '18-24');
    // S14 (20) and S15 (18 on E, though 17 when assessed): 2, both escalations from none.
    expect(value(adults, 'children_at_risk')).toBe(2);
    expect(by(adults, 'children_at_risk', 'level')).toEqual({ medium: 1, high: 1 });
    expect(value(adults, 'risk_escalations')).toBe(2);
    // 0-24: the 6 children and the 2 adults.
    expect(value(await read(db, '2025-Q1', 'Southampton', '0-24'), 'children_at_risk')).toBe(8);
  });
});

describe('a period the data does not reach to its end: E is the data’s latest day (2025-04-02, A09: the fixture’s latest event)', () => {
  // 2025-Q2 ends 2025-06-30, after the last assessment: read at 2025-04-02, whose 183-day
  // limit is 2024-10-01, not at 2025-06-30 (limit 2024-12-29), when P2 would have lapsed.
  it('children_at_risk and overdue reviews as at 2025-04-02', async () => {
    const q2 = await read(db, '2025-Q2', 'Portsmouth');
    // P2 (2024-12-01): current at 2025-04-02; at 2025-06-30 it would be an overdue review instead.
    expect(value(q2, 'children_at_risk')).toBe(1);
    expect(value(q2, 'risk_reviews_overdue')).toBe(0);
    // Southampton: Q1's six and S9 (high, 2025-04-02) = 7: high S3, S9, S18; medium S12; low S8, S13, S19.
    const soton = await read(db, '2025-Q2', 'Southampton');
    expect(value(soton, 'children_at_risk')).toBe(7);
    expect(by(soton, 'children_at_risk', 'level')).toEqual({ low: 3, medium: 1, high: 3 });
  });

  it('escalations from the previous period’s E, for a quarter, a month and a year in progress', async () => {
    // Q2: from 2025-03-31 to 2025-04-02, only S9 rises (none → high).
    expect(value(await read(db, '2025-Q2', 'Southampton'), 'risk_escalations')).toBe(1);
    expect(value(await read(db, '2025-Q2', 'Portsmouth'), 'risk_escalations')).toBe(0);
    // April 2025 and FY2025-26 likewise: E = 2025-04-02, the previous E 2025-03-31.
    for (const period of ['2025-04', 'FY2025-26']) {
      const r = await read(db, period, 'Southampton');
      expect(value(r, 'risk_escalations'), period).toBe(1);
      expect(value(r, 'children_at_risk'), period).toBe(7);
      expect(value(await read(db, period, 'Portsmouth'), 'children_at_risk'), period).toBe(1);
    }
  });
});

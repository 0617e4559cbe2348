// Provision (sql/measures/80_services.sql) on a small hand-made services.csv: every figure
// below is worked out by hand from the fixture beside it (docs/definitions.md, "Provision").

import { beforeAll, describe, expect, it } from 'vitest';
import { withDb } from '../../lib/db.js';
import { readMeasures } from '../../lib/measures.js';
import { POPULATION } from '../helpers.js';
import { by, csv, ep, episodes, loadWarehouse, read, rows, value } from './fixture.js';

const HEADER = [
  'quarter',
  'area',
  'service',
  'provider',
  'referrals_received',
  'referrals_accepted',
  'started_within_target',
  'target_days',
  'capacity',
  'waiting_at_end',
] as const;

const svc = (quarter: string, area: string, service: string, provider: string, n: (number | '')[]) => {
  const [received, accepted, started, target, capacity, waiting] = n.map(String);
  return {
    quarter,
    area,
    service,
    provider,
    referrals_received: received!,
    referrals_accepted: accepted!,
    started_within_target: started!,
    target_days: target!,
    capacity: capacity!,
    waiting_at_end: waiting!,
  };
};

//  #  quarter  area         service            provider  recv acc start tgt cap wait
//  1  2025-Q1  Portsmouth   cce_support        P1          30  27   18   10  20   12
//  2  2025-Q2  Portsmouth   cce_support        P1          40  36   15   10  20   25
//  3  2025-Q2  Portsmouth   cce_support        P2          10   8    8   10  10    0   (a second provider: added in)
//  4  2025-Q2  Portsmouth   cse_support        P3          12  12   11   10  15    1
//  5  2025-Q2  Southampton  return_interviews  P4          50  49   40    3  60    4
//  6  2025-Q2  Southampton  cse_support        P5           8   –    6   10   –    2   (accepted and capacity not given)
//  7  2025-Q3  Portsmouth   cce_support        P1          45  40   12   10  20   41
//  8  2025-Q4  Portsmouth   cce_support        P1          50  44   10   10  20   60
//  9  2026-Q1  Portsmouth   cce_support        P1          55  50    9   10  20   80
const SERVICES = csv(HEADER, [
  svc('2025-Q1', 'Portsmouth', 'cce_support', 'P1', [30, 27, 18, 10, 20, 12]),
  svc('2025-Q2', 'Portsmouth', 'cce_support', 'P1', [40, 36, 15, 10, 20, 25]),
  svc('2025-Q2', 'Portsmouth', 'CCE support', 'P2', [10, 8, 8, 10, 10, 0]),
  svc('2025-q2', 'portsmouth', 'cse_support', 'P3', [12, 12, 11, 10, 15, 1]),
  svc('2025-Q2', 'Southampton', 'return_interviews', 'P4', [50, 49, 40, 3, 60, 4]),
  svc('2025-Q2', 'Southampton', 'cse_support', 'P5', [8, '', 6, 10, '', 2]),
  svc('2025-Q3', 'Portsmouth', 'cce_support', 'P1', [45, 40, 12, 10, 20, 41]),
  svc('2025-Q4', 'Portsmouth', 'cce_support', 'P1', [50, 44, 10, 10, 20, 60]),
  svc('2026-Q1', 'Portsmouth', 'cce_support', 'P1', [55, 50, 9, 10, 20, 80]),
]);

let db: string;

beforeAll(async () => {
  // Two episodes so that the periods reach from January 2025 to March 2026.
  db = await loadWarehouse({
    files: {
      'population.csv': POPULATION,
      'missing_episodes.csv': episodes(ep('E1', 'A', '2025-01-10 09:00', '2025-01-10 21:00'), ep('E2', 'B', '2026-03-10 09:00', '2026-03-10 21:00')),
      'services.csv': SERVICES,
    },
  });
});

describe('provision measures (services.csv)', () => {
  it('a quarter, one area: every service of the area added up, providers together', async () => {
    const r = await read(db, '2025-Q2', 'Portsmouth');
    // Rows 2, 3, 4: received 40 + 10 + 12 = 62; accepted 36 + 8 + 12 = 56; capacity 20 + 10 + 15 = 45.
    expect(value(r, 'service_referrals')).toBe(62);
    expect(value(r, 'service_accepted')).toBe(56);
    expect(value(r, 'service_capacity')).toBe(45);
    // Demand against capacity: 62 / 45 = 1.377… → 1.38.
    expect(value(r, 'service_demand_ratio')).toBe(1.38);
    // Started within target: (15 + 8 + 11) / 56 = 34 / 56 = 60.71…% → 60.7.
    expect(value(r, 'service_started_in_target_pct')).toBe(60.7);
    // Waiting at the quarter's end: 25 + 0 + 1 = 26.
    expect(value(r, 'service_waiting')).toBe(26);
    // Per service: CCE support is rows 2 and 3 (two providers); CSE support row 4.
    expect(by(r, 'service_referrals', 'service')).toEqual({ cce_support: 50, cse_support: 12 });
    expect(by(r, 'service_capacity', 'service')).toEqual({ cce_support: 30, cse_support: 15 });
    // 50 / 30 = 1.666… → 1.67; 12 / 15 = 0.8.
    expect(by(r, 'service_demand_ratio', 'service')).toEqual({ cce_support: 1.67, cse_support: 0.8 });
    // (15 + 8) / (36 + 8) = 23 / 44 = 52.27…% → 52.3; 11 / 12 = 91.66…% → 91.7.
    expect(by(r, 'service_started_in_target_pct', 'service')).toEqual({ cce_support: 52.3, cse_support: 91.7 });
    expect(by(r, 'service_waiting', 'service')).toEqual({ cce_support: 25, cse_support: 1 });
  });

  it('a count not given adds nothing, and a ratio or percentage takes only the returns that give both its counts', async () => {
    const r = await read(db, '2025-Q2', 'Southampton');
    // Rows 5 and 6: received 50 + 8 = 58; accepted 49 (row 6 gives none); capacity 60 (row 6 gives none).
    expect(value(r, 'service_referrals')).toBe(58);
    expect(value(r, 'service_accepted')).toBe(49);
    expect(value(r, 'service_capacity')).toBe(60);
    // Demand: only row 5 gives a capacity: 50 / 60 = 0.833… → 0.83 (not 58 / 60).
    expect(value(r, 'service_demand_ratio')).toBe(0.83);
    // Started: only row 5 gives both: 40 / 49 = 81.63…% → 81.6 (row 6's 6 started is left out).
    expect(value(r, 'service_started_in_target_pct')).toBe(81.6);
    expect(value(r, 'service_waiting')).toBe(6);
  });

  it('all four areas together', async () => {
    const r = await read(db, '2025-Q2', 'all');
    // 62 + 58 = 120 received; capacity 45 + 60 = 105; demand (62 + 50) / 105 = 1.066… → 1.07.
    expect(value(r, 'service_referrals')).toBe(120);
    expect(value(r, 'service_capacity')).toBe(105);
    expect(value(r, 'service_demand_ratio')).toBe(1.07);
    // Started (34 + 40) / (56 + 49) = 74 / 105 = 70.47…% → 70.5; waiting 26 + 6 = 32.
    expect(value(r, 'service_started_in_target_pct')).toBe(70.5);
    expect(value(r, 'service_waiting')).toBe(32);
    // CSE support in both areas: 12 + 8 = 20 received.
    expect(by(r, 'service_referrals', 'service')).toEqual({ cce_support: 50, cse_support: 20, return_interviews: 50 });
  });

  it('a financial year adds its quarters up, and its waiting list is its last quarter’s (Q1 of the next year)', async () => {
    const r = await read(db, 'FY2025-26', 'Portsmouth');
    // Quarters 2025-Q2 … 2026-Q1: rows 2, 3, 4, 7, 8, 9. Received 62 + 45 + 50 + 55 = 212; capacity 45 + 20 + 20 + 20 = 105.
    expect(value(r, 'service_referrals')).toBe(212);
    expect(value(r, 'service_capacity')).toBe(105);
    // 212 / 105 = 2.019… → 2.02: twice the referrals the places were paid for.
    expect(value(r, 'service_demand_ratio')).toBe(2.02);
    // Accepted 56 + 40 + 44 + 50 = 190; started 34 + 12 + 10 + 9 = 65; 65 / 190 = 34.21…% → 34.2.
    expect(value(r, 'service_accepted')).toBe(190);
    expect(value(r, 'service_started_in_target_pct')).toBe(34.2);
    // Waiting: 2026-Q1's 80 (row 9), not the sum of the quarters; CSE support has no return in 2026-Q1.
    expect(value(r, 'service_waiting')).toBe(80);
    expect(by(r, 'service_waiting', 'service')).toEqual({ cce_support: 80 });
    // The previous financial year holds only 2025-Q1 (row 1), its last quarter: waiting 12.
    const before = await read(db, 'FY2024-25', 'Portsmouth');
    expect(value(before, 'service_referrals')).toBe(30);
    expect(value(before, 'service_waiting')).toBe(12);
  });

  it('a calendar year: its waiting list is Q4’s', async () => {
    const r = await read(db, '2025', 'Portsmouth');
    // Rows 1, 2, 3, 4, 7, 8: received 30 + 62 + 45 + 50 = 187; waiting 2025-Q4's 60.
    expect(value(r, 'service_referrals')).toBe(187);
    expect(value(r, 'service_waiting')).toBe(60);
  });

  it('the trend of the waiting list by quarter, as the gaps page reads it', async () => {
    const r = await withDb(db, { readOnly: true }, (d) =>
      readMeasures(d, { period: '2025-Q4', area: 'Portsmouth', role: 'analyst', trend: 4, ids: ['service_waiting', 'service_demand_ratio'] }),
    );
    // Rows 1, 2 + 3 + 4, 7, 8: 12, 26, 41, 60; demand 30/20 = 1.5, 62/45 = 1.38, 45/20 = 2.25, 50/20 = 2.5.
    expect(r.measures.service_waiting!.trend!.periods).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    expect(r.measures.service_waiting!.trend!.values).toEqual([12, 26, 41, 60]);
    expect(r.measures.service_demand_ratio!.trend!.values).toEqual([1.5, 1.38, 2.25, 2.5]);
  });

  it('the data-quality view counts services.csv like any source: completeness and timeliness', async () => {
    const r = await read(db, '2025-Q2', 'all');
    const filled = (column: string) => rows(r, 'completeness').find((x) => x.source === 'services' && x.column === column)?.with_value_pct;
    // 9 rows; row 6 leaves referrals_accepted and capacity empty: 8 / 9 = 88.88…% → 88.9; every row gives a quarter.
    expect(filled('referrals_accepted')).toBe(88.9);
    expect(filled('capacity')).toBe(88.9);
    expect(filled('quarter')).toBe(100);
    // The latest quarter is 2026-Q1 (row 9): its last day, 31 March 2026.
    expect(rows(r, 'timeliness').find((x) => x.source === 'services')?.latest_event).toBe('2026-03-31');
  });

  it('under the partner rule, small counts are withheld with what rests on them, and their total protected', async () => {
    const r = await withDb(db, { readOnly: true }, (d) => readMeasures(d, { period: '2025-Q2', area: 'Portsmouth', role: 'board', trend: 0 }));
    const waiting = r.measures.service_waiting!;
    // CSE support's 1 waiting is below the threshold (5): withheld; with the total 26 and CCE's 25 both
    // shown it could be worked out (26 − 25), so one of them is withheld as well.
    expect(waiting.by!.service!.cse_support).toBe('c');
    expect([waiting.value, waiting.by!.service!.cce_support]).toContain('c');
    // CSE support's started within target, 11 of 12: 1 not started in time is a small number: withheld.
    expect(r.measures.service_started_in_target_pct!.by!.service!.cse_support).toBe('c');
    // Counts of 5 or more are shown as they are.
    expect(r.measures.service_referrals!.value).toBe(62);
    expect(r.measures.service_referrals!.by!.service).toEqual({ cce_support: 50, cse_support: 12 });
  });
});

// The attacker itself (lib/audit/), on small cases worked by hand: it must find what a
// careful person with a pencil would, or the audits built on it prove nothing.

import { describe, expect, it } from 'vitest';
import { attack, cellId, Knowledge, solve } from '../../lib/audit/index.js';
import { answer } from './responses.js';

const bound = (bounds: { id: string; min: number; max: number }[], id: string) => {
  const b = bounds.find((x) => x.id === id);
  return b ? [b.min, b.max] : undefined;
};
const cell = (measure: string, period: string, area: string, scope: string, breakdown = '', key = '') =>
  cellId({ measure, period, area, scope, breakdown, key });

describe('the attacker, partner rule', () => {
  it('pins two c beside a total that leaves 2: each is 1 (the old rule’s leak)', async () => {
    // Missing episodes 7 = missing 1 + absent 1 + away 5. The old rule hid the two 1s
    // only (two c: no secondary suppression was needed); 7 − 5 = 2 for two cells each
    // at least 1 gives 1 and 1.
    const r = answer('2025-Q3', 'Southampton', { missing_episodes: { value: 7, by: { classification: { missing: 'c', absent: 'c', away: 5 } } } });
    const { bounds, figures } = await attack({ measures: [r] }, 'partner');
    expect(bound(bounds, cell('missing_episodes', '2025-Q3', 'Southampton', '0-17', 'classification', 'missing'))).toEqual([1, 1]);
    expect(bound(bounds, cell('missing_episodes', '2025-Q3', 'Southampton', '0-17', 'classification', 'absent'))).toEqual([1, 1]);
    expect(figures).toMatchObject({ withheld: 2, pinned: 2, belowThreshold: 2, broken: 0, infeasible: 0 });
  });

  it('the partner rule’s answer to it leaves every c room to be 5 or more', async () => {
    // The new rule withholds the next smallest (away, 5) as well: 1 + 1 + 5 = 7 ≥
    // (3 − 1) + 5. Each c is then 1 to 7 − 1 − 1 = 5: none below the threshold.
    const r = answer('2025-Q3', 'Southampton', { missing_episodes: { value: 7, by: { classification: { missing: 'c', absent: 'c', away: 'c' } } } });
    const { bounds, figures } = await attack({ measures: [r] }, 'partner');
    for (const key of ['missing', 'absent', 'away'])
      expect(bound(bounds, cell('missing_episodes', '2025-Q3', 'Southampton', '0-17', 'classification', key))).toEqual([1, 5]);
    expect(figures).toMatchObject({ withheld: 3, pinned: 0, belowThreshold: 0 });
  });

  it('a locality’s count withheld beside its rate per 10,000 and its public population', async () => {
    // Service gaps: Bargate's MET children c, prevalence 9.1 per 10,000 of 4,400
    // children: 10,000 n / 4,400 in [9.05, 9.15] → n in [3.98, 4.03] → n = 4.
    const r = answer('2025-Q3', 'Southampton', {
      service_gaps: { rows: [{ locality: 'Bargate', area: 'Southampton', met_children: 'c', prevalence_per_10k: 9.1 }] },
    });
    const { bounds } = await attack({ measures: [r] }, 'partner', { populations: (q) => (q.locality === 'Bargate' ? 4400 : undefined) });
    expect(bound(bounds, cell('service_gaps', '2025-Q3', 'Southampton', '0-17', 'met_children', 'Bargate'))).toEqual([4, 4]);
  });

  it('a hotspot row whose total leaves 2 for two c', async () => {
    // found 9 + cpi c + disruptions c = 11: c + c = 2, so each is 1.
    const r = answer('2025-Q3', 'Southampton', {
      hotspots: { rows: [{ locality: 'Bargate', area: 'Southampton', found: 9, cpi: 'c', disruptions: 'c', total: 11, rank: 1 }] },
    });
    const { figures } = await attack({ measures: [r] }, 'partner');
    expect(figures).toMatchObject({ withheld: 2, pinned: 2 });
  });

  it('ranks order the totals: a withheld total between two shown ones', async () => {
    // Ranks 1, 2, 3 with totals 9, c, 7: the c is below 9 and above 7, so it is 8.
    const r = answer('2025-Q3', 'Portsmouth', {
      hotspots: {
        rows: [
          { locality: 'Fratton', area: 'Portsmouth', total: 9, rank: 1 },
          { locality: 'Hilsea', area: 'Portsmouth', total: 'c', rank: 2 },
          { locality: 'Cosham', area: 'Portsmouth', total: 7, rank: 3 },
        ],
      },
    });
    const { bounds } = await attack({ measures: [r] }, 'partner');
    expect(bound(bounds, cell('hotspots', '2025-Q3', 'Portsmouth', '0-17', 'total', 'Hilsea'))).toEqual([8, 8]);
  });

  it('across answers: the four areas, the age scopes and the quarters of a year', async () => {
    // Southampton's 0-17 episodes in 2025-Q3 are c. The areas' answers: all = 40,
    // Portsmouth 10, Hampshire 20, Isle of Wight 7 → Southampton = 3. Alone, each
    // answer leaves it 1 or more.
    const areas = (
      [
        ['all', 40],
        ['Southampton', 'c'],
        ['Portsmouth', 10],
        ['Hampshire', 20],
        ['Isle of Wight', 7],
      ] as const
    ).map(([a, v]) => answer('2025-Q3', a, { missing_episodes: { value: v } }));
    const one = await attack({ measures: [areas[1]!] }, 'partner');
    expect(one.figures).toMatchObject({ withheld: 1, pinned: 0, belowThreshold: 0 });
    expect(bound(one.bounds, cell('missing_episodes', '2025-Q3', 'Southampton', '0-17'))).toEqual([1, Infinity]);
    const all = await attack({ measures: areas }, 'partner');
    expect(bound(all.bounds, cell('missing_episodes', '2025-Q3', 'Southampton', '0-17'))).toEqual([3, 3]);

    // Quarters of FY2025-26 (Q2 = 2025-Q3 withheld): year 50 = 12 + c + 15 + 20 → 3.
    const fy = [answer('FY2025-26', 'Southampton', { missing_episodes: { value: 50 } })];
    for (const [q, v] of [
      ['2025-Q2', 12],
      ['2025-Q3', 'c'],
      ['2025-Q4', 15],
      ['2026-Q1', 20],
    ] as const)
      fy.push(answer(q, 'Southampton', { missing_episodes: { value: v } }));
    const year = await attack({ measures: fy }, 'partner');
    expect(bound(year.bounds, cell('missing_episodes', '2025-Q3', 'Southampton', '0-17'))).toEqual([3, 3]);

    // Children missing are distinct people: the year (30) is at most the quarters' sum
    // (10 + c + 8 + 9 = 27 + c) and at least each quarter: c ≥ 3 and no upper bound.
    const kids = [answer('FY2025-26', 'Southampton', { missing_children: { value: 30 } })];
    for (const [q, v] of [
      ['2025-Q2', 10],
      ['2025-Q3', 'c'],
      ['2025-Q4', 8],
      ['2026-Q1', 9],
    ] as const)
      kids.push(answer(q, 'Southampton', { missing_children: { value: v } }));
    const distinct = await attack({ measures: kids }, 'partner');
    expect(bound(distinct.bounds, cell('missing_children', '2025-Q3', 'Southampton', '0-17'))).toEqual([3, 30]);

    // 0-24 = 0-17 + 18-24 for episodes: 0-24 is 12, 18-24 is 9 → 0-17 c is 3.
    const scopes = [
      answer('2025-Q3', 'Southampton', { missing_episodes: { value: 'c' } }, '0-17'),
      answer('2025-Q3', 'Southampton', { missing_episodes: { value: 9 } }, '18-24'),
      answer('2025-Q3', 'Southampton', { missing_episodes: { value: 12 } }, '0-24'),
    ];
    const s = await attack({ measures: scopes }, 'partner');
    expect(bound(s.bounds, cell('missing_episodes', '2025-Q3', 'Southampton', '0-17'))).toEqual([3, 3]);
  });

  it('a percentage shown with its denominator bounds the numerator; children at risk are a state at the year’s end', async () => {
    // Episodes per child 2.33 with children missing 6 → episodes in [6 × 2.325, 6 × 2.335]
    // = [13.95, 14.01] → 14.
    const r = answer('2025-Q3', 'Hampshire', { missing_children: { value: 6 }, missing_episodes: { value: 'c' }, episodes_per_child: { value: 2.33 } });
    const { bounds } = await attack({ measures: [r] }, 'partner');
    expect(bound(bounds, cell('missing_episodes', '2025-Q3', 'Hampshire', '0-17'))).toEqual([14, 14]);
    // Children at risk in FY2025-26 = at the end of 2026-Q1: 3 is pinned by the year's 3.
    const point = await attack(
      {
        measures: [answer('FY2025-26', 'Hampshire', { children_at_risk: { value: 6 } }), answer('2026-Q1', 'Hampshire', { children_at_risk: { value: 'c' } })],
      },
      'partner',
    );
    expect(bound(point.bounds, cell('children_at_risk', '2026-Q1', 'Hampshire', '0-17'))).toEqual([6, 6]);
  });
});

describe('the attacker, published rule', () => {
  it('a c is 1–7 and a shown count r stands for r − 2 … r + 2', async () => {
    // Published: total 20 (18–22), cells c (1–7), c (1–7), 10 (8–12). c + c = 20 − 10
    // give or take: between 18 − 12 = 6 and 22 − 8 = 14; each c within 1–7 and at least
    // 6 − 7 = −1 → 1 … 7: nothing learnt beyond the rule.
    const r = answer('2025-Q3', 'all', { missing_episodes: { value: 20, by: { classification: { missing: 'c', absent: 'c', away: 10 } } } });
    const { bounds, figures } = await attack({ measures: [r] }, 'published');
    expect(bound(bounds, cell('missing_episodes', '2025-Q3', 'all', '0-17', 'classification', 'missing'))).toEqual([1, 7]);
    expect(figures.underThreeValues).toBe(0);
    // With total 10 (8–12) and cells c, c, 10 (8–12): c + c ≤ 12 − 8 = 4 → each 1 … 3.
    const tight = answer('2025-Q3', 'all', { missing_episodes: { value: 10, by: { classification: { missing: 'c', absent: 'c', away: 10 } } } });
    const t = await attack({ measures: [tight] }, 'published');
    expect(bound(t.bounds, cell('missing_episodes', '2025-Q3', 'all', '0-17', 'classification', 'missing'))).toEqual([1, 3]);
  });

  it('reports an identity the figures break instead of solving nonsense', async () => {
    // A breakdown that does not add up (5 + 5 ≠ 12) with nothing withheld beside it.
    const k = new Knowledge('partner');
    const { collectMeasures } = await import('../../lib/audit/index.js');
    collectMeasures(k, answer('2025-Q3', 'all', { missing_episodes: { value: 12, by: { source: { police: 5, social_care: 5 } } } }));
    const res = await solve(k);
    expect(res.broken.map((c) => c.why)).toEqual(['missing_episodes by source adds up to its headline']);
  });
});

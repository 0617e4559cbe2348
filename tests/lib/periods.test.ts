import { describe, expect, it } from 'vitest';
import {
  calendarYearOfEnd,
  type HeldPeriod,
  lastPeriods,
  offerPeriods,
  parsePeriod,
  type Period,
  PeriodError,
  periodContaining,
  previousPeriod,
  yearEarlier,
} from '../../lib/periods.js';

const ALLOWED = 'use a month (2025-07), a quarter (2025-Q3), a financial year (FY2025-26) or a calendar year (2025)';

/** The fields that matter, without the label, for compact expectations. */
const span = (p: Period) => ({ id: p.id, kind: p.kind, start: p.start, end: p.end, last: p.last });

describe('parsePeriod: the four kinds', () => {
  it('reads a month: 2025-07 is 1 July up to (not including) 1 August', () => {
    expect(parsePeriod('2025-07')).toEqual({
      id: '2025-07',
      kind: 'month',
      start: '2025-07-01',
      end: '2025-08-01', // the day after the last day
      last: '2025-07-31', // July has 31 days
      label: 'July 2025',
    });
  });

  it('reads a quarter, q in either case: 2025-Q3 is July–September', () => {
    expect(parsePeriod('2025-q3')).toEqual({
      id: '2025-Q3', // canonical upper-case Q
      kind: 'quarter',
      start: '2025-07-01',
      end: '2025-10-01',
      last: '2025-09-30', // September has 30 days
      label: 'July–September 2025',
    });
  });

  it('reads a financial year, fy in either case, spaces trimmed: 1 April 2025 – 31 March 2026', () => {
    expect(parsePeriod('  fy2025-26 ')).toEqual({
      id: 'FY2025-26',
      kind: 'fy',
      start: '2025-04-01',
      end: '2026-04-01',
      last: '2026-03-31',
      label: 'financial year 2025-26',
    });
    expect(parsePeriod('Fy2025-26').id).toBe('FY2025-26');
  });

  it('reads a calendar year', () => {
    expect(parsePeriod('2025')).toEqual({
      id: '2025',
      kind: 'year',
      start: '2025-01-01',
      end: '2026-01-01',
      last: '2025-12-31',
      label: '2025',
    });
  });
});

describe('parsePeriod: boundaries', () => {
  it('puts quarters on calendar quarters', () => {
    // Q1 = Jan–Mar: starts 1 Jan, the day after 31 Mar is 1 Apr.
    expect(span(parsePeriod('2025-Q1'))).toEqual({ id: '2025-Q1', kind: 'quarter', start: '2025-01-01', end: '2025-04-01', last: '2025-03-31' });
    // Q2 = Apr–Jun: 30 June is the last day.
    expect(span(parsePeriod('2025-Q2'))).toEqual({ id: '2025-Q2', kind: 'quarter', start: '2025-04-01', end: '2025-07-01', last: '2025-06-30' });
    // Q4 = Oct–Dec: ends before 1 January of the next year.
    expect(span(parsePeriod('2025-Q4'))).toEqual({ id: '2025-Q4', kind: 'quarter', start: '2025-10-01', end: '2026-01-01', last: '2025-12-31' });
    expect(parsePeriod('2025-Q1').label).toBe('January–March 2025');
    expect(parsePeriod('2025-Q4').label).toBe('October–December 2025');
  });

  it('runs a financial year from 1 April to 31 March, across the century too', () => {
    expect(span(parsePeriod('FY2025-26'))).toEqual({ id: 'FY2025-26', kind: 'fy', start: '2025-04-01', end: '2026-04-01', last: '2026-03-31' });
    // 1999 + 1 = 2000 → second part "00".
    expect(span(parsePeriod('FY1999-00'))).toEqual({ id: 'FY1999-00', kind: 'fy', start: '1999-04-01', end: '2000-04-01', last: '2000-03-31' });
    expect(parsePeriod('FY1999-00').label).toBe('financial year 1999-00');
  });

  it('knows February in leap and common years', () => {
    // 2024 is divisible by 4 → 29 days.
    expect(span(parsePeriod('2024-02'))).toEqual({ id: '2024-02', kind: 'month', start: '2024-02-01', end: '2024-03-01', last: '2024-02-29' });
    // 2025 is not → 28 days.
    expect(parsePeriod('2025-02').last).toBe('2025-02-28');
    // 2000 is divisible by 400 → leap; 1900 is divisible by 100 but not 400 → common.
    expect(parsePeriod('2000-02').last).toBe('2000-02-29');
    expect(parsePeriod('1900-02').last).toBe('1900-02-28');
  });

  it('ends December before 1 January of the next year', () => {
    expect(span(parsePeriod('2025-12'))).toEqual({ id: '2025-12', kind: 'month', start: '2025-12-01', end: '2026-01-01', last: '2025-12-31' });
  });

  it('gives the same answer in any local time zone (pure UTC arithmetic)', () => {
    const before = process.env.TZ;
    try {
      const seen = new Set<string>();
      for (const tz of ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles', 'Europe/London']) {
        process.env.TZ = tz;
        const ps = ['2025-03', '2025-10', 'FY2025-26', '2024-Q1'].map(parsePeriod);
        ps.push(periodContaining('month', '2025-03-30'), periodContaining('quarter', '2025-10-26'));
        seen.add(JSON.stringify(ps));
      }
      expect(seen.size).toBe(1);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});

describe('parsePeriod: invalid input', () => {
  it.each([
    ['2025-13', "period '2025-13' is not valid: a month must be 01 to 12; " + ALLOWED],
    ['2025-00', "period '2025-00' is not valid: a month must be 01 to 12; " + ALLOWED],
    ['2025-Q5', "period '2025-Q5' is not valid: a quarter must be Q1 to Q4; " + ALLOWED],
    ['2025-Q0', "period '2025-Q0' is not valid: a quarter must be Q1 to Q4; " + ALLOWED],
    ['FY2025-27', "period 'FY2025-27' is not valid: a financial year runs over two consecutive years, so FY2025 must be FY2025-26; " + ALLOWED],
    ['25-07', "period '25-07' is not valid: " + ALLOWED],
    ['', "period '' is not valid: " + ALLOWED],
    ['1899-07', "period '1899-07' is not valid: years must be 1900 to 2100; " + ALLOWED],
  ])('rejects %j with a message that says what is allowed', (text, message) => {
    expect(() => parsePeriod(text)).toThrow(PeriodError);
    expect(() => parsePeriod(text)).toThrow(message);
  });

  it.each(['2025-7', '2025-07-01', 'July 2025', 'FY25-26', 'FY2025-2026', '2025Q3', '2025-Q10', '   ', '20255', '2025-07x'])('rejects %j', (text) => {
    expect(() => parsePeriod(text)).toThrow(PeriodError);
    expect(() => parsePeriod(text)).toThrow(ALLOWED);
  });

  it('PeriodError is an Error with its own name', () => {
    let caught: unknown;
    try {
      parsePeriod('2025-13');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).toBeInstanceOf(PeriodError);
    expect((caught as Error).name).toBe('PeriodError');
  });
});

describe('previousPeriod and yearEarlier', () => {
  it('steps back one period of the same kind, across year boundaries', () => {
    expect(previousPeriod(parsePeriod('2025-01')).id).toBe('2024-12');
    expect(previousPeriod(parsePeriod('2025-03')).id).toBe('2025-02');
    expect(previousPeriod(parsePeriod('2025-Q1')).id).toBe('2024-Q4');
    expect(previousPeriod(parsePeriod('2025-Q3')).id).toBe('2025-Q2');
    expect(previousPeriod(parsePeriod('FY2025-26')).id).toBe('FY2024-25');
    expect(previousPeriod(parsePeriod('FY2000-01')).id).toBe('FY1999-00');
    expect(previousPeriod(parsePeriod('2025')).id).toBe('2024');
    // Whole objects, not just ids: 2024-12 is 1–31 December 2024.
    expect(previousPeriod(parsePeriod('2025-01'))).toEqual(parsePeriod('2024-12'));
  });

  it('steps back a year, keeping the month or quarter', () => {
    expect(yearEarlier(parsePeriod('2025-07')).id).toBe('2024-07');
    expect(yearEarlier(parsePeriod('2025-Q3')).id).toBe('2024-Q3');
    expect(yearEarlier(parsePeriod('FY2025-26')).id).toBe('FY2024-25');
    expect(yearEarlier(parsePeriod('2025')).id).toBe('2024');
    // February 2024 has 29 days; a year earlier, February 2023 has 28.
    expect(yearEarlier(parsePeriod('2024-02')).last).toBe('2023-02-28');
  });
});

describe('lastPeriods', () => {
  it('gives the last 12 months ending with the period, oldest first', () => {
    const ps = lastPeriods(parsePeriod('2025-07'), 12);
    expect(ps).toHaveLength(12);
    // 12 months ending July 2025: August 2024 … July 2025.
    expect(ps.map((p) => p.id)).toEqual([
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
    ]);
    expect(ps[11]).toEqual(parsePeriod('2025-07'));
    // They tile time with no gap or overlap: each ends where the next starts.
    for (let i = 1; i < ps.length; i++) expect(ps[i]?.start).toBe(ps[i - 1]?.end);
  });

  it('works for quarters, financial years and years', () => {
    // 5 quarters ending 2025-Q2: 2024-Q2, Q3, Q4, 2025-Q1, Q2.
    expect(lastPeriods(parsePeriod('2025-Q2'), 5).map((p) => p.id)).toEqual(['2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2']);
    expect(lastPeriods(parsePeriod('FY2025-26'), 3).map((p) => p.id)).toEqual(['FY2023-24', 'FY2024-25', 'FY2025-26']);
    expect(lastPeriods(parsePeriod('2025'), 2).map((p) => p.id)).toEqual(['2024', '2025']);
    // 12 quarters ending 2025-Q3 start with 2022-Q4 (3 years back is 2022-Q3, one more on).
    const qs = lastPeriods(parsePeriod('2025-Q3'), 12);
    expect(qs).toHaveLength(12);
    expect(qs[0]?.id).toBe('2022-Q4');
  });

  it('handles 1 and 0, and refuses a negative or fractional count', () => {
    expect(lastPeriods(parsePeriod('2025-07'), 1)).toEqual([parsePeriod('2025-07')]);
    expect(lastPeriods(parsePeriod('2025-07'), 0)).toEqual([]);
    expect(() => lastPeriods(parsePeriod('2025-07'), -1)).toThrow(RangeError);
    expect(() => lastPeriods(parsePeriod('2025-07'), 1.5)).toThrow(RangeError);
  });
});

describe('periodContaining', () => {
  it('finds the period of each kind that contains a day', () => {
    // 14 August is in July–September.
    expect(periodContaining('quarter', '2025-08-14')).toEqual(parsePeriod('2025-Q3'));
    expect(periodContaining('month', '2025-08-14').id).toBe('2025-08');
    expect(periodContaining('year', '2025-08-14').id).toBe('2025');
    expect(periodContaining('fy', '2025-08-14').id).toBe('FY2025-26');
  });

  it('puts first and last days inside, and the day after outside', () => {
    // The financial year changes between 31 March and 1 April.
    expect(periodContaining('fy', '2025-03-31').id).toBe('FY2024-25');
    expect(periodContaining('fy', '2025-04-01').id).toBe('FY2025-26');
    expect(periodContaining('fy', '2026-03-31').id).toBe('FY2025-26');
    // January to March belong to the FY that started the April before.
    expect(periodContaining('fy', '2026-01-01').id).toBe('FY2025-26');
    expect(periodContaining('quarter', '2025-09-30').id).toBe('2025-Q3');
    expect(periodContaining('quarter', '2025-10-01').id).toBe('2025-Q4');
    expect(periodContaining('month', '2024-02-29').id).toBe('2024-02');
    expect(periodContaining('year', '2025-12-31').id).toBe('2025');
    expect(periodContaining('year', '2026-01-01').id).toBe('2026');
  });

  it('refuses a date that is not a real YYYY-MM-DD day', () => {
    for (const bad of ['2025-02-29', '2025-13-01', '2025-8-14', '2025-08-14T00:00:00Z', '14/08/2025', '']) {
      expect(() => periodContaining('month', bad)).toThrow(PeriodError);
      expect(() => periodContaining('month', bad)).toThrow('use a calendar date as YYYY-MM-DD');
    }
  });
});

describe('calendarYearOfEnd (the population year)', () => {
  it('is the calendar year of the last day', () => {
    expect(calendarYearOfEnd(parsePeriod('FY2025-26'))).toBe(2026); // ends 31 March 2026
    expect(calendarYearOfEnd(parsePeriod('FY2024-25'))).toBe(2025); // ends 31 March 2025
    expect(calendarYearOfEnd(parsePeriod('2025-Q4'))).toBe(2025); // ends 31 December 2025, not 2026 (its exclusive end)
    expect(calendarYearOfEnd(parsePeriod('2025-12'))).toBe(2025);
    expect(calendarYearOfEnd(parsePeriod('2025'))).toBe(2025);
  });
});

describe('round trip', () => {
  it('parses every id it makes back to the same period', () => {
    for (const start of ['2025-07', '2025-Q3', 'FY2025-26', '2025']) {
      for (const p of lastPeriods(parsePeriod(start), 30)) {
        expect(parsePeriod(p.id)).toEqual(p);
        expect(periodContaining(p.kind, p.start)).toEqual(p);
        expect(periodContaining(p.kind, p.last)).toEqual(p);
      }
    }
  });
});

describe('offerPeriods: what the pickers offer', () => {
  // As the demo: the refresh in October 2026, the latest episode on 2026-09-30.
  const held = (ids: string[]): HeldPeriod[] => ids.map((id) => ({ id, kind: parsePeriod(id).kind, start: parsePeriod(id).start, last: parsePeriod(id).last }));
  const all = held(['2026-10', '2026-09', '2026-08', '2026-Q4', '2026-Q3', '2026-Q2', 'FY2026-27', 'FY2025-26', '2026', '2025']);

  it('offers no period that starts after the latest event, marks those in progress, and defaults to the latest complete quarter', () => {
    const o = offerPeriods(all, '2026-09-30');
    // 2026-10 and 2026-Q4 start 2026-10-01 > 2026-09-30: no data, not offered.
    expect(o.periods.month).toEqual(['2026-09', '2026-08']);
    expect(o.periods.quarter).toEqual(['2026-Q3', '2026-Q2']);
    // FY2026-27 (to 2027-03-31) and 2026 (to 2026-12-31) have data but end after 2026-09-30: offered after the complete ones.
    expect(o.periods.fy).toEqual(['FY2025-26', 'FY2026-27']);
    expect(o.periods.year).toEqual(['2025', '2026']);
    expect(o.in_progress).toEqual(['FY2026-27', '2026']);
    expect(o.default_period).toBe('2026-Q3');
  });

  it('never defaults to a quarter in progress while a complete period exists', () => {
    // The latest episode on 2026-09-15: 2026-Q3 (to 09-30) is in progress, 2026-Q2 complete.
    const o = offerPeriods(all, '2026-09-15');
    expect(o.periods.quarter).toEqual(['2026-Q2', '2026-Q3']);
    // Newest first by start: 2026-09 (09-01), 2026-Q3 (07-01), FY2026-27 (04-01), 2026 (01-01).
    expect(o.in_progress).toEqual(['2026-09', '2026-Q3', 'FY2026-27', '2026']);
    expect(o.default_period).toBe('2026-Q2');
    // Only part of one quarter: its complete month is the default, not the quarter.
    const early = offerPeriods(held(['2026-08', '2026-07', '2026-Q3']), '2026-08-10');
    expect(early.default_period).toBe('2026-07');
    expect(early.in_progress).toEqual(['2026-08', '2026-Q3']);
    // Nothing complete at all: the quarter in progress (marked), as the only one with data.
    expect(offerPeriods(held(['2026-07', '2026-Q3']), '2026-07-10').default_period).toBe('2026-Q3');
    // No events: nothing offered, no default.
    expect(offerPeriods(all, null)).toEqual({ periods: { month: [], quarter: [], fy: [], year: [] }, in_progress: [], default_period: null });
  });
});

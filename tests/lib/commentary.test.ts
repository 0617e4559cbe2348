// Commentary: plain sentences from the figures as shown, never a hidden one.

import { changeOf } from '../../lib/measures.js';
import { buildParameters, PARAMETERS } from '../../model/parameters.js';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { commentary, describeChange, pageCommentary } from '../../lib/commentary.js';
import type { MeasureOut, MeasuresResponse } from '../../lib/measures.js';
import type { SpcReading } from '../../lib/spc.js';
import type { Shown } from '../../lib/disclosure.js';
import { load } from '../../etl/load.js';
import { withDb } from '../../lib/db.js';
import { readMeasures } from '../../lib/measures.js';
import { POPULATION, episode, episodes, tempDir, writeFolder } from '../helpers.js';

const normal: SpcReading = {
  status: 'ok',
  n: 12,
  mean: 40,
  mean_moving_range: 5,
  upper_limit: 53.3,
  lower_limit: 26.7,
  signals: [],
  latest: 'normal',
  summary: '',
};
const high: SpcReading = { ...normal, latest: 'signal_high', signals: [{ index: 11, rules: ['beyond_limit'] }] };

function m(value: Shown, prev: Shown, yearAgo: Shown, spc: SpcReading = normal): MeasureOut {
  // Comparisons as the reader makes them.
  return {
    value,
    previous: { period: '2025-Q2', value: prev, ...changeOf(value, prev) },
    year_earlier: { period: '2024-Q3', value: yearAgo, ...changeOf(value, yearAgo) },
    trend: { periods: [], values: [], spc },
  };
}

describe('describeChange', () => {
  it('says the direction against the previous period and the year before, and calls normal variation so', () => {
    // 38 → 51 is +13, and 13 / 38 = 34.2%.
    expect(describeChange('missing_episodes', m(51, 38, 45), 'quarter')).toBe(
      'Missing episodes rose from 38 to 51 (+34.2%) against the previous quarter; 45 a year earlier. This is within normal variation.',
    );
  });

  it('a period not complete: its figure so far beside the whole previous periods, no rise or fall', () => {
    expect(describeChange('missing_episodes', m(24, 38, 45), 'quarter', undefined, false)).toBe(
      'Missing episodes: 24 so far; 38 in the whole of the previous quarter; 45 in the whole of the same quarter a year earlier (this period is not complete in the extracts).',
    );
  });

  it('a state at the period’s end in a period not complete: read at the data’s latest day', () => {
    expect(describeChange('children_at_risk', m(210, 203, 216), 'quarter', undefined, false)).toBe(
      'Children at risk (SERAF): 210 at the latest day of the data; 203 at the end of the previous quarter; 216 at the end of the same quarter a year earlier (this period is not complete in the extracts).',
    );
  });

  it('leaves a signal to its own sentence (said first), and does not call it normal variation', () => {
    expect(describeChange('missing_episodes', m(80, 41, 45, high), 'month')).toBe(
      'Missing episodes rose from 41 to 80 (+95.1%) against the previous month; 45 a year earlier.',
    );
  });

  it('tells a change in a percentage in points, and says which way is better', () => {
    // 69.4% → 66.1%: −3.3 points.
    const s = describeChange('rhi_completed_72h_pct', m(66.1, 69.4, 67.9), 'quarter');
    expect(s).toBe(
      'Interviews completed within 72 hours fell from 69.4% to 66.1% (−3.3 points) against the previous quarter; 67.9% a year earlier. This is within normal variation.',
    );
  });

  it('writes the published rule’s percentages whole and says a count not given is not given', () => {
    // The published parameters carry their limit (lib/measures.ts): 66% → 68% is +2 points; 545 → 535 is −1.8%, written −2%.
    const pub = { ...buildParameters(), age_scope: '0-17', published_max_withheld: 7, rounding_base: 5, published_median_min: 20 } as never;
    expect(describeChange('rhi_completed_72h_pct', m(68, 66, 69), 'quarter', pub)).toBe(
      'Interviews completed within 72 hours rose from 66% to 68% (+2 points) against the previous quarter; 69% a year earlier. This is within normal variation.',
    );
    expect(describeChange('missing_episodes', m(535, 545, 565), 'quarter', pub)).toMatch(/fell from 545 to 535 \(−2%\) against/);
    expect(describeChange('missing_episodes', m(535, null, 565), 'quarter', pub)).toBe(
      'Missing episodes: 535; the previous quarter’s figure is not given (part of a withheld figure); 565 a year earlier. This is within normal variation.',
    );
    // Without the published rule a null previous figure is only absent: nothing is said of it.
    expect(describeChange('missing_episodes', m(535, null, 565), 'quarter')).toBe(
      'Missing episodes: 535; 565 a year earlier. This is within normal variation.',
    );
  });

  it('gives a change in % of the earlier figure with one decimal, whole under the published rule', () => {
    // 545 → 535: −10, −1.83…% → −1.8 (partner, analyst) and −2 (published); from 0 there is no %.
    expect(changeOf(535, 545)).toEqual({ change: -10, change_pct: -1.8 });
    expect(changeOf(535, 545, true)).toEqual({ change: -10, change_pct: -2 });
    expect(changeOf(5, 0, true)).toEqual({ change: 5, change_pct: null });
    expect(changeOf('c', 545, true)).toEqual({});
  });

  it('cautions where numbers are small', () => {
    expect(describeChange('missing_children', m(12, 9, 10), 'quarter')).toContain('Numbers this small move a lot by chance.');
  });

  it('never quotes a hidden figure, nor a change from which one could be worked out', () => {
    expect(describeChange('missing_episodes', m('c', 38, 45), 'quarter')).toBe('Missing episodes: withheld (c) to protect confidentiality.');
    // The previous quarter is hidden: no "from", no change; only the shown figures.
    const s = describeChange('missing_episodes', m(51, 'c', 45), 'quarter')!;
    expect(s).toBe('Missing episodes: 51; the previous quarter’s figure is withheld (c); 45 a year earlier. This is within normal variation.');
    // A year earlier hidden: said so, without it.
    expect(describeChange('missing_episodes', m(51, 38, 'c'), 'quarter')).toMatch(
      /^Missing episodes rose from 38 to 51 \(\+34\.2%\) against the previous quarter; the figure a year earlier is withheld \(c\)\./,
    );
  });
});

describe('commentary for a role, from a warehouse', () => {
  it('the board reads no suppressed value in any family; the analyst reads the exact ones', async () => {
    // Southampton: 3 episodes in 2025-Q1, of 3 children (a count of 1–4, so hidden for the board).
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const rows = [1, 2, 3].map((i) =>
      episode({ episode_id: `E${i}`, child_ref: `SC000000${i}`, reported_at: `2025-02-0${i} 10:00`, returned_at: `2025-02-0${i} 12:00` }),
    );
    await load({ inDir: writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(...rows) }), db });
    const read = (role: string) => withDb(db, { readOnly: true }, (d) => readMeasures(d, { period: '2025-Q1', area: 'Southampton', role, trend: 0 }));
    const board = await read('board');
    const analyst = await read('analyst');
    expect(board.measures.missing_episodes!.value).toBe('c');
    expect(board.commentary.missing).toContain('Missing episodes: withheld (c) to protect confidentiality.');
    // Partners may read any period (each response is protected on its own): February's 3 is withheld too.
    const month = await withDb(db, { readOnly: true }, (d) => readMeasures(d, { period: '2025-02', area: 'Southampton', role: 'board', trend: 0 }));
    expect(month.measures.missing_episodes!.value).toBe('c');
    // The published rule is for quarters and financial years only.
    await expect(withDb(db, { readOnly: true }, (d) => readMeasures(d, { period: '2025-02', area: 'Southampton', role: 'public' }))).rejects.toThrow(
      /sees figures by quarter .* or financial year .* only/,
    );
    // The only 3 the board may read is the definition's parameter ("3 or more episodes").
    const all = Object.values(board.commentary).flat().join(' ').replace('3 or more episodes', '');
    expect(all).not.toMatch(/\b3\b/);
    // Episodes run only to 3 February, so the quarter is flagged as incomplete first.
    expect(analyst.commentary.missing![0]).toMatch(/^Caution: this period is not complete/);
    expect(analyst.commentary.missing![1]).toBe(
      'Missing episodes: 3 so far (this period is not complete in the extracts). Numbers this small move a lot by chance.',
    );
  });

  it('names the age scope when it is not the default', () => {
    const r = {
      period: '2025-Q3',
      period_label: '',
      area: 'all',
      role: 'analyst',
      parameters: { ...buildParameters(), age_scope: '18-24', suppression_threshold: 5, rhi_national: PARAMETERS.rhi_national, trend_periods: 12 },
      measures: { missing_episodes: m(51, 38, 45) },
      commentary: {},
      warnings: [],
      complete: true,
      disclosure: { rule: 'exact', threshold: 1, max_withheld: 0, legend: '' },
    } as MeasuresResponse;
    expect(commentary(r).missing).toEqual([
      'Missing episodes rose from 38 to 51 (+34.2%) against the previous quarter; 45 a year earlier. This is within normal variation.',
      'Figures are for ages 18–24.',
    ]);
  });
});

describe('an incomplete period', () => {
  it('is flagged, gets no SPC reading, and its commentary says so first', async () => {
    // Episodes on 1–3 February and 2 April 2025: the extracts run to 2025-04-02, so
    // 2025-Q1 (to 31 March) is complete and 2025-Q2 (to 30 June) is not.
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const rows = [1, 2, 3].map((i) => episode({ episode_id: `E${i}`, child_ref: `SC000000${i}`, reported_at: `2025-02-0${i} 10:00`, returned_at: '' }));
    rows.push(episode({ episode_id: 'E4', child_ref: 'SC0000004', reported_at: '2025-04-02 10:00', returned_at: '' }));
    await load({ inDir: writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(...rows) }), db });
    const read = (period: string) => withDb(db, { readOnly: true }, (d) => readMeasures(d, { period, area: 'all', role: 'analyst', trend: 12 }));
    const q2 = await read('2025-Q2');
    expect(q2.complete).toBe(false);
    expect(q2.warnings[0]).toContain('runs past the latest episode in the extracts (2025-04-02)');
    expect(q2.measures.missing_episodes!.trend!.spc.status).toBe('no_data');
    expect(q2.commentary.missing![0]).toMatch(/^Caution: this period is not complete/);
    // One episode in Q2 so far, three in the whole of Q1: not "fell from 3 to 1 (−66.7%)".
    expect(q2.commentary.missing).toContain(
      'Missing episodes: 1 so far; 3 in the whole of the previous quarter (this period is not complete in the extracts). Numbers this small move a lot by chance.',
    );
    const q1 = await read('2025-Q1');
    expect(q1.complete).toBe(true);
    expect(q1.warnings).toEqual([]);
  });
});

describe('table-like measures for the board', () => {
  it('are given for any period and age scope, each protected on its own', async () => {
    // Six Southampton episodes, one on the 2nd of each month January–June 2025, each found
    // in Portswood (the default episode): 2025-Q1 holds 3, the calendar year 2025 holds 6.
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const rows = [1, 2, 3, 4, 5, 6].map((i) =>
      episode({ episode_id: `E${i}`, child_ref: `SC000000${i}`, reported_at: `2025-0${i}-02 10:00`, returned_at: `2025-0${i}-02 12:00` }),
    );
    await load({ inDir: writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(...rows) }), db });
    const read = (period: string, scope: string) =>
      withDb(db, { readOnly: true }, (d) =>
        readMeasures(d, { period, area: 'Southampton', role: 'board', scope, trend: 0, ids: ['hotspots', 'group_profile'] }),
      );
    const portswood = (r: MeasuresResponse) => r.measures.hotspots!.rows!.find((x) => x.locality === 'Portswood')!;
    const quarter = await read('2025-Q1', '0-24');
    expect(quarter.measures.hotspots!.rows!.length).toBe(3); // Southampton's three localities in POPULATION
    // 3 found there: withheld, and its rank and hotspot flag with it (they would place it among the others).
    expect(portswood(quarter)).toMatchObject({ found: 'c', total: 'c', rank: 'c', hotspot: 'c', cpi: 0, disruptions: 0 });
    const year = await read('2025', '0-17');
    // 6 found there: shown, ranked 1st of 3.
    expect(portswood(year)).toMatchObject({ found: 6, total: 6, rank: 1, cpi: 0, disruptions: 0 });
    expect(year.measures.group_profile!.rows!.length).toBeGreaterThan(0);
    // No warning that a period kind is withheld from the role (only that 2025 is not complete).
    expect(year.warnings).toEqual([
      '2025 runs past the latest episode in the extracts (2025-06-02): its figures are incomplete, and no trend reading is given for it',
    ]);
  });
});

describe("a page's commentary, signals first", () => {
  // A run: the latest 7 quarters all above the average 85.3 (the demo's repeat missing children).
  const run: SpcReading = {
    ...normal,
    mean: 85.3,
    latest: 'signal_high',
    signals: [5, 6, 7, 8, 9, 10, 11].map((index) => ({ index, rules: ['run_above' as const] })),
    summary: 'Signal: the latest 7 points in a row are all above the average (85.3).',
  };
  // The latest point normal, an earlier one beyond the upper limit.
  const earlier: SpcReading = {
    ...normal,
    signals: [{ index: 2, rules: ['beyond_limit'] }],
    summary: 'The latest point is within the normal range (process limits 15.1 to 55.7), but earlier points show a signal: 1 point above the upper limit.',
  };
  const response = (measures: Record<string, MeasureOut>, age_scope = '0-17', period = '2025-Q3') =>
    ({
      period,
      period_label: '',
      area: 'all',
      role: 'board',
      parameters: { ...buildParameters(), age_scope, suppression_threshold: 5, rhi_national: PARAMETERS.rhi_national, trend_periods: 12 },
      measures,
      commentary: {},
      warnings: [],
      complete: true,
      disclosure: { rule: 'partner', threshold: 5, max_withheld: 0, legend: '' },
    }) as unknown as MeasuresResponse;

  it('opens with every signal, then the exceptions, then the rest, each sentence once, a withheld figure said withheld', () => {
    const r = response({
      met_children: m(434, 404, 401),
      repeat_missing_children: m(90, 91, 103, run),
      // 58% against the national 63%: below its comparator, an exception.
      rhi_completed_72h_pct: m(58, 61, 60),
      risk_reviews_overdue: m('c', 410, 380),
      disruptions: m(37, 36, 30, earlier),
    });
    const page = pageCommentary(r, {
      families: ['identification', 'missing', 'return_interviews', 'risk'],
      measures: ['met_children', 'repeat_missing_children', 'rhi_completed_72h_pct', 'risk_reviews_overdue', 'disruptions'],
    });
    expect(page).toEqual([
      // 1. The signal of the latest point.
      'Repeat missing children: higher than expected, a signal rather than normal variation. The latest 7 points in a row are all above the average (85.3).',
      // 2. The exceptions: an earlier signal in a trend shown, a figure below the national one, named
      //    (a "That is below …" here would follow the disruptions' sentence; a reviewer read it so).
      'Disruptions: the latest point is within the normal range (process limits 15.1 to 55.7), but earlier points show a signal: 1 point above the upper limit.',
      'Interviews completed within 72 hours: 58.0%, below the national figure of about 63.0% (2023-24).',
      // 3. The families: 434 − 404 = +30, 30 / 404 = 7.4%; 58 − 61 = −3 points.
      'MET children rose from 404 to 434 (+7.4%) against the previous quarter; 401 a year earlier. This is within normal variation.',
      '90 children were repeat missing (3 or more episodes within 90 days, a local definition).',
      'Interviews completed within 72 hours fell from 61.0% to 58.0% (−3.0 points) against the previous quarter; 60.0% a year earlier. This is within normal variation.',
      // (The family's own "That is below the national figure …" is not said a second time.)
      // The overdue reviews are withheld: said so (once, although both the family and the page list them).
      'Risk reviews overdue: withheld (c) to protect confidentiality.',
    ]);
    expect(new Set(page).size).toBe(page.length);
  });

  it('gives the young adults no national comparator, and names the ages of a figure that keeps its own', () => {
    // Return interviews are for children: the reader gives young adults none (lib/measures.ts, onlyAges).
    const r = response({ met_children: m(434, 404, 401), rhi_completed_72h_pct: { value: null } }, '18-24');
    const page = pageCommentary(r, { families: ['identification', 'return_interviews'], measures: ['met_children', 'rhi_completed_72h_pct'] });
    expect(page).toEqual([
      'MET children (ages 0–17 only) rose from 404 to 434 (+7.4%) against the previous quarter; 401 a year earlier. This is within normal variation.',
      'Return interviews are for children aged 0–17: there are no interview figures for young adults.',
      'Figures are for ages 18–24, except those whose label names their own ages.',
    ]);
    expect(page.join(' ')).not.toContain('national');
  });

  it('compares a financial year with the previous year once', () => {
    const fy: MeasureOut = {
      value: 2100,
      previous: { period: 'FY2024-25', value: 2000, ...changeOf(2100, 2000) },
      year_earlier: { period: 'FY2024-25', value: 2000, ...changeOf(2100, 2000) },
      trend: { periods: [], values: [], spc: normal },
    };
    // 2100 − 2000 = +100, 100 / 2000 = +5%; no "2,000 a year earlier" after it.
    expect(pageCommentary(response({ missing_episodes: fy }, '0-17', 'FY2025-26'), { families: ['missing'], measures: ['missing_episodes'] })).toEqual([
      'Missing episodes rose from 2,000 to 2,100 (+5.0%) against the previous financial year. This is within normal variation.',
    ]);
  });
});

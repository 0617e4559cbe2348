import { describe, expect, it } from 'vitest';
import { xmr, type SpcReading, type SpcRule, type SpcValue } from '../../lib/spc.js';

/** Narrow to an 'ok' reading or fail the test. */
function ok(values: SpcValue[], minPoints?: number): Extract<SpcReading, { status: 'ok' }> {
  const r = xmr(values, minPoints);
  if (r.status !== 'ok') throw new Error(`expected an ok reading, got ${r.status}: ${r.summary}`);
  return r;
}

/** Indices carrying a given rule. */
function withRule(r: Extract<SpcReading, { status: 'ok' }>, rule: SpcRule): number[] {
  return r.signals.filter((s) => s.rules.includes(rule)).map((s) => s.index);
}

describe('(a) limits worked by hand, no signal', () => {
  it('12 points: mean 11, mean moving range 19/11, limits 6.41 to 15.59', () => {
    const values = [10, 12, 11, 13, 9, 11, 10, 12, 11, 10, 12, 11];
    // sum = 10+12+11+13+9+11+10+12+11+10+12+11 = 132; mean = 132 / 12 = 11
    // moving ranges: |12−10|=2 |11−12|=1 |13−11|=2 |9−13|=4 |11−9|=2 |10−11|=1
    //                |12−10|=2 |11−12|=1 |10−11|=1 |12−10|=2 |11−12|=1   → sum 19 over 11
    // mean moving range = 19/11 = 1.727272…
    // 2.66 × 19/11 = 50.54/11 = 4.594545…
    // upper = 11 + 4.594545… = 15.594545…; lower = 11 − 4.594545… = 6.405454…
    // No point outside 6.41–15.59 (min 9, max 13); the points equal to 11 sit on the mean
    // and break every run; the longest strict rise or fall is 2 points.
    const r = ok(values);
    expect(r.n).toBe(12);
    expect(r.mean).toBe(11);
    expect(r.mean_moving_range).toBeCloseTo(19 / 11, 12);
    expect(r.upper_limit).toBeCloseTo(15.594545454545, 9);
    expect(r.lower_limit).toBeCloseTo(6.405454545455, 9);
    expect(r.signals).toEqual([]);
    expect(r.latest).toBe('normal');
    expect(r.summary).toBe('The latest point is within the normal range (process limits 6.4 to 15.6): normal variation.');
  });

  it('a flat series has zero moving range and limits on the mean, and no signal', () => {
    // mean 5, every moving range 0 → limits 5 ± 0; every point is on the mean (no run), none beyond.
    const r = ok(Array(12).fill(5));
    expect([r.mean, r.mean_moving_range, r.upper_limit, r.lower_limit]).toEqual([5, 0, 5, 5]);
    expect(r.signals).toEqual([]);
    expect(r.latest).toBe('normal');
  });

  it('writes big numbers with thousands separators, 1 decimal', () => {
    // 1000, 1010 alternating: mean 1005, every moving range 10 → limits 1005 ± 26.6 = 978.4 to 1031.6.
    const r = ok([1000, 1010, 1000, 1010, 1000, 1010, 1000, 1010, 1000, 1010, 1000, 1010]);
    expect(r.mean).toBe(1005);
    expect(r.upper_limit).toBeCloseTo(1031.6, 9);
    expect(r.lower_limit).toBeCloseTo(978.4, 9);
    expect(r.summary).toBe('The latest point is within the normal range (process limits 978.4 to 1,031.6): normal variation.');
  });
});

describe('(b) a point beyond a limit', () => {
  it('last point above the upper limit', () => {
    const values = [6, 14, 6, 14, 6, 14, 6, 14, 6, 14, 6, 50];
    // sum = six 6s (36) + five 14s (70) + 50 = 156; mean = 13
    // moving ranges: ten of |14−6| = 8 → 80, then |50−6| = 44 → sum 124; mmr = 124/11 = 11.2727…
    // 2.66 × 124/11 = 329.84/11 = 29.985454…; upper = 42.985454…; lower = 13 − 29.99 < 0 → 0
    // 50 > 42.99 → beyond. 6 and 14 alternate around 13, so no run; no trend.
    const r = ok(values);
    expect(r.mean).toBe(13);
    expect(r.mean_moving_range).toBeCloseTo(124 / 11, 12);
    expect(r.upper_limit).toBeCloseTo(42.985454545455, 9);
    expect(r.lower_limit).toBe(0);
    expect(r.signals).toEqual([{ index: 11, rules: ['beyond_limit'] }]);
    expect(r.latest).toBe('signal_high');
    expect(r.summary).toBe('Signal: the latest point is above the upper process limit (43.0).');
  });

  it('last point below the lower limit', () => {
    const values = [98, 102, 98, 102, 98, 102, 98, 102, 98, 102, 98, 80];
    // sum = six 98s (588) + five 102s (510) + 80 = 1178; mean = 1178/12 = 98.1666…
    // moving ranges: ten of 4 → 40, then |80−98| = 18 → 58; mmr = 58/11 = 5.2727…
    // 2.66 × 58/11 = 154.28/11 = 14.025454…
    // upper = 98.1666… + 14.0254… = 112.192121…; lower = 98.1666… − 14.0254… = 84.141212…
    // 80 < 84.14 → beyond (low). 98 < mean < 102, alternating → no run.
    const r = ok(values);
    expect(r.mean).toBeCloseTo(98.166666666667, 9);
    expect(r.upper_limit).toBeCloseTo(112.192121212121, 9);
    expect(r.lower_limit).toBeCloseTo(84.141212121212, 9);
    expect(r.signals).toEqual([{ index: 11, rules: ['beyond_limit'] }]);
    expect(r.latest).toBe('signal_low');
    expect(r.summary).toBe('Signal: the latest point is below the lower process limit (84.1).');
  });

  it('an earlier point beyond the limit: latest is normal, the summary says earlier points signal', () => {
    const values = [6, 14, 6, 14, 6, 60, 6, 14, 6, 14, 6, 14];
    // sum = six 6s (36) + five 14s (70) + 60 = 166; mean = 13.8333… (14 is above it, 6 below)
    // moving ranges: 8,8,8,8,|60−6|=54,|6−60|=54,8,8,8,8,8 → 9×8 + 108 = 180; mmr = 180/11
    // 2.66 × 180/11 = 478.8/11 = 43.527272…; upper = 13.8333… + 43.5272… = 57.360606…; lower → 0
    // 60 > 57.36 → index 5 beyond; the last point (14) is inside.
    const r = ok(values);
    expect(r.upper_limit).toBeCloseTo(57.360606060606, 9);
    expect(r.signals).toEqual([{ index: 5, rules: ['beyond_limit'] }]);
    expect(r.latest).toBe('normal');
    expect(r.summary).toBe(
      'The latest point is within the normal range (process limits 0.0 to 57.4), but earlier points show a signal: 1 point above the upper limit.',
    );
  });
});

describe('(c) runs above or below the mean', () => {
  it('7 points in a row above the mean is a signal, and all 7 are marked', () => {
    const values = [2, 4, 2, 4, 2, 6, 8, 6, 8, 6, 8, 6];
    // sum = 14 + 48 = 62; mean = 5.1666…: the first 5 are below (a run of only 5), the last 7 above.
    // moving ranges: 2,2,2,2,|6−2|=4,2,2,2,2,2,2 → 24; mmr = 24/11; 2.66 × 24/11 = 5.803636…
    // upper = 10.970303… (max 8: none beyond); lower = 5.1666… − 5.8036… < 0 → 0
    const r = ok(values);
    expect(r.mean).toBeCloseTo(5.166666666667, 9);
    expect(r.upper_limit).toBeCloseTo(10.970303030303, 9);
    expect(r.signals).toEqual([5, 6, 7, 8, 9, 10, 11].map((index) => ({ index, rules: ['run_above'] })));
    expect(r.latest).toBe('signal_high');
    expect(r.summary).toBe('Signal: the latest 7 points in a row are all above the average (5.2).');
  });

  it('6 points in a row above the mean is not a signal', () => {
    const values = [2, 4, 2, 4, 2, 4, 6, 8, 6, 8, 6, 8];
    // sum = 18 + 42 = 60; mean = 5: 6 below then 6 above — neither reaches 7.
    // moving ranges: five of 2, |6−4| = 2, five of 2 → 22; mmr = 2; upper = 5 + 5.32 = 10.32
    const r = ok(values);
    expect(r.mean).toBe(5);
    expect(r.mean_moving_range).toBe(2);
    expect(r.signals).toEqual([]);
    expect(r.latest).toBe('normal');
  });

  it('a run of 9 marks all 9 points', () => {
    const values = [2, 4, 2, 6, 8, 6, 8, 6, 8, 6, 8, 6];
    // sum = 8 + (five 6s + four 8s = 62) = 70; mean = 5.8333…; indices 3–11 (9 points) are above.
    // moving ranges: 2,2,4, eight of 2 → 24; upper = 5.8333… + 5.8036… = 11.64 (none beyond)
    const r = ok(values);
    expect(withRule(r, 'run_above')).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(r.signals).toHaveLength(9);
    expect(r.summary).toBe('Signal: the latest 9 points in a row are all above the average (5.8).');
  });

  it('7 points in a row below the mean is a signal low', () => {
    const values = [10, 12, 10, 12, 10, 4, 2, 4, 2, 4, 2, 4];
    // sum = 54 + 22 = 76; mean = 6.3333…; last 7 below.
    // moving ranges: 2,2,2,2,|4−10|=6, six of 2 → 26; 2.66 × 26/11 = 69.16/11 = 6.287272…
    // upper = 12.620606…; lower = 6.3333… − 6.2872… = 0.046060… (positive, not clipped; 2 is above it)
    const r = ok(values);
    expect(r.lower_limit).toBeCloseTo(0.046060606061, 9);
    expect(withRule(r, 'run_below')).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(withRule(r, 'beyond_limit')).toEqual([]);
    expect(r.latest).toBe('signal_low');
    expect(r.summary).toBe('Signal: the latest 7 points in a row are all below the average (6.3).');
  });

  it('a point exactly on the mean breaks the run', () => {
    const broken = [0, 2, 0, 2, 8, 10, 8, 6, 8, 10, 8, 10];
    // sum = 4 + (8+10+8+6+8+10+8+10 = 68) = 72; mean = 6 exactly, and index 7 is 6: on the mean.
    // Above the mean: indices 4–6 (3 points) and 8–11 (4 points) — no run of 7.
    // moving ranges: 2,2,2,|8−2|=6,2,2,2,2,2,2,2 → 26; 2.66 × 26/11 = 6.287272…
    // upper = 12.287272… (max 10: none beyond); lower = 6 − 6.2872… < 0 → 0
    const r = ok(broken);
    expect(r.mean).toBe(6);
    expect(r.upper_limit).toBeCloseTo(12.287272727273, 9);
    expect(r.lower_limit).toBe(0);
    expect(r.signals).toEqual([]);
    expect(r.latest).toBe('normal');
    expect(r.summary).toBe('The latest point is within the normal range (process limits 0.0 to 12.3): normal variation.');

    // Control: the same series with that point at 7 instead of 6.
    // sum = 73; mean = 6.0833…; 7 is above it, so indices 4–11 (8 points) are all above → a run.
    const control = ok([0, 2, 0, 2, 8, 10, 8, 7, 8, 10, 8, 10]);
    expect(withRule(control, 'run_above')).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(control.latest).toBe('signal_high');
  });

  it('a point on the mean breaks the run even when floating point puts the mean a hair below it', () => {
    // The series above scaled by 1/10 and shifted by 0.2: mean 0.8 in decimals, index 7 is 0.8.
    // In binary the sum gives 0.7999999999999999, which a bare `>` would call "below 0.8",
    // making 0.8 "above" and joining indices 4–11 into a run of 8. Within 1e-9 it is on the mean.
    const values = [0.2, 0.4, 0.2, 0.4, 1, 1.2, 1, 0.8, 1, 1.2, 1, 1.2];
    const r = ok(values);
    expect(r.mean).toBeLessThan(0.8); // the floating-point hair
    expect(r.mean).toBeCloseTo(0.8, 12);
    expect(r.signals).toEqual([]);
    expect(r.latest).toBe('normal');
  });
});

describe('(d) trends: 7 points each strictly higher (lower) than the one before', () => {
  it('7 rising points (6 rises) is a trend, and all 7 are marked', () => {
    const values = [10, 14, 10, 14, 10, 7, 8, 9, 10, 11, 12, 13];
    // indices 5–11: 7 < 8 < 9 < 10 < 11 < 12 < 13 → 7 points, 6 rises (10 → 7 before them is a fall).
    // sum = 58 + 70 = 128; mean = 10.6666…; below: indices 4–8 (5 points), so no run.
    // moving ranges: 4,4,4,4,|7−10|=3, six of 1 → 25; 2.66 × 25/11 = 66.5/11 = 6.045454…
    // upper = 16.712121…, lower = 4.621212… (7–14 all inside)
    const r = ok(values);
    expect(r.upper_limit).toBeCloseTo(16.712121212121, 9);
    expect(r.lower_limit).toBeCloseTo(4.621212121212, 9);
    expect(r.signals).toEqual([5, 6, 7, 8, 9, 10, 11].map((index) => ({ index, rules: ['trend_up'] })));
    expect(r.latest).toBe('signal_high');
    expect(r.summary).toBe('Signal: each of the latest 7 points is higher than the one before (a rising trend).');
  });

  it('6 rising points (5 rises) is not a trend', () => {
    const values = [10, 14, 10, 14, 10, 14, 8, 9, 10, 11, 12, 13];
    // indices 6–11: 8 < 9 < … < 13 → 6 points, 5 rises (14 → 8 before them is a fall).
    // sum = 72 + 63 = 135; mean = 11.25; below: indices 6–9 (4 points) → no run.
    // moving ranges: five of 4, |8−14| = 6, five of 1 → 31; 2.66 × 31/11 = 7.496363…
    // upper = 18.746363…, lower = 3.753636… (all inside)
    const r = ok(values);
    expect(r.upper_limit).toBeCloseTo(18.746363636364, 9);
    expect(r.lower_limit).toBeCloseTo(3.753636363636, 9);
    expect(r.signals).toEqual([]);
    expect(r.latest).toBe('normal');
  });

  it('an equal value breaks a trend', () => {
    // 7 points rising except that index 8 repeats index 7: 3 < 4 < 5 = 5 < 6 < 7 < 8 is not 6 strict rises.
    const values = [10, 2, 10, 2, 10, 3, 4, 5, 5, 6, 7, 8];
    const r = ok(values);
    expect(withRule(r, 'trend_up')).toEqual([]);
    // Control: with 5.5 in place of the repeated 5, indices 5–11 are 7 strictly rising points.
    const control = ok([10, 2, 10, 2, 10, 3, 4, 5, 5.5, 6, 7, 8]);
    expect(withRule(control, 'trend_up')).toEqual([5, 6, 7, 8, 9, 10, 11]);
  });

  it('7 falling points is a trend down', () => {
    const values = [10, 6, 10, 6, 10, 13, 12, 11, 10, 9, 8, 7];
    // indices 5–11: 13 > 12 > … > 7 → 7 points, 6 falls.
    // sum = 42 + 70 = 112; mean = 9.3333…; above: indices 4–8 (5 points), below: 9–11 → no run.
    // moving ranges: 4,4,4,4,3, six of 1 → 25; limits 9.3333… ± 6.045454… = 3.29 to 15.38 (all inside)
    const r = ok(values);
    expect(r.signals).toEqual([5, 6, 7, 8, 9, 10, 11].map((index) => ({ index, rules: ['trend_down'] })));
    expect(r.latest).toBe('signal_low');
    expect(r.summary).toBe('Signal: each of the latest 7 points is lower than the one before (a falling trend).');
  });

  it('a run above that is also falling reads as high: where the point is beats where it is going', () => {
    const values = [4, 8, 4, 8, 4, 18, 17, 16, 15, 14, 13, 12];
    // sum = 28 + 105 = 133; mean = 11.0833…; indices 5–11 are all above (run) and each lower (trend down).
    // moving ranges: 4,4,4,4,|18−4|=14, six of 1 → 36; 2.66 × 36/11 = 95.76/11 = 8.705454…
    // upper = 19.788787… (18 is inside), lower = 2.377878… (4 is inside)
    const r = ok(values);
    expect(r.upper_limit).toBeCloseTo(19.788787878788, 9);
    expect(r.lower_limit).toBeCloseTo(2.377878787879, 9);
    expect(r.signals).toEqual([5, 6, 7, 8, 9, 10, 11].map((index) => ({ index, rules: ['run_above', 'trend_down'] })));
    expect(r.latest).toBe('signal_high');
    expect(r.summary).toBe('Signal: the latest 7 points in a row are all above the average (11.1).');
  });
});

describe('(e) a lower limit below zero is shown as zero', () => {
  it('clips at 0, and a 0 on the clipped limit is not beyond it', () => {
    const values = [0, 3, 0, 3, 0, 3, 0, 3, 0, 3, 0, 3];
    // sum = 18; mean = 1.5; every moving range 3 → mmr 3; 2.66 × 3 = 7.98
    // upper = 1.5 + 7.98 = 9.48; lower = 1.5 − 7.98 = −6.48 → shown as 0
    const r = ok(values);
    expect(r.mean).toBe(1.5);
    expect(r.mean_moving_range).toBe(3);
    expect(r.upper_limit).toBeCloseTo(9.48, 12);
    expect(r.lower_limit).toBe(0);
    expect(r.signals).toEqual([]);
    expect(r.summary).toBe('The latest point is within the normal range (process limits 0.0 to 9.5): normal variation.');
  });
});

describe('(f) too few points', () => {
  it('11 points get no reading, and say so', () => {
    const r = xmr([10, 12, 11, 13, 9, 11, 10, 12, 11, 10, 12]);
    expect(r).toEqual({
      status: 'too_few_points',
      n: 11,
      needed: 12,
      summary: 'No signal-or-noise reading: the series has 11 points, and at least 12 are needed to tell a signal from normal variation.',
    });
  });

  it('an empty series, and a custom minimum', () => {
    expect(xmr([])).toMatchObject({ status: 'too_few_points', n: 0, needed: 12 });
    expect(xmr([1, 2, 3], 4)).toMatchObject({ status: 'too_few_points', n: 3, needed: 4 });
    expect(xmr([1, 2, 3, 4], 4).status).toBe('ok');
    expect(() => xmr([1, 2, 3], 1)).toThrow(RangeError);
  });
});

describe('(g) suppressed points', () => {
  const base: SpcValue[] = [10, 12, 11, 13, 9, 11, 10, 12, 11, 10, 12, 11];
  it.each([0, 5, 11])("a 'c' at index %i means no reading", (i) => {
    const values = [...base];
    values[i] = 'c';
    expect(xmr(values)).toEqual({
      status: 'suppressed',
      summary: 'No signal-or-noise reading: some values in this series are suppressed (shown as c).',
    });
  });

  it('suppression is checked before length and nulls', () => {
    expect(xmr(['c', 1, 2]).status).toBe('suppressed');
    expect(xmr([...base, null, 'c']).status).toBe('suppressed');
  });
});

describe('(h) undefined (null) points: refused, not skipped', () => {
  it('one null among 13 points gives no reading, even though 12 numbers remain', () => {
    // Computing over the 12 numbers would give the reading in (a); the documented choice is to refuse.
    const values: SpcValue[] = [10, 12, 11, 13, 9, 11, null, 10, 12, 11, 10, 12, 11];
    expect(xmr(values)).toEqual({
      status: 'no_data',
      summary: 'No signal-or-noise reading: 1 of the 13 points has no value (such as a percentage of nothing), and the reading needs an unbroken series.',
    });
  });

  it('counts several nulls', () => {
    const values: SpcValue[] = [null, 12, 11, 13, 9, 11, 10, 12, 11, 10, 12, null];
    const r = xmr(values);
    expect(r.status).toBe('no_data');
    expect(r.summary).toContain('2 of the 12 points have no value');
  });

  it('a short series with a null is too short first', () => {
    expect(xmr([1, null, 3]).status).toBe('too_few_points');
  });

  it('a value that is not a finite number is a programming error', () => {
    const values: SpcValue[] = [10, 12, 11, 13, 9, 11, 10, 12, 11, 10, 12, Number.NaN];
    expect(() => xmr(values)).toThrow(RangeError);
  });
});

describe('summary rounding', () => {
  it('rounds half away from zero to 1 decimal, not down as binary floating point would', () => {
    const values = [0, 0.3, 0, 0.3, 0, 0.6, 0.8, 0.6, 0.8, 0.6, 0.8, 0.6];
    // sum = 0.6 + (4 × 0.6 + 3 × 0.8 = 4.8) = 5.4; mean = 5.4 / 12 = 0.45 exactly in decimals,
    // but 0.44999999999999996 in binary, which toFixed(1) turns into "0.4". Half away from zero → "0.5".
    // The last 7 (0.6, 0.8) are above 0.45 → a run. moving ranges: four of 0.3, |0.6−0| = 0.6,
    // six of 0.2 → 3.0; 2.66 × 3/11 = 0.725454…; upper = 1.175454… (0.8 inside); lower → 0.
    const r = ok(values);
    expect(r.mean).toBeCloseTo(0.45, 12);
    expect(r.mean.toFixed(1)).toBe('0.4'); // the trap the formatter avoids
    expect(r.upper_limit).toBeCloseTo(1.175454545455, 9);
    expect(r.latest).toBe('signal_high');
    expect(r.summary).toBe('Signal: the latest 7 points in a row are all above the average (0.5).');
  });
});

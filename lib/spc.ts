// Signal or noise: the XmR (individuals and moving range) reading that NHS board reports
// use ("Making Data Count"), for a trend series of one measure.
//
// From the definitions (/work/shared/met-dataset.md, "Signal or noise (SPC)"):
//   "Trend series carry an XmR reading, as NHS board reports do ("Making Data Count"):
//    mean of the series; moving ranges |xᵢ − xᵢ₋₁|; limits = mean ± 2.66 × mean moving
//    range (a lower limit below zero is shown as zero). Signals: a point beyond a limit; a
//    run of 7 consecutive points all above, or all below, the mean (a point on the mean
//    breaks the run); a trend of 7 consecutive points each strictly higher, or each
//    strictly lower, than the one before. At least 12 points are needed for a reading; with
//    fewer, the reading says so. Where any point of a series is suppressed for a role, that
//    role gets no SPC reading for it."
//
// Choices made where the definition leaves room (each is tested in tests/lib/spc.test.ts):
//
// * Order of refusals: a suppressed point ('c') anywhere → 'suppressed' (checked first, so a
//   role never learns more about a series it may not see); then fewer than `minPoints`
//   points in all → 'too_few_points'; then any null → 'no_data'.
// * Null (an undefined value, e.g. a percentage of nothing): REFUSE. The series gets no
//   reading ('no_data') if any point is null; we do not drop the null points and compute
//   over the rest. Runs and trends are about *consecutive* periods and a moving range is a
//   period-to-period change: closing up the gap would make two periods that are not
//   neighbours look like neighbours, and a reading shown beside a chart with a hole in it
//   would not be the reading of that chart.
// * "A point on the mean": the mean is computed, so a point counts as on it when it is
//   within 1e-9 × max(1, |mean|) of it (floating-point noise, not a real difference). The
//   same tolerance is used for "beyond a limit": a point must be above the upper limit
//   (below the lower) by more than that. A point exactly on a limit is not beyond it.
// * Lower limit: mean − 2.66 × mean moving range, shown as 0 when that is below zero (all
//   MET measures are counts, rates or percentages and cannot go below zero). The object
//   carries the clipped value, and "below the lower limit" is judged against it.
// * Run: a point is part of a run when it belongs to ANY window of 7 consecutive points all
//   strictly above (or all strictly below) the mean; every point of such a run is marked,
//   so an unbroken stretch of 9 points above the mean marks all 9.
// * Trend: "7 consecutive points each strictly higher than the one before" is read as 7
//   POINTS IN TOTAL, i.e. 6 successive strict rises: the first of the 7 points is the
//   starting point and counts as part of the trend; each of the other 6 is strictly higher
//   than the point before it. 6 points rising (5 rises) is NOT a trend. An equal value
//   breaks a trend. Every point of the trend is marked (including the first), and a longer
//   rise marks all its points.
// * `latest`, the reading of the last point: if it is beyond a limit, that limit's side
//   decides; otherwise a run decides (above → signal_high, below → signal_low); otherwise a
//   trend (up → high, down → low); otherwise 'normal'. The order only matters when the last
//   point carries rules of both sides (e.g. 7 points above the mean that are each lower
//   than the one before): the rule about where the point *is* beats the rule about which
//   way it is going.
// * Numbers in the object are kept at full precision; only `summary` rounds, to 1 decimal
//   half away from zero (as the definitions round rates), with en-GB thousands separators.

export type SpcValue = number | null | 'c'; // null = undefined value (e.g. a % of nothing), 'c' = suppressed

export type { SpcPointSignal, SpcReading, SpcRule } from '../model/api.js';
import { formatNumber } from '../model/format.js';
import type { SpcPointSignal, SpcReading, SpcRule } from '../model/api.js';

/** XmR constant: 3 / d2 with d2 = 1.128 for moving ranges of 2 points. */
const XMR_CONSTANT = 2.66;
/** "a run of 7 consecutive points" and "a trend of 7 consecutive points". */
const RUN_LENGTH = 7;
const TREND_LENGTH = 7;

/** One decimal, half away from zero, a true minus sign, for a sentence ("1,234.5", "0.0", "−2.5"): model/format.ts. */
const fmt = (x: number): string => formatNumber(x, 1, 1);

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The XmR reading of a series (oldest point first). `minPoints` is the number of points
 * needed for a reading (12 by the definitions).
 */
export function xmr(values: SpcValue[], minPoints = 12): SpcReading {
  if (!Number.isInteger(minPoints) || minPoints < 2) {
    throw new RangeError(`xmr needs minPoints to be a whole number of at least 2, not ${minPoints}`);
  }

  // "Where any point of a series is suppressed for a role, that role gets no SPC reading for it."
  if (values.some((v) => v === 'c')) {
    return {
      status: 'suppressed',
      summary: 'No signal-or-noise reading: some values in this series are suppressed (shown as c).',
    };
  }

  // "At least 12 points are needed for a reading; with fewer, the reading says so."
  if (values.length < minPoints) {
    return {
      status: 'too_few_points',
      n: values.length,
      needed: minPoints,
      summary:
        `No signal-or-noise reading: the series has ${plural(values.length, 'point')}, ` +
        `and at least ${minPoints} are needed to tell a signal from normal variation.`,
    };
  }

  // Null handling: refuse (see the note at the top).
  const missing = values.filter((v) => v === null).length;
  if (missing > 0) {
    return {
      status: 'no_data',
      summary:
        `No signal-or-noise reading: ${missing} of the ${values.length} points ` +
        `${missing === 1 ? 'has' : 'have'} no value (such as a percentage of nothing), ` +
        `and the reading needs an unbroken series.`,
    };
  }

  const xs: number[] = [];
  for (const [i, v] of values.entries()) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`xmr: point ${i} is ${String(v)}, not a finite number, null or 'c'`);
    }
    xs.push(v);
  }
  const n = xs.length;
  const at = (i: number): number => xs[i] as number; // 0 ≤ i < n everywhere below

  // "mean of the series"
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  // "moving ranges |xᵢ − xᵢ₋₁|" — n − 1 of them; their mean.
  let mrSum = 0;
  for (let i = 1; i < n; i++) mrSum += Math.abs(at(i) - at(i - 1));
  const mean_moving_range = mrSum / (n - 1);
  // "limits = mean ± 2.66 × mean moving range (a lower limit below zero is shown as zero)"
  const upper_limit = mean + XMR_CONSTANT * mean_moving_range;
  const lower_limit = Math.max(0, mean - XMR_CONSTANT * mean_moving_range);

  const tol = 1e-9 * Math.max(1, Math.abs(mean));
  // side: +1 above the mean, −1 below, 0 on it ("a point on the mean breaks the run").
  const side = (x: number): number => (x - mean > tol ? 1 : mean - x > tol ? -1 : 0);

  const rules: Set<SpcRule>[] = xs.map(() => new Set<SpcRule>());
  const mark = (from: number, toExclusive: number, rule: SpcRule): void => {
    for (let j = from; j < toExclusive; j++) rules[j]?.add(rule);
  };

  // "a point beyond a limit"
  for (let i = 0; i < n; i++) {
    if (at(i) - upper_limit > tol || lower_limit - at(i) > tol) rules[i]?.add('beyond_limit');
  }

  // "a run of 7 consecutive points all above, or all below, the mean": find each maximal
  // stretch of points on one side; if it is 7 or longer, every point of it is in some
  // window of 7 and is marked.
  for (let i = 0; i < n; ) {
    const s = side(at(i));
    let j = i + 1;
    while (j < n && s !== 0 && side(at(j)) === s) j++;
    if (s !== 0 && j - i >= RUN_LENGTH) mark(i, j, s > 0 ? 'run_above' : 'run_below');
    i = j;
  }

  // "a trend of 7 consecutive points each strictly higher, or each strictly lower, than the
  // one before": 7 points = 6 strict rises (falls). Find each maximal strictly rising
  // (falling) stretch of points; if it has 7 or more points, mark them all.
  for (const dir of [1, -1] as const) {
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && (at(j) - at(j - 1)) * dir > 0) j++;
      if (j - i >= TREND_LENGTH) mark(i, j, dir > 0 ? 'trend_up' : 'trend_down');
      i = j;
    }
  }

  const order: SpcRule[] = ['beyond_limit', 'run_above', 'run_below', 'trend_up', 'trend_down'];
  const signals: SpcPointSignal[] = [];
  rules.forEach((set, index) => {
    if (set.size > 0) signals.push({ index, rules: order.filter((r) => set.has(r)) });
  });

  // The reading of the last point, and the sentence.
  const L = n - 1;
  const lastRules = rules[L] ?? new Set<SpcRule>();
  const x = at(L);
  // Length of the stretch ending at the last point for which `ok(i)` holds at each step.
  const stretchEndingAtLast = (ok: (i: number) => boolean): number => {
    let k = 1;
    while (L - k >= 0 && ok(L - k + 1)) k++;
    return k;
  };
  let latest: 'signal_high' | 'signal_low' | 'normal';
  let summary: string;
  if (lastRules.has('beyond_limit') && x > upper_limit) {
    latest = 'signal_high';
    summary = `Signal: the latest point is above the upper process limit (${fmt(upper_limit)}).`;
  } else if (lastRules.has('beyond_limit')) {
    latest = 'signal_low';
    summary = `Signal: the latest point is below the lower process limit (${fmt(lower_limit)}).`;
  } else if (lastRules.has('run_above') || lastRules.has('run_below')) {
    const s = side(x);
    const k = stretchEndingAtLast((i) => side(at(i - 1)) === s);
    latest = s > 0 ? 'signal_high' : 'signal_low';
    summary = `Signal: the latest ${k} points in a row are all ${s > 0 ? 'above' : 'below'} the average (${fmt(mean)}).`;
  } else if (lastRules.has('trend_up') || lastRules.has('trend_down')) {
    const up = lastRules.has('trend_up');
    const k = stretchEndingAtLast((i) => (at(i) - at(i - 1)) * (up ? 1 : -1) > 0);
    latest = up ? 'signal_high' : 'signal_low';
    summary = `Signal: each of the latest ${k} points is ${up ? 'higher' : 'lower'} than the one before ` + `(a ${up ? 'rising' : 'falling'} trend).`;
  } else {
    latest = 'normal';
    const range = `(process limits ${fmt(lower_limit)} to ${fmt(upper_limit)})`;
    if (signals.length === 0) {
      summary = `The latest point is within the normal range ${range}: normal variation.`;
    } else {
      const above = signals.filter((s) => s.rules.includes('beyond_limit') && at(s.index) > upper_limit).length;
      const below = signals.filter((s) => s.rules.includes('beyond_limit') && at(s.index) < lower_limit).length;
      const has = (r: SpcRule): boolean => signals.some((s) => s.rules.includes(r));
      const parts: string[] = [];
      if (above > 0) parts.push(`${plural(above, 'point')} above the upper limit`);
      if (below > 0) parts.push(`${plural(below, 'point')} below the lower limit`);
      if (has('run_above')) parts.push('a run above the average');
      if (has('run_below')) parts.push('a run below the average');
      if (has('trend_up')) parts.push('a rising trend');
      if (has('trend_down')) parts.push('a falling trend');
      summary = `The latest point is within the normal range ${range}, but earlier points show a signal: ${parts.join(', ')}.`;
    }
  }

  return { status: 'ok', n, mean, mean_moving_range, upper_limit, lower_limit, signals, latest, summary };
}

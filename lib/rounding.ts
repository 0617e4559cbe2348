// Rounding as the definitions ask: percentages and rates to 1 decimal, ratios to 2,
// half away from zero, a percentage of nothing is null. Worked out exactly from the
// integer counts, because binary floating point turns 0.15 into 0.1499…

/** a / b rounded half away from zero to `decimals` places, exactly for integer a and b (b > 0). */
export function roundRatio(a: number, b: number, decimals: number): number {
  const scale = 10 ** decimals;
  const sign = Math.sign(a) * Math.sign(b) < 0 ? -1 : 1;
  const x = Math.abs(a);
  const y = Math.abs(b);
  return (sign * Math.floor((2 * x * scale + y) / (2 * y))) / scale;
}

export function percentage(num: number, den: number): number | null {
  return den === 0 ? null : roundRatio(100 * num, den, 1);
}

export function ratio(num: number, den: number): number | null {
  return den === 0 ? null : roundRatio(num, den, 2);
}

export function per10k(num: number, den: number | null): number | null {
  return den === null || den === 0 ? null : roundRatio(10_000 * num, den, 1);
}

/** A median held in seconds (a whole number, or .5 when it is the mean of two middle values) as hours, 1 decimal. */
export function secondsAsHours(seconds: number | null): number | null {
  if (seconds === null) return null;
  return roundRatio(Math.round(seconds * 2), 7200, 1);
}

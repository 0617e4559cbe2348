// Confidence intervals and funnel plot control limits, as the public-health profiles use them.
//
// Pure arithmetic: no data, no disclosure — callers pass figures that have already passed
// disclosure control (or counts inside the warehouse that are never shown themselves).
//
// Sources (the formulas below are copied from them, with their symbols):
// * Public Health England, "Fingertips: technical guidance — confidence intervals"
//   (https://fingertips.phe.org.uk/profile/guidance), and the APHO "Technical Briefing 3:
//   Commonly used public health statistics and their confidence intervals" (2008), §3.2
//   (proportions: Wilson score method) and §3.3 (crude rates and counts: Byar's method).
// * Public Health England, "Technical guide: Funnel plots" / the APHO "Technical Briefing 2:
//   Statistical process control methods in public health intelligence" (2008), funnel plot
//   limits for a rate: the limits of a count are the Poisson limits of the EXPECTED count
//   E = target × population, here by Byar's approximation (the briefings' own choice for a
//   spreadsheet), divided back by the population.
// * z values: 95% two-sided, z = Φ⁻¹(0.975) = 1.959963984540054; 99.8% two-sided,
//   z = Φ⁻¹(0.999) = 3.090232306167813 (the funnel plot's "3 sigma" limits as Fingertips
//   draws them).

/** z for a two-sided 95% interval: Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;
/** z for a two-sided 99.8% interval: Φ⁻¹(0.999). */
export const Z998 = 3.090232306167813;

export interface Interval {
  lower: number;
  upper: number;
}

/**
 * Wilson score interval for k successes of n, as proportions 0..1 (n > 0).
 *
 * APHO Technical Briefing 3, §3.2 (Wilson 1927; Newcombe 1998), with p = k/n, q = 1 − p:
 *   lower = (2k + z² − z·√(z² + 4kq)) / (2(n + z²))
 *   upper = (2k + z² + z·√(z² + 4kq)) / (2(n + z²))
 * It stays inside 0..1 and is defined for k = 0 and k = n, unlike the normal approximation.
 */
export function wilson(k: number, n: number, z: number = Z95): Interval {
  if (!(n > 0)) throw new RangeError('wilson: n must be above 0');
  if (!(k >= 0 && k <= n)) throw new RangeError('wilson: k must be between 0 and n');
  const q = 1 - k / n;
  const z2 = z * z;
  const root = z * Math.sqrt(z2 + 4 * k * q);
  const denominator = 2 * (n + z2);
  return {
    lower: Math.max(0, (2 * k + z2 - root) / denominator),
    upper: Math.min(1, (2 * k + z2 + root) / denominator),
  };
}

/**
 * Byar's approximation to the exact Poisson interval for an observed count o
 * (o >= 0; o = 0 gives lower 0).
 *
 * APHO Technical Briefing 3, §3.3 (Breslow & Day 1987):
 *   lower = O · (1 − 1/(9O) − z/(3√O))³
 *   upper = (O + 1) · (1 − 1/(9(O + 1)) + z/(3√(O + 1)))³
 * For O = 0 the lower formula is undefined; the lower limit is 0. A lower limit the cube
 * would take below 0 (never for O >= 1 at 95%) is shown as 0: a count cannot be negative.
 */
export function byar(o: number, z: number = Z95): Interval {
  if (!(o >= 0) || !Number.isFinite(o)) throw new RangeError('byar: the count must be 0 or more');
  const lower = o === 0 ? 0 : o * (1 - 1 / (9 * o) - z / (3 * Math.sqrt(o))) ** 3;
  const o1 = o + 1;
  const upper = o1 * (1 - 1 / (9 * o1) + z / (3 * Math.sqrt(o1))) ** 3;
  return { lower: Math.max(0, lower), upper };
}

/**
 * A rate per `per` (e.g. 10,000) of o events in population n, with Byar's interval.
 *
 * APHO Technical Briefing 3, §3.3: the limits of the rate are the limits of the count
 * divided by the population: rate = o/n × per, lower = O_L/n × per, upper = O_U/n × per.
 */
export function rateInterval(o: number, n: number, per: number, z: number = Z95): Interval & { rate: number } {
  if (!(n > 0)) throw new RangeError('rateInterval: the population must be above 0');
  const { lower, upper } = byar(o, z);
  return { rate: (o / n) * per, lower: (lower / n) * per, upper: (upper / n) * per };
}

/**
 * Funnel plot control limits for a rate: for a target rate (per `per`) and population n,
 * the limits of the rate per `per` (Byar on the expected count).
 *
 * APHO Technical Briefing 2 (funnel plots for rates): E = target/per × n is the count a
 * locality of population n would have at the target rate; its control limits are Byar's
 * limits with O = E (the Poisson quantiles of E, approximated), divided by n and scaled to
 * `per`. A rate outside them differs from the target by more than chance at that level.
 * E = 0 (a target of 0) gives limits 0 to Byar's upper for 0, over n.
 */
export function funnelLimits(target: number, n: number, per: number, z: number = Z95): Interval {
  if (!(n > 0)) throw new RangeError('funnelLimits: the population must be above 0');
  if (!(target >= 0)) throw new RangeError('funnelLimits: the target must be 0 or more');
  const expected = (target / per) * n;
  const { lower, upper } = byar(expected, z);
  return { lower: (lower / n) * per, upper: (upper / n) * per };
}

/**
 * The exact Poisson lower tail P(X ≤ o | E) for a whole count o >= 0 and mean E >= 0:
 *   Σ_{k=0..o} e^(−E) · E^k / k!
 * summed term by term in logs (ln term_k = −E + k·ln E − ln k!), so a large E does not
 * underflow e^(−E). E = 0 gives 1 (every count is at least 0).
 */
export function poissonAtMost(o: number, expected: number): number {
  if (!(o >= 0) || !Number.isInteger(o)) throw new RangeError('poissonAtMost: the count must be a whole number, 0 or more');
  if (!(expected >= 0)) throw new RangeError('poissonAtMost: the expected count must be 0 or more');
  if (expected === 0) return 1;
  const lnE = Math.log(expected);
  let lnTerm = -expected;
  let sum = Math.exp(lnTerm);
  for (let k = 1; k <= o; k++) {
    lnTerm += lnE - Math.log(k);
    sum += Math.exp(lnTerm);
  }
  return Math.min(1, sum);
}

/** The exact Poisson upper tail P(X ≥ o | E) = 1 − P(X ≤ o − 1 | E); 1 for o = 0. */
export function poissonAtLeast(o: number, expected: number): number {
  if (o <= 0) return 1;
  return Math.max(0, 1 - poissonAtMost(o - 1, expected));
}

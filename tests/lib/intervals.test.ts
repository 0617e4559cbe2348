import { exactFunnelLimits, funnelPosition } from '../../lib/funnel.js';
// Hand-worked checks of lib/intervals.ts: the Wilson score interval, Byar's interval for a
// count, a rate with Byar's interval and funnel plot control limits. Every expected figure is
// worked below from the formula (APHO Technical Briefing 3, §3.2 and §3.3) to 4+ significant
// figures, and where a published example exists it is quoted beside it.
import { describe, expect, it } from 'vitest';
import { byar, funnelLimits, poissonAtLeast, poissonAtMost, rateInterval, wilson, Z95, Z998 } from '../../lib/intervals.js';

describe('z values', () => {
  it('95% and 99.8% two-sided', () => {
    // Φ⁻¹(0.975) = 1.959963985 (tables: 1.96); Φ⁻¹(0.999) = 3.090232306 (tables: 3.09).
    expect(Z95).toBeCloseTo(1.96, 2);
    expect(Z998).toBeCloseTo(3.09, 2);
  });
});

describe('wilson(k, n): lower = (2k + z² − z√(z² + 4kq)) / (2(n + z²)), upper with +', () => {
  it('1 of 3 at 95% is 6.1% to 79.2% (the published example)', () => {
    // z² = 1.959964² = 3.841459; q = 1 − 1/3 = 2/3; 4kq = 4 × 1 × 2/3 = 2.666667
    // √(3.841459 + 2.666667) = √6.508126 = 2.551103; × z = 5.000070
    // 2k + z² = 2 + 3.841459 = 5.841459; 2(n + z²) = 2 × 6.841459 = 13.682918
    // lower = (5.841459 − 5.000070) / 13.682918 = 0.841389 / 13.682918 = 0.061492 → 6.1%
    // upper = (5.841459 + 5.000070) / 13.682918 = 10.841528 / 13.682918 = 0.792340 → 79.2%
    const i = wilson(1, 3);
    expect(i.lower).toBeCloseTo(0.061492, 5);
    expect(i.upper).toBeCloseTo(0.79234, 5);
  });

  it('45 of 60 (75%) at 95% is 62.8% to 84.2%', () => {
    // q = 15/60 = 0.25; 4kq = 4 × 45 × 0.25 = 45; √(3.841459 + 45) = √48.841459 = 6.988666
    // × z = 13.697535; 2k + z² = 93.841459; 2(n + z²) = 2 × 63.841459 = 127.682918
    // lower = (93.841459 − 13.697535) / 127.682918 = 80.143924 / 127.682918 = 0.627679
    // upper = (93.841459 + 13.697535) / 127.682918 = 107.538993 / 127.682918 = 0.842235
    const i = wilson(45, 60);
    expect(i.lower).toBeCloseTo(0.627679, 5);
    expect(i.upper).toBeCloseTo(0.842235, 5);
  });

  it('0 of 10 and 10 of 10: the interval stays inside 0..1 and reaches the edge', () => {
    // k = 0: 4kq = 0, z√z² = z² = 3.841459; lower = (0 + z² − z²)/… = 0;
    //   upper = 2z² / 2(10 + z²) = 7.682918 / 27.682918 = 0.277533
    // k = 10: q = 0; lower = (20 + z² − z²) / 27.682918 = 20 / 27.682918 = 0.722467; upper = 1
    expect(wilson(0, 10).lower).toBe(0);
    expect(wilson(0, 10).upper).toBeCloseTo(0.277533, 5);
    expect(wilson(10, 10).lower).toBeCloseTo(0.722467, 5);
    expect(wilson(10, 10).upper).toBe(1);
  });

  it('a wider z widens it; n = 0 or k outside 0..n is refused', () => {
    const a = wilson(1, 3);
    const b = wilson(1, 3, Z998);
    expect(b.lower).toBeLessThan(a.lower);
    expect(b.upper).toBeGreaterThan(a.upper);
    expect(() => wilson(0, 0)).toThrow(RangeError);
    expect(() => wilson(4, 3)).toThrow(RangeError);
  });
});

describe('byar(o): lower = O(1 − 1/9O − z/3√O)³, upper = (O+1)(1 − 1/9(O+1) + z/3√(O+1))³', () => {
  it('10 events at 95% is 4.787 to 18.39 (exact Poisson: 4.795 to 18.39)', () => {
    // 1/(9 × 10) = 0.011111; z/(3√10) = 1.959964 / 9.486833 = 0.206598
    // lower = 10 × (1 − 0.011111 − 0.206598)³ = 10 × 0.782291³ = 10 × 0.478745 = 4.78745
    // 1/(9 × 11) = 0.010101; z/(3√11) = 1.959964 / 9.949874 = 0.196984
    // upper = 11 × (1 − 0.010101 + 0.196984)³ = 11 × 1.186883³ = 11 × 1.671951 = 18.39146
    // Published exact Poisson 95% limits for 10 (Fingertips' tables): 4.795 and 18.390.
    const i = byar(10);
    expect(i.lower).toBeCloseTo(4.78745, 4);
    expect(i.upper).toBeCloseTo(18.39146, 4);
    expect(i.lower).toBeCloseTo(4.795, 1);
    expect(i.upper).toBeCloseTo(18.39, 2);
  });

  it('10 events at 99.8% is 2.916 to 24.19', () => {
    // z/(3√10) = 3.090232 / 9.486833 = 0.325739; lower = 10 × (1 − 0.011111 − 0.325739)³
    //   = 10 × 0.663150³ = 10 × 0.291632 = 2.91632
    // z/(3√11) = 3.090232 / 9.949874 = 0.310580; upper = 11 × (1 − 0.010101 + 0.310580)³
    //   = 11 × 1.300479³ = 11 × 2.199430 = 24.19372
    const i = byar(10, Z998);
    expect(i.lower).toBeCloseTo(2.91632, 4);
    expect(i.upper).toBeCloseTo(24.19372, 4);
  });

  it('1 event is 0.0131 to 5.564; 0 events is 0 to 3.668 (exact: 3.689)', () => {
    // O = 1: lower = 1 × (1 − 0.111111 − 1.959964/3)³ = (1 − 0.111111 − 0.653321)³
    //   = 0.235568³ = 0.013072
    // upper = 2 × (1 − 1/18 + 1.959964/(3√2))³ = 2 × (1 − 0.055556 + 0.461968)³
    //   = 2 × 1.406412³ = 2 × 2.781878 = 5.563756
    // O = 0: lower 0 by definition; upper = 1 × (1 − 1/9 + 1.959964/3)³
    //   = (0.888889 + 0.653321)³ = 1.542210³ = 3.668012
    expect(byar(1).lower).toBeCloseTo(0.013072, 5);
    expect(byar(1).upper).toBeCloseTo(5.563756, 4);
    expect(byar(0).lower).toBe(0);
    expect(byar(0).upper).toBeCloseTo(3.668012, 4);
  });

  it('a count so small the cube goes below 0 has lower limit 0; a negative count is refused', () => {
    // O = 0.01: 1 − 1/0.09 − z/(3 × 0.1) = 1 − 11.11 − 6.53 < 0 → cube < 0 → shown as 0
    expect(byar(0.01).lower).toBe(0);
    expect(() => byar(-1)).toThrow(RangeError);
  });
});

describe('rateInterval(o, n, per): the count limits over the population', () => {
  it('20 events in 4,000 children is 50.0 per 10,000 (30.5 to 77.2)', () => {
    // rate = 20 / 4000 × 10000 = 50
    // Byar for 20: lower = 20 × (1 − 1/180 − z/(3√20))³ = 20 × (1 − 0.005556 − 0.146087)³
    //   = 20 × 0.848357³ = 20 × 0.610571 = 12.21143 → / 4000 × 10000 = 30.5286
    // upper = 21 × (1 − 1/189 + z/(3√21))³ = 21 × (1 − 0.005291 + 0.142566)³
    //   = 21 × 1.137275³ = 21 × 1.470947 = 30.88988 → / 4000 × 10000 = 77.2247
    const r = rateInterval(20, 4000, 10000);
    expect(r.rate).toBe(50);
    expect(r.lower).toBeCloseTo(30.5286, 3);
    expect(r.upper).toBeCloseTo(77.2247, 3);
  });

  it('no events gives rate 0 with lower 0; a population of 0 is refused', () => {
    // upper = 3.668012 / 1000 × 10000 = 36.68012
    const r = rateInterval(0, 1000, 10000);
    expect(r.rate).toBe(0);
    expect(r.lower).toBe(0);
    expect(r.upper).toBeCloseTo(36.68012, 3);
    expect(() => rateInterval(1, 0, 10000)).toThrow(RangeError);
  });
});

describe('funnelLimits(target, n, per): Byar on the expected count', () => {
  it('target 50 per 10,000 at population 2,000: E = 10; 95% 23.94 to 91.96, 99.8% 14.58 to 120.97', () => {
    // E = 50 / 10000 × 2000 = 10; Byar(10) at 95% = 4.78745 to 18.39146 (worked above)
    // lower = 4.78745 / 2000 × 10000 = 23.93725; upper = 18.39146 / 2000 × 10000 = 91.9573
    // at 99.8%: Byar(10) = 2.91632 to 24.19372 → 14.5816 to 120.9686
    const l95 = funnelLimits(50, 2000, 10000);
    expect(l95.lower).toBeCloseTo(23.93725, 3);
    expect(l95.upper).toBeCloseTo(91.9573, 3);
    const l998 = funnelLimits(50, 2000, 10000, Z998);
    expect(l998.lower).toBeCloseTo(14.5816, 3);
    expect(l998.upper).toBeCloseTo(120.9686, 3);
  });

  it('the funnel narrows as the population grows and always contains the target', () => {
    const small = funnelLimits(50, 500, 10000);
    const large = funnelLimits(50, 50000, 10000);
    expect(large.upper - large.lower).toBeLessThan(small.upper - small.lower);
    for (const l of [small, large]) {
      expect(l.lower).toBeLessThan(50);
      expect(l.upper).toBeGreaterThan(50);
    }
  });

  it('a target of 0: lower 0, upper Byar(0) over n (3.668012 / 1000 × 10000 = 36.68)', () => {
    const l = funnelLimits(0, 1000, 10000);
    expect(l.lower).toBe(0);
    expect(l.upper).toBeCloseTo(36.68012, 3);
  });
});

describe('funnelPosition: the exact Poisson tails of the observed count at the expected count', () => {
  it('poissonAtMost / poissonAtLeast by hand', () => {
    // P(X ≤ 0 | 0.8) = e^−0.8 = 0.449329; P(X ≤ 2 | 10) = e^−10 (1 + 10 + 100/2) = 61 × 4.539993e−5 = 0.00276940
    expect(poissonAtMost(0, 0.8)).toBeCloseTo(0.449329, 5);
    expect(poissonAtMost(2, 10)).toBeCloseTo(0.0027694, 6);
    // P(X ≥ 3 | 1) = 1 − e^−1 (1 + 1 + 1/2) = 1 − 2.5 × 0.367879 = 0.080301
    expect(poissonAtLeast(3, 1)).toBeCloseTo(0.080301, 5);
    expect(poissonAtLeast(0, 5)).toBe(1);
  });

  it('Godshill: population 772, no MET children, target 10.4 per 10,000 → E = 0.80; P(X=0) = 0.45 → within', () => {
    // E = 10.4 / 10000 × 772 = 0.80288; P(X ≤ 0 | 0.80288) = e^−0.80288 = 0.448 ≥ 0.025 → not below.
    // (Byar's 95% lower limit for E = 0.80288 is 0.80288 × (1 − 1/(9 × 0.80288) − 1.96/(3√0.80288))³
    //  = 0.80288 × 0.1311³ ≈ 0.0018 → 0.023 per 10,000: a rate of 0 lay "below" it before.)
    expect(funnelPosition(0, 10.4, 772)).toBe('within');
    // Sandown: 1,454 at 11 per 10,000 → E = 1.5994; P(X=0) = e^−1.5994 = 0.202 → within (was "below 99.8%").
    expect(funnelPosition(0, 11, 1454)).toBe('within');
  });

  it('E = 10 and o = 2 is below the 95% limit, not the 99.8%: P(X ≤ 2 | 10) = 0.00277', () => {
    // target 50 per 10,000 at 2,000 → E = 10; rate 10 per 10,000 → o = 10/10000 × 2000 = 2.
    // P(X ≤ 2 | 10) = e^−10 × (1 + 10 + 50) = 0.00277: < 0.025 (below 95%) but ≥ 0.001 (not below 99.8%).
    expect(funnelPosition(10, 50, 2000)).toBe('below 95%');
    // o = 0 at E = 10: P(X ≤ 0) = e^−10 = 4.5e−5 < 0.001 → below 99.8%.
    expect(funnelPosition(0, 50, 2000)).toBe('below 99.8%');
    // o = 18 at E = 10: P(X ≥ 18 | 10) = 0.0143 (1 − 0.98572) → above 95%; o = 10 → within.
    expect(funnelPosition(90, 50, 2000)).toBe('above 95%');
    expect(funnelPosition(50, 50, 2000)).toBe('within');
  });

  it('the drawn limits agree with the positions: E = 10 → 95% 17.5–87.5, 99.8% 7.5–107.5 per 10,000', () => {
    // 95% lower: P(X ≤ 3 | 10) = e^−10 (1 + 10 + 50 + 166.67) = 0.01034 < 0.025, P(X ≤ 4 | 10) = 0.02925 ≥ 0.025
    //   → 3 is the largest count below; the line at 3.5 / 2000 × 10000 = 17.5.
    // 95% upper: P(X ≥ 17 | 10) = 0.02704 ≥ 0.025, P(X ≥ 18 | 10) = 0.01428 < 0.025 → 18 is the first above; 17.5 → 87.5.
    // 99.8%: P(X ≤ 1) = 11e^−10 = 0.000499 < 0.001, P(X ≤ 2) = 0.00277 → 1.5 → 7.5; P(X ≥ 22) < 0.001 ≤ P(X ≥ 21) → 21.5 → 107.5.
    const l95 = exactFunnelLimits(50, 2000, 0.025);
    expect(l95.lower).toBeCloseTo(17.5, 9);
    expect(l95.upper).toBeCloseTo(87.5, 9);
    const l998 = exactFunnelLimits(50, 2000, 0.001);
    expect(l998.lower).toBeCloseTo(7.5, 9);
    expect(l998.upper).toBeCloseTo(107.5, 9);
    // Godshill (E = 0.80288): no count is below (P(X = 0) = 0.448), so the lower line is 0 and a 0 lies on it, within;
    // upper: P(X ≥ 3) = 1 − e^−E (1 + E + E²/2) = 0.0478, P(X ≥ 4) = 0.0478 − e^−E E³/6 = 0.0092 → 3.5 / 772 × 10000 = 45.34.
    const g = exactFunnelLimits(10.4, 772, 0.025);
    expect(g.lower).toBe(0);
    expect(g.upper).toBeCloseTo(45.3368, 3);
  });
});

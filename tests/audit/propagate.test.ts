// Bounds propagation (lib/audit/propagate.ts), worked by hand.

import { describe, expect, it } from 'vitest';
import { propagate, type Interval, type LinearConstraint } from '../../lib/audit/propagate.js';

const I = (lo: number, hi: number): Interval => ({ lo, hi });
/** total = Σ parts, as −total + Σ parts = 0. */
const sum = (total: string, parts: string[]): LinearConstraint => ({ terms: [[total, -1], ...parts.map((p) => [p, 1] as [string, number])], lo: 0, hi: 0 });

describe('propagate', () => {
  it('a rounded total of 10 (8–12) less a rounded 10 (8–12) leaves a withheld cell 1–4', () => {
    const r = propagate(
      [sum('t', ['a', 'c'])],
      new Map([
        ['t', I(8, 12)],
        ['a', I(8, 12)],
        ['c', I(1, 7)],
      ]),
    );
    expect(r.bounds.get('c')).toEqual(I(1, 4));
    expect(r.why.get('c')).toEqual({ hi: 0 });
    expect(r.infeasible).toBe(false);
  });

  it('three withheld cells sharing 4 are each 1 or 2; the total is then at least 11', () => {
    const r = propagate(
      [sum('t', ['a', 'c1', 'c2', 'c3'])],
      new Map([
        ['t', I(13, 17)],
        ['a', I(13, 17)],
        ['c1', I(1, 7)],
        ['c2', I(1, 7)],
        ['c3', I(1, 7)],
      ]),
    );
    expect(r.bounds.get('c1')).toEqual(I(1, 2));
    expect(r.bounds.get('c3')).toEqual(I(1, 2));
    // a = t − (c1 + c2 + c3) ≤ 17 − 3 = 14; t ≥ a + 3 ≥ 16.
    expect(r.bounds.get('a')).toEqual(I(13, 14));
    expect(r.bounds.get('t')).toEqual(I(16, 17));
  });

  it('chains through two constraints: x = y + z, y = u − v', () => {
    const r = propagate(
      [sum('x', ['y', 'z']), sum('u', ['y', 'v'])],
      new Map([
        ['x', I(0, 100)],
        ['z', I(5, 5)],
        ['u', I(10, 10)],
        ['v', I(7, 9)],
        ['y', I(0, Infinity)],
      ]),
    );
    expect(r.bounds.get('y')).toEqual(I(1, 3));
    expect(r.bounds.get('x')).toEqual(I(6, 8));
  });

  it('unbounded terms bound nothing above; an inequality bounds one side', () => {
    const r = propagate(
      [
        {
          terms: [
            ['a', 1],
            ['b', 1],
          ],
          lo: 5,
          hi: Infinity,
        },
        {
          terms: [
            ['a', 1],
            ['c', -1],
          ],
          lo: -Infinity,
          hi: 0,
        },
      ],
      new Map([
        ['a', I(0, Infinity)],
        ['b', I(0, 2)],
        ['c', I(0, 6)],
      ]),
    );
    expect(r.bounds.get('a')).toEqual(I(3, 6));
    expect(r.bounds.get('c')).toEqual(I(3, 6));
  });

  it('says when the knowledge contradicts itself', () => {
    expect(
      propagate(
        [sum('t', ['a', 'b'])],
        new Map([
          ['t', I(3, 3)],
          ['a', I(2, 2)],
          ['b', I(2, 5)],
        ]),
      ).infeasible,
    ).toBe(true);
  });
});

/**
 * Seeded randomness for the generator. Everything random goes through an Rng so
 * that one seed always gives the same bytes; Math.random is never used.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

const TWO_32 = 4294967296;

/** Spreads nearby seeds (1, 2, 3…) over the whole state space before seeding. */
function mixSeed(seed: number): number {
  let h = (Math.trunc(seed) ^ 0x9e3779b9) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

export class Rng {
  private constructor(private readonly g: JumpableRandomGenerator) {}

  static fromSeed(seed: number): Rng {
    const g = xoroshiro128plus(mixSeed(seed));
    // The first outputs of a freshly seeded xoroshiro are poorly mixed.
    for (let i = 0; i < 32; i++) g.next();
    return new Rng(g);
  }

  /**
   * An independent stream: each concern (people, formatting, broken rows) gets its
   * own, so changing how one file is dressed does not reshuffle the people.
   */
  fork(): Rng {
    const child = this.g.clone();
    this.g.jump();
    return new Rng(child);
  }

  /** Uniform in [0, 1). 32 bits are plenty for synthetic data. */
  next(): number {
    return (this.g.next() >>> 0) / TWO_32;
  }

  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Standard normal (Box–Muller; one value per call keeps the stream simple). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

/** A weighted choice prepared once and drawn many times. */
export class Weighted<T> {
  private readonly cum: Float64Array;
  private readonly total: number;

  constructor(
    readonly items: readonly T[],
    weights: readonly number[],
  ) {
    if (items.length === 0 || items.length !== weights.length) throw new Error('Weighted: bad items/weights');
    this.cum = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += Math.max(0, w);
      this.cum[i] = sum;
    });
    if (!(sum > 0)) throw new Error('Weighted: weights add up to 0');
    this.total = sum;
  }

  static of<T>(pairs: readonly (readonly [T, number])[]): Weighted<T> {
    return new Weighted(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
  }

  draw(r: Rng): T {
    const x = r.next() * this.total;
    // Binary search: some lists (localities, ages) are long enough to matter.
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cum[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

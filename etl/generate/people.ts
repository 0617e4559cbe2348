/**
 * Children and young people as persistent people: one child_ref, one date of
 * birth, one sex and ethnicity, a home locality and a looked-after history, used
 * for every record about them in every file.
 */
import type { Area, Locality } from './localities.js';
import { type Rng, Weighted } from './rng.js';

export type Sex = 'F' | 'M' | 'X' | 'U';
export type Ethnicity = 'White' | 'Mixed' | 'Asian' | 'Black' | 'Other' | 'Not known';
export type Placement = 'foster' | 'residential' | 'supported' | 'other';

export interface Person {
  readonly ref: string;
  readonly area: Area;
  readonly home: Locality;
  readonly sex: Sex;
  readonly ethnicity: Ethnicity;
  readonly disabled: boolean | null;
  readonly dob: number;
  readonly firstName: string;
  readonly nationality: string;
  /** Looked after on days in [lacFrom, lacTo); lacFrom = Infinity when never. */
  lacFrom: number;
  lacTo: number;
  placement: Placement;
  placedOut: boolean;
  /** The placement's locality when placed out of area inside the partnership. */
  placedAt: Locality | null;
}

export const isLookedAfter = (p: Person, day: number): boolean => day >= p.lacFrom && day < p.lacTo;

const REF_PREFIX: Readonly<Record<Area, string>> = {
  Southampton: 'SC',
  Portsmouth: 'PC',
  Hampshire: 'HC',
  'Isle of Wight': 'IW',
};

// Coprime with 10^7, so i -> (i * STRIDE + offset) mod 10^7 never repeats: refs
// look scattered like case-system IDs yet are unique without a lookup table.
const STRIDE = 3_776_729;
const SPACE = 10_000_000;

/**
 * Makes references like `SC4417301`: a prefix with letters that are not hex
 * digits (so a reference can never be mistaken for a pseudonym) and 7 digits.
 */
export class RefMaker {
  private readonly used = new Map<string, number>();

  constructor(private readonly offset: number) {}

  child(area: Area): string {
    return this.next(REF_PREFIX[area]);
  }

  offender(): string {
    return this.next('OF');
  }

  private next(prefix: string): string {
    const i = this.used.get(prefix) ?? 0;
    if (i >= SPACE) throw new Error(`ran out of ${prefix} references`);
    this.used.set(prefix, i + 1);
    const n = (i * STRIDE + this.start(prefix)) % SPACE;
    return prefix + String(n).padStart(7, '0');
  }

  /** Each prefix starts elsewhere in the cycle, so SC… and HC… never share digits in step. */
  private start(prefix: string): number {
    let start = this.offset;
    for (const ch of prefix) start = (start * 31 + ch.charCodeAt(0) * 7_654_321) % SPACE;
    return start;
  }
}

/** ONS five groups among children known to services, by area (approximate local mix). */
const ETHNICITY: Readonly<Record<Area, Weighted<Ethnicity>>> = {
  Southampton: Weighted.of([
    ['White', 74],
    ['Mixed', 7],
    ['Asian', 10],
    ['Black', 4],
    ['Other', 2.5],
    ['Not known', 2.5],
  ]),
  Portsmouth: Weighted.of([
    ['White', 79],
    ['Mixed', 6.5],
    ['Asian', 7],
    ['Black', 3.5],
    ['Other', 2],
    ['Not known', 2],
  ]),
  Hampshire: Weighted.of([
    ['White', 88],
    ['Mixed', 4],
    ['Asian', 4],
    ['Black', 1.5],
    ['Other', 1],
    ['Not known', 1.5],
  ]),
  'Isle of Wight': Weighted.of([
    ['White', 94],
    ['Mixed', 2.5],
    ['Asian', 1],
    ['Black', 0.5],
    ['Other', 0.5],
    ['Not known', 1.5],
  ]),
};

export function drawEthnicity(r: Rng, area: Area): Ethnicity {
  return ETHNICITY[area].draw(r);
}

/** DfE ethnicity codes of the SSDA903 return, by ONS group. */
const DFE_ETHNIC: Readonly<Record<Ethnicity, Weighted<string>>> = {
  White: Weighted.of([
    ['WBRI', 86],
    ['WOTH', 9],
    ['WIRI', 2],
    ['WROM', 2],
    ['WIRT', 1],
  ]),
  Mixed: Weighted.of([
    ['MWBC', 40],
    ['MWBA', 20],
    ['MWAS', 20],
    ['MOTH', 20],
  ]),
  Asian: Weighted.of([
    ['APKN', 20],
    ['ABAN', 25],
    ['AIND', 30],
    ['AOTH', 15],
    ['CHNE', 10],
  ]),
  Black: Weighted.of([
    ['BAFR', 70],
    ['BCRB', 20],
    ['BOTH', 10],
  ]),
  Other: Weighted.of([['OOTH', 1]]),
  'Not known': Weighted.of([
    ['REFU', 1],
    ['NOBT', 1],
  ]),
};

export function dfeEthnic(r: Rng, e: Ethnicity): string {
  return DFE_ETHNIC[e].draw(r);
}

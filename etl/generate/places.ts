/**
 * Where things happen: which localities children come from, where they are found
 * and where intelligence points. This is generator knowledge layered on the
 * reference list (localities.ts stays data the loader and map can share).
 *
 * Hotspots are fixed per area, so they persist across years as real ones do:
 * the town and city centres with their transport hubs and night-time economy.
 */
import { AREAS, type Area, LOCALITIES, type Locality } from './localities.js';
import { type Rng, Weighted } from './rng.js';

/** Relative pull of each area's persistent hotspots (2–3 per area). */
const HOTSPOTS: Readonly<Record<Area, readonly (readonly [string, number])[]>> = {
  Southampton: [
    ['Bargate', 1],
    ['Bevois', 0.55],
    ['Shirley', 0.3],
  ],
  Portsmouth: [
    ['Charles Dickens', 1],
    ['Central Southsea', 0.65],
    ['Fratton', 0.3],
  ],
  Hampshire: [
    ['Basingstoke and Deane', 1],
    ['Rushmoor', 0.6],
    ['Havant', 0.4],
  ],
  'Isle of Wight': [
    ['Newport', 1],
    ['Ryde', 0.7],
  ],
};

/**
 * How much more often children from a locality go missing or are exploited than
 * its population alone suggests (deprivation, care placements). 1 when unlisted.
 */
const NEED: Readonly<Record<string, number>> = {
  Bargate: 1.4,
  Bassett: 0.6,
  Bevois: 1.5,
  Coxford: 1.3,
  Harefield: 1.2,
  Millbrook: 1.4,
  Redbridge: 1.5,
  Sholing: 1.1,
  Woolston: 1.3,
  'Bitterne Park': 0.8,
  Portswood: 0.8,
  'Charles Dickens': 1.6,
  Paulsgrove: 1.5,
  Fratton: 1.3,
  Nelson: 1.2,
  'Drayton and Farlington': 0.6,
  'Eastney and Craneswater': 0.7,
  Gosport: 1.4,
  Havant: 1.5,
  Rushmoor: 1.3,
  'Basingstoke and Deane': 1.1,
  Fareham: 0.8,
  'Test Valley': 0.8,
  Winchester: 0.7,
  Hart: 0.5,
  'East Hampshire': 0.7,
  Ryde: 1.3,
  Newport: 1.3,
  Sandown: 1.3,
  Shanklin: 1.2,
  Lake: 1.1,
  Bembridge: 0.7,
  Godshill: 0.7,
};

/** Missing and exploitation per child, relative: the cities and the island run higher. */
const AREA_RATE: Readonly<Record<Area, number>> = {
  Southampton: 1.6,
  Portsmouth: 1.5,
  Hampshire: 0.8,
  'Isle of Wight': 1.1,
};

/** Localities of other areas that children of an area are found in (travel, ferries). */
const NEIGHBOURS: Readonly<Record<Area, readonly (readonly [string, number])[]>> = {
  Southampton: [
    ['Eastleigh', 1],
    ['Test Valley', 0.6],
    ['New Forest', 0.6],
    ['Charles Dickens', 0.4],
    ['Winchester', 0.3],
  ],
  Portsmouth: [
    ['Havant', 1],
    ['Fareham', 0.8],
    ['Gosport', 0.6],
    ['Bargate', 0.4],
    ['Ryde', 0.3],
  ],
  Hampshire: [
    ['Bargate', 1],
    ['Charles Dickens', 0.8],
    ['Central Southsea', 0.3],
    ['Bevois', 0.3],
  ],
  'Isle of Wight': [
    ['Charles Dickens', 1],
    ['Bargate', 0.8],
    ['Gosport', 0.3],
  ],
};

const byName = new Map(LOCALITIES.map((l) => [l.locality, l] as const));

function locality(name: string): Locality {
  const l = byName.get(name);
  if (!l) throw new Error(`unknown locality in generator tables: ${name}`);
  return l;
}

const weighted = (pairs: readonly (readonly [string, number])[]): Weighted<Locality> => Weighted.of(pairs.map(([n, w]) => [locality(n), w] as const));

const perArea = <T>(f: (a: Area) => T): Readonly<Record<Area, T>> => Object.fromEntries(AREAS.map((a) => [a, f(a)])) as Record<Area, T>;

const inArea = (a: Area): Locality[] => LOCALITIES.filter((l) => l.area === a);

/** Prepared draws over places; built once per run. */
export class Places {
  /** Area of a child known to MET services. */
  readonly childArea = Weighted.of(AREAS.map((a) => [a, inArea(a).reduce((s, l) => s + l.weight0to17, 0) * AREA_RATE[a]] as const));
  /** Area of a young adult (NRM referrals of 18–24s). */
  readonly adultArea = Weighted.of(AREAS.map((a) => [a, inArea(a).reduce((s, l) => s + l.weight18to24, 0) * AREA_RATE[a]] as const));
  private readonly home = perArea((a) => Weighted.of(inArea(a).map((l) => [l, l.weight0to17 * (NEED[l.locality] ?? 1)] as const)));
  private readonly resident = perArea((a) => Weighted.of(inArea(a).map((l) => [l, l.weight0to17 + l.weight18to24] as const)));
  private readonly hot = perArea((a) => weighted(HOTSPOTS[a]));
  private readonly near = perArea((a) => weighted(NEIGHBOURS[a]));

  /** Where a child at risk lives. */
  homeOf(r: Rng, area: Area): Locality {
    return this.home[area].draw(r);
  }

  /** Anywhere people live in the area, by population. */
  anywhere(r: Rng, area: Area): Locality {
    return this.resident[area].draw(r);
  }

  hotspot(r: Rng, area: Area): Locality {
    return this.hot[area].draw(r);
  }

  /** Where a missing child is found: mostly near home, often a town-centre hotspot. */
  foundNear(r: Rng, base: Locality): Locality {
    const x = r.next();
    if (x < 0.5) return base;
    if (x < 0.74) return this.hot[base.area].draw(r);
    if (x < 0.9) return this.resident[base.area].draw(r);
    return this.near[base.area].draw(r);
  }

  /** Where a concern (CPI) or disruption is: hotspots draw a large share. */
  concernIn(r: Rng, area: Area): Locality {
    return r.chance(0.45) ? this.hot[area].draw(r) : this.home[area].draw(r);
  }

  /** Another area's locality for a child placed out of area, by population. */
  elsewhere(r: Rng, area: Area): Locality {
    const others = AREAS.filter((a) => a !== area);
    return this.resident[r.pick(others)].draw(r);
  }
}

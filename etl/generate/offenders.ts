/**
 * Suspected perpetrators: a pool of offender_refs reused across CPI submissions
 * and disruptions. A few prolific offenders account for many rows, as in real
 * intelligence, so "offenders disrupted" is well below "disruptions".
 */
import type { Area, Locality } from './localities.js';
import type { RefMaker } from './people.js';
import type { Places } from './places.js';
import { type Rng, Weighted } from './rng.js';

export type OffenderTheme = 'CSE' | 'CCE' | 'trafficking';

export interface Offender {
  readonly ref: string;
  readonly area: Area;
  readonly locality: Locality;
  readonly theme: OffenderTheme;
}

const THEMES = Weighted.of<OffenderTheme>([
  ['CSE', 40],
  ['CCE', 50],
  ['trafficking', 10],
]);

export class Offenders {
  private readonly all: Offender[] = [];
  private readonly byArea = new Map<Area, Offender[]>();

  constructor(r: Rng, places: Places, refs: RefMaker, count: number) {
    for (let i = 0; i < count; i++) {
      const area = places.childArea.draw(r);
      const o: Offender = { ref: refs.offender(), area, locality: places.concernIn(r, area), theme: THEMES.draw(r) };
      this.all.push(o);
      const list = this.byArea.get(area) ?? [];
      list.push(o);
      this.byArea.set(area, list);
    }
  }

  /** Skewed towards the front of the list: the prolific few. */
  pick(r: Rng, area?: Area): Offender {
    const list = (area && this.byArea.get(area)) || this.all;
    return list[Math.floor(list.length * r.next() ** 2.2)] as Offender;
  }
}

/**
 * services.csv: the commissioner's contract returns, one row per quarter, area and
 * commissioned service: referrals received and accepted, work started within the
 * contract's target, the places paid for and the referrals waiting at the quarter's end.
 *
 * Demand follows each area's size; capacity is set a little above the demand the
 * contract was let for and rises once a year. One shortfall is planted on purpose:
 * Portsmouth's criminal exploitation (CCE) support, whose referrals climb well above
 * its fixed capacity over the last six quarters, so its waiting list grows quarter on
 * quarter and fewer start within the target.
 */
import { dayOf, MINUTES_PER_DAY } from './calendar.js';
import type { SERVICES } from './layouts.js';
import type { Rng } from './rng.js';
import type { Sink } from './sink.js';
import { WINDOW_END, WINDOW_START } from './world.js';

type Area = 'Southampton' | 'Portsmouth' | 'Hampshire' | 'Isle of Wight';
type Service = 'return_interviews' | 'cse_support' | 'cce_support' | 'missing_from_care' | 'nrm_advocacy' | 'other';

/** Each area's share of demand (about its share of the 0–17 population). */
const AREA_SHARE: Readonly<Record<Area, number>> = { Southampton: 0.18, Portsmouth: 0.16, Hampshire: 0.58, 'Isle of Wight': 0.08 };

interface ServiceSpec {
  /** Referrals received a quarter, all four areas, at scale 1. */
  readonly demand: number;
  /** Accepted of received. */
  readonly accept: number;
  /** Started within target, of accepted, when the service is not over capacity. */
  readonly onTime: number;
  readonly targetDays: number;
  /** Capacity over the demand the contract was let for. */
  readonly headroom: number;
  readonly provider: Readonly<Record<Area, string>>;
}

const SPEC: Readonly<Record<Service, ServiceSpec>> = {
  return_interviews: {
    demand: 540,
    accept: 0.97,
    onTime: 0.8,
    targetDays: 3,
    headroom: 1.1,
    provider: {
      Southampton: 'Southampton City Council Youth Support',
      Portsmouth: 'Portsmouth Missing Service',
      Hampshire: 'Hampshire Children’s Services',
      'Isle of Wight': 'Isle of Wight Youth Trust',
    },
  },
  cse_support: {
    demand: 70,
    accept: 0.86,
    onTime: 0.82,
    targetDays: 10,
    headroom: 1.15,
    provider: {
      Southampton: 'Barnardo’s Southampton',
      Portsmouth: 'Barnardo’s Portsmouth',
      Hampshire: 'Barnardo’s Hampshire',
      'Isle of Wight': 'Barnardo’s Isle of Wight',
    },
  },
  cce_support: {
    demand: 140,
    accept: 0.88,
    onTime: 0.78,
    targetDays: 10,
    headroom: 1.12,
    provider: {
      Southampton: 'Catch22 Southampton',
      Portsmouth: 'Catch22 Portsmouth',
      Hampshire: 'The Children’s Society Hampshire',
      'Isle of Wight': 'Catch22 Isle of Wight',
    },
  },
  missing_from_care: {
    demand: 120,
    accept: 0.95,
    onTime: 0.85,
    targetDays: 5,
    headroom: 1.1,
    provider: {
      Southampton: 'Southampton Children’s Services',
      Portsmouth: 'Portsmouth Children’s Services',
      Hampshire: 'Hampshire Children’s Services',
      'Isle of Wight': 'Isle of Wight Children’s Services',
    },
  },
  nrm_advocacy: {
    demand: 20,
    accept: 0.9,
    onTime: 0.75,
    targetDays: 20,
    headroom: 1.25,
    provider: {
      Southampton: 'Independent Child Trafficking Guardians',
      Portsmouth: 'Independent Child Trafficking Guardians',
      Hampshire: 'Independent Child Trafficking Guardians',
      'Isle of Wight': 'Independent Child Trafficking Guardians',
    },
  },
  other: {
    demand: 30,
    accept: 0.8,
    onTime: 0.8,
    targetDays: 15,
    headroom: 1.2,
    provider: {
      Southampton: 'Young Carers and Families Project',
      Portsmouth: 'Motiv8',
      Hampshire: 'Hampshire Youth Offending Team',
      'Isle of Wight': 'Isle of Wight Youth Offending Team',
    },
  },
};

/** The planted shortfall: this area's service, and over how many of the last quarters demand climbs. */
export const SHORTFALL = { area: 'Portsmouth', service: 'cce_support', quarters: 6 } as const;

/** The calendar quarters of the generated window, oldest first: [year, quarter]. */
export function windowQuarters(): [number, number][] {
  const out: [number, number][] = [];
  const start = new Date(WINDOW_START * MINUTES_PER_DAY * 60_000);
  const end = new Date(WINDOW_END * MINUTES_PER_DAY * 60_000);
  let y = start.getUTCFullYear();
  let q = Math.floor(start.getUTCMonth() / 3) + 1;
  const lastY = end.getUTCFullYear();
  const lastQ = Math.floor(end.getUTCMonth() / 3) + 1;
  while (y < lastY || (y === lastY && q <= lastQ)) {
    out.push([y, q]);
    q++;
    if (q > 4) {
      q = 1;
      y++;
    }
  }
  return out;
}

const noisy = (r: Rng, mean: number, spread = 0.12): number => Math.max(0, Math.round(mean * (1 + spread * r.normal())));

export function writeServices(sink: Sink<(typeof SERVICES.columns)[number]>, r: Rng, scale: number): void {
  const quarters = windowQuarters();
  const c = sink.col;
  for (const area of Object.keys(AREA_SHARE) as Area[]) {
    for (const service of Object.keys(SPEC) as Service[]) {
      const spec = SPEC[service];
      // The demand the contract was let for, and its capacity (rising a little each April).
      const base = spec.demand * AREA_SHARE[area] * scale;
      const shortfall = area === SHORTFALL.area && service === SHORTFALL.service;
      let waiting = Math.round(base * 0.05);
      quarters.forEach(([y, q], i) => {
        const fromEnd = quarters.length - i;
        // The shortfall: demand climbs by 16% of the base a quarter over the last quarters.
        const climb = shortfall && fromEnd <= SHORTFALL.quarters ? 1 + 0.16 * (SHORTFALL.quarters - fromEnd + 1) : 1;
        const contractYear = q === 1 ? y - 1 : y;
        const capacity = Math.max(0, Math.round(base * spec.headroom * (1 + 0.02 * (contractYear - 2022))));
        const received = noisy(r, base * climb);
        const accepted = Math.min(received, noisy(r, received * spec.accept, 0.03));
        // Work starts for as many as the places allow; the rest wait.
        const startable = waiting + accepted;
        const started = Math.min(startable, capacity);
        waiting = startable - started;
        // Within target: fewer the more that wait.
        const pressure = startable > 0 ? waiting / startable : 0;
        // At the quarter's end some accepted late in it have not started yet, backlog or not.
        const waitingAtEnd = waiting + Math.min(started, noisy(r, accepted * 0.06, 0.3));
        const onTime = Math.min(accepted, noisy(r, accepted * spec.onTime * (1 - pressure), 0.05));
        const f = sink.blank();
        f[c.quarter] = `${y}-Q${q}`;
        f[c.area] = area;
        f[c.service] = sink.dress.codeCase > 0 && r.chance(sink.dress.codeCase) ? service.replace(/_/g, ' ') : service;
        f[c.provider] = spec.provider[area];
        f[c.referrals_received] = String(received);
        f[c.referrals_accepted] = String(accepted);
        f[c.started_within_target] = String(onTime);
        f[c.target_days] = String(spec.targetDays);
        f[c.capacity] = String(capacity);
        f[c.waiting_at_end] = String(waitingAtEnd);
        sink.write(f, dayOf(y, (q - 1) * 3 + 1, 1) * MINUTES_PER_DAY);
      });
    }
  }
}

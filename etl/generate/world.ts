/**
 * What every generator of one run shares: the reporting window, the output
 * files, the random streams and the reference tables.
 */
import { dayOf, MINUTES_PER_DAY } from './calendar.js';
import type {
  DISRUPTIONS,
  INTELLIGENCE,
  MISSING_EPISODES,
  NRM_REFERRALS,
  REFERRALS,
  RETURN_INTERVIEWS,
  RISK_ASSESSMENTS,
  SSDA903_HEADER,
  SSDA903_MISSING,
} from './layouts.js';
import type { Offenders } from './offenders.js';
import type { RefMaker } from './people.js';
import type { Places } from './places.js';
import type { Rng } from './rng.js';
import type { Sink } from './sink.js';

/** First and last day on which events happen, and the day the extract was taken. */
export { WINDOW_END, WINDOW_START } from './calendar.js';
import { WINDOW_END, WINDOW_START } from './calendar.js';
export const EXTRACT_DAY = dayOf(2026, 10, 31);
export const EXTRACT_MINUTE = EXTRACT_DAY * MINUTES_PER_DAY;

export const inWindow = (day: number): boolean => day >= WINDOW_START && day <= WINDOW_END;

type Cols<L extends { columns: readonly string[] }> = L['columns'][number];

export interface Sinks {
  readonly episodes: Sink<Cols<typeof MISSING_EPISODES>>;
  readonly interviews: Sink<Cols<typeof RETURN_INTERVIEWS>>;
  readonly risk: Sink<Cols<typeof RISK_ASSESSMENTS>>;
  readonly referrals: Sink<Cols<typeof REFERRALS>>;
  readonly nrm: Sink<Cols<typeof NRM_REFERRALS>>;
  readonly cpi: Sink<Cols<typeof INTELLIGENCE>>;
  readonly disruptions: Sink<Cols<typeof DISRUPTIONS>>;
  readonly ssda903: Sink<Cols<typeof SSDA903_MISSING>>;
  readonly ssda903Header: Sink<Cols<typeof SSDA903_HEADER>>;
}

export interface World {
  /** Who people are and what happens to them. */
  readonly r: Rng;
  readonly places: Places;
  readonly refs: RefMaker;
  readonly offenders: Offenders;
  readonly sinks: Sinks;
  /** Episodes written to both the 903 return and missing_episodes.csv. */
  ssda903Shared: number;
}

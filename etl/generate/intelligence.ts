/**
 * Community Partnership Information (CPI) submissions and disruption activity.
 * Both concentrate in each area's persistent hotspots and name offenders from a
 * shared pool, so places and perpetrators recur across rows and years.
 */
import { MINUTES_PER_DAY } from './calendar.js';
import { dressCode, dressDate, dressPlace } from './dress.js';
import type { Area, Locality } from './localities.js';
import type { OffenderTheme } from './offenders.js';
import { Weighted } from './rng.js';
import { inWindow, WINDOW_END, WINDOW_START, type World } from './world.js';

/** Who fills in the CPI form: free text, as partners write it. */
const AGENCY = Weighted.of([
  ['Police', 30],
  ['Hampshire & IoW Constabulary', 10],
  ['School', 14],
  ['Social care', 12],
  ['Youth Service', 6],
  ["Barnardo's", 5],
  ['Health – school nurse', 4],
  ['Housing', 4],
  ['Taxi licensing', 3],
  ['Hotel staff', 3],
  ['British Transport Police', 4],
  ['Community member', 5],
] as const);

const LOCATION_TYPE = Weighted.of([
  ['park', 14],
  ['takeaway', 12],
  ['hotel', 7],
  ['taxi', 5],
  ['school', 6],
  ['transport_hub', 12],
  ['private_address', 20],
  ['shop', 8],
  ['online', 10],
  ['other', 4],
  ['', 2],
] as const);

export type CpiTheme = 'CSE' | 'CCE' | 'trafficking' | 'county_lines' | 'other';

const ANY_THEME = Weighted.of<CpiTheme>([
  ['CSE', 35],
  ['CCE', 30],
  ['county_lines', 20],
  ['trafficking', 7],
  ['other', 8],
]);

export interface CpiLink {
  readonly childRef?: string;
  readonly area: Area;
  readonly locality: Locality;
  readonly theme?: CpiTheme;
}

export function writeCpi(w: World, day: number, link: CpiLink): void {
  if (!inWindow(day)) return;
  const r = w.r;
  const s = w.sinks.cpi;
  const c = s.col;
  const fr = s.r;
  const d = s.dress;
  const f = s.blank();
  f[c.cpi_id] = s.nextId();
  f[c.submitted_at] = dressDate(fr, d, day);
  f[c.agency] = AGENCY.draw(r);
  f[c.area] = dressPlace(fr, d, link.area);
  f[c.locality] = dressPlace(fr, d, link.locality.locality);
  f[c.location_type] = dressCode(fr, d, LOCATION_TYPE.draw(r));
  f[c.theme] = dressCode(fr, d, link.theme ?? ANY_THEME.draw(r));
  f[c.child_ref] = link.childRef ?? '';
  f[c.offender_ref] = r.chance(0.38) ? w.offenders.pick(r, link.area).ref : '';
  s.write(f, day * MINUTES_PER_DAY);
}

/** A CPI submission about a place rather than a child. */
export function writeUnlinkedCpi(w: World): void {
  const r = w.r;
  const area = w.places.childArea.draw(r);
  writeCpi(w, r.int(WINDOW_START, WINDOW_END), { area, locality: w.places.concernIn(r, area) });
}

const ACTION_TYPE: Readonly<Record<OffenderTheme, Weighted<string>>> = {
  CSE: Weighted.of([
    ['cawn', 25],
    ['arrest', 30],
    ['charge', 12],
    ['conviction', 7],
    ['sro', 7],
    ['shpo', 7],
    ['licensing', 5],
    ['other', 7],
  ]),
  CCE: Weighted.of([
    ['arrest', 42],
    ['charge', 18],
    ['conviction', 10],
    ['cawn', 8],
    ['licensing', 2],
    ['other', 20],
  ]),
  trafficking: Weighted.of([
    ['arrest', 35],
    ['charge', 15],
    ['conviction', 8],
    ['licensing', 12],
    ['other', 30],
  ]),
};

export function writeDisruption(w: World): void {
  const r = w.r;
  const s = w.sinks.disruptions;
  const c = s.col;
  const fr = s.r;
  const d = s.dress;
  const o = w.offenders.pick(r);
  const day = r.int(WINDOW_START, WINDOW_END);
  const locality = r.chance(0.05) ? null : r.chance(0.6) ? o.locality : w.places.concernIn(r, o.area);
  const f = s.blank();
  f[c.disruption_id] = s.nextId();
  f[c.offender_ref] = o.ref;
  f[c.area] = dressPlace(fr, d, o.area);
  f[c.locality] = locality ? dressPlace(fr, d, locality.locality) : '';
  f[c.action_date] = dressDate(fr, d, day);
  f[c.action_type] = dressCode(fr, d, ACTION_TYPE[o.theme].draw(r));
  f[c.theme] = dressCode(fr, d, o.theme);
  s.write(f, day * MINUTES_PER_DAY);
}

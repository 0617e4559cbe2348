/**
 * Missing episodes, their return home interviews, and the Isle of Wight's
 * SSDA903 return. A child's episodes are planned together so that they cluster in
 * time: most children go missing once or a few times, a few go missing very often
 * (mostly children in residential care), which is what makes "3 in 90 days"
 * repeat missing happen for a minority.
 */
import { ageAt, dayOf, formatDate, MINUTES_PER_DAY } from './calendar.js';
import { dressCode, dressDate, dressDateTime, dressFlag, dressPlace } from './dress.js';
import type { Area } from './localities.js';
import { firstName, interviewNote } from './names.js';
import { dfeEthnic, isLookedAfter, type Person } from './people.js';
import { type Rng, Weighted } from './rng.js';
import { EXTRACT_MINUTE, inWindow, WINDOW_END, type World } from './world.js';

/** How often a child goes missing over their "missing career". */
export interface MissClass {
  readonly name: string;
  readonly weight: number;
  readonly episodes: readonly [number, number];
  /** Days over which the episodes spread (their mean gap follows from it). */
  readonly span: readonly [number, number];
  /** Chance the child is looked after at some point of it. */
  readonly lookedAfter: number;
  /** Chance the child is also assessed as at risk of exploitation. */
  readonly atRisk: number;
}

export const MISS_CLASSES: readonly MissClass[] = [
  { name: 'once', weight: 32, episodes: [1, 1], span: [0, 0], lookedAfter: 0.12, atRisk: 0.12 },
  { name: 'few', weight: 32, episodes: [2, 3], span: [30, 600], lookedAfter: 0.35, atRisk: 0.25 },
  { name: 'repeat', weight: 24, episodes: [4, 9], span: [120, 900], lookedAfter: 0.68, atRisk: 0.45 },
  { name: 'frequent', weight: 10, episodes: [10, 28], span: [120, 720], lookedAfter: 0.86, atRisk: 0.65 },
  { name: 'very frequent', weight: 2, episodes: [30, 70], span: [200, 900], lookedAfter: 0.95, atRisk: 0.8 },
];

export const MISS_CLASS = new Weighted(
  MISS_CLASSES,
  MISS_CLASSES.map((c) => c.weight),
);

type Classification = 'missing' | 'absent' | 'away';

interface Episode {
  readonly start: number;
  readonly end: number | null;
  readonly classification: Classification;
  readonly lookedAfter: boolean;
}

// Reports peak in the evening, when children fail to come home.
const HOUR = new Weighted(
  Array.from({ length: 24 }, (_, h) => h),
  [3, 2, 1.5, 1, 1, 1, 1, 1.5, 2, 2.5, 3, 3, 3, 3, 3.5, 4.5, 5.5, 6, 6.5, 7, 7.5, 8, 7, 5],
);

/** Median hours missing and spread (log scale) by classification. */
const DURATION: Readonly<Record<Classification, readonly [number, number]>> = {
  missing: [9, 1.0],
  absent: [3, 0.7],
  away: [14, 0.9],
};

function duration(r: Rng, c: Classification): number {
  const [median, sigma] = DURATION[c];
  const longOne = r.chance(0.02) ? 24 * r.int(2, 10) : 0;
  const hours = Math.min(21 * 24, median * Math.exp(sigma * r.normal()) + longOne);
  return Math.max(20, Math.round(hours * 60));
}

function classify(r: Rng, lookedAfter: boolean): Classification {
  const x = r.next();
  if (lookedAfter) return x < 0.7 ? 'missing' : x < 0.96 ? 'away' : 'absent';
  return x < 0.82 ? 'missing' : 'absent';
}

/** The child's episodes from `startDay` on, in time order, not overlapping. */
function planEpisodes(r: Rng, p: Person, cls: MissClass, startDay: number): Episode[] {
  const n = r.int(cls.episodes[0], cls.episodes[1]);
  const span = r.int(cls.span[0], cls.span[1]);
  const meanLongGap = n > 1 ? (span / n) * 1.8 : 0;
  const episodes: Episode[] = [];
  let t = startDay * MINUTES_PER_DAY + HOUR.draw(r) * 60 + r.int(0, 59);
  for (let k = 0; k < n; k++) {
    const day = Math.floor(t / MINUTES_PER_DAY);
    // Nobody is 25 in the MET data; the loader would rightly refuse it.
    if (day > WINDOW_END || ageAt(p.dob, day) > 24) break;
    const lookedAfter = isLookedAfter(p, day) && ageAt(p.dob, day) < 18;
    const classification = classify(r, lookedAfter);
    let end: number | null = t + duration(r, classification);
    const last = k === n - 1;
    if (end >= EXTRACT_MINUTE || (last && r.chance(0.012))) end = null;
    episodes.push({ start: t, end, classification, lookedAfter });
    if (end === null) break;
    // Clustered: short gaps within a bad spell, long gaps between spells. Never
    // two starts on one day: the 903 return and the dedupe rule key on the date.
    const gapDays = r.chance(0.3) ? 0.5 + r.exp(10) : r.exp(meanLongGap);
    const nextDay = Math.max(day + 1, Math.floor(t / MINUTES_PER_DAY + gapDays));
    t = Math.max(nextDay * MINUTES_PER_DAY + HOUR.draw(r) * 60 + r.int(0, 59), end + r.int(60, 720));
  }
  return episodes;
}

const PROVIDERS: Readonly<Record<Area, readonly string[]>> = {
  Southampton: ["Barnardo's", 'Southampton City Council, Missing Team'],
  Portsmouth: ['Portsmouth City Council, MET Team', "Barnardo's"],
  Hampshire: ['Hampshire County Council, Willow Team', "The Children's Society"],
  'Isle of Wight': ["Isle of Wight Council, Children's Services", "Barnardo's"],
};

const RISK = Weighted.of([
  ['no_apparent', 8],
  ['low', 40],
  ['medium', 42],
  ['high', 10],
] as const);

/** Share of the island's 903 episodes also reported to the police as a row (sent both ways). */
const ALSO_REPORTED_TO_POLICE = 0.05;
/** SEX in the 903 header changed from 1/2 to M/F with the 2025 return. */
const SEX_CODES_CHANGED = dayOf(2025, 4, 1);

/**
 * Writes the child's episodes (and interviews) inside the window; returns the days
 * on which they started, which other records of the child are anchored to.
 */
export function writeMissingCareer(w: World, p: Person, cls: MissClass, startDay: number): number[] {
  const days: number[] = [];
  let headerWritten = false;
  for (const ep of planEpisodes(w.r, p, cls, startDay)) {
    const day = Math.floor(ep.start / MINUTES_PER_DAY);
    if (!inWindow(day)) continue;
    days.push(day);
    const socialCare = w.r.chance(ep.lookedAfter ? 0.55 : 0.15);
    // The island's children's services send the DfE return instead of rows.
    if (p.area === 'Isle of Wight' && ep.lookedAfter && socialCare) {
      if (!headerWritten) write903Header(w, p, day);
      headerWritten = true;
      write903(w, p, ep);
      if (w.r.chance(ALSO_REPORTED_TO_POLICE)) {
        // Also reported to the police: one episode sent both ways.
        writeEpisode(w, p, ep, 'police');
        w.ssda903Shared++;
      }
      continue;
    }
    writeEpisode(w, p, ep, socialCare ? 'social_care' : 'police');
  }
  return days;
}

/** The dob as most records have it; now and then a slip of a day or a month. */
function recordedDob(r: Rng, p: Person): number {
  if (!r.chance(0.004)) return p.dob;
  return p.dob + (r.chance(0.5) ? 1 : 30);
}

function writeEpisode(w: World, p: Person, ep: Episode, source: 'police' | 'social_care'): void {
  const s = w.sinks.episodes;
  const c = s.col;
  const f = s.blank();
  const fr = s.r;
  const d = s.dress;
  const id = s.nextId();
  f[c.episode_id] = id;
  f[c.source] = dressCode(fr, d, source);
  f[c.child_ref] = p.ref;
  f[c.dob] = dressDate(fr, d, recordedDob(w.r, p));
  f[c.sex] = p.sex === 'U' && fr.chance(0.5) ? '' : dressCode(fr, d, p.sex);
  f[c.ethnicity] = dressCode(fr, d, p.ethnicity);
  f[c.disability] = dressFlag(fr, d, p.disabled);
  f[c.looked_after] = dressFlag(fr, d, fr.chance(0.01) ? null : ep.lookedAfter);
  if (ep.lookedAfter) {
    f[c.placement_type] = dressCode(fr, d, p.placement);
    f[c.placed_out_of_area] = dressFlag(fr, d, p.placedOut);
  } else {
    f[c.placement_type] = fr.chance(0.7) ? dressCode(fr, d, 'home') : '';
    f[c.placed_out_of_area] = fr.chance(0.5) ? dressFlag(fr, d, false) : '';
  }
  f[c.area] = dressPlace(fr, d, p.area);
  f[c.locality] = w.r.chance(0.03) ? '' : dressPlace(fr, d, p.home.locality);
  f[c.classification] = dressCode(fr, d, ep.classification);
  f[c.reported_at] = dressDateTime(fr, d, ep.start);
  f[c.returned_at] = ep.end === null ? '' : dressDateTime(fr, d, ep.end);
  const base = ep.lookedAfter && p.placedAt ? p.placedAt : p.home;
  f[c.found_locality] = ep.end === null || w.r.chance(0.08) ? '' : dressPlace(fr, d, w.places.foundNear(w.r, base).locality);
  const grading =
    source === 'social_care' && w.r.chance(0.6) ? '' : ep.classification === 'absent' ? (w.r.chance(0.6) ? 'no_apparent' : 'low') : RISK.draw(w.r);
  f[c.risk_grading] = dressCode(fr, d, grading);
  s.write(f, ep.start);
  if (ep.end !== null && ageAt(p.dob, Math.floor(ep.start / MINUTES_PER_DAY)) < 18) writeInterview(w, p, id, ep.end);
}

const OUTCOME = Weighted.of([
  ['completed', 78],
  ['declined', 9],
  ['unable_to_contact', 7],
  ['not_offered', 6],
] as const);

const HOURS_72 = 72 * 60;

/** Minutes after the return: mostly within the 72-hour window, some well after. */
function afterReturn(r: Rng, within: boolean, from = 60): number {
  return within ? r.int(from, HOURS_72 - 1) : HOURS_72 + r.int(60, 11 * 24 * 60);
}

/** The return home interview of a child under 18 (statutory: offered within 72 hours). */
function writeInterview(w: World, p: Person, episodeId: string, returned: number): void {
  const r = w.r;
  // Some returns have no interview record at all: the measure counts them anyway.
  if (r.chance(0.04)) return;
  const s = w.sinks.interviews;
  const c = s.col;
  const f = s.blank();
  const fr = s.r;
  const d = s.dress;
  const outcome = OUTCOME.draw(r);
  let offered: number | null =
    outcome === 'not_offered' || (outcome === 'unable_to_contact' && r.chance(0.4)) ? null : returned + afterReturn(r, r.chance(0.86), 30);
  let completed: number | null = null;
  if (outcome === 'completed') {
    const inTime = r.chance(0.9);
    completed = returned + afterReturn(r, inTime, 120);
    if (offered === null || offered > completed) offered = completed - r.int(30, 24 * 60);
    if (offered < returned) offered = returned + r.int(10, 60);
    if (completed <= offered) completed = offered + r.int(30, 240);
  }
  f[c.rhi_id] = s.nextId();
  f[c.episode_id] = episodeId;
  f[c.child_ref] = p.ref;
  f[c.offered_at] = offered === null ? '' : dressDateTime(fr, d, offered);
  f[c.completed_at] = completed === null ? '' : dressDateTime(fr, d, completed);
  f[c.outcome] = dressCode(fr, d, outcome);
  const provider = r.pick(PROVIDERS[p.area]);
  f[c.provider] = r.chance(0.01) ? provider.replace(', ', ',\n') : provider;
  const disclosed = outcome === 'completed' ? (r.chance(0.16) ? null : r.chance(0.1)) : r.chance(0.7) ? null : false;
  f[c.exploitation_disclosed] = dressFlag(fr, d, disclosed);
  f[c.notes] = outcome !== 'not_offered' && r.chance(0.45) ? interviewNote(r, firstName(r, p.sex), p.home.locality) : '';
  s.write(f, offered ?? returned);
}

function write903(w: World, p: Person, ep: Episode): void {
  const s = w.sinks.ssda903;
  const c = s.col;
  const f = s.blank();
  const startDay = Math.floor(ep.start / MINUTES_PER_DAY);
  f[c.CHILD] = p.ref;
  f[c.DOB] = formatDate(p.dob, 'uk');
  f[c.MISSING] = ep.classification === 'away' ? 'A' : 'M';
  f[c.MIS_START] = formatDate(startDay, 'uk');
  f[c.MIS_END] = ep.end === null ? '' : formatDate(Math.floor(ep.end / MINUTES_PER_DAY), 'uk');
  s.write(f, startDay * MINUTES_PER_DAY);
}

const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

function write903Header(w: World, p: Person, firstDay: number): void {
  const s = w.sinks.ssda903Header;
  const c = s.col;
  const f = s.blank();
  const r = s.r;
  const numeric = firstDay < SEX_CODES_CHANGED;
  f[c.CHILD] = p.ref;
  f[c.SEX] = p.sex === 'M' ? (numeric ? '1' : 'M') : p.sex === 'F' ? (numeric ? '2' : 'F') : 'U';
  f[c.DOB] = formatDate(p.dob, 'uk');
  f[c.ETHNIC] = dfeEthnic(r, p.ethnicity);
  let upn = UPN_LETTERS.charAt(r.int(0, UPN_LETTERS.length - 1));
  for (let i = 0; i < 12; i++) upn += String(r.int(0, 9));
  f[c.UPN] = upn;
  f[c.MOTHER] = p.sex === 'F' ? '0' : '';
  f[c.MC_DOB] = '';
  s.write(f, firstDay * MINUTES_PER_DAY);
}

/**
 * SERAF exploitation risk assessments. A child at risk is assessed, then
 * reviewed — usually within six months, sometimes late (an overdue review) —
 * and their level drifts between assessments: mostly low and medium, sometimes
 * escalating to high, sometimes stepping down to none when the risk has passed.
 */
import { ageAt, MINUTES_PER_DAY } from './calendar.js';
import { dressCode, dressDate, dressFlag, dressPlace } from './dress.js';
import { isLookedAfter, type Person } from './people.js';
import { type Rng, Weighted } from './rng.js';
import { inWindow, WINDOW_END, type World } from './world.js';

export type Level = 'none' | 'low' | 'medium' | 'high';
export type ExploitationType = 'CSE' | 'CCE' | 'both';

const FIRST_LEVEL = Weighted.of<Level>([
  ['none', 8],
  ['low', 42],
  ['medium', 36],
  ['high', 14],
]);

const NEXT_LEVEL: Readonly<Record<Level, Weighted<Level>>> = {
  none: Weighted.of<Level>([
    ['none', 50],
    ['low', 35],
    ['medium', 15],
  ]),
  low: Weighted.of<Level>([
    ['low', 50],
    ['medium', 25],
    ['none', 20],
    ['high', 5],
  ]),
  medium: Weighted.of<Level>([
    ['medium', 45],
    ['low', 30],
    ['high', 15],
    ['none', 10],
  ]),
  high: Weighted.of<Level>([
    ['high', 45],
    ['medium', 40],
    ['low', 15],
  ]),
};

const ASSESSMENTS = Weighted.of([
  [1, 30],
  [2, 25],
  [3, 18],
  [4, 10],
  [5, 7],
  [6, 5],
  [8, 5],
] as const);

const AGENCY = Weighted.of([
  ['social_care', 40],
  ['police', 22],
  ['education', 12],
  ['health', 10],
  ['youth_offending', 8],
  ['voluntary', 6],
  ['other', 2],
] as const);

/** The tool's score bands: 0–5 none, 6–10 low, 11–15 medium, 16+ high. */
const SCORE_RANGE: Readonly<Record<Level, readonly [number, number]>> = {
  none: [0, 5],
  low: [6, 10],
  medium: [11, 15],
  high: [16, 26],
};

const LEVEL_ORDER: readonly Level[] = ['none', 'low', 'medium', 'high'];
/** SERAF's own category names and numbers, which some teams still write. */
const SERAF_NAME: Readonly<Record<Level, string>> = { none: 'Not at risk', low: 'Mild', medium: 'Moderate', high: 'Significant' };

export function exploitationTypeOf(r: Rng, sex: string): ExploitationType {
  const x = r.next();
  if (sex === 'F') return x < 0.6 ? 'CSE' : x < 0.85 ? 'CCE' : 'both';
  if (sex === 'M') return x < 0.15 ? 'CSE' : x < 0.85 ? 'CCE' : 'both';
  return x < 0.4 ? 'CSE' : x < 0.8 ? 'CCE' : 'both';
}

function writtenLevel(r: Rng, level: Level): string {
  const x = r.next();
  if (x < 0.8) return level;
  if (x < 0.9) return String(LEVEL_ORDER.indexOf(level) + 1);
  return SERAF_NAME[level];
}

/** Writes the child's assessments from `firstDay`; returns the days written. */
export function writeAssessments(w: World, p: Person, firstDay: number, type: ExploitationType): number[] {
  const r = w.r;
  const s = w.sinks.risk;
  const c = s.col;
  const fr = s.r;
  const d = s.dress;
  const days: number[] = [];
  const n = ASSESSMENTS.draw(r);
  let level = FIRST_LEVEL.draw(r);
  let kind = type;
  let day = firstDay;
  for (let k = 0; k < n && day <= WINDOW_END; k++) {
    if (inWindow(day) && ageAt(p.dob, day) <= 24 && day > p.dob) {
      days.push(day);
      const f = s.blank();
      const [lo, hi] = SCORE_RANGE[level];
      const score = r.int(lo, hi);
      const x = r.next();
      const withLevel = x < 0.55 || x >= 0.75;
      const withScore = x >= 0.55;
      // Professional judgement may override the score by a step.
      const overridden = withLevel && withScore && r.chance(0.05);
      const shown = overridden ? (LEVEL_ORDER[Math.min(3, LEVEL_ORDER.indexOf(level) + 1)] as Level) : level;
      f[c.assessment_id] = s.nextId();
      f[c.assessed_at] = dressDate(fr, d, day);
      f[c.child_ref] = p.ref;
      f[c.dob] = dressDate(fr, d, p.dob);
      f[c.sex] = dressCode(fr, d, p.sex);
      f[c.ethnicity] = dressCode(fr, d, p.ethnicity);
      f[c.looked_after] = dressFlag(fr, d, isLookedAfter(p, day) && ageAt(p.dob, day) < 18);
      f[c.area] = dressPlace(fr, d, p.area);
      f[c.locality] = r.chance(0.05) ? '' : dressPlace(fr, d, p.home.locality);
      f[c.agency] = dressCode(fr, d, AGENCY.draw(r));
      f[c.exploitation_type] = dressCode(fr, d, kind);
      f[c.score] = withScore ? String(score) : '';
      f[c.level] = withLevel ? dressCode(fr, d, writtenLevel(fr, shown)) : '';
      s.write(f, day * MINUTES_PER_DAY);
    }
    // Reviews are due within six months; a quarter come late.
    day += r.chance(0.75) ? r.int(30, 180) : r.int(190, 400);
    level = NEXT_LEVEL[level].draw(r);
    if (r.chance(0.1)) kind = exploitationTypeOf(r, p.sex);
  }
  return days;
}

/**
 * Who the children and young people are, and what happens to each of them. A
 * person is made, lives through the window, and every record about them is
 * written at once; nothing about them is kept afterwards, which keeps memory flat
 * at any scale.
 */
import { addYears, ageAt, dayOfMonth, month } from './calendar.js';
import { writeCpi } from './intelligence.js';
import type { Area, Locality } from './localities.js';
import { MISS_CLASS, MISS_CLASSES, type MissClass, writeMissingCareer } from './missing.js';
import { firstName } from './names.js';
import { FOREIGN_NATIONALITY, writeNrm } from './nrm.js';
import { drawEthnicity, type Ethnicity, type Person, type Placement, type Sex } from './people.js';
import { type MetCode, type ReferralPlan, writeReferral } from './referrals.js';
import { type ExploitationType, exploitationTypeOf, writeAssessments } from './risk.js';
import { type Rng, Weighted } from './rng.js';
import { WINDOW_END, WINDOW_START, type World } from './world.js';

export type PersonType = 'missing' | 'at_risk' | 'referred' | 'trafficked';

/**
 * People of each type at scale 1. Tuned so that scale 1 writes about 12,000
 * missing episodes and the other files in proportion (see the tests).
 */
export const PEOPLE_AT_SCALE_1: Readonly<Record<PersonType, number>> = {
  missing: 3000,
  at_risk: 900,
  referred: 700,
  trafficked: 150,
};

export const PERSON_TYPE = Weighted.of(Object.entries(PEOPLE_AT_SCALE_1) as [PersonType, number][]);

const ages = (pairs: readonly (readonly [number, number])[]): Weighted<number> => Weighted.of(pairs);

const MISSING_START_AGE = ages([
  [8, 1],
  [9, 1],
  [10, 2],
  [11, 4],
  [12, 8],
  [13, 13],
  [14, 18],
  [15, 20],
  [16, 18],
  [17, 11],
  [18, 2],
  [19, 1.5],
  [20, 1],
]);

const RISK_START_AGE = ages([
  [11, 3],
  [12, 6],
  [13, 11],
  [14, 16],
  [15, 19],
  [16, 18],
  [17, 12],
  [18, 6],
  [19, 4],
  [20, 3],
  [21, 2],
]);

const REFERRAL_AGE = ages([
  ...Array.from({ length: 8 }, (_, a) => [a, 0.6] as const),
  [8, 2],
  [9, 3],
  [10, 4],
  [11, 6],
  [12, 9],
  [13, 12],
  [14, 14],
  [15, 15],
  [16, 13],
  [17, 9],
]);

const TRAFFICKED_AGE = ages([
  [14, 4],
  [15, 7],
  [16, 12],
  [17, 14],
  [18, 12],
  [19, 11],
  [20, 10],
  [21, 9],
  [22, 8],
  [23, 7],
  [24, 6],
]);

const PLACEMENT = Weighted.of<Placement>([
  ['foster', 50],
  ['residential', 28],
  ['supported', 10],
  ['other', 12],
]);

const NATIONALITY_ETHNICITY: Readonly<Record<string, Ethnicity>> = {
  Vietnamese: 'Asian',
  Albanian: 'White',
  Eritrean: 'Black',
  Sudanese: 'Black',
  Afghan: 'Asian',
  Romanian: 'White',
  Iranian: 'Other',
  Nigerian: 'Black',
  'Kurdish (Iraqi)': 'Other',
  Polish: 'White',
};

function drawSex(r: Rng, female: number): Sex {
  const x = r.next();
  if (x < 0.012) return x < 0.004 ? 'X' : 'U';
  return r.chance(female) ? 'F' : 'M';
}

/** A date of birth giving exactly `age` on `day` (never 29 February: one less ambiguity). */
function dobFor(r: Rng, day: number, age: number): number {
  const dob = addYears(day, -age) - r.int(0, 364);
  return month(dob) === 2 && dayOfMonth(dob) === 29 ? dob - 1 : dob;
}

interface Basics {
  readonly area: Area;
  readonly dob: number;
  readonly sex: Sex;
  readonly nationality?: string;
  readonly ethnicity?: Ethnicity;
  readonly home?: Locality;
}

function makePerson(w: World, b: Basics): Person {
  const r = w.r;
  const disabled = r.chance(0.05) ? null : r.chance(0.13);
  return {
    ref: w.refs.child(b.area),
    area: b.area,
    home: b.home ?? w.places.homeOf(r, b.area),
    sex: b.sex,
    ethnicity: b.ethnicity ?? drawEthnicity(r, b.area),
    disabled,
    dob: b.dob,
    firstName: firstName(r, b.sex),
    nationality: b.nationality ?? 'British',
    lacFrom: Infinity,
    lacTo: Infinity,
    placement: 'foster',
    placedOut: false,
    placedAt: null,
  };
}

/**
 * Makes the person looked after from around `anchor`: usually already in care by
 * then, sometimes coming into care later; care ends at 18 or earlier.
 */
function bringIntoCare(w: World, p: Person, anchor: number, residentialPull: number): void {
  const r = w.r;
  const from = r.chance(0.8) ? anchor - r.int(30, 1500) : anchor + r.int(0, 300);
  p.lacFrom = Math.max(p.dob, from);
  const eighteen = addYears(p.dob, 18);
  p.lacTo = r.chance(0.1) ? Math.min(eighteen, p.lacFrom + r.int(200, 900)) : eighteen;
  let placement = r.chance(residentialPull) ? 'residential' : PLACEMENT.draw(r);
  if (placement === 'supported' && ageAt(p.dob, Math.max(anchor, p.lacFrom)) < 16) placement = 'foster';
  p.placement = placement;
  p.placedOut = r.chance(0.25);
  p.placedAt = p.placedOut && r.chance(0.65) ? w.places.elsewhere(r, p.area) : null;
}

function metCodesOf(r: Rng, type: ExploitationType): MetCode[] {
  const codes: MetCode[] = type === 'CSE' ? ['11A'] : type === 'CCE' ? ['24A'] : ['11A', '24A'];
  if (type !== 'CSE' && r.chance(0.2)) codes.push('13A');
  return codes;
}

const NRM_CHANCE: Readonly<Record<ExploitationType, number>> = { CSE: 0.07, CCE: 0.15, both: 0.12 };

/** CPI submissions that name the child: where they were seen, with whom. */
function writeLinkedCpi(w: World, p: Person, anchors: readonly number[], type: ExploitationType): void {
  const r = w.r;
  const x = r.next();
  const n = x < 0.55 ? 0 : x < 0.8 ? 1 : x < 0.92 ? 2 : 3;
  for (let k = 0; k < n && anchors.length > 0; k++) {
    const day = r.pick(anchors) + r.int(-30, 30);
    const y = r.next();
    const locality = y < 0.5 ? w.places.hotspot(r, p.area) : y < 0.8 ? p.home : w.places.foundNear(r, p.home);
    const theme =
      type === 'CSE'
        ? r.chance(0.85)
          ? 'CSE'
          : 'other'
        : type === 'CCE'
          ? r.chance(0.55)
            ? 'CCE'
            : 'county_lines'
          : r.pick(['CSE', 'CCE', 'county_lines'] as const);
    writeCpi(w, day, { childRef: p.ref, area: locality.area, locality, theme });
  }
}

/** The exploitation side of a child's life: assessments, referrals, NRM, CPI. */
function exploitation(w: World, p: Person, firstDay: number, otherAnchors: readonly number[], missing: boolean): void {
  const r = w.r;
  const type = exploitationTypeOf(r, p.sex);
  const assessed = writeAssessments(w, p, firstDay, type);
  const met = metCodesOf(r, type);
  const plan: ReferralPlan = { met: missing ? ['10A', ...met] : met, other: 0.35 };
  if (r.chance(0.7)) writeReferral(w, p, firstDay - r.int(0, 30), plan);
  if (assessed.length > 1 && r.chance(0.4)) writeReferral(w, p, (assessed[assessed.length - 1] as number) + r.int(0, 10), plan);
  const anchors = [...assessed, ...otherAnchors];
  if (r.chance(NRM_CHANCE[type]) && anchors.length > 0) writeNrm(w, p, r.pick(anchors) + r.int(0, 60), type);
  writeLinkedCpi(w, p, anchors, type);
}

function liveMissing(w: World): void {
  const r = w.r;
  const cls: MissClass = MISS_CLASS.draw(r);
  // Careers that began before the window still run into it: the window opens on a steady state.
  const start = r.int(WINDOW_START - 600, WINDOW_END);
  const area = w.places.childArea.draw(r);
  const p = makePerson(w, { area, dob: dobFor(r, start, MISSING_START_AGE.draw(r)), sex: drawSex(r, 0.52) });
  if (r.chance(cls.lookedAfter)) bringIntoCare(w, p, start, MISS_CLASSES.indexOf(cls) >= 3 ? 0.35 : 0.05);
  const days = writeMissingCareer(w, p, cls, start);
  if (r.chance(0.45) && days.length > 0) {
    const n = r.chance(0.3) ? 2 : 1;
    for (let k = 0; k < n; k++) writeReferral(w, p, r.pick(days) + r.int(0, 20), { met: ['10A'], other: 0.3 });
  }
  if (r.chance(cls.atRisk)) exploitation(w, p, (days[0] ?? start) + r.int(-60, 120), days, true);
}

function liveAtRisk(w: World): void {
  const r = w.r;
  const first = r.int(WINDOW_START - 300, WINDOW_END);
  const area = w.places.childArea.draw(r);
  const p = makePerson(w, { area, dob: dobFor(r, first, RISK_START_AGE.draw(r)), sex: drawSex(r, 0.55) });
  if (r.chance(0.25)) bringIntoCare(w, p, first, 0.1);
  exploitation(w, p, first, [], false);
}

function liveReferred(w: World): void {
  const r = w.r;
  const day = r.int(WINDOW_START, WINDOW_END);
  const area = w.places.childArea.draw(r);
  const p = makePerson(w, { area, dob: dobFor(r, day, REFERRAL_AGE.draw(r)), sex: drawSex(r, 0.5) });
  const x = r.next();
  // Over half carry no MET factor at all: kept, but not MET referrals.
  const met: MetCode[] = x < 0.55 ? [] : x < 0.73 ? ['10A'] : x < 0.84 ? ['11A'] : x < 0.95 ? ['24A'] : ['13A'];
  const plan: ReferralPlan = { met, other: 0.4 };
  writeReferral(w, p, day, plan);
  if (r.chance(0.3)) writeReferral(w, p, day + r.int(30, 300), plan);
}

function liveTrafficked(w: World): void {
  const r = w.r;
  const day = r.int(WINDOW_START, WINDOW_END);
  const age = TRAFFICKED_AGE.draw(r);
  const area = (age >= 18 ? w.places.adultArea : w.places.childArea).draw(r);
  const foreign = r.chance(0.75);
  const nationality = foreign ? FOREIGN_NATIONALITY.draw(r) : 'British';
  const p = makePerson(w, {
    area,
    dob: dobFor(r, day, age),
    sex: drawSex(r, 0.3),
    nationality,
    ethnicity: NATIONALITY_ETHNICITY[nationality],
    home: foreign && r.chance(0.5) ? w.places.hotspot(r, area) : undefined,
  });
  // Unaccompanied children are looked after, and often go missing from care.
  if (foreign && age < 18 && r.chance(0.6)) bringIntoCare(w, p, day, 0.2);
  writeNrm(w, p, day, foreign ? 'trafficked' : exploitationTypeOf(r, p.sex));
  if (age < 18 && r.chance(0.5)) writeReferral(w, p, day - r.int(0, 20), foreign ? { met: ['12A'], other: 0, extra: ['9A'] } : { met: ['12A'], other: 0.3 });
  if (foreign && age < 18 && r.chance(0.2)) writeMissingCareer(w, p, MISS_CLASSES[1] as MissClass, day + r.int(1, 60));
  if (!foreign && r.chance(0.3)) writeAssessments(w, p, day - r.int(0, 60), 'CCE');
}

export function livePerson(w: World, type: PersonType): void {
  switch (type) {
    case 'missing':
      liveMissing(w);
      return;
    case 'at_risk':
      liveAtRisk(w);
      return;
    case 'referred':
      liveReferred(w);
      return;
    case 'trafficked':
      liveTrafficked(w);
      return;
  }
}

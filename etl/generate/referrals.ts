/**
 * MASH contacts and referrals with their Children in Need assessment factors.
 * MET codes (10A missing, 11A CSE, 12A trafficking, 13A gangs, 24A CCE) come with
 * the other factors found at assessment; some referrals carry only other factors,
 * which the dataset keeps but does not count as MET referrals.
 */
import { ageAt, MINUTES_PER_DAY } from './calendar.js';
import { dressCode, dressDate, dressPlace } from './dress.js';
import { fullName } from './names.js';
import type { Person } from './people.js';
import { type Rng, Weighted } from './rng.js';
import { inWindow, type World } from './world.js';

export const MET_CODES = ['10A', '11A', '12A', '13A', '24A'] as const;
export type MetCode = (typeof MET_CODES)[number];

/** Other CIN factors: substance misuse, domestic abuse, mental health, UASC, self-harm… */
const OTHER_CODES = Weighted.of([
  ['1B', 4],
  ['2B', 8],
  ['3A', 8],
  ['3B', 5],
  ['4A', 6],
  ['4B', 4],
  ['9A', 3],
  ['14A', 3],
  ['15A', 6],
  ['16A', 4],
  ['17A', 3],
  ['19B', 1],
] as const);

const REFERRER = Weighted.of([
  ['police', 35],
  ['school', 18],
  ['health', 10],
  ['social_care', 12],
  ['youth_offending', 5],
  ['housing', 3],
  ['probation', 1],
  ['voluntary', 6],
  ['family', 6],
  ['other', 4],
] as const);

const OUTCOME = Weighted.of([
  ['nfa', 22],
  ['early_help', 25],
  ['assessment', 36],
  ['strategy_s47', 12],
  ['other', 3],
  ['', 2],
] as const);

/** The factor cell as case systems print it: `10A;11A`, `10A; 24A`, `11a`. */
function factorCell(r: Rng, codes: readonly string[]): string {
  const unique = [...new Set(codes)];
  const sep = r.chance(0.2) ? '; ' : ';';
  const cell = unique.join(sep);
  return r.chance(0.05) ? cell.toLowerCase() : cell;
}

export interface ReferralPlan {
  /** MET codes this child's referrals draw from (may be empty: other factors only). */
  readonly met: readonly MetCode[];
  /** Chance each referral also carries another factor. */
  readonly other: number;
  /** Factors every referral of the child carries (9A for an unaccompanied child). */
  readonly extra?: readonly string[];
}

/** One referral on `day` (skipped outside the window or for adults). */
export function writeReferral(w: World, p: Person, day: number, plan: ReferralPlan): void {
  if (!inWindow(day) || day <= p.dob || ageAt(p.dob, day) >= 18) return;
  const r = w.r;
  const s = w.sinks.referrals;
  const c = s.col;
  const fr = s.r;
  const d = s.dress;
  const codes: string[] = [];
  for (const code of plan.met) if (codes.length === 0 || r.chance(0.45)) codes.push(code);
  if (codes.length === 0 || r.chance(plan.other)) codes.push(OTHER_CODES.draw(r));
  if (codes.length === 1 && plan.met.length === 0 && r.chance(0.4)) codes.push(OTHER_CODES.draw(r));
  if (plan.extra) codes.push(...plan.extra);
  const f = s.blank();
  f[c.referral_id] = s.nextId();
  f[c.child_ref] = p.ref;
  f[c.child_name] = fullName(r, p.firstName);
  f[c.dob] = dressDate(fr, d, p.dob);
  f[c.sex] = dressCode(fr, d, p.sex);
  f[c.ethnicity] = dressCode(fr, d, p.ethnicity);
  f[c.area] = dressPlace(fr, d, p.area);
  f[c.locality] = r.chance(0.04) ? '' : dressPlace(fr, d, p.home.locality);
  f[c.received_at] = dressDate(fr, d, day);
  f[c.referrer] = dressCode(fr, d, REFERRER.draw(r));
  f[c.factors] = r.chance(0.03) ? '' : factorCell(fr, codes);
  f[c.outcome] = dressCode(fr, d, OUTCOME.draw(r));
  s.write(f, day * MINUTES_PER_DAY);
}

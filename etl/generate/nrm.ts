/**
 * National Referral Mechanism referrals: local young people exploited
 * criminally (county lines) or sexually, and young people trafficked into the
 * area. The NRM here covers young adults up to 24.
 */
import { ageAt, MINUTES_PER_DAY } from './calendar.js';
import { dressCode, dressDate, dressPlace } from './dress.js';
import type { Person } from './people.js';
import type { ExploitationType } from './risk.js';
import { type Rng, Weighted } from './rng.js';
import { EXTRACT_DAY, inWindow, type World } from './world.js';

export const FOREIGN_NATIONALITY = Weighted.of([
  ['Vietnamese', 15],
  ['Albanian', 15],
  ['Eritrean', 10],
  ['Sudanese', 10],
  ['Afghan', 8],
  ['Romanian', 5],
  ['Iranian', 5],
  ['Nigerian', 4],
  ['Kurdish (Iraqi)', 4],
  ['Polish', 2],
] as const);

const LOCAL_RESPONDER = Weighted.of([
  ['police', 45],
  ['local_authority', 45],
  ['ngo', 5],
  ['other', 5],
] as const);

const FOREIGN_RESPONDER = Weighted.of([
  ['home_office', 35],
  ['local_authority', 35],
  ['police', 20],
  ['ngo', 8],
  ['other', 2],
] as const);

type NrmType = 'sexual' | 'criminal' | 'labour' | 'domestic_servitude' | 'mixed' | 'unknown';

const LOCAL_TYPE: Readonly<Record<ExploitationType, Weighted<NrmType>>> = {
  CCE: Weighted.of<NrmType>([
    ['criminal', 80],
    ['mixed', 10],
    ['sexual', 5],
    ['unknown', 5],
  ]),
  CSE: Weighted.of<NrmType>([
    ['sexual', 75],
    ['mixed', 15],
    ['criminal', 5],
    ['unknown', 5],
  ]),
  both: Weighted.of<NrmType>([
    ['mixed', 60],
    ['criminal', 20],
    ['sexual', 20],
  ]),
};

const FOREIGN_TYPE = Weighted.of<NrmType>([
  ['labour', 25],
  ['criminal', 30],
  ['sexual', 15],
  ['domestic_servitude', 8],
  ['mixed', 10],
  ['unknown', 12],
]);

type Decision = 'positive' | 'negative' | 'pending' | '';

/** Reasonable grounds come within days; conclusive grounds can take well over a year. */
function decisions(r: Rng, day: number): [Decision, Decision] {
  const age = EXTRACT_DAY - day;
  const rg: Decision =
    age < 30 && r.chance(0.6)
      ? 'pending'
      : r.pick(['positive', 'positive', 'positive', 'positive', 'positive', 'positive', 'positive', 'positive', 'negative', 'pending', ''] as const);
  if (rg !== 'positive') return [rg, rg === 'negative' || r.chance(0.5) ? '' : 'pending'];
  if (age < 400) return [rg, r.chance(0.8) ? 'pending' : ''];
  const x = r.next();
  return [rg, x < 0.55 ? 'positive' : x < 0.67 ? 'negative' : x < 0.95 ? 'pending' : ''];
}

export function writeNrm(w: World, p: Person, day: number, type: ExploitationType | 'trafficked'): void {
  if (!inWindow(day) || day <= p.dob || ageAt(p.dob, day) > 24) return;
  const r = w.r;
  const s = w.sinks.nrm;
  const c = s.col;
  const fr = s.r;
  const d = s.dress;
  const foreign = type === 'trafficked';
  const [rg, cg] = decisions(r, day);
  const f = s.blank();
  f[c.nrm_id] = s.nextId();
  f[c.child_ref] = p.ref;
  f[c.dob] = dressDate(fr, d, p.dob);
  f[c.sex] = dressCode(fr, d, p.sex);
  f[c.nationality] = p.nationality === 'British' && fr.chance(0.1) ? 'UK' : r.chance(0.04) ? '' : p.nationality;
  f[c.area] = dressPlace(fr, d, p.area);
  f[c.referred_at] = dressDate(fr, d, day);
  f[c.first_responder] = dressCode(fr, d, (foreign ? FOREIGN_RESPONDER : LOCAL_RESPONDER).draw(r));
  f[c.exploitation_type] = dressCode(fr, d, foreign ? FOREIGN_TYPE.draw(r) : LOCAL_TYPE[type].draw(r));
  f[c.reasonable_grounds] = dressCode(fr, d, rg);
  f[c.conclusive_grounds] = dressCode(fr, d, cg);
  s.write(f, day * MINUTES_PER_DAY);
}

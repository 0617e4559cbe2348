/**
 * Broken rows, on purpose: a small share of every file breaks the contract in
 * each way the contract names, so that the loader's quarantine is exercised. Each
 * broken row is an extra row derived from a good one and carries exactly one
 * defect; the good rows themselves are never damaged, so the generated rates stay
 * what they were designed to be. Counts per kind are reported so tests can check
 * that rows read = rows loaded + rows quarantined.
 */
import { WINDOW_END, addYears, ageAt, impossibleDate, MINUTES_PER_DAY, formatDate, formatDateTime, usDate, withDayOfMonthOver12, year } from './calendar.js';
import { type CsvWriter, joinFields } from './csv.js';
import type { Dress } from './dress.js';
import type { Rng } from './rng.js';

export const BROKEN_KINDS = [
  'impossible_date',
  'us_date',
  'missing_required',
  'unknown_code',
  'unknown_area',
  'unknown_locality',
  'returned_before_reported',
  'duplicate_key',
  'unknown_episode',
  'dob_after_event',
  'age_over_24',
  'seraf_no_level_or_score',
  'wrong_field_count',
  'count_over_total',
] as const;

export type BrokenKind = (typeof BROKEN_KINDS)[number];

export type BrokenCounts = Partial<Record<BrokenKind, number>>;

/** Where a file keeps the values a defect needs (column indexes). */
export interface Roles {
  /** Columns that may be blanked to make "missing required value" (part of the key is fine). */
  readonly blankable: readonly number[];
  /** The event date or date-time the row is about: the target of bad dates. */
  readonly event?: { readonly col: number; readonly kind: 'date' | 'datetime' };
  readonly dob?: number;
  readonly codes?: readonly { readonly col: number; readonly bad: readonly string[] }[];
  readonly area?: number;
  readonly localities?: readonly number[];
  readonly returned?: { readonly col: number; readonly kind: 'date' | 'datetime' };
  readonly episode?: number;
  readonly seraf?: { readonly level: number; readonly score: number };
  /** Single-year-of-age column (population). */
  readonly age?: number;
  /** A count that is part of another (services: accepted of received). */
  readonly partOf?: { readonly part: number; readonly whole: number };
  /** Make the key of a derived row new, so that only duplicate_key rows repeat keys. */
  readonly freshKey: (fields: string[]) => void;
}

export interface BreakPlan {
  /** Rows the file is expected to get, to spread broken rows through it. */
  readonly expectedRows: number;
  /** Share of broken rows aimed at (each kind still appears at least once). */
  readonly rate: number;
}

const UNKNOWN_AREAS = ['Dorset', 'Wiltshire', 'West Sussex', 'Hants', 'Soton', 'IOW Council'];
// Real places that are not localities of the contract: what a typist would write.
const UNKNOWN_LOCALITIES = ['Romsey', 'Totton', 'Lymington', 'Southsea', 'Andover', 'Thornhill', 'Leigh Park', 'Bournemouth', 'Aldershot', 'Fleet'];
const NOT_AN_EPISODE_BASE = 90_000_000;

export function kindsFor(roles: Roles): BrokenKind[] {
  const kinds: BrokenKind[] = [];
  if (roles.event) kinds.push('impossible_date', 'us_date');
  if (roles.blankable.length > 0) kinds.push('missing_required');
  if (roles.codes && roles.codes.length > 0) kinds.push('unknown_code');
  if (roles.area !== undefined) kinds.push('unknown_area');
  if (roles.localities && roles.localities.length > 0) kinds.push('unknown_locality');
  if (roles.returned !== undefined) kinds.push('returned_before_reported');
  kinds.push('duplicate_key');
  if (roles.episode !== undefined) kinds.push('unknown_episode');
  if (roles.dob !== undefined && roles.event) kinds.push('dob_after_event', 'age_over_24');
  else if (roles.age !== undefined) kinds.push('age_over_24');
  if (roles.seraf) kinds.push('seraf_no_level_or_score');
  if (roles.partOf) kinds.push('count_over_total');
  kinds.push('wrong_field_count');
  return kinds;
}

/** Injects broken rows into one file, spread evenly through it. */
export class Breaker {
  readonly counts: BrokenCounts = {};
  private readonly kinds: BrokenKind[];
  private readonly interval: number;
  private countdown: number;
  private turn: number;
  private saved: string[] | null = null;
  private last: { fields: string[]; eventMinute: number } | null = null;
  private unknownEpisodes = 0;

  constructor(
    private readonly roles: Roles,
    private readonly dress: Dress,
    private readonly r: Rng,
    plan: BreakPlan,
  ) {
    this.kinds = kindsFor(roles);
    const target = Math.max(this.kinds.length, Math.ceil(plan.rate * plan.expectedRows));
    this.interval = Math.max(1, Math.floor(plan.expectedRows / target));
    this.countdown = r.int(1, this.interval);
    this.turn = r.int(0, this.kinds.length - 1);
  }

  /**
   * Called after each good row is written. `eventMinute` is the row's event as a
   * minute number (a date is its midnight).
   */
  after(w: CsvWriter, fields: string[], eventMinute: number): void {
    if (this.r.next() * this.interval < 1) this.saved = fields.slice();
    this.last = { fields, eventMinute };
    if (--this.countdown > 0) return;
    this.countdown = Math.max(1, Math.round(this.interval * (0.5 + this.r.next())));
    const kind = this.kinds[this.turn++ % this.kinds.length] as BrokenKind;
    this.emit(w, kind, fields, eventMinute);
  }

  /** Every kind at least once, however small the file: top up at its end. */
  finish(w: CsvWriter): BrokenCounts {
    if (this.last) {
      for (const kind of this.kinds) {
        if (!this.counts[kind]) this.emit(w, kind, this.last.fields, this.last.eventMinute);
      }
    }
    return this.counts;
  }

  private emit(w: CsvWriter, kind: BrokenKind, good: readonly string[], eventMinute: number): void {
    if (kind === 'duplicate_key') {
      w.row(this.saved ?? good.slice());
    } else {
      const f = good.slice();
      this.roles.freshKey(f);
      if (kind === 'wrong_field_count') {
        w.rawRow(joinFields(this.wrongCount(f)));
      } else {
        this.damage(kind, f, eventMinute);
        w.row(f);
      }
    }
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  private damage(kind: BrokenKind, f: string[], eventMinute: number): void {
    const { roles, r } = this;
    const day = Math.floor(eventMinute / MINUTES_PER_DAY);
    const style = this.dress.date.draw(r);
    const set = (col: number | undefined, value: string): void => {
      if (col === undefined) throw new Error(`broken kind ${kind} needs a column this file lacks`);
      f[col] = value;
    };
    switch (kind) {
      case 'impossible_date': {
        const onDob = roles.dob !== undefined && r.chance(0.3);
        const bad = impossibleDate(r, year(day), style);
        if (onDob) set(roles.dob, bad);
        else set(roles.event?.col, roles.event?.kind === 'datetime' ? `${bad} ${this.hhmm(eventMinute)}` : bad);
        return;
      }
      case 'us_date': {
        const d = withDayOfMonthOver12(day, r);
        const us = usDate(d);
        set(roles.event?.col, roles.event?.kind === 'datetime' ? `${us} ${this.hhmm(eventMinute)}` : us);
        return;
      }
      case 'missing_required':
        set(r.pick(roles.blankable), '');
        return;
      case 'unknown_code': {
        const c = r.pick(roles.codes ?? []);
        set(c.col, r.pick(c.bad));
        return;
      }
      case 'unknown_area':
        set(roles.area, r.pick(UNKNOWN_AREAS));
        return;
      case 'unknown_locality':
        set(r.pick(roles.localities ?? []), r.pick(UNKNOWN_LOCALITIES));
        return;
      case 'returned_before_reported': {
        const ret = roles.returned;
        if (ret?.kind === 'date') set(ret.col, formatDate(day - r.int(1, 20), style));
        else set(ret?.col, formatDateTime(eventMinute - r.int(30, 900), this.dress.dateTime.draw(r)));
        return;
      }
      case 'unknown_episode':
        set(roles.episode, `ME${NOT_AN_EPISODE_BASE + this.unknownEpisodes++ * 7919 + r.int(0, 7918)}`);
        return;
      case 'dob_after_event':
        // After the event but not after the window's end plus 60 days: a date in the
        // future would be quarantined as that first ('date in the future').
        set(roles.dob, formatDate(day + r.int(5, Math.max(5, Math.min(400, WINDOW_END + 60 - day))), style));
        return;
      case 'age_over_24': {
        if (roles.age !== undefined) {
          set(roles.age, String(r.int(25, 29)));
          return;
        }
        const dob = addYears(day, -25) - r.int(5, 600);
        if (ageAt(dob, day) <= 24) throw new Error('age_over_24 produced an age of 24');
        set(roles.dob, formatDate(dob, style));
        return;
      }
      case 'seraf_no_level_or_score':
        set(roles.seraf?.level, '');
        set(roles.seraf?.score, '');
        return;
      case 'count_over_total': {
        // More accepted than received: a total typed into the wrong column.
        const whole = Number(f[roles.partOf?.whole ?? -1] ?? 0);
        set(roles.partOf?.part, String(whole + r.int(1, 40)));
        return;
      }
      case 'duplicate_key':
      case 'wrong_field_count':
        throw new Error(`${kind} is not a damage to one value`);
    }
  }

  /**
   * A record cut off part-way (an interrupted export) or a stray unquoted comma.
   * The cut drops half the fields, not just the last: a lenient reader that pads
   * short rows would otherwise load a row that merely lost an empty trailing cell.
   */
  private wrongCount(f: string[]): string[] {
    // A stray comma in a row ending with an empty cell would read, once that cell
    // is dropped as Excel's trailing comma, as a valid row: cut such rows instead.
    if (f[f.length - 1] === '' || this.r.chance(0.5)) return f.slice(0, Math.ceil(f.length / 2));
    // The comma lands inside a value, so both halves are non-empty.
    const candidates = f.map((v, i) => (v.length >= 2 ? i : -1)).filter((i) => i >= 0);
    const at = this.r.pick(candidates);
    const value = f[at] as string;
    const space = value.indexOf(' ');
    const cut = space > 0 && space < value.length - 1 ? space : Math.floor(value.length / 2);
    return [...f.slice(0, at), value.slice(0, cut), value.slice(cut).trimStart(), ...f.slice(at + 1)];
  }

  private hhmm(minute: number): string {
    return formatDateTime(minute, 'iso_space').slice(11);
  }
}

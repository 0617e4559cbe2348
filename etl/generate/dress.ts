/**
 * How a partner's export "dresses" clean values: mixed date formats, flag
 * spellings, code and place-name case. Each file has its own Dress, chosen to look
 * like the system it comes from; every variant is one the contract accepts, so
 * dressing never makes a row invalid (broken rows are made elsewhere, on purpose).
 */
import { type DateStyle, type DateTimeStyle, formatDate, formatDateTime } from './calendar.js';
import { type Rng, Weighted } from './rng.js';

export type FlagStyle = 'Y/N' | 'Yes/No' | '1/0' | 'true/false' | 'TRUE/FALSE';

export interface Dress {
  readonly date: Weighted<DateStyle>;
  readonly dateTime: Weighted<DateTimeStyle>;
  readonly flag: Weighted<FlagStyle>;
  /** Share of code values written in another case (`Police`, `SOCIAL_CARE`). */
  readonly codeCase: number;
  /** Share of area and locality names written with `&`, another case or padding. */
  readonly placeVariant: number;
}

export interface DressSpec {
  readonly date?: readonly (readonly [DateStyle, number])[];
  readonly dateTime?: readonly (readonly [DateTimeStyle, number])[];
  readonly flag?: readonly (readonly [FlagStyle, number])[];
  readonly codeCase?: number;
  readonly placeVariant?: number;
}

export function makeDress(spec: DressSpec): Dress {
  return {
    date: Weighted.of(spec.date ?? [['iso', 1]]),
    dateTime: Weighted.of(spec.dateTime ?? [['iso_space_seconds', 1]]),
    flag: Weighted.of(spec.flag ?? [['Y/N', 1]]),
    codeCase: spec.codeCase ?? 0,
    placeVariant: spec.placeVariant ?? 0,
  };
}

export function dressDate(r: Rng, d: Dress, day: number): string {
  return formatDate(day, d.date.draw(r));
}

export function dressDateTime(r: Rng, d: Dress, minute: number): string {
  return formatDateTime(minute, d.dateTime.draw(r));
}

const TRUE: Record<FlagStyle, string> = { 'Y/N': 'Y', 'Yes/No': 'Yes', '1/0': '1', 'true/false': 'true', 'TRUE/FALSE': 'TRUE' };
const FALSE: Record<FlagStyle, string> = { 'Y/N': 'N', 'Yes/No': 'No', '1/0': '0', 'true/false': 'false', 'TRUE/FALSE': 'FALSE' };

/** null = not known, written as `U` or left empty as real systems do. */
export function dressFlag(r: Rng, d: Dress, value: boolean | null): string {
  if (value === null) return r.chance(0.4) ? 'U' : '';
  const style = d.flag.draw(r);
  return value ? TRUE[style] : FALSE[style];
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Code lists are matched case-insensitively, so only the case ever changes. */
export function dressCode(r: Rng, d: Dress, code: string): string {
  if (code === '' || !r.chance(d.codeCase)) return code;
  if (code !== code.toLowerCase()) return code.toLowerCase();
  return r.chance(0.6) ? capitalise(code) : code.toUpperCase();
}

/** Place names are matched ignoring case and spacing, with `&` = `and`. */
export function dressPlace(r: Rng, d: Dress, name: string): string {
  if (name === '' || !r.chance(d.placeVariant)) return name;
  if (name.includes(' and ') && r.chance(0.6)) return name.replace(' and ', ' & ');
  const x = r.next();
  if (x < 0.4) return name.toUpperCase();
  if (x < 0.7) return name.toLowerCase();
  return `${name} `;
}

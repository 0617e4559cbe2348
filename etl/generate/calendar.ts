/**
 * Calendar arithmetic on plain numbers: a date is a day number (days since
 * 1970-01-01) and a date-time is a minute number (minutes since 1970-01-01 00:00).
 * The contract's times are Europe/London wall-clock values taken as written, so no
 * time zone is involved anywhere: these are wall-clock numbers, not instants.
 *
 * Formatting is table-driven because it runs millions of times at scale 100.
 */
import type { Rng } from './rng.js';

export const MINUTES_PER_DAY = 1440;

export function dayOf(y: number, m: number, d: number): number {
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** The reporting window the synthetic extracts cover (financial years 2022-23 to the first half of 2026-27). */
export const WINDOW_START = dayOf(2022, 4, 1);
export const WINDOW_END = dayOf(2026, 9, 30);

const FIRST = dayOf(1990, 1, 1);
const LAST = dayOf(2030, 12, 31);
const SPAN = LAST - FIRST + 1;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

const YEAR = new Int16Array(SPAN);
const MONTH = new Int8Array(SPAN);
const DOM = new Int8Array(SPAN);
const ISO: string[] = new Array<string>(SPAN);
const UK: string[] = new Array<string>(SPAN);
for (let i = 0; i < SPAN; i++) {
  const dt = new Date((FIRST + i) * 86_400_000);
  const y = dt.getUTCFullYear();
  const m = dt.getUTCMonth() + 1;
  const d = dt.getUTCDate();
  YEAR[i] = y;
  MONTH[i] = m;
  DOM[i] = d;
  ISO[i] = `${y}-${pad2(m)}-${pad2(d)}`;
  UK[i] = `${pad2(d)}/${pad2(m)}/${y}`;
}
const HHMM: string[] = Array.from({ length: MINUTES_PER_DAY }, (_, i) => `${pad2(Math.floor(i / 60))}:${pad2(i % 60)}`);

function index(day: number): number {
  const i = day - FIRST;
  if (i < 0 || i >= SPAN) throw new Error(`day ${day} outside the generator's calendar (1990–2030)`);
  return i;
}

export const year = (day: number): number => YEAR[index(day)] as number;
export const month = (day: number): number => MONTH[index(day)] as number;
export const dayOfMonth = (day: number): number => DOM[index(day)] as number;

export const isoDate = (day: number): string => ISO[index(day)] as string;
export const ukDate = (day: number): string => UK[index(day)] as string;
/** US month-first order: only ever written on purpose, as a broken row. */
export const usDate = (day: number): string => `${pad2(month(day))}/${pad2(dayOfMonth(day))}/${year(day)}`;

export type DateStyle = 'iso' | 'uk';
export type DateTimeStyle = 'iso_space_seconds' | 'iso_space' | 'iso_t' | 'iso_t_seconds' | 'uk' | 'uk_seconds';

export function formatDate(day: number, style: DateStyle): string {
  return style === 'iso' ? isoDate(day) : ukDate(day);
}

/**
 * Seconds are not modelled (minutes are the grain); systems that print seconds get
 * a value derived from the minute so that the written time is stable and varied.
 */
function seconds(minute: number): string {
  return pad2((minute * 37) % 60);
}

export function formatDateTime(minute: number, style: DateTimeStyle): string {
  const day = Math.floor(minute / MINUTES_PER_DAY);
  const hm = HHMM[minute - day * MINUTES_PER_DAY] as string;
  switch (style) {
    case 'iso_space_seconds':
      return `${isoDate(day)} ${hm}:${seconds(minute)}`;
    case 'iso_space':
      return `${isoDate(day)} ${hm}`;
    case 'iso_t':
      return `${isoDate(day)}T${hm}`;
    case 'iso_t_seconds':
      return `${isoDate(day)}T${hm}:${seconds(minute)}`;
    case 'uk':
      return `${ukDate(day)} ${hm}`;
    case 'uk_seconds':
      return `${ukDate(day)} ${hm}:${seconds(minute)}`;
  }
}

/** Whole years from dob to day; the new year of age begins on the birthday. */
export function ageAt(dob: number, day: number): number {
  const a = year(day) - year(dob);
  const m = month(day) - month(dob);
  return m < 0 || (m === 0 && dayOfMonth(day) < dayOfMonth(dob)) ? a - 1 : a;
}

/** The same calendar date n years later (29 February falls back to the 28th). */
export function addYears(day: number, n: number): number {
  const d = dayOfMonth(day);
  const m = month(day);
  const y = year(day) + n;
  return m === 2 && d === 29 ? dayOf(y, 2, 28) : dayOf(y, m, d);
}

/**
 * The same month with a day of 13–28, so that a month-first (US) rendering is
 * detectably wrong rather than silently a different valid date.
 */
export function withDayOfMonthOver12(day: number, r: Rng): number {
  const d = dayOfMonth(day);
  return d > 12 ? day : day - d + r.int(13, 28);
}

const IMPOSSIBLE: readonly (readonly [number, number])[] = [
  [31, 2],
  [30, 2],
  [31, 4],
  [31, 6],
  [31, 9],
  [31, 11],
];

/** A date that looks right but does not exist, such as 31/02/2025. */
export function impossibleDate(r: Rng, y: number, style: DateStyle): string {
  const [d, m] = r.pick(IMPOSSIBLE);
  return style === 'iso' ? `${y}-${pad2(m)}-${pad2(d)}` : `${pad2(d)}/${pad2(m)}/${y}`;
}

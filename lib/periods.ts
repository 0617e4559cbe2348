// Reporting periods: months, calendar quarters, financial years and calendar years.
//
// From the definitions (/work/shared/met-dataset.md, "Periods, areas, ages"):
//   "A period is a month `2025-07`, a calendar quarter `2025-Q3`, a financial year
//    `FY2025-26` (1 April – 31 March) or a calendar year `2025`. A period includes its
//    first day from 00:00 and ends before 00:00 of the day after its last day."
// So every period here is the half-open range [start, end): `start` is its first day,
// `end` the day after its last day, and `last` the last day itself.
//
//   "Trend series are the same measure for each of the last N periods of the same kind
//    (default N = 12)."  → lastPeriods().
//
// All arithmetic is on whole calendar months counted from year 0 ("month numbers") and
// on `YYYY-MM-DD` strings built from UTC dates; no local time zone is ever consulted.
// Every period starts on the 1st of a month and lasts 1 (month), 3 (quarter) or 12
// (financial or calendar year) months, so a period is fully described by its kind and
// the month number of its first month.

import { asked } from './asked.js';

export type PeriodKind = 'month' | 'quarter' | 'fy' | 'year';

export interface Period {
  /** The canonical id: `2025-07`, `2025-Q3`, `FY2025-26` or `2025`. */
  id: string;
  kind: PeriodKind;
  /** First day, `YYYY-MM-DD` (included from 00:00). */
  start: string;
  /** The day after the last day, `YYYY-MM-DD` (excluded: the period ends before its 00:00). */
  end: string;
  /** Last day, `YYYY-MM-DD`. */
  last: string;
  /** Plain-English name for board papers: "July 2025", "July–September 2025",
   *  "financial year 2025-26", "2025". */
  label: string;
}

export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

/** Years accepted in a period id (the first year, for a financial year). A guard against
 *  typing slips such as `0225-07`; nothing in the MET data is older or far in the future. */
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

const ALLOWED = 'use a month (2025-07), a quarter (2025-Q3), a financial year (FY2025-26) or a calendar year (2025)';

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/** Months in a period of each kind. */
const LENGTH: Record<PeriodKind, number> = { month: 1, quarter: 3, fy: 12, year: 12 };

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function monthName(m: number): string {
  // m is 1–12 by construction.
  return MONTH_NAMES[m - 1] ?? String(m);
}

/** Month number (year × 12 + month − 1) → { year, month 1–12 }. */
function yearMonth(monthNo: number): { year: number; month: number } {
  const year = Math.floor(monthNo / 12);
  return { year, month: monthNo - year * 12 + 1 };
}

/** The 1st of a month as `YYYY-MM-DD`. */
function firstOfMonth(monthNo: number): string {
  const { year, month } = yearMonth(monthNo);
  return `${year}-${pad2(month)}-01`;
}

/** The last day of a month as `YYYY-MM-DD` (UTC: day 0 of the next month). */
function lastOfMonth(monthNo: number): string {
  const { year, month } = yearMonth(monthNo);
  // Date.UTC(year, month, 0): month is 0-based there, so `month` (1-based) names the
  // following month and day 0 of it is the last day of ours. Years are ≥ 1900 here, so
  // Date.UTC's two-digit-year rule never applies.
  const d = new Date(Date.UTC(year, month, 0));
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

const made = new Map<string, Period>();

/**
 * The period of `kind` whose first month is `startMonthNo` (assumed aligned). Made once
 * and frozen: the published protection asks for the same few periods many thousands of
 * times a refresh. At most one entry per kind and month of the years allowed.
 */
function makePeriod(kind: PeriodKind, startMonthNo: number): Period {
  const key = `${kind}${startMonthNo}`;
  let p = made.get(key);
  if (!p) {
    p = Object.freeze(buildPeriod(kind, startMonthNo));
    made.set(key, p);
  }
  return p;
}

function buildPeriod(kind: PeriodKind, startMonthNo: number): Period {
  const { year, month } = yearMonth(startMonthNo);
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new PeriodError(
      `a ${kind === 'fy' ? 'financial year' : kind} starting in ${year} is outside the years ${MIN_YEAR} to ${MAX_YEAR} that periods may use`,
    );
  }
  const lastMonthNo = startMonthNo + LENGTH[kind] - 1;
  let id: string;
  let label: string;
  switch (kind) {
    case 'month':
      id = `${year}-${pad2(month)}`;
      label = `${monthName(month)} ${year}`;
      break;
    case 'quarter':
      id = `${year}-Q${(month - 1) / 3 + 1}`;
      label = `${monthName(month)}–${monthName(month + 2)} ${year}`;
      break;
    case 'fy':
      id = `FY${year}-${pad2((year + 1) % 100)}`;
      label = `financial year ${year}-${pad2((year + 1) % 100)}`;
      break;
    case 'year':
      id = String(year);
      label = String(year);
      break;
  }
  return {
    id,
    kind,
    start: firstOfMonth(startMonthNo),
    end: firstOfMonth(lastMonthNo + 1),
    last: lastOfMonth(lastMonthNo),
    label,
  };
}

/** Month number of the first month of a period (from its `start`). */
function startMonthNo(p: Period): number {
  const m = /^(\d{4})-(\d{2})-01$/.exec(p.start);
  if (!m) throw new PeriodError(`period '${p.id}' has a start '${p.start}' that is not the 1st of a month`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/**
 * Read a period id. Accepts exactly `YYYY-MM`, `YYYY-Qn`, `FYYYYY-YY` (consecutive years,
 * the second as two digits) and `YYYY`; `q` and `fy` in any case; surrounding spaces are
 * ignored. Anything else throws a PeriodError that says what is allowed.
 */
export function parsePeriod(text: string): Period {
  const t = String(text).trim();
  const bad = (why?: string): PeriodError => new PeriodError(`period ${asked(t)} is not valid: ${why ? `${why}; ` : ''}${ALLOWED}`);
  let kind: PeriodKind;
  let year: number;
  let month: number; // first month, 1–12
  const asMonth = /^(\d{4})-(\d{2})$/.exec(t);
  const asQuarter = /^(\d{4})-q(\d)$/i.exec(t);
  const asFy = /^fy(\d{4})-(\d{2})$/i.exec(t);
  const asYear = /^(\d{4})$/.exec(t);
  if (asMonth) {
    const m = asMonth;
    kind = 'month';
    year = Number(m[1]);
    month = Number(m[2]);
    if (month < 1 || month > 12) throw bad('a month must be 01 to 12');
  } else if (asQuarter) {
    const m = asQuarter;
    kind = 'quarter';
    year = Number(m[1]);
    const q = Number(m[2]);
    if (q < 1 || q > 4) throw bad('a quarter must be Q1 to Q4');
    month = (q - 1) * 3 + 1;
  } else if (asFy) {
    const m = asFy;
    kind = 'fy';
    year = Number(m[1]);
    // "1 April – 31 March": FY2025-26 runs from 1 April 2025 to 31 March 2026.
    if (Number(m[2]) !== (year + 1) % 100) {
      throw bad(`a financial year runs over two consecutive years, so FY${m[1]} must be FY${m[1]}-${pad2((year + 1) % 100)}`);
    }
    month = 4;
  } else if (asYear) {
    const m = asYear;
    kind = 'year';
    year = Number(m[1]);
    month = 1;
  } else {
    throw bad();
  }
  if (year < MIN_YEAR || year > MAX_YEAR) throw bad(`years must be ${MIN_YEAR} to ${MAX_YEAR}`);
  return makePeriod(kind, year * 12 + month - 1);
}

/** The period of the same kind just before `p` (2025-01 → 2024-12, FY2025-26 → FY2024-25). */
export function previousPeriod(p: Period): Period {
  return makePeriod(p.kind, startMonthNo(p) - LENGTH[p.kind]);
}

/** The same period a year before (2025-07 → 2024-07, 2025-Q3 → 2024-Q3; for a financial
 *  or calendar year, the previous one). */
export function yearEarlier(p: Period): Period {
  return makePeriod(p.kind, startMonthNo(p) - 12);
}

/** The `n` periods of the same kind ending with `p`, oldest first and `p` last. */
export function lastPeriods(p: Period, n: number): Period[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`lastPeriods needs a whole number of periods ≥ 0, not ${n}`);
  const first = startMonthNo(p) - (n - 1) * LENGTH[p.kind];
  const out: Period[] = [];
  for (let i = 0; i < n; i++) out.push(makePeriod(p.kind, first + i * LENGTH[p.kind]));
  return out;
}

/** The period of `kind` that contains the day `date` (`YYYY-MM-DD`; a date, not a time:
 *  a timestamp must be turned into its day by the caller, in the time zone it means). */
export function periodContaining(kind: PeriodKind, date: string): Period {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const valid =
    m !== null &&
    (() => {
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() + 1 === Number(m[2]) && d.getUTCDate() === Number(m[3]);
    })();
  if (!m || !valid) throw new PeriodError(`date '${date}' is not valid: use a calendar date as YYYY-MM-DD (2025-08-14)`);
  if (!(kind in LENGTH)) throw new PeriodError(`period kind '${String(kind)}' is not valid: use month, quarter, fy or year`);
  const monthNo = Number(m[1]) * 12 + Number(m[2]) - 1;
  // Month number mod 12 is the month index 0–11 (January = 0), so a quarter starts where
  // that index is a multiple of 3, a calendar year at index 0, and a financial year at
  // index 3 (April): step back ((index − 3) mod 12) months.
  const index = monthNo % 12;
  let start: number;
  switch (kind) {
    case 'month':
      start = monthNo;
      break;
    case 'quarter':
      start = monthNo - (index % 3);
      break;
    case 'fy':
      start = monthNo - ((index - 3 + 12) % 12);
      break;
    case 'year':
      start = monthNo - index;
      break;
  }
  return makePeriod(kind, start);
}

/** The calendar year in which the period ends (the year of its last day). This is the
 *  population year rule: "`population.csv` year = the calendar year in which the period
 *  ends" — 2026 for FY2025-26, 2025 for 2025-Q4. */
export function calendarYearOfEnd(p: Period): number {
  return Number(p.last.slice(0, 4));
}

/** A period the warehouse holds, as the period listing reads it. */
export interface HeldPeriod {
  id: string;
  kind: PeriodKind;
  /** First day, `YYYY-MM-DD`. */
  start: string;
  /** Last day, `YYYY-MM-DD`. */
  last: string;
}

/** The periods offered in the pickers, and the one shown when none is asked for. */
export interface PeriodOffer {
  /** By kind: the complete periods newest first, then those in progress (newest first). */
  periods: Record<PeriodKind, string[]>;
  /** The offered periods whose last day the data does not yet reach: marked "(in progress)", never the default. */
  in_progress: string[];
  /** The latest complete quarter (else the latest complete month, else financial year); an in-progress quarter only when nothing is complete. */
  default_period: string | null;
}

/**
 * What the pickers offer, from the periods held and the latest event the data reaches
 * (lib/read.ts dataReach: the latest episode up to the refresh day).
 *
 * - A period that starts after the latest event has no data yet: it is not offered (a
 *   quarter begun on the refresh day would otherwise show 0 for everything).
 * - A period whose last day is after the latest event is in progress: offered after the
 *   complete ones of its kind, listed in `in_progress`, and never the default.
 * - Complete: its last day is on or before the latest event.
 */
export function offerPeriods(held: readonly HeldPeriod[], latestEvent: string | null): PeriodOffer {
  const periods: Record<PeriodKind, string[]> = { month: [], quarter: [], fy: [], year: [] };
  const in_progress: string[] = [];
  if (!latestEvent) return { periods, in_progress, default_period: null };
  const newestFirst = [...held].sort((a, b) => (a.start === b.start ? a.id.localeCompare(b.id) : a.start < b.start ? 1 : -1));
  const withData = newestFirst.filter((p) => p.start <= latestEvent);
  const complete = withData.filter((p) => p.last <= latestEvent);
  const going = withData.filter((p) => p.last > latestEvent);
  for (const p of complete) periods[p.kind]?.push(p.id);
  for (const p of going) {
    periods[p.kind]?.push(p.id);
    in_progress.push(p.id);
  }
  const firstOf = (list: HeldPeriod[], kind: PeriodKind) => list.find((p) => p.kind === kind)?.id;
  const default_period =
    firstOf(complete, 'quarter') ?? firstOf(complete, 'month') ?? firstOf(complete, 'fy') ?? firstOf(going, 'quarter') ?? firstOf(going, 'month') ?? null;
  return { periods, in_progress, default_period };
}

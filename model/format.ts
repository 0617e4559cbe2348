// How a figure is written, wherever it is read: tiles, tables, charts' descriptions and
// axes, and commentary. One place, pure (no I/O), so that the server's page models and
// the browser write 69.6% the same way.
//
// - a percentage always has one decimal and "%": 69.6%, 66.0%, 100.0%; except under the
//   published rule, where percentages are whole numbers (met-dataset.md) and written so:
//   69%, never 69.0% (kind 'pct0', given by `shownKind`);
// - a rate per 10,000 and a median (of hours) have one decimal: 9.1, 16.0;
// - a count is a whole number with thousands separated: 1,234;
// - a ratio two decimals: 0.75, 1.00; other figures at most two: 3, 0.5;
// - a negative number or a fall has a true minus sign (U+2212), never a hyphen: −3.
// Rounding is half away from zero on the decimal figure as written (2.25 → 2.3, not
// the binary 2.2499… → 2.2).

/** The minus sign (U+2212). */
export const MINUS = '\u2212';

/** A figure's kind, as model/measures.ts declares it (others format as plain numbers). */
export type FigureKind = 'count' | 'pct' | 'pct0' | 'ratio' | 'per10k' | 'median' | 'rows' | (string & {});

/** A percentage, of either kind: one decimal ('pct') or whole, as published ('pct0'). */
export function isPercent(kind: FigureKind | undefined): boolean {
  return kind === 'pct' || kind === 'pct0';
}

/**
 * The kind a figure is written as for a disclosure rule: under the published rule a
 * percentage is a whole number ('pct0': "69%"); every other kind, and every other rule,
 * as declared.
 */
export function shownKind<K extends FigureKind | undefined>(kind: K, rule: string | undefined): K | 'pct0' {
  return rule === 'published' && kind === 'pct' ? 'pct0' : kind;
}

/** Decimals a kind is written with: [minimum, maximum]. */
function decimals(kind: FigureKind | undefined): [number, number] {
  // A median of hours has one decimal too (met-dataset.md): 9.0 beside 9.9, not 9.
  if (kind === 'pct' || kind === 'per10k' || kind === 'median') return [1, 1];
  if (kind === 'count' || kind === 'rows' || kind === 'pct0') return [0, 0];
  // A ratio has two decimals (met-dataset.md): 1.00, 0.70, beside 0.73.
  if (kind === 'ratio') return [2, 2];
  return [0, 2];
}

/** Round half away from zero to `places` decimals, on the number as written in decimal. */
export function roundHalfAway(x: number, places: number): number {
  const f = 10 ** places;
  const scaled = Number((Math.abs(x) * f).toPrecision(15));
  const r = (Math.sign(x) * Math.round(scaled)) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** A number with UK separators and a true minus sign; `min`/`max` decimals. */
export function formatNumber(x: number, min = 0, max = 2): string {
  const r = roundHalfAway(x, max);
  const s = Math.abs(r).toLocaleString('en-GB', { minimumFractionDigits: min, maximumFractionDigits: max });
  return r < 0 ? `${MINUS}${s}` : s;
}

/** A figure of a kind: "69.6%", "9.1", "1,234", "−3". */
export function formatFigure(x: number, kind?: FigureKind): string {
  const [min, max] = decimals(kind);
  const s = formatNumber(x, min, max);
  return isPercent(kind) ? `${s}%` : s;
}

/**
 * A shown cell (a number, 'c' withheld, null no figure, or words): a number by its kind,
 * 'c' as 'c', null or empty as "–", anything else as it is.
 */
export function formatCell(v: unknown, kind?: FigureKind): string {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v === 'number') return formatFigure(v, kind);
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  return String(v);
}

/**
 * A change between two figures, signed: "+2.5 points", "−3", "0". A percentage's change
 * is in percentage points, with one decimal (never "%": 66.0% to 68.5% is +2.5 points;
 * a whole one's in whole points: 66% to 69% is +3 points).
 */
export function formatChange(diff: number, kind?: FigureKind): string {
  const [min, max] = decimals(kind);
  const body = formatNumber(Math.abs(diff), min, max);
  const zero = roundHalfAway(diff, max) === 0;
  const sign = zero ? '' : diff > 0 ? '+' : MINUS;
  const unit = isPercent(kind) ? (body === '1.0' || body === '1' ? ' point' : ' points') : '';
  return `${sign}${body}${unit}`;
}

/** A change's size without its sign, for "up 2.5 points" and "down 3": the words carry the direction. */
export function formatChangeSize(diff: number, kind?: FigureKind): string {
  return formatChange(Math.abs(diff), kind).replace(/^\+/, '');
}

/** A d3-format string for a chart's axis and tooltip of a kind: counts whole, percentages and rates one decimal. */
export function axisFormat(kind?: FigureKind): string | undefined {
  if (kind === 'count' || kind === 'rows') return ',d';
  if (kind === 'pct0') return ',.0f';
  if (kind === 'pct' || kind === 'per10k' || kind === 'median') return ',.1f';
  return undefined;
}

/**
 * "1 December 2026 at 01:11": a time in words, for the header, on the UK's clock
 * (Europe/London: GMT in winter, BST in summer), whatever the reader's machine is set to.
 */
export function formatDateTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const part = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
  return `${part('day')} ${part('month')} ${part('year')} at ${part('hour')}:${part('minute')}`;
}

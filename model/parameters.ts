// The parameters of the definitions (../shared/met-dataset.md), declared once. The
// SQL receives them as DuckDB variables at each refresh (sqlVariables) and hard-codes
// none; the warehouse records the values it was built with (measure_parameters), so
// the words beside a figure always name the parameters that produced it. The reader's
// own parameters (the suppression threshold, the national comparator) apply when read.
//
// Pure: no I/O. Every layer (etl, sql, lib, server, cli, web) reads this module.

export interface Parameters {
  /** A repeat missing child: an episode that is at least their `episodes`-th starting within `window_days` days up to and including its start. */
  repeat_missing: { episodes: number; window_days: number };
  /** A return interview is timely when offered (completed) at or before this many hours after the return. */
  rhi_window_hours: number;
  /** A SERAF assessment is current for this many days; older ones are overdue for review. */
  risk_current_days: number;
  /** A hotspot ranks within the top `top_pct`% of its area's localities with a total of at least `min_total`. */
  hotspot: { top_pct: number; min_total: number };
  /** A service gap is judged only where the locality has at least this many MET children and this many returns (the interview percentage's denominator); fewer is "too few to judge". 5, as the partner rule's threshold: a smaller count is withheld from partners anyway. */
  gap_min_count: number;
  /** Children in Need assessment-factor codes that make a referral a MET referral. */
  met_factor_codes: readonly string[];
  /** The partner rule (board, commissioners): counts from 1 to threshold − 1 are withheld. */
  suppression_threshold: number;
  /** The published rule (public): counts from 1 to this are withheld. */
  published_max_withheld: number;
  /** The published rule: every other count is rounded to the nearest multiple of this (halves up). */
  rounding_base: number;
  /** The published rule: a median is shown only where the count behind it is at least this. */
  published_median_min: number;
  /** The national comparator for interviews completed within the window: England, the year named. */
  rhi_national: { pct: number; year: string };
}

/** The values in force. */
export const PARAMETERS: Parameters = {
  repeat_missing: { episodes: 3, window_days: 90 },
  rhi_window_hours: 72,
  risk_current_days: 183,
  hotspot: { top_pct: 10, min_total: 5 },
  gap_min_count: 5,
  met_factor_codes: ['10A', '11A', '12A', '13A', '24A'],
  suppression_threshold: 5,
  published_max_withheld: 7,
  rounding_base: 5,
  published_median_min: 20,
  rhi_national: { pct: 63, year: '2023-24' },
};

/** What each MET factor code means, for the words beside the figures. */
export const MET_FACTOR_NAMES: Readonly<Record<string, string>> = {
  '10A': 'missing',
  '11A': 'CSE',
  '12A': 'trafficking',
  '13A': 'gangs',
  '24A': 'CCE',
};

/** The parameters the measures are built with (the rest apply when figures are read). */
export type BuildParameters = Pick<Parameters, 'repeat_missing' | 'rhi_window_hours' | 'risk_current_days' | 'hotspot' | 'gap_min_count' | 'met_factor_codes'>;

export function buildParameters(p: Parameters = PARAMETERS): BuildParameters {
  return {
    repeat_missing: { ...p.repeat_missing },
    rhi_window_hours: p.rhi_window_hours,
    risk_current_days: p.risk_current_days,
    hotspot: { ...p.hotspot },
    gap_min_count: p.gap_min_count,
    met_factor_codes: [...p.met_factor_codes],
  };
}

/** Parameters with some values replaced (for a test, or a partnership's own settings). */
export function withParameters(over: DeepPartial<Parameters>, base: Parameters = PARAMETERS): Parameters {
  return {
    repeat_missing: { ...base.repeat_missing, ...over.repeat_missing },
    rhi_window_hours: over.rhi_window_hours ?? base.rhi_window_hours,
    risk_current_days: over.risk_current_days ?? base.risk_current_days,
    hotspot: { ...base.hotspot, ...over.hotspot },
    gap_min_count: over.gap_min_count ?? base.gap_min_count,
    met_factor_codes: (over.met_factor_codes as readonly string[] | undefined) ?? base.met_factor_codes,
    suppression_threshold: over.suppression_threshold ?? base.suppression_threshold,
    published_max_withheld: over.published_max_withheld ?? base.published_max_withheld,
    rounding_base: over.rounding_base ?? base.rounding_base,
    published_median_min: over.published_median_min ?? base.published_median_min,
    rhi_national: { ...base.rhi_national, ...over.rhi_national },
  };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? Partial<T[K]> : T[K] };

/** Whole numbers in the range the definitions make sense for; a wrong setting fails the build, not a figure. */
export function checkParameters(p: BuildParameters): void {
  const whole = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`parameter ${name} must be a whole number from ${min} to ${max}`);
  };
  whole('repeat_missing.episodes', p.repeat_missing.episodes, 2, 100);
  whole('repeat_missing.window_days', p.repeat_missing.window_days, 1, 3660);
  whole('rhi_window_hours', p.rhi_window_hours, 1, 24 * 366);
  whole('risk_current_days', p.risk_current_days, 1, 3660);
  whole('hotspot.top_pct', p.hotspot.top_pct, 1, 100);
  whole('hotspot.min_total', p.hotspot.min_total, 0, 1_000_000);
  whole('gap_min_count', p.gap_min_count, 1, 1_000_000);
  if (p.met_factor_codes.length === 0 || p.met_factor_codes.some((c) => !/^[0-9]{1,2}[A-Z]$/.test(c))) {
    throw new Error('parameter met_factor_codes must list codes such as 10A');
  }
}

/** The parameters of disclosure control (applied when figures are read, not built). */
export type DisclosureParameters = Pick<Parameters, 'suppression_threshold' | 'published_max_withheld' | 'rounding_base' | 'published_median_min'>;

/** The disclosure parameters' ranges: a wrong setting fails the read, never shows a figure it should not. */
export function checkDisclosureParameters(p: DisclosureParameters): void {
  const whole = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`parameter ${name} must be a whole number from ${min} to ${max}`);
  };
  whole('suppression_threshold', p.suppression_threshold, 2, 100);
  whole('published_max_withheld', p.published_max_withheld, 1, 100);
  whole('rounding_base', p.rounding_base, 1, 100);
  whole('published_median_min', p.published_median_min, 1, 10_000);
}

/** `SET VARIABLE` statements that hand the build parameters to the measures' SQL. */
export function sqlVariables(p: BuildParameters): string {
  checkParameters(p);
  const codes = p.met_factor_codes.map((c) => `'${c}'`).join(', ');
  const json = JSON.stringify(p).replace(/'/g, "''");
  return (
    [
      `SET VARIABLE met_repeat_episodes = ${p.repeat_missing.episodes}`,
      `SET VARIABLE met_repeat_window_days = ${p.repeat_missing.window_days}`,
      `SET VARIABLE met_rhi_window_hours = ${p.rhi_window_hours}`,
      `SET VARIABLE met_risk_current_days = ${p.risk_current_days}`,
      `SET VARIABLE met_hotspot_top_pct = ${p.hotspot.top_pct}`,
      `SET VARIABLE met_hotspot_min_total = ${p.hotspot.min_total}`,
      `SET VARIABLE met_gap_min_count = ${p.gap_min_count}`,
      `SET VARIABLE met_factor_codes = [${codes}]::VARCHAR[]`,
      `SET VARIABLE met_parameters = '${json}'`,
    ].join(';\n') + ';\n'
  );
}

/** "3rd", "2nd", "21st". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'}`;
}

/** The values a definition's text may name, by placeholder. */
export function wordsFor(p: BuildParameters & Partial<Pick<Parameters, 'rhi_national'> & DisclosureParameters>): Record<string, string> {
  return {
    suppression_threshold: String(p.suppression_threshold ?? PARAMETERS.suppression_threshold),
    published_max_withheld: String(p.published_max_withheld ?? PARAMETERS.published_max_withheld),
    rounding_base: String(p.rounding_base ?? PARAMETERS.rounding_base),
    published_median_min: String(p.published_median_min ?? PARAMETERS.published_median_min),
    repeat_nth: ordinal(p.repeat_missing.episodes),
    repeat_episodes: String(p.repeat_missing.episodes),
    repeat_window_days: String(p.repeat_missing.window_days),
    rhi_window_hours: String(p.rhi_window_hours),
    risk_current_days: String(p.risk_current_days),
    hotspot_top_pct: String(p.hotspot.top_pct),
    hotspot_min_total: String(p.hotspot.min_total),
    gap_min_count: String(p.gap_min_count ?? PARAMETERS.gap_min_count),
    met_factor_codes: p.met_factor_codes.map((c) => (MET_FACTOR_NAMES[c] ? `${c} ${MET_FACTOR_NAMES[c]}` : c)).join(', '),
    rhi_national_pct: String(p.rhi_national?.pct ?? PARAMETERS.rhi_national.pct),
    rhi_national_year: p.rhi_national?.year ?? PARAMETERS.rhi_national.year,
  };
}

/** Fills `{name}` placeholders; an unknown placeholder is a programming error. */
export function fillWords(text: string, words: Record<string, string>): string {
  return text.replace(/\{([a-z_]+)\}/g, (_, k: string) => {
    const w = words[k];
    if (w === undefined) throw new Error(`unknown parameter placeholder {${k}}`);
    return w;
  });
}

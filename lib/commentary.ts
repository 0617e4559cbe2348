// Plain-English commentary a board member can read aloud, per measure family. It is
// written from the figures as shown to the role, so it can never quote a suppressed
// value, nor a change from which one could be worked out; the SPC reading decides
// whether a change is called a signal or normal variation.

import type { Family } from './catalogue.js';
import { measureDef, measureWords } from './catalogue.js';
import { scopeHolds } from '../model/measures.js';
import type { Shown } from '../model/api.js';
import { formatChange, formatFigure, formatNumber, isPercent, MINUS, shownKind } from '../model/format.js';
import type { MeasureOut, MeasuresResponse } from '../model/api.js';

/** A figure as every page writes it (model/format.ts): "69.6%", "10.8", "1,234", "−3". */
const fmt = (v: number, kind: string | undefined): string => formatFigure(v, kind);

/** A change as a percentage of the earlier figure, signed, one decimal: "+7.4%", "−8.3%". */
/** A relative change, "+34.2%"; whole under the published rule ("+34%"), as its percentages are. */
const signedPct = (x: number, whole = false): string => `${x > 0 ? '+' : x < 0 ? MINUS : ''}${formatNumber(Math.abs(x), whole ? 0 : 1, whole ? 0 : 1)}%`;

const periodWord: Record<string, string> = { month: 'month', quarter: 'quarter', fy: 'financial year', year: 'year' };

function kindOfPeriod(id: string): string {
  if (/^\d{4}-\d{2}$/.test(id)) return 'month';
  if (/Q/.test(id)) return 'quarter';
  if (/^FY/.test(id)) return 'fy';
  return 'year';
}

const isNum = (v: Shown | undefined): v is number => typeof v === 'number';

type Params = MeasuresResponse['parameters'];

/**
 * The ages of a measure that does not follow the ages picker (model/measures.ts
 * fixedAges): the scope it is always read in, and the words its label gets when another
 * scope is chosen. A fixed-ages measure not listed here is for children aged 0–17.
 */
const OWN_AGES: Record<string, { scope: string; words: string }> = {
  met_children_18_24: { scope: '18-24', words: 'ages 18–24' },
  transitions: { scope: '0-17', words: 'aged 17' },
};

/** An age scope as people read it, with an en dash: "18–24". */
export function agesWords(scope: string): string {
  return scope.replace('-', '–');
}

/** Who a scope's people are, for the commentary: children (0–17), young adults (18–24), children and young people (0–24). */
export function peopleWords(scope: string, n: number): string {
  if (scope === '18-24') return n === 1 ? 'young adult' : 'young adults';
  if (scope === '0-24') return n === 1 ? 'person' : 'people';
  return n === 1 ? 'child' : 'children';
}

/** True where a measure has no figure for the ages chosen (return interviews for young adults, model/measures.ts onlyAges). */
export function notApplicable(id: string, p?: Params): boolean {
  const only = measureDef(id)?.onlyAges;
  return !!only && !scopeHolds(p?.age_scope ?? '0-17', only);
}

/** The scope a fixed-ages measure is read in, or null for a measure that follows the ages picker. */
export function ownAges(id: string): { scope: string; words: string } | null {
  const def = measureDef(id);
  // Places' figures (CPI submissions, disruptions) are about places and offenders: no ages apply ('*' cells).
  if (def?.family === 'places' && def.kind !== 'rows') return { scope: '*', words: 'not by age' };
  // Provision (services.csv) is about commissioned services, not one child: no ages apply.
  if (def?.family === 'provision') return { scope: '*', words: 'not by age' };
  // Return interviews are for children: read at 0–17 (model/measures.ts onlyAges).
  if (def?.onlyAges) return { scope: def.onlyAges, words: `ages ${agesWords(def.onlyAges)}` };
  if (!def?.fixedAges) return null;
  return OWN_AGES[id] ?? { scope: '0-17', words: 'ages 0–17' };
}

/** A measure's label; one that stays at its own ages while others are chosen says so: "MET children (ages 0–17 only)". */
export function scopedLabel(id: string, p?: Params): string {
  const def = measureDef(id);
  if (!def) return id;
  const label = measureWords(def, p).label;
  const own = ownAges(id);
  const chosen = p?.age_scope ?? '0-17';
  if (!own || chosen === '0-17' || own.scope === chosen || label.includes(own.words.replace(/^ages /, ''))) return label;
  return own.scope === '*' ? `${label} (${own.words})` : `${label} (${own.words} only)`;
}

/**
 * The national comparator (return interviews within 72 hours) is a figure for children: it
 * applies where interviews are read at 0–17 (0–17, and 0–24, where they are read at 0–17).
 */
export function nationalApplies(p: Params): boolean {
  return scopeHolds(p.age_scope, '0-17');
}

/** The commentary's sentences about signals, exceptions and withheld figures. */
export const commentaryWords = {
  /** The latest point is a signal (beyond a limit, a run, a trend); `detail` is the SPC reading's summary. */
  signal: (label: string, high: boolean, higherIsBetter: boolean | undefined, detail: string) =>
    `${label}: ${high ? 'higher' : 'lower'} than expected${higherIsBetter === undefined ? '' : high === higherIsBetter ? ' (better)' : ' (worse)'}, a signal rather than normal variation. ${detail.charAt(0).toUpperCase()}${detail.slice(1)}`,
  /** The latest point is normal but earlier points of the trend are signals. */
  earlierSignal: (label: string, summary: string) => `${label}: ${summary.charAt(0).toLowerCase()}${summary.slice(1)}`,
  national: (side: 'at or above' | 'below', pct: number, year: string, kind = 'pct') =>
    `That is ${side} the national figure of about ${formatFigure(pct, kind)} (${year}).`,
  /** The same, said on its own among the exceptions at the top of a page: it names the figure it is about. */
  nationalBelow: (label: string, value: number, pct: number, year: string, kind = 'pct') =>
    `${label}: ${formatFigure(value, kind)}, below the national figure of about ${formatFigure(pct, kind)} (${year}).`,
  withheld: (label: string) => `${label}: withheld (c) to protect confidentiality.`,
  notGiven: (label: string) => `${label}: not given, as part of a figure withheld (c) to protect confidentiality.`,
  incomplete: 'Caution: this period is not complete in the extracts, so its figures are lower than they will be.',
  ages: (scope: string, someFixed: boolean) =>
    someFixed ? `Figures are for ages ${agesWords(scope)}, except those whose label names their own ages.` : `Figures are for ages ${agesWords(scope)}.`,
  notApplicable: (label: string) => `${label}: not applicable to the ages chosen.`,
  /** Return interviews under a scope without children (18–24). */
  noInterviews: 'Return interviews are for children aged 0–17: there are no interview figures for young adults.',
  /** A page whose every figure is for children, whatever ages are chosen (lib/pages.ts, model/pages.ts `ages`). */
  pageAges: (chosen: string, notByAge: boolean) =>
    `Every figure on this page is for children aged 0–17, whatever ages are chosen (${agesWords(chosen)} chosen)${notByAge ? ', except provision, which is not by age' : ''}.`,
};

/** "Missing episodes rose from 38 to 51 (+34%) against the previous quarter, and from 45 a year earlier; …" */
export function describeChange(
  id: string,
  m: MeasureOut | undefined,
  periodKind: string,
  parameters?: MeasuresResponse['parameters'],
  /** False for a period the extracts do not reach to its end: its figure is so far, not a change. */
  complete = true,
): string | null {
  const def = measureDef(id);
  if (!def || !m) return null;
  const label = scopedLabel(id, parameters);
  // The published rule's parameters carry its limit: its percentages are whole numbers, written so ("69%", "+3 points", "−6%").
  const published = parameters?.published_max_withheld !== undefined;
  const kind = shownKind(def.kind, published ? 'published' : undefined);
  const v = m.value;
  if (v === 'c') return commentaryWords.withheld(label);
  if (notApplicable(id, parameters)) return commentaryWords.notApplicable(label);
  // Published rule: a count not given is a part of a withheld one (lib/audit/protect.ts).
  if (v === null && def.kind === 'count' && published) return commentaryWords.notGiven(label);
  if (!isNum(v)) return `${label}: no figure for this period.`;
  const parts: string[] = [];
  const prev = m.previous;
  const ye = m.year_earlier;
  // A period not complete is not compared as a rise or a fall: part of a period against a whole one.
  if (!complete) {
    // A state at the period's end (children at risk) is read at the data's latest day instead.
    const point = def.overTime === 'point';
    const whole = point ? 'at the end of' : 'in the whole of';
    parts.push(`${label}: ${fmt(v, kind)} ${point ? 'at the latest day of the data' : 'so far'}`);
    if (prev && isNum(prev.value)) parts.push(`${fmt(prev.value, kind)} ${whole} the previous ${periodWord[periodKind]}`);
    if (ye && isNum(ye.value) && ye.period !== prev?.period) parts.push(`${fmt(ye.value, kind)} ${whole} the same ${periodWord[periodKind]} a year earlier`);
    let sentence = parts.join('; ') + ' (this period is not complete in the extracts).';
    if (def.kind === 'count' && v > 0 && v < 20) sentence += ' Numbers this small move a lot by chance.';
    return sentence;
  }
  // The change is the reader's (lib/measures.ts), worked out once for every output.
  if (prev && isNum(prev.value) && typeof prev.change === 'number') {
    const diff = prev.change;
    const verb = diff === 0 ? 'stayed at' : diff > 0 ? 'rose from' : 'fell from';
    // A change in a percentage is told in points, not as a percentage of a percentage.
    const pct =
      diff === 0
        ? ''
        : isPercent(kind)
          ? ` (${formatChange(diff, kind)})`
          : prev.change_pct !== undefined && prev.change_pct !== null
            ? ` (${signedPct(prev.change_pct, published)})`
            : '';
    parts.push(
      diff === 0
        ? `${label} ${verb} ${fmt(v, kind)} against the previous ${periodWord[periodKind]}`
        : `${label} ${verb} ${fmt(prev.value, kind)} to ${fmt(v, kind)}${pct} against the previous ${periodWord[periodKind]}`,
    );
  } else {
    parts.push(`${label}: ${fmt(v, kind)}`);
    // No comparison: say why where the other figure is withheld, never what it is (met-dataset.md).
    const why = hiddenWords(prev?.value, def.kind, published);
    if (why) parts.push(`the previous ${periodWord[periodKind]}’s figure is ${why}`);
  }
  // A financial or calendar year: the previous period is the year earlier, compared once.
  if (ye && ye.period !== prev?.period) {
    if (isNum(ye.value)) parts.push(`${fmt(ye.value, kind)} a year earlier`);
    else {
      const why = hiddenWords(ye.value, def.kind, published);
      if (why) parts.push(`the figure a year earlier is ${why}`);
    }
  }
  let sentence = parts.join('; ') + '.';
  const spc = m.trend?.spc;
  // A signal is said on its own, first (signalSentences); a normal reading is said here.
  if (spc?.status === 'ok' && spc.latest === 'normal') sentence += ' This is within normal variation.';
  if (def.kind === 'count' && v > 0 && v < 20) sentence += ' Numbers this small move a lot by chance.';
  return sentence;
}

/** Why a figure of a comparison is not quoted: withheld (c), or (published rule) a count not given; null when it is simply absent. */
function hiddenWords(v: Shown | undefined, kind: string, published: boolean): string | null {
  if (v === 'c') return 'withheld (c)';
  if (v === null && published && kind === 'count') return 'not given (part of a withheld figure)';
  return null;
}

/** describeChange for a measure of a response, told whether its period is complete. */
function changeIn(r: MeasuresResponse, id: string, pk: string): string | null {
  return describeChange(id, r.measures[id], pk, r.parameters, r.complete !== false);
}

/** A figure the family describes in its own words, said to be withheld when it is (never skipped silently). */
function withheldOf(id: string, v: Shown | undefined, r: MeasuresResponse): string | null {
  if (notApplicable(id, r.parameters)) return null;
  if (v === 'c') return commentaryWords.withheld(scopedLabel(id, r.parameters));
  if (v === null && measureDef(id)?.kind === 'count' && r.disclosure?.rule === 'published') return commentaryWords.notGiven(scopedLabel(id, r.parameters));
  return null;
}

function missing(r: MeasuresResponse, pk: string): string[] {
  const out = [changeIn(r, 'missing_episodes', pk)];
  const rep = r.measures.repeat_missing_children;
  if (rep) {
    const { episodes, window_days } = r.parameters.repeat_missing;
    const v = rep.value;
    out.push(
      isNum(v)
        ? `${fmt(v, 'count')} ${peopleWords(r.parameters.age_scope, v)} ${v === 1 ? 'was' : 'were'} repeat missing (${episodes} or more episodes within ${window_days} days, a local definition).`
        : v === 'c'
          ? `The number of repeat missing ${peopleWords(r.parameters.age_scope, 2)} is withheld (c) to protect confidentiality.`
          : withheldOf('repeat_missing_children', v, r),
    );
  }
  const med = r.measures.median_missing_hours?.value;
  if (isNum(med)) out.push(`Half of returned episodes lasted ${fmt(med, 'median')} hours or less.`);
  else out.push(withheldOf('median_missing_hours', med, r));
  return out.filter((s): s is string => !!s);
}

/** The national comparator's sentence: only for the ages it is a figure for (children 0–17). */
export function nationalSentence(r: MeasuresResponse): string | null {
  const v = r.measures.rhi_completed_72h_pct?.value;
  if (!isNum(v) || !nationalApplies(r.parameters)) return null;
  const { pct, year } = r.parameters.rhi_national;
  return commentaryWords.national(v >= pct ? 'at or above' : 'below', pct, year, shownKind('pct', r.disclosure?.rule));
}

function returnInterviews(r: MeasuresResponse, pk: string): string[] {
  const out: string[] = [];
  const c = r.measures.rhi_completed_72h_pct;
  if (c && scopeHolds(r.parameters.age_scope, '0-17')) {
    const s = changeIn(r, 'rhi_completed_72h_pct', pk);
    if (s) out.push(s);
    const n = nationalSentence(r);
    if (n) out.push(n);
  }
  // Young adults have no return interviews (model/measures.ts onlyAges): said once, instead of figures.
  const children = r.parameters.age_scope === '0-17';
  if (!scopeHolds(r.parameters.age_scope, '0-17') && Object.keys(r.measures).some((id) => measureDef(id)?.onlyAges)) out.push(commentaryWords.noInterviews);
  const returns = r.measures.returns?.value;
  if (isNum(returns))
    out.push(
      children
        ? `${fmt(returns, 'count')} ${returns === 1 ? 'return' : 'returns'} from missing ${returns === 1 ? 'was' : 'were'} due an interview offer within ${r.parameters.rhi_window_hours} hours.`
        : `${fmt(returns, 'count')} ${returns === 1 ? 'return' : 'returns'} from missing (ages ${agesWords(r.parameters.age_scope)}).`,
    );
  else {
    const w = withheldOf('returns', returns, r);
    if (w) out.push(w);
  }
  return out;
}

function risk(r: MeasuresResponse, pk: string): string[] {
  const out = [changeIn(r, 'children_at_risk', pk)];
  const high = r.measures.children_at_risk?.by?.level?.high;
  if (isNum(high)) out.push(`${fmt(high, 'count')} of them ${high === 1 ? 'is' : 'are'} at high risk.`);
  else if (high === 'c') out.push('The number at high risk is withheld (c) to protect confidentiality.');
  const overdue = r.measures.risk_reviews_overdue?.value;
  if (isNum(overdue) && overdue > 0)
    out.push(
      `${fmt(overdue, 'count')} ${overdue === 1 ? 'person’s latest risk assessment is' : 'people’s latest risk assessments are'} overdue for review (older than ${r.parameters.risk_current_days} days).`,
    );
  else out.push(withheldOf('risk_reviews_overdue', overdue, r));
  const esc = r.measures.risk_escalations?.value;
  if (isNum(esc))
    out.push(
      `${fmt(esc, 'count')} ${peopleWords(r.parameters.age_scope, esc)} moved to a higher risk level than at the end of the previous ${periodWord[pk]}.`,
    );
  else out.push(withheldOf('risk_escalations', esc, r));
  return out.filter((s): s is string => !!s);
}

function identification(r: MeasuresResponse, pk: string): string[] {
  const out = [changeIn(r, 'met_children', pk)];
  const prev = r.measures.prevalence_per_10k?.value;
  if (isNum(prev)) out.push(`That is ${fmt(prev, 'per10k')} per 10,000 children aged 0–17.`);
  else out.push(withheldOf('prevalence_per_10k', prev, r));
  out.push(changeIn(r, 'nrm_referrals', pk));
  return out.filter((s): s is string => !!s);
}

function places(r: MeasuresResponse, pk: string): string[] {
  const out: string[] = [];
  const rows = r.measures.hotspots?.rows ?? [];
  const hot = rows.filter((x) => x.hotspot === true).map((x) => String(x.locality));
  // An area whose shown totals have no rank: a total there is withheld and could be any size (lib/rows.ts).
  const unranked = [...new Set(rows.filter((x) => typeof x.total === 'number' && x.rank === 'c').map((x) => String(x.area)))];
  const ranked = new Set(rows.map((x) => String(x.area))).size > unranked.length;
  if (hot.length) out.push(`Hotspots this ${periodWord[pk]}: ${hot.join(', ')}.`);
  else if (rows.length && ranked)
    out.push(
      unranked.length
        ? `No locality of the other areas met the hotspot rule this ${periodWord[pk]}.`
        : `No locality met the hotspot rule this ${periodWord[pk]}.`,
    );
  // Rounded totals tied across the hotspot cut: which are hotspots is not given (lib/rows.ts).
  const tied = rows.filter((x) => typeof x.rank === 'number' && x.hotspot === 'c').map((x) => String(x.locality));
  if (tied.length)
    out.push(
      `Whether ${new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(tied)} ${tied.length === 1 ? 'is a hotspot' : 'are hotspots'} is withheld (c): their rounded totals tie at the hotspot cut, and the exact ones decide.`,
    );
  if (unranked.length)
    out.push(
      `The hotspots of ${new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(unranked)} are withheld (c): a locality’s total there is withheld to protect confidentiality, and could change which are the highest.`,
    );
  const d = changeIn(r, 'disruptions', pk);
  if (d) out.push(d);
  return out;
}

function dataQuality(r: MeasuresResponse): string[] {
  const rows = r.measures.load_summary?.rows ?? [];
  const latest = rows[0]?.refresh_id;
  const q = rows.filter((x) => x.refresh_id === latest).reduce((s, x) => s + (typeof x.quarantined === 'number' ? x.quarantined : 0), 0);
  return latest ? [`The latest refresh quarantined ${q.toLocaleString('en-GB')} rows for correction.`] : [];
}

/** The words that mark rounded figures in the commentary. */
export function roundedNote(base: number): string {
  return `Counts are rounded to the nearest ${base}; changes, percentages, ranks and the tests against chance (intervals, control limits, service gaps, signals) are worked out from the rounded counts, so they can differ from a reading of the exact figures.`;
}

/** Each family's own sentences, without the notes every family shares. */
function familySentences(r: MeasuresResponse): Record<Family, string[]> {
  const pk = kindOfPeriod(r.period);
  return {
    missing: missing(r, pk),
    return_interviews: returnInterviews(r, pk),
    risk: risk(r, pk),
    identification: identification(r, pk),
    places: places(r, pk),
    data_quality: r.role === 'analyst' ? dataQuality(r) : [],
    // Provision's words are the gaps page's provision block's own (lib/pages.ts).
    provision: [],
  };
}

/**
 * The signal of a measure's trend, in words: its latest point a signal (beyond a limit,
 * a run, a trend), or, when the latest is normal, the earlier points that are. Null for
 * normal variation, or where there is no reading (withheld points, too few, incomplete).
 */
export function signalSentence(id: string, m: MeasureOut | undefined, p?: Params): { latest: boolean; text: string } | null {
  const def = measureDef(id);
  const spc = m?.trend?.spc;
  if (!def || spc?.status !== 'ok') return null;
  const label = scopedLabel(id, p);
  if (spc.latest === 'signal_high' || spc.latest === 'signal_low') {
    const detail = spc.summary.replace(/^Signal: /, '');
    return { latest: true, text: commentaryWords.signal(label, spc.latest === 'signal_high', def.higherIsBetter, detail) };
  }
  if (spc.signals.length > 0) return { latest: false, text: commentaryWords.earlierSignal(label, spc.summary) };
  return null;
}

/** The notes every family ends with (rounding, ages), said once. */
function notes(r: MeasuresResponse): string[] {
  const out: string[] = [];
  // The published rule: every count is rounded, and so is what is worked out from it.
  if (r.disclosure?.rule === 'published') out.push(roundedNote(r.disclosure.rounding_base ?? r.parameters.rounding_base ?? 5));
  if (r.parameters.age_scope !== '0-17')
    out.push(
      commentaryWords.ages(
        r.parameters.age_scope,
        Object.keys(r.measures).some((id) => ownAges(id) !== null),
      ),
    );
  return out;
}

/**
 * A page's commentary, signals first:
 *  1. the caution of a period not complete;
 *  2. every measure on the page whose latest point is a signal, in the page's order;
 *  3. the exceptions: earlier signals in a trend shown, a figure below its comparator (the national figure);
 *  4. the families' sentences, then the page's blocks' own (`extra`);
 *  5. every figure on the page that is withheld and not yet said so;
 *  6. the notes (rounding, ages).
 * No sentence is said twice (the first place it comes wins).
 */
export function pageCommentary(r: MeasuresResponse, opts: { families: readonly string[]; measures: readonly string[]; extra?: readonly string[] }): string[] {
  const fam = familySentences(r);
  const first: string[] = r.complete === false ? [commentaryWords.incomplete] : [];
  const signals = opts.measures.map((id) => signalSentence(id, r.measures[id], r.parameters)).filter((x) => x !== null);
  const exceptions = signals.filter((x) => !x.latest).map((x) => x.text);
  const national = nationalSentence(r);
  const rhi = r.measures.rhi_completed_72h_pct?.value as number;
  const below = national !== null && opts.measures.includes('rhi_completed_72h_pct') && rhi < r.parameters.rhi_national.pct;
  // Among the exceptions the comparison names its figure ("That is below …" would follow another measure's sentence);
  // the family's own "That is below …", after the figure's change, is then not said again.
  if (below)
    exceptions.push(
      commentaryWords.nationalBelow(
        scopedLabel('rhi_completed_72h_pct', r.parameters),
        rhi,
        r.parameters.rhi_national.pct,
        r.parameters.rhi_national.year,
        shownKind('pct', r.disclosure?.rule),
      ),
    );
  const rest = opts.families.flatMap((f) => fam[f as Family] ?? []).filter((x) => !(below && x === national));
  const pk = kindOfPeriod(r.period);
  const withheld = opts.measures
    .filter((id) => measureDef(id)?.kind !== 'rows')
    .map((id) => (withheldOf(id, r.measures[id]?.value, r) ? changeIn(r, id, pk) : null))
    .filter((x): x is string => !!x);
  // A family that says a figure is withheld in its own words is not repeated by the generic sentence.
  // So is one a block says (the four areas compared name the chosen area's withheld figure in their sentence).
  const said = (x: string) => [...rest, ...(opts.extra ?? [])].some((y) => y.includes('withheld') && y.toLowerCase().includes(x.split(':')[0]!.toLowerCase()));
  return [
    ...new Set([
      ...first,
      ...signals.filter((x) => x.latest).map((x) => x.text),
      ...exceptions,
      ...rest,
      ...(opts.extra ?? []),
      ...withheld.filter((x) => !said(x)),
      ...notes(r),
    ]),
  ];
}

/** Each family's commentary for /api/measures: its signals first, its sentences, then the shared notes. */
export function commentary(r: MeasuresResponse): Record<Family, string[]> {
  const out = familySentences(r);
  for (const k of Object.keys(out) as Family[]) {
    if (!out[k].length || k === 'data_quality') continue;
    const ids = Object.keys(r.measures).filter((id) => measureDef(id)?.family === k);
    const signals = ids
      .map((id) => signalSentence(id, r.measures[id], r.parameters))
      .filter((x): x is { latest: boolean; text: string } => x?.latest === true)
      .map((x) => x.text);
    out[k] = [...(r.complete === false ? [commentaryWords.incomplete] : []), ...signals, ...out[k], ...notes(r)];
  }
  return out;
}

// Plain-English commentary a board member can read aloud, per measure family. It is
// written from the figures as shown to the role, so it can never quote a suppressed
// value, nor a change from which one could be worked out; the SPC reading decides
// whether a change is called a signal or normal variation.

import type { Family } from './catalogue.js';
import { measureDef, measureWords } from './catalogue.js';
import type { Shown } from '../model/api.js';
import type { MeasureOut, MeasuresResponse } from '../model/api.js';

function fmt(v: number, kind: string | undefined): string {
  const s = v.toLocaleString('en-GB', { maximumFractionDigits: 2 });
  if (kind === 'pct') return `${s}%`;
  return s;
}

const periodWord: Record<string, string> = { month: 'month', quarter: 'quarter', fy: 'financial year', year: 'year' };

function kindOfPeriod(id: string): string {
  if (/^\d{4}-\d{2}$/.test(id)) return 'month';
  if (/Q/.test(id)) return 'quarter';
  if (/^FY/.test(id)) return 'fy';
  return 'year';
}

const isNum = (v: Shown | undefined): v is number => typeof v === 'number';

/** "Missing episodes rose from 38 to 51 (+34%) against the previous quarter, and from 45 a year earlier; …" */
export function describeChange(id: string, m: MeasureOut | undefined, periodKind: string, parameters?: MeasuresResponse['parameters']): string | null {
  const def = measureDef(id);
  if (!def || !m) return null;
  const label = measureWords(def, parameters).label;
  const v = m.value;
  if (v === 'c') return `${label}: withheld (c) to protect confidentiality.`;
  // Published rule: a count not given is a part of a withheld one (lib/audit/protect.ts).
  if (v === null && def.kind === 'count' && parameters?.published_max_withheld !== undefined)
    return `${label}: not given, as part of a figure withheld (c) to protect confidentiality.`;
  if (!isNum(v)) return `${label}: no figure for this period.`;
  const parts: string[] = [];
  const prev = m.previous;
  // The change is the reader's (lib/measures.ts), worked out once for every output.
  if (prev && isNum(prev.value) && typeof prev.change === 'number') {
    const diff = prev.change;
    const verb = diff === 0 ? 'stayed at' : diff > 0 ? 'rose from' : 'fell from';
    // A change in a percentage is told in points, not as a percentage of a percentage.
    const pct =
      diff === 0
        ? ''
        : def.kind === 'pct'
          ? ` (${diff > 0 ? '+' : ''}${diff} points)`
          : prev.change_pct !== undefined && prev.change_pct !== null
            ? ` (${diff > 0 ? '+' : ''}${prev.change_pct}%)`
            : '';
    parts.push(
      diff === 0
        ? `${label} ${verb} ${fmt(v, def.kind)} against the previous ${periodWord[periodKind]}`
        : `${label} ${verb} ${fmt(prev.value, def.kind)} to ${fmt(v, def.kind)}${pct} against the previous ${periodWord[periodKind]}`,
    );
  } else {
    parts.push(`${label}: ${fmt(v, def.kind)}`);
  }
  const ye = m.year_earlier;
  if (ye && isNum(ye.value)) parts.push(`${fmt(ye.value, def.kind)} a year earlier`);
  let sentence = parts.join('; ') + '.';
  const spc = m.trend?.spc;
  if (spc?.status === 'ok') {
    if (spc.latest === 'signal_high')
      sentence += ` The latest figure is a signal: unusually ${def.higherIsBetter ? 'high (better)' : 'high'}, not normal variation.`;
    else if (spc.latest === 'signal_low')
      sentence += ` The latest figure is a signal: unusually ${def.higherIsBetter ? 'low (worse)' : 'low'}, not normal variation.`;
    else sentence += ' This is within normal variation.';
  }
  if (def.kind === 'count' && v > 0 && v < 20) sentence += ' Numbers this small move a lot by chance.';
  return sentence;
}

function missing(r: MeasuresResponse, pk: string): string[] {
  const out = [describeChange('missing_episodes', r.measures.missing_episodes, pk, r.parameters)];
  const rep = r.measures.repeat_missing_children;
  if (rep) {
    const { episodes, window_days } = r.parameters.repeat_missing;
    const v = rep.value;
    out.push(
      isNum(v)
        ? `${fmt(v, 'count')} ${v === 1 ? 'child was' : 'children were'} repeat missing (${episodes} or more episodes within ${window_days} days, a local definition).`
        : v === 'c'
          ? `The number of repeat missing children is withheld (c) to protect confidentiality.`
          : null,
    );
  }
  const med = r.measures.median_missing_hours?.value;
  if (isNum(med)) out.push(`Half of returned episodes lasted ${fmt(med, 'count')} hours or less.`);
  return out.filter((s): s is string => !!s);
}

function returnInterviews(r: MeasuresResponse, pk: string): string[] {
  const out: string[] = [];
  const c = r.measures.rhi_completed_72h_pct;
  if (c) {
    const s = describeChange('rhi_completed_72h_pct', c, pk, r.parameters);
    if (s) out.push(s);
    if (isNum(c.value)) {
      const { pct, year } = r.parameters.rhi_national;
      const side = c.value >= pct ? 'at or above' : 'below';
      out.push(`That is ${side} the national figure of about ${pct}% (${year}).`);
    }
  }
  const returns = r.measures.returns?.value;
  if (isNum(returns))
    out.push(
      `${fmt(returns, 'count')} ${returns === 1 ? 'return' : 'returns'} from missing ${returns === 1 ? 'was' : 'were'} due an interview offer within ${r.parameters.rhi_window_hours} hours.`,
    );
  return out;
}

function risk(r: MeasuresResponse, pk: string): string[] {
  const out = [describeChange('children_at_risk', r.measures.children_at_risk, pk, r.parameters)];
  const high = r.measures.children_at_risk?.by?.level?.high;
  if (isNum(high)) out.push(`${fmt(high, 'count')} of them ${high === 1 ? 'is' : 'are'} at high risk.`);
  const overdue = r.measures.risk_reviews_overdue?.value;
  if (isNum(overdue) && overdue > 0)
    out.push(
      `${fmt(overdue, 'count')} ${overdue === 1 ? 'person’s latest risk assessment is' : 'people’s latest risk assessments are'} overdue for review (older than ${r.parameters.risk_current_days} days).`,
    );
  const esc = r.measures.risk_escalations?.value;
  if (isNum(esc))
    out.push(`${fmt(esc, 'count')} ${esc === 1 ? 'child' : 'children'} moved to a higher risk level than at the end of the previous ${periodWord[pk]}.`);
  return out.filter((s): s is string => !!s);
}

function identification(r: MeasuresResponse, pk: string): string[] {
  const out = [describeChange('met_children', r.measures.met_children, pk, r.parameters)];
  const prev = r.measures.prevalence_per_10k?.value;
  if (isNum(prev)) out.push(`That is ${fmt(prev, 'count')} per 10,000 children aged 0–17.`);
  out.push(describeChange('nrm_referrals', r.measures.nrm_referrals, pk, r.parameters));
  return out.filter((s): s is string => !!s);
}

function places(r: MeasuresResponse, pk: string): string[] {
  const out: string[] = [];
  const rows = r.measures.hotspots?.rows ?? [];
  const hot = rows.filter((x) => x.hotspot === true).map((x) => String(x.locality));
  if (rows.length) out.push(hot.length ? `Hotspots this ${periodWord[pk]}: ${hot.join(', ')}.` : `No locality met the hotspot rule this ${periodWord[pk]}.`);
  const d = describeChange('disruptions', r.measures.disruptions, pk, r.parameters);
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
  return `Counts are rounded to the nearest ${base}; changes and percentages are worked out from the rounded counts.`;
}

export function commentary(r: MeasuresResponse): Record<Family, string[]> {
  const pk = kindOfPeriod(r.period);
  const out: Record<Family, string[]> = {
    missing: missing(r, pk),
    return_interviews: returnInterviews(r, pk),
    risk: risk(r, pk),
    identification: identification(r, pk),
    places: places(r, pk),
    data_quality: r.role === 'analyst' ? dataQuality(r) : [],
    // Provision's words are the gaps page's provision block's own (lib/pages.ts).
    provision: [],
  };
  if (r.complete === false) {
    for (const k of Object.keys(out) as Family[]) {
      if (out[k].length && k !== 'data_quality')
        out[k].unshift('Caution: this period is not complete in the extracts, so its figures are lower than they will be.');
    }
  }
  if (r.disclosure?.rule === 'published') {
    // The published rule: every count is rounded, and so is what is worked out from it.
    for (const k of Object.keys(out) as Family[])
      if (out[k].length && k !== 'data_quality') out[k].push(roundedNote(r.disclosure.rounding_base ?? r.parameters.rounding_base ?? 5));
  }
  if (r.parameters.age_scope !== '0-17') {
    for (const k of Object.keys(out) as Family[]) if (out[k].length && k !== 'data_quality') out[k].push(`Figures are for ages ${r.parameters.age_scope}.`);
  }
  return out;
}

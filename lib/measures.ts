// Reading the measures: the one way every output (command line, API, pages, board
// pack) gets its figures. In steps: the request is parsed and checked (lib/request.ts),
// the figures it needs are read from the pre-aggregated tables (lib/read.ts), disclosure
// control for the caller's role gives the figures shown (lib/shown.ts), and here they
// are put together with their comparisons, trends and SPC reading, warnings and commentary.

import type { Db } from './db.js';
import type { MeasureDef } from './catalogue.js';
import { disclosureInfo, type Shown } from './disclosure.js';
import { xmr } from './spc.js';
import { commentary } from './commentary.js';
import { parseRequest, type MeasuresRequest, type ParsedRequest } from './request.js';
import { readFigures, readRows, type DataReach, type Figures } from './read.js';
import { shownFigures, shownRows, type ShownByArea } from './shown.js';
import { PARAMETERS } from '../model/parameters.js';
import { scopeHolds } from '../model/measures.js';
import type { Comparison, MeasureOut, MeasuresResponse } from '../model/api.js';

export type { Comparison, MeasureOut, MeasuresResponse } from '../model/api.js';
export { ANALYST_ONLY_MEASURES, ForbiddenError, parseArea, parseRole, parseScope, RequestError, type MeasuresRequest } from './request.js';
export { builtParameters, dataReach, MeasureNotBuilt, measuresNotBuilt, ProtectionNotBuilt, withinReach, type DataReach } from './read.js';

/**
 * The one place a change is worked out, for every output (tiles, commentary, API):
 * the difference to 2 decimals, and the relative change in % to 1 decimal (null from
 * 0). Left out where either side is not a shown number, so it never reveals a withheld one.
 */
/** The change between two shown figures, and in % of the earlier one (one decimal; whole under the published rule, whose percentages are whole). */
export function changeOf(now: Shown, then: Shown, wholePct = false): Pick<Comparison, 'change' | 'change_pct'> {
  if (typeof now !== 'number' || typeof then !== 'number') return {};
  const change = Math.round((now - then) * 100) / 100;
  const f = wholePct ? 1 : 10;
  const change_pct = then === 0 ? null : Math.round(((now - then) / then) * 100 * f) / f;
  return { change, change_pct };
}

/**
 * A period that runs past the latest episode in the extracts is still filling up: its
 * figures are low for that reason alone, so they are not read as a signal.
 */
function incompleteWarning(q: ParsedRequest, reach: DataReach): string | null {
  const dataEnd = reach.latestEvent;
  if (dataEnd === null || dataEnd === undefined || !(q.period.last > dataEnd)) return null;
  return `${q.period.label} runs past the latest episode in the extracts (${dataEnd}): its figures are incomplete, and no trend reading is given for it`;
}

type ShownFor = (def: MeasureDef, periodId: string) => ShownByArea;

/** One figure-like measure: its value and breakdowns, compared with the period before and a year earlier, and its trend. */
function measureOut(def: MeasureDef, shownFor: ShownFor, q: ParsedRequest, f: Figures, incomplete: boolean): MeasureOut {
  const here = shownFor(def, q.period.id)[q.area]!;
  const out: MeasureOut = { value: here.headline };
  if (Object.keys(here.by).length > 0) out.by = here.by;
  for (const [label, p] of [
    ['previous', f.previous],
    ['year_earlier', f.yearEarlier],
  ] as const) {
    if (!p) continue;
    const then = shownFor(def, p.id)[q.area]!.headline;
    out[label] = { period: p.id, value: then, ...changeOf(here.headline, then, q.rule.rule === 'published') };
  }
  if (f.trend.length > 0) {
    const values = f.trend.map((p) => shownFor(def, p.id)[q.area]!.headline);
    out.trend = {
      periods: f.trend.map((p) => p.id),
      values,
      spc: incomplete ? { status: 'no_data', summary: `No reading: ${q.period.label} is not complete in the extracts.` } : xmr(values),
    };
  }
  return out;
}

/** Prevalence asked for where the population gives it no denominator. */
function prevalenceWarning(q: ParsedRequest, f: Figures): string | null {
  if (!q.defs.some((d) => d.id === 'prevalence_per_10k')) return null;
  const { area, period } = q;
  const t = f.tables.get('prevalence_per_10k')?.get(period.id)?.[area];
  if (!t || (t.headline.den !== null && t.headline.den !== 0)) return null;
  return t.headline.den === 0
    ? `prevalence for ${area} in ${period.id} has no population denominator: the population.csv estimate used for ${period.id} has no one aged 0-17 in ${area === 'all' ? 'the four areas' : area}`
    : `prevalence for ${area} in ${period.id} has no population denominator: population.csv has no estimate for ${area === 'all' ? 'one of the areas' : area} for ${period.id} or any earlier year`;
}

function parametersOf(q: ParsedRequest, req: MeasuresRequest, f: Figures): MeasuresResponse['parameters'] {
  return {
    age_scope: q.scope,
    ...f.built,
    suppression_threshold: q.threshold,
    ...(q.rule.rule === 'published'
      ? { published_max_withheld: q.rule.maxWithheld, rounding_base: q.rule.roundingBase!, published_median_min: q.rule.medianMin! }
      : {}),
    rhi_national: { ...(req.national ?? PARAMETERS.rhi_national) },
    trend_periods: q.trendN,
  };
}

export async function readMeasures(db: Db, req: MeasuresRequest): Promise<MeasuresResponse> {
  const q = parseRequest(req);
  const f = await readFigures(db, q);
  const warnings: string[] = [];
  const incomplete = incompleteWarning(q, f.reach);
  if (incomplete) warnings.push(incomplete);
  // The table-like measures first: protecting their rows may withhold an area total shown
  // beside them (a column with no other cell left to withhold), which is then withheld here too.
  const measures: Record<string, MeasureOut> = {};
  const rowDefs = q.defs.filter((d) => d.kind === 'rows');
  let withheld: string[] = [];
  if (rowDefs.length > 0) {
    const rows = shownRows(rowDefs, await readRows(db, q), f.tables, q, f.built, f.protection);
    Object.assign(measures, rows.measures);
    withheld = rows.withheldHeadlines;
  }
  const shownFor = shownFigures(q, f, withheld);
  for (const def of q.defs) if (def.kind !== 'rows') measures[def.id] = measureOut(def, shownFor, q, f, incomplete !== null);
  // A measure only for some ages (return interviews are for children, model/measures.ts
  // onlyAges): read at those ages under a scope that holds them (0-24), the same
  // disclosure-controlled read; none under one that does not (18-24): no figure, no trend.
  const only = q.defs.filter((d) => d.onlyAges && d.onlyAges !== q.scope && d.kind !== 'rows');
  for (const def of only) {
    if (!scopeHolds(q.scope, def.onlyAges!)) measures[def.id] = { value: null };
  }
  const held = only.filter((d) => scopeHolds(q.scope, d.onlyAges!));
  if (held.length > 0) {
    const own = await readMeasures(db, { ...req, scope: held[0]!.onlyAges!, ids: held.map((d) => d.id) });
    for (const def of held) if (own.measures[def.id]) measures[def.id] = own.measures[def.id]!;
  }
  const prevalence = prevalenceWarning(q, f);
  if (prevalence) warnings.push(prevalence);
  const ordered: Record<string, MeasureOut> = {};
  for (const def of q.defs) if (measures[def.id]) ordered[def.id] = measures[def.id]!;
  const response: MeasuresResponse = {
    period: q.period.id,
    period_label: q.period.label,
    area: q.area,
    role: q.role,
    parameters: parametersOf(q, req, f),
    measures: ordered,
    commentary: {},
    warnings,
    complete: incomplete === null,
    disclosure: disclosureInfo(q.rule),
  };
  response.commentary = commentary(response);
  return response;
}

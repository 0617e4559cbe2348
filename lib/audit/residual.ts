// The attack across answers, for one financial year: everything one role can obtain for
// it (the year, its quarters and, where the role may ask for them, its months; the four
// areas and all; the three age scopes; every measure with its breakdowns, table-like
// rows and comparisons), put together by one attacker. For the partner rule this is
// the residual risk the partnership accepts for named, audited users (no single answer
// narrows a cell below the threshold, but many together may); for the published rule
// it must find nothing: no withheld cell pinned or narrowed to fewer than 3 values.
// Page models add nothing to this: each is built from measures answers (lib/pages.ts).

import type { Db } from '../db.js';
import { readMeasures, RequestError, dataReach } from '../measures.js';
import { lastPeriods, parsePeriod, periodContaining } from '../periods.js';
import { MEASURES } from '../catalogue.js';
import { AREAS_AND_ALL } from '../../model/areas.js';
import { AGE_SCOPES } from '../../model/ages.js';
import { audienceOf, type Role } from '../../model/roles.js';
import type { MeasuresResponse } from '../../model/api.js';
import { attack, type AuditFigures } from './index.js';
import type { Populations } from './collect.js';
import { cellId } from './knowledge.js';

export interface ResidualReport {
  /** The financial year attacked, e.g. FY2024-25. */
  fy: string;
  role: Role;
  audience: 'partner' | 'published';
  threshold: number;
  /** The periods read and how many answers the attacker held. */
  periods: string[];
  answers: number;
  figures: AuditFigures;
}

/** The public populations behind the rates per 10,000: what the ONS publishes, so the attacker has them. */
export async function readPopulations(db: Db): Promise<Populations> {
  const per10k = MEASURES.filter((m) => m.kind === 'per10k').map((m) => m.id);
  const cells = await db.all<{ measure: string; period_id: string; area: string; scope: string; den: number | null }>(
    `SELECT measure, period_id, area, scope, den FROM measure_cells WHERE breakdown = '' AND measure IN (${per10k.map((m) => `'${m}'`).join(', ')})`,
    undefined,
    'reading the populations behind the rates',
  );
  const byCell = new Map<string, number>();
  for (const c of cells)
    if (c.den) byCell.set(cellId({ measure: c.measure, period: c.period_id, area: c.area, scope: c.scope, breakdown: '', key: '' }), c.den);
  const rows = await db.all<{ period_id: string; scope: string; row: string }>(
    `SELECT period_id, scope, row FROM measure_rows WHERE measure = 'service_gaps'`,
    undefined,
    'reading the localities’ populations',
  );
  const byLocality = new Map<string, number>();
  for (const r of rows) {
    const x = JSON.parse(r.row) as { locality?: string; area?: string; prevalence_per_10k?: { d?: number | null } };
    const d = x.prevalence_per_10k?.d;
    if (d && x.locality) byLocality.set([r.period_id, x.area, r.scope, x.locality.replace(/_/g, ' ')].join('|'), d);
  }
  return (q) =>
    q.locality !== undefined
      ? byLocality.get([q.period, q.area, q.scope, q.locality].join('|'))
      : byCell.get(cellId({ measure: q.measure, period: q.period, area: q.area, scope: q.scope, breakdown: '', key: '' }));
}

/** Published rule: the counts withheld to protect another (lib/audit/protect.ts): the attacker is told which. */
export async function readProtective(db: Db): Promise<Set<string>> {
  const rows = await db.all<{ cell: string }>(
    `SELECT cell FROM published_protected WHERE NOT not_given`,
    undefined,
    'reading the counts withheld to protect others',
  );
  return new Set(rows.map((r) => r.cell));
}

/** The latest financial year the data covers to its end; else the one holding the latest complete quarter. */
export async function auditYear(db: Db): Promise<string | null> {
  const reach = await dataReach(db);
  if (!reach.latestEvent) return null;
  const fy = periodContaining('fy', reach.latestEvent);
  const complete = fy.last <= reach.latestEvent ? fy : periodContaining('fy', `${Number(fy.start.slice(0, 4)) - 1}${fy.start.slice(4)}`);
  return complete.id;
}

/** A financial year's periods: the year, its quarters and (for roles that may ask for them) its months. */
export function yearPeriods(fy: string, months: boolean): string[] {
  const y = parsePeriod(fy);
  const quarters = lastPeriods(periodContaining('quarter', y.last), 4).map((q) => q.id);
  const ms = months ? lastPeriods(periodContaining('month', y.last), 12).map((m) => m.id) : [];
  return [fy, ...quarters, ...ms];
}

/** Every measures answer the role can obtain for the year's periods, every area and age scope. */
export async function gatherYear(db: Db, role: Role, periods: string[], yieldEvery?: () => Promise<void>): Promise<MeasuresResponse[]> {
  const out: MeasuresResponse[] = [];
  for (const period of periods)
    for (const area of AREAS_AND_ALL)
      for (const scope of AGE_SCOPES) {
        try {
          out.push(await readMeasures(db, { period, area, scope, role, trend: 0 }));
        } catch (e) {
          // A period the role may not ask for, or that the data does not reach: not obtainable.
          if (!(e instanceof RequestError)) throw e;
        }
        await yieldEvery?.();
      }
  return out;
}

/**
 * The attack on one financial year (default: auditYear) for one role: its withheld
 * cells, how many the attacker pins, narrows below the threshold or to fewer than 3
 * values, and how far (the widths of their ranges).
 */
export async function residualRisk(db: Db, opts: { role?: Role; fy?: string; threshold?: number; months?: boolean } = {}): Promise<ResidualReport | null> {
  const role = opts.role ?? 'board';
  const audience = audienceOf(role);
  if (audience === 'exact') throw new RequestError(`the ${role} role sees exact figures: there is nothing withheld to attack`);
  const fy = opts.fy ?? (await auditYear(db));
  if (!fy) return null;
  const threshold = opts.threshold ?? 5;
  const periods = yearPeriods(fy, opts.months ?? audience === 'partner');
  const pause = () => new Promise<void>((r) => setImmediate(r));
  const answers = await gatherYear(db, role, periods, pause);
  const inYear = new Set(periods);
  const populations = await readPopulations(db);
  const protective = audience === 'published' ? await readProtective(db) : undefined;
  const { figures } = await attack({ measures: answers }, audience, {
    threshold,
    populations,
    ...(protective ? { protective } : {}),
    only: (c) => inYear.has(c.key.period),
    pause,
    // The published rule's test needs 3 values seen, not each end proven.
    ...(audience === 'published' ? { enough: 3 } : {}),
  });
  return { fy, role, audience, threshold, periods: [...new Set(answers.map((a) => a.period))], answers: answers.length, figures };
}

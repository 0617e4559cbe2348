// /api/meta: what a client needs before asking for figures: the role it runs as, the
// refresh it sees, the periods the warehouse covers and the measures' definitions.

import { AGE_SCOPES, AREAS_AND_ALL, MEASURES, PARAMETERS } from '../lib/catalogue.js';
import type { Db } from '../lib/db.js';
import { audienceOf, type Role } from '../lib/disclosure.js';
import { readMeasures } from '../lib/measures.js';
import type { AreaName } from '../model/areas.js';
import type { WarehouseInfo } from './warehouse.js';

export function roleNote(role: Role, signIn = false): string {
  const what = role === 'analyst' ? 'exact figures' : 'figures under disclosure control (c = withheld)';
  if (signIn) return `You see what the ${role} role sees: ${what}.`;
  return `Sign-in is off on this server: every request runs as the ${role} role, ${what}.`;
}

/** With no warehouse yet (db and info null), the answer still says who the caller is and what
 *  can be asked, so the analyst's Data page can offer the first upload. */
export async function meta(db: Db | null, info: WarehouseInfo | null, role: Role, version: string, who: { area?: AreaName | null; signIn?: boolean } = {}) {
  // How current each source is: the stored timeliness rows, read the one way figures are read.
  let sources: { source: string; latest_event: string | null; refreshed: string | null }[] = [];
  // Per-source detail is data quality: for the analyst only (lib/measures.ts ANALYST_ONLY_MEASURES).
  if (db && info?.default_period && role === 'analyst') {
    const r = await readMeasures(db, { period: info.default_period, area: 'all', role, trend: 0, ids: ['timeliness'] });
    sources = (r.measures.timeliness?.rows ?? []).map((x) => ({
      source: String(x.source),
      latest_event: (x.latest_event as string | null) ?? null,
      refreshed: (x.refreshed as string | null) ?? null,
    }));
  }
  return {
    version,
    role,
    role_note: roleNote(role, who.signIn),
    account_area: who.area ?? null,
    refresh: info ? { refresh_id: info.refresh_id, finished_at: info.finished_at, sources } : null,
    // An account limited to an area is offered that area only (guards.ts areaFor refuses the others).
    areas: who.area ? [who.area] : AREAS_AND_ALL,
    age_scopes: AGE_SCOPES,
    // The published rule (public) is for quarters and financial years only (lib/request.ts); partners may ask for any period.
    periods: periodsFor(role, info?.periods ?? { month: [], quarter: [], fy: [], year: [] }),
    default_period: info?.default_period ?? null,
    // Offered, marked "(in progress)", never the default (lib/periods.ts offerPeriods).
    in_progress: info?.in_progress ?? [],
    measures: MEASURES.map((m) => ({
      id: m.id,
      label: m.label,
      family: m.family,
      kind: m.kind,
      definition: m.definition,
      breakdowns: (m.breakdowns ?? []).map((b) => b.id),
    })),
    parameters: PARAMETERS,
  };
}

function periodsFor<T extends { month: string[]; quarter: string[]; fy: string[]; year: string[] }>(role: Role, periods: T): T {
  return audienceOf(role) === 'published' ? { ...periods, month: [], year: [] } : periods;
}

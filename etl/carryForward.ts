// What a refresh keeps of the previous warehouse: the sources its folder did not
// replace (a file present replaces its source; a file absent leaves it as it was).

import { literal, type Db } from '../lib/db.js';
import type { SourceName } from './contract.js';
import { stopwatch } from './profile.js';

/** Warehouse tables and which source fills them. */
export const TABLE_OF: Partial<Record<SourceName, string>> = {
  population: 'population',
  missing_episodes: 'missing_episodes',
  ssda903_missing: 'missing_episodes',
  return_interviews: 'return_interviews',
  risk_assessments: 'risk_assessments',
  referrals: 'referrals',
  nrm_referrals: 'nrm_referrals',
  intelligence: 'intelligence',
  disruptions: 'disruptions',
  actions: 'actions',
  services: 'services',
};

/** Which of the previous warehouse's rows of a table survive this refresh. */
export function keepPrevious(table: string, replaced: Set<SourceName>, area: string | undefined): string | null {
  if (table === 'missing_episodes') {
    const keep: string[] = [];
    if (!replaced.has('missing_episodes')) keep.push(`origin = 'missing_episodes'`);
    keep.push(replaced.has('ssda903_missing') ? `(origin = 'ssda903' AND area <> ${literal(area ?? '')})` : `origin = 'ssda903'`);
    return keep.join(' OR ');
  }
  const source = (Object.entries(TABLE_OF) as [SourceName, string][]).find(([, t]) => t === table)?.[0];
  if (!source) return 'true';
  return replaced.has(source) ? null : 'true';
}

export async function tableExists(db: Db, catalog: string, table: string): Promise<boolean> {
  const n = await db.value<number>(`SELECT count(*) FROM duckdb_tables() WHERE database_name = $c AND table_name = $t`, { c: catalog, t: table });
  return n > 0;
}

export async function copyPrevious(db: Db, table: string, where: string | null): Promise<void> {
  if (where === null) return;
  if (!(await tableExists(db, 'prev', table))) return;
  const tick = stopwatch();
  await db.run(`INSERT INTO wh.${table} BY NAME SELECT * FROM prev.${table} WHERE ${where}`, undefined, `keeping the previous ${table}`);
  tick(`kept ${table}`);
}

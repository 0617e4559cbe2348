// The key a warehouse was built with, and what a deliberate key change (--rekey) needs.
// Pseudonyms made under two keys never match, so a refresh under another key would
// silently break every link between sources: refused unless it rebuilds them all.

import type { Db } from '../lib/db.js';
import { sourceByName, type SourceName } from './contract.js';

/** Sources whose rows carry pseudonyms: all of them must be rebuilt under a new key. */
export const PSEUDONYM_SOURCES: SourceName[] = [
  'missing_episodes',
  'ssda903_missing',
  'return_interviews',
  'risk_assessments',
  'referrals',
  'nrm_referrals',
  'intelligence',
  'disruptions',
];

/** Warehouse tables holding pseudonyms: nothing of them is carried forward by --rekey. */
export const PSEUDONYM_TABLES = new Set([
  'missing_episodes',
  'return_interviews',
  'risk_assessments',
  'referrals',
  'nrm_referrals',
  'intelligence',
  'disruptions',
]);

async function prevHas(db: Db, table: string): Promise<boolean> {
  const n = await db.value<number>(`SELECT count(*) FROM duckdb_tables() WHERE database_name = 'prev' AND table_name = $t`, { t: table });
  return n > 0;
}

/** The fingerprint the previous warehouse (attached as `prev`) records; null if none. */
export async function previousFingerprint(db: Db): Promise<string | null> {
  if (!(await prevHas(db, 'warehouse_meta'))) return null;
  const rows = await db.all<{ value: string }>(`SELECT value FROM prev.warehouse_meta WHERE name = 'key_fingerprint'`);
  return rows[0]?.value ?? null;
}

/**
 * True when the previous warehouse's file was written by the warehouse writer, whose
 * memory never held a raw reference (etl/writeWarehouse.ts). One written before may hold
 * raw references in its blocks' unused bytes: the writer then reads nothing of it.
 */
export async function previousWrittenClean(db: Db): Promise<boolean> {
  if (!(await prevHas(db, 'warehouse_meta'))) return false;
  const n = await db.value<number>(`SELECT count(*) FROM prev.warehouse_meta WHERE name = 'file_writer'`);
  return Number(n) > 0;
}

/** True when the previous warehouse holds any pseudonymised row. */
export async function previousHoldsPseudonyms(db: Db): Promise<boolean> {
  for (const t of PSEUDONYM_TABLES) {
    if ((await prevHas(db, t)) && (await db.value<number>(`SELECT count(*) FROM (SELECT 1 FROM prev.${t} LIMIT 1)`)) > 0) return true;
  }
  return false;
}

/**
 * What --rekey needs: the file of every pseudonym source the previous warehouse holds
 * data for (SSDA903 aside: a return is loaded one area at a time), and the areas whose
 * SSDA903 returns it holds.
 */
export async function rekeyNeeds(db: Db): Promise<{ sources: SourceName[]; ssda903Areas: string[] }> {
  if (!(await prevHas(db, 'source_state'))) return { sources: [], ssda903Areas: [] };
  const rows = await db.all<{ source: string; scope: string }>(`SELECT source, scope FROM prev.source_state ORDER BY source, scope`);
  const sources = [...new Set(rows.map((r) => r.source))].filter(
    (s): s is SourceName => s !== 'ssda903_missing' && (PSEUDONYM_SOURCES as string[]).includes(s),
  );
  const ssda903Areas = rows.filter((r) => r.source === 'ssda903_missing').map((r) => r.scope);
  return { sources, ssda903Areas };
}

export function fileOf(source: SourceName): string {
  return sourceByName(source).file;
}

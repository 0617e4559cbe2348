// Builds the pre-aggregated measure tables of sql/measures/ in a warehouse, at the
// end of each refresh, so that a read costs in proportion to its answer.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDb, type Db } from '../lib/db.js';
import { buildParameters, sqlVariables, type BuildParameters } from '../model/parameters.js';
import { writeProtection } from '../lib/audit/protect.js';

/** sql/ at the top of the project, from either etl/ (sources) or dist/etl/ (compiled). */
export function sqlDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const found = [resolve(here, '../sql'), resolve(here, '../../sql')].find((p) => existsSync(join(p, 'warehouse.sql')));
  if (!found) throw new Error('cannot find the sql/ folder beside the program');
  return found;
}

export function readSql(relative: string): string {
  return readFileSync(join(sqlDir(), relative), 'utf-8');
}

/**
 * Runs every measure family's SQL, in file order, against the current database, with
 * the parameters of model/parameters.ts (or those given) as DuckDB variables.
 */
export async function buildMeasures(db: Db, onStep?: (file: string) => void, parameters: BuildParameters = buildParameters()): Promise<void> {
  const dir = join(sqlDir(), 'measures');
  await db.run(sqlVariables(parameters), undefined, 'setting the parameters of the measures');
  await db.run(readSql('age.sql'), undefined, 'defining the age at an event');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    onStep?.(file);
    const t0 = performance.now();
    await db.run(readFileSync(join(dir, file), 'utf-8'), undefined, `building the measures of sql/measures/${file}`);
    // MET_PROFILE=1 prints how long each family takes, for benchmarks.
    if (process.env.MET_PROFILE) console.error(`  measures ${file}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  // The published rule's counts withheld to protect others (lib/audit/protect.ts), from the measures just built.
  onStep?.('published protection');
  const p = await writeProtection(db, parameters);
  if (process.env.MET_PROFILE) console.error(`  published protection: ${p.protective} counts, ${p.seconds.toFixed(1)} s`);
}

/**
 * Rebuilds the measures of an existing warehouse file in place, with the model's
 * parameters (or those given): for a changed parameter between refreshes, and for
 * tests. Not for a warehouse a server is reading: a refresh replaces the file instead.
 */
export async function rebuildMeasures(path: string, parameters: BuildParameters = buildParameters()): Promise<void> {
  await withDb(path, {}, (db) => buildMeasures(db, undefined, parameters));
}

// The catalogue's measure ids and the ids the SQL writes are the same set, and a
// measure the SQL never built is an error naming it, never a silent 0.

import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlDir } from '../../etl/buildMeasures.js';
import { MEASURES, sqlFileOf } from '../../lib/catalogue.js';
import { withDb } from '../../lib/db.js';
import { MeasureNotBuilt, readMeasures } from '../../lib/measures.js';
import { POPULATION, tempDir } from '../helpers.js';
import { ep, episodes, loadWarehouse } from './fixture.js';
import { query } from '../helpers.js';

let db: string;

beforeAll(async () => {
  db = await loadWarehouse({
    files: { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(ep('E1', 'A', '2025-04-01 09:00', '2025-04-01 21:00')) },
  });
});

describe('declared measures and the SQL', () => {
  it('every declared measure is built by the SQL, and the SQL builds nothing undeclared', async () => {
    const built = await query<{ measure: string; sql_file: string }>(db, `SELECT measure, sql_file FROM measures_built ORDER BY measure`);
    expect(built.map((b) => b.measure)).toEqual(MEASURES.map((m) => m.id).sort());
    // …and by the file the model says builds it.
    for (const b of built) expect(`${b.measure}: ${b.sql_file}`).toBe(`${b.measure}: ${sqlFileOf(MEASURES.find((m) => m.id === b.measure)!)}`);
    // Every id the SQL wrote is one it declared (ids built by concatenation included).
    const written = await query<{ measure: string }>(
      db,
      `SELECT DISTINCT measure FROM measure_cells UNION SELECT DISTINCT measure FROM measure_rows ORDER BY measure`,
    );
    const declared = new Set(built.map((b) => b.measure));
    expect(written.map((w) => w.measure).filter((m) => !declared.has(m))).toEqual([]);
  });

  it('each measure is declared by the file that writes it', () => {
    const dir = join(sqlDir(), 'measures');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql') && f !== '00_common.sql')) {
      const text = readFileSync(join(dir, file), 'utf-8');
      const declared = [...text.matchAll(/\('([a-z0-9_]+)', '([0-9a-z_]+\.sql)'\)/g)];
      const writesMeasures = /INSERT INTO measure_(cells|rows)/.test(text);
      expect(declared.length > 0, `${file} declares the measures it writes, and only if it writes some`).toBe(writesMeasures);
      for (const [, , f] of declared) expect(f).toBe(file);
    }
  });

  it('a true 0 reads as 0; a measure the SQL did not build is an error naming it', async () => {
    const r = await withDb(db, { readOnly: true }, (d) => readMeasures(d, { period: '2025-Q2', area: 'Portsmouth', role: 'analyst', trend: 0 }));
    expect(r.measures.missing_episodes!.value).toBe(0);
    expect(r.measures.nrm_referrals!.value).toBe(0);

    const broken = join(tempDir('met-declared-'), 'met.duckdb');
    copyFileSync(db, broken);
    await withDb(broken, {}, (d) => d.run(`DELETE FROM measures_built WHERE measure = 'nrm_referrals'`));
    const attempt = withDb(broken, { readOnly: true }, (d) => readMeasures(d, { period: '2025-Q2', area: 'Portsmouth', role: 'analyst', trend: 0 }));
    await expect(attempt).rejects.toThrow(MeasureNotBuilt);
    await expect(attempt).rejects.toThrow(/no measure nrm_referrals/);
  });
});

// `met export --parquet`: the warehouse's facts and measure cells as Parquet, partitioned
// by table and year. The test reads the export back with a bare DuckDB, as a region
// pooling partnerships' exports would (docs/scale.md), runs the product's own SQL for the
// missing family on it, and gets the warehouse's figures, every cell of them.

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, quotedString } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSql } from '../../etl/buildMeasures.js';
import { withDb, wrapConnection } from '../../lib/db.js';
import { exportParquet, type ParquetExport } from '../../lib/parquet.js';
import { buildParameters, sqlVariables } from '../../model/parameters.js';
import { demoWarehouse } from '../demo.js';
import { tempDir, TEST_KEY } from '../helpers.js';

const BIN = join(import.meta.dirname, '../../bin/met.js');

let db: string;
let out: string;
let exported: ParquetExport;

beforeAll(async () => {
  ({ db } = await demoWarehouse());
  out = join(tempDir('met-parquet-'), 'export');
  exported = await withDb(db, { readOnly: true }, (d) => exportParquet(d, out));
});

describe('met export --parquet', () => {
  it('writes each table by year, every row, readable by its owner only, no raw reference', async () => {
    const facts = exported.tables.filter((t) => t.kind === 'facts').map((t) => t.table);
    expect(facts).toEqual([
      'missing_episodes',
      'return_interviews',
      'risk_assessments',
      'referrals',
      'nrm_referrals',
      'intelligence',
      'disruptions',
      'actions',
      'population',
      'localities',
    ]);
    const inst = await DuckDBInstance.create(':memory:');
    const d = wrapConnection(await inst.connect());
    try {
      for (const t of exported.tables) {
        const n = await withDb(db, { readOnly: true }, (w) => w.value<number>(`SELECT count(*) FROM ${t.table}`));
        const glob = quotedString(join(out, t.kind, t.table, '**', '*.parquet'));
        expect(await d.value<number>(`SELECT count(*) FROM read_parquet(${glob}, hive_partitioning = true)`), t.table).toBe(n);
        expect(t.rows).toBe(n);
      }
      // The episodes of 2025 are in their year's folder, and only they.
      const years = await d.all<{ y: number; n: number }>(
        `SELECT DISTINCT year(reported_at) AS y FROM read_parquet(${quotedString(join(out, 'facts/missing_episodes/year=2025/*.parquet'))})`,
      );
      expect(years).toEqual([{ y: 2025 }]);
      // Column names: pseudonyms, never a reference as sent.
      const columns = await d.all<{ column_name: string }>(
        `DESCRIBE SELECT * FROM read_parquet(${quotedString(join(out, 'facts/missing_episodes/**/*.parquet'))}, hive_partitioning = true)`,
      );
      const names = columns.map((c) => c.column_name);
      expect(names).toContain('child_pseudonym');
      expect(names.filter((c) => /_ref$|name/.test(c))).toEqual([]);
    } finally {
      d.close();
      inst.closeSync();
    }
    for (const e of readdirSync(out, { recursive: true, withFileTypes: true })) {
      const mode = statSync(join(e.parentPath, e.name)).mode & 0o777;
      expect(mode, e.name).toBe(e.isDirectory() ? 0o700 : 0o600);
    }
    expect(statSync(out).mode & 0o777).toBe(0o700);
  });

  it("gives the warehouse's figures when the measures are worked out from it by DuckDB alone", async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const d = wrapConnection(await inst.connect());
    try {
      // The facts, as tables of the names the measures' SQL reads (the partition column dropped).
      for (const t of exported.tables.filter((x) => x.kind === 'facts')) {
        const glob = quotedString(join(out, 'facts', t.table, '**', '*.parquet'));
        const keep = t.table === 'population' ? '* REPLACE (year::INTEGER AS year)' : t.table === 'localities' ? '*' : '* EXCLUDE (year)';
        await d.run(`CREATE TABLE ${t.table} AS SELECT ${keep} FROM read_parquet(${glob}, hive_partitioning = true)`);
      }
      await d.run(sqlVariables(buildParameters()));
      await d.run(readSql('age.sql'));
      await d.run(readSql('measures/00_common.sql'));
      await d.run(readSql('measures/10_missing.sql'));
      await d.run(`ATTACH ${quotedString(db)} AS w (READ_ONLY)`);
      const built = await d.all<{ measure: string }>('SELECT measure FROM measures_built ORDER BY measure');
      expect(built.map((b) => b.measure)).toContain('missing_episodes');
      const cells = await d.value<number>(`SELECT count(*) FROM measure_cells`);
      const fromWarehouse = await d.value<number>(`SELECT count(*) FROM w.measure_cells WHERE measure IN (SELECT measure FROM measures_built)`);
      expect(cells).toBe(fromWarehouse);
      expect(cells).toBeGreaterThan(10_000);
      // Every cell equal, both ways.
      const differ = await d.value<number>(`
        SELECT count(*) FROM (
          (SELECT * FROM measure_cells EXCEPT SELECT * FROM w.measure_cells)
          UNION ALL
          (SELECT * FROM w.measure_cells WHERE measure IN (SELECT measure FROM measures_built) EXCEPT SELECT * FROM measure_cells))`);
      expect(differ).toBe(0);
      // One figure by hand from the export: Southampton's missing episodes of children
      // in 2026-Q3, from the exported measure cells and from the warehouse alike.
      const exportedCell = await d.value<number>(
        `SELECT num FROM read_parquet(${quotedString(join(out, 'measures/measure_cells/**/*.parquet'))}, hive_partitioning = true)
         WHERE measure = 'missing_episodes' AND period_id = '2026-Q3' AND area = 'Southampton' AND scope = '0-17' AND breakdown = ''`,
      );
      const warehouseCell = await d.value<number>(
        `SELECT num FROM w.measure_cells WHERE measure = 'missing_episodes' AND period_id = '2026-Q3' AND area = 'Southampton' AND scope = '0-17' AND breakdown = ''`,
      );
      expect(exportedCell).toBe(warehouseCell);
      expect(warehouseCell).toBeGreaterThan(0);
    } finally {
      d.close();
      inst.closeSync();
    }
  });

  it('is one command', () => {
    const dir = join(tempDir('met-parquet-cli-'), 'out');
    const r = spawnSync(process.execPath, [BIN, 'export', '--db', db, '--parquet', dir], {
      encoding: 'utf-8',
      env: { ...process.env, MET_SECRET_KEY: TEST_KEY },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^facts\/missing_episodes: \d[\d,]* rows in \d+ files?$/m);
    expect(readdirSync(join(dir, 'facts', 'missing_episodes')).sort()[0]).toMatch(/^year=\d{4}$/);
  });
});

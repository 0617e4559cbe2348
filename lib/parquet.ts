// `met export --parquet DIR`: the warehouse's facts (pseudonymised, as stored) and its
// measure cells as Parquet, each table in a folder of its own, partitioned by year in
// Hive style (`missing_episodes/year=2025/data_0.parquet`), so that DuckDB, MotherDuck,
// Spark or Trino can read a partnership's data, or many partnerships' pooled, without
// this product (docs/scale.md). What is exported is personal data, pseudonymised: the
// folder and its files are made readable by their owner only. Not exported: the
// quarantine (rows as sent, with their problems), the refresh history and file names.

import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import type { Db } from './db.js';

/** A table exported, and the date its rows are partitioned by (the year of it). */
interface Exported {
  table: string;
  /** What the partition's year is of (SQL over the table's columns); null: not partitioned. */
  year: string | null;
  /** Facts (the data sent, pseudonymised) or the measures built from them. */
  kind: 'facts' | 'measures';
}

export const PARQUET_TABLES: readonly Exported[] = [
  { table: 'missing_episodes', year: 'year(reported_at)', kind: 'facts' },
  // An interview's year is the year it was offered, or completed if never offered.
  { table: 'return_interviews', year: 'year(coalesce(offered_at, completed_at))', kind: 'facts' },
  { table: 'risk_assessments', year: 'year(assessed_at)', kind: 'facts' },
  { table: 'referrals', year: 'year(received_at)', kind: 'facts' },
  { table: 'nrm_referrals', year: 'year(referred_at)', kind: 'facts' },
  { table: 'intelligence', year: 'year(submitted_at)', kind: 'facts' },
  { table: 'disruptions', year: 'year(action_date)', kind: 'facts' },
  { table: 'actions', year: 'year(updated_at)', kind: 'facts' },
  { table: 'population', year: 'year', kind: 'facts' },
  { table: 'localities', year: null, kind: 'facts' },
  { table: 'periods', year: null, kind: 'measures' },
  // A cell's year is the year its period starts in.
  { table: 'measure_cells', year: '(SELECT year(p.start_date) FROM periods p WHERE p.period_id = measure_cells.period_id)', kind: 'measures' },
  { table: 'measure_rows', year: '(SELECT year(p.start_date) FROM periods p WHERE p.period_id = measure_rows.period_id)', kind: 'measures' },
];

export interface ParquetExport {
  dir: string;
  tables: { table: string; kind: 'facts' | 'measures'; rows: number; files: number }[];
}

/** Files under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Writes the export into `dir` (made if need be; a table's folder already there is replaced). */
export async function exportParquet(db: Db, dir: string): Promise<ParquetExport> {
  const out = resolve(dir);
  const present = new Set((await db.all<{ name: string }>("SELECT table_name AS name FROM duckdb_tables() WHERE schema_name = 'main'")).map((r) => r.name));
  const tables: ParquetExport['tables'] = [];
  // Folders and files readable by their owner only, whatever the umask.
  const mask = process.umask(0o077);
  try {
    mkdirSync(out, { recursive: true, mode: 0o700 });
    for (const t of PARQUET_TABLES) {
      if (!present.has(t.table)) continue;
      const target = join(out, t.kind, t.table);
      if (!existsSync(join(out, t.kind))) mkdirSync(join(out, t.kind), { mode: 0o700 });
      const rows = await db.value<number>(`SELECT count(*) FROM ${quotedIdentifier(t.table)}`);
      // A table partitioned by a column it already has (population.year) keeps it as the partition.
      const query =
        t.year === null || t.year === 'year' ? `SELECT * FROM ${quotedIdentifier(t.table)}` : `SELECT *, ${t.year} AS year FROM ${quotedIdentifier(t.table)}`;
      if (existsSync(target)) rmSync(target, { recursive: true });
      if (t.year) {
        await db.run(`COPY (${query}) TO ${quotedString(target)} (FORMAT parquet, PARTITION_BY (year))`, undefined, `exporting ${t.table}`);
      } else {
        mkdirSync(target, { mode: 0o700 });
        await db.run(`COPY (${query}) TO ${quotedString(join(target, 'data_0.parquet'))} (FORMAT parquet)`, undefined, `exporting ${t.table}`);
      }
      const files = filesUnder(target);
      for (const f of files) chmodSync(f, 0o600);
      tables.push({ table: t.table, kind: t.kind, rows, files: files.length });
    }
  } finally {
    process.umask(mask);
  }
  for (const d of [
    out,
    ...readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(e.parentPath, e.name)),
  ]) {
    if (statSync(d).mode & 0o077) chmodSync(d, 0o700);
  }
  return { dir: out, tables };
}

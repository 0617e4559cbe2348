// Builds the pre-aggregated measure tables of sql/measures/ in a warehouse, at the
// end of each refresh, so that a read costs in proportion to its answer. A refresh of
// some sources rebuilds only the families that depend on them and copies the others
// from the previous warehouse (etl/measurePlan.ts; docs/architecture.md, "A refresh
// rebuilds only what depends on it").

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ident, withDb, type Db } from '../lib/db.js';
import { buildParameters, sqlVariables, type BuildParameters } from '../model/parameters.js';
import { writeProtection } from '../lib/audit/protect.js';
import { COMMON_SQL, FAMILY_INPUTS, PROTECTION_MAKES, PROTECTION_STEP } from '../model/measureInputs.js';
import { FAMILY_FILES, planMeasures } from './measurePlan.js';
import { profiled, stopwatch } from './profile.js';

const here = dirname(fileURLToPath(import.meta.url));

/** sql/ at the top of the project, from either etl/ (sources) or dist/etl/ (compiled). */
export function sqlDir(): string {
  const found = [resolve(here, '../sql'), resolve(here, '../../sql')].find((p) => existsSync(join(p, 'warehouse.sql')));
  if (!found) throw new Error('cannot find the sql/ folder beside the program');
  return found;
}

export function readSql(relative: string): string {
  return readFileSync(join(sqlDir(), relative), 'utf-8');
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf-8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

let versionMemo: string | undefined;

/**
 * The build of the program that makes the figures: a hash of sql/ and of the code that
 * works figures out or protects them (lib/, model/ beside this file). A previous
 * warehouse made by another build is rebuilt whole, never copied from.
 */
export function measuresVersion(): string {
  if (versionMemo) return versionMemo;
  const h = createHash('sha256');
  const sql = sqlDir();
  for (const f of filesUnder(sql))
    h.update(`sql/${relative(sql, f)}\0`)
      .update(readFileSync(f))
      .update('\0');
  // The sources where they are (the project's own lib/ and model/, beside sql/), so that
  // the compiled program and the tests running the sources agree; the compiled code
  // beside this file otherwise.
  const top = dirname(sql);
  const sources = existsSync(join(top, 'lib', 'db.ts'));
  for (const part of ['lib', 'model']) {
    const dir = sources ? join(top, part) : resolve(here, '..', part);
    for (const f of filesUnder(dir))
      h.update(`${part}/${relative(dir, f)}\0`)
        .update(readFileSync(f))
        .update('\0');
  }
  versionMemo = h.digest('hex').slice(0, 16);
  return versionMemo;
}

/** A refresh's previous warehouse (attached as `prev`) and the tables the refresh changed in the new one. */
export interface Incremental {
  /** The catalog the previous warehouse is attached as. */
  prev: string;
  /** Warehouse tables this refresh replaced or changed (sources, localities, its own records). */
  changed: ReadonlySet<string>;
  /** The new warehouse started as a copy of the previous one: the tables a copied family (or the protection) leaves are there already. */
  startedFromPrevious?: boolean;
}

/** The build that made a previous warehouse's figures (its measures_version), or null. */
export async function previousMeasuresVersion(db: Db, prev: string): Promise<string | null> {
  const n = await db.value<number>(`SELECT count(*) FROM duckdb_tables() WHERE database_name = $p AND table_name = 'measures_version'`, { p: prev });
  if (Number(n) === 0) return null;
  const rows = await db.all<{ version: string }>(`SELECT version FROM ${ident(prev)}.measures_version`);
  return rows.length === 1 ? rows[0]!.version : null;
}

/** What a build of the measures did: which families (and the protection) it ran and which it copied. */
export interface MeasuresOutcome {
  rebuilt: string[];
  copied: string[];
  /** Why everything was rebuilt when copying was asked for (a code, not a sentence). */
  full?: 'no previous figures' | 'another program build' | 'other parameters' | 'undeclared family';
}

/** Why the previous warehouse's figures cannot be copied into this build, or null when they can. */
async function whyFull(db: Db, prev: string, families: string[]): Promise<MeasuresOutcome['full'] | null> {
  if (families.join() !== FAMILY_FILES.join()) return 'undeclared family';
  const needed = ['measures_built', 'measure_cells', 'measure_rows', 'measure_parameters', 'periods', 'measures_version', ...PROTECTION_MAKES];
  for (const f of Object.values(FAMILY_INPUTS)) needed.push(...(f.makes ?? []));
  const present = await db.all<{ name: string }>(
    `SELECT table_name AS name FROM duckdb_tables() WHERE database_name = $p UNION SELECT view_name FROM duckdb_views() WHERE database_name = $p`,
    { p: prev },
  );
  const have = new Set(present.map((r) => r.name));
  if (needed.some((t) => !have.has(t))) return 'no previous figures';
  if ((await previousMeasuresVersion(db, prev)) !== measuresVersion()) return 'another program build';
  const differ = await db.value<number>(
    `SELECT count(*) FROM (SELECT parameters::VARCHAR FROM measure_parameters EXCEPT SELECT parameters::VARCHAR FROM ${ident(prev)}.measure_parameters)`,
  );
  if (differ > 0) return 'other parameters';
  return null;
}

/** True when the new periods differ from the previous warehouse's (either way). */
async function periodsDiffer(db: Db, prev: string): Promise<boolean> {
  const p = `${ident(prev)}.periods`;
  const n = await db.value<number>(`SELECT count(*) FROM ((FROM periods EXCEPT ALL FROM ${p}) UNION ALL (FROM ${p} EXCEPT ALL FROM periods))`);
  return n > 0;
}

/** A table or view of the previous warehouse, made again in this one with the same definition and rows. */
async function copyObject(db: Db, prev: string, name: string): Promise<void> {
  const views = await db.all<{ sql: string }>(`SELECT sql FROM duckdb_views() WHERE database_name = $p AND view_name = $n`, { p: prev, n: name });
  if (views[0]) {
    await db.run(`DROP VIEW IF EXISTS ${ident(name)}`);
    await db.run(views[0].sql, undefined, `copying the view ${name}`);
    return;
  }
  const tables = await db.all<{ sql: string }>(`SELECT sql FROM duckdb_tables() WHERE database_name = $p AND table_name = $n`, { p: prev, n: name });
  await db.run(`DROP TABLE IF EXISTS ${ident(name)}`);
  await db.run(tables[0]!.sql, undefined, `copying the table ${name}`);
  await db.run(`INSERT INTO ${ident(name)} SELECT * FROM ${ident(prev)}.${ident(name)}`, undefined, `copying the table ${name}`);
}

/** One family's figures, measures_built entries and tables, copied from the previous warehouse. */
async function copyFamily(db: Db, prev: string, file: string, tablesThere: boolean): Promise<void> {
  const p = ident(prev);
  const mine = `(SELECT measure FROM ${p}.measures_built WHERE sql_file = $f)`;
  const doing = `copying the measures of sql/measures/${file}`;
  await db.run(`INSERT INTO measures_built SELECT * FROM ${p}.measures_built WHERE sql_file = $f`, { f: file }, doing);
  await db.run(`INSERT INTO measure_cells SELECT * FROM ${p}.measure_cells WHERE measure IN ${mine}`, { f: file }, doing);
  await db.run(`INSERT INTO measure_rows SELECT * FROM ${p}.measure_rows WHERE measure IN ${mine}`, { f: file }, doing);
  if (tablesThere) return;
  for (const t of FAMILY_INPUTS[file]?.makes ?? []) await copyObject(db, prev, t);
}

/**
 * Runs every measure family's SQL, in file order, against the current database, with
 * the parameters of model/parameters.ts (or those given) as DuckDB variables. Given the
 * previous warehouse and what the refresh changed (`incremental`), a family none of
 * whose inputs changed is copied instead of run, as is the protection; without it, or
 * when the previous figures were made by another build or with other parameters,
 * everything is rebuilt. `onStep` hears each step before it starts, and whether it runs
 * or is copied.
 */
export async function buildMeasures(
  db: Db,
  onStep?: (step: string, how: 'built' | 'copied') => void,
  parameters: BuildParameters = buildParameters(),
  incremental?: Incremental,
): Promise<MeasuresOutcome> {
  const dir = join(sqlDir(), 'measures');
  await db.run(sqlVariables(parameters), undefined, 'setting the parameters of the measures');
  await db.run(readSql('age.sql'), undefined, 'defining the age at an event');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const families = files.filter((f) => f !== COMMON_SQL);
  const timed = async (step: string, how: 'built' | 'copied', f: () => Promise<unknown>): Promise<void> => {
    onStep?.(step, how);
    await profiled(`measures ${step}${how === 'copied' ? ' (copied)' : ''}`, f);
  };
  const runFile = (file: string) => db.run(readFileSync(join(dir, file), 'utf-8'), undefined, `building the measures of sql/measures/${file}`);

  if (files.includes(COMMON_SQL)) await timed(COMMON_SQL, 'built', () => runFile(COMMON_SQL));
  let full: MeasuresOutcome['full'] | null = null;
  let changed: Set<string> | null = null;
  let periodsSame = false;
  if (incremental) {
    full = await whyFull(db, incremental.prev, families);
    if (full === null) {
      changed = new Set(incremental.changed);
      periodsSame = !(await periodsDiffer(db, incremental.prev));
      if (!periodsSame) changed.add('periods');
    }
  }
  const plan = planMeasures(changed, periodsSame);
  const outcome: MeasuresOutcome = { rebuilt: [], copied: [], ...(full ? { full } : {}) };
  for (const file of families) {
    if (changed && plan.copied.includes(file)) {
      await timed(file, 'copied', () => copyFamily(db, incremental!.prev, file, !!incremental!.startedFromPrevious));
      outcome.copied.push(file);
    } else {
      await timed(file, 'built', () => runFile(file));
      outcome.rebuilt.push(file);
    }
  }
  // The published rule's counts withheld to protect others (lib/audit/protect.ts), from
  // the measures just built, or copied when none of the figures it reads changed.
  if (changed && plan.protection === 'copied') {
    await timed(PROTECTION_STEP, 'copied', async () => {
      if (!incremental!.startedFromPrevious) for (const t of PROTECTION_MAKES) await copyObject(db, incremental!.prev, t);
    });
    outcome.copied.push(PROTECTION_STEP);
  } else {
    onStep?.(PROTECTION_STEP, 'built');
    const tick = stopwatch();
    const p = await writeProtection(db, parameters);
    tick(`published protection, ${p.protective} counts`);
    outcome.rebuilt.push(PROTECTION_STEP);
  }
  // Which build made these figures, so that the next refresh knows whether it may copy them.
  await db.run(`CREATE OR REPLACE TABLE measures_version AS SELECT $v::VARCHAR AS version`, { v: measuresVersion() }, 'recording the build of the measures');
  return outcome;
}

/**
 * Rebuilds the measures of an existing warehouse file in place, with the model's
 * parameters (or those given): for a changed parameter between refreshes, and for
 * tests. Not for a warehouse a server is reading: a refresh replaces the file instead.
 */
export async function rebuildMeasures(path: string, parameters: BuildParameters = buildParameters()): Promise<MeasuresOutcome> {
  return withDb(path, {}, (db) => buildMeasures(db, undefined, parameters));
}

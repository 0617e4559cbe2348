// From a staged file to the warehouse: check every row, keep the first of repeated
// keys, write the clean rows to their table and the others to the quarantine.

import type { Db } from '../lib/db.js';
import { ident, literal } from '../lib/db.js';
import { checkSql, lookupSql, type RawTable, storedValueExpr } from './checks.js';
import type { Source } from './contract.js';
import type { StageResult } from './stage.js';

export interface StoreResult {
  read: number;
  loaded: number;
  quarantined: number;
  /** Quarantined rows counted under their first problem. */
  reasons: Record<string, number>;
}

export interface StoreContext {
  refreshId: string;
  file: string;
  /** The SSDA903 area, or '' for sources that are not replaced area by area. */
  scope: string;
}

/** The key of a repeated row, in words: its columns, never its values (the line number finds the rows). */
function keyText(source: Source): string {
  const k = source.key;
  const names = k.length === 1 ? k[0]! : `${k.slice(0, -1).join(', ')} and ${k[k.length - 1]}`;
  return literal(`${names} ${k.length === 1 ? 'repeats' : 'together repeat'} an earlier row`);
}

/**
 * Checks `stage_<tag>` and leaves `final_<tag>`: `_row`, the typed columns, `problems`,
 * and `key_first_row` (the first row of a repeated key, on the rows that repeat it).
 */
export async function checkStage(db: Db, source: Source, tag: string, raw: RawTable): Promise<void> {
  const lookups = { locality: `lookup_locality_${tag}`, date: `lookup_date_${tag}`, spelling: `lookup_spelling_${tag}`, mentions: `mentions_${tag}` };
  for (const sql of lookupSql(source, `stage_${tag}`, lookups)) await db.run(sql, undefined, `reading the values of ${source.file}`);
  const final = `final_${tag}`;
  await db.run(`DROP TABLE IF EXISTS ${final}`);
  const check = checkSql(source, `stage_${tag}`, lookups);
  await db.run(`CREATE TEMP TABLE ${final} AS ${check.typed}`, undefined, `checking ${source.file}`);
  // The problems of the few rows a guard picked out (etl/checks.ts), written into their rows.
  const found = `problems_${tag}`;
  await db.run(`CREATE OR REPLACE TEMP TABLE ${found} AS ${check.problems(final, raw)}`, undefined, `checking ${source.file}`);
  await db.run(
    `UPDATE ${final} f SET problems = p.problems FROM ${found} p WHERE f._row = p._row AND len(p.problems) > 0`,
    undefined,
    `checking ${source.file}`,
  );
  await db.run(`DROP TABLE ${found}; DROP TABLE ${lookups.locality}; DROP TABLE ${lookups.date}; DROP TABLE ${lookups.spelling}`);
  // "A key that repeats within a file keeps the first row that passes every other
  // check and quarantines each later one": so only clean rows compete for a key. The
  // few keys that repeat are found by grouping the keys alone, and only their later
  // rows are rewritten, rather than sorting every row with all its columns.
  const keys = source.key.map(ident);
  const repeats = `repeats_${tag}`;
  await db.run(`DROP TABLE IF EXISTS ${repeats}`);
  await db.run(
    `CREATE TEMP TABLE ${repeats} AS
     WITH clean AS (SELECT _row, ${keys.join(', ')} FROM ${final} WHERE len(problems) = 0),
          firsts AS (SELECT ${keys.join(', ')}, min(_row) AS first_row FROM clean GROUP BY ALL HAVING count(*) > 1)
     SELECT c._row, f.first_row
     FROM clean c JOIN firsts f ON ${keys.map((k) => `c.${k} IS NOT DISTINCT FROM f.${k}`).join(' AND ')}
     WHERE c._row > f.first_row`,
    undefined,
    `finding repeated keys in ${source.file}`,
  );
  await db.run(
    `UPDATE ${final}
     SET problems = [{'column': ${literal(source.key[0]!)}, 'kind': 'repeated key',
                      'reason': ${keyText(source)} || ' (line @FIRST@); the first row is kept'}],
         key_first_row = r.first_row
     FROM ${repeats} r WHERE ${final}._row = r._row`,
    undefined,
    `finding repeated keys in ${source.file}`,
  );
  await db.run(`DROP TABLE ${repeats}`);
}

/** Writes the quarantine records of a checked file, with physical line numbers. */
export async function quarantineRows(db: Db, source: Source, tag: string, stage: StageResult, ctx: StoreContext): Promise<void> {
  const final = `final_${tag}`;
  const bad = await db.all<{ _row: number; key_first_row: number | null }>(`SELECT _row, key_first_row FROM ${final} WHERE len(problems) > 0 ORDER BY _row`);
  const lines = `qlines_${tag}`;
  await db.run(`DROP TABLE IF EXISTS ${lines}`);
  await db.run(`CREATE TEMP TABLE ${lines} (_row BIGINT, line INTEGER, first_line INTEGER)`);
  const appender = await db.connection.createAppender(lines, 'main', 'temp');
  try {
    for (const b of bad) {
      appender.appendBigInt(BigInt(b._row));
      appender.appendInteger(stage.rowLine[b._row] ?? 0);
      if (b.key_first_row === null) appender.appendNull();
      else appender.appendInteger(stage.rowLine[b.key_first_row] ?? 0);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  // Checked values as checked, references as their pseudonyms (stage.ts), anything else as
  // its shape only, made from the text as read (the file's own table, by row).
  const rawOf = (name: string) => {
    const c = stage.raw.columns.get(name);
    return c ? `raw.${c}` : 'NULL::VARCHAR';
  };
  const valuesJson = `json_object(${source.columns.map((c) => `${literal(c.name)}, ${storedValueExpr(c, `f.${ident(c.name)}`, rawOf(c.name))}`).join(', ')})`;
  await db.run(
    `INSERT INTO wh.quarantine
     SELECT $refresh, $source, $scope, $file, l.line,
            f.problems[1].column, f.problems[1].kind,
            replace(f.problems[1].reason, '@FIRST@', coalesce(l.first_line::VARCHAR, '?')),
            to_json(list_transform(f.problems, p -> {'column': p.column, 'kind': p.kind,
                                                      'reason': replace(p.reason, '@FIRST@', coalesce(l.first_line::VARCHAR, '?'))})),
            ${valuesJson}
     FROM ${lines} l JOIN (SELECT * FROM ${final} WHERE len(problems) > 0) f USING (_row)
          JOIN ${stage.raw.table} raw ON raw.rowid = l._row
     ORDER BY l.line`,
    { refresh: ctx.refreshId, source: source.name, scope: ctx.scope, file: ctx.file },
    `quarantining rows of ${source.file}`,
  );
  // Lines the reader could not split: appended in one go (one INSERT per line took seconds at scale).
  if (stage.malformed.length > 0) {
    const malformed = `qmalformed_${tag}`;
    await db.run(`CREATE OR REPLACE TEMP TABLE ${malformed} (i INTEGER, line INTEGER, "column" VARCHAR, kind VARCHAR, reason VARCHAR, problems VARCHAR)`);
    const app = await db.connection.createAppender(malformed, 'main', 'temp');
    try {
      stage.malformed.forEach((m, i) => {
        app.appendInteger(i);
        app.appendInteger(m.line);
        if (m.column === null) app.appendNull();
        else app.appendVarchar(m.column);
        app.appendVarchar(m.kind);
        app.appendVarchar(m.reason);
        app.appendVarchar(JSON.stringify([{ column: m.column, kind: m.kind, reason: m.reason }]));
        app.endRow();
      });
      app.flushSync();
    } finally {
      app.closeSync();
    }
    await db.run(
      `INSERT INTO wh.quarantine SELECT $refresh, $source, $scope, $file, line, "column", kind, reason, problems::JSON, NULL FROM ${malformed} ORDER BY i`,
      { refresh: ctx.refreshId, source: source.name, scope: ctx.scope, file: ctx.file },
      `quarantining rows of ${source.file}`,
    );
    await db.run(`DROP TABLE ${malformed}`);
  }
  await db.run(`DROP TABLE ${lines}`);
}

/** Counts what happened to the file's rows, from what was written. */
export async function tally(db: Db, tag: string, stage: StageResult): Promise<StoreResult> {
  const final = `final_${tag}`;
  const loaded = await db.value<number>(`SELECT count(*) FROM ${final} WHERE len(problems) = 0`);
  const byKind = await db.all<{ kind: string; n: number }>(
    `SELECT problems[1].kind AS kind, count(*) AS n FROM ${final} WHERE len(problems) > 0 GROUP BY ALL ORDER BY n DESC, kind`,
  );
  const counts = new Map<string, number>();
  for (const r of byKind) counts.set(r.kind, r.n);
  for (const m of stage.malformed) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  // Commonest first, then by name, as before.
  const reasons: Record<string, number> = {};
  for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) reasons[k] = n;
  const quarantined = byKind.reduce((s, r) => s + r.n, 0) + stage.malformed.length;
  return { read: stage.read, loaded, quarantined, reasons };
}

/**
 * The SELECT list that turns checked columns into a warehouse table's columns:
 * references become `_pseudonym` columns; `override` gives another expression for a column.
 */
export function warehouseColumns(source: Source, override: Record<string, string> = {}): string {
  return source.columns
    .map((c) => {
      const name = c.type.kind === 'ref' ? c.name.replace(/_ref$/, '_pseudonym') : c.name;
      return `${override[c.name] ?? ident(c.name)} AS ${ident(name)}`;
    })
    .join(', ');
}

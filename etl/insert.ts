// Clean rows into the new warehouse: each source's table, the SSDA903 return mapped
// to episodes, the localities that population.csv defines.

import { ident, type Db } from '../lib/db.js';
import { refusals } from '../lib/messages.js';
import { TABLE_OF } from './carryForward.js';
import type { Source } from './contract.js';
import { CsvRefusal } from './csvFile.js';
import { warehouseColumns } from './store.js';

/** Stores one checked source's clean rows in its warehouse table. */
export async function insertClean(db: Db, source: Source, tag: string): Promise<void> {
  const final = `final_${tag}`;
  const cols = warehouseColumns(source);
  const clean = (extra = '') => `FROM ${final} WHERE len(problems) = 0 ${extra} ORDER BY _row`;
  switch (source.name) {
    case 'missing_episodes':
      await db.run(`INSERT INTO wh.missing_episodes BY NAME SELECT ${cols}, 'missing_episodes' AS origin, false AS dates_only ${clean()}`);
      return;
    case 'risk_assessments':
      // SERAF: where only the score is given the level is derived from it; a recorded level stands.
      await db.run(
        `INSERT INTO wh.risk_assessments BY NAME
         SELECT ${warehouseColumns(source, {
           level: `coalesce("level", CASE WHEN score <= 5 THEN 'none' WHEN score <= 10 THEN 'low' WHEN score <= 15 THEN 'medium' ELSE 'high' END)`,
         })},
                "level" IS NULL AS level_derived
         ${clean()}`,
      );
      return;
    case 'actions':
      // The plan accumulates: a row already held (same action_id and updated_at) adds nothing.
      await db.run(
        `INSERT INTO wh.actions BY NAME SELECT ${cols}
         ${clean(`AND NOT EXISTS (SELECT 1 FROM wh.actions a WHERE a.action_id = ${final}.action_id AND a.updated_at = ${final}.updated_at)`)}`,
      );
      return;
    default:
      await db.run(`INSERT INTO wh.${TABLE_OF[source.name]} BY NAME SELECT ${cols} ${clean()}`);
  }
}

/** DfE ethnicity codes to the ONS five groups. */
export const DFE_ETHNIC = `CASE WHEN upper(trim(e)) IN ('REFU', 'NOBT') THEN 'Not known'
     WHEN upper(trim(e)) = 'CHNE' THEN 'Asian'
     WHEN upper(trim(e)) = 'OOTH' THEN 'Other'
     WHEN upper(trim(e)) LIKE 'W%' THEN 'White'
     WHEN upper(trim(e)) LIKE 'M%' THEN 'Mixed'
     WHEN upper(trim(e)) LIKE 'A%' THEN 'Asian'
     WHEN upper(trim(e)) LIKE 'B%' THEN 'Black'
     WHEN upper(trim(e)) LIKE 'O%' THEN 'Other' END`;

/** SSDA903 episodes become social care episodes of looked-after children in the given area. */
export async function insertSsda903(db: Db, tag: string, headerTag: string | null, area: string): Promise<void> {
  const header = headerTag
    ? `LEFT JOIN (SELECT child, sex, ethnic FROM final_${headerTag} WHERE len(problems) = 0) h ON h.child = m.child`
    : `LEFT JOIN (SELECT NULL::VARCHAR AS child, NULL::VARCHAR AS sex, NULL::VARCHAR AS ethnic) h ON false`;
  await db.run(
    `INSERT INTO wh.missing_episodes BY NAME
     SELECT '903:' || m.child || ':' || strftime(m.mis_start, '%Y-%m-%d') AS episode_id,
            'ssda903' AS origin, 'social_care' AS source, m.child AS child_pseudonym, m.dob,
            CASE h.sex WHEN '1' THEN 'M' WHEN '2' THEN 'F' ELSE h.sex END AS sex,
            (SELECT ${DFE_ETHNIC} FROM (SELECT h.ethnic AS e)) AS ethnicity,
            true AS looked_after, $area AS area,
            CASE m.missing WHEN 'M' THEN 'missing' ELSE 'away' END AS classification,
            m.mis_start::TIMESTAMP AS reported_at, m.mis_end::TIMESTAMP AS returned_at,
            true AS dates_only
     FROM final_${tag} m ${header}
     WHERE len(m.problems) = 0
     ORDER BY m._row`,
    { area },
  );
}

export async function rebuildLocalities(db: Db): Promise<void> {
  await db.run(`DELETE FROM wh.localities`);
  await db.run(
    `INSERT INTO wh.localities
     SELECT area, min(locality), met_key(locality) FROM wh.population GROUP BY area, met_key(locality)`,
  );
}

/**
 * After a new population.csv: the rows kept from earlier refreshes name their localities as
 * the population then spelt them. A locality spelt another way now (`Basingstoke & Deane`
 * for `Basingstoke and Deane`: one matching key, lib's met_key) is renamed in them, so that
 * its figures follow it rather than fall to 0; rows naming a locality the population no
 * longer lists are counted. Returns the tables changed, and per table the rows whose
 * locality is no longer listed. Only the distinct names of each column are matched.
 */
export async function respellLocalities(db: Db): Promise<{ changed: Set<string>; unlisted: Map<string, number> }> {
  const cols = await db.all<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM duckdb_columns()
     WHERE database_name = 'wh' AND schema_name = 'main' AND column_name IN ('locality', 'found_locality')
       AND table_name IN (${[...new Set(Object.values(TABLE_OF))]
         .filter((t) => t !== 'population')
         .map((t) => `'${t}'`)
         .join(', ')})
     ORDER BY 1, 2`,
  );
  const changed = new Set<string>();
  const unlisted = new Map<string, number>();
  for (const { t, c } of cols) {
    const table = `wh.${ident(t)}`;
    const col = ident(c);
    const renames = await db.value<number>(
      `SELECT count(*) FROM (SELECT DISTINCT ${col} AS old FROM ${table} WHERE ${col} IS NOT NULL) d JOIN wh.localities l ON l.locality_key = met_key(d.old) WHERE l.locality <> d.old`,
    );
    if (renames > 0) {
      await db.run(
        `UPDATE ${table} AS u SET ${col} = r.new
         FROM (SELECT d.old, l.locality AS new FROM (SELECT DISTINCT ${col} AS old FROM ${table} WHERE ${col} IS NOT NULL) d
               JOIN wh.localities l ON l.locality_key = met_key(d.old) WHERE l.locality <> d.old) r
         WHERE u.${col} = r.old`,
        undefined,
        `renaming localities in ${t}`,
      );
      changed.add(t);
    }
    const gone = await db.value<number>(
      `SELECT coalesce(sum(n), 0)::BIGINT FROM (SELECT ${col} AS old, count(*) AS n FROM ${table} WHERE ${col} IS NOT NULL GROUP BY ALL) d
       WHERE NOT EXISTS (SELECT 1 FROM wh.localities l WHERE l.locality_key = met_key(d.old))`,
    );
    if (gone > 0) unlisted.set(t, (unlisted.get(t) ?? 0) + Number(gone));
  }
  return { changed, unlisted };
}

/** population.csv is refused whole if two areas share a locality name: found_locality needs no area. */
export async function checkLocalitiesUnique(db: Db, tag: string, rowLine: Int32Array): Promise<void> {
  // The refusal is stored (refresh_files.error), so it names lines, not the localities.
  const clash = await db.all<{ a: number; b: number }>(
    `SELECT min(_row) FILTER (WHERE area = a1) AS a, min(_row) FILTER (WHERE area <> a1) AS b
     FROM (SELECT _row, area, met_key(locality) AS k, first(area ORDER BY _row) OVER (PARTITION BY met_key(locality)) AS a1
           FROM final_${tag} WHERE len(problems) = 0)
     GROUP BY k HAVING count(DISTINCT area) > 1 ORDER BY 1`,
  );
  if (clash.length > 0) {
    const c = clash[0]!;
    throw new CsvRefusal(refusals.localityClash(clash.length, [rowLine[c.a] ?? 0, rowLine[c.b] ?? 0]));
  }
}

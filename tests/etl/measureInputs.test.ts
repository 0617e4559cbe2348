// The declaration of what each measure family reads and makes (model/measureInputs.ts)
// against the SQL itself, and the plans it gives for a refresh of one source
// (etl/measurePlan.ts): which families are rebuilt and which are copied.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqlDir } from '../../etl/buildMeasures.js';
import { FAMILY_FILES, planMeasures } from '../../etl/measurePlan.js';
import { COMMON_SQL, COMMON_TABLES, FAMILY_INPUTS, REFRESH_TABLES } from '../../model/measureInputs.js';
import { MEASURES, sqlFileOf } from '../../model/measures.js';

const ID = '([a-z_][a-z0-9_]*)';
const NOT_TABLES = new Set(['lateral', 'unnest', 'select', 'values']);

/** What one SQL file reads, makes and makes as temporary tables, found in its text (comments left out). */
function scan(file: string) {
  const text = readFileSync(join(sqlDir(), 'measures', file), 'utf-8')
    .replace(/--[^\n]*/g, '')
    .toLowerCase();
  const all = (re: RegExp, group: number) => new Set([...text.matchAll(re)].map((m) => m[group]!));
  // Temporary tables and views: what the family makes for itself and drops (or leaves to the connection).
  const temps = all(new RegExp(`create\\s+(or\\s+replace\\s+)?temp(orary)?\\s+(table|view)\\s+${ID}`, 'g'), 4);
  const makes = all(new RegExp(`create\\s+(or\\s+replace\\s+)?(table|view)\\s+${ID}`, 'g'), 3);
  const ctes = all(new RegExp(`(?:with|,)\\s*${ID}\\s+as\\s*\\(`, 'g'), 1);
  // A name after FROM or JOIN that is not a table function, a CTE or made here.
  const named = [...text.matchAll(new RegExp(`\\b(?:from|join)\\s+${ID}(\\s*\\()?`, 'g'))].filter((m) => !m[2]).map((m) => m[1]!);
  const reads = new Set(named.filter((n) => !NOT_TABLES.has(n) && !ctes.has(n) && !temps.has(n) && !makes.has(n)));
  const quoted = all(/'([a-z0-9_]+)'/g, 1);
  return { temps, makes, reads, quoted };
}

/** The tables of sql/warehouse.sql: what the loader stores. */
function warehouseTables(): Set<string> {
  const text = readFileSync(join(sqlDir(), 'warehouse.sql'), 'utf-8');
  return new Set([...text.matchAll(/CREATE TABLE ([a-z_]+)/g)].map((m) => m[1]!));
}

const sorted = (s: Iterable<string>) => [...s].sort();

describe('what each measure family reads, declared once (model/measureInputs.ts)', () => {
  it('every family file of sql/measures is declared, and only those', () => {
    const files = readdirSync(join(sqlDir(), 'measures')).filter((f) => f.endsWith('.sql'));
    expect(sorted(files.filter((f) => f !== COMMON_SQL))).toEqual(sorted(Object.keys(FAMILY_INPUTS)));
    expect(files).toContain(COMMON_SQL);
  });

  it("00_common.sql's tables are made from the tables declared", () => {
    const s = scan(COMMON_SQL);
    for (const t of Object.keys(COMMON_TABLES)) expect(s.makes.has(t), t).toBe(true);
    const from = new Set(
      Object.values(COMMON_TABLES)
        .flat()
        .filter((t) => !(t in COMMON_TABLES)),
    );
    expect(sorted(s.reads)).toEqual(sorted(from));
  });

  it.each(Object.keys(FAMILY_INPUTS))('%s reads, makes and makes as temporary tables exactly what it declares', (file) => {
    const f = FAMILY_INPUTS[file]!;
    const s = scan(file);
    const { reads } = s;
    const readsCells = reads.delete('measure_cells');
    expect(sorted(reads), `${file}: the tables it reads`).toEqual(sorted(f.reads));
    expect(sorted(s.temps), `${file}: its temporary tables`).toEqual(sorted(f.temps ?? []));
    expect(sorted(s.makes), `${file}: the tables and views it leaves`).toEqual(sorted(f.makes ?? []));
    // Every table it reads exists before it runs: stored by the loader, made by
    // 00_common.sql, or made by an earlier family.
    const earlier = new Set([...warehouseTables(), ...Object.keys(COMMON_TABLES)]);
    for (const g of FAMILY_FILES.filter((x) => x < file))
      for (const t of [...(FAMILY_INPUTS[g]!.makes ?? []), ...(FAMILY_INPUTS[g]!.temps ?? [])]) earlier.add(t);
    for (const t of f.reads) expect(earlier.has(t), `${file} reads ${t}, which nothing before it makes`).toBe(true);
    // The figures it reads: the families of the other measures it names.
    const others = new Set(MEASURES.filter((m) => s.quoted.has(m.id) && sqlFileOf(m) !== file).map(sqlFileOf));
    expect(sorted(f.cellsOf ?? []), `${file}: the families whose figures it reads`).toEqual(readsCells ? sorted(others) : []);
  });

  it('a declaration that leaves out a table the SQL reads fails (the check above can fail)', () => {
    const s = scan('40_identification.sql');
    const without = FAMILY_INPUTS['40_identification.sql']!.reads.filter((t) => t !== 'ret_locality');
    expect(s.reads.has('ret_locality')).toBe(true);
    expect(sorted(without)).not.toEqual(sorted([...s.reads].filter((t) => t !== 'measure_cells')));
  });
});

/** The plan for a refresh that replaced these tables, with the periods unchanged. */
const plan = (...tables: string[]) => planMeasures(new Set([...REFRESH_TABLES, ...tables]), true);
const n = (...files: string[]) => files.map((f) => FAMILY_FILES.find((x) => x.startsWith(f))!);

describe('the plan for a refresh of one source (etl/measurePlan.ts)', () => {
  it('no previous warehouse: everything is rebuilt', () => {
    expect(planMeasures(null)).toEqual({ stale: FAMILY_FILES, run: FAMILY_FILES, copied: [], protection: 'rebuilt' });
  });

  // Worked out from the declarations: data quality (60) reads the refresh's records, so it
  // is rebuilt at every refresh; it reads returns_by_origin, a stored table of 20, copied
  // with 20's figures. 40 reads the temporary tables ep_locality, ret_locality and
  // risk_px of 10, 20 and 30: when 40 is rebuilt they run too.
  it('actions.csv: the action plan (70) and data quality (60) are rebuilt; the rest and the protection are copied', () => {
    expect(plan('actions')).toEqual({ stale: n('60', '70'), run: n('60', '70'), copied: n('10', '20', '30', '40', '50', '80'), protection: 'copied' });
  });

  it('return_interviews.csv: 20, and 40 that reads its figures and ret_locality, are rebuilt; 10 and 30 run for 40', () => {
    expect(plan('return_interviews')).toEqual({
      stale: n('20', '40', '60'),
      run: n('10', '20', '30', '40', '60'),
      copied: n('50', '70', '80'),
      protection: 'rebuilt',
    });
  });

  it('missing_episodes.csv (the same periods): every family that reads episode_facts; risk (30) runs for 40', () => {
    expect(plan('missing_episodes')).toEqual({
      stale: n('10', '20', '40', '50', '60'),
      run: n('10', '20', '30', '40', '50', '60'),
      copied: n('70', '80'),
      protection: 'rebuilt',
    });
  });

  it('risk_assessments.csv whose dates move the periods: every family that reads periods too', () => {
    expect(planMeasures(new Set([...REFRESH_TABLES, 'risk_assessments']), false)).toEqual({
      stale: n('30', '40', '50', '60'),
      run: n('10', '20', '30', '40', '50', '60'),
      copied: n('70', '80'),
      protection: 'rebuilt',
    });
  });

  it('intelligence.csv: places (50); services.csv: provision (80); population.csv: 40 and 50 (localities, population)', () => {
    expect(plan('intelligence')).toMatchObject({ stale: n('50', '60'), copied: n('10', '20', '30', '40', '70', '80'), protection: 'rebuilt' });
    expect(plan('services')).toMatchObject({ stale: n('60', '80'), copied: n('10', '20', '30', '40', '50', '70'), protection: 'rebuilt' });
    expect(plan('population', 'localities')).toMatchObject({ stale: n('40', '50', '60'), copied: n('70', '80'), protection: 'rebuilt' });
  });
});

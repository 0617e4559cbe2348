// The check of a file runs in two statements (etl/checks.ts, checkSql): every row is
// tested against each problem's guard, and only the rows some guard picks out against the
// problems' conditions. A row whose condition holds but whose guard does not would load
// with its problem unseen, so every guard must hold wherever its condition does. Tested
// here on every file of the contract, over rows of awkward values drawn at random (seeded).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ident, literal, openDb, type Db } from '../../lib/db.js';
import { CHECK_MACROS, checkSql, lookupSql } from '../../etl/checks.js';
import { SOURCES } from '../../etl/contract.js';

/** Texts that break, bend or pass each kind of check: empty, padded, out of range, US dates, time zones … */
const POOL: (string | null)[] = [
  null,
  '',
  '  ',
  'x',
  'Y',
  'n',
  ' u ',
  'true',
  'police',
  ' Social Care ',
  'Southampton',
  ' hampshire ',
  'Isle of Wight',
  'Bargate',
  'HART',
  'Nowhere',
  '0',
  '1',
  '4',
  '-3',
  '24',
  '25',
  '400',
  '+7',
  '1e2',
  '0x10',
  '99999999999999999999',
  '2025-02-01',
  '01/02/2025',
  '12/31/2025',
  '2025-02-30',
  '2100-01-01',
  '1800-05-05',
  '1990-01-01',
  '2012-06-01',
  '2025-02-01 10:00',
  '01/02/2025 10:00:30',
  '2025-02-01 09:00',
  '2025-02-01T10:00Z',
  '2025-02-01 10:00+01:00',
  '2025-Q3',
  '2025 q1',
  '2150-Q1',
  '1850-Q2',
  'CCE',
  'high',
  'Medium',
  'completed',
  'E1',
  'E2',
  'ZZREF00001',
];

let db: Db;
beforeAll(async () => {
  db = await openDb(':memory:');
  await db.run(`SET VARIABLE met_refresh_day = DATE '2026-12-02'`);
  await db.run(CHECK_MACROS);
  await db.run(
    `CREATE VIEW localities_now AS SELECT * FROM (VALUES ('Southampton', 'Bargate', 'bargate'), ('Hampshire', 'Hart', 'hart')) t(area, locality, locality_key)`,
  );
  await db.run(`CREATE VIEW episodes_now AS SELECT * FROM (VALUES ('E1')) t(episode_id)`);
});
afterAll(() => db.close());

/** A small seeded generator (mulberry32): the same rows every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('each problem’s guard holds wherever its condition does', () => {
  for (const source of SOURCES) {
    it(source.file, async () => {
      const rand = random(source.file.length * 7919);
      const tag = `g_${source.name}`;
      const stage = `stage_${tag}`;
      // Each column's values: the pool, and its own codes as written (so that some rows pass).
      const pools = source.columns.map((c) => [...POOL, ...(c.type.kind === 'code' ? c.type.values : [])]);
      const rows = Array.from({ length: 3000 }, (_, r) => {
        const values = pools.map((pool) => {
          const v = pool[Math.floor(rand() * pool.length)]!;
          return v === null ? 'NULL' : literal(v);
        });
        return `(${r}, ${values.join(', ')})`;
      });
      await db.run(
        `CREATE OR REPLACE TABLE ${stage} AS SELECT * FROM (VALUES ${rows.join(', ')}) t(_row, ${source.columns.map((c) => ident(c.name)).join(', ')})`,
      );
      const lookups = { locality: `lookup_locality_${tag}`, date: `lookup_date_${tag}`, spelling: `lookup_spelling_${tag}`, mentions: `mentions_${tag}` };
      for (const sql of lookupSql(source, stage, lookups)) await db.run(sql);
      // 'E2' and 'Nowhere' are taken as texts that name a person reference (etl/stage.ts finds them).
      await db.run(`CREATE OR REPLACE TABLE ${lookups.mentions} AS SELECT * FROM (VALUES ('E2'), ('Nowhere')) t(raw)`);
      const check = checkSql(source, stage, lookups);
      let held = 0;
      for (const { cond, guard } of check.conditions) {
        const [r] = await db.all<{ cond: number; missed: number }>(
          `${check.typedOver(stage)} SELECT count(*) FILTER (WHERE ${cond})::INTEGER AS cond, count(*) FILTER (WHERE (${cond}) AND NOT coalesce(${guard}, false))::INTEGER AS missed FROM typed`,
        );
        expect(r!.missed, `${source.file}: ${cond}`).toBe(0);
        if (r!.cond > 0) held++;
      }
      // The rows reach the problems: most conditions hold on some row.
      expect(held).toBeGreaterThan(check.conditions.length / 2);
    });
  }
});

// The typed value the checks make of a text (etl/checks.ts: typedExpr and the date
// macros), worked out by hand, and the quick paths the checks take for the common
// spellings shown to give what the general path gives for every spelling tried.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literal, openDb, type Db } from '../../lib/db.js';
import { CHECK_MACROS, typedExpr } from '../../etl/checks.js';
import { SOURCES, type Column } from '../../etl/contract.js';

let db: Db;
beforeAll(async () => {
  db = await openDb(':memory:');
  await db.run(`SET VARIABLE met_refresh_day = DATE '2026-12-02'`);
  await db.run(CHECK_MACROS);
});
afterAll(() => db.close());

/** The typed value of each text, as text ('' for NULL), in one query. */
async function typed(col: Column, texts: (string | null)[]): Promise<string[]> {
  const values = texts.map((t, i) => `(${i}, ${t === null ? 'NULL' : literal(t)})`).join(', ');
  const rows = await db.all<{ v: string | null }>(`SELECT (${typedExpr(col, 'x', 0)})::VARCHAR AS v FROM (VALUES ${values}) t(i, x) ORDER BY i`);
  return rows.map((r) => r.v ?? '');
}

const columnOf = (kind: string): Column => {
  for (const s of SOURCES) for (const c of s.columns) if (c.type.kind === kind) return c;
  throw new Error(`no ${kind} column in the contract`);
};

describe('codes, areas and flags', () => {
  it('a code is found whatever its case, padding, spaces or hyphens, and an alias gives its code', async () => {
    const source = SOURCES.find((s) => s.name === 'missing_episodes')!;
    const col = source.columns.find((c) => c.name === 'source')!;
    expect(await typed(col, ['police', 'Police', ' POLICE ', 'social_care', 'Social Care', 'social-care', 'pol', '', null])).toEqual([
      'police',
      'police',
      'police',
      'social_care',
      'social_care',
      'social_care',
      '',
      '',
      '',
    ]);
  });

  it('every code and alias of the contract, written as it is or otherwise, gives the code the general path gives', async () => {
    let tried = 0;
    for (const s of SOURCES) {
      for (const col of s.columns) {
        if (col.type.kind !== 'code') continue;
        const t = col.type;
        const spellings = [...t.values, ...Object.keys(t.aliases ?? {})].flatMap((v) => [
          v,
          v.toUpperCase(),
          v.toLowerCase(),
          ` ${v} `,
          v.replaceAll('_', ' '),
        ]);
        const got = await typed(col, spellings);
        // The general path alone: the code key of the text, looked up.
        const expr = typedExpr(col, 'x', 0);
        const general = expr.replace(/^CASE WHEN x IN \([^)]*\) THEN x ELSE (CASE met_code_key\(x\) .*) END$/s, '$1');
        expect(general, 'the quick path was taken off').not.toBe(expr);
        const keyed = await db.all<{ v: string | null }>(
          `SELECT (${general})::VARCHAR AS v
           FROM (VALUES ${spellings.map((v, i) => `(${i}, ${literal(v)})`).join(', ')}) t(i, x) ORDER BY i`,
        );
        expect(got, `${s.name}.${col.name}`).toEqual(keyed.map((r) => r.v ?? ''));
        // Each code written as it is stands for itself.
        expect(got.filter((_, i) => i % 5 === 0).slice(0, t.values.length)).toEqual([...t.values]);
        tried += spellings.length;
      }
    }
    expect(tried).toBeGreaterThan(100);
  });

  it('an area is found from its name in any case or spacing, and nothing else is', async () => {
    expect(await typed(columnOf('area'), ['Isle of Wight', 'ISLE OF WIGHT', 'isle-of-wight', ' Hampshire ', 'Southampton', 'portsmouth', 'Wight', ''])).toEqual(
      ['Isle of Wight', 'Isle of Wight', 'Isle of Wight', 'Hampshire', 'Southampton', 'Portsmouth', '', ''],
    );
  });

  it('a flag is true or false in every spelling the contract takes, and not known otherwise', async () => {
    const texts = ['Y', 'Yes', '1', 'true', 'y', ' YES ', 'TRUE', 'N', 'No', '0', 'false', 'n', ' no ', 'FALSE', 'U', 'maybe', ''];
    expect(await typed(columnOf('flag'), texts)).toEqual([
      'true',
      'true',
      'true',
      'true',
      'true',
      'true',
      'true',
      'false',
      'false',
      'false',
      'false',
      'false',
      'false',
      'false',
      '',
      '',
      '',
    ]);
  });
});

describe('dates and date-times', () => {
  /** The macros as they were before each text was tried against one layout: a list of layouts, the reference. */
  const reference = {
    datetime: `met_plausible(CASE
        WHEN substr(trim(x), 5, 1) = '-' AND contains(trim(x), ':') THEN try_cast(trim(x) AS TIMESTAMP)
        ELSE try_strptime(trim(x), ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M']) END)`,
    date: `coalesce(met_plausible(try_strptime(trim(x), ['%Y-%m-%d', '%d/%m/%Y'])), met_datetime(x))::DATE`,
  };

  async function both(kind: 'datetime' | 'date', texts: string[]): Promise<{ got: string[]; want: string[] }> {
    const values = texts.map((t, i) => `(${i}, ${literal(t)})`).join(', ');
    const rows = await db.all<{ got: string | null; want: string | null }>(
      `SELECT met_${kind}(x)::VARCHAR AS got, (${reference[kind]})::VARCHAR AS want FROM (VALUES ${values}) t(i, x) ORDER BY i`,
    );
    return { got: rows.map((r) => r.got ?? ''), want: rows.map((r) => r.want ?? '') };
  }

  it('reads the layouts of the contract, worked out by hand', async () => {
    const { got } = await both('datetime', [
      '04/07/2022 19:51',
      '4/7/2022 9:05:07',
      ' 2022-07-04T16:39 ',
      '2022-07-04 16:39:03',
      '31/02/2022 10:00',
      '04/07/2022',
      '07/04/2022 25:00',
      '13/13/2022 10:00',
    ]);
    expect(got).toEqual(['2022-07-04 19:51:00', '2022-07-04 09:05:07', '2022-07-04 16:39:00', '2022-07-04 16:39:03', '', '', '', '']);
    const dates = await both('date', ['2009-01-07', '07/01/2009', '7/1/2009', '2009-01-07 10:00', '07/01/2009 10:00:00', '2009-02-29', 'yesterday']);
    expect(dates.got).toEqual(['2009-01-07', '2009-01-07', '2009-01-07', '2009-01-07', '2009-01-07', '', '']);
  });

  it('gives what the list of layouts gave, for thousands of texts made to be awkward', async () => {
    // Every mix of these parts: one- and two-digit days and months, slashes and hyphens,
    // times with and without seconds, stray spaces, letters, signs and trailing text.
    const days = ['4', '04', '31', '00', '4a'];
    const months = ['7', '07', '13', '02'];
    const years = ['2022', '22', '0999', '-2022'];
    const times = ['', ' 19:51', ' 9:05:07', ' 19:51:60', ' 24:00', 'T19:51', ' 19:51 ', ' 19:51:07.5', ' 19:51:07 x', ' :'];
    const texts: string[] = [];
    for (const d of days)
      for (const m of months)
        for (const y of years)
          for (const t of times) {
            texts.push(`${d}/${m}/${y}${t}`, `${y}-${m}-${d}${t}`, ` ${d}/${m}/${y}${t}`, `${d}-${m}-${y}${t}`);
          }
    texts.push('', ' ', '::', '//', '1/1/2022::', '2022-01-01::00', '01/01/2022 10:00:00:00');
    expect(texts.length).toBeGreaterThan(3000);
    for (const kind of ['datetime', 'date'] as const) {
      const { got, want } = await both(kind, texts);
      const differ = texts.filter((_, i) => got[i] !== want[i]);
      expect(differ, kind).toEqual([]);
      // Not a test that cannot fail: many of the texts are read as dates.
      expect(got.filter((g) => g !== '').length, kind).toBeGreaterThan(200);
    }
  });
});

// The contract's row checks, written as SQL from the contract's description of each
// column. One SELECT types every value and lists every problem of every row, so a
// whole file is checked in one pass inside DuckDB.

import {
  AREAS,
  EARLIEST_DATE,
  EXCERPT_CHARS,
  FUTURE_MARGIN_DAYS,
  freeTextColumns,
  idColumns,
  type Column,
  type ColumnType,
  type RowRule,
  type Source,
} from './contract.js';
import { ident, literal } from '../lib/db.js';
import { readSql } from './buildMeasures.js';

/** Macros the checks use; created once per loader connection. */
export const CHECK_MACROS =
  readSql('age.sql') +
  `
-- A name's matching key: case, spaces, punctuation and '&' = 'and' aside, its letters kept
-- (accented ones too), an accent written as one character or as a letter and a combining
-- mark the same (NFC: 'Mölln' either way).
CREATE OR REPLACE MACRO met_key(x) AS
    lower(regexp_replace(replace(nfc_normalize(trim(x)), '&', ' and '), '[^\\p{L}\\p{N}]', '', 'g'));
-- Code values: trimmed, lower case, spaces and hyphens read as underscores (no regular
-- expression: this runs once per value of every code column).
-- A whole number is an optional sign and ASCII digits, nothing else; too many digits for BIGINT is NULL (out of range).
CREATE OR REPLACE MACRO met_is_whole(x) AS regexp_full_match(trim(x), '[+-]?[0-9]+');
CREATE OR REPLACE MACRO met_whole(x) AS CASE WHEN met_is_whole(x) THEN try_cast(trim(x) AS BIGINT) END;
CREATE OR REPLACE MACRO met_code_key(x) AS
    lower(replace(replace(trim(x), ' ', '_'), '-', '_'));
-- Any year of four digits or fewer parses; one before ${EARLIEST_DATE.slice(0, 4)} (a two-digit year read as
-- year 25) is 'out of range' and one after the refresh day 'date in the future' (met_date_range).
CREATE OR REPLACE MACRO met_plausible(t) AS CASE WHEN year(t) BETWEEN 1 AND 9999 THEN t END;
-- The latest date a row may hold: the refresh day (set by the load) plus a margin (FUTURE_MARGIN_DAYS).
CREATE OR REPLACE MACRO met_latest_date() AS (getvariable('met_refresh_day')::DATE + INTERVAL ${FUTURE_MARGIN_DAYS} DAY)::DATE;
-- 'date in the future', 'out of range' or NULL for a parsed date.
CREATE OR REPLACE MACRO met_date_range(d) AS
    CASE WHEN d::DATE > met_latest_date() THEN 'date in the future'
         WHEN d::DATE < DATE '${EARLIEST_DATE}' THEN 'out of range' END;
-- At most ${EXCERPT_CHARS} characters of a value, control characters shown as '?': how row_values keeps a pseudonym.
CREATE OR REPLACE MACRO met_excerpt(x) AS
    CASE WHEN x IS NULL THEN NULL
         WHEN length(x) > ${EXCERPT_CHARS} THEN regexp_replace(left(x, ${EXCERPT_CHARS}), '[[:cntrl:]]', '?', 'g') || '…'
         ELSE regexp_replace(x, '[[:cntrl:]]', '?', 'g') END;
-- The shape of a value, never its characters: what a reason or a quarantined row may say
-- of a value that fails its check (it could be a name or a reference in the wrong column).
-- Each class named once, joined by commas, the last comma read as 'and'. Built without a
-- list or a macro that repeats its argument: a macro's argument is copied wherever it
-- is named, and the checks name met_shape dozens of times (planning it cost 0.2 s a file).
CREATE OR REPLACE MACRO met_shape_of(t) AS
    format('{:,}', length(t)) || CASE WHEN length(t) = 1 THEN ' character: ' ELSE ' characters: ' END || regexp_replace(concat_ws(', ',
        CASE WHEN regexp_matches(t, '[A-Za-z]') THEN 'letters' END,
        CASE WHEN regexp_matches(t, '[0-9]') THEN 'digits' END,
        CASE WHEN contains(t, ' ') THEN 'spaces' END,
        CASE WHEN regexp_matches(t, '[[:punct:]]') THEN 'punctuation' END,
        CASE WHEN regexp_matches(t, '[^ -~]') THEN 'other characters' END), ', ([^,]*)$', ' and \\1');
CREATE OR REPLACE MACRO met_shape(x) AS CASE WHEN x IS NULL OR trim(x) = '' THEN NULL ELSE met_shape_of(trim(x)) END;
-- ISO date-times go through DuckDB's own cast (three times faster than strptime over a
-- million rows); UK DD/MM/YYYY HH:MM[:SS] through strptime. A date without a time is
-- not a date-time. Each text is tried against the one layout it could match (two colons:
-- with seconds; a slash: day first), never a list of them: a layout that fails costs
-- strptime eight times what one that matches does.
-- A time zone (Z, +01:00) is not taken: the contract's times are UK local times, and a
-- zone would be dropped or moved silently.
CREATE OR REPLACE MACRO met_datetime(x) AS
    met_plausible(CASE
        WHEN substr(trim(x), 5, 1) = '-' AND contains(trim(x), ':') THEN
            CASE WHEN NOT regexp_matches(trim(x), '[0-9](Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$') THEN try_cast(trim(x) AS TIMESTAMP) END
        WHEN trim(x) LIKE '%:%:%' THEN try_strptime(trim(x), '%d/%m/%Y %H:%M:%S')
        ELSE try_strptime(trim(x), '%d/%m/%Y %H:%M')
    END);
CREATE OR REPLACE MACRO met_date(x) AS
    coalesce(met_plausible(CASE WHEN contains(trim(x), '/') THEN try_strptime(trim(x), '%d/%m/%Y')
                                ELSE try_strptime(trim(x), '%Y-%m-%d') END), met_datetime(x))::DATE;
-- A calendar quarter: 'YYYY-Qn' (case and spaces ignored), or NULL; met_quarter_start its first day.
CREATE OR REPLACE MACRO met_quarter(x) AS
    CASE WHEN regexp_full_match(upper(replace(trim(x), ' ', '')), '[0-9]{4}-?Q[1-4]')
         THEN left(upper(replace(trim(x), ' ', '')), 4) || '-Q' || right(upper(trim(x)), 1) END;
CREATE OR REPLACE MACRO met_quarter_start(q) AS
    make_date(left(q, 4)::INTEGER, (right(q, 1)::INTEGER - 1) * 3 + 1, 1);
-- met_age(dob, d) comes from sql/age.sql (CHECK_MACROS below).
CREATE OR REPLACE MACRO met_date_problem(x) AS
    CASE
        WHEN regexp_full_match(trim(x), '\\d{1,2}/\\d{1,2}/\\d{4}( .*)?')
             AND try_cast(split_part(trim(x), '/', 2) AS INTEGER) BETWEEN 13 AND 31
             AND try_cast(split_part(trim(x), '/', 1) AS INTEGER) BETWEEN 1 AND 12
            THEN 'US-style date'
        WHEN regexp_full_match(trim(x), '(\\d{1,2}/\\d{1,2}/\\d{4}|\\d{4}-\\d{1,2}-\\d{1,2})([ T]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?)?')
            THEN 'impossible date'
        ELSE 'not a date'
    END;
`;

const empty = (raw: string) => `(${raw} IS NULL OR trim(${raw}) = '')`;
const q = (s: string) => literal(s);

/**
 * The SQL that makes a stored value from the raw text of one column; `i` is the
 * column's position, which names its lookup joins (loc<i>, dt<i>).
 */
export function typedExpr(col: Column, raw: string, i: number): string {
  const t = col.type;
  switch (t.kind) {
    case 'text':
      // A name others match by met_key: its commonest spelling in the file (lookup.spelling).
      if (t.spelling === 'commonest') return `sp${i}.spelling`;
      return `nullif(trim(${raw}), '')`;
    case 'ref':
      return `nullif(trim(${raw}), '')`;
    case 'int':
      // Only an optional sign and ASCII digits: not 1e10, 0x10, 1_000 or 1.0, which DuckDB's cast would take.
      return `met_whole(${raw})`;
    case 'date':
      // Dates repeat (dates of birth, days of events): parsed once per distinct text, in the lookup.
      return `dt${i}.d`;
    case 'datetime':
      return `met_datetime(${raw})`;
    case 'flag':
      // The spellings a flag is usually written in are matched as they are, before any
      // trimming or lowering (the same answer, without a new string for every value).
      return `CASE WHEN ${raw} IN ('Y', 'N', 'Yes', 'No', '1', '0', 'true', 'false') THEN ${raw} IN ('Y', 'Yes', '1', 'true')
                   WHEN lower(trim(${raw})) IN ('y', 'yes', 'true', '1') THEN true
                   WHEN lower(trim(${raw})) IN ('n', 'no', 'false', '0') THEN false END`;
    case 'code':
      return codeExpr(t, raw);
    case 'area':
      // An area written exactly as its name is taken as it is; any other text through met_key.
      return `CASE WHEN ${raw} IN (${AREAS.map(q).join(', ')}) THEN ${raw} ELSE CASE met_key(${raw}) ${AREAS.map(
        (v) => `WHEN met_key(${q(v)}) THEN ${q(v)}`,
      ).join(' ')} END END`;
    case 'locality':
      return `loc${i}.locality`;
    case 'quarter':
      // YYYY-Qn, case and spaces aside (`2025 q3` is 2025-Q3); a year before 1900 or a quarter after the refresh is caught as a date would be.
      return `met_quarter(${raw})`;
    case 'codes':
      return `coalesce(list_filter(list_transform(string_split(coalesce(${raw}, ''), ';'), f -> upper(trim(f))), f -> f <> ''), [])`;
  }
}

function codeKey(v: string): string {
  return v
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function codeExpr(t: Extract<ColumnType, { kind: 'code' }>, raw: string): string {
  const pairs = new Map<string, string>();
  for (const v of t.values) pairs.set(codeKey(v), v);
  for (const [k, v] of Object.entries(t.aliases ?? {})) pairs.set(codeKey(k), v);
  const whens = [...pairs].map(([k, v]) => `WHEN ${q(k)} THEN ${q(v)}`).join(' ');
  // A value written exactly as one of its codes is that code (what met_code_key would
  // find for it), taken before any trimming, lowering or replacing: most values are.
  // Only codes whose key is the same in SQL as here (letters, digits and underscores,
  // single spaces or hyphens between them: nothing either trim or collapse would change).
  const exact = t.values.filter((v) => /^[A-Za-z0-9_]+([ -][A-Za-z0-9_]+)*$/.test(v) && pairs.get(codeKey(v)) === v);
  if (exact.length === 0) return `CASE met_code_key(${raw}) ${whens} END`;
  return `CASE WHEN ${raw} IN (${exact.map(q).join(', ')}) THEN ${raw} ELSE CASE met_code_key(${raw}) ${whens} END END`;
}

function allowed(t: Extract<ColumnType, { kind: 'code' }>): string {
  return t.values.join(', ');
}

/**
 * One problem: its condition and, as a SQL struct, what it says. `reason` is a SQL
 * expression; `kind` is text, or SQL when `kindSql`. `guard`, where the condition reads
 * the text as sent, is a cheaper condition that holds wherever it does (see Problem).
 */
function problem(cond: string, column: string, kind: string, reason: string, kindSql = false, guard = cond): Problem {
  return { cond, guard, sql: `CASE WHEN ${cond} THEN {'column': ${q(column)}, 'kind': ${kindSql ? kind : q(kind)}, 'reason': ${reason}} END` };
}

/**
 * A problem's condition, and the SQL of the problem (a struct, or NULL when the condition does not hold).
 * `guard` holds wherever `cond` does, and reads only typed values, flags and whether a
 * value was sent at all (`raw IS NOT NULL`), never the text itself: every row is tested
 * against the guards, and only the rows some guard picks out against the conditions.
 */
interface Problem {
  cond: string;
  guard: string;
  sql: string;
}

/**
 * What a reason says of a value that breaks its column's check: its shape in brackets
 * (length and kinds of character), never the value, which could be a name or a raw
 * reference sent in the wrong column.
 */
const shape = (raw: string) => `' (' || met_shape(${raw}) || ')'`;

/** The problem of a parsed date or date-time that lies after the refresh day (plus margin) or before EARLIEST_DATE. */
function dateRangeProblem(name: string, typed: string, kind: 'date' | 'datetime'): Problem {
  // The parsed date as a reason shows it: made from the typed value, so only the digits of a real date.
  const fmt = kind === 'date' ? fmtDate(typed) : fmtTs(typed);
  return problem(
    `${typed} IS NOT NULL AND met_date_range(${typed}) IS NOT NULL`,
    name,
    `met_date_range(${typed})`,
    `${q(name + ' ')} || ${fmt} || CASE met_date_range(${typed})
        WHEN 'date in the future' THEN ' is in the future (after ' || strftime(met_latest_date(), '%Y-%m-%d') || ', the refresh day plus ${FUTURE_MARGIN_DAYS} day${FUTURE_MARGIN_DAYS === 1 ? '' : 's'})'
        ELSE ' is before ${EARLIEST_DATE.slice(0, 4)}: is the year written in full (YYYY)?' END`,
    true,
  );
}

/** The problems one column can have. */
function columnProblems(col: Column, raw: string, typed: string, area: string | null): Problem[] {
  const name = col.name;
  const out: Problem[] = [];
  if (col.required) {
    // An empty value of these kinds has no typed value, so the typed value's NULL is tested
    // first: most rows have one, and are passed over without trimming the text.
    const emptyIsNull = ['text', 'ref', 'int', 'date', 'datetime', 'flag', 'code', 'area', 'quarter'].includes(col.type.kind);
    const cond = emptyIsNull ? `${typed} IS NULL AND ${empty(raw)}` : empty(raw);
    out.push(problem(cond, name, 'missing required value', q(`${name} is required but empty`), false, emptyIsNull ? `${typed} IS NULL` : cond));
  }
  const present = `NOT ${empty(raw)}`;
  // A value sent and not read as its type: the guard of every "not a …" problem (a value
  // that is not empty is not NULL).
  const unread = `${typed} IS NULL AND ${raw} IS NOT NULL`;
  const t = col.type;
  switch (t.kind) {
    case 'int': {
      out.push(
        problem(
          `${typed} IS NULL AND ${present} AND NOT met_is_whole(${raw})`,
          name,
          'not a whole number',
          `${q(name + ' is not a whole number')} || ${shape(raw)}`,
          false,
          unread,
        ),
      );
      // A whole number too long for BIGINT is out of range too, not "not a whole number".
      const range = [`${typed} IS NULL`, t.min !== undefined ? `${typed} < ${t.min}` : null, t.max !== undefined ? `${typed} > ${t.max}` : null].filter(
        Boolean,
      );
      const fmtN = (n: number) => n.toLocaleString('en-GB');
      const span =
        t.max !== undefined
          ? `${t.min !== undefined ? fmtN(t.min) : '…'}–${fmtN(t.max)}`
          : t.min !== undefined
            ? `at least ${fmtN(t.min)}`
            : 'a whole number of at most 19 digits';
      out.push(
        problem(
          `(${range.join(' OR ')}) AND ${present} AND met_is_whole(${raw})`,
          name,
          'out of range',
          `${q(name + ' is outside the allowed range ' + span)} || ${shape(raw)}`,
          false,
          `(${[unread, ...range.slice(1)].join(' OR ')})`,
        ),
      );
      break;
    }
    case 'date':
      out.push(
        problem(
          `${typed} IS NULL AND ${present}`,
          name,
          `met_date_problem(${raw})`,
          `${q(name)} || CASE met_date_problem(${raw})
              WHEN 'US-style date' THEN ' looks like a US month/day date' || ${shape(raw)} || '; write day/month (DD/MM/YYYY) or YYYY-MM-DD'
              WHEN 'impossible date' THEN ' is not a real calendar date' || ${shape(raw)}
              ELSE ' is not a date' || ${shape(raw)} || '; write YYYY-MM-DD or DD/MM/YYYY' END`,
          true,
          unread,
        ),
      );
      out.push(dateRangeProblem(name, typed, 'date'));
      break;
    case 'datetime':
      out.push(
        problem(
          `${typed} IS NULL AND ${present}`,
          name,
          `CASE WHEN met_date(${raw}) IS NOT NULL THEN 'date without time' ELSE met_date_problem(${raw}) END`,
          `${q(name)} || CASE
              WHEN regexp_matches(trim(${raw}), '[0-9](Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$') AND substr(trim(${raw}), 5, 1) = '-'
                  THEN ' has a time zone' || ${shape(raw)} || '; write the UK local time without one (YYYY-MM-DD HH:MM)'
              WHEN met_date(${raw}) IS NOT NULL THEN ' has a date but no time' || ${shape(raw)} || '; write YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM'
              WHEN met_date_problem(${raw}) = 'US-style date' THEN ' looks like a US month/day date' || ${shape(raw)} || '; write day/month (DD/MM/YYYY HH:MM) or YYYY-MM-DD HH:MM'
              WHEN met_date_problem(${raw}) = 'impossible date' THEN ' is not a real calendar date' || ${shape(raw)}
              ELSE ' is not a date and time' || ${shape(raw)} || '; write YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM' END`,
          true,
          unread,
        ),
      );
      out.push(dateRangeProblem(name, typed, 'datetime'));
      break;
    case 'flag':
      out.push(
        problem(
          `${typed} IS NULL AND ${present} AND lower(trim(${raw})) NOT IN ('u')`,
          name,
          'not a Y/N flag',
          `${q(name + ' is not a flag')} || ${shape(raw)} || '; write Y, N, Yes, No, true, false, 1 or 0, or U or nothing for not known'`,
          false,
          unread,
        ),
      );
      break;
    case 'code':
      out.push(
        problem(
          `${typed} IS NULL AND ${present}`,
          name,
          'unknown code',
          `${q(name + ' is not one of its codes')} || ${shape(raw)} || '; the codes are: ${allowed(t).replace(/'/g, "''")}'`,
          false,
          unread,
        ),
      );
      break;
    case 'area':
      out.push(
        problem(
          `${typed} IS NULL AND ${present}`,
          name,
          'unknown area',
          `${q(name + ' is not a partnership area')} || ${shape(raw)} || '; the areas are Southampton, Portsmouth, Hampshire, Isle of Wight'`,
          false,
          unread,
        ),
      );
      break;
    case 'quarter':
      out.push(
        problem(
          `${typed} IS NULL AND ${present}`,
          name,
          'not a quarter',
          `${q(name + ' is not a calendar quarter')} || ${shape(raw)} || '; write YYYY-Qn, for example 2025-Q3 for July to September 2025'`,
          false,
          unread,
        ),
      );
      // A quarter that starts after the refresh day (plus the margin) has not happened; one before 1900 is a typing slip.
      out.push(
        problem(
          `${typed} IS NOT NULL AND met_date_range(met_quarter_start(${typed})) IS NOT NULL`,
          name,
          `met_date_range(met_quarter_start(${typed}))`,
          `${q(name + ' ')} || ${typed} || CASE met_date_range(met_quarter_start(${typed}))
              WHEN 'date in the future' THEN ' starts in the future (after ' || strftime(met_latest_date(), '%Y-%m-%d') || ', the refresh day plus ${FUTURE_MARGIN_DAYS} day${FUTURE_MARGIN_DAYS === 1 ? '' : 's'})'
              ELSE ' is before ${EARLIEST_DATE.slice(0, 4)}: is the year written in full (YYYY)?' END`,
          true,
        ),
      );
      break;
    case 'locality': {
      const where = t.anyArea || !area ? 'any of the four areas' : null;
      out.push(
        problem(
          `${typed} IS NULL AND ${present}`,
          name,
          'unknown locality',
          where
            ? `${q(name + ` is not a locality of ${where} in population.csv`)} || ${shape(raw)}`
            : `${q(name + ' is not a locality of ')} || coalesce(${area}, 'the area') || ' in population.csv' || ${shape(raw)}`,
          false,
          unread,
        ),
      );
      break;
    }
    default:
      break;
  }
  return out;
}

const fmtTs = (x: string) => `strftime(${x}, '%Y-%m-%d %H:%M')`;
const fmtDate = (x: string) => `strftime(${x}::DATE, '%Y-%m-%d')`;

function ruleProblems(rule: RowRule, source: Source): Problem[] {
  const typeOf = (c: string) => source.columns.find((x) => x.name === c)?.type.kind;
  switch (rule.kind) {
    case 'not_before': {
      const a = ident(rule.column);
      const b = ident(rule.other);
      // Times to the minute, or to the second where the minute is the same (17:13:10 before
      // 17:13:40), or to the millisecond where the second is (10:00:30.200 before 10:00:30.700).
      const fmt =
        typeOf(rule.column) === 'datetime'
          ? (x: string) =>
              `CASE WHEN date_trunc('second', ${a}) = date_trunc('second', ${b}) THEN strftime(${x}, '%Y-%m-%d %H:%M:%S.%g')
                    WHEN date_trunc('minute', ${a}) = date_trunc('minute', ${b}) THEN strftime(${x}, '%Y-%m-%d %H:%M:%S') ELSE ${fmtTs(x)} END`
          : fmtDate;
      return [
        problem(
          `${a} IS NOT NULL AND ${b} IS NOT NULL AND ${a} < ${b}`,
          rule.column,
          `${rule.column} before ${rule.other}`,
          `${q(rule.column + ' ')} || ${fmt(a)} || ${q(' is before ' + rule.other + ' ')} || ${fmt(b)}`,
        ),
      ];
    }
    case 'dob_sane': {
      const dob = ident(rule.dob);
      const ev = ident(rule.event);
      return [
        problem(
          `${dob} IS NOT NULL AND ${ev} IS NOT NULL AND ${dob} > ${ev}::DATE`,
          rule.dob,
          'date of birth after the event',
          `${q(rule.dob + ' ')} || ${fmtDate(dob)} || ${q(' is after ' + rule.event + ' ')} || ${fmtDate(ev)}`,
        ),
        problem(
          // Born more than 24 years before the event (a year of slack for leap days, and so
          // not after it) before the exact age is worked out.
          `${dob} IS NOT NULL AND ${ev} IS NOT NULL AND ${dob} < ${ev}::DATE - INTERVAL 24 YEAR AND met_age(${dob}, ${ev}) > 24`,
          rule.dob,
          'age over 24 at the event',
          `'age at ${rule.event} is ' || met_age(${dob}, ${ev}) || ' (' || ${q(rule.dob + ' ')} || ${fmtDate(dob)} || '): the MET remit ends at 24'`,
        ),
      ];
    }
    case 'level_or_score':
      return [
        problem(
          `"level" IS NULL AND "score" IS NULL AND (raw_level IS NULL OR trim(raw_level) = '') AND (raw_score IS NULL OR trim(raw_score) = '')`,
          'level',
          'no SERAF level or score',
          q('a SERAF assessment needs a level (none, low, medium, high or 1–4) or a score; both are empty'),
          false,
          `"level" IS NULL AND "score" IS NULL`,
        ),
      ];
    case 'not_more_than': {
      const a = ident(rule.column);
      const b = ident(rule.other);
      return [
        problem(
          `${a} IS NOT NULL AND ${b} IS NOT NULL AND ${a} > ${b}`,
          rule.column,
          `${rule.column} more than ${rule.other}`,
          // Both are checked whole numbers: showing them quotes nothing but a count.
          `${q(rule.column + ' ')} || ${a} || ${q(' is more than ' + rule.other + ' ')} || ${b} || ${q(': it is a part of it')}`,
        ),
      ];
    }
    case 'episode_exists':
      return [
        problem(
          `${ident(rule.column)} IS NOT NULL AND known_episode_id IS NULL`,
          rule.column,
          'unknown episode',
          `${q(rule.column + ' does not name a loaded missing episode')} || ${shape(ident(rule.column))}`,
        ),
      ];
  }
}

export interface Lookups {
  /** (raw, key): the matching key of every distinct text of the file's locality columns. */
  locality: string;
  /** (raw, d): the parsed date of every distinct text of the file's date columns. */
  date: string;
  /** (raw, spelling): the commonest spelling in the file of every distinct text of its `spelling: 'commonest'` columns. */
  spelling: string;
  /** (raw): the texts of the file's free-text columns that hold a person reference (etl/stage.ts, findMentions). */
  mentions: string;
}

/** SQL that builds the lookups of a staged file. */
export function lookupSql(source: Source, stage: string, lookup: Lookups): string[] {
  const cols = (kind: string) => source.columns.filter((c) => c.type.kind === kind).map((c) => ident(c.name));
  const distinct = (names: string[]) =>
    names.length
      ? names.map((n) => `SELECT DISTINCT ${n} AS raw FROM ${stage} WHERE ${n} IS NOT NULL`).join(' UNION ')
      : `SELECT NULL::VARCHAR AS raw WHERE false`;
  const named = source.columns.filter((c) => c.type.kind === 'text' && c.type.spelling === 'commonest').map((c) => ident(c.name));
  // Spellings counted over every such column's rows (trimmed); the commonest of each met_key
  // wins, a tie going to the spelling seen first in the file.
  const spellings = named.length
    ? named.map((n) => `SELECT trim(${n}) AS s, _row FROM ${stage} WHERE trim(${n}) <> ''`).join(' UNION ALL ')
    : `SELECT NULL::VARCHAR AS s, NULL::BIGINT AS _row WHERE false`;
  return [
    `CREATE OR REPLACE TEMP TABLE ${lookup.locality} AS SELECT raw, met_key(raw) AS key FROM (${distinct(cols('locality'))})`,
    `CREATE OR REPLACE TEMP TABLE ${lookup.date} AS SELECT raw, met_date(raw) AS d FROM (${distinct(cols('date'))})`,
    `CREATE OR REPLACE TEMP TABLE ${lookup.spelling} AS
     SELECT s AS raw, first_value(s) OVER (PARTITION BY met_key(s) ORDER BY n DESC, first_row) AS spelling
     FROM (SELECT s, count(*) AS n, min(_row) AS first_row FROM (${spellings}) GROUP BY s)`,
  ];
}

/**
 * The two statements that check a staged file. The stage has one VARCHAR column per
 * contract column (NULL where the file lacks it) and `_row`, the record's order.
 *
 * `typed`, over every row, gives `_row`, the typed columns under their contract names,
 * `problems` (empty), `key_first_row` (NULL: set later for a repeated key) and `suspect`:
 * whether some problem's guard holds (Problem), tested on typed values and flags alone.
 * `problems(final)`, over the suspect rows of that table only, gives `_row` and the list of
 * {column, kind, reason} of each: the conditions read the text as sent (trimmed, parsed
 * again for the reason), which over every row cost the check of a million episodes half
 * its time. The raw text is not kept: a quarantined row's values are read from the stage again.
 */
export function checkSql(
  source: Source,
  stage: string,
  lookup: Lookups,
  opts: { episodes?: string } = {},
): {
  /** Each problem's condition and its guard (for the tests: the guard holds wherever the condition does). */
  conditions: { cond: string; guard: string }[];
  /** `WITH typed AS (…)`: the typed values, the text as sent (`raw_<column>`) and the flags of the rows of `rows`. */
  typedOver: (rows: string) => string;
  typed: string;
  problems: (final: string, raw: RawTable) => string;
} {
  const joins: string[] = [];
  const typed: string[] = [];
  const rawCols: string[] = [];
  const areaCol = source.columns.find((c) => c.type.kind === 'area');
  const areaTyped = areaCol ? typedExpr(areaCol, `s.${ident(areaCol.name)}`, -1) : null;
  // Free text and ids are looked up among the texts that name a person reference (etl/stage.ts).
  const ids = new Set(idColumns(source).map((c) => c.name));
  const freeText = new Set([...freeTextColumns(source).map((c) => c.name), ...ids]);
  source.columns.forEach((col, i) => {
    const raw = `s.${ident(col.name)}`;
    rawCols.push(`${raw} AS ${ident('raw_' + col.name)}`);
    const alias = `loc${i}`;
    if (col.type.kind === 'locality') {
      // Locality names repeat: their matching key is worked out once per distinct text (lookup.locality).
      const sameArea = col.type.anyArea || !areaTyped ? '' : ` AND ${alias}.area = ${areaTyped}`;
      joins.push(`LEFT JOIN ${lookup.locality} k${i} ON k${i}.raw = ${raw}`);
      joins.push(`LEFT JOIN localities_now ${alias} ON ${alias}.locality_key = k${i}.key${sameArea}`);
    }
    if (col.type.kind === 'date') joins.push(`LEFT JOIN ${lookup.date} dt${i} ON dt${i}.raw = ${raw}`);
    if (col.type.kind === 'text' && col.type.spelling === 'commonest') joins.push(`LEFT JOIN ${lookup.spelling} sp${i} ON sp${i}.raw = trim(${raw})`);
    typed.push(`${typedExpr(col, raw, i)} AS ${ident(col.name)}`);
    if (freeText.has(col.name)) {
      joins.push(`LEFT JOIN ${lookup.mentions} mt${i} ON mt${i}.raw = ${raw}`);
      typed.push(`mt${i}.raw IS NOT NULL AS ${ident('mentions_' + col.name)}`);
    }
  });
  if (source.rules.some((r) => r.kind === 'episode_exists')) {
    joins.push(`LEFT JOIN ${opts.episodes ?? 'episodes_now'} known_episode ON known_episode.episode_id = nullif(trim(s."episode_id"), '')`);
  }
  const colProblems = source.columns.flatMap((col) => columnProblems(col, ident('raw_' + col.name), ident(col.name), areaCol ? ident(areaCol.name) : null));
  const rules = source.rules.flatMap((r) => ruleProblems(r, source));
  // Free text that holds a person reference of this data: its row is quarantined, the text only as its shape.
  const mentions = [...freeText].map((name) =>
    problem(
      ident('mentions_' + name),
      name,
      'names a person reference',
      ids.has(name)
        ? q(
            `${name} is built from a child's or offender's reference of the file (not shown): an id must not hold a person's reference; ask the partner for ids that do not`,
          )
        : q(`${name} holds a child's or offender's reference of this data (not shown): free text must name no one; remove it and send the file again`),
    ),
  );
  const all = [...colProblems, ...mentions, ...rules];
  const knownEpisodeCol = source.rules.some((r) => r.kind === 'episode_exists') ? ', known_episode.episode_id AS known_episode_id' : '';
  // Each flag a condition reads besides the typed values, kept beside them for the second statement.
  const flags = [...[...freeText].map((n) => ident('mentions_' + n)), ...(knownEpisodeCol ? ['known_episode_id'] : [])];
  const typedOver = (rows: string) => `
WITH typed AS (
    SELECT s._row, ${typed.join(',\n           ')},
           ${rawCols.join(',\n           ')}${knownEpisodeCol}
    FROM ${rows} s
    ${joins.join('\n    ')}
)`;
  return {
    conditions: all.map(({ cond, guard }) => ({ cond, guard })),
    typedOver,
    typed: `${typedOver(stage)}
SELECT _row, ${source.columns.map((c) => ident(c.name)).join(', ')},
       []::${PROBLEMS_TYPE} AS problems,
       NULL::BIGINT AS key_first_row,
       -- In a CASE, each guard is tested only on the rows the ones before it passed over.
       CASE WHEN ${all.map((p) => `(${p.guard})`).join('\n              OR ')} THEN true ELSE false END AS suspect${flags.map((f) => `, ${f}`).join('')}
FROM typed`,
    // The suspect rows' typed values and flags as the first statement made them, beside the
    // text as sent (a reference's being its pseudonym, which the typed value is too).
    problems: (final, raw) => `
WITH typed AS (
    SELECT f.*, ${source.columns
      .map((c) => {
        const col = raw.columns.get(c.name);
        return `${c.type.kind === 'ref' ? `f.${ident(c.name)}` : col ? `r.${col}` : 'NULL::VARCHAR'} AS ${ident('raw_' + c.name)}`;
      })
      .join(', ')}
    FROM (SELECT * FROM ${final} WHERE suspect) f JOIN ${raw.table} r ON r.rowid = f._row
)
SELECT _row,
       CASE WHEN ${all.map((p) => `(${p.cond})`).join('\n              OR ')}
            THEN list_filter([${all.map((p) => p.sql).join(',\n                    ')}],
                   p -> p IS NOT NULL)
            ELSE []::${PROBLEMS_TYPE} END AS problems
FROM typed`,
  };
}

/** The file as read (etl/stage.ts): its table, whose rowid is `_row`, and the column of it that holds each contract column other than a reference. */
export interface RawTable {
  table: string;
  columns: Map<string, string>;
}

/** The type of a row's list of problems. */
const PROBLEMS_TYPE = 'STRUCT("column" VARCHAR, kind VARCHAR, reason VARCHAR)[]';

/**
 * A quarantined row's value of one column, as `row_values` keeps it. A value that passes
 * its column's check is kept in its checked form (a date, a code, an area, a locality, a
 * number in range, a flag); a reference as its pseudonym (at most EXCERPT_CHARS characters);
 * anything else (a value that fails its check, and free text, which no check can tell
 * from a name sent in the wrong column) only as its shape. `v` is the checked value,
 * `raw` the text as read (never a reference's: those are read as their pseudonyms).
 */
export function storedValueExpr(col: Column, v: string, raw: string): string {
  const t = col.type;
  const shapeOf = `met_shape(${raw})`;
  switch (t.kind) {
    case 'ref':
      // The checked value of a reference is its pseudonym (a stage value, trimmed: the same text).
      return `met_excerpt(${v})`;
    case 'text':
    case 'codes':
      return shapeOf;
    case 'int': {
      const ok = [`${v} IS NOT NULL`, t.min !== undefined ? `${v} >= ${t.min}` : null, t.max !== undefined ? `${v} <= ${t.max}` : null]
        .filter(Boolean)
        .join(' AND ');
      return `CASE WHEN ${ok} THEN ${v}::VARCHAR ELSE ${shapeOf} END`;
    }
    case 'date':
      return `CASE WHEN ${v} IS NOT NULL AND met_date_range(${v}) IS NULL THEN ${fmtDate(v)} ELSE ${shapeOf} END`;
    case 'datetime':
      return `CASE WHEN ${v} IS NOT NULL AND met_date_range(${v}) IS NULL THEN strftime(${v}, '%Y-%m-%d %H:%M:%S') ELSE ${shapeOf} END`;
    case 'flag':
      return `CASE WHEN ${v} THEN 'Y' WHEN NOT ${v} THEN 'N' WHEN lower(trim(${raw})) = 'u' THEN 'U' ELSE ${shapeOf} END`;
    case 'code':
    case 'area':
    case 'locality':
      return `coalesce(${v}, ${shapeOf})`;
    case 'quarter':
      return `CASE WHEN ${v} IS NOT NULL AND met_date_range(met_quarter_start(${v})) IS NULL THEN ${v} ELSE ${shapeOf} END`;
  }
}

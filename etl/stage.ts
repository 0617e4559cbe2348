// Reads one prepared CSV with DuckDB's own reader into an in-memory table, and
// stages it as a view: one VARCHAR column per contract column, references already
// replaced by their pseudonyms. Raw references exist only in this connection's memory, never in the
// warehouse file (DuckDB's spilling to disk is switched off for this connection).

import type { Db } from '../lib/db.js';
import { ident, literal } from '../lib/db.js';
import { freeTextColumns, idColumns, looksLikeIdentifier, NAMED_EXTRA_COLUMNS, normaliseHeader, type Source } from './contract.js';
import { CsvRefusal, type PreparedCsv } from './csvFile.js';
import { hmacBlocks, pseudonymKey, pseudonymSql } from './pseudonym.js';
import { refusals, safeName } from '../lib/messages.js';
import { TABLE_OF } from './carryForward.js';
import type { RawTable } from './checks.js';

export interface HeaderMap {
  /** contract column → index in the file's header (absent columns are missing). */
  index: Map<string, number>;
  absent: string[];
  /**
   * Columns outside the contract (never stored): those the product recognises
   * (NAMED_EXTRA_COLUMNS) as the file names them, the others counted, never named.
   */
  dropped: string[];
  /** Those of `dropped` that are direct identifiers (names, addresses, notes …), and a count of the others that look like them. */
  identifiers: string[];
}

/** How many dropped column names the report lists before saying how many more there are. */
const DROPPED_SHOWN = 30;

/**
 * Matches the file's header to the contract. The header is recognised only when it
 * names every required column; until then nothing of the first line is quoted (a file
 * without a header has a child's record there), only the contract's column names.
 */
export function mapHeader(source: Source, header: string[], fileName: string): HeaderMap {
  void fileName;
  const normalised = header.map(normaliseHeader);
  const seen = new Map<string, number>();
  const duplicates: number[] = [];
  normalised.forEach((n, i) => {
    if (n === '') return;
    if (seen.has(n)) duplicates.push(i);
    else seen.set(n, i);
  });
  const required = source.columns.filter((c) => c.required).map((c) => c.name);
  const missing = required.filter((c) => !seen.has(c));
  if (missing.length === required.length) {
    // One cell that names the columns when split at semicolons or tabs: the wrong separator, not no header.
    for (const [sep, words] of [
      [';', 'semicolons'],
      ['\t', 'tabs'],
    ] as const) {
      const cells = new Set(header.join(',').split(sep).map(normaliseHeader));
      if (header.join(',').includes(sep) && required.every((c) => cells.has(c))) throw new CsvRefusal(refusals.wrongSeparator(words));
    }
    throw new CsvRefusal(refusals.noHeader(required));
  }
  if (missing.length > 0) throw new CsvRefusal(refusals.missingRequired(missing, required.length));
  // Even a recognised header names only what the product recognises: the contract's columns
  // and the direct identifiers partners are known to send (NAMED_EXTRA_COLUMNS). Any other
  // header cell is the file's content, which could hold a child's name or reference.
  const named = (i: number) => NAMED_EXTRA_COLUMNS.has(normalised[i]!);
  if (duplicates.length > 0) {
    const i = duplicates[0]!;
    const known = source.columns.find((c) => c.name === normalised[i]);
    throw new CsvRefusal(refusals.duplicateColumn(known ? known.name : named(i) ? safeName(header[i] ?? '') : null));
  }
  const index = new Map<string, number>();
  const absent: string[] = [];
  for (const col of source.columns) {
    const i = seen.get(col.name);
    if (i === undefined) absent.push(col.name);
    else index.set(col.name, i);
  }
  const known = new Set(source.columns.map((c) => c.name));
  const droppedAt = header.map((_, i) => i).filter((i) => !known.has(normalised[i]!) && normalised[i] !== '');
  const namedAt = droppedAt.filter(named);
  const others = droppedAt.length - namedAt.length;
  const otherIdentifiers = droppedAt.filter((i) => !named(i) && looksLikeIdentifier(normalised[i]!)).length;
  const shown = namedAt.slice(0, DROPPED_SHOWN).map((i) => safeName(header[i]!));
  const dropped = [...shown];
  const n = (x: number) => x.toLocaleString('en-GB');
  if (namedAt.length > DROPPED_SHOWN) dropped.push(`… and ${n(namedAt.length - DROPPED_SHOWN)} more`);
  if (others > 0) dropped.push(refusals.otherColumns(others));
  const identifiers = [...shown];
  if (otherIdentifiers > 0) identifiers.push(refusals.otherIdentifierColumns(otherIdentifiers));
  return { index, absent, dropped, identifiers };
}

/** A line DuckDB's reader could not split or decode: quarantined with no values. */
export interface MalformedLine {
  line: number;
  kind: 'malformed line' | 'not valid UTF-8 text';
  /** The contract column (or recognised header name) where the reader found the problem, if it says. */
  column: string | null;
  reason: string;
}

export interface StageResult {
  /** Number of data records in the file (the header and empty lines aside). */
  read: number;
  /** Records DuckDB's reader could not split into the header's columns, or decode. */
  malformed: MalformedLine[];
  /** Physical line of each staged row, by `_row`. */
  rowLine: Int32Array;
  /**
   * The file as read (`table`, whose `rowid` is `_row`) and the column of it that holds each
   * contract column other than a reference (references are only ever read through the stage view).
   */
  raw: RawTable;
}

/**
 * Reads the file into `raw_<source>` and stages it as the view `stage_<source>`. Every column is read as text: typing is the
 * checks' job, so a bad value becomes a quarantine reason rather than a reader error.
 */
export async function stageFile(db: Db, source: Source, csv: PreparedCsv, map: HeaderMap, tag: string): Promise<StageResult> {
  // A header of thousands of columns (a sheet saved with its empty columns) is refused before
  // it is read: read as text, 20,000 columns ran DuckDB out of memory with no clear word.
  if (csv.header.length > MAX_COLUMNS) throw new CsvRefusal(refusals.tooManyColumns(csv.header.length, MAX_COLUMNS));
  // A file whose structure would lose rows is refused before it is read, the previous data kept:
  // a line longer than DuckDB's reader can even reject (it drops it without a word) …
  const { longest, unclosedAt, lastLine } = csv.records;
  if (longest.bytes > LONGEST_LINE_BYTES) throw new CsvRefusal(refusals.lineTooLong(longest.line, longest.bytes, LONGEST_LINE_BYTES));
  // … and a quote never closed, which makes every line after it one value (on the last line
  // it takes nothing with it: that one row is quarantined) …
  if (unclosedAt !== null && unclosedAt < lastLine) throw new CsvRefusal(refusals.unclosedQuote(unclosedAt, lastLine));
  // … and a quoted value running over a line with as many commas as a row (the header's
  // columns less one, at least 2): a quote left open that a later one closes, which makes
  // the rows between one value and loses them without a word. A multi-line note of prose loads.
  const { multiLine, innerCommas } = csv.records;
  const rowLike = Math.max(2, csv.header.length - 1);
  const swallowed = [...multiLine.keys()].filter((j) => innerCommas[j]! >= rowLike);
  if (swallowed.length > 0) {
    const k = multiLine[swallowed[0]!]!;
    throw new CsvRefusal(refusals.rowsInQuotedValue(csv.physicalLine[k]!, lastLineOf(csv, k), swallowed.length - 1));
  }
  const raw = `raw_${tag}`;
  const rejects = `rejects_${tag}`;
  const scans = `reject_scans_${tag}`;
  const columns = csv.header.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  await db.run(`DROP TABLE IF EXISTS ${raw}`);
  try {
    await db.run(
      `CREATE TEMP TABLE ${raw} AS
       SELECT * FROM read_csv(${literal(csv.readPath)},
           header = true, auto_detect = false, columns = {${columns}},
           delim = ',', quote = '"', escape = '"', encoding = 'utf-8',
           strict_mode = true, max_line_size = ${MAX_LINE_BYTES}, store_rejects = true,
           rejects_table = '${rejects}', rejects_scan = '${scans}')`,
      undefined,
      `reading ${source.file}`,
    );
  } catch (e) {
    // DuckDB's own message may quote the line it stopped at: only its kind of error is kept.
    throw new CsvRefusal(refusals.readerStopped(errorKind(e)));
  }

  try {
    return await afterRead(db, source, csv, map, tag, raw, rejects);
  } finally {
    // The rejects tables quote the lines they reject: dropped whatever happens.
    await db.run(`DROP TABLE IF EXISTS ${rejects}`);
    await db.run(`DROP TABLE IF EXISTS ${scans}`);
  }
}

/** The file read into `raw`: its rejected lines, the line of each row, the pseudonyms and the stage view. */
async function afterRead(db: Db, source: Source, csv: PreparedCsv, map: HeaderMap, tag: string, raw: string, rejects: string): Promise<StageResult> {
  const { unclosedAt } = csv.records;
  // DuckDB numbers records from the header (line 1), counting empty lines but not
  // quoted newlines; physicalLine maps those numbers to the lines an editor shows.
  const rejectRows = await db.all<{ line: number; types: string[]; columns: number; col: number | null }>(
    `SELECT line, list(DISTINCT error_type) AS types, count(*) AS columns, min(column_idx) AS col FROM ${rejects} GROUP BY line ORDER BY line`,
  );
  const columnName = (idx: number | null): string | null => {
    if (idx === null || idx < 1) return null;
    const h = csv.header[idx - 1];
    if (h === undefined) return null;
    const contract = [...map.index].find(([, i]) => i === idx - 1)?.[0];
    return contract ?? safeName(h);
  };
  const rejectedRecord = new Set(rejectRows.map((r) => r.line - 1));
  const malformed = rejectRows.map((r): MalformedLine => {
    const k = r.line - 1;
    const line = csv.physicalLine[k] ?? k + 1;
    const types = r.types.join(' ');
    if (types.includes('INVALID ENCODING')) {
      return { line, kind: 'not valid UTF-8 text', column: columnName(r.col), reason: refusals.invalidUtf8(line) };
    }
    let reason: string;
    if ((types.includes('UNQUOTED') || types.includes('UNTERMINATED')) && line === unclosedAt) {
      reason = `a quoted value that starts on line ${line}, the last line of the file, is never closed`;
    } else if (types.includes('UNQUOTED') || types.includes('UNTERMINATED')) {
      reason = 'a quoted value has more after its closing quote; quote the whole value and write any quote inside it twice ("")';
    } else if (types.includes('LINE SIZE')) {
      reason = `the line is longer than the reader takes (${(MAX_LINE_BYTES / 1024 / 1024).toFixed(0)} MB): no value of the contract is that long; is a quote left open?`;
    } else if (types.includes('TOO MANY')) {
      reason = `the line has more values than the header has columns (${csv.header.length}); is there an unquoted comma?`;
    } else if (types.includes('MISSING')) {
      reason = `the line has fewer values than the header has columns (${csv.header.length})`;
    } else {
      reason = `the line could not be read as CSV (${types.toLowerCase()})`;
    }
    // A quote left open takes the lines after it into this one record: those lines are in no
    // other row, so they are named here, or they would be lost without a word.
    const end = lastLineOf(csv, k);
    if (end > line) reason = refusals.recordRunsOver(reason, line, end);
    return { line, kind: 'malformed line', column: null, reason };
  });

  // A record with one value more than the header, the extra one empty (`…,1,100,` for
  // `…,1100`, or `…,1,100,` for a capacity of 1,100 left unquoted): DuckDB reads it as a
  // row, every value after the stray comma a column along. It is a malformed line, as one
  // with a value more that is not empty is; its row is taken out of what was read.
  const extra = new Set(csv.records.extraValue.filter((k) => !rejectedRecord.has(k)));
  const extraRows: number[] = [];
  for (const k of extra)
    malformed.push({
      line: csv.physicalLine[k] ?? k + 1,
      kind: 'malformed line',
      column: null,
      reason: `the line has more values than the header has columns (${csv.header.length}), the last one empty; is there an unquoted comma?`,
    });
  malformed.sort((a, b) => a.line - b.line);

  const rowCount = await db.value<number>(`SELECT count(*) FROM ${raw}`);
  const rowLine = new Int32Array(rowCount);
  let r = 0;
  let read = 0;
  for (let k = 1; k < csv.physicalLine.length; k++) {
    if (csv.blank[k]) continue;
    read++;
    if (rejectedRecord.has(k)) continue;
    if (extra.has(k)) extraRows.push(r);
    if (r < rowCount) rowLine[r] = csv.physicalLine[k]!;
    r++;
  }
  // An unclosed quote swallows the rest of the file into one record in both readers;
  // any other disagreement means a line would be lost, so the file is refused instead.
  if (r !== rowCount) {
    throw new CsvRefusal(`could not be read consistently (${rowCount} rows read by DuckDB, ${r} expected from the line structure); check its quoting`);
  }
  // The rows of the lines with a value too many go (the others keep their rowids, which number rowLine).
  // (Row numbers only: whole numbers the loader counted, never the file's text.)
  if (extraRows.length > 0)
    await db.run(
      `DELETE FROM ${raw} WHERE rowid IN (SELECT unnest(string_split($rows, ','))::BIGINT)`,
      { rows: extraRows.join(',') },
      `reading ${source.file}`,
    );

  // Pseudonymise before the values go anywhere: one keyed hash per distinct reference.
  const refCols = source.columns.filter((c) => c.type.kind === 'ref' && map.index.has(c.name));
  const refMap = `refmap_${tag}`;
  const mentions = `mentions_${tag}`;
  await db.run(`DROP TABLE IF EXISTS ${refMap}`);
  await db.run(`DROP TABLE IF EXISTS ${mentions}`);
  const texts = freeTextColumns(source).filter((c) => map.index.has(c.name));
  if (refCols.length > 0 || texts.length > 0) {
    // The key blocks live in a one-row table of this in-memory connection for these
    // statements; they are passed as parameters, so no SQL text holds them.
    const blocks = `hmac_${tag}`;
    const { inner, outer } = hmacBlocks(pseudonymKey(db));
    await db.run(`CREATE OR REPLACE TEMP TABLE ${blocks} AS SELECT unhex($inner) AS ki, unhex($outer) AS ko`, { inner, outer }, 'pseudonymising references');
    try {
      if (refCols.length > 0) {
        const distinct = refCols
          .map((c) => `SELECT trim(c${map.index.get(c.name)}) AS r FROM ${raw} WHERE trim(c${map.index.get(c.name)}) <> ''`)
          .join(' UNION ');
        // A reference is hashed as the partner means it: control and invisible characters
        // (a tab, a zero-width space, a soft hyphen, a byte-order mark, a variation selector)
        // dropped wherever they are, fullwidth letters and digits made plain, and any space
        // at its ends removed, so "HC0381086\t" is the same child
        // as "HC0381086" (one distinct text at a time: the rows join on the text as written).
        // One that is nothing else is no reference (missing).
        // A reference another file of this refresh named already (most children are in several)
        // takes the pseudonym made then: each is hashed once a refresh (PSEUDONYMS, this
        // in-memory connection's own table, gone with it).
        await db.run(`CREATE TEMP TABLE IF NOT EXISTS ${PSEUDONYMS} (n VARCHAR, p VARCHAR)`);
        await db.run(
          `CREATE TEMP TABLE ${refMap} AS
           SELECT d.r, nullif(d.n, '') AS n, CASE WHEN d.n <> '' THEN coalesce(made.p, ${pseudonymSql('d.n', 'k')}) END AS p
           FROM (SELECT r, CASE WHEN ${printableAscii('r')} THEN r ELSE regexp_replace(${plainText('r')}, '^[\\s\\p{Z}]+|[\\s\\p{Z}]+$', '', 'g') END AS n
                 FROM (SELECT DISTINCT r FROM (${distinct}))) d
           LEFT JOIN ${PSEUDONYMS} made ON made.n = d.n, ${blocks} k`,
          undefined,
          'pseudonymising references',
        );
        await db.run(
          `INSERT INTO ${PSEUDONYMS} SELECT DISTINCT n, p FROM ${refMap} m WHERE n IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${PSEUDONYMS} x WHERE x.n = m.n)`,
          undefined,
          'pseudonymising references',
        );
      }
      if (texts.length > 0)
        await findMentions(
          db,
          raw,
          texts.map((c) => `c${map.index.get(c.name)}`),
          refCols.length > 0 ? refMap : null,
          blocks,
          mentions,
        );
    } finally {
      await db.run(`DROP TABLE ${blocks}`);
    }
  }
  if (texts.length === 0) await db.run(`CREATE TEMP TABLE ${mentions} (raw VARCHAR)`);
  // An id built from a reference of the file ("SC4067444/2025-04-11", "EP-SC4067444",
  // "sc4067444-2025") would store the raw reference: its text joins the texts that name one.
  // Looked for without regard to case or invisible characters, two ways: each id's words
  // (cut at anything but a letter or digit) and the whole id among the file's references (a
  // join, no hashing); and its own row's reference anywhere inside it ("EPSC4067444",
  // "SC406744420250411"). Only words that can be a reference (refLike) count, so a year
  // or a sequence number that is also someone's numeric reference does not.
  const ids = idColumns(source).filter((c) => map.index.has(c.name));
  if (ids.length > 0 && refCols.length > 0) {
    // Printable ASCII text (almost every id) skips the regular expressions,
    // which cost a second a million ids; an id of letters and digits alone is its one word.
    const norm = (c: string) => `CASE WHEN ${printableAscii(c)} THEN lower(trim(${c})) ELSE lower(${plainText(`trim(${c})`)}) END`;
    const idCols = ids.map((c) => `c${map.index.get(c.name)}`);
    const words = idCols
      .map(
        (c) =>
          `SELECT x, unnest(CASE WHEN regexp_full_match(n, '[a-z0-9]*') THEN [n] ELSE list_concat(string_split_regex(n, '[^a-z0-9]+'), [n]) END) AS word
           FROM (SELECT ${c} AS x, ${norm(c)} AS n FROM ${raw})`,
      )
      .join(' UNION ALL ');
    // The plain substring test first: the reference-like test only where it holds.
    const ownRow = idCols.flatMap((id) =>
      refCols.map((ref) => {
        const r = norm(`c${map.index.get(ref.name)}`);
        return `SELECT x FROM (SELECT ${id} AS x, ${r} AS r FROM ${raw} WHERE contains(${norm(id)}, ${r})) WHERE ${refLike('r')}`;
      }),
    );
    await db.run(
      `INSERT INTO ${mentions}
       SELECT DISTINCT x FROM (
         SELECT w.x FROM (${words}) w JOIN (SELECT DISTINCT lower(n) AS n FROM ${refMap} WHERE n IS NOT NULL) m ON m.n = w.word WHERE ${refLike('w.word')}
         UNION ALL ${ownRow.join(' UNION ALL ')}) WHERE x IS NOT NULL`,
      undefined,
      'looking for references in ids',
    );
  }
  // The stage is a view over the file as read, with each reference replaced by its
  // pseudonym: the checks read it once, so no second copy of every row is made.
  const selects: string[] = ['raw.rowid AS _row'];
  const joins: string[] = [];
  const rawColumns = new Map<string, string>();
  source.columns.forEach((col, i) => {
    const idx = map.index.get(col.name);
    if (idx === undefined) selects.push(`NULL::VARCHAR AS ${ident(col.name)}`);
    else if (col.type.kind === 'ref') {
      joins.push(`LEFT JOIN ${refMap} m${i} ON m${i}.r = trim(raw.c${idx})`);
      selects.push(`m${i}.p AS ${ident(col.name)}`);
    } else {
      selects.push(`raw.c${idx} AS ${ident(col.name)}`);
      rawColumns.set(col.name, `c${idx}`);
    }
  });
  const stage = `stage_${tag}`;
  await db.run(`DROP VIEW IF EXISTS ${stage}`);
  await db.run(`CREATE TEMP VIEW ${stage} AS SELECT ${selects.join(', ')} FROM ${raw} raw ${joins.join(' ')}`);
  return { read, malformed, rowLine, raw: { table: raw, columns: rawColumns } };
}

/** The last physical line of record `k` (DuckDB's numbering, less the header): the line before the next record's, or the file's last. */
function lastLineOf(csv: PreparedCsv, k: number): number {
  return k + 1 < csv.physicalLine.length ? csv.physicalLine[k + 1]! - 1 : csv.records.lastLine;
}

/**
 * SQL: the characters a reference or an id is read without: control and invisible
 * formatting characters (a tab, a zero-width space, a soft hyphen, a BOM) and the other
 * default-ignorable ones that are not formatting characters (the combining grapheme
 * joiner, variation selectors, Hangul fillers).
 */
const INVISIBLE = `'[\\p{Cc}\\p{Cf}\\x{034F}\\x{115F}\\x{1160}\\x{17B4}\\x{17B5}\\x{180B}-\\x{180F}\\x{3164}\\x{FE00}-\\x{FE0F}\\x{FFA0}\\x{E0100}-\\x{E01EF}]'`;

/** Fullwidth digits and Latin letters (as an East Asian keyboard types them) and their plain forms. */
const FULLWIDTH = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
const PLAIN = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The references hashed so far in this refresh and their pseudonyms (a temporary table of the in-memory connection). */
const PSEUDONYMS = 'pseudonyms_made';

/**
 * SQL: whether a text is printable ASCII (spaces included), which `plainText` leaves as it
 * is: most references and ids are, and this test costs a small part of the regular expressions.
 */
function printableAscii(expr: string): string {
  return `(strlen(${expr}) = length(${expr}) AND NOT regexp_matches(${expr}, '[\\x00-\\x1F\\x7F]'))`;
}

/** SQL: a text as a reference or an id is read: without invisible characters, fullwidth letters and digits made plain. */
function plainText(expr: string): string {
  return `translate(regexp_replace(${expr}, ${INVISIBLE}, '', 'g'), '${FULLWIDTH}', '${PLAIN}')`;
}

/**
 * The most columns a file's header may have: the contract's files have under 20, and
 * columns outside it are dropped (2,000 of them in a hostile test), but 16,384 took 1.2 GB.
 */
export const MAX_COLUMNS = 5000;

/**
 * SQL: whether a word (lower case) could be a person's reference, for the searches of ids and
 * free text: 4 or more characters with a letter and a digit ("sc4067444"), or 6 or more
 * digits ("510000"). A year ("2025") or a short number is not, even where some numeric
 * reference happens to be it.
 */
function refLike(w: string): string {
  return `((length(${w}) >= 4 AND regexp_matches(${w}, '[0-9]') AND regexp_matches(${w}, '[a-zA-Z]')) OR regexp_full_match(${w}, '[0-9]{6,}'))`;
}

/** DuckDB's longest line (its max_line_size, set): a longer one is a malformed line. */
const MAX_LINE_BYTES = 2 * 1024 * 1024;

/**
 * The longest line read at all: DuckDB's reader rejects a line over max_line_size, but one
 * longer than its buffer (32 MiB) it drops without a word, so a file with one is refused.
 */
export const LONGEST_LINE_BYTES = 16 * 1024 * 1024;

/**
 * The texts of the free-text columns `cols` of `raw` that hold a person reference of this
 * data: a word of four or more characters with a digit in it whose pseudonym is a child's
 * or an offender's in the warehouse being built, or in this file (`refMap`). A partner who
 * writes "Foster carer of <reference>" in a CPI's agency would otherwise publish it (the
 * agency is a breakdown's label). Only exact references are found: names cannot be.
 */
async function findMentions(db: Db, raw: string, cols: string[], refMap: string | null, blocks: string, out: string): Promise<void> {
  // The people of the warehouse being built (the files loaded before this one) and of the
  // live one (those of files not sent again, and of those loaded after this one).
  const known = await db.all<{ d: string; t: string; c: string }>(
    `SELECT database_name AS d, table_name AS t, column_name AS c FROM duckdb_columns()
     WHERE database_name IN ('wh', 'prev') AND schema_name = 'main' AND column_name LIKE '%_pseudonym' AND table_name IN (${Object.values(TABLE_OF)
       .map((t) => `'${t}'`)
       .join(', ')})`,
  );
  const pseudonyms = [...known.map((k) => `SELECT ${ident(k.c)} AS p FROM ${ident(k.d)}.${ident(k.t)}`), ...(refMap ? [`SELECT p FROM ${refMap}`] : [])];
  const texts = cols.map((c) => `SELECT DISTINCT ${c} AS raw FROM ${raw} WHERE regexp_matches(${c}, '[0-9]')`).join(' UNION ');
  // The words that could be references, hashed: few (most free text has no digit), so the
  // warehouse's millions of pseudonyms are read only when there are some, joined to them.
  const words = `words_${out}`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${words} AS
     WITH w AS (SELECT raw, unnest(regexp_extract_all(raw, '[^\\s,;:()\\[\\]{}"<>]+')) AS word FROM (${texts})),
          -- As written and in capitals (references are most often written so): "of3001519" is OF3001519.
          c AS (SELECT DISTINCT raw, unnest(list_distinct([word, upper(word)])) AS word FROM w WHERE ${refLike('lower(word)')})
     SELECT c.raw, ${pseudonymSql('c.word', 'k')} AS p FROM c, ${blocks} k`,
    undefined,
    'looking for references in free text',
  );
  // The words hold the file's text: dropped whatever happens.
  try {
    const some = pseudonyms.length > 0 && (await db.value<number>(`SELECT count(*) FROM ${words}`)) > 0;
    await db.run(
      some
        ? `CREATE TEMP TABLE ${out} AS SELECT DISTINCT h.raw FROM ${words} h JOIN (${pseudonyms.join(' UNION ALL ')}) k ON k.p = h.p`
        : `CREATE TEMP TABLE ${out} (raw VARCHAR)`,
      undefined,
      'looking for references in free text',
    );
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${words}`);
  }
}

/** Drops the stage of a file: the view, the file as read (raw references and all), the pseudonym map and the texts that name one. */
export async function dropStage(db: Db, tag: string): Promise<void> {
  await db.run(`DROP VIEW IF EXISTS stage_${tag}`);
  await db.run(`DROP TABLE IF EXISTS raw_${tag}`);
  await db.run(`DROP TABLE IF EXISTS refmap_${tag}`);
  await db.run(`DROP TABLE IF EXISTS mentions_${tag}`);
}

/** "Invalid Input Error" and the like: the kind of a DuckDB error, never its detail. */
function errorKind(e: unknown): string {
  const text = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : '';
  const m = /^([A-Z][A-Za-z ]{0,40} Error):/.exec(text);
  return m ? m[1]! : 'an error';
}

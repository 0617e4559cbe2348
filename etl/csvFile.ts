// One partner CSV file made ready for DuckDB's reader: its fingerprint, its
// encoding settled, its header read, and a map from DuckDB's record numbers to the
// physical lines a person sees in a text editor (quoted newlines make them differ).

import { createHash } from 'node:crypto';
import { isAscii, isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { makePrivateDir } from './privateDir.js';
import { refusals } from '../lib/messages.js';

export type Encoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';

export interface PreparedCsv {
  /** The path DuckDB reads: the partner's own file, or a UTF-8 copy held in memory-backed storage. */
  readPath: string;
  sha256: string;
  bytes: number;
  encoding: Encoding;
  /** Header cells as written (BOM removed). */
  header: string[];
  /** physicalLine[k] = the line on which record k starts (record 0 is the header; line 1). */
  physicalLine: Int32Array;
  /** blank[k] = 1 where record k is an empty line, which DuckDB skips and we do not count. */
  blank: Uint8Array;
  /** What else the walk over the records found: records over more than one line, an unclosed quote, the longest record. */
  records: Omit<RecordsFound, 'physicalLine' | 'blank'>;
  /** Removes the converted copy, if one was made. */
  dispose(): void;
}

export class CsvRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvRefusal';
  }
}

// Bytes that Windows-1252 leaves undefined: a file with them is not 1252 text either.
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

// Windows-1252's 0x80–0x9F, where it differs from Latin-1. Node's TextDecoder reads
// 'windows-1252' as Latin-1 and would turn Excel's curly quotes and dashes into
// invisible control characters, so the table is spelled out here.
const CP1252_HIGH: Record<number, string> = {
  0x80: '€',
  0x82: '‚',
  0x83: 'ƒ',
  0x84: '„',
  0x85: '…',
  0x86: '†',
  0x87: '‡',
  0x88: 'ˆ',
  0x89: '‰',
  0x8a: 'Š',
  0x8b: '‹',
  0x8c: 'Œ',
  0x8e: 'Ž',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x95: '•',
  0x96: '–',
  0x97: '—',
  0x98: '˜',
  0x99: '™',
  0x9a: 'š',
  0x9b: '›',
  0x9c: 'œ',
  0x9e: 'ž',
  0x9f: 'Ÿ',
};

export function decodeWindows1252(buf: Buffer): string {
  const latin1 = buf.toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0)] ?? c);
}

/**
 * True when the bytes hold at least one well-formed multi-byte UTF-8 sequence (a
 * lead byte followed by the right number of continuation bytes, not overlong).
 */
export function hasUtf8Sequence(buf: Buffer): boolean {
  const len = buf.length;
  for (let i = 0; i < len; i++) {
    const b = buf[i]!;
    if (b < 0xc2 || b > 0xf4) continue;
    const n = b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
    if (i + n >= len) continue;
    let ok = true;
    for (let j = 1; j <= n; j++) if ((buf[i + j]! & 0xc0) !== 0x80) ok = false;
    if (!ok) continue;
    const b1 = buf[i + 1]!;
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) continue;
    return true;
  }
  return false;
}

/**
 * Decides how the bytes are encoded, or refuses the file when they are not text at all.
 * Valid UTF-8 is UTF-8. A file with invalid sequences but at least one valid multi-byte
 * one is UTF-8 too, with a few bad bytes: the records holding them are quarantined
 * (`not valid UTF-8 text`) and the rest loads. Only a file with high bytes and no
 * valid multi-byte sequence at all is Windows-1252 (Excel's "CSV").
 */
export function detectEncoding(buf: Buffer): Encoding {
  const scan = new ByteScan();
  scan.feed(buf);
  return scan.encoding();
}

/** True when the file mixes line endings or ends lines with CR alone, which DuckDB's reader does not take. */
export function needsNewlineFix(buf: Buffer): boolean {
  // Jumps from line end to line end with the native indexOf: the cost is in lines, not bytes.
  let cr = buf.indexOf(0x0d);
  if (cr === -1) return false;
  for (; cr !== -1; cr = buf.indexOf(0x0d, cr + 1)) if (buf[cr + 1] !== 0x0a) return true;
  for (let lf = buf.indexOf(0x0a); lf !== -1; lf = buf.indexOf(0x0a, lf + 1)) if (buf[lf - 1] !== 0x0d) return true;
  return false;
}

/**
 * What one pass over a file's bytes learns of its encoding and its line endings, the
 * bytes fed in pieces that each end just after a byte below 128 other than CR (the last
 * may end anywhere): such a byte is never inside a UTF-8 sequence, so no sequence is
 * split, nor a CR from the LF after it, and each answer for the whole file follows from
 * the pieces' (the same as `detectEncoding` and `needsNewlineFix` of the whole, which
 * are this fed once).
 */
export class ByteScan {
  private fed = false;
  private bom = false;
  private allValid = true;
  private validSequence = false;
  private cp1252Undefined = false;
  private sawCr = false;
  private bareEnding = false;

  feed(piece: Buffer): void {
    if (piece.length === 0) return;
    if (!this.fed) {
      this.fed = true;
      if (piece.length >= 2 && ((piece[0] === 0xff && piece[1] === 0xfe) || (piece[0] === 0xfe && piece[1] === 0xff))) {
        throw new CsvRefusal('is UTF-16 text (Excel\'s "Unicode Text"): save it from Excel as "CSV UTF-8" and send it again');
      }
      this.bom = piece.length >= 3 && piece[0] === 0xef && piece[1] === 0xbb && piece[2] === 0xbf;
    }
    if (piece.includes(0)) throw new CsvRefusal('is not a text CSV file (it contains NUL bytes; is it a spreadsheet or a zip?)');
    if (isUtf8(piece)) {
      // Valid UTF-8 with any byte above 127 holds a valid multi-byte sequence.
      if (!this.validSequence && !isAscii(piece)) this.validSequence = true;
    } else {
      this.allValid = false;
      if (!this.validSequence && hasUtf8Sequence(piece)) this.validSequence = true;
      if (!this.cp1252Undefined && piece.some((b) => CP1252_UNDEFINED.has(b))) this.cp1252Undefined = true;
    }
    // A CR, once there is one, must end every line with the LF after it.
    if (piece.includes(0x0d)) {
      this.sawCr = true;
      if (!this.bareEnding && needsNewlineFix(piece)) this.bareEnding = true;
    } else if (!this.bareEnding && piece.includes(0x0a)) this.bareEnding = true;
  }

  encoding(): Encoding {
    if (this.bom) return 'utf-8-bom';
    if (this.allValid || this.validSequence) return 'utf-8';
    if (this.cp1252Undefined) throw new CsvRefusal('cannot be decoded: it is neither UTF-8 nor Windows-1252 text; save it from Excel as "CSV UTF-8"');
    return 'windows-1252';
  }

  needsNewlineFix(): boolean {
    return this.sawCr && this.bareEnding;
  }

  /** True once the bytes so far would need converting: line endings to fix, or invalid UTF-8 with no valid sequence yet. */
  mayNeedConversion(): boolean {
    return this.needsNewlineFix() || (!this.allValid && !this.validSequence && !this.bom);
  }
}

export function normaliseNewlines(buf: Buffer): Buffer {
  const out = Buffer.allocUnsafe(buf.length);
  let o = 0;
  const len = buf.length;
  for (let i = 0; i < len; i++) {
    const c = buf[i]!;
    if (c === 0x0d) {
      out[o++] = 0x0a;
      if (buf[i + 1] === 0x0a) i++;
    } else out[o++] = c;
  }
  return out.subarray(0, o);
}

/**
 * Walks the bytes once, as DuckDB's reader does, to find where each record starts. DuckDB
 * numbers records, not lines, and skips empty lines; a person fixing the file needs
 * the line their editor shows.
 */
export function indexRecords(buf: Buffer): RecordsFound {
  const index = new RecordIndex();
  index.feed(buf);
  return index.finish();
}

/** What `indexRecords` finds. */
export interface RecordsFound {
  /** physicalLine[k] = the line on which record k starts (record 0 is the header; line 1). */
  physicalLine: Int32Array;
  /** blank[k] = 1 where record k is an empty line. */
  blank: Uint8Array;
  /** The records that run over more than one line (a quoted value with line breaks in it), in order. */
  multiLine: Int32Array;
  /** For each of `multiLine`, the most commas on one line inside its quoted values (after a line break). */
  innerCommas: Int32Array;
  /** The last line of the file (the line a record ending the file ends on). */
  lastLine: number;
  /** A quoted value still open at the end of the file: the line of the record it is in. */
  unclosedAt: number | null;
  /** The longest record: its bytes and the line it starts on. */
  longest: { bytes: number; line: number };
  /**
   * The records with more values than the header whose reader takes them whole (`a,b,c,` or
   * `a,b,c,""` under a header of three: DuckDB takes a trailing empty value as a trailing
   * delimiter), every value after an unquoted comma a column along. In order. (A record with
   * a value too many that is not empty is rejected by DuckDB itself, and found there.)
   */
  extraValue: Int32Array;
}

/** The values of one record (commas outside quoted values, plus one), as DuckDB reads quotes. */
export function valuesIn(rec: Buffer): number {
  let n = 1;
  if (rec.indexOf(0x22) === -1) {
    for (let c = rec.indexOf(0x2c); c !== -1; c = rec.indexOf(0x2c, c + 1)) n++;
    return n;
  }
  let inQuotes = false;
  let atStart = true;
  for (let i = 0; i < rec.length; i++) {
    const b = rec[i];
    if (inQuotes) {
      if (b === 0x22) {
        if (rec[i + 1] === 0x22) i++;
        else inQuotes = false;
      }
      continue;
    }
    if (b === 0x2c) {
      n++;
      atStart = true;
      continue;
    }
    if (b === 0x22 && atStart) inQuotes = true;
    atStart = false;
  }
  return n;
}

/**
 * `indexRecords` fed the bytes in pieces, split anywhere: a quoted stretch, a record
 * and a CR LF may run from one piece into the next.
 */
export class RecordIndex {
  private cap = 1024;
  private lines = new Int32Array(this.cap);
  private blank = new Uint8Array(this.cap);
  private multi = new Int32Array(64);
  private multiCommas = new Int32Array(64);
  private multiN = 0;
  /** The most commas on one line inside a quoted value of the record being read, after a line break in it. */
  private innerCommas = 0;
  /** Inside a quoted value: whether a line break has come in it, and the commas of its line so far. */
  private afterBreak = false;
  private lineCommas = 0;
  private n = 0;
  private line = 1;
  private recordStart = 0;
  private recordLine = 1;
  private inQuotes = false;
  /** Where the last quoted stretch closed (a quote right after it is a doubled quote). */
  private lastClose = -2;
  private longestBytes = 0;
  private longestLine = 1;
  /** Bytes fed so far, and the last of them. */
  private offset = 0;
  private lastByte = -1;
  /** The header's values, and the records with one value more ending in an empty one. */
  private headerValues = -1;
  private extra = new Int32Array(16);
  private extraN = 0;
  /** The bytes of the record not yet ended, from earlier pieces (a record a piece cuts). */
  private carry: Buffer | null = null;

  /**
   * Record `this.n`, ending just before `lf` of `piece` (or at the file's end): the header's
   * values are counted; a record ending in a comma (an empty last value) is counted too, and
   * noted where it has more values than the header. Most records do not end in a comma.
   */
  private checkValues(piece: Buffer, base: number, lf: number): void {
    const local = this.recordStart - base;
    let rec = local >= 0 ? piece.subarray(local, lf) : Buffer.concat([this.carry ?? Buffer.alloc(0), piece.subarray(0, lf)]);
    if (rec.length > 0 && rec[rec.length - 1] === 0x0d) rec = rec.subarray(0, rec.length - 1);
    if (this.n === 0) {
      this.headerValues = valuesIn(rec);
      return;
    }
    // Its last value may be empty: it ends in a comma, or in a quote or a space after one ('…,100,""', '…,100, ').
    const last = rec.length > 0 ? rec[rec.length - 1] : -1;
    if ((last !== 0x2c && last !== 0x22 && last !== 0x20 && last !== 0x09) || valuesIn(rec) <= this.headerValues) return;
    if (this.extraN === this.extra.length) {
      const x2 = new Int32Array(this.extra.length * 2);
      x2.set(this.extra);
      this.extra = x2;
    }
    this.extra[this.extraN++] = this.n;
  }

  /** Ends the record starting at `recordStart` just before `end`; `before` is the byte before `end`. */
  private push(end: number, before: number): void {
    if (this.n === this.cap) {
      this.cap *= 2;
      const l2 = new Int32Array(this.cap);
      l2.set(this.lines);
      this.lines = l2;
      const b2 = new Uint8Array(this.cap);
      b2.set(this.blank);
      this.blank = b2;
    }
    const e = end > this.recordStart && before === 0x0d ? end - 1 : end;
    this.lines[this.n] = this.recordLine;
    this.blank[this.n] = e === this.recordStart ? 1 : 0;
    if (e - this.recordStart > this.longestBytes) {
      this.longestBytes = e - this.recordStart;
      this.longestLine = this.recordLine;
    }
    if (this.line > this.recordLine) {
      if (this.multiN === this.multi.length) {
        const m2 = new Int32Array(this.multi.length * 2);
        m2.set(this.multi);
        this.multi = m2;
        const c2 = new Int32Array(this.multi.length);
        c2.set(this.multiCommas);
        this.multiCommas = c2;
      }
      this.multiCommas[this.multiN] = this.innerCommas;
      this.multi[this.multiN++] = this.n;
    }
    this.innerCommas = 0;
    this.n++;
  }

  feed(piece: Buffer): void {
    const len = piece.length;
    if (len === 0) return;
    const base = this.offset;
    const before = (i: number) => (i > 0 ? piece[i - 1]! : this.lastByte);
    // Jumps from quote to quote and line break to line break with the native indexOf
    // (a byte-by-byte loop took 0.7 s for a 170 MB file, while DuckDB waited). A line
    // break ends a record only outside a quoted stretch. As DuckDB reads a value, a quote
    // opens a quoted stretch only at the start of a value (the record's first byte, or
    // just after a comma), or just after the quote that closed one (a doubled quote: a
    // quote inside the value); any other quote (Barnardo"s, 5'2") is a character of the value.
    let lf = piece.indexOf(0x0a);
    let i = 0;
    for (;;) {
      if (this.inQuotes) {
        const close = piece.indexOf(0x22, i);
        const end = close === -1 ? len : close;
        // Line by line to the closing quote (or the piece's end), counting the commas of each
        // line after a line break inside the value, a line running on into the next piece
        // included: a line with as many as a row has is probably rows swallowed by a quote
        // left open (etl/stage.ts).
        let from = i;
        for (;;) {
          const stop = lf !== -1 && lf < end ? lf : end;
          if (this.afterBreak) {
            for (let c = piece.indexOf(0x2c, from); c !== -1 && c < stop; c = piece.indexOf(0x2c, c + 1)) this.lineCommas++;
            if (this.lineCommas > this.innerCommas) this.innerCommas = this.lineCommas;
          }
          if (stop === end) break;
          this.line++;
          this.afterBreak = true;
          this.lineCommas = 0;
          from = lf + 1;
          lf = piece.indexOf(0x0a, lf + 1);
        }
        if (close === -1) break;
        this.inQuotes = false;
        this.lastClose = base + close;
        i = close + 1;
        continue;
      }
      const quote = piece.indexOf(0x22, i);
      while (lf !== -1 && (quote === -1 || lf < quote)) {
        this.checkValues(piece, base, lf);
        this.push(base + lf, before(lf));
        this.recordStart = base + lf + 1;
        this.line++;
        this.recordLine = this.line;
        lf = piece.indexOf(0x0a, lf + 1);
      }
      if (quote === -1) break;
      const at = base + quote;
      if (at === this.recordStart || before(quote) === 0x2c) {
        // A quoted value opens: no line break in it yet.
        this.inQuotes = true;
        this.afterBreak = false;
        this.lineCommas = 0;
      } else if (at === this.lastClose + 1) this.inQuotes = true;
      i = quote + 1;
    }
    // The record not yet ended: its bytes so far, for checkValues (pieces end at a line
    // break, so this is a quoted value running on, or the file's last line).
    if (this.recordStart < base + len) {
      const tail = piece.subarray(Math.max(0, this.recordStart - base));
      this.carry = this.recordStart >= base ? Buffer.from(tail) : Buffer.concat([this.carry ?? Buffer.alloc(0), tail]);
    } else this.carry = null;
    this.offset = base + len;
    this.lastByte = piece[len - 1]!;
  }

  finish(): RecordsFound {
    const unclosedAt = this.inQuotes ? this.recordLine : null;
    if (this.recordStart < this.offset) {
      const rest = this.carry ?? Buffer.alloc(0);
      this.checkValues(rest, this.recordStart, rest.length);
      this.push(this.offset, this.lastByte);
    }
    this.carry = null;
    return {
      physicalLine: this.lines.subarray(0, this.n),
      blank: this.blank.subarray(0, this.n),
      multiLine: this.multi.subarray(0, this.multiN),
      innerCommas: this.multiCommas.subarray(0, this.multiN),
      // A file that ends with a line break has no line after it.
      lastLine: this.lastByte === 0x0a ? this.line - 1 : this.line,
      unclosedAt,
      longest: { bytes: this.longestBytes, line: this.longestLine },
      extraValue: this.extra.subarray(0, this.extraN),
    };
  }
}

/** The longest first line read as a header. */
export const HEADER_LIMIT = 256 * 1024;

/** The bytes of the first record (the header), up to its first unquoted line break. */
function firstRecord(buf: Buffer): Buffer {
  let inQuotes = false;
  const len = Math.min(buf.length, HEADER_LIMIT + 1);
  for (let i = 0; i < len; i++) {
    const c = buf[i];
    if (c === 0x22) inQuotes = !inQuotes;
    else if (c === 0x0a && !inQuotes) return buf.subarray(0, i);
  }
  if (buf.length > HEADER_LIMIT) throw new CsvRefusal(refusals.headerTooLong(HEADER_LIMIT));
  return buf;
}

/** Reads the header row with papaparse (the same parser the browser check uses). */
function readHeader(first: Buffer): string[] {
  const text = first.toString('utf-8').replace(/\r$/, '');
  const parsed = Papa.parse<string[]>(text, { preview: 1, delimiter: ',', quoteChar: '"' });
  const header = parsed.data[0] ?? [];
  return header.map((h) => h.replace(/^\uFEFF/, ''));
}

/**
 * Reads the file without following a symbolic link (one put in its place after the
 * folder was listed is refused too); anything that stops the read refuses the file
 * with the system's reason, never a stack trace.
 */
function readRegularFile(path: string): Buffer {
  const fd = openRegularFile(path);
  try {
    return readFileSync(fd);
  } catch (e) {
    throw new CsvRefusal(openError(e));
  } finally {
    closeSync(fd);
  }
}

/** The largest file read: what Node reads whole into one buffer (a file to convert is). */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

/** Opens the file for reading, refusing a symbolic link, a folder or anything but a regular file. */
function openRegularFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    throw new CsvRefusal(openError(e));
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new CsvRefusal(refusals.folder);
    if (!st.isFile()) throw new CsvRefusal(refusals.notRegular);
    if (st.size > MAX_FILE_BYTES) throw new CsvRefusal(refusals.tooLarge(st.size));
    return fd;
  } catch (e) {
    closeSync(fd);
    if (e instanceof CsvRefusal) throw e;
    throw new CsvRefusal(openError(e));
  }
}

function openError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ELOOP':
      return refusals.symlink;
    case 'EACCES':
    case 'EPERM':
      return refusals.unreadable('permission denied');
    case 'ENOENT':
      return refusals.unreadable('it is no longer there');
    case 'EISDIR':
      return refusals.folder;
    default:
      return refusals.unreadable(code ?? 'an error of the file system');
  }
}

/**
 * Makes one partner file ready for DuckDB's reader, or refuses it with a reason that
 * quotes nothing of its content. `pieceBytes` is for the tests.
 */
export function prepareCsv(path: string, pieceBytes = PIECE_BYTES): PreparedCsv {
  const fd = openRegularFile(path);
  let prepared: PreparedCsv | null;
  try {
    prepared = readInPieces(path, fd, Math.max(1, pieceBytes));
  } catch (e) {
    // A system error of the read is the file's; anything else is a fault of this code, not said to be the file's.
    if (e instanceof CsvRefusal || (e as NodeJS.ErrnoException | undefined)?.code === undefined) throw e;
    throw new CsvRefusal(openError(e));
  } finally {
    closeSync(fd);
  }
  return prepared ?? prepareWhole(path);
}

/**
 * Bytes read at a time. Read whole, a 170 MB file took half a second more, most of it
 * the system handing Node fresh pages of memory (docs/performance.md).
 */
export const PIECE_BYTES = 8 * 1024 * 1024;

/**
 * Reads the file once, in pieces, for its fingerprint, encoding, line endings, header
 * and record index, the partner's own file then read by DuckDB. Null as soon as the file
 * looks as if it must first be converted (Windows-1252 text, or line endings DuckDB does
 * not take): prepareWhole then reads it whole and decides.
 */
function readInPieces(path: string, fd: number, pieceBytes: number): PreparedCsv | null {
  const hash = createHash('sha256');
  const scan = new ByteScan();
  const index = new RecordIndex();
  // The first bytes, for the header (firstRecord looks no further).
  const head = Buffer.allocUnsafe(HEADER_LIMIT + 1);
  let headLength = 0;
  let buf = Buffer.allocUnsafe(pieceBytes);
  let carried = 0;
  let bytes = 0;
  for (;;) {
    if (carried === buf.length) {
      // A line longer than the buffer: a larger one.
      const larger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(larger, 0, 0, carried);
      buf = larger;
    }
    const n = readSync(fd, buf, carried, buf.length - carried, null);
    const end = carried + n;
    if (n === 0) {
      const last = buf.subarray(0, end);
      scan.feed(last);
      index.feed(last);
      break;
    }
    const fresh = buf.subarray(carried, end);
    hash.update(fresh);
    if (headLength < head.length) headLength += fresh.copy(head, headLength, 0, Math.min(n, head.length - headLength));
    bytes += n;
    const cut = pieceEnd(buf, end);
    if (cut === 0) {
      carried = end;
      continue;
    }
    const piece = buf.subarray(0, cut);
    scan.feed(piece);
    if (scan.mayNeedConversion()) return null;
    index.feed(piece);
    buf.copy(buf, 0, cut, end);
    carried = end - cut;
  }
  const encoding = scan.encoding();
  if (bytes === 0) throw new CsvRefusal(refusals.empty);
  if (encoding === 'windows-1252' || scan.needsNewlineFix()) return null;
  const header = readHeader(firstRecord(head.subarray(0, headLength)));
  if (header.length === 0 || header.every((h) => h.trim() === '')) throw new CsvRefusal('has no header row');
  const { physicalLine, blank, ...records } = index.finish();
  return { readPath: path, sha256: hash.digest('hex'), bytes, encoding, header, physicalLine, blank, records, dispose: () => {} };
}

/**
 * Where the piece in buf[0, end) ends: just after its last line feed, or, in a line
 * longer than the buffer, after its last other byte below 128 but CR (never inside a
 * UTF-8 sequence, nor between a CR and its LF). 0 when there is none.
 */
function pieceEnd(buf: Buffer, end: number): number {
  const lf = buf.lastIndexOf(0x0a, end - 1);
  if (lf !== -1) return lf + 1;
  for (let i = end - 1; i >= 0; i--) if (buf[i]! < 0x80 && buf[i] !== 0x0d) return i + 1;
  return 0;
}

/**
 * The file read whole (as every file was before it was read in pieces: the tests hold
 * the two to the same results), and when DuckDB's reader cannot take it as it is,
 * converted to UTF-8 with LF line endings. The copy holds raw references, so it goes to
 * memory-backed storage, readable by this user only, and is removed as soon as DuckDB
 * has read it.
 */
export function prepareWhole(path: string): PreparedCsv {
  const buf = readRegularFile(path);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const encoding = detectEncoding(buf);
  if (buf.length === 0) throw new CsvRefusal(refusals.empty);

  let readPath = path;
  let dispose = () => {};
  let utf8: Buffer = buf;
  const fixNewlines = needsNewlineFix(buf);
  if (encoding === 'windows-1252' || fixNewlines) {
    // DuckDB has no Windows-1252 decoder here and takes one kind of line ending.
    if (encoding === 'windows-1252') utf8 = Buffer.from(decodeWindows1252(buf), 'utf-8');
    if (fixNewlines) utf8 = normaliseNewlines(utf8);
    const dir = makePrivateDir('csv');
    readPath = join(dir, 'converted.csv');
    writeFileSync(readPath, utf8, { mode: 0o600 });
    dispose = () => rmSync(dir, { recursive: true, force: true });
  }
  try {
    const header = readHeader(firstRecord(utf8));
    if (header.length === 0 || header.every((h) => h.trim() === '')) throw new CsvRefusal('has no header row');
    const { physicalLine, blank, ...records } = indexRecords(utf8);
    return { readPath, sha256, bytes: buf.length, encoding, header, physicalLine, blank, records, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

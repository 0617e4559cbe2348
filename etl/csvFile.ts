// One partner CSV file made ready for DuckDB's reader: its fingerprint, its
// encoding settled, its header read, and a map from DuckDB's record numbers to the
// physical lines a person sees in a text editor (quoted newlines make them differ).

import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    throw new CsvRefusal('is UTF-16 text (Excel\'s "Unicode Text"): save it from Excel as "CSV UTF-8" and send it again');
  }
  if (buf.includes(0)) throw new CsvRefusal('is not a text CSV file (it contains NUL bytes; is it a spreadsheet or a zip?)');
  const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  if (bom) return 'utf-8-bom';
  if (isUtf8(buf) || hasUtf8Sequence(buf)) return 'utf-8';
  for (const b of buf) {
    if (CP1252_UNDEFINED.has(b)) {
      throw new CsvRefusal('cannot be decoded: it is neither UTF-8 nor Windows-1252 text; save it from Excel as "CSV UTF-8"');
    }
  }
  return 'windows-1252';
}

/**
 * Line endings: CRLF, LF, or (old Mac) CR alone. DuckDB's reader takes one kind per
 * file, so a file that mixes them, or uses CR alone, is given to it with every line
 * ending as LF. Line numbers stay those an editor shows: each CRLF, LF or lone CR ends
 * one line.
 */
export function needsNewlineFix(buf: Buffer): boolean {
  // Jumps from line end to line end with the native indexOf: the cost is in lines, not bytes.
  let cr = buf.indexOf(0x0d);
  if (cr === -1) return false;
  for (; cr !== -1; cr = buf.indexOf(0x0d, cr + 1)) if (buf[cr + 1] !== 0x0a) return true;
  for (let lf = buf.indexOf(0x0a); lf !== -1; lf = buf.indexOf(0x0a, lf + 1)) if (buf[lf - 1] !== 0x0d) return true;
  return false;
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
 * Walks the bytes once, as RFC 4180 does, to find where each record starts. DuckDB
 * numbers records, not lines, and skips empty lines; a person fixing the file needs
 * the line their editor shows.
 */
export function indexRecords(buf: Buffer): { physicalLine: Int32Array; blank: Uint8Array } {
  let cap = 1024;
  let lines = new Int32Array(cap);
  let blank = new Uint8Array(cap);
  let n = 0;
  let line = 1;
  let recordStart = 0;
  let recordLine = 1;
  const push = (start: number, end: number) => {
    if (n === cap) {
      cap *= 2;
      const l2 = new Int32Array(cap);
      l2.set(lines);
      lines = l2;
      const b2 = new Uint8Array(cap);
      b2.set(blank);
      blank = b2;
    }
    let e = end;
    if (e > start && buf[e - 1] === 0x0d) e--;
    lines[n] = recordLine;
    blank[n] = e === start ? 1 : 0;
    n++;
  };
  // Jumps from quote to quote and line break to line break with the native indexOf
  // (a byte-by-byte loop took 0.7 s for a 170 MB file, while DuckDB waited). Each quote
  // opens or closes a quoted stretch (a doubled quote closes and opens again), as RFC
  // 4180 reads them; a line break ends a record only outside one.
  const len = buf.length;
  let quote = buf.indexOf(0x22);
  let lf = buf.indexOf(0x0a);
  for (;;) {
    if (lf !== -1 && (quote === -1 || lf < quote)) {
      push(recordStart, lf);
      recordStart = lf + 1;
      line++;
      recordLine = line;
      lf = buf.indexOf(0x0a, lf + 1);
      continue;
    }
    if (quote === -1) break;
    const close = buf.indexOf(0x22, quote + 1);
    const end = close === -1 ? len : close;
    while (lf !== -1 && lf < end) {
      line++;
      lf = buf.indexOf(0x0a, lf + 1);
    }
    if (close === -1) break;
    quote = buf.indexOf(0x22, close + 1);
  }
  if (recordStart < len) push(recordStart, len);
  return { physicalLine: lines.subarray(0, n), blank: blank.subarray(0, n) };
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
    return readFileSync(fd);
  } catch (e) {
    if (e instanceof CsvRefusal) throw e;
    throw new CsvRefusal(openError(e));
  } finally {
    closeSync(fd);
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

export function prepareCsv(path: string): PreparedCsv {
  const buf = readRegularFile(path);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const encoding = detectEncoding(buf);
  if (buf.length === 0) throw new CsvRefusal(refusals.empty);

  let readPath = path;
  let dispose = () => {};
  let utf8: Buffer = buf;
  const fixNewlines = needsNewlineFix(buf);
  if (encoding === 'windows-1252' || fixNewlines) {
    // DuckDB has no Windows-1252 decoder here and takes one kind of line ending, so
    // convert first. The copy holds raw references, so it goes to memory-backed
    // storage, readable by this user only, and is removed as soon as DuckDB has read it.
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
    const { physicalLine, blank } = indexRecords(utf8);
    return { readPath, sha256, bytes: buf.length, encoding, header, physicalLine, blank, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

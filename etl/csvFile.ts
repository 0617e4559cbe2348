// One partner CSV file made ready for DuckDB's reader: its fingerprint, its
// encoding settled, its header read, and a map from DuckDB's record numbers to the
// physical lines a person sees in a text editor (quoted newlines make them differ).

import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { makePrivateDir } from './privateDir.js';

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
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š',
  0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—',
  0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

export function decodeWindows1252(buf: Buffer): string {
  const latin1 = buf.toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0)] ?? c);
}

/** Decides how the bytes are encoded, or refuses the file when they are not text at all. */
export function detectEncoding(buf: Buffer): Encoding {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    throw new CsvRefusal('is UTF-16 text (Excel\'s "Unicode Text"): save it from Excel as "CSV UTF-8" and send it again');
  }
  if (buf.includes(0)) throw new CsvRefusal('is not a text CSV file (it contains NUL bytes; is it a spreadsheet or a zip?)');
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    if (!isUtf8(buf)) throw new CsvRefusal('starts with a UTF-8 byte-order mark but is not valid UTF-8');
    return 'utf-8-bom';
  }
  if (isUtf8(buf)) return 'utf-8';
  for (const b of buf) {
    if (CP1252_UNDEFINED.has(b)) {
      throw new CsvRefusal('cannot be decoded: it is neither UTF-8 nor Windows-1252 text; save it from Excel as "CSV UTF-8"');
    }
  }
  return 'windows-1252';
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
  let inQuotes = false;
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
  const len = buf.length;
  for (let i = 0; i < len; i++) {
    const c = buf[i];
    if (c === 0x22) inQuotes = !inQuotes;
    else if (c === 0x0a) {
      if (!inQuotes) {
        push(recordStart, i);
        recordStart = i + 1;
        recordLine = line + 1;
      }
      line++;
    }
  }
  if (recordStart < len) push(recordStart, len);
  return { physicalLine: lines.subarray(0, n), blank: blank.subarray(0, n) };
}

/** Reads the header row with papaparse (the same parser the browser check uses). */
function readHeader(text: string): string[] {
  const firstChunk = text.slice(0, 64 * 1024);
  const parsed = Papa.parse<string[]>(firstChunk, { preview: 1, delimiter: ',', quoteChar: '"' });
  const header = parsed.data[0] ?? [];
  return header.map((h) => h.replace(/^\uFEFF/, ''));
}

export function prepareCsv(path: string): PreparedCsv {
  const buf = readFileSync(path);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const encoding = detectEncoding(buf);
  if (buf.length === 0) throw new CsvRefusal('is empty: it has no header row');

  let readPath = path;
  let dispose = () => {};
  let utf8: Buffer = buf;
  if (encoding === 'windows-1252') {
    // DuckDB has no Windows-1252 decoder here, so convert first. The copy holds raw
    // references, so it goes to memory-backed storage, readable by this user only,
    // and is removed as soon as DuckDB has read it.
    const text = decodeWindows1252(buf);
    utf8 = Buffer.from(text, 'utf-8');
    const dir = makePrivateDir('csv');
    readPath = join(dir, 'converted.csv');
    writeFileSync(readPath, utf8, { mode: 0o600 });
    dispose = () => rmSync(dir, { recursive: true, force: true });
  }
  const text = utf8.subarray(0, 64 * 1024).toString('utf-8');
  const header = readHeader(text);
  if (header.length === 0 || header.every((h) => h.trim() === '')) {
    dispose();
    throw new CsvRefusal('has no header row');
  }
  const { physicalLine, blank } = indexRecords(utf8);
  return { readPath, sha256, bytes: buf.length, encoding, header, physicalLine, blank, dispose };
}

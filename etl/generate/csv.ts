/**
 * A CSV file written in large buffered chunks. Rows arrive one at a time from the
 * generators; joining a megabyte of text before each write keeps scale 100 fast
 * without holding whole files in memory. Writes are synchronous so that file
 * order (and so the bytes) can never depend on I/O timing.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { encodeWindows1252 } from './cp1252.js';

export interface CsvOptions {
  /** Start the file with a UTF-8 byte-order mark (as some exports do). */
  readonly bom?: boolean;
  /** Windows line ends. */
  readonly crlf?: boolean;
  /** Excel's "CSV" is Windows-1252; everything else is UTF-8. */
  readonly encoding?: 'utf8' | 'windows-1252';
}

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180: quote a field only when it holds a comma, quote or line break. */
export function quote(field: string): string {
  return NEEDS_QUOTES.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function joinFields(fields: readonly string[]): string {
  let line = quote(fields[0] ?? '');
  for (let i = 1; i < fields.length; i++) line += `,${quote(fields[i] as string)}`;
  return line;
}

const FLUSH_CHARS = 1 << 20;

export class CsvWriter {
  /** Data rows written (records, not physical lines). */
  rows = 0;
  bytes = 0;
  private readonly fd: number;
  private readonly eol: string;
  private readonly cp1252: boolean;
  private parts: string[] = [];
  private pending = 0;
  private closed = false;

  constructor(
    readonly path: string,
    header: readonly string[],
    options: CsvOptions = {},
  ) {
    this.fd = openSync(path, 'w');
    this.eol = options.crlf ? '\r\n' : '\n';
    this.cp1252 = options.encoding === 'windows-1252';
    if (options.bom && !this.cp1252) this.push('\uFEFF');
    this.push(joinFields(header) + this.eol);
  }

  row(fields: readonly string[]): void {
    this.push(joinFields(fields) + this.eol);
    this.rows++;
  }

  /** A record already joined, written as is: how broken rows get past quoting. */
  rawRow(line: string): void {
    this.push(line + this.eol);
    this.rows++;
  }

  close(): { rows: number; bytes: number } {
    if (!this.closed) {
      this.flush();
      closeSync(this.fd);
      this.closed = true;
    }
    return { rows: this.rows, bytes: this.bytes };
  }

  /** Give up on the file (after an error elsewhere): close it without flushing. */
  abort(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
  }

  private push(text: string): void {
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= FLUSH_CHARS) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.pending = 0;
    const buf = this.cp1252 ? encodeWindows1252(text) : Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.bytes += buf.length;
  }
}

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ByteScan,
  CsvRefusal,
  decodeWindows1252,
  detectEncoding,
  hasUtf8Sequence,
  indexRecords,
  needsNewlineFix,
  normaliseNewlines,
  prepareCsv,
  prepareWhole,
  RecordIndex,
  valuesIn,
} from '../../etl/csvFile.js';
import { tempDir } from '../helpers.js';

describe('indexRecords', () => {
  it('finds the physical line of each record, through quoted newlines, CRLF and empty lines', () => {
    // Records: header (line 1), "a" (2), quoted newline spanning 3–4, empty line 5, "c" (6).
    const buf = Buffer.from('h1,h2\r\na,1\r\n"b\r\nb",2\r\n\r\nc,3');
    const { physicalLine, blank } = indexRecords(buf);
    expect([...physicalLine]).toEqual([1, 2, 3, 5, 6]);
    expect([...blank]).toEqual([0, 0, 0, 1, 0]);
  });

  it('reads doubled quotes inside a quoted value as one quote', () => {
    const { physicalLine } = indexRecords(Buffer.from('h\n"say ""hi""\nthere"\nnext\n'));
    expect([...physicalLine]).toEqual([1, 2, 4]);
  });

  it('an unclosed quote runs to the end of the file, as one record, and is said', () => {
    const found = indexRecords(Buffer.from('h\na\n"b\nc\n\nd'));
    expect([...found.physicalLine]).toEqual([1, 2, 3]);
    expect([...found.blank]).toEqual([0, 0, 0]);
    // The record of line 3 runs over lines 3–6, the file's last; the quote is open at its end.
    expect([...found.multiLine]).toEqual([2]);
    expect(found).toMatchObject({ unclosedAt: 3, lastLine: 6 });
    // Closed, it is not; a file ending with a line break has no line after it.
    expect(indexRecords(Buffer.from('h\na\n"b\nc"\n'))).toMatchObject({ unclosedAt: null, lastLine: 4 });
  });

  it('reads a quote inside a value as a character, as DuckDB does: only one at a value’s start opens a quoted value', () => {
    // Barnardo"s and 5'2" are values; the quotes in them would otherwise join lines 2–4 into one record.
    const found = indexRecords(Buffer.from('h,p\n1,Barnardo"s\n2,5\'2"\n3,"a, b"\n4," x ""y"" \nz"\n'));
    expect([...found.physicalLine]).toEqual([1, 2, 3, 4, 5]);
    expect([...found.multiLine]).toEqual([4]);
    expect(found).toMatchObject({ unclosedAt: null, lastLine: 6 });
    // Its second line, `z`, has no comma.
    expect([...found.innerCommas]).toEqual([0]);
  });

  it('counts the commas of each line inside a quoted value after a break: rows a quote left open swallowed have a row’s', () => {
    // Line 3 opens a quote (its own commas before the break are not counted), lines 4–5 are rows
    // swallowed (2 commas each), line 6 closes it; line 7's note has one line of prose after its break.
    const text = 'h,a,b\n1,2,3\n4,5,"x, y\n6,7,8\n9,10,11\nz"\n12,13,"one\ntwo, three"\n';
    const found = indexRecords(Buffer.from(text));
    expect([...found.physicalLine]).toEqual([1, 2, 3, 7]);
    expect([...found.multiLine]).toEqual([2, 3]);
    expect([...found.innerCommas]).toEqual([2, 1]);
    // The same fed one byte at a time: a line split between pieces is counted whole.
    const index = new RecordIndex();
    for (const b of Buffer.from(text)) index.feed(Buffer.from([b]));
    expect([...index.finish().innerCommas]).toEqual([2, 1]);
  });

  it('finds the longest record and the line it starts on', () => {
    const found = indexRecords(Buffer.from('h\r\nab\r\n"c\r\nde"\r\nf\r\n'));
    // Line 3's record is `"c` CR LF `de"`: 7 bytes (1 + 1 + 2 + 2 + 1), its own CR LF not counted.
    expect(found.longest).toEqual({ bytes: 7, line: 3 });
  });

  it('finds what a byte-by-byte reading finds, on 5,000 random mixes of quotes, line breaks and text', () => {
    // The reading as DuckDB's reader does it (RFC 4180, a quote inside a value a character), one byte at a time: the reference.
    const reference = (buf: Buffer) => {
      const lines: number[] = [];
      const blanks: number[] = [];
      let line = 1;
      let inQuotes = false;
      let start = 0;
      let startLine = 1;
      const push = (end: number) => {
        const e = end > start && buf[end - 1] === 0x0d ? end - 1 : end;
        lines.push(startLine);
        blanks.push(e === start ? 1 : 0);
      };
      let closedAt = -2;
      for (let i = 0; i < buf.length; i++) {
        if (buf[i] === 0x22) {
          // A quote closes a quoted value, or opens one at a value's start (or right after a closing quote: doubled).
          if (inQuotes) {
            inQuotes = false;
            closedAt = i;
          } else if (i === start || buf[i - 1] === 0x2c || i === closedAt + 1) inQuotes = true;
        } else if (buf[i] === 0x0a) {
          if (!inQuotes) {
            push(i);
            start = i + 1;
            startLine = line + 1;
          }
          line++;
        }
      }
      if (start < buf.length) push(buf.length);
      return { lines, blanks };
    };
    // A fixed sequence of pseudo-random numbers (mulberry32), so every run tries the same texts.
    let seed = 20261202;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const parts = ['"', '\n', '\r', '\r\n', 'a', ',', '""', 'text'];
    let records = 0;
    for (let k = 0; k < 5000; k++) {
      const n = Math.floor(random() * 40);
      const buf = Buffer.from(Array.from({ length: n }, () => parts[Math.floor(random() * parts.length)]).join(''));
      const got = indexRecords(buf);
      const want = reference(buf);
      expect([...got.physicalLine], JSON.stringify(buf.toString())).toEqual(want.lines);
      expect([...got.blank], JSON.stringify(buf.toString())).toEqual(want.blanks);
      records += want.lines.length;
    }
    expect(records).toBeGreaterThan(10000);
  });
});

describe('detectEncoding', () => {
  it('tells UTF-8 with and without BOM from Windows-1252, and refuses binary', () => {
    expect(detectEncoding(Buffer.from('a,é\n'))).toBe('utf-8');
    expect(detectEncoding(Buffer.from('\uFEFFa,b\n'))).toBe('utf-8-bom');
    expect(detectEncoding(Buffer.from([0x61, 0x2c, 0xe9, 0x0a]))).toBe('windows-1252');
    expect(() => detectEncoding(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]))).toThrow(/NUL bytes/);
    // Excel's "Unicode Text" is UTF-16 with a byte-order mark.
    expect(() => detectEncoding(Buffer.from('\uFEFFa,b\n', 'utf16le'))).toThrow(/UTF-16 .*CSV UTF-8/);
  });

  it('decodes Excel punctuation, which plain Latin-1 would turn into control characters', () => {
    expect(decodeWindows1252(Buffer.from([0x93, 0x51, 0x94, 0x20, 0x96, 0x20, 0x80, 0x35]))).toBe('“Q” – €5');
  });
});

describe('UTF-8 with a few bad bytes, or Windows-1252', () => {
  // 'café' in UTF-8 is 63 61 66 C3 A9; in Windows-1252 63 61 66 E9.
  const utf8Cafe = Buffer.from('café', 'utf-8');
  const cp1252Cafe = Buffer.from([0x63, 0x61, 0x66, 0xe9]);

  it('a file with one valid multi-byte sequence and one invalid byte is UTF-8 (its bad lines are quarantined by the load)', () => {
    const buf = Buffer.concat([Buffer.from('h\n'), utf8Cafe, Buffer.from('\n'), cp1252Cafe, Buffer.from('\n')]);
    expect(hasUtf8Sequence(buf)).toBe(true);
    expect(detectEncoding(buf)).toBe('utf-8');
    // A byte-order mark says UTF-8 too, bad bytes or not.
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]))).toBe('utf-8-bom');
  });

  it('a file with high bytes and no valid multi-byte sequence is Windows-1252', () => {
    const buf = Buffer.concat([Buffer.from('h\n'), cp1252Cafe, Buffer.from('\n'), Buffer.from([0x93, 0x51, 0x94, 0x0a])]);
    expect(hasUtf8Sequence(buf)).toBe(false);
    expect(detectEncoding(buf)).toBe('windows-1252');
    // An overlong encoding (C0 AF) or a lone continuation byte is not a valid sequence.
    expect(hasUtf8Sequence(Buffer.from([0x61, 0xc0, 0xaf, 0x80, 0x0a]))).toBe(false);
  });
});

describe('line endings', () => {
  it('only a file that mixes them, or uses CR alone, is rewritten, each CRLF, LF or CR ending one line', () => {
    expect(needsNewlineFix(Buffer.from('a\r\nb\r\n'))).toBe(false);
    expect(needsNewlineFix(Buffer.from('a\nb\n'))).toBe(false);
    expect(needsNewlineFix(Buffer.from('a\r\nb\nc\r\n'))).toBe(true);
    expect(needsNewlineFix(Buffer.from('a\rb\r'))).toBe(true);
    expect(normaliseNewlines(Buffer.from('a\r\nb\nc\rd')).toString()).toBe('a\nb\nc\nd');
  });
});

describe('prepareCsv refuses what is not a readable file, with the reason and nothing of the content', () => {
  const refusal = (path: string): string => {
    try {
      prepareCsv(path).dispose();
    } catch (e) {
      expect(e).toBeInstanceOf(CsvRefusal);
      return (e as Error).message;
    }
    throw new Error('not refused');
  };

  it('a folder, a named pipe, a symbolic link (not followed), a file that is gone', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder.csv'));
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    writeFileSync(join(dir, 'target.csv'), 'child_ref\nZZREF12345\n');
    symlinkSync(join(dir, 'target.csv'), join(dir, 'link.csv'));
    expect(refusal(join(dir, 'folder.csv'))).toBe('is a folder, not a file');
    expect(refusal(join(dir, 'pipe.csv'))).toBe('is not a regular file (a device, pipe or socket), so it was not read');
    expect(refusal(join(dir, 'link.csv'))).toMatch(/^is a symbolic link; links are not followed/);
    expect(refusal(join(dir, 'gone.csv'))).toBe('could not be read (it is no longer there); check that it is there and that you may read it');
  });
});

describe('a file read in pieces gives what it gives read whole', () => {
  // A fixed sequence of pseudo-random numbers (mulberry32), so every run tries the same texts.
  const randomFrom = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Quotes, every line ending, UTF-8 (valid and cut short), Windows-1252 bytes, a byte 1252 leaves undefined.
  const parts = ['"', '\n', '\r', '\r\n', 'a', ',', '""', 'é', '€', Buffer.from([0xe9]), Buffer.from([0x93]), Buffer.from([0xc3]), Buffer.from([0x81])];
  const text = (random: () => number, n: number): Buffer =>
    Buffer.concat(
      Array.from({ length: n }, () => {
        const p = parts[Math.floor(random() * parts.length)]!;
        return typeof p === 'string' ? Buffer.from(p) : p;
      }),
    );
  const outcome = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('the record index, split anywhere, on 3,000 random texts', () => {
    const random = randomFrom(7);
    for (let k = 0; k < 3000; k++) {
      const buf = text(random, Math.floor(random() * 40));
      const index = new RecordIndex();
      for (let at = 0; at < buf.length; ) {
        const next = Math.min(buf.length, at + Math.floor(random() * 6));
        index.feed(buf.subarray(at, next));
        at = next;
      }
      const got = index.finish();
      const want = indexRecords(buf);
      expect([...got.physicalLine], JSON.stringify(buf.toString('latin1'))).toEqual([...want.physicalLine]);
      expect([...got.blank], JSON.stringify(buf.toString('latin1'))).toEqual([...want.blank]);
      expect([...got.extraValue], JSON.stringify(buf.toString('latin1'))).toEqual([...want.extraValue]);
    }
  });

  it('finds the records with one value more than the header, the extra one empty, as DuckDB reads quotes', () => {
    // Header of 3; "4,5,6," has 4 values, the last empty; "7,8," has 3; a quoted comma is inside a value;
    // "a""b" is a doubled quote inside a quoted value; Barnardo"s is a quote inside an unquoted value.
    const buf = Buffer.from('a,b,c\r\n1,2,3\r\n4,5,6,\r\n7,8,\n"x,y",z,\n"x,y",z,w,\n"a""b,c",d,\nBarnardo"s,e,f,\n\n"p\nq",r,s,');
    expect([...indexRecords(buf).extraValue]).toEqual([2, 5, 7, 9]);
    expect(valuesIn(Buffer.from('a,"b,c",d'))).toBe(3);
    expect(valuesIn(Buffer.from('a,b"c,d'))).toBe(3);
    expect(valuesIn(Buffer.from('"a"",b",c'))).toBe(2);
    expect(valuesIn(Buffer.from(''))).toBe(1);
  });

  it('the encoding and the line endings, split after bytes below 128 but CR, on 3,000 random texts', () => {
    const random = randomFrom(11);
    const seen = new Set<unknown>();
    for (let k = 0; k < 3000; k++) {
      const buf = text(random, Math.floor(random() * 30));
      const scan = new ByteScan();
      const got = outcome(() => {
        let at = 0;
        for (let i = 0; i < buf.length; i++) {
          if (buf[i]! >= 0x80 || buf[i] === 0x0d || random() < 0.5) continue;
          scan.feed(buf.subarray(at, i + 1));
          at = i + 1;
        }
        scan.feed(buf.subarray(at));
        return [scan.encoding(), scan.needsNewlineFix()];
      });
      const want = outcome(() => [detectEncoding(buf), needsNewlineFix(buf)]);
      expect(got, JSON.stringify(buf.toString('latin1'))).toEqual(want);
      seen.add(JSON.stringify(want));
    }
    // Every verdict was reached: UTF-8 or Windows-1252, either way of line endings, and undecodable.
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });

  it('prepareCsv, with 8 MB and with 16-byte pieces, as prepareWhole (lines longer than a piece, CRLF endings, a BOM, quoted line breaks)', () => {
    const dir = tempDir();
    const random = randomFrom(13);
    const files = [
      '\uFEFFchild_ref,note\r\nA1,"two\r\nlines"\r\nB2,a much longer line than sixteen bytes\r\n\r\nC3,x\r\n',
      'child_ref,episode_start\nA1,2026-01-02\n"B\n2",2026-01-03\nC3,"never closed\nD4,x\n',
      'h\n' + 'x'.repeat(100) + '\n',
      // A line of multi-byte characters only, longer than a piece: the piece grows.
      'h\n' + 'é'.repeat(50) + '\n',
    ];
    // The random files' bytes are written as they are (latin1 keeps each byte); the others as UTF-8.
    const fixed = files.length;
    for (let k = 0; k < 200; k++) files.push('child_ref,b\n' + text(random, Math.floor(random() * 30)).toString('latin1'));
    let streamed = 0;
    files.forEach((content, i) => {
      const path = join(dir, `f${i}.csv`);
      writeFileSync(path, i >= fixed ? Buffer.from(content, 'latin1') : content);
      const whole = outcome(() => prepareWhole(path));
      const pieces = outcome(() => prepareCsv(path, 16));
      const big = outcome(() => prepareCsv(path));
      const plain = (p: unknown) => {
        if (typeof p === 'string') return p;
        const c = p as ReturnType<typeof prepareCsv>;
        c.dispose();
        return { ...c, readPath: c.readPath === path, physicalLine: [...c.physicalLine], blank: [...c.blank], dispose: null };
      };
      const w = plain(whole);
      expect(plain(pieces), `file ${i}`).toEqual(w);
      expect(plain(big), `file ${i}`).toEqual(w);
      if (typeof w !== 'string' && w.readPath) streamed++;
    });
    // Both ways were taken: read as they are, and converted first (or refused).
    expect(streamed).toBeGreaterThan(40);
    expect(files.length - streamed).toBeGreaterThan(40);
  });
});

describe('a file larger than 2 GiB', () => {
  it('is refused before a byte of it is read, saying its size', () => {
    const path = join(tempDir(), 'missing_episodes.csv');
    writeFileSync(path, 'episode_id\n');
    // A sparse file: its size without the disk space.
    truncateSync(path, 2200 * 1024 * 1024);
    expect(() => prepareCsv(path)).toThrow(
      "is 2,306,867,200 bytes, more than the 2 GiB one file may be, so it was not read; check that it is the right file (a partnership's largest extract is a few hundred MB)",
    );
  });
});

import { describe, expect, it } from 'vitest';
import { decodeWindows1252, detectEncoding, indexRecords } from '../../etl/csvFile.js';

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

/**
 * Windows-1252 encoding, which Excel uses when it saves "CSV". Node has no encoder
 * for it; latin1 covers U+0000–U+00FF and the 0x80–0x9F block holds the typographic
 * characters (dashes, curly quotes, euro) that office text is full of.
 */

const HIGH: ReadonlyMap<number, number> = new Map([
  [0x20ac, 0x80], // €
  [0x201a, 0x82],
  [0x0192, 0x83],
  [0x201e, 0x84],
  [0x2026, 0x85], // …
  [0x2020, 0x86],
  [0x2021, 0x87],
  [0x02c6, 0x88],
  [0x2030, 0x89],
  [0x0160, 0x8a],
  [0x2039, 0x8b],
  [0x0152, 0x8c],
  [0x017d, 0x8e],
  [0x2018, 0x91], // ‘
  [0x2019, 0x92], // ’
  [0x201c, 0x93], // “
  [0x201d, 0x94], // ”
  [0x2022, 0x95], // •
  [0x2013, 0x96], // –
  [0x2014, 0x97], // —
  [0x02dc, 0x98],
  [0x2122, 0x99],
  [0x0161, 0x9a],
  [0x203a, 0x9b],
  [0x0153, 0x9c],
  [0x017e, 0x9e],
  [0x0178, 0x9f],
]);

/** Characters with no Windows-1252 byte become '?', as Excel's "CSV" does. */
export function encodeWindows1252(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0x3f;
    if (c < 0x80 || (c >= 0xa0 && c <= 0xff)) out[n++] = c;
    else out[n++] = HIGH.get(c) ?? 0x3f;
  }
  return out.subarray(0, n);
}

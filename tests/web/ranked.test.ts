// The ranked table beside the Places and Service gaps maps (web/src/charts.ts, hexTable):
// the API's ranks and order, a withheld rank shown as c and never replaced by a position;
// no ranks invented where the API gives none. Pure functions: no browser needed.

import { describe, expect, it } from 'vitest';
import { hexTable, rankedCaption } from '../../web/src/ranked.js';
import type { HexCell as Hex } from '../../model/api.js';

const hex = (locality: string, value: Hex['value'], rank?: Hex['rank']): Hex => ({
  locality,
  area: 'Southampton',
  q: 0,
  r: 0,
  value,
  display: value === null ? 'no figure' : String(value),
  ...(rank !== undefined ? { rank } : {}),
});

describe('the ranked table beside a map', () => {
  it('uses the API’s ranks and order: a withheld rank stays c, last, and no position stands in for it', () => {
    // Exact totals B 40, A 30, D 10, C 3, E 0 → the SQL ranks 1, 2, 3, 4, 5; the board sees C's 3
    // withheld with its rank: B 1, A 2, D 3, E 5, C c (the API lists C last). Numbering by position
    // with c sorted below 0 would have given E 4 and C 5.
    const hexes = [hex('A', 30, 2), hex('C', 'c', 'c'), hex('E', 0, 5), hex('B', 40, 1), hex('D', 10, 3)];
    const t = hexTable(hexes, 'Total', '');
    expect(t.columns.map((c) => c.key)).toEqual(['rank', 'locality', 'area', 'value', 'flag']);
    expect(t.rows.map((r) => [r.rank, r.locality, r.value])).toEqual([
      [1, 'B', '40'],
      [2, 'A', '30'],
      [3, 'D', '10'],
      [5, 'E', '0'],
      ['c', 'C', 'c'],
    ]);
    expect(rankedCaption(5, 5, 5, 'Total', true)).toBe('The 5 highest ranked of 5 localities by total');
    // Over the four areas a rank is within each area: said, so that two rank 1s are not read as a tie.
    expect(rankedCaption(10, 55, 55, 'Total', true, 4)).toBe('The 10 highest ranked of 55 localities by total, each ranked within its own area');
  });

  it('where the API gives no rank, lists the figures shown, highest first, with no rank column and without the withheld', () => {
    // Prevalence 12.5, c, 30, no figure: 30 then 12.5; 2 of the 4 not listed (one withheld, one with no figure).
    const t = hexTable([hex('A', 12.5), hex('B', 'c'), hex('C', 30), hex('D', null)], 'Prevalence', '');
    expect(t.columns.map((c) => c.key)).toEqual(['locality', 'area', 'value', 'flag']);
    expect(t.rows.map((r) => [r.locality, r.value])).toEqual([
      ['C', '30'],
      ['A', '12.5'],
    ]);
    expect(rankedCaption(2, t.rows.length, 4, 'Prevalence', false)).toBe(
      'The 2 highest of the 2 figures shown for 4 localities by prevalence (2 withheld or with no figure, not listed)',
    );
  });

  it('marks a hotspot, a flag withheld as c, and one given and false as no (never –, which means no figure)', () => {
    const t = hexTable(
      [
        { ...hex('A', 40, 1), hotspot: true },
        { ...hex('B', 30, 'c'), hotspot: 'c' },
        { ...hex('C', 10, 2), hotspot: false },
      ],
      'Total',
      '',
    );
    expect(t.rows.map((r) => [r.locality, r.flag])).toEqual([
      ['A', 'hotspot'],
      ['C', 'no'],
      ['B', 'c'],
    ]);
  });

  it('lists a rank not given (–) after a withheld one (c): it cannot be placed among them', () => {
    const t = hexTable([hex('Z', 0, null), hex('C', 'c', 'c'), hex('A', 20, 1)], 'Total', '');
    expect(t.rows.map((r) => [r.rank, r.locality])).toEqual([
      [1, 'A'],
      ['c', 'C'],
      [null, 'Z'],
    ]);
  });
});

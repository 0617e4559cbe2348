// The one formatter of figures (model/format.ts), worked out by hand.

import { describe, expect, it } from 'vitest';
import { axisFormat, formatCell, formatChange, formatChangeSize, formatDateTime, formatFigure, isPercent, MINUS, shownKind } from '../../model/format.js';

describe('a figure by its kind', () => {
  it('writes every percentage with one decimal and "%"', () => {
    // 69.6 → "69.6%"; 66 → "66.0%" (one decimal even when it is 0); 100 → "100.0%".
    expect(formatFigure(69.6, 'pct')).toBe('69.6%');
    expect(formatFigure(66, 'pct')).toBe('66.0%');
    expect(formatFigure(100, 'pct')).toBe('100.0%');
    // 2/3 = 66.666… → 66.7%; 68.25 rounds half away from zero → 68.3% (not the binary 68.2499…).
    expect(formatFigure(200 / 3, 'pct')).toBe('66.7%');
    expect(formatFigure(68.25, 'pct')).toBe('68.3%');
    expect(formatFigure(0, 'pct')).toBe('0.0%');
  });
  it('writes a rate per 10,000 with one decimal, a count whole with separators', () => {
    expect(formatFigure(16, 'per10k')).toBe('16.0');
    expect(formatFigure(9.14, 'per10k')).toBe('9.1');
    expect(formatFigure(1234, 'count')).toBe('1,234');
    expect(formatFigure(0, 'count')).toBe('0');
    // A ratio: two decimals, as the definitions give them (1.00 beside 0.73). A median of hours: one decimal, as the
    // definitions give it (a reviewer read "9" beside "9.9").
    expect(formatFigure(0.755, 'ratio')).toBe('0.76');
    expect(formatFigure(1, 'ratio')).toBe('1.00');
    expect(formatFigure(0.7, 'ratio')).toBe('0.70');
    expect(formatFigure(9, 'median')).toBe('9.0');
    expect(formatFigure(9.94, 'median')).toBe('9.9');
  });
  it('writes a negative number with a true minus sign (U+2212), never a hyphen', () => {
    expect(MINUS).toBe('\u2212');
    expect(formatFigure(-3, 'count')).toBe('\u22123');
    expect(formatFigure(-2.5, 'pct')).toBe('\u22122.5%');
    expect(formatFigure(-1234.5)).toBe('\u22121,234.5');
    expect(formatFigure(-3, 'count')).not.toContain('-');
    // −0.04 rounds to 0.0: no sign on a zero.
    expect(formatFigure(-0.04, 'pct')).toBe('0.0%');
  });
  it('writes a cell: c stays c, no figure is a dash, words stay words', () => {
    expect(formatCell('c', 'pct')).toBe('c');
    expect(formatCell(null, 'pct')).toBe('–');
    expect(formatCell(undefined)).toBe('–');
    expect(formatCell(69.6, 'pct')).toBe('69.6%');
    expect(formatCell(true)).toBe('Yes');
    expect(formatCell('Rushmoor')).toBe('Rushmoor');
  });
});

describe('a published percentage (whole numbers, met-dataset.md)', () => {
  it('is written whole under the published rule only: 69%, not 69.0%', () => {
    expect(shownKind('pct', 'published')).toBe('pct0');
    expect(shownKind('pct', 'partner')).toBe('pct');
    expect(shownKind('pct', 'exact')).toBe('pct');
    expect(shownKind('per10k', 'published')).toBe('per10k');
    expect(shownKind('count', 'published')).toBe('count');
    expect(shownKind(undefined, 'published')).toBeUndefined();
    expect(formatFigure(69, 'pct0')).toBe('69%');
    expect(formatFigure(100, 'pct0')).toBe('100%');
    expect(formatFigure(0, 'pct0')).toBe('0%');
    expect(formatCell(69, 'pct0')).toBe('69%');
    expect(formatCell('c', 'pct0')).toBe('c');
    expect(isPercent('pct0')).toBe(true);
    expect(isPercent('pct')).toBe(true);
    expect(isPercent('per10k')).toBe(false);
  });
  it('changes in whole points: 66% to 69% is +3 points, 70% to 69% is 1 point down', () => {
    expect(formatChange(3, 'pct0')).toBe('+3 points');
    expect(formatChange(-1, 'pct0')).toBe(`${MINUS}1 point`);
    expect(formatChangeSize(-1, 'pct0')).toBe('1 point');
    expect(formatChange(0, 'pct0')).toBe('0 points');
    expect(axisFormat('pct0')).toBe(',.0f');
  });
});

describe('a change', () => {
  it('is signed, a percentage change in points with one decimal', () => {
    // 66.0% → 68.5%: +2.5 points; 68.8% → 66.0%: −2.8 points; 1 point is singular.
    expect(formatChange(68.5 - 66, 'pct')).toBe('+2.5 points');
    expect(formatChange(66 - 68.8, 'pct')).toBe('\u22122.8 points');
    expect(formatChange(1, 'pct')).toBe('+1.0 point');
    expect(formatChange(0, 'pct')).toBe('0.0 points');
    // Counts: 100 → 0 is −100; 12 → 38 is +26.
    expect(formatChange(-100, 'count')).toBe('\u2212100');
    expect(formatChange(26, 'count')).toBe('+26');
    // Its size for "up …"/"down …": no sign.
    expect(formatChangeSize(-2.8, 'pct')).toBe('2.8 points');
    expect(formatChangeSize(-1500, 'count')).toBe('1,500');
  });
});

describe('an axis and a time', () => {
  it('gives axes whole ticks for counts, one decimal for percentages and rates', () => {
    expect(axisFormat('count')).toBe(',d');
    expect(axisFormat('pct')).toBe(',.1f');
    expect(axisFormat('per10k')).toBe(',.1f');
    expect(axisFormat('ratio')).toBeUndefined();
  });
  it('writes a refresh time in words on the UK clock', () => {
    // 01:11:24 UTC on 1 December is 01:11 GMT.
    expect(formatDateTime('2026-12-01T01:11:24Z')).toBe('1 December 2026 at 01:11');
    // 23:30 UTC on 1 July is 00:30 BST on 2 July.
    expect(formatDateTime('2026-07-01T23:30:00Z')).toBe('2 July 2026 at 00:30');
    expect(formatDateTime(null)).toBeNull();
    expect(formatDateTime('not a date')).toBeNull();
  });
});

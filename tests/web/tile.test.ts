// A tile's sparkline and comparison line (web/src/tile.ts): pure functions, run in Node.

import { describe, expect, it } from 'vitest';
import type { Tile } from '../../model/api.js';
import { compareText, sparkGeometry } from '../../web/src/tile.js';

const tile = (over: Partial<Tile>): Tile => ({
  id: 'disruptions',
  label: 'Disruptions',
  value: 8,
  display: '8',
  change_text: '',
  signal: 'none',
  signal_text: '',
  spark: { periods: ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'], values: [5, 'c', 7, 8] },
  definition: '',
  ...over,
});

describe('a tile’s sparkline (plain SVG geometry)', () => {
  it('breaks at a withheld point rather than joining across it, and marks every shown point', () => {
    // 5, c, 7, 8 across 100 px (4 px kept each side): x = 4 + i × 92 / 3 → 4, 34.7, 65.3, 96;
    // 5 to 8 over the 44 px height less 4 px each side: y = 40 − (v − 5) × 36 / 3 → 5: 40, 7: 16, 8: 4.
    // Q1 stands alone between the start and the gap: a dot, no line; Q3 to Q4 is the one line.
    const g = sparkGeometry(tile({}), 100)!;
    expect(g.paths).toEqual(['M65.3,16 L96,4']);
    expect(g.points).toEqual([
      { x: 4, y: 40, latest: false },
      { x: 65.3, y: 16, latest: false },
      { x: 96, y: 4, latest: true },
    ]);
    expect(g.description).toBe('Disruptions: trend over 4 periods, from 5 to 8; 1 withheld or with no figure, where the line breaks.');
  });
  it('runs a flat trend across the middle, and puts a single period in the centre', () => {
    const flat = sparkGeometry(tile({ spark: { periods: ['2026-Q1', '2026-Q2'], values: [3, 3] } }), 100)!;
    expect(flat.paths).toEqual(['M4,22 L96,22']);
    expect(flat.description).toBe('Disruptions: trend over 2 periods, from 3 to 3.');
    const one = sparkGeometry(tile({ spark: { periods: ['2026-Q1'], values: [3] } }), 100)!;
    expect(one.paths).toEqual([]);
    expect(one.points).toEqual([{ x: 50, y: 22, latest: true }]);
  });
  it('draws nothing when every point is withheld', () => {
    expect(sparkGeometry(tile({ spark: { periods: ['2026-Q1', '2026-Q2'], values: ['c', 'c'] } }), 100)).toBeNull();
  });
});

describe('a tile’s comparison line', () => {
  it('marks a rounded previous or year-earlier figure ≈ as the headline is (the model’s display)', () => {
    const label = (p: string) => (p === '2026-Q2' ? 'Apr to Jun 2026 (2026-Q2)' : 'Jul to Sep 2025 (2025-Q3)');
    const t = tile({ previous: { period: '2026-Q2', value: 50, display: '≈ 50' }, year_earlier: { period: '2025-Q3', value: 70, display: '≈ 70' } });
    expect(compareText(t, label)).toBe('Previous (Apr to Jun 2026): ≈ 50. A year earlier (Jul to Sep 2025): ≈ 70.');
    // An exact figure (no display given) as it is.
    expect(compareText(tile({ previous: { period: '2026-Q2', value: 50 } }), label)).toBe('Previous (Apr to Jun 2026): 50.');
  });
});

// A tile's sparkline and comparison line (web/src/tile.ts): pure functions, run in Node.

import { describe, expect, it } from 'vitest';
import type { Tile } from '../../model/api.js';
import { compareText, sparkSpec } from '../../web/src/tile.js';

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

describe('a tile’s sparkline', () => {
  it('breaks at a withheld point rather than joining across it', () => {
    // 5, c, 7, 8: the c goes in as a gap (null), not left out: the line breaks between Q1 and Q3
    // (Vega-Lite's break-paths mode); each shown point is marked, so Q1's 5, alone, still shows.
    const spec = sparkSpec(tile({}))!;
    expect((spec.data as { values: unknown[] }).values).toEqual([
      { period: '2026-Q1', value: 5 },
      { period: '2026-Q2', value: null },
      { period: '2026-Q3', value: 7 },
      { period: '2026-Q4', value: 8 },
    ]);
    const layers = spec.layer as { mark: { type: string; invalid?: string } }[];
    expect(layers[0]!.mark).toMatchObject({ type: 'line', invalid: 'break-paths-filter-domains' });
    expect(spec.description).toBe('Disruptions: trend over 4 periods, from 5 to 8; 1 withheld or with no figure, where the line breaks.');
  });
  it('draws nothing when every point is withheld', () => {
    expect(sparkSpec(tile({ spark: { periods: ['2026-Q1', '2026-Q2'], values: ['c', 'c'] } }))).toBeNull();
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

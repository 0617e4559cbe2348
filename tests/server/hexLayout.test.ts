// The hex tile map: every locality of the partnership has exactly one tile, and no two
// tiles of an area sit on the same hexagon.

import { describe, expect, it } from 'vitest';
import { AREAS, LOCALITIES } from '../../etl/generate/localities.js';
import { HEX_LAYOUT, tileOf, tilesOf } from '../../lib/hexLayout.js';

describe('the hex layout', () => {
  it('has exactly one tile for every locality, in its own area', () => {
    for (const l of LOCALITIES) {
      const tiles = HEX_LAYOUT.filter((t) => t.locality === l.locality);
      expect(tiles, l.locality).toHaveLength(1);
      expect(tiles[0]!.area).toBe(l.area);
    }
    expect(HEX_LAYOUT).toHaveLength(LOCALITIES.length);
  });

  it('has no two tiles of an area on the same hexagon', () => {
    for (const area of AREAS) {
      const cells = tilesOf(area).map((t) => `${t.q},${t.r}`);
      expect(new Set(cells).size, area).toBe(cells.length);
    }
  });

  it('finds a tile by locality name whatever its case', () => {
    expect(tileOf('bitterne park')?.area).toBe('Southampton');
    expect(tileOf('Nowhere')).toBeUndefined();
  });
});

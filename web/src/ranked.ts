// The ranked table beside the Places and Service gaps maps, and what a hex is marked
// with. No DOM here: tests/web/ranked.test.ts runs it in Node.
import type { HexCell as Hex } from '../../model/api.js';
import type { ShownTable } from './types.js';

const inSentence = (label: string) => (/^[A-Z0-9]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1));

/** A hotspot or a gap: what the map outlines and letters. */
export function flagOf(x: Hex): 'hotspot' | 'gap' | null {
  if (x.hotspot === true) return 'hotspot';
  if (x.gap === true) return 'gap';
  return null;
}

/** The ranked table's "Marked" cell: hotspot or gap, c where the flag is withheld, "no" where it is given and false (never – , which means no figure). */
function flagWords(x: Hex): string {
  return flagOf(x) ?? (x.hotspot === 'c' || x.gap === 'c' ? 'c' : 'no');
}

/**
 * The ranked table beside a map. Where the API ranks the localities (hotspots, by the
 * figure the map is shaded by), its ranks and its order: by rank, a withheld rank ('c')
 * last, ties by area and name, as the API sends them; a withheld rank is never replaced
 * by a position. Where it gives none, no ranks are invented: the figures shown, highest
 * first, without a rank column, and withheld ones left out (they could lie anywhere).
 */
export function hexTable(hexes: Hex[], measureLabel: string, title: string): ShownTable {
  const ranked = hexes.some((x) => x.rank !== undefined);
  // Ranks given first, then a rank withheld (c), then one not given (–: a total of 0 that cannot be placed).
  const num = (v: unknown) => (typeof v === 'number' ? v : v === 'c' ? Number.MAX_VALUE : Number.POSITIVE_INFINITY);
  const rows = ranked
    ? [...hexes]
        .filter((x) => x.rank !== undefined)
        .sort((a, b) => num(a.rank) - num(b.rank) || a.area.localeCompare(b.area) || a.locality.localeCompare(b.locality))
        .map((x) => ({ rank: x.rank ?? null, locality: x.locality, area: x.area, value: x.display ?? x.value, flag: flagWords(x) }))
    : [...hexes]
        .filter((x) => typeof x.value === 'number')
        .sort((a, b) => (b.value as number) - (a.value as number) || a.locality.localeCompare(b.locality))
        .map((x) => ({ locality: x.locality, area: x.area, value: x.display ?? x.value, flag: flagWords(x) }));
  return {
    id: 'ranked',
    title,
    columns: [
      ...(ranked ? [{ key: 'rank', label: 'Rank' }] : []),
      { key: 'locality', label: 'Locality' },
      { key: 'area', label: 'Area' },
      { key: 'value', label: measureLabel },
      { key: 'flag', label: 'Marked' },
    ],
    rows,
  };
}

/** The ranked table's caption: ranked by the API, or the highest figures shown (withheld ones left out). */
export function rankedCaption(top: number, listed: number, localities: number, label: string, ranked: boolean, areas = 1): string {
  // The API ranks a locality among its own area's: over several areas, a rank 1 in each.
  if (ranked) return `The ${top} highest ranked of ${localities} localities by ${inSentence(label)}${areas > 1 ? ', each ranked within its own area' : ''}`;
  const withheld = localities - listed;
  return `The ${top} highest of the ${listed} figures shown for ${localities} localities by ${inSentence(label)}${withheld ? ` (${withheld} withheld or with no figure, not listed)` : ''}`;
}

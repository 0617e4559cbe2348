// The hex tile map of the partnership: one tile per locality, so a small ward counts
// for as much on the map as a large district (a choropleth of real boundaries would
// let Hampshire's districts swamp the city wards). Tiles use axial coordinates
// (q, r) of pointy-top hexagons: a tile's centre is at x = q + r / 2, y = r (times the
// tile size), r growing southwards. Each area is its own small map, laid out by hand
// to be roughly geographic, so people who know the place find their locality.

import type { AreaName as Area } from '../model/areas.js';

export interface HexTile {
  area: Area;
  locality: string;
  q: number;
  r: number;
}

const tiles = (area: Area, rows: [string, number, number][]): HexTile[] => rows.map(([locality, q, r]) => ({ area, locality, q, r }));

export const HEX_LAYOUT: readonly HexTile[] = [
  // Southampton, west to east across the Test and the Itchen, north to south.
  ...tiles('Southampton', [
    ['Coxford', 0, 0],
    ['Bassett', 1, 0],
    ['Swaythling', 2, 0],
    ['Harefield', 3, 0],
    ['Redbridge', -1, 1],
    ['Shirley', 0, 1],
    ['Portswood', 1, 1],
    ['Bitterne Park', 2, 1],
    ['Bitterne', 3, 1],
    ['Millbrook', -1, 2],
    ['Freemantle', 0, 2],
    ['Bevois', 1, 2],
    ['Peartree', 2, 2],
    ['Sholing', 3, 2],
    ['Bargate', 0, 3],
    ['Woolston', 1, 3],
  ]),
  // Portsmouth, north (Portsdown Hill) to south (Southsea seafront).
  ...tiles('Portsmouth', [
    ['Paulsgrove', 0, 0],
    ['Cosham', 1, 0],
    ['Drayton and Farlington', 2, 0],
    ['Hilsea', 0, 1],
    ['Copnor', 1, 1],
    ['Nelson', -1, 2],
    ['Fratton', 0, 2],
    ['Baffins', 1, 2],
    ['Charles Dickens', -2, 3],
    ['Central Southsea', -1, 3],
    ['Milton', 0, 3],
    ['St Thomas', -2, 4],
    ['St Jude', -1, 4],
    ['Eastney and Craneswater', 0, 4],
  ]),
  // Hampshire's districts: the north, the middle, then the coast.
  ...tiles('Hampshire', [
    ['Basingstoke and Deane', 1, 0],
    ['Hart', 2, 0],
    ['Rushmoor', 3, 0],
    ['Test Valley', 0, 1],
    ['Winchester', 1, 1],
    ['East Hampshire', 2, 1],
    ['New Forest', -1, 2],
    ['Eastleigh', 0, 2],
    ['Fareham', 1, 2],
    ['Havant', 2, 2],
    ['Gosport', 1, 3],
  ]),
  // The Isle of Wight: the north coast, the middle, then the south-east bays.
  ...tiles('Isle of Wight', [
    ['Cowes', 1, 0],
    ['East Cowes', 2, 0],
    ['Wootton Bridge', 3, 0],
    ['Ryde', 4, 0],
    ['Totland', -1, 1],
    ['Freshwater', 0, 1],
    ['Newport', 1, 1],
    ['Brading', 3, 1],
    ['Bembridge', 4, 1],
    ['Godshill', 1, 2],
    ['Lake', 2, 2],
    ['Sandown', 3, 2],
    ['Ventnor', 0, 3],
    ['Shanklin', 1, 3],
  ]),
];

export function tilesOf(area: Area): HexTile[] {
  return HEX_LAYOUT.filter((t) => t.area === area);
}

export function tileOf(locality: string): HexTile | undefined {
  const key = locality.toLowerCase();
  return HEX_LAYOUT.find((t) => t.locality.toLowerCase() === key);
}

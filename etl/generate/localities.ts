/**
 * The four areas of the partnership and their localities, with real names.
 *
 * - Southampton: the 16 city council wards in use from 2002 until the boundary
 *   review of May 2023 (the ward list most partner systems still code to).
 * - Portsmouth: the 14 city council wards in use since 2002.
 * - Hampshire: the 11 district and borough councils of the county.
 * - Isle of Wight: towns and large villages, each standing for itself and its
 *   rural hinterland, so that the towns together cover the whole island.
 *
 * Weights are approximate head counts at mid-2021, rounded from the ONS mid-year
 * population estimates (small-area estimates summed to wards for the cities;
 * districts from the local-authority estimates; island towns apportioned from the
 * Isle of Wight total). They are not official figures. Area totals aged 0–17 come to
 * about 50,000 (Southampton), 42,000 (Portsmouth), 282,000 (Hampshire) and
 * 23,000 (Isle of Wight); 18–24 is high in the university wards of both cities.
 *
 * Data and types only: the loader and the web tile map import this module.
 */

import { AREAS, type AreaName } from '../../model/areas.js';

export { AREAS };
export type Area = AreaName;

export type LocalityKind = 'ward' | 'district' | 'town';

export interface Locality {
  readonly area: Area;
  /** Unique across all four areas, so a locality alone identifies its area. */
  readonly locality: string;
  readonly kind: LocalityKind;
  /** Approximate residents aged 0–17 (mid-2021). */
  readonly weight0to17: number;
  /** Approximate residents aged 18–24 (mid-2021). */
  readonly weight18to24: number;
}

const ward = (area: Area, locality: string, weight0to17: number, weight18to24: number): Locality => ({
  area,
  locality,
  kind: area === 'Hampshire' ? 'district' : area === 'Isle of Wight' ? 'town' : 'ward',
  weight0to17,
  weight18to24,
});

export const LOCALITIES: readonly Locality[] = [
  // Southampton: city centre and the university wards (Bargate, Portswood,
  // Swaythling, Bassett, Bevois) have few children and many students.
  ward('Southampton', 'Bargate', 2400, 8000),
  ward('Southampton', 'Bassett', 2600, 5500),
  ward('Southampton', 'Bevois', 3300, 5000),
  ward('Southampton', 'Bitterne', 3400, 1500),
  ward('Southampton', 'Bitterne Park', 3300, 1500),
  ward('Southampton', 'Coxford', 3700, 1500),
  ward('Southampton', 'Freemantle', 2700, 2500),
  ward('Southampton', 'Harefield', 3300, 1400),
  ward('Southampton', 'Millbrook', 3700, 1500),
  ward('Southampton', 'Peartree', 3200, 1400),
  ward('Southampton', 'Portswood', 2200, 5500),
  ward('Southampton', 'Redbridge', 3900, 1600),
  ward('Southampton', 'Shirley', 3200, 1900),
  ward('Southampton', 'Sholing', 3300, 1300),
  ward('Southampton', 'Swaythling', 2800, 4500),
  ward('Southampton', 'Woolston', 3300, 1400),

  // Portsmouth: students concentrate in St Thomas, St Jude, Central Southsea and
  // Charles Dickens (the city centre).
  ward('Portsmouth', 'Baffins', 3200, 1500),
  ward('Portsmouth', 'Central Southsea', 2400, 6000),
  ward('Portsmouth', 'Charles Dickens', 4000, 5500),
  ward('Portsmouth', 'Copnor', 3100, 1500),
  ward('Portsmouth', 'Cosham', 3300, 1400),
  ward('Portsmouth', 'Drayton and Farlington', 2900, 1100),
  ward('Portsmouth', 'Eastney and Craneswater', 2400, 1700),
  ward('Portsmouth', 'Fratton', 3100, 2800),
  ward('Portsmouth', 'Hilsea', 3100, 1300),
  ward('Portsmouth', 'Milton', 2800, 2000),
  ward('Portsmouth', 'Nelson', 3500, 1500),
  ward('Portsmouth', 'Paulsgrove', 3800, 1300),
  ward('Portsmouth', 'St Jude', 2000, 3800),
  ward('Portsmouth', 'St Thomas', 2400, 3500),

  // Hampshire districts: Winchester (university) and Rushmoor (garrison) have
  // relatively many young adults.
  ward('Hampshire', 'Basingstoke and Deane', 39000, 14000),
  ward('Hampshire', 'East Hampshire', 25000, 8500),
  ward('Hampshire', 'Eastleigh', 29000, 10000),
  ward('Hampshire', 'Fareham', 22000, 8000),
  ward('Hampshire', 'Gosport', 16500, 6500),
  ward('Hampshire', 'Hart', 22000, 7000),
  ward('Hampshire', 'Havant', 25000, 9000),
  ward('Hampshire', 'New Forest', 31000, 11000),
  ward('Hampshire', 'Rushmoor', 21500, 10000),
  ward('Hampshire', 'Test Valley', 27000, 9500),
  ward('Hampshire', 'Winchester', 24000, 14000),

  // Isle of Wight: an older population with few young adults.
  ward('Isle of Wight', 'Newport', 5300, 2100),
  ward('Isle of Wight', 'Ryde', 4400, 1700),
  ward('Isle of Wight', 'Cowes', 1900, 700),
  ward('Isle of Wight', 'East Cowes', 1700, 650),
  ward('Isle of Wight', 'Sandown', 1500, 600),
  ward('Isle of Wight', 'Shanklin', 1400, 550),
  ward('Isle of Wight', 'Ventnor', 1000, 400),
  ward('Isle of Wight', 'Freshwater', 1100, 400),
  ward('Isle of Wight', 'Bembridge', 700, 250),
  ward('Isle of Wight', 'Brading', 600, 250),
  ward('Isle of Wight', 'Lake', 1100, 450),
  ward('Isle of Wight', 'Wootton Bridge', 900, 350),
  ward('Isle of Wight', 'Totland', 600, 200),
  ward('Isle of Wight', 'Godshill', 800, 300),
];

/** The localities of one area, in the order above. */
export function localitiesOf(area: Area): readonly Locality[] {
  return LOCALITIES.filter((l) => l.area === area);
}

export function isArea(value: string): value is Area {
  return (AREAS as readonly string[]).includes(value);
}

// The partnership's four areas, declared once. `all` is the four together. Every
// layer (the contract, the measures, the pages, the generator, the web pages) takes
// its list and its type from here.

export const AREAS = ['Southampton', 'Portsmouth', 'Hampshire', 'Isle of Wight'] as const;
export type AreaName = (typeof AREAS)[number];

export const AREAS_AND_ALL = [...AREAS, 'all'] as const;
export type AreaOrAll = AreaName | 'all';

export function isArea(s: string): s is AreaName {
  return (AREAS as readonly string[]).includes(s);
}

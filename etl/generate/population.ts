/**
 * population.csv: mid-year estimates for every locality × sex × single year of
 * age 0–24, 2021–2025 (2026 is left out on purpose: the loader must fall back to
 * the latest earlier year). Totals follow the locality weights, times `scale`.
 */
import { type Area, LOCALITIES, type Locality } from './localities.js';
import type { Rng } from './rng.js';
import type { POPULATION } from './layouts.js';
import type { Sink } from './sink.js';

type Columns = (typeof POPULATION.columns)[number];

export const POPULATION_YEARS = [2021, 2022, 2023, 2024, 2025] as const;

/** Yearly change of the child population (the island is ageing, the cities grow). */
const TREND: Readonly<Record<Area, number>> = {
  Southampton: 1.002,
  Portsmouth: 0.997,
  Hampshire: 1.004,
  'Isle of Wight': 0.992,
};

/** Relative size of a birth cohort: births peaked around 2012 and have fallen since. */
function cohort(birthYear: number): number {
  if (birthYear >= 2020) return 0.9;
  if (birthYear >= 2017) return 0.95;
  if (birthYear >= 2013) return 1;
  if (birthYear >= 2008) return 1.04;
  return 1;
}

const STUDENT_AGES = [0.12, 0.18, 0.18, 0.17, 0.13, 0.11, 0.11];
const RESIDENT_AGES = [0.15, 0.135, 0.135, 0.14, 0.145, 0.145, 0.15];
const MALE_SHARE = 0.512;

/** Expected population of one cell before noise and rounding. */
function cell(l: Locality, year: number, age: number): number {
  if (age < 18) {
    let norm = 0;
    for (let a = 0; a < 18; a++) norm += cohort(year - a);
    const total = l.weight0to17 * TREND[l.area] ** (year - 2021);
    return (total * cohort(year - age)) / norm;
  }
  const shape = l.weight18to24 > l.weight0to17 ? STUDENT_AGES : RESIDENT_AGES;
  return l.weight18to24 * (shape[age - 18] ?? 0);
}

export function writePopulation(sink: Sink<Columns>, r: Rng, scale: number): void {
  const c = sink.col;
  for (const year of POPULATION_YEARS) {
    for (const l of LOCALITIES) {
      for (const sex of ['F', 'M'] as const) {
        for (let age = 0; age <= 24; age++) {
          const share = sex === 'M' ? MALE_SHARE : 1 - MALE_SHARE;
          const noise = 1 + Math.max(-0.08, Math.min(0.08, 0.03 * r.normal()));
          const f = sink.blank();
          f[c.year] = String(year);
          f[c.area] = l.area;
          f[c.locality] = l.locality;
          f[c.sex] = sex;
          f[c.age] = String(age);
          f[c.population] = String(Math.round(cell(l, year, age) * share * noise * scale));
          sink.write(f, 0);
        }
      }
    }
  }
}

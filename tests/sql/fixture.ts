// Shared by the measure tests of tests/sql/: small hand-made folders of extracts,
// loaded into a fresh warehouse, and the measures read back as the analyst (exact
// figures, no suppression). Every file's rows must all load unless a test says
// otherwise, so that a quarantined row cannot silently change a figure.

import { join } from 'node:path';
import { expect } from 'vitest';
import { load } from '../../etl/load.js';
import { withDb } from '../../lib/db.js';
import { readMeasures, type MeasuresResponse } from '../../lib/measures.js';
import type { Shown } from '../../lib/disclosure.js';
import { tempDir, writeFolder } from '../helpers.js';

import { episode } from '../helpers.js';
export { episode, episodes } from '../helpers.js';

type Over = Record<string, string>;

/** A CSV file from a header and rows given by column name (missing columns empty). */
export function csv(header: readonly string[], rows: readonly Over[]): string {
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header.join(','), ...rows.map((r) => header.map((c) => cell(r[c] ?? '')).join(','))].join('\n') + '\n';
}

const row = (base: Over) => (over: Over) => ({ ...base, ...over });

/** An episode of a child born 2010-05-01 (14 throughout 2025), with its times. */
export const ep = (id: string, child: string, reported: string, returned: string, over: Over = {}) =>
  episode({ episode_id: id, child_ref: child, reported_at: reported, returned_at: returned, ...over });

export const RISK_HEADER = [
  'assessment_id',
  'child_ref',
  'dob',
  'sex',
  'ethnicity',
  'looked_after',
  'area',
  'locality',
  'agency',
  'assessed_at',
  'exploitation_type',
  'score',
  'level',
] as const;
export const risk = row({
  assessment_id: 'RA1',
  child_ref: 'C1',
  dob: '2010-05-01',
  sex: 'F',
  ethnicity: 'White',
  looked_after: 'N',
  area: 'Southampton',
  locality: '',
  agency: 'police',
  assessed_at: '2025-02-01',
  exploitation_type: 'CSE',
  score: '',
  level: 'medium',
});

export const REFERRAL_HEADER = [
  'referral_id',
  'child_ref',
  'dob',
  'sex',
  'ethnicity',
  'area',
  'locality',
  'received_at',
  'referrer',
  'factors',
  'outcome',
] as const;
export const referral = row({
  referral_id: 'RF1',
  child_ref: 'C1',
  dob: '2010-05-01',
  sex: 'F',
  ethnicity: 'White',
  area: 'Southampton',
  locality: '',
  received_at: '2025-02-01',
  referrer: 'police',
  factors: '11A',
  outcome: 'assessment',
});

export const NRM_HEADER = [
  'nrm_id',
  'child_ref',
  'dob',
  'sex',
  'nationality',
  'area',
  'referred_at',
  'first_responder',
  'exploitation_type',
  'reasonable_grounds',
  'conclusive_grounds',
] as const;
export const nrm = row({
  nrm_id: 'N1',
  child_ref: 'C1',
  dob: '2010-05-01',
  sex: 'F',
  nationality: 'British',
  area: 'Southampton',
  referred_at: '2025-02-01',
  first_responder: 'police',
  exploitation_type: 'sexual',
  reasonable_grounds: '',
  conclusive_grounds: '',
});

export const RHI_HEADER = ['rhi_id', 'episode_id', 'child_ref', 'offered_at', 'completed_at', 'outcome', 'provider', 'exploitation_disclosed'] as const;
export const interview = row({
  rhi_id: 'R1',
  episode_id: 'E1',
  child_ref: 'C1',
  offered_at: '',
  completed_at: '',
  outcome: 'completed',
  provider: 'Barnardos',
  exploitation_disclosed: 'N',
});

export const CPI_HEADER = ['cpi_id', 'submitted_at', 'agency', 'area', 'locality', 'location_type', 'theme', 'child_ref', 'offender_ref'] as const;
export const cpi = row({
  cpi_id: 'CPI1',
  submitted_at: '2025-02-01',
  agency: 'police',
  area: 'Southampton',
  locality: 'Bargate',
  location_type: 'park',
  theme: 'CSE',
  child_ref: '',
  offender_ref: '',
});

export const DISRUPTION_HEADER = ['disruption_id', 'offender_ref', 'area', 'locality', 'action_date', 'action_type', 'theme'] as const;
export const disruption = row({
  disruption_id: 'D1',
  offender_ref: 'O1',
  area: 'Southampton',
  locality: '',
  action_date: '2025-02-01',
  action_type: 'arrest',
  theme: 'CSE',
});

export const SSDA903_HEADER = ['CHILD', 'DOB', 'MISSING', 'MIS_START', 'MIS_END'] as const;

export interface Folder {
  files: Record<string, string>;
  /** The area of an SSDA903 return in the folder. */
  area?: 'Southampton' | 'Portsmouth' | 'Hampshire' | 'Isle of Wight';
  /** Rows expected in quarantine, by file (default: none). */
  quarantined?: Record<string, number>;
}

/** Loads the folders one after another into one new warehouse; returns its path. */
export async function loadWarehouse(...folders: Folder[]): Promise<string> {
  const dir = tempDir('met-measures-');
  const db = join(dir, 'met.duckdb');
  for (const [i, f] of folders.entries()) {
    const inDir = writeFolder(join(dir, `in${i}`), f.files);
    const { report } = await load({ inDir, db, ...(f.area ? { area: f.area } : {}) });
    expect(report.status, JSON.stringify(report)).toBe('loaded');
    for (const file of report.files) {
      expect(file.status, `${file.file}: ${file.error ?? ''}`).toBe('loaded');
      expect(file.quarantined ?? 0, `${file.file} quarantined rows: ${JSON.stringify(file.reasons)}`).toBe(f.quarantined?.[file.file] ?? 0);
    }
  }
  return db;
}

/** The measures of one period and area, as the analyst sees them (no trend). */
export async function read(db: string, period: string, area: string, scope?: string): Promise<MeasuresResponse> {
  return withDb(db, { readOnly: true }, (d) => readMeasures(d, { period, area, role: 'analyst', trend: 0, ...(scope ? { scope } : {}) }));
}

/** The headline value of a measure. */
export function value(r: MeasuresResponse, id: string): Shown | undefined {
  const m = r.measures[id];
  expect(m, `measure ${id} is in the response`).toBeDefined();
  return m!.value;
}

/** One breakdown of a measure (an empty object when it has no cells). */
export function by(r: MeasuresResponse, id: string, breakdown: string): Record<string, Shown> {
  return r.measures[id]?.by?.[breakdown] ?? {};
}

/** The rows of a table-like measure. */
export function rows(r: MeasuresResponse, id: string): Record<string, unknown>[] {
  const m = r.measures[id];
  expect(m?.rows, `measure ${id} has rows`).toBeDefined();
  return m!.rows as Record<string, unknown>[];
}

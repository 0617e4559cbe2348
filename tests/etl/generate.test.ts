// The synthetic-data generator: determinism, the contract's files and columns,
// plausible rates computed from the written CSV, and broken rows that a reader
// of the contract would quarantine exactly as the summary says.

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN_KINDS, type BrokenKind, generate, type GenerateSummary } from '../../etl/generate/generate.js';
import { AREAS, LOCALITIES, localitiesOf } from '../../etl/generate/localities.js';

// ---------------------------------------------------------------------------
// Reading the files as a loader would: BOM, CRLF, quoting, header spelling.

const normaliseHeader = (h: string): string =>
  h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '_');
const placeKey = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]/g, '');

interface Table {
  header: string[];
  /** Every data record, as parsed (field counts may be wrong). */
  records: string[][];
}

function readTable(path: string, encoding: 'utf8' | 'latin1' = 'utf8'): Table {
  let text = readFileSync(path).toString(encoding);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const [header, ...records] = parsed.data;
  return { header: (header ?? []).map(normaliseHeader), records };
}

const asObject = (t: Table, rec: string[]): Record<string, string> => Object.fromEntries(t.header.map((h, i) => [h, rec[i] ?? '']));

// Dates as the contract allows them; US order and impossible dates are errors.
const DATE_RES = [/^(\d{4})-(\d{2})-(\d{2})$/, /^(\d{2})\/(\d{2})\/(\d{4})$/];
const DATETIME_RES = [/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/, /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?$/];

function validDay(y: number, m: number, d: number): number | null {
  const t = Date.UTC(y, m - 1, d);
  const dt = new Date(t);
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d ? t / 86_400_000 : null;
}

/** Minutes since 1970 (wall clock), or null when the value is not a valid date(-time). */
function parseWhen(value: string, kind: 'date' | 'datetime'): number | null {
  const s = value.trim();
  for (const [i, re] of (kind === 'date' ? DATE_RES : DATETIME_RES).entries()) {
    const m = re.exec(s);
    if (!m) continue;
    const n = m.slice(1).map((x) => Number(x ?? 0));
    const [y, mo, d] = i === 0 ? [n[0]!, n[1]!, n[2]!] : [n[2]!, n[1]!, n[0]!];
    const day = validDay(y, mo, d);
    if (day === null) return null;
    return day * 1440 + (kind === 'datetime' ? n[3]! * 60 + n[4]! : 0);
  }
  return null;
}

const looksUs = (value: string): boolean => {
  const m = /^(\d{2})\/(\d{2})\/\d{4}/.exec(value.trim());
  return m !== null && Number(m[2]) > 12 && Number(m[1]) <= 12;
};

function ageAt(dobMinute: number, eventMinute: number): number {
  const a = new Date(dobMinute * 60_000);
  const b = new Date(eventMinute * 60_000);
  const years = b.getUTCFullYear() - a.getUTCFullYear();
  const before = b.getUTCMonth() * 100 + b.getUTCDate() < a.getUTCMonth() * 100 + a.getUTCDate();
  return before ? years - 1 : years;
}

const FLAGS = new Set(['y', 'n', 'yes', 'no', 'true', 'false', '1', '0', 'u', '']);
const flagValue = (s: string): boolean | null => {
  const v = s.trim().toLowerCase();
  return ['y', 'yes', 'true', '1'].includes(v) ? true : ['n', 'no', 'false', '0'].includes(v) ? false : null;
};

// ---------------------------------------------------------------------------
// The contract's checks, written independently of the generator, per file.

const codes = (...values: string[]): Set<string> => new Set(values.map((v) => v.toLowerCase()));
const SEX = codes('F', 'M', 'X', 'U');
const ETHNICITY = codes('White', 'Mixed', 'Asian', 'Black', 'Other', 'Not known');
const LEVELS: Record<string, string> = {
  none: 'none',
  low: 'low',
  medium: 'medium',
  high: 'high',
  '1': 'none',
  '2': 'low',
  '3': 'medium',
  '4': 'high',
  'not at risk': 'none',
  mild: 'low',
  moderate: 'medium',
  significant: 'high',
};

interface FileCheck {
  file: string;
  columns: string[];
  required: string[];
  key: string[];
  dates?: Record<string, 'date' | 'datetime'>;
  codes?: Record<string, Set<string>>;
  flags?: string[];
  area?: string;
  /** Locality columns: 'own' must be a locality of the row's area, 'any' of any area. */
  localities?: Record<string, 'own' | 'any'>;
  event?: string;
  dob?: string;
  returned?: string;
  maxAge?: string;
  seraf?: boolean;
  episode?: boolean;
  /** A count that is part of another (services: accepted of received). */
  partOf?: { part: string; whole: string };
}

const CHECKS: FileCheck[] = [
  {
    file: 'population.csv',
    columns: ['year', 'area', 'locality', 'sex', 'age', 'population'],
    required: ['year', 'area', 'locality', 'sex', 'age', 'population'],
    key: ['year', 'area', 'locality', 'sex', 'age'],
    codes: { sex: codes('F', 'M') },
    area: 'area',
    localities: { locality: 'own' },
    maxAge: 'age',
  },
  {
    file: 'missing_episodes.csv',
    columns: [
      'episode_id',
      'source',
      'child_ref',
      'dob',
      'sex',
      'ethnicity',
      'disability',
      'looked_after',
      'placement_type',
      'placed_out_of_area',
      'area',
      'locality',
      'classification',
      'reported_at',
      'returned_at',
      'found_locality',
      'risk_grading',
    ],
    required: ['episode_id', 'source', 'child_ref', 'dob', 'area', 'classification', 'reported_at'],
    key: ['episode_id'],
    dates: { dob: 'date', reported_at: 'datetime', returned_at: 'datetime' },
    codes: {
      source: codes('police', 'social_care'),
      sex: SEX,
      ethnicity: ETHNICITY,
      placement_type: codes('home', 'foster', 'residential', 'supported', 'other'),
      classification: codes('missing', 'absent', 'away'),
      risk_grading: codes('no_apparent', 'low', 'medium', 'high'),
    },
    flags: ['disability', 'looked_after', 'placed_out_of_area'],
    area: 'area',
    localities: { locality: 'own', found_locality: 'any' },
    event: 'reported_at',
    dob: 'dob',
    returned: 'returned_at',
  },
  {
    file: 'return_interviews.csv',
    columns: ['rhi_id', 'episode_id', 'child_ref', 'offered_at', 'completed_at', 'outcome', 'provider', 'exploitation_disclosed'],
    required: ['rhi_id', 'episode_id', 'child_ref', 'outcome'],
    key: ['rhi_id'],
    dates: { offered_at: 'datetime', completed_at: 'datetime' },
    codes: { outcome: codes('completed', 'declined', 'not_offered', 'unable_to_contact') },
    flags: ['exploitation_disclosed'],
    episode: true,
  },
  {
    file: 'risk_assessments.csv',
    columns: [
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
    ],
    required: ['assessment_id', 'child_ref', 'dob', 'area', 'agency', 'assessed_at', 'exploitation_type'],
    key: ['assessment_id'],
    dates: { dob: 'date', assessed_at: 'date' },
    codes: {
      sex: SEX,
      ethnicity: ETHNICITY,
      agency: codes('police', 'social_care', 'health', 'education', 'youth_offending', 'voluntary', 'other'),
      exploitation_type: codes('CSE', 'CCE', 'both'),
      level: new Set(['', ...Object.keys(LEVELS)]),
    },
    flags: ['looked_after'],
    area: 'area',
    localities: { locality: 'own' },
    event: 'assessed_at',
    dob: 'dob',
    seraf: true,
  },
  {
    file: 'referrals.csv',
    columns: ['referral_id', 'child_ref', 'dob', 'sex', 'ethnicity', 'area', 'locality', 'received_at', 'referrer', 'factors', 'outcome'],
    required: ['referral_id', 'child_ref', 'dob', 'area', 'received_at', 'referrer'],
    key: ['referral_id'],
    dates: { dob: 'date', received_at: 'date' },
    codes: {
      sex: SEX,
      ethnicity: ETHNICITY,
      referrer: codes('police', 'school', 'health', 'social_care', 'youth_offending', 'housing', 'probation', 'voluntary', 'family', 'other'),
      outcome: codes('nfa', 'early_help', 'assessment', 'strategy_s47', 'other', ''),
    },
    area: 'area',
    localities: { locality: 'own' },
    event: 'received_at',
    dob: 'dob',
  },
  {
    file: 'nrm_referrals.csv',
    columns: [
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
    ],
    required: ['nrm_id', 'child_ref', 'dob', 'area', 'referred_at', 'first_responder', 'exploitation_type'],
    key: ['nrm_id'],
    dates: { dob: 'date', referred_at: 'date' },
    codes: {
      sex: SEX,
      first_responder: codes('police', 'local_authority', 'home_office', 'ngo', 'other'),
      exploitation_type: codes('sexual', 'criminal', 'labour', 'domestic_servitude', 'mixed', 'unknown'),
      reasonable_grounds: codes('positive', 'negative', 'pending', ''),
      conclusive_grounds: codes('positive', 'negative', 'pending', ''),
    },
    area: 'area',
    event: 'referred_at',
    dob: 'dob',
  },
  {
    file: 'intelligence.csv',
    columns: ['cpi_id', 'submitted_at', 'agency', 'area', 'locality', 'location_type', 'theme', 'child_ref', 'offender_ref'],
    required: ['cpi_id', 'submitted_at', 'agency', 'area', 'locality', 'theme'],
    key: ['cpi_id'],
    dates: { submitted_at: 'date' },
    codes: {
      location_type: codes('park', 'takeaway', 'hotel', 'taxi', 'school', 'transport_hub', 'private_address', 'shop', 'online', 'other', ''),
      theme: codes('CSE', 'CCE', 'trafficking', 'county_lines', 'other'),
    },
    area: 'area',
    localities: { locality: 'own' },
    event: 'submitted_at',
  },
  {
    file: 'disruptions.csv',
    columns: ['disruption_id', 'offender_ref', 'area', 'locality', 'action_date', 'action_type', 'theme'],
    required: ['disruption_id', 'offender_ref', 'area', 'action_date', 'action_type', 'theme'],
    key: ['disruption_id'],
    dates: { action_date: 'date' },
    codes: {
      action_type: codes('cawn', 'sro', 'shpo', 'arrest', 'charge', 'conviction', 'licensing', 'other'),
      theme: codes('CSE', 'CCE', 'trafficking'),
    },
    area: 'area',
    localities: { locality: 'own' },
    event: 'action_date',
  },
  {
    file: 'actions.csv',
    columns: ['action_id', 'priority', 'title', 'owner', 'due', 'rag', 'updated_at', 'progress'],
    required: ['action_id', 'priority', 'title', 'rag', 'updated_at'],
    key: ['action_id', 'updated_at'],
    dates: { updated_at: 'date' },
    codes: { rag: codes('red', 'amber', 'green'), priority: codes('1', '2', '3', '4', '5') },
    event: 'updated_at',
  },
  {
    file: 'services.csv',
    columns: [
      'quarter',
      'area',
      'service',
      'provider',
      'referrals_received',
      'referrals_accepted',
      'started_within_target',
      'target_days',
      'capacity',
      'waiting_at_end',
    ],
    required: ['quarter', 'area', 'service', 'referrals_received'],
    key: ['quarter', 'area', 'service', 'provider'],
    codes: {
      service: codes(
        'return_interviews',
        'return interviews',
        'cse_support',
        'cse support',
        'cce_support',
        'cce support',
        'missing_from_care',
        'missing from care',
        'nrm_advocacy',
        'nrm advocacy',
        'other',
      ),
    },
    area: 'area',
    partOf: { part: 'referrals_accepted', whole: 'referrals_received' },
  },
  {
    file: 'ssda903-isle-of-wight/ssda903_missing.csv',
    columns: ['child', 'dob', 'missing', 'mis_start', 'mis_end'],
    required: ['child', 'dob', 'missing', 'mis_start'],
    key: ['child', 'mis_start'],
    dates: { dob: 'date', mis_start: 'date', mis_end: 'date' },
    codes: { missing: codes('M', 'A') },
    event: 'mis_start',
    dob: 'dob',
    returned: 'mis_end',
  },
];

const AREA_KEYS = new Map(AREAS.map((a) => [a.toLowerCase(), a] as const));
const LOCALITY_AREA = new Map(LOCALITIES.map((l) => [placeKey(l.locality), l.area] as const));

interface Checked {
  table: Table;
  /** Rows that pass every check, as objects keyed by normalised column name. */
  loaded: Record<string, string>[];
  quarantined: Partial<Record<BrokenKind, number>>;
}

/** The first problem of a row, in the order a careful loader would report it. */
function problemOf(c: FileCheck, row: Record<string, string>, episodeIds: Set<string>): BrokenKind | null {
  if (c.required.some((col) => row[col]?.trim() === '')) return 'missing_required';
  const when: Record<string, number | null> = {};
  for (const [col, kind] of Object.entries(c.dates ?? {})) {
    const v = row[col] ?? '';
    if (v.trim() === '') {
      when[col] = null;
      continue;
    }
    const t = parseWhen(v, kind);
    if (t === null) return looksUs(v) ? 'us_date' : 'impossible_date';
    when[col] = t;
  }
  for (const [col, allowed] of Object.entries(c.codes ?? {})) {
    const v = (row[col] ?? '').trim().toLowerCase();
    if (v !== '' && !allowed.has(v)) return 'unknown_code';
  }
  if (c.flags?.some((col) => !FLAGS.has((row[col] ?? '').trim().toLowerCase()))) return 'unknown_code';
  const area = c.area ? AREA_KEYS.get((row[c.area] ?? '').trim().toLowerCase()) : undefined;
  if (c.area && !area) return 'unknown_area';
  for (const [col, scope] of Object.entries(c.localities ?? {})) {
    const v = row[col] ?? '';
    if (v.trim() === '') continue;
    const home = LOCALITY_AREA.get(placeKey(v));
    if (!home || (scope === 'own' && home !== area)) return 'unknown_locality';
  }
  if (c.returned && c.event) {
    const ret = when[c.returned];
    const ev = when[c.event];
    if (ret != null && ev != null && ret < ev) return 'returned_before_reported';
  }
  if (c.dob && c.event) {
    const dob = when[c.dob];
    const ev = when[c.event];
    if (dob != null && ev != null) {
      if (dob > ev) return 'dob_after_event';
      if (ageAt(dob, ev) > 24) return 'age_over_24';
    }
  }
  if (c.maxAge && Number(row[c.maxAge]) > 24) return 'age_over_24';
  if (c.seraf && (row.level ?? '').trim() === '' && (row.score ?? '').trim() === '') return 'seraf_no_level_or_score';
  if (c.episode && !episodeIds.has((row.episode_id ?? '').trim())) return 'unknown_episode';
  if (c.partOf && Number(row[c.partOf.part]) > Number(row[c.partOf.whole])) return 'count_over_total';
  return null;
}

function check(dir: string, c: FileCheck, episodeIds: Set<string>): Checked {
  const table = readTable(join(dir, c.file), c.file === 'actions.csv' ? 'latin1' : 'utf8');
  const loaded: Record<string, string>[] = [];
  const quarantined: Partial<Record<BrokenKind, number>> = {};
  const seen = new Set<string>();
  const add = (k: BrokenKind): void => {
    quarantined[k] = (quarantined[k] ?? 0) + 1;
  };
  for (const rec of table.records) {
    if (rec.length !== table.header.length) {
      add('wrong_field_count');
      continue;
    }
    const row = asObject(table, rec);
    const problem = problemOf(c, row, episodeIds);
    if (problem) {
      add(problem);
      continue;
    }
    const key = c.key.map((k) => (row[k] ?? '').trim()).join('\u0000');
    if (seen.has(key)) {
      add('duplicate_key');
      continue;
    }
    seen.add(key);
    loaded.push(row);
  }
  return { table, loaded, quarantined };
}

// ---------------------------------------------------------------------------

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const CONTRACT_FILES = CHECKS.map((c) => c.file).concat('ssda903-isle-of-wight/ssda903_header.csv');

let root: string;
let dirA: string;
let summaryA: GenerateSummary;
let summaryB: GenerateSummary;
let summaryC: GenerateSummary;
let summaryHalf: GenerateSummary;
const progress: [number, number, string][] = [];
const checked = new Map<string, Checked>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'met-generate-'));
  dirA = join(root, 'a');
  summaryA = await generate({ out: dirA, onProgress: (d, t, l) => progress.push([d, t, l]) });
  summaryB = await generate({ out: join(root, 'b'), seed: 1, scale: 1 });
  summaryC = await generate({ out: join(root, 'c'), seed: 2 });
  summaryHalf = await generate({ out: join(root, 'half'), scale: 0.5 });
  const episodes = readTable(join(dirA, 'missing_episodes.csv'));
  const idCol = episodes.header.indexOf('episode_id');
  const episodeIds = new Set(episodes.records.map((r) => (r[idCol] ?? '').trim()).filter((id) => id !== ''));
  for (const c of CHECKS) checked.set(c.file, check(dirA, c, episodeIds));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const loadedOf = (file: string): Record<string, string>[] => {
  const c = checked.get(file);
  if (!c) throw new Error(`not checked: ${file}`);
  return c.loaded;
};

describe('generate: files and determinism', () => {
  it('writes every file of the contract with its columns, and reports them', () => {
    expect(summaryA.files.map((f) => f.file)).toEqual(CONTRACT_FILES);
    for (const c of CHECKS) {
      const { table } = checked.get(c.file)!;
      for (const col of c.columns) expect(table.header, `${c.file} has ${col}`).toContain(col);
      const reported = summaryA.files.find((f) => f.file === c.file)!;
      expect(reported.rows, c.file).toBe(table.records.length);
      expect(reported.bytes, c.file).toBe(readFileSync(join(dirA, c.file)).length);
    }
    const header = readTable(join(dirA, 'ssda903-isle-of-wight/ssda903_header.csv'));
    expect(header.header.slice(0, 4)).toEqual(['child', 'sex', 'dob', 'ethnic']);
    // 2026 is absent on purpose: the loader falls back to the latest earlier year.
    expect(new Set(loadedOf('population.csv').map((r) => r.year))).toEqual(new Set(['2021', '2022', '2023', '2024', '2025']));
  });

  it('gives the same bytes for the same seed and scale, and other data for another seed', () => {
    for (const f of CONTRACT_FILES) expect(sha256(join(root, 'b', f)), f).toBe(sha256(join(dirA, f)));
    expect(summaryB.files).toEqual(summaryA.files);
    expect(summaryB.broken).toEqual(summaryA.broken);
    for (const f of CONTRACT_FILES.filter((x) => x !== 'actions.csv')) expect(sha256(join(root, 'c', f)), f).not.toBe(sha256(join(dirA, f)));
    expect(summaryC.files.map((f) => f.rows)).not.toEqual(summaryA.files.map((f) => f.rows));
  });

  it('scales people and population together, fractions included', () => {
    const rows = (s: GenerateSummary, file: string): number => s.files.find((f) => f.file === file)!.rows;
    const episodes1 = rows(summaryA, 'missing_episodes.csv');
    const episodesHalf = rows(summaryHalf, 'missing_episodes.csv');
    expect(episodes1).toBeGreaterThanOrEqual(10_000);
    expect(episodes1).toBeLessThanOrEqual(14_000);
    // Linear in scale, so --scale 100 writes at least a million episodes.
    expect(episodesHalf / episodes1).toBeGreaterThan(0.45);
    expect(episodesHalf / episodes1).toBeLessThan(0.55);
    expect(episodes1 * 100 * 0.98).toBeGreaterThanOrEqual(1_000_000);
    const pop = (dir: string): number => check(dir, CHECKS[0]!, new Set()).loaded.reduce((s, r) => s + Number(r.population), 0);
    expect(pop(join(root, 'half')) / pop(dirA)).toBeCloseTo(0.5, 2);
    // The other files in plausible proportion to the episodes.
    expect(rows(summaryA, 'return_interviews.csv') / episodes1).toBeGreaterThan(0.7);
    expect(rows(summaryA, 'return_interviews.csv') / episodes1).toBeLessThan(0.95);
    expect(rows(summaryA, 'risk_assessments.csv')).toBeGreaterThan(2_000);
    expect(rows(summaryA, 'risk_assessments.csv')).toBeLessThan(6_000);
    expect(rows(summaryA, 'referrals.csv')).toBeGreaterThan(2_000);
    expect(rows(summaryA, 'referrals.csv')).toBeLessThan(6_000);
    expect(rows(summaryA, 'nrm_referrals.csv')).toBeGreaterThan(150);
    expect(rows(summaryA, 'nrm_referrals.csv')).toBeLessThan(800);
    expect(rows(summaryA, 'intelligence.csv')).toBeGreaterThan(1_000);
    expect(rows(summaryA, 'intelligence.csv')).toBeLessThan(4_000);
    expect(rows(summaryA, 'disruptions.csv')).toBeGreaterThan(300);
    expect(rows(summaryA, 'disruptions.csv')).toBeLessThan(1_200);
  });

  it('reports progress up to the total', () => {
    expect(progress.length).toBeGreaterThan(50);
    const total = progress[0]![1];
    progress.forEach(([done, t], i) => {
      expect(t).toBe(total);
      if (i > 0) expect(done).toBeGreaterThanOrEqual(progress[i - 1]![0]);
    });
    expect(progress.at(-1)![0]).toBe(total);
  });

  it('refuses a bad scale or seed', async () => {
    await expect(generate({ out: join(root, 'bad'), scale: 0 })).rejects.toThrow(/scale/);
    await expect(generate({ out: join(root, 'bad'), seed: 1.5 })).rejects.toThrow(/seed/);
  });
});

describe('generate: broken rows', () => {
  it('quarantines exactly the broken rows the summary reports, every kind present', () => {
    const everyKind = new Set<BrokenKind>();
    for (const c of CHECKS) {
      const { table, loaded, quarantined } = checked.get(c.file)!;
      const reported = summaryA.broken[c.file] ?? {};
      expect(quarantined, c.file).toEqual(reported);
      const nQuarantined = Object.values(quarantined).reduce((a, b) => a + b, 0);
      expect(loaded.length + nQuarantined, c.file).toBe(table.records.length);
      expect(Object.keys(reported).length, `${c.file} has several kinds`).toBeGreaterThanOrEqual(5);
      for (const k of Object.keys(reported)) everyKind.add(k as BrokenKind);
      // A small share in the large files.
      if (table.records.length > 5_000) {
        expect(nQuarantined / table.records.length, c.file).toBeGreaterThan(0.002);
        expect(nQuarantined / table.records.length, c.file).toBeLessThan(0.012);
      }
    }
    expect([...everyKind].sort()).toEqual([...BROKEN_KINDS].sort());
    const episodes = summaryA.broken['missing_episodes.csv']!;
    for (const k of [
      'impossible_date',
      'us_date',
      'missing_required',
      'unknown_code',
      'unknown_area',
      'unknown_locality',
      'returned_before_reported',
      'duplicate_key',
      'dob_after_event',
      'age_over_24',
      'wrong_field_count',
    ] as const) {
      expect(episodes[k], k).toBeGreaterThan(0);
    }
    expect(summaryA.broken['return_interviews.csv']!.unknown_episode).toBeGreaterThan(0);
    expect(summaryA.broken['risk_assessments.csv']!.seraf_no_level_or_score).toBeGreaterThan(0);
  });

  it('writes impossible and US-style dates as real exports get them', () => {
    const text = readFileSync(join(dirA, 'missing_episodes.csv'), 'utf8');
    expect(text).toMatch(/(3[01]\/(02|04|06|09|11)\/20\d\d|20\d\d-(02|04|06|09|11)-3[01])/);
    expect(text).toMatch(/,(0\d|1[0-2])\/(1[3-9]|2\d)\/20\d\d \d\d:\d\d/);
  });
});

describe('generate: messiness of real exports', () => {
  it('mixes BOM, line ends, header spellings and a Windows-1252 file', () => {
    const bytes = (f: string): Buffer => readFileSync(join(dirA, f));
    expect(bytes('missing_episodes.csv').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes('population.csv')[0]).toBe('Y'.charCodeAt(0));
    expect(bytes('missing_episodes.csv').toString('utf8')).toContain('\r\n');
    expect(bytes('population.csv').toString('utf8')).not.toContain('\r\n');
    const firstLine = bytes('missing_episodes.csv').toString('utf8').split('\r\n')[0]!;
    expect(firstLine).toContain('Episode ID');
    expect(firstLine).toContain('CHILD_REF');
    expect(firstLine).toContain(' Reported At');
    // Excel's "CSV": en dash and pound sign as single Windows-1252 bytes, not UTF-8.
    const actions = bytes('actions.csv');
    expect(actions.includes(0x96)).toBe(true);
    expect(actions.includes(0xa3)).toBe(true);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(actions)).toThrow();
    // (Node's TextDecoder reads 'windows-1252' as latin1, so look at the bytes.)
    expect(actions.includes(Buffer.from(' \x96 ', 'latin1'))).toBe(true);
    expect(actions.toString('latin1')).toMatch(/\xa3\d{2},\d{3}/);
    expect(actions.toString('latin1')).toMatch(/"[^"]*\r?\n[^"]*"/);
  });

  it('mixes date formats, flag spellings and code case', () => {
    const eps = loadedOf('missing_episodes.csv');
    const isoDob = eps.filter((r) => /^\d{4}-/.test(r.dob!)).length / eps.length;
    expect(isoDob).toBeGreaterThan(0.6);
    expect(isoDob).toBeLessThan(0.8);
    const styles = new Set(
      eps.map((r) =>
        /T/.test(r.reported_at!) ? 'T' : /^\d{4}.*:\d\d:\d\d$/.test(r.reported_at!) ? 'iso seconds' : /^\d\d\//.test(r.reported_at!) ? 'uk' : 'other',
      ),
    );
    expect(styles).toEqual(new Set(['T', 'iso seconds', 'uk']));
    const flags = new Set(eps.map((r) => r.looked_after));
    for (const f of ['Y', 'N', 'Yes', 'No', '1', '0', 'true', 'false', '']) expect(flags, f).toContain(f);
    expect(eps.some((r) => r.source === 'Police' || r.source === 'POLICE')).toBe(true);
    expect(eps.some((r) => r.source === 'SOCIAL_CARE' || r.source === 'Social_care')).toBe(true);
    expect(eps.some((r) => r.area !== r.area!.trim() || /[A-Z]{4}/.test(r.locality!) || r.locality!.includes('&'))).toBe(true);
  });

  it('carries PII columns that are not in the contract', () => {
    const referrals = checked.get('referrals.csv')!;
    expect(referrals.table.header).toContain('child_name');
    expect(referrals.loaded.every((r) => /^[A-Z][a-z]+ [A-Z][A-Za-z']+$/.test(r.child_name!))).toBe(true);
    const interviews = checked.get('return_interviews.csv')!;
    expect(interviews.table.header).toContain('notes');
    expect(interviews.loaded.some((r) => r.notes!.includes('\n'))).toBe(true);
    expect(interviews.loaded.some((r) => r.provider!.includes(','))).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Plausibility, from the data as a loader would see it.

interface Ep {
  id: string | null;
  child: string;
  start: number;
  end: number | null;
  lookedAfter: boolean | null;
  age: number;
}

function allEpisodes(): Ep[] {
  const fromCsv: Ep[] = loadedOf('missing_episodes.csv').map((r) => {
    const start = parseWhen(r.reported_at!, 'datetime')!;
    return {
      id: r.episode_id!.trim(),
      child: r.child_ref!,
      start,
      end: r.returned_at ? parseWhen(r.returned_at, 'datetime') : null,
      lookedAfter: flagValue(r.looked_after!),
      age: ageAt(parseWhen(r.dob!, 'date')!, start),
    };
  });
  // The 903 return counts too, except episodes also sent as rows (same child, same day).
  const sent = new Set(fromCsv.map((e) => `${e.child}|${Math.floor(e.start / 1440)}`));
  const from903: Ep[] = loadedOf('ssda903-isle-of-wight/ssda903_missing.csv')
    .map((r) => {
      const start = parseWhen(r.mis_start!, 'date')!;
      return {
        id: null,
        child: r.child!,
        start,
        end: r.mis_end ? parseWhen(r.mis_end, 'date') : null,
        lookedAfter: true,
        age: ageAt(parseWhen(r.dob!, 'date')!, start),
      };
    })
    .filter((e) => !sent.has(`${e.child}|${Math.floor(e.start / 1440)}`));
  return [...fromCsv, ...from903];
}

const yearOf = (minute: number): number => new Date(minute * 60_000).getUTCFullYear();
const DAY = 1440;

describe('generate: plausible rates', () => {
  it('has once-only missers, looked-after episodes and repeat missing in realistic shares', () => {
    const eps = allEpisodes();
    const byChild = new Map<string, number[]>();
    for (const e of eps) byChild.set(e.child, [...(byChild.get(e.child) ?? []), e.start]);
    for (const starts of byChild.values()) starts.sort((a, b) => a - b);
    for (const year of [2023, 2024, 2025]) {
      const inYear = eps.filter((e) => yearOf(e.start) === year);
      const perChild = new Map<string, number>();
      for (const e of inYear) perChild.set(e.child, (perChild.get(e.child) ?? 0) + 1);
      const once = [...perChild.values()].filter((n) => n === 1).length / perChild.size;
      expect(once, `once-only ${year}`).toBeGreaterThanOrEqual(0.35);
      expect(once, `once-only ${year}`).toBeLessThanOrEqual(0.5);
      expect(Math.max(...perChild.values()), `a few very often ${year}`).toBeGreaterThanOrEqual(15);
      const lookedAfter = inYear.filter((e) => e.lookedAfter === true).length / inYear.length;
      expect(lookedAfter, `looked after ${year}`).toBeGreaterThanOrEqual(0.4);
      expect(lookedAfter, `looked after ${year}`).toBeLessThanOrEqual(0.6);
      // Repeat missing: a 3rd episode within the 90 days up to and including its start.
      const repeat = new Set(
        inYear.filter((e) => (byChild.get(e.child) ?? []).filter((s) => s <= e.start && s >= e.start - 90 * DAY).length >= 3).map((e) => e.child),
      );
      const share = repeat.size / perChild.size;
      expect(share, `repeat ${year}`).toBeGreaterThan(0.1);
      expect(share, `repeat ${year}`).toBeLessThan(0.45);
    }
  });

  it('has children mostly 12–17, some young adults, returns after reports and a few still missing', () => {
    const eps = allEpisodes();
    const teen = eps.filter((e) => e.age >= 12 && e.age <= 17).length / eps.length;
    expect(teen).toBeGreaterThan(0.75);
    expect(eps.some((e) => e.age >= 18)).toBe(true);
    expect(eps.every((e) => e.age >= 0 && e.age <= 24)).toBe(true);
    expect(eps.every((e) => e.end === null || e.end >= e.start)).toBe(true);
    const still = eps.filter((e) => e.end === null).length;
    expect(still).toBeGreaterThan(0);
    expect(still / eps.length).toBeLessThan(0.01);
    const hours = eps
      .filter((e) => e.end !== null && e.id !== null)
      .map((e) => (e.end! - e.start) / 60)
      .sort((a, b) => a - b);
    const median = hours[Math.floor(hours.length / 2)]!;
    expect(median).toBeGreaterThan(3);
    expect(median).toBeLessThan(24);
  });

  it('completes return interviews within 72 hours for 50–70% of returns', () => {
    const returns = allEpisodes().filter((e) => e.end !== null);
    const interviews = new Map<string, Record<string, string>[]>();
    for (const r of loadedOf('return_interviews.csv')) interviews.set(r.episode_id!.trim(), [...(interviews.get(r.episode_id!.trim()) ?? []), r]);
    const within = (e: Ep, col: 'offered_at' | 'completed_at'): boolean =>
      (e.id ? (interviews.get(e.id) ?? []) : []).some((r) => {
        const t = r[col] ? parseWhen(r[col]!, 'datetime') : null;
        return t !== null && t <= e.end! + 72 * 60;
      });
    const completed = returns.filter((e) => within(e, 'completed_at')).length / returns.length;
    const offered = returns.filter((e) => within(e, 'offered_at')).length / returns.length;
    expect(completed).toBeGreaterThanOrEqual(0.5);
    expect(completed).toBeLessThanOrEqual(0.7);
    expect(offered).toBeGreaterThan(completed);
    const outcomes = new Set(loadedOf('return_interviews.csv').map((r) => r.outcome!.toLowerCase()));
    expect(outcomes).toEqual(new Set(['completed', 'declined', 'not_offered', 'unable_to_contact']));
    expect(loadedOf('return_interviews.csv').some((r) => flagValue(r.exploitation_disclosed!) === true)).toBe(true);
  });

  it('has SERAF levels mostly low and medium, repeated over time, escalating now and then', () => {
    const rows = loadedOf('risk_assessments.csv');
    const bandOf = (score: number): string => (score <= 5 ? 'none' : score <= 10 ? 'low' : score <= 15 ? 'medium' : 'high');
    const levels = rows.map((r) => (r.level!.trim() ? LEVELS[r.level!.trim().toLowerCase()]! : bandOf(Number(r.score))));
    const share = (l: string): number => levels.filter((x) => x === l).length / levels.length;
    expect(share('low') + share('medium')).toBeGreaterThan(0.6);
    expect(share('high')).toBeGreaterThan(0.05);
    expect(share('high')).toBeLessThan(0.25);
    expect(share('none')).toBeGreaterThan(0.03);
    expect(rows.some((r) => r.level!.trim() === '' && r.score!.trim() !== '')).toBe(true);
    expect(rows.some((r) => r.level!.trim() !== '' && r.score!.trim() !== '')).toBe(true);
    const byChild = new Map<string, { day: number; level: string }[]>();
    for (const [i, r] of rows.entries())
      byChild.set(r.child_ref!, [...(byChild.get(r.child_ref!) ?? []), { day: parseWhen(r.assessed_at!, 'date')! / DAY, level: levels[i]! }]);
    const repeated = [...byChild.values()].filter((a) => a.length > 1);
    expect(repeated.length / byChild.size).toBeGreaterThan(0.3);
    const order = ['none', 'low', 'medium', 'high'];
    let escalations = 0;
    let lateReviews = 0;
    for (const list of repeated) {
      list.sort((a, b) => a.day - b.day);
      for (let i = 1; i < list.length; i++) {
        if (order.indexOf(list[i]!.level) > order.indexOf(list[i - 1]!.level)) escalations++;
        if (list[i]!.day - list[i - 1]!.day > 183) lateReviews++;
      }
    }
    expect(escalations).toBeGreaterThan(50);
    expect(lateReviews).toBeGreaterThan(50);
    const adults = rows.filter((r) => ageAt(parseWhen(r.dob!, 'date')!, parseWhen(r.assessed_at!, 'date')!) >= 18).length;
    expect(adults / rows.length).toBeGreaterThan(0.05);
  });

  it('has referrals with and without MET factors, and NRM referrals of young adults', () => {
    const met = ['10A', '11A', '12A', '13A', '24A'];
    const refs = loadedOf('referrals.csv');
    const codesOf = (r: Record<string, string>): string[] =>
      r
        .factors!.split(';')
        .map((c) => c.trim().toUpperCase())
        .filter((c) => c);
    const withMet = refs.filter((r) => codesOf(r).some((c) => met.includes(c))).length;
    const otherOnly = refs.filter((r) => codesOf(r).length > 0 && codesOf(r).every((c) => !met.includes(c))).length;
    expect(withMet / refs.length).toBeGreaterThan(0.5);
    expect(otherOnly / refs.length).toBeGreaterThan(0.05);
    for (const code of met)
      expect(
        refs.some((r) => codesOf(r).includes(code)),
        code,
      ).toBe(true);
    const nrm = loadedOf('nrm_referrals.csv');
    const adults = nrm.filter((r) => ageAt(parseWhen(r.dob!, 'date')!, parseWhen(r.referred_at!, 'date')!) >= 18).length;
    expect(adults / nrm.length).toBeGreaterThan(0.15);
  });

  it('has hotspots that persist across years, and offenders named again and again', () => {
    const found = loadedOf('missing_episodes.csv').map((r) => ({ year: yearOf(parseWhen(r.reported_at!, 'datetime')!), place: r.found_locality! }));
    const cpi = loadedOf('intelligence.csv').map((r) => ({ year: yearOf(parseWhen(r.submitted_at!, 'date')!), place: r.locality! }));
    for (const area of AREAS) {
      const names = new Set(localitiesOf(area).map((l) => placeKey(l.locality)));
      const tops = [2023, 2024, 2025].map((year) => {
        const counts = new Map<string, number>();
        for (const x of [...found, ...cpi]) {
          const k = placeKey(x.place);
          if (x.year === year && names.has(k)) counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        return new Set(
          [...counts.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 2)
            .map(([k]) => k),
        );
      });
      const persistent = [...tops[0]!].filter((k) => tops.every((t) => t.has(k)));
      expect(persistent.length, area).toBeGreaterThanOrEqual(1);
    }
    const offenders = loadedOf('disruptions.csv').map((r) => r.offender_ref!);
    expect(new Set(offenders).size).toBeLessThan(offenders.length * 0.7);
    expect(offenders.every((o) => /^OF\d{7}$/.test(o))).toBe(true);
  });
});

describe('generate: people and places', () => {
  it('has child populations close to the real ones', () => {
    const target: Record<string, number> = { Southampton: 50_000, Portsmouth: 42_000, Hampshire: 280_000, 'Isle of Wight': 23_000 };
    const pop = loadedOf('population.csv');
    for (const year of ['2021', '2025']) {
      for (const area of AREAS) {
        const total = pop.filter((r) => r.year === year && r.area === area && Number(r.age) <= 17).reduce((s, r) => s + Number(r.population), 0);
        expect(total / target[area]!, `${area} ${year}`).toBeGreaterThan(0.85);
        expect(total / target[area]!, `${area} ${year}`).toBeLessThan(1.15);
      }
    }
    // Every locality × sex × age 0–24, each year.
    expect(pop.length).toBe(5 * LOCALITIES.length * 2 * 25);
    // Student cities: many more 18–24s per child than the island.
    const ratio = (area: string): number => {
      const sum = (lo: number, hi: number): number =>
        pop.filter((r) => r.year === '2024' && r.area === area && Number(r.age) >= lo && Number(r.age) <= hi).reduce((s, r) => s + Number(r.population), 0);
      return sum(18, 24) / sum(0, 17);
    };
    expect(ratio('Southampton')).toBeGreaterThan(2 * ratio('Isle of Wight'));
  });

  it('names real, unique localities', () => {
    expect(localitiesOf('Southampton')).toHaveLength(16);
    expect(localitiesOf('Portsmouth')).toHaveLength(14);
    expect(localitiesOf('Hampshire')).toHaveLength(11);
    expect(localitiesOf('Isle of Wight').length).toBeGreaterThanOrEqual(12);
    expect(new Set(LOCALITIES.map((l) => placeKey(l.locality))).size).toBe(LOCALITIES.length);
    expect(localitiesOf('Southampton').map((l) => l.locality)).toContain('Bitterne Park');
    expect(localitiesOf('Portsmouth').map((l) => l.locality)).toContain('Drayton and Farlington');
  });

  it('follows each child across files with one reference and one date of birth', () => {
    const ref = /^(SC|PC|HC|IW)\d{7}$/;
    const dobs = new Map<string, Set<string>>();
    const seenIn = new Map<string, Set<string>>();
    const note = (file: string, child: string, dob: string | undefined): void => {
      expect(child).toMatch(ref);
      if (dob !== undefined) {
        const day = String(parseWhen(dob, 'date'));
        dobs.set(child, (dobs.get(child) ?? new Set()).add(day));
      }
      seenIn.set(child, (seenIn.get(child) ?? new Set()).add(file));
    };
    for (const file of ['missing_episodes.csv', 'risk_assessments.csv', 'referrals.csv', 'nrm_referrals.csv']) {
      for (const r of loadedOf(file)) note(file, r.child_ref!, r.dob);
    }
    for (const r of loadedOf('ssda903-isle-of-wight/ssda903_missing.csv')) note('903', r.child!, r.dob);
    const consistent = [...dobs.values()].filter((s) => s.size === 1).length / dobs.size;
    expect(consistent).toBeGreaterThan(0.98);
    expect(consistent).toBeLessThan(1);
    const inSeveral = [...seenIn.values()].filter((s) => s.size >= 2).length;
    expect(inSeveral).toBeGreaterThan(500);
    for (const r of loadedOf('intelligence.csv')) if (r.child_ref) expect(seenIn.has(r.child_ref!), r.child_ref).toBe(true);
  });

  it("writes the island's SSDA903 return in the DfE layout, some episodes sent both ways", () => {
    const missing = readTable(join(dirA, 'ssda903-isle-of-wight/ssda903_missing.csv'));
    expect(missing.header).toEqual(['child', 'dob', 'missing', 'mis_start', 'mis_end']);
    const rows = loadedOf('ssda903-isle-of-wight/ssda903_missing.csv');
    expect(rows.every((r) => /^\d\d\/\d\d\/\d{4}$/.test(r.mis_start!) && r.child!.startsWith('IW'))).toBe(true);
    expect(new Set(rows.map((r) => r.missing))).toEqual(new Set(['M', 'A']));
    const header = checked.get('ssda903-isle-of-wight/ssda903_missing.csv') && readTable(join(dirA, 'ssda903-isle-of-wight/ssda903_header.csv'));
    const sexes = new Set(header!.records.map((r) => r[1]));
    expect(sexes.has('1') || sexes.has('2')).toBe(true);
    expect(sexes.has('M') || sexes.has('F')).toBe(true);
    expect(header!.records.every((r) => /^(W|M|A|B)[A-Z]{3}$|^CHNE$|^OOTH$|^REFU$|^NOBT$/.test(r[3]!))).toBe(true);
    const csvDays = new Set(loadedOf('missing_episodes.csv').map((r) => `${r.child_ref}|${Math.floor(parseWhen(r.reported_at!, 'datetime')! / DAY)}`));
    const shared = rows.filter((r) => csvDays.has(`${r.child}|${parseWhen(r.mis_start!, 'date')! / DAY}`)).length;
    expect(shared).toBeGreaterThan(0);
    expect(shared).toBe(summaryA.ssda903Shared);
    expect(existsSync(join(dirA, 'ssda903_missing.csv'))).toBe(false);
  });
});

describe('generate: actions', () => {
  it('tracks the MET action plan with RAG ratings that move between reviews', () => {
    const rows = loadedOf('actions.csv');
    const ids = new Set(rows.map((r) => r.action_id));
    expect(ids.size).toBe(27);
    expect(ids).toContain('1.1');
    expect(ids).toContain('5.4');
    const perAction = new Map<string, Record<string, string>[]>();
    for (const r of rows) perAction.set(r.action_id!, [...(perAction.get(r.action_id!) ?? []), r]);
    for (const [id, list] of perAction) {
      expect(list.length, id).toBeGreaterThanOrEqual(3);
      expect(list.length, id).toBeLessThanOrEqual(4);
      expect(list[0]!.priority).toBe(id.split('.')[0]);
    }
    const moved = [...perAction.values()].filter((l) => new Set(l.map((r) => r.rag!.toLowerCase())).size > 1).length;
    expect(moved).toBeGreaterThan(3);
  });
});

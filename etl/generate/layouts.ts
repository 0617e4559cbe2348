/**
 * How each extract is laid out and dressed: column order, header spelling, BOM,
 * line ends, encoding, date and flag habits, and which columns its broken rows
 * may damage. One place, so the loader's author can read every quirk here.
 *
 * Header spellings differ from the contract only in case and spaces/underscores.
 */
import type { CsvOptions } from './csv.js';
import type { DressSpec } from './dress.js';

export interface Layout<C extends string = string> {
  /** Path relative to the output folder. */
  readonly file: string;
  /** Contract column names (plus any extra columns) in the order written. */
  readonly columns: readonly C[];
  /** Written spelling where it differs from the column name. */
  readonly header?: Readonly<Partial<Record<C, string>>>;
  readonly csv: CsvOptions;
  readonly dress: DressSpec;
  /** Share of broken rows aimed at. */
  readonly brokenRate: number;
  /** Unique id column and how ids look (prefix + zero-padded sequence). */
  readonly id?: { readonly column: C; readonly prefix: string; readonly digits: number };
  readonly blankable: readonly C[];
  readonly event?: { readonly column: C; readonly kind: 'date' | 'datetime' };
  readonly dob?: C;
  readonly codes?: readonly { readonly column: C; readonly bad: readonly string[] }[];
  readonly area?: C;
  readonly localities?: readonly C[];
  readonly returned?: { readonly column: C; readonly kind: 'date' | 'datetime' };
  readonly episode?: C;
  readonly seraf?: { readonly level: C; readonly score: C };
  readonly age?: C;
  /** A count that is part of another of the row (services: accepted of received): pushed above it. */
  readonly partOf?: { readonly part: C; readonly whole: C };
  /** No broken rows at all (supplementary files). */
  readonly clean?: boolean;
}

/** Keeps each layout's column names as a literal type, so rows are filled by checked names. */
const layout = <const C extends string>(l: Layout<C>): Layout<C> => l;

const UTF8_FLAGS = [
  ['Y/N', 0.6],
  ['Yes/No', 0.2],
  ['1/0', 0.15],
  ['true/false', 0.05],
] as const;

export const POPULATION = layout({
  file: 'population.csv',
  columns: ['year', 'area', 'locality', 'sex', 'age', 'population'],
  header: { year: 'Year', area: 'Area', locality: 'Locality', sex: 'Sex', age: 'Age', population: 'Population' },
  csv: {},
  dress: {},
  brokenRate: 0.003,
  // Blanking a key column keeps the broken row's key distinct from the good rows.
  blankable: ['year', 'area', 'locality', 'sex', 'age'],
  codes: [{ column: 'sex', bad: ['Persons', 'All'] }],
  area: 'area',
  age: 'age',
});

export const MISSING_EPISODES = layout({
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
  header: {
    episode_id: 'Episode ID',
    source: 'Source',
    child_ref: 'CHILD_REF',
    dob: 'DOB',
    sex: 'Sex',
    ethnicity: 'Ethnicity',
    disability: 'Disability',
    looked_after: 'Looked_After',
    placement_type: 'Placement Type',
    area: 'Area',
    locality: 'Locality',
    classification: 'Classification',
    reported_at: ' Reported At',
    returned_at: 'Returned At',
    found_locality: 'Found Locality',
    risk_grading: 'Risk Grading',
  },
  csv: { bom: true, crlf: true },
  dress: {
    date: [
      ['iso', 0.7],
      ['uk', 0.3],
    ],
    dateTime: [
      ['iso_space_seconds', 0.5],
      ['uk', 0.3],
      ['iso_t', 0.2],
    ],
    flag: UTF8_FLAGS,
    codeCase: 0.06,
    placeVariant: 0.04,
  },
  brokenRate: 0.005,
  id: { column: 'episode_id', prefix: 'ME', digits: 8 },
  blankable: ['episode_id', 'source', 'child_ref', 'dob', 'area', 'classification', 'reported_at'],
  event: { column: 'reported_at', kind: 'datetime' },
  dob: 'dob',
  codes: [
    { column: 'source', bad: ['ambulance', 'education', 'school'] },
    { column: 'classification', bad: ['runaway', 'absconded', 'missing/absent'] },
  ],
  area: 'area',
  localities: ['locality', 'found_locality'],
  returned: { column: 'returned_at', kind: 'datetime' },
});

export const RETURN_INTERVIEWS = layout({
  file: 'return_interviews.csv',
  columns: ['rhi_id', 'episode_id', 'child_ref', 'offered_at', 'completed_at', 'outcome', 'provider', 'exploitation_disclosed', 'notes'],
  header: {
    rhi_id: 'RHI_ID',
    episode_id: 'Episode_ID',
    child_ref: 'Child_Ref',
    offered_at: 'Offered_At',
    completed_at: 'Completed_At',
    outcome: 'Outcome',
    provider: 'Provider',
    exploitation_disclosed: 'Exploitation Disclosed',
    notes: 'Notes',
  },
  csv: {},
  dress: {
    dateTime: [
      ['uk', 0.6],
      ['iso_t', 0.25],
      ['uk_seconds', 0.15],
    ],
    flag: [
      ['Yes/No', 0.7],
      ['Y/N', 0.2],
      ['TRUE/FALSE', 0.1],
    ],
    codeCase: 0.08,
  },
  brokenRate: 0.005,
  id: { column: 'rhi_id', prefix: 'RHI', digits: 8 },
  blankable: ['rhi_id', 'episode_id', 'child_ref', 'outcome'],
  event: { column: 'offered_at', kind: 'datetime' },
  codes: [{ column: 'outcome', bad: ['no_show', 'refused', 'done'] }],
  episode: 'episode_id',
});

export const RISK_ASSESSMENTS = layout({
  file: 'risk_assessments.csv',
  // Column order differs from the contract: the loader matches by name.
  columns: [
    'assessment_id',
    'assessed_at',
    'child_ref',
    'dob',
    'sex',
    'ethnicity',
    'looked_after',
    'area',
    'locality',
    'agency',
    'exploitation_type',
    'score',
    'level',
  ],
  csv: { crlf: true },
  dress: {
    date: [
      ['uk', 0.7],
      ['iso', 0.3],
    ],
    flag: [
      ['1/0', 0.6],
      ['Y/N', 0.4],
    ],
    codeCase: 0.05,
    placeVariant: 0.03,
  },
  brokenRate: 0.005,
  id: { column: 'assessment_id', prefix: 'SER', digits: 7 },
  blankable: ['assessment_id', 'child_ref', 'dob', 'area', 'agency', 'assessed_at', 'exploitation_type'],
  event: { column: 'assessed_at', kind: 'date' },
  dob: 'dob',
  codes: [
    { column: 'agency', bad: ['probation', 'GP', 'school'] },
    { column: 'exploitation_type', bad: ['CSA', 'online', 'CE'] },
  ],
  area: 'area',
  localities: ['locality'],
  seraf: { level: 'level', score: 'score' },
});

export const REFERRALS = layout({
  file: 'referrals.csv',
  columns: ['referral_id', 'child_ref', 'child_name', 'dob', 'sex', 'ethnicity', 'area', 'locality', 'received_at', 'referrer', 'factors', 'outcome'],
  header: {
    referral_id: 'Referral_ID',
    child_ref: 'Child_Ref',
    dob: 'DOB',
    sex: 'Sex',
    ethnicity: 'Ethnicity',
    area: 'Area',
    locality: 'Locality',
    received_at: 'Received_At',
    referrer: 'Referrer',
    factors: 'Factors',
    outcome: 'Outcome',
  },
  csv: { bom: true },
  dress: {
    date: [
      ['iso', 0.7],
      ['uk', 0.3],
    ],
    codeCase: 0.05,
    placeVariant: 0.03,
  },
  brokenRate: 0.005,
  id: { column: 'referral_id', prefix: 'RF', digits: 8 },
  blankable: ['referral_id', 'child_ref', 'dob', 'area', 'received_at', 'referrer'],
  event: { column: 'received_at', kind: 'date' },
  dob: 'dob',
  codes: [{ column: 'referrer', bad: ['GP', 'neighbour', 'CAMHS'] }],
  area: 'area',
  localities: ['locality'],
});

export const NRM_REFERRALS = layout({
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
  csv: {},
  dress: {
    date: [
      ['iso', 0.5],
      ['uk', 0.5],
    ],
    codeCase: 0.05,
  },
  brokenRate: 0.005,
  id: { column: 'nrm_id', prefix: 'NRM', digits: 7 },
  blankable: ['nrm_id', 'child_ref', 'dob', 'area', 'referred_at', 'first_responder', 'exploitation_type'],
  event: { column: 'referred_at', kind: 'date' },
  dob: 'dob',
  codes: [
    { column: 'first_responder', bad: ['charity', 'salvation_army'] },
    { column: 'exploitation_type', bad: ['organ_harvesting', 'forced_marriage'] },
  ],
  area: 'area',
});

export const INTELLIGENCE = layout({
  file: 'intelligence.csv',
  columns: ['cpi_id', 'submitted_at', 'agency', 'area', 'locality', 'location_type', 'theme', 'child_ref', 'offender_ref'],
  header: {
    cpi_id: 'CPI_ID',
    submitted_at: 'SUBMITTED_AT',
    agency: 'AGENCY',
    area: 'AREA',
    locality: 'LOCALITY',
    location_type: 'LOCATION_TYPE',
    theme: 'THEME',
    child_ref: 'CHILD_REF',
    offender_ref: 'OFFENDER_REF',
  },
  csv: { crlf: true },
  dress: {
    date: [
      ['uk', 0.8],
      ['iso', 0.2],
    ],
    codeCase: 0.05,
    placeVariant: 0.05,
  },
  brokenRate: 0.005,
  id: { column: 'cpi_id', prefix: 'CPI', digits: 7 },
  blankable: ['cpi_id', 'submitted_at', 'agency', 'area', 'locality', 'theme'],
  event: { column: 'submitted_at', kind: 'date' },
  codes: [{ column: 'theme', bad: ['drugs', 'ASB'] }],
  area: 'area',
  localities: ['locality'],
});

export const DISRUPTIONS = layout({
  file: 'disruptions.csv',
  columns: ['disruption_id', 'offender_ref', 'area', 'locality', 'action_date', 'action_type', 'theme'],
  csv: { bom: true },
  dress: {
    date: [
      ['iso', 0.85],
      ['uk', 0.15],
    ],
    codeCase: 0.05,
    placeVariant: 0.03,
  },
  brokenRate: 0.005,
  id: { column: 'disruption_id', prefix: 'DIS', digits: 7 },
  blankable: ['disruption_id', 'offender_ref', 'area', 'action_date', 'action_type', 'theme'],
  event: { column: 'action_date', kind: 'date' },
  codes: [
    { column: 'action_type', bad: ['warning_letter', 'dbo', 'caution'] },
    { column: 'theme', bad: ['county_lines', 'drugs'] },
  ],
  area: 'area',
  localities: ['locality'],
});

export const ACTIONS = layout({
  file: 'actions.csv',
  columns: ['action_id', 'priority', 'title', 'owner', 'due', 'rag', 'updated_at', 'progress'],
  header: {
    action_id: 'Action ID',
    priority: 'Priority',
    title: 'Title',
    owner: 'Owner',
    due: 'Due',
    rag: 'RAG',
    updated_at: 'Updated At',
    progress: 'Progress',
  },
  // Saved from Excel: Windows-1252 with CRLF.
  csv: { crlf: true, encoding: 'windows-1252' },
  dress: { date: [['uk', 1]], codeCase: 0.3 },
  brokenRate: 0,
  blankable: ['action_id', 'priority', 'title', 'rag', 'updated_at'],
  event: { column: 'updated_at', kind: 'date' },
  // Priority is an integer 1–5: a 6 there is out of range rather than an unknown code.
  codes: [{ column: 'rag', bad: ['Amber/Green', 'Blue', 'complete'] }],
});

export const SERVICES = layout({
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
  header: {
    quarter: 'Quarter',
    area: 'Area',
    service: 'Service',
    provider: 'Provider',
    referrals_received: 'Referrals Received',
    referrals_accepted: 'Referrals Accepted',
    started_within_target: 'Started Within Target',
    target_days: 'Target Days',
    capacity: 'Capacity',
    waiting_at_end: 'Waiting At End',
  },
  // A commissioner's spreadsheet saved as CSV UTF-8: with a BOM and CRLF.
  csv: { bom: true, crlf: true },
  dress: { codeCase: 0.3 },
  // Few rows (a quarter × area × service): every kind still appears at least once.
  brokenRate: 0.01,
  blankable: ['quarter', 'area', 'service', 'referrals_received'],
  codes: [{ column: 'service', bad: ['Return Interview Service', 'CSE', 'Youth Work', 'n/a'] }],
  area: 'area',
  partOf: { part: 'referrals_accepted', whole: 'referrals_received' },
});

export const SSDA903_DIR = 'ssda903-isle-of-wight';

export const SSDA903_MISSING = layout({
  file: `${SSDA903_DIR}/ssda903_missing.csv`,
  columns: ['CHILD', 'DOB', 'MISSING', 'MIS_START', 'MIS_END'],
  csv: {},
  dress: { date: [['uk', 1]] },
  brokenRate: 0.005,
  blankable: ['CHILD', 'DOB', 'MISSING', 'MIS_START'],
  event: { column: 'MIS_START', kind: 'date' },
  dob: 'DOB',
  codes: [{ column: 'MISSING', bad: ['X', 'R'] }],
  returned: { column: 'MIS_END', kind: 'date' },
});

/** The 903 header: one row per child, real DfE columns (UPN is an identifier). */
export const SSDA903_HEADER = layout({
  file: `${SSDA903_DIR}/ssda903_header.csv`,
  columns: ['CHILD', 'SEX', 'DOB', 'ETHNIC', 'UPN', 'MOTHER', 'MC_DOB'],
  csv: {},
  dress: { date: [['uk', 1]] },
  brokenRate: 0,
  blankable: [],
  clean: true,
});

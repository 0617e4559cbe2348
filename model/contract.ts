// The data contract of ../shared/met-extracts.md as data: every file, column,
// type and code list. The loader generates its SQL checks from this, so the
// contract lives in one place and a change to it is a change here.

export { AREAS, type AreaName } from './areas.js';

/** The largest whole number a warehouse INTEGER column holds. */
export const INTEGER_MAX = 2_147_483_647;

export type ColumnType =
  /**
   * Free text, stored as written (trimmed). `spelling: 'commonest'`: a name that others match
   * ignoring case, spaces, `&` and punctuation (population.csv's localities): each spelling
   * stored as the file's commonest spelling of it, so that `SHIRLEY` on one row neither
   * renames Shirley nor escapes the key check as another place.
   */
  | { kind: 'text'; spelling?: 'commonest' }
  /** A person reference: replaced by its keyed pseudonym before anything is written. */
  | { kind: 'ref' }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'date' }
  | { kind: 'datetime' }
  | { kind: 'flag' }
  /** Canonical values, matched case-insensitively and trimmed; `aliases` maps other spellings (lower case) to one. */
  | { kind: 'code'; values: readonly string[]; aliases?: Readonly<Record<string, string>> }
  | { kind: 'area' }
  /** A locality of the row's area (`anyArea`: of any of the four areas). */
  | { kind: 'locality'; anyArea?: boolean }
  /** Semicolon-separated assessment-factor codes. */
  | { kind: 'codes' }
  /** A calendar quarter written `YYYY-Qn` (`2025-Q3` = July–September 2025), stored as written in upper case. */
  | { kind: 'quarter' };

export interface Column {
  name: string;
  type: ColumnType;
  required?: boolean;
}

/** A check that involves more than one column, done in SQL on the typed values. */
export type RowRule =
  | { kind: 'not_before'; column: string; other: string }
  | { kind: 'dob_sane'; dob: string; event: string }
  | { kind: 'level_or_score' }
  | { kind: 'episode_exists'; column: string }
  /** A count that is part of another count of the row: not more than it (accepted ≤ received). */
  | { kind: 'not_more_than'; column: string; other: string };

export type SourceName =
  | 'population'
  | 'missing_episodes'
  | 'ssda903_missing'
  | 'ssda903_header'
  | 'return_interviews'
  | 'risk_assessments'
  | 'referrals'
  | 'nrm_referrals'
  | 'intelligence'
  | 'disruptions'
  | 'actions'
  | 'services';

export interface Source {
  name: SourceName;
  file: string;
  columns: readonly Column[];
  /** Columns whose values together must be unique in the file. */
  key: readonly string[];
  rules: readonly RowRule[];
  /** The date that says how current the source is (timeliness). */
  eventColumn?: string;
}

const flag = { kind: 'flag' } as const;
const text = { kind: 'text' } as const;
const ref = { kind: 'ref' } as const;
const date = { kind: 'date' } as const;
const datetime = { kind: 'datetime' } as const;
const area = { kind: 'area' } as const;
const locality = { kind: 'locality' } as const;
const code = (values: readonly string[], aliases?: Record<string, string>): ColumnType =>
  aliases ? { kind: 'code', values, aliases } : { kind: 'code', values };

export const SEX = code(['F', 'M', 'X', 'U']);
export const ETHNICITY = code(['White', 'Mixed', 'Asian', 'Black', 'Other', 'Not known'], {
  notknown: 'Not known',
  not_known: 'Not known',
});
export const SERAF_LEVELS = ['none', 'low', 'medium', 'high'] as const;
export const SERAF_LEVEL = code(SERAF_LEVELS, {
  '1': 'none',
  '2': 'low',
  '3': 'medium',
  '4': 'high',
  'not at risk': 'none',
  mild: 'low',
  moderate: 'medium',
  significant: 'high',
});
/** The commissioned services of services.csv, in the contract's order. */
export const SERVICES = ['return_interviews', 'cse_support', 'cce_support', 'missing_from_care', 'nrm_advocacy', 'other'] as const;
// The factor codes that make a referral a MET referral are a parameter of the definitions: model/parameters.ts.

export const SOURCES: readonly Source[] = [
  {
    name: 'population',
    file: 'population.csv',
    columns: [
      { name: 'year', type: { kind: 'int', min: 1990, max: 2100 }, required: true },
      { name: 'area', type: area, required: true },
      // Not a `locality` column: this file defines the localities.
      { name: 'locality', type: { kind: 'text', spelling: 'commonest' }, required: true },
      { name: 'sex', type: code(['F', 'M']), required: true },
      { name: 'age', type: { kind: 'int', min: 0, max: 24 }, required: true },
      { name: 'population', type: { kind: 'int', min: 0, max: INTEGER_MAX }, required: true },
    ],
    key: ['year', 'area', 'locality', 'sex', 'age'],
    rules: [],
  },
  {
    name: 'missing_episodes',
    file: 'missing_episodes.csv',
    columns: [
      { name: 'episode_id', type: text, required: true },
      { name: 'source', type: code(['police', 'social_care'], { 'social care': 'social_care' }), required: true },
      { name: 'child_ref', type: ref, required: true },
      { name: 'dob', type: date, required: true },
      { name: 'sex', type: SEX },
      { name: 'ethnicity', type: ETHNICITY },
      { name: 'disability', type: flag },
      { name: 'looked_after', type: flag },
      { name: 'placement_type', type: code(['home', 'foster', 'residential', 'supported', 'other']) },
      { name: 'placed_out_of_area', type: flag },
      { name: 'area', type: area, required: true },
      // A looked-after child's placement locality can lie in another of the four areas.
      { name: 'locality', type: { kind: 'locality', anyArea: true } },
      { name: 'classification', type: code(['missing', 'absent', 'away']), required: true },
      { name: 'reported_at', type: datetime, required: true },
      { name: 'returned_at', type: datetime },
      { name: 'found_locality', type: { kind: 'locality', anyArea: true } },
      { name: 'risk_grading', type: code(['no_apparent', 'low', 'medium', 'high'], { 'no apparent': 'no_apparent' }) },
    ],
    key: ['episode_id'],
    rules: [
      { kind: 'not_before', column: 'returned_at', other: 'reported_at' },
      { kind: 'dob_sane', dob: 'dob', event: 'reported_at' },
    ],
    eventColumn: 'reported_at',
  },
  {
    name: 'ssda903_missing',
    file: 'ssda903_missing.csv',
    columns: [
      { name: 'child', type: ref, required: true },
      { name: 'dob', type: date, required: true },
      { name: 'missing', type: code(['M', 'A']), required: true },
      { name: 'mis_start', type: date, required: true },
      { name: 'mis_end', type: date },
    ],
    key: ['child', 'mis_start'],
    rules: [
      { kind: 'not_before', column: 'mis_end', other: 'mis_start' },
      { kind: 'dob_sane', dob: 'dob', event: 'mis_start' },
    ],
    eventColumn: 'mis_start',
  },
  {
    name: 'ssda903_header',
    file: 'ssda903_header.csv',
    columns: [
      { name: 'child', type: ref, required: true },
      { name: 'sex', type: code(['1', '2', 'M', 'F', 'U']) },
      { name: 'dob', type: date },
      { name: 'ethnic', type: text },
    ],
    key: ['child'],
    rules: [],
  },
  {
    name: 'return_interviews',
    file: 'return_interviews.csv',
    columns: [
      { name: 'rhi_id', type: text, required: true },
      { name: 'episode_id', type: text, required: true },
      { name: 'child_ref', type: ref, required: true },
      { name: 'offered_at', type: datetime },
      { name: 'completed_at', type: datetime },
      {
        name: 'outcome',
        type: code(['completed', 'declined', 'not_offered', 'unable_to_contact'], {
          'not offered': 'not_offered',
          'unable to contact': 'unable_to_contact',
        }),
        required: true,
      },
      { name: 'provider', type: text },
      { name: 'exploitation_disclosed', type: flag },
    ],
    key: ['rhi_id'],
    rules: [{ kind: 'episode_exists', column: 'episode_id' }],
    eventColumn: 'offered_at',
  },
  {
    name: 'risk_assessments',
    file: 'risk_assessments.csv',
    columns: [
      { name: 'assessment_id', type: text, required: true },
      { name: 'child_ref', type: ref, required: true },
      { name: 'dob', type: date, required: true },
      { name: 'sex', type: SEX },
      { name: 'ethnicity', type: ETHNICITY },
      { name: 'looked_after', type: flag },
      { name: 'area', type: area, required: true },
      { name: 'locality', type: locality },
      {
        name: 'agency',
        type: code(['police', 'social_care', 'health', 'education', 'youth_offending', 'voluntary', 'other'], {
          'social care': 'social_care',
          'youth offending': 'youth_offending',
        }),
        required: true,
      },
      { name: 'assessed_at', type: date, required: true },
      { name: 'exploitation_type', type: code(['CSE', 'CCE', 'both']), required: true },
      { name: 'score', type: { kind: 'int', min: 0, max: INTEGER_MAX } },
      { name: 'level', type: SERAF_LEVEL },
    ],
    key: ['assessment_id'],
    rules: [{ kind: 'level_or_score' }, { kind: 'dob_sane', dob: 'dob', event: 'assessed_at' }],
    eventColumn: 'assessed_at',
  },
  {
    name: 'referrals',
    file: 'referrals.csv',
    columns: [
      { name: 'referral_id', type: text, required: true },
      { name: 'child_ref', type: ref, required: true },
      { name: 'dob', type: date, required: true },
      { name: 'sex', type: SEX },
      { name: 'ethnicity', type: ETHNICITY },
      { name: 'area', type: area, required: true },
      { name: 'locality', type: locality },
      { name: 'received_at', type: date, required: true },
      {
        name: 'referrer',
        type: code(['police', 'school', 'health', 'social_care', 'youth_offending', 'housing', 'probation', 'voluntary', 'family', 'other'], {
          'social care': 'social_care',
          'youth offending': 'youth_offending',
        }),
        required: true,
      },
      { name: 'factors', type: { kind: 'codes' } },
      { name: 'outcome', type: code(['nfa', 'early_help', 'assessment', 'strategy_s47', 'other'], { 'early help': 'early_help' }) },
    ],
    key: ['referral_id'],
    rules: [{ kind: 'dob_sane', dob: 'dob', event: 'received_at' }],
    eventColumn: 'received_at',
  },
  {
    name: 'nrm_referrals',
    file: 'nrm_referrals.csv',
    columns: [
      { name: 'nrm_id', type: text, required: true },
      { name: 'child_ref', type: ref, required: true },
      { name: 'dob', type: date, required: true },
      { name: 'sex', type: SEX },
      { name: 'nationality', type: text },
      { name: 'area', type: area, required: true },
      { name: 'referred_at', type: date, required: true },
      {
        name: 'first_responder',
        type: code(['police', 'local_authority', 'home_office', 'ngo', 'other'], {
          'local authority': 'local_authority',
          'home office': 'home_office',
        }),
        required: true,
      },
      {
        name: 'exploitation_type',
        type: code(['sexual', 'criminal', 'labour', 'domestic_servitude', 'mixed', 'unknown'], {
          'domestic servitude': 'domestic_servitude',
        }),
        required: true,
      },
      { name: 'reasonable_grounds', type: code(['positive', 'negative', 'pending']) },
      { name: 'conclusive_grounds', type: code(['positive', 'negative', 'pending']) },
    ],
    key: ['nrm_id'],
    rules: [{ kind: 'dob_sane', dob: 'dob', event: 'referred_at' }],
    eventColumn: 'referred_at',
  },
  {
    name: 'intelligence',
    file: 'intelligence.csv',
    columns: [
      { name: 'cpi_id', type: text, required: true },
      { name: 'submitted_at', type: date, required: true },
      { name: 'agency', type: text, required: true },
      { name: 'area', type: area, required: true },
      { name: 'locality', type: locality, required: true },
      {
        name: 'location_type',
        type: code(['park', 'takeaway', 'hotel', 'taxi', 'school', 'transport_hub', 'private_address', 'shop', 'online', 'other'], {
          'transport hub': 'transport_hub',
          'private address': 'private_address',
        }),
      },
      {
        name: 'theme',
        type: code(['CSE', 'CCE', 'trafficking', 'county_lines', 'other'], { 'county lines': 'county_lines' }),
        required: true,
      },
      { name: 'child_ref', type: ref },
      { name: 'offender_ref', type: ref },
    ],
    key: ['cpi_id'],
    rules: [],
    eventColumn: 'submitted_at',
  },
  {
    name: 'disruptions',
    file: 'disruptions.csv',
    columns: [
      { name: 'disruption_id', type: text, required: true },
      { name: 'offender_ref', type: ref, required: true },
      { name: 'area', type: area, required: true },
      { name: 'locality', type: locality },
      { name: 'action_date', type: date, required: true },
      {
        name: 'action_type',
        type: code(['cawn', 'sro', 'shpo', 'arrest', 'charge', 'conviction', 'licensing', 'other']),
        required: true,
      },
      { name: 'theme', type: code(['CSE', 'CCE', 'trafficking']), required: true },
    ],
    key: ['disruption_id'],
    rules: [],
    eventColumn: 'action_date',
  },
  {
    name: 'actions',
    file: 'actions.csv',
    columns: [
      { name: 'action_id', type: text, required: true },
      { name: 'priority', type: { kind: 'int', min: 1, max: 5 }, required: true },
      { name: 'title', type: text, required: true },
      { name: 'owner', type: text },
      { name: 'due', type: text },
      { name: 'rag', type: code(['red', 'amber', 'green']), required: true },
      { name: 'updated_at', type: date, required: true },
      { name: 'progress', type: text },
    ],
    key: ['action_id', 'updated_at'],
    rules: [],
    eventColumn: 'updated_at',
  },
  {
    // The commissioner's contract returns: one row per quarter, area, service and provider.
    // No child record: counts of referrals and places only.
    name: 'services',
    file: 'services.csv',
    columns: [
      { name: 'quarter', type: { kind: 'quarter' }, required: true },
      { name: 'area', type: area, required: true },
      {
        name: 'service',
        type: code(SERVICES, {
          'return interviews': 'return_interviews',
          'cse support': 'cse_support',
          'cce support': 'cce_support',
          'missing from care': 'missing_from_care',
          'nrm advocacy': 'nrm_advocacy',
        }),
        required: true,
      },
      { name: 'provider', type: text },
      { name: 'referrals_received', type: { kind: 'int', min: 0, max: INTEGER_MAX }, required: true },
      { name: 'referrals_accepted', type: { kind: 'int', min: 0, max: INTEGER_MAX } },
      { name: 'started_within_target', type: { kind: 'int', min: 0, max: INTEGER_MAX } },
      { name: 'target_days', type: { kind: 'int', min: 1, max: 365 } },
      { name: 'capacity', type: { kind: 'int', min: 0, max: INTEGER_MAX } },
      { name: 'waiting_at_end', type: { kind: 'int', min: 0, max: INTEGER_MAX } },
    ],
    key: ['quarter', 'area', 'service', 'provider'],
    rules: [
      { kind: 'not_more_than', column: 'referrals_accepted', other: 'referrals_received' },
      { kind: 'not_more_than', column: 'started_within_target', other: 'referrals_accepted' },
    ],
  },
];

export function sourceByFile(fileName: string): Source | undefined {
  const lower = fileName.toLowerCase();
  return SOURCES.find((s) => s.file === lower);
}

export function sourceByName(name: SourceName): Source {
  const s = SOURCES.find((x) => x.name === name);
  if (!s) throw new Error(`no source named ${name}`);
  return s;
}

/**
 * Header names are matched case- and space-insensitively (`Episode ID` = `episode_id`).
 * A stray byte-order mark or non-breaking space is treated as space too.
 */
export function normaliseHeader(name: string): string {
  return (
    name
      .normalize('NFC')
      // Invisible formatting characters (a byte-order mark, a zero-width space, a soft hyphen) dropped anywhere
      // ("Eth<ZWSP>nicity" is ethnicity); a control character (a tab) is a space.
      .replace(/[\p{Cf}]/gu, '')
      .replace(/[\p{Cc}]/gu, ' ')
      .trim()
      .toLowerCase()
      .replace(/[\s\u00a0-]+/g, '_')
      .replace(/_+/g, '_')
  );
}

/**
 * Column names that look like direct identifiers. Every column outside the contract
 * is dropped before storage whatever its name; these are named as identifiers in the
 * load report so the analyst can ask the partner to stop sending them.
 */
const IDENTIFIER_PATTERN =
  /(^|_)(name|names|forename|first_?name|surname|last_?name|full_?name|address|street|postcode|post_code|nhs(_?number|_?no)?|phone|telephone|mobile|email|e_?mail|notes?|comments?|free_?text|description|upn|uln|ni_?number|mother|mc_dob)($|_)/;

export function looksLikeIdentifier(normalisedName: string): boolean {
  return IDENTIFIER_PATTERN.test(normalisedName);
}

/**
 * The names of columns outside the contract that the load report may name (normalised):
 * the direct identifiers partners are known to send. A header cell is the file's
 * content, and any other could hold a child's name or reference (a header row typed by
 * hand, or a data row taken for one), so other dropped columns are only counted.
 */
export const NAMED_EXTRA_COLUMNS: ReadonlySet<string> = new Set([
  'name',
  'names',
  'forename',
  'forenames',
  'first_name',
  'firstname',
  'given_name',
  'surname',
  'last_name',
  'lastname',
  'family_name',
  'full_name',
  'fullname',
  'child_name',
  'childs_name',
  'child_full_name',
  'young_person_name',
  'preferred_name',
  'known_as',
  'alias',
  'address',
  'home_address',
  'address_1',
  'address_2',
  'address_3',
  'address_line_1',
  'address_line_2',
  'address_line_3',
  'street',
  'postcode',
  'post_code',
  'nhs_number',
  'nhs_no',
  'nhs',
  'phone',
  'phone_number',
  'telephone',
  'telephone_number',
  'mobile',
  'mobile_number',
  'email',
  'email_address',
  'e_mail',
  'notes',
  'note',
  'comments',
  'comment',
  'free_text',
  'description',
  'upn',
  'uln',
  'ni_number',
  'national_insurance_number',
  'mother',
  'mc_dob',
]);

/**
 * How far past the refresh day a date may lie before it is quarantined as `date in the
 * future` (one day, so a partner a time zone ahead or an extract run after midnight is
 * not caught). Dates before EARLIEST_DATE are `out of range`: typing slips (`25` for
 * `2025`), not events of the partnership's children.
 */
export const FUTURE_MARGIN_DAYS = 1;
export const EARLIEST_DATE = '1900-01-01';
/** The longest excerpt of a value a quarantine reason or record shows (then an ellipsis). */
export const EXCERPT_CHARS = 60;

/** Every quarantine reason, in the order the README lists them (the report's `reasons` keys). */
export const QUARANTINE_REASONS = [
  'missing required value',
  'impossible date',
  'US-style date',
  'not a date',
  'date without time',
  'date in the future',
  'not a quarter',
  'not a whole number',
  'out of range',
  'not a Y/N flag',
  'unknown code',
  'unknown area',
  'unknown locality',
  'returned_at before reported_at',
  'mis_end before mis_start',
  'referrals_accepted more than referrals_received',
  'started_within_target more than referrals_accepted',
  'date of birth after the event',
  'age over 24 at the event',
  'no SERAF level or score',
  'names a person reference',
  'unknown episode',
  'repeated key',
  'malformed line',
  'not valid UTF-8 text',
] as const;

/** How often a partner is expected to send a source's extract, in words and as the most days between two extracts. */
export interface RefreshInterval {
  words: 'monthly' | 'quarterly' | 'yearly';
  days: number;
}
const MONTHLY: RefreshInterval = { words: 'monthly', days: 31 };
const QUARTERLY: RefreshInterval = { words: 'quarterly', days: 92 };
const YEARLY: RefreshInterval = { words: 'yearly', days: 366 };

/**
 * Each source's expected refresh interval, declared once: a source whose last extract is
 * older than this is flagged on the data page ("older than expected"). Police and
 * social-care feeds monthly; the NRM's figures and the action plan's RAG review
 * quarterly; the population estimates and the DfE SSDA903 return yearly. A source not
 * named here is never flagged.
 */
export const EXPECTED_REFRESH: Readonly<Partial<Record<SourceName, RefreshInterval>>> = {
  population: YEARLY,
  missing_episodes: MONTHLY,
  ssda903_missing: YEARLY,
  return_interviews: MONTHLY,
  risk_assessments: MONTHLY,
  referrals: MONTHLY,
  nrm_referrals: QUARTERLY,
  intelligence: MONTHLY,
  disruptions: MONTHLY,
  actions: QUARTERLY,
  // The commissioner's contract returns are quarterly (services.csv).
  services: QUARTERLY,
};

/** A source's free-text columns: text stored as written and shown (not an id, which no page shows as a label). */
export function freeTextColumns(source: Source): Column[] {
  return source.columns.filter((c) => c.type.kind === 'text' && !c.name.endsWith('_id'));
}

/**
 * A source's id columns (episode_id, rhi_id …): stored as written, to join and key rows. A
 * case system may build one from the child's reference ("SC4067444/2025-04-11"), which
 * would store the raw reference: an id holding a reference of its file is refused (etl/stage.ts).
 */
export function idColumns(source: Source): Column[] {
  return source.columns.filter((c) => c.type.kind === 'text' && c.name.endsWith('_id'));
}

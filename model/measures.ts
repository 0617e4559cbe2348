// The measures of ../shared/met-dataset.md as data: id, family, what kind of figure,
// its breakdowns and whether a breakdown's cells add up to the shown total (which
// decides secondary suppression). The SQL in sql/ computes them; this says how to
// read, protect and describe them.

import { fillWords, PARAMETERS, wordsFor, type BuildParameters, type Parameters } from './parameters.js';

export type Family = 'missing' | 'return_interviews' | 'risk' | 'identification' | 'places' | 'data_quality' | 'provision';

/**
 * count: a number of people or events. pct: num / den as a percentage, 1 decimal.
 * ratio: num / den, 2 decimals. per10k: num / den × 10,000, 1 decimal.
 * median: a median over `den` records, 1 decimal. rows: a table-like measure.
 */
export type Kind = 'count' | 'pct' | 'ratio' | 'per10k' | 'median' | 'rows';

export interface Breakdown {
  id: string;
  /** True when the cells add up to the headline value, so a suppressed cell could be recovered by subtraction. */
  additive: boolean;
}

/**
 * How a count adds up over time, from months to their quarter and quarters to their
 * financial year (the disclosure audit, lib/audit/, writes these as identities):
 * - 'sum': events; the parts add up to the whole (quarters sum to the year);
 * - 'distinct': distinct people; the whole is at least each part and at most their sum;
 * - 'point': a state at the period's end; the whole equals its last part;
 * - 'none': no identity across periods (e.g. a change from one period end to the next).
 */
export type OverTime = 'sum' | 'distinct' | 'point' | 'none';

export interface MeasureDef {
  id: string;
  family: Family;
  kind: Kind;
  label: string;
  /** The definition, in words, as the board sees it beside the figure. */
  definition: string;
  breakdowns?: Breakdown[];
  /** True where the measure names its own ages, so the age-scope setting does not change it. */
  fixedAges?: boolean;
  /**
   * Only for these ages (return interviews are for children): under a scope that holds them
   * (0-24) the measure is read at these ages and its label names them; under one that does
   * not (18-24) it has no figure. Its cells are still built for every scope.
   */
  onlyAges?: '0-17';
  /** True where a higher value is better (commentary says "improved" rather than "rose"). */
  higherIsBetter?: boolean;
  /** Counts this figure is built on: where one of them is suppressed, so is this. */
  basedOn?: string[];
  /** 'analyst' for data-quality detail, which no other role is shown. */
  audience?: 'analyst';
  /** The file of sql/measures/ that builds it, where not its family's (FAMILY_SQL). */
  sql?: string;
  /** Counts: how the figure adds up over time (its breakdowns likewise). Table-like measures: per count field. */
  overTime?: OverTime | Readonly<Record<string, OverTime>>;
}

/** Each family's SQL file in sql/measures/. */
export const FAMILY_SQL: Readonly<Record<Family, string>> = {
  missing: '10_missing.sql',
  return_interviews: '20_return_interviews.sql',
  risk: '30_risk.sql',
  identification: '40_identification.sql',
  places: '50_places.sql',
  data_quality: '60_data_quality.sql',
  provision: '80_services.sql',
};

/** The file of sql/measures/ that builds a measure. */
export function sqlFileOf(def: MeasureDef): string {
  return def.sql ?? FAMILY_SQL[def.family];
}

const add = (id: string): Breakdown => ({ id, additive: true });
const notAdd = (id: string): Breakdown => ({ id, additive: false });

export const MEASURES: readonly MeasureDef[] = [
  {
    id: 'missing_episodes',
    family: 'missing',
    kind: 'count',
    overTime: 'sum',
    label: 'Missing episodes',
    definition: 'Episodes (missing, absent or away) reported in the period.',
    breakdowns: [add('classification'), add('source'), add('looked_after'), add('placed_out_of_area')],
  },
  {
    id: 'missing_children',
    family: 'missing',
    kind: 'count',
    overTime: 'distinct',
    label: 'Children missing',
    definition: 'Distinct children with at least one episode reported in the period.',
  },
  {
    id: 'episodes_per_child',
    family: 'missing',
    kind: 'ratio',
    label: 'Episodes per child',
    basedOn: ['missing_episodes', 'missing_children'],
    definition: 'Missing episodes divided by children missing.',
  },
  {
    id: 'repeat_missing_children',
    family: 'missing',
    kind: 'count',
    overTime: 'distinct',
    label: 'Repeat missing children',
    definition:
      'Children with an episode in the period that is at least their {repeat_nth} within the {repeat_window_days} days up to and including its start.',
  },
  {
    id: 'median_missing_hours',
    family: 'missing',
    kind: 'median',
    label: 'Median hours missing',
    definition:
      'Median time from report to return, in hours, of episodes reported in the period that have a return (SSDA903 episodes, known to the day only, are left out).',
  },
  {
    id: 'still_missing',
    family: 'missing',
    kind: 'count',
    overTime: 'sum',
    label: 'Still missing',
    definition: 'Episodes reported in the period with no return in the extract.',
  },
  {
    id: 'returns',
    family: 'return_interviews',
    kind: 'count',
    overTime: 'sum',
    label: 'Returns',
    definition: 'Episodes whose return falls in the period.',
  },
  {
    id: 'rhi_offered_72h_pct',
    onlyAges: '0-17',
    basedOn: ['returns'],
    family: 'return_interviews',
    kind: 'pct',
    label: 'Interviews offered within {rhi_window_hours} hours',
    definition: '% of returns with a return interview offered at or before {rhi_window_hours} hours after the return.',
    higherIsBetter: true,
  },
  {
    id: 'rhi_completed_72h_pct',
    onlyAges: '0-17',
    basedOn: ['returns'],
    family: 'return_interviews',
    kind: 'pct',
    label: 'Interviews completed within {rhi_window_hours} hours',
    definition:
      '% of returns with a return interview completed at or before {rhi_window_hours} hours after the return (nationally about {rhi_national_pct}% within 72 hours in {rhi_national_year}).',
    higherIsBetter: true,
  },
  {
    id: 'rhi_declined_pct',
    onlyAges: '0-17',
    basedOn: ['returns'],
    family: 'return_interviews',
    kind: 'pct',
    label: 'Interviews declined',
    definition: '% of returns with an interview the child declined.',
  },
  {
    id: 'rhi_disclosure_count',
    onlyAges: '0-17',
    family: 'return_interviews',
    kind: 'count',
    overTime: 'sum',
    label: 'Disclosures of exploitation',
    definition: 'Interviews for the period’s returns in which the child disclosed exploitation.',
  },
  {
    id: 'children_at_risk',
    family: 'risk',
    kind: 'count',
    overTime: 'point',
    label: 'Children at risk (SERAF)',
    definition: 'Children whose latest SERAF assessment, made in the {risk_current_days} days up to the period end, is low, medium or high.',
    breakdowns: [add('level'), add('exploitation_type')],
  },
  {
    id: 'risk_reviews_overdue',
    family: 'risk',
    kind: 'count',
    overTime: 'point',
    label: 'Risk reviews overdue',
    definition: 'People whose latest SERAF assessment is low, medium or high but was made {risk_current_days} days or more before the period end.',
  },
  {
    id: 'risk_escalations',
    family: 'risk',
    kind: 'count',
    overTime: 'none',
    label: 'Risk escalations',
    definition: 'Children whose current SERAF level at the period end is higher than at the end of the previous period.',
  },
  {
    id: 'met_children',
    family: 'identification',
    kind: 'count',
    overTime: 'distinct',
    label: 'MET children',
    definition:
      'Children aged 0–17 with any MET event in the period: a missing episode, a SERAF assessment at low, medium or high, a referral with a MET factor, or an NRM referral.',
    fixedAges: true,
  },
  {
    id: 'met_children_18_24',
    family: 'identification',
    kind: 'count',
    overTime: 'distinct',
    label: 'MET young adults (18–24)',
    definition: 'As MET children, for young adults aged 18–24 at the event.',
    fixedAges: true,
  },
  {
    id: 'prevalence_per_10k',
    basedOn: ['met_children'],
    family: 'identification',
    kind: 'per10k',
    label: 'MET prevalence per 10,000 children',
    definition: 'MET children per 10,000 children aged 0–17 (ONS mid-year estimate of the calendar year in which the period ends, or the latest earlier year).',
    fixedAges: true,
  },
  {
    id: 'met_referrals',
    family: 'identification',
    kind: 'count',
    overTime: 'sum',
    label: 'MET referrals',
    definition: 'MASH referrals received in the period carrying a MET factor ({met_factor_codes}).',
    breakdowns: [add('referrer'), notAdd('code')],
  },
  {
    id: 'nrm_referrals',
    family: 'identification',
    kind: 'count',
    overTime: 'sum',
    label: 'NRM referrals',
    definition: 'National Referral Mechanism referrals made in the period.',
    breakdowns: [add('exploitation_type'), add('first_responder')],
  },
  {
    id: 'nrm_positive_rg_pct',
    basedOn: ['nrm_referrals'],
    family: 'identification',
    kind: 'pct',
    label: 'Positive reasonable-grounds decisions',
    definition: 'Positive as a % of positive and negative reasonable-grounds decisions on the period’s NRM referrals (pending and empty left out).',
  },
  {
    id: 'group_profile',
    family: 'identification',
    kind: 'rows',
    overTime: { children: 'distinct' },
    label: 'Who MET children are',
    definition:
      'MET children by sex, age band, ethnicity, looked-after status and disability, with their share and, for sex and age band, the population share.',
    fixedAges: true,
  },
  {
    id: 'transitions',
    family: 'identification',
    kind: 'count',
    overTime: 'point',
    label: 'Transitions to adult services',
    definition: 'Children aged 17 at the period end whose current SERAF assessment is medium or high: they reach adult services within a year.',
    fixedAges: true,
    // Read from the risk state at the period's end, so built with the risk measures.
    sql: '30_risk.sql',
  },
  {
    id: 'service_gaps',
    family: 'identification',
    kind: 'rows',
    overTime: { met_children: 'distinct', missing_episodes: 'sum', children_at_risk: 'point', risk_reviews_overdue: 'point' },
    label: 'Service gaps by locality',
    definition:
      'Need against provision by locality: a gap where, beyond chance, prevalence is higher than the locality’s own area’s (the lower end of its 95% interval, Byar’s, is above the area’s exact rate) and interview completion lower (the upper end of its 95% Wilson interval is below the area’s exact percentage), with at least {gap_min_count} MET children and {gap_min_count} returns; always against its own area, whatever the view.',
  },
  {
    id: 'missing_children_per_10k',
    basedOn: ['missing_children'],
    family: 'identification',
    kind: 'per10k',
    label: 'Children missing per 10,000',
    definition: 'Children missing per 10,000 population of the age scope.',
  },
  {
    id: 'children_at_risk_per_10k',
    basedOn: ['children_at_risk'],
    family: 'identification',
    kind: 'per10k',
    label: 'Children at risk per 10,000',
    definition: 'Children at risk per 10,000 population of the age scope.',
  },
  {
    id: 'nrm_referrals_per_10k',
    basedOn: ['nrm_referrals'],
    family: 'identification',
    kind: 'per10k',
    label: 'NRM referrals per 10,000',
    definition: 'NRM referrals per 10,000 population of the age scope.',
  },
  {
    id: 'hotspots',
    family: 'places',
    kind: 'rows',
    overTime: { found: 'sum', cpi: 'sum', disruptions: 'sum', total: 'sum' },
    label: 'Hotspots',
    definition:
      'Per locality: episodes found there, CPI submissions and disruptions, ranked within the area; a hotspot ranks in the top {hotspot_top_pct}% with a total of {hotspot_min_total} or more.',
  },
  {
    id: 'cpi_submissions',
    family: 'places',
    kind: 'count',
    overTime: 'sum',
    label: 'CPI submissions',
    definition: 'Community Partnership Information forms submitted in the period.',
    breakdowns: [add('agency'), add('theme'), add('location_type')],
  },
  {
    id: 'disruptions',
    family: 'places',
    kind: 'count',
    overTime: 'sum',
    label: 'Disruptions',
    definition: 'Disruption and justice actions against perpetrators in the period.',
    breakdowns: [add('action_type'), add('theme')],
  },
  {
    id: 'offenders_disrupted',
    family: 'places',
    kind: 'count',
    overTime: 'distinct',
    label: 'Offenders disrupted',
    definition: 'Distinct offenders with a disruption action in the period.',
  },
  {
    id: 'load_summary',
    family: 'data_quality',
    kind: 'rows',
    audience: 'analyst',
    label: 'Load summary',
    definition: 'Per source and refresh: rows read, loaded and quarantined, with the quarantine reasons.',
  },
  {
    id: 'completeness',
    family: 'data_quality',
    kind: 'rows',
    audience: 'analyst',
    label: 'Completeness',
    definition:
      'Per source and column: % of loaded rows with a value as the partner sent it (an empty list of factor codes is no value; a SERAF level derived from the score is not a level sent).',
  },
  {
    id: 'timeliness',
    family: 'data_quality',
    kind: 'rows',
    audience: 'analyst',
    label: 'Timeliness',
    definition: 'Per source: the latest event date in the extract and the days from it to the refresh.',
  },
  {
    id: 'returns_without_interview',
    family: 'data_quality',
    kind: 'rows',
    audience: 'analyst',
    label: 'Returns without interview data',
    definition:
      'Per source of the episode and for all: returns (episodes with a return time, every age, the whole extract) and how many of them have no row in return_interviews.csv.',
  },
  // Provision (services.csv): the commissioner's quarterly returns, so quarters, financial
  // years and years only. Not about one child: the ages do not apply. Their counts have no
  // identity from months to quarters (there are no months), so overTime is 'none'.
  {
    id: 'service_referrals',
    family: 'provision',
    kind: 'count',
    overTime: 'none',
    fixedAges: true,
    label: 'Referrals to commissioned services',
    definition: 'Referrals received by the commissioned services in the period’s quarters (services.csv), all providers together.',
    breakdowns: [add('service')],
  },
  {
    id: 'service_accepted',
    family: 'provision',
    kind: 'count',
    overTime: 'none',
    fixedAges: true,
    label: 'Referrals accepted by commissioned services',
    definition: 'Referrals the commissioned services accepted in the period’s quarters.',
    breakdowns: [add('service')],
  },
  {
    id: 'service_capacity',
    family: 'provision',
    kind: 'count',
    overTime: 'none',
    fixedAges: true,
    label: 'Commissioned capacity',
    definition: 'Places or caseload the contracts pay for, added up over the period’s quarters.',
    breakdowns: [add('service')],
  },
  {
    id: 'service_demand_ratio',
    basedOn: ['service_referrals', 'service_capacity'],
    family: 'provision',
    kind: 'ratio',
    fixedAges: true,
    label: 'Demand against capacity',
    definition:
      'Referrals received divided by the capacity paid for, over the returns that give a capacity: 1.00 is at capacity, above 1 more referrals than places.',
    breakdowns: [notAdd('service')],
  },
  {
    id: 'service_started_in_target_pct',
    basedOn: ['service_accepted'],
    family: 'provision',
    kind: 'pct',
    fixedAges: true,
    higherIsBetter: true,
    label: 'Started within the target',
    definition: '% of accepted referrals whose work started within the contract’s target (target_days), over the returns that give both.',
    breakdowns: [notAdd('service')],
  },
  {
    id: 'service_waiting',
    family: 'provision',
    kind: 'count',
    overTime: 'none',
    fixedAges: true,
    label: 'Waiting at the period’s end',
    definition: 'Accepted referrals not yet started on the last day of the period’s last quarter (none given where that quarter has no return).',
    breakdowns: [add('service')],
  },
];

export const MEASURE_IDS = MEASURES.map((m) => m.id);

export function measureDef(id: string): MeasureDef | undefined {
  return MEASURES.find((m) => m.id === id);
}

export { AGE_SCOPES, type AgeScope } from './ages.js';

/** True where the age scope `scope` holds every age of `only` (0-24 holds 0-17; 18-24 does not). */
export function scopeHolds(scope: string, only: string): boolean {
  return scope === only || scope === '0-24';
}
export { AREAS_AND_ALL, type AreaOrAll } from './areas.js';

export { PARAMETERS } from './parameters.js';

/**
 * A measure's label and definition in words, with the parameters that built the
 * figures filled in (labels and definitions name them as `{placeholder}`s).
 */
export function measureWords(
  def: MeasureDef,
  p: Parameters | (BuildParameters & Partial<Pick<Parameters, 'rhi_national'>>) = PARAMETERS,
): { label: string; definition: string } {
  const words = wordsFor(p);
  return { label: fillWords(def.label, words), definition: fillWords(def.definition, words) };
}

/** group_profile's dimensions as people name them (a heading, a chart's axis). */
export const GROUP_DIMENSION_WORDS: Readonly<Record<string, string>> = {
  sex: 'Sex',
  age_band: 'Age band',
  ethnicity: 'Ethnicity',
  looked_after: 'Looked-after status',
  disability: 'Disability',
};

/**
 * group_profile's groups as people say them, by dimension: the codes the warehouse
 * stores (the contract's F/M/X/U, the age bands, yes/no/not known) never reach a page.
 */
export const GROUP_WORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  sex: { F: 'Female', M: 'Male', X: 'Another sex', U: 'Sex not known' },
  age_band: { '0-9': 'Aged 0–9', '10-13': 'Aged 10–13', '14-15': 'Aged 14–15', '16-17': 'Aged 16–17' },
  ethnicity: { White: 'White', Mixed: 'Mixed', Asian: 'Asian', Black: 'Black', Other: 'Other ethnic group', 'Not known': 'Ethnicity not known' },
  looked_after: { yes: 'Looked after', no: 'Not looked after', 'not known': 'Looked-after status not known' },
  disability: { yes: 'Disabled', no: 'Not disabled', 'not known': 'Disability not known' },
};

/** A group in words; a group the model does not name (a new code) in its dimension's words, never a bare code. */
export function groupWords(dimension: string, group: string): string {
  const named = GROUP_WORDS[dimension]?.[group];
  if (named) return named;
  const dim = GROUP_DIMENSION_WORDS[dimension] ?? dimension.replace(/_/g, ' ');
  return `${dim}: ${group.replace(/_/g, ' ').replace(/-/g, '–')}`;
}

// What each measure family's SQL (sql/measures/NN_family.sql) reads and makes, declared
// once, so that a refresh of one source rebuilds only the families that depend on it and
// copies the others' figures from the previous warehouse (etl/measurePlan.ts, the rule in
// docs/architecture.md, "A refresh rebuilds only what depends on it").
// tests/etl/measureInputs.test.ts fails when a file's SQL names a table its declaration
// lacks (or declares one it no longer reads).

/** What one family's SQL file reads and makes. */
export interface FamilyInputs {
  /**
   * The warehouse tables it reads: sources, the tables of 00_common.sql (periods,
   * period_population), the refresh's own records, and tables (or temporary tables)
   * that an earlier family makes.
   */
  reads: readonly string[];
  /** Earlier families whose stored figures (measure_cells) it reads. */
  cellsOf?: readonly string[];
  /** Tables and views it leaves in the warehouse besides its figures: copied with them when it is not rebuilt. */
  makes?: readonly string[];
  /**
   * Temporary tables it makes, gone when the build ends: they cannot be copied, so a
   * family rebuilt that reads one has this family run too (its figures come out the same).
   */
  temps?: readonly string[];
}

/** The shared file every build runs first (its tables are below, its figures none). */
export const COMMON_SQL = '00_common.sql';

/** The tables 00_common.sql makes from the data, and what each is made from. */
export const COMMON_TABLES: Readonly<Record<string, readonly string[]>> = {
  periods: ['missing_episodes', 'risk_assessments', 'referrals', 'nrm_referrals', 'intelligence', 'disruptions'],
  period_population: ['periods', 'population'],
};

/** Warehouse tables every refresh changes: its history, its quarantine, where each source came from. */
export const REFRESH_TABLES: readonly string[] = ['refreshes', 'refresh_files', 'quarantine', 'source_state'];

/** Each family file of sql/measures/ (after 00_common.sql), in the order they run. */
export const FAMILY_INPUTS: Readonly<Record<string, FamilyInputs>> = {
  '10_missing.sql': {
    reads: ['missing_episodes'],
    makes: ['episodes', 'episode_facts'],
    temps: ['ep_ids', 'ep_counts', 'ep_locality', 'ep_agg'],
  },
  '20_return_interviews.sql': {
    reads: ['episode_facts', 'return_interviews'],
    makes: ['returns_by_origin'],
    temps: ['rhi_by_episode', 'return_facts', 'ret_counts', 'ret_locality', 'ret_agg'],
  },
  '30_risk.sql': {
    reads: ['risk_assessments', 'periods'],
    temps: ['seraf_day', 'seraf_span', 'risk_reads', 'risk_dates', 'risk_state', 'risk_ids', 'risk_counts', 'risk_px'],
  },
  '40_identification.sql': {
    reads: [
      'episode_facts',
      'risk_assessments',
      'referrals',
      'nrm_referrals',
      'localities',
      'periods',
      'period_population',
      'ep_locality',
      'ret_locality',
      'risk_px',
    ],
    // missing_children, rhi_completed_72h_pct, children_at_risk (and its own cells).
    cellsOf: ['10_missing.sql', '20_return_interviews.sql', '30_risk.sql'],
    temps: ['met_events', 'met_groups', 'denominators', 'ref_x', 'nrm_x', 'profile_pop', 'loc_list'],
  },
  '50_places.sql': {
    reads: ['episode_facts', 'intelligence', 'disruptions', 'periods', 'localities'],
    temps: ['found_x', 'place_totals', 'cpi_x', 'dis_x'],
  },
  '60_data_quality.sql': {
    reads: [
      'refreshes',
      'refresh_files',
      'source_state',
      'missing_episodes',
      'return_interviews',
      'risk_assessments',
      'referrals',
      'nrm_referrals',
      'intelligence',
      'disruptions',
      'actions',
      'services',
      'population',
      'returns_by_origin',
    ],
    temps: ['completeness_counts'],
  },
  '70_action_plan.sql': {
    reads: ['actions'],
    makes: ['action_plan', 'action_plan_summary'],
  },
  '80_services.sql': {
    reads: ['services'],
    temps: ['service_periods', 'service_sums'],
  },
};

/** The step after the families: the published rule's protection (lib/audit/protect.ts). */
export const PROTECTION_STEP = 'published protection';

/**
 * What the protection reads besides periods: the figures the public may see, so those of
 * every family with a measure whose audience is not the analyst alone (lib/audit/protect.ts
 * builds the public's answers). It makes published_protected and published_protection_rule.
 */
export const PROTECTION_MAKES: readonly string[] = ['published_protected', 'published_protection_rule'];

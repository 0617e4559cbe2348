// A refresh of one source rebuilds only the measure families that depend on it and
// copies the others from the previous warehouse (etl/measurePlan.ts, model/measureInputs.ts):
// the figures it leaves are those a full rebuild of the same data makes, table for table,
// and the families it did not need were copied, not run.

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rebuildMeasures } from '../../etl/buildMeasures.js';
import { changedTables, load } from '../../etl/load.js';
import { WRITER_MARK } from '../../etl/writeWarehouse.js';
import { messages } from '../../lib/messages.js';
import { literal, openDb } from '../../lib/db.js';
import { buildParameters } from '../../model/parameters.js';
import { POPULATION, count, query, tempDir, writeFolder } from '../helpers.js';
import {
  CPI_HEADER,
  DISRUPTION_HEADER,
  NRM_HEADER,
  REFERRAL_HEADER,
  RHI_HEADER,
  RISK_HEADER,
  cpi,
  csv,
  disruption,
  ep,
  episodes,
  interview,
  nrm,
  referral,
  risk,
} from '../sql/fixture.js';

const ACTION_HEADER = ['action_id', 'priority', 'title', 'owner', 'due', 'rag', 'updated_at', 'progress'] as const;
const SERVICE_HEADER = [
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
] as const;

// Four episodes in 2025-Q1 (children aged 14), three returns in Southampton: E1, E2, E3.
const EPISODES = episodes(
  ep('E1', 'C1', '2025-01-10 09:00', '2025-01-10 21:00'),
  ep('E2', 'C2', '2025-02-05 10:00', '2025-02-06 08:00'),
  ep('E3', 'C3', '2025-02-20 12:00', '2025-02-20 20:00'),
  ep('E4', 'C4', '2025-03-03 09:00', '2025-03-03 18:00', { area: 'Portsmouth', locality: 'Fratton', found_locality: 'Fratton' }),
);
// First: E1 and E2 completed within 72 hours of their return, E3 declined: completed 2 of 3.
const INTERVIEWS = csv(RHI_HEADER, [
  interview({ rhi_id: 'R1', episode_id: 'E1', child_ref: 'C1', offered_at: '2025-01-11 10:00', completed_at: '2025-01-11 12:00' }),
  interview({ rhi_id: 'R2', episode_id: 'E2', child_ref: 'C2', offered_at: '2025-02-06 12:00', completed_at: '2025-02-07 09:00' }),
  interview({ rhi_id: 'R3', episode_id: 'E3', child_ref: 'C3', offered_at: '2025-02-21 09:00', outcome: 'declined' }),
]);
// Then: E2's interview declined too: completed 1 of 3 (E1), declined 2 of 3.
const INTERVIEWS_LATER = csv(RHI_HEADER, [
  interview({ rhi_id: 'R1', episode_id: 'E1', child_ref: 'C1', offered_at: '2025-01-11 10:00', completed_at: '2025-01-11 12:00' }),
  interview({ rhi_id: 'R2', episode_id: 'E2', child_ref: 'C2', offered_at: '2025-02-06 12:00', outcome: 'declined' }),
  interview({ rhi_id: 'R3', episode_id: 'E3', child_ref: 'C3', offered_at: '2025-02-21 09:00', outcome: 'declined' }),
]);
// Two actions, each with one update (both 'new'); the later file moves 1.1 from amber to green ('up').
const ACTIONS = csv(ACTION_HEADER, [
  { action_id: '1.1', priority: '1', title: 'Data set', owner: 'Analyst', due: 'April 2026', rag: 'amber', updated_at: '2025-01-31' },
  { action_id: '1.2', priority: '1', title: 'Training', owner: 'Chair', due: 'TBC', rag: 'red', updated_at: '2025-01-31' },
]);
const ACTIONS_LATER = csv(ACTION_HEADER, [
  { action_id: '1.1', priority: '1', title: 'Data set', owner: 'Analyst', due: 'April 2026', rag: 'green', updated_at: '2025-03-31' },
]);

const ALL = {
  'population.csv': POPULATION,
  'missing_episodes.csv': EPISODES,
  'return_interviews.csv': INTERVIEWS,
  'risk_assessments.csv': csv(RISK_HEADER, [
    risk({ assessment_id: 'RA1', child_ref: 'C1', assessed_at: '2025-01-15', level: 'medium' }),
    risk({ assessment_id: 'RA2', child_ref: 'C5', assessed_at: '2025-02-10', level: 'high', area: 'Portsmouth' }),
  ]),
  'referrals.csv': csv(REFERRAL_HEADER, [referral({ referral_id: 'RF1', child_ref: 'C2', received_at: '2025-02-01' })]),
  'nrm_referrals.csv': csv(NRM_HEADER, [nrm({ nrm_id: 'N1', child_ref: 'C3', referred_at: '2025-02-15' })]),
  'intelligence.csv': csv(CPI_HEADER, [
    cpi({ cpi_id: 'CPI1', submitted_at: '2025-01-20' }),
    cpi({ cpi_id: 'CPI2', submitted_at: '2025-03-01', area: 'Portsmouth', locality: 'Fratton' }),
  ]),
  'disruptions.csv': csv(DISRUPTION_HEADER, [disruption({ disruption_id: 'D1', locality: 'Bargate', action_date: '2025-02-14' })]),
  'actions.csv': ACTIONS,
  'services.csv': csv(SERVICE_HEADER, [
    {
      quarter: '2025-Q1',
      area: 'Southampton',
      service: 'return_interviews',
      provider: 'P',
      referrals_received: '10',
      referrals_accepted: '8',
      started_within_target: '6',
      target_days: '3',
      capacity: '12',
      waiting_at_end: '2',
    },
  ]),
};

/** Everything a build of the measures leaves in the warehouse. */
const BUILT = [
  'measures_version',
  'measure_cells',
  'measure_rows',
  'measures_built',
  'measure_parameters',
  'periods',
  'period_population',
  'episodes',
  'episode_facts',
  'action_plan',
  'action_plan_summary',
  'published_protected',
  'published_protection_rule',
];

/** Rows of each table in one warehouse and not the other (EXCEPT ALL, both ways), and its rows in the first. */
async function differences(a: string, b: string): Promise<Record<string, { rows: number; differ: number }>> {
  const db = await openDb(':memory:');
  try {
    await db.run(`ATTACH ${literal(a)} AS a (READ_ONLY); ATTACH ${literal(b)} AS b (READ_ONLY)`);
    const out: Record<string, { rows: number; differ: number }> = {};
    for (const t of BUILT) {
      const differ = await db.value<number>(`SELECT count(*) FROM ((FROM a.${t} EXCEPT ALL FROM b.${t}) UNION ALL (FROM b.${t} EXCEPT ALL FROM a.${t}))`);
      out[t] = { rows: Number(await db.value<number>(`SELECT count(*) FROM a.${t}`)), differ: Number(differ) };
    }
    return out;
  } finally {
    db.close();
  }
}

/** A full rebuild of the measures of a copy of the warehouse: the same data, nothing copied. */
async function fullRebuildOf(db: string): Promise<string> {
  const copy = join(tempDir('met-full-'), 'met.duckdb');
  copyFileSync(db, copy);
  const outcome = await rebuildMeasures(copy);
  expect(outcome.copied).toEqual([]);
  return copy;
}

/** Every built table the same in both, none of them empty. */
function expectSame(d: Record<string, { rows: number; differ: number }>): void {
  for (const [t, { rows, differ }] of Object.entries(d)) {
    expect(differ, `${t}: rows in one warehouse and not the other`).toBe(0);
    // published_protected may hold nothing at this size; every other table holds rows.
    if (t !== 'published_protected') expect(rows, `${t} holds rows`).toBeGreaterThan(0);
  }
}

const ALL_FAMILIES = [
  '10_missing.sql',
  '20_return_interviews.sql',
  '30_risk.sql',
  '40_identification.sql',
  '50_places.sql',
  '60_data_quality.sql',
  '70_action_plan.sql',
  '80_services.sql',
  'published protection',
];

async function refresh(db: string, files: Record<string, string>) {
  const steps: string[] = [];
  const inDir = writeFolder(join(tempDir('met-in-'), 'in'), files);
  const r = await load({ inDir, db, onMeasureStep: (step, how) => steps.push(`${step} ${how}`) });
  expect(r.report.status, JSON.stringify(r.report)).toBe('loaded');
  for (const f of r.report.files) expect(f.quarantined ?? 0, f.file).toBe(0);
  return { ...r, steps };
}

/** rhi_completed_72h_pct and rhi_declined_pct in 2025-Q1, Southampton, 0-17, as num/den. */
async function interviewFigures(db: string): Promise<string[]> {
  const rows = await query<{ measure: string; num: number; den: number }>(
    db,
    `SELECT measure, num, den FROM measure_cells WHERE measure IN ('rhi_completed_72h_pct', 'rhi_declined_pct')
       AND period_id = '2025-Q1' AND area = 'Southampton' AND scope = '0-17' AND breakdown = '' ORDER BY measure`,
  );
  return rows.map((r) => `${r.measure} ${r.num}/${r.den}`);
}

describe('a refresh of one source rebuilds only what depends on it', () => {
  let dir: string;
  let db: string;

  beforeAll(async () => {
    dir = tempDir('met-refresh-');
    db = join(dir, 'met.duckdb');
    const first = await refresh(db, ALL);
    // No previous warehouse: everything is built, from every table handed over.
    expect(first.notes.measures).toEqual({ rebuilt: ALL_FAMILIES, copied: [] });
    expect(first.notes.written?.from).toBe('empty');
    expect(first.notes.written?.tables).toHaveLength(16);
  });

  // A refresh whose only new data is actions.csv: the action plan and data quality rebuilt, the rest copied.
  const PLAN_AND_QUALITY_ONLY = {
    rebuilt: ['60_data_quality.sql', '70_action_plan.sql'],
    copied: ['10_missing.sql', '20_return_interviews.sql', '30_risk.sql', '40_identification.sql', '50_places.sql', '80_services.sql', 'published protection'],
  };

  it('actions.csv alone: the action plan and data quality are rebuilt, the rest copied; the figures are a full rebuild’s', async () => {
    const plan0 = await query<{ key: string; n: number }>(db, `SELECT key, n FROM action_plan_summary WHERE what = 'moved' ORDER BY key`);
    expect(plan0.map((r) => `${r.key} ${r.n}`)).toEqual(['new 2']);

    const r = await refresh(db, { 'actions.csv': ACTIONS_LATER });
    expect(r.notes.measures).toEqual(PLAN_AND_QUALITY_ONLY);
    // The writer started from a copy of the previous file: only what the refresh changed was handed over.
    expect(r.notes.written).toEqual({
      from: 'a copy of the previous file',
      tables: ['actions', 'quarantine', 'refresh_files', 'refreshes', 'source_state', 'warehouse_meta'],
    });
    // The copied families were not run: each step is heard once, as copied.
    expect(r.steps).toEqual([
      '00_common.sql built',
      '10_missing.sql copied',
      '20_return_interviews.sql copied',
      '30_risk.sql copied',
      '40_identification.sql copied',
      '50_places.sql copied',
      '60_data_quality.sql built',
      '70_action_plan.sql built',
      '80_services.sql copied',
      'published protection copied',
    ]);
    // The refresh did change what depends on it: 1.1 moved up (amber → green), 1.2 is still new.
    const plan1 = await query<{ key: string; n: number }>(db, `SELECT key, n FROM action_plan_summary WHERE what = 'moved' ORDER BY key`);
    expect(plan1.map((r) => `${r.key} ${r.n}`)).toEqual(['new 1', 'up 1']);
    // The sources not in the folder are kept once (4 episodes, 3 interviews), the actions
    // accumulate (2 + 1), the history holds both refreshes and each source's state once
    // (10 sources); warehouse_meta holds the key's fingerprint and the writer's mark.
    expect(await count(db, 'missing_episodes')).toBe(4);
    expect(await count(db, 'return_interviews')).toBe(3);
    expect(await count(db, 'actions')).toBe(3);
    expect(await count(db, 'refreshes')).toBe(2);
    expect(await count(db, 'source_state')).toBe(10);
    expect(await count(db, 'warehouse_meta')).toBe(2);

    expectSame(await differences(db, await fullRebuildOf(db)));
  });

  it('return_interviews.csv alone: 20, 40 and 60 are rebuilt (10 and 30 run for 40), places, the plan and provision copied; the figures are a full rebuild’s', async () => {
    expect(await interviewFigures(db)).toEqual(['rhi_completed_72h_pct 2/3', 'rhi_declined_pct 1/3']);
    const before = join(tempDir('met-before-'), 'met.duckdb');
    copyFileSync(db, before);
    const r = await refresh(db, { 'return_interviews.csv': INTERVIEWS_LATER });
    expect(r.notes.measures).toEqual({
      rebuilt: ['10_missing.sql', '20_return_interviews.sql', '30_risk.sql', '40_identification.sql', '60_data_quality.sql', 'published protection'],
      copied: ['50_places.sql', '70_action_plan.sql', '80_services.sql'],
    });
    expect(r.steps.filter((s) => s.endsWith('copied'))).toEqual(['50_places.sql copied', '70_action_plan.sql copied', '80_services.sql copied']);
    // E2's interview is declined now: completed 1 of 3, declined 2 of 3.
    expect(await interviewFigures(db)).toEqual(['rhi_completed_72h_pct 1/3', 'rhi_declined_pct 2/3']);

    expectSame(await differences(db, await fullRebuildOf(db)));
    // The comparison sees a difference where there is one: against the warehouse before
    // this refresh, the interview figures (rhi_completed_72h_pct and rhi_declined_pct of
    // each period and area of E2's return, in scopes 0-17 and 0-24) differ.
    const stale = await differences(db, before);
    expect(stale.measure_cells!.differ).toBeGreaterThan(0);
    expect(stale.episode_facts!.differ).toBe(0);
  });

  it('a refused file replaces nothing: its previous rows stay, and what reads its source is copied', async () => {
    const inDir = writeFolder(join(tempDir('met-in-'), 'in'), {
      'actions.csv': csv(ACTION_HEADER, [{ action_id: '1.2', priority: '1', title: 'Training', rag: 'amber', updated_at: '2025-04-30' }]),
      'return_interviews.csv': 'rhi_id,episode_id\nR9,E1\n',
    });
    const r = await load({ inDir, db });
    expect(r.report.status).toBe('loaded');
    expect(r.report.files.map((f) => `${f.file} ${f.status}`).sort()).toEqual(['actions.csv loaded', 'return_interviews.csv refused']);
    expect(r.notes.measures).toEqual(PLAN_AND_QUALITY_ONLY);
    // The interviews are the previous ones, emptied and copied back: 3, E2's declined.
    expect(await count(db, 'return_interviews')).toBe(3);
    expect(await interviewFigures(db)).toEqual(['rhi_completed_72h_pct 1/3', 'rhi_declined_pct 2/3']);
    expect(await count(db, 'actions')).toBe(4);
    expectSame(await differences(db, await fullRebuildOf(db)));
  });

  it('other parameters, or figures made by another build of the program: everything is rebuilt', async () => {
    const copy = join(tempDir('met-params-'), 'met.duckdb');
    copyFileSync(db, copy);
    await rebuildMeasures(copy, { ...buildParameters(), rhi_window_hours: 48 });
    const a = await refresh(copy, { 'actions.csv': ACTIONS_LATER });
    expect(a.notes.measures).toEqual({ rebuilt: ALL_FAMILIES, copied: [], full: 'other parameters' });

    const older = await openDb(copy);
    await older.run(`UPDATE measures_version SET version = 'an older build'`);
    older.close();
    const b = await refresh(copy, { 'actions.csv': ACTIONS_LATER });
    expect(b.notes.measures).toEqual({ rebuilt: ALL_FAMILIES, copied: [], full: 'another program build' });
  });

  it('a previous file written before the warehouse writer: nothing of it is read for the measures, which are built anew, once', async () => {
    const copy = join(tempDir('met-old-file-'), 'met.duckdb');
    copyFileSync(db, copy);
    expect(await query(copy, `SELECT value FROM warehouse_meta WHERE name = 'file_writer'`)).toEqual([{ value: WRITER_MARK }]);
    const older = await openDb(copy);
    await older.run(`DELETE FROM warehouse_meta WHERE name = 'file_writer'`);
    older.close();
    const a = await refresh(copy, { 'actions.csv': ACTIONS_LATER });
    expect(a.notes.warnings).toContain(messages.previousFileRewritten);
    expect(a.notes.measures).toEqual({ rebuilt: ALL_FAMILIES, copied: [] });
    expect(a.notes.written?.from).toBe('empty');
    expect(a.notes.written?.tables).toHaveLength(16);
    expect(await query(copy, `SELECT value FROM warehouse_meta WHERE name = 'file_writer'`)).toEqual([{ value: WRITER_MARK }]);
    // The file it wrote is the writer's: the next refresh copies again, and says nothing of it.
    const b = await refresh(copy, { 'actions.csv': ACTIONS_LATER });
    expect(b.notes.warnings).not.toContain(messages.previousFileRewritten);
    expect(b.notes.measures?.copied.length).toBeGreaterThan(0);
  });
});

describe('the tables a refresh changed (etl/load.ts changedTables)', () => {
  const key = { fingerprint: 'f1', prevFingerprint: 'f1' };
  it('the replaced sources, the localities with the population, and the refresh records', () => {
    expect([...changedTables(true, key, false, new Set(['population', 'ssda903_missing']))!].sort()).toEqual(
      ['localities', 'missing_episodes', 'population', 'quarantine', 'refresh_files', 'refreshes', 'source_state'].sort(),
    );
  });
  it('a full rebuild: no previous warehouse, --rekey, no fingerprint or another one', () => {
    expect(changedTables(false, key, false, new Set(['actions']))).toBeNull();
    expect(changedTables(true, key, true, new Set(['actions']))).toBeNull();
    expect(changedTables(true, { fingerprint: 'f1', prevFingerprint: null }, false, new Set(['actions']))).toBeNull();
    expect(changedTables(true, { fingerprint: 'f1', prevFingerprint: 'f0' }, false, new Set(['actions']))).toBeNull();
  });
});

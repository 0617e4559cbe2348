// services.csv through the loader: optional (a load without it works), checked like every
// other source (quarantine with file, line, column and reason; rows read = loaded +
// quarantined), carried forward when a refresh does not bring it, replaced when one does,
// kept when a new one is refused. Hostile rows: bad and negative numbers, accepted more
// than received, an unknown area, a repeated quarter/area/service/provider, formula-like
// text and a person's name in the wrong column, none of which may reach a message.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { load, type FileReport, type LoadReport } from '../../etl/load.js';
import { POPULATION, count, episodes, episode, query, tempDir, writeFolder } from '../helpers.js';

const HEADER = 'quarter,area,service,provider,referrals_received,referrals_accepted,started_within_target,target_days,capacity,waiting_at_end';
const file = (...lines: string[]) => [HEADER, ...lines].join('\n') + '\n';

// Planted values that must never reach a message, the report or the quarantine's reasons.
const NAME = 'Zebedee Quuxley';
const FORMULA = '=HYPERLINK("http://zzleak.example","ZZLEAK")';

// Line numbers: the header is line 1.
const HOSTILE = file(
  /* 2 good */ '2025-Q2,Portsmouth,cce_support,Catch22,40,36,15,10,20,25',
  /* 3 good, formula-like provider: text, kept */ `2025-Q2,Portsmouth,cse_support,"${FORMULA.replace(/"/g, '""')}",12,12,11,10,15,1`,
  /* 4 not a whole number */ '2025-Q2,Hampshire,cce_support,P,12.5,10,8,10,20,0',
  /* 5 negative */ '2025-Q2,Hampshire,cse_support,P,-3,0,0,10,20,0',
  /* 6 accepted > received */ '2025-Q2,Hampshire,nrm_advocacy,P,10,14,8,10,20,0',
  /* 7 started > accepted */ '2025-Q2,Hampshire,other,P,10,8,9,10,20,0',
  /* 8 unknown area: a person's name */ `2025-Q2,${NAME},cce_support,P,10,8,8,10,20,0`,
  /* 9 repeats line 2's key */ '2025-Q2,portsmouth,CCE support,Catch22,41,36,15,10,20,25',
  /* 10 a formula in a count */ '2025-Q2,Southampton,cce_support,P,=1+1,1,1,10,20,0',
  /* 11 a name as the service */ `2025-Q2,Southampton,${NAME},P,10,8,8,10,20,0`,
  /* 12 not a quarter */ '2025 Q5,Southampton,cse_support,P,10,8,8,10,20,0',
  /* 13 a quarter after the refresh */ '2027-Q3,Southampton,other,P,10,8,8,10,20,0',
  /* 14 target days out of range */ '2025-Q2,Isle of Wight,cce_support,P,10,8,8,400,20,0',
  /* 15 good, UK spelling of the service, lower-case quarter */ '2025-q2,Isle of Wight,missing from care,P,10,8,8,5,20,3',
);

const BASE = {
  'population.csv': POPULATION,
  'missing_episodes.csv': episodes(episode({ episode_id: 'E1', reported_at: '2025-05-01 10:00', returned_at: '2025-05-01 20:00' })),
};

const run = async (db: string, dir: string, files: Record<string, string>): Promise<LoadReport> => {
  const inDir = writeFolder(dir, files);
  const { report } = await load({ inDir, db, refreshDay: '2026-11-30' });
  return report;
};
const fileOf = (r: LoadReport, name: string): FileReport | undefined => r.files.find((f) => f.file === name);

let root: string;
let db: string;
let hostile: LoadReport;

beforeAll(async () => {
  root = tempDir('met-services-');
  db = join(root, 'met.duckdb');
  hostile = await run(db, join(root, 'in1'), { ...BASE, 'services.csv': HOSTILE });
});

describe('services.csv: hostile rows', () => {
  it('loads the good rows, quarantines each bad one under its reason, and loses nothing', async () => {
    const f = fileOf(hostile, 'services.csv')!;
    expect(hostile.status).toBe('loaded');
    expect(f.status).toBe('loaded');
    // 14 rows: lines 2, 3 and 15 load; 11 are quarantined.
    expect(f.read).toBe(14);
    expect(f.loaded).toBe(3);
    expect(f.quarantined).toBe(11);
    expect(f.reasons).toEqual({
      'not a whole number': 2, // lines 4 (12.5) and 10 (=1+1)
      'out of range': 2, // lines 5 (−3) and 14 (400 days)
      'referrals_accepted more than referrals_received': 1, // line 6
      'started_within_target more than referrals_accepted': 1, // line 7
      'unknown area': 1, // line 8
      'repeated key': 1, // line 9
      'unknown code': 1, // line 11
      'not a quarter': 1, // line 12
      'date in the future': 1, // line 13
    });
    expect(await count(db, 'services')).toBe(3);
  });

  it('says where and why, by line, column and reason', async () => {
    const q = await query<{ line: number; column: string; kind: string; reason: string }>(
      db,
      `SELECT line, "column", kind, reason FROM quarantine WHERE source = 'services' ORDER BY line`,
    );
    expect(q.map((x) => [x.line, x.column, x.kind])).toEqual([
      [4, 'referrals_received', 'not a whole number'],
      [5, 'referrals_received', 'out of range'],
      [6, 'referrals_accepted', 'referrals_accepted more than referrals_received'],
      [7, 'started_within_target', 'started_within_target more than referrals_accepted'],
      [8, 'area', 'unknown area'],
      [9, 'quarter', 'repeated key'],
      [10, 'referrals_received', 'not a whole number'],
      [11, 'service', 'unknown code'],
      [12, 'quarter', 'not a quarter'],
      [13, 'quarter', 'date in the future'],
      [14, 'target_days', 'out of range'],
    ]);
    const reason = (line: number) => q.find((x) => x.line === line)!.reason;
    expect(reason(4)).toBe('referrals_received is not a whole number (4 characters: digits and punctuation)');
    expect(reason(5)).toBe('referrals_received is outside the allowed range 0–2,147,483,647 (2 characters: digits and punctuation)');
    // Checked counts may be quoted: they are numbers the row's own check accepted.
    expect(reason(6)).toBe('referrals_accepted 14 is more than referrals_received 10: it is a part of it');
    expect(reason(7)).toBe('started_within_target 9 is more than referrals_accepted 8: it is a part of it');
    expect(reason(8)).toBe(
      'area is not a partnership area (15 characters: letters and spaces); the areas are Southampton, Portsmouth, Hampshire, Isle of Wight',
    );
    expect(reason(9)).toBe('quarter, area, service and provider together repeat an earlier row (line 2); the first row is kept');
    expect(reason(10)).toBe('referrals_received is not a whole number (4 characters: digits and punctuation)');
    expect(reason(12)).toBe(
      'quarter is not a calendar quarter (7 characters: letters, digits and spaces); write YYYY-Qn, for example 2025-Q3 for July to September 2025',
    );
    expect(reason(13)).toBe('quarter 2027-Q3 starts in the future (after 2026-12-01, the refresh day plus 1 day)');
  });

  it('no planted name or formula reaches the report, a reason or a quarantined row', async () => {
    const words = [
      JSON.stringify(hostile),
      JSON.stringify(await query(db, `SELECT * FROM quarantine`)),
      JSON.stringify(await query(db, `SELECT report FROM refreshes`)),
      JSON.stringify(await query(db, `SELECT * FROM measure_rows`)),
    ].join('\n');
    for (const m of ['Zebedee', 'Quuxley', 'ZZLEAK', 'HYPERLINK', '=1+1']) expect(words, m).not.toContain(m);
    // The name sent as an area or a service is nowhere in the warehouse file at all.
    const bytes = readFileSync(db).toString('latin1');
    expect(bytes).not.toContain('Zebedee');
    // A quarantined row keeps its checked values as checked and the rest by shape only.
    const [row] = await query<{ row_values: string }>(db, `SELECT row_values::VARCHAR AS row_values FROM quarantine WHERE line = 8`);
    expect(JSON.parse(row!.row_values)).toMatchObject({ quarter: '2025-Q2', area: '15 characters: letters and spaces', referrals_received: '10' });
  });

  it('the rows that load are stored checked: quarter upper case, service as its code', async () => {
    const rows = await query<{ quarter: string; area: string; service: string; referrals_received: number }>(
      db,
      `SELECT quarter, area, service, referrals_received FROM services ORDER BY area, service`,
    );
    expect(rows).toEqual([
      { quarter: '2025-Q2', area: 'Isle of Wight', service: 'missing_from_care', referrals_received: 10 },
      { quarter: '2025-Q2', area: 'Portsmouth', service: 'cce_support', referrals_received: 40 },
      { quarter: '2025-Q2', area: 'Portsmouth', service: 'cse_support', referrals_received: 12 },
    ]);
  });
});

describe('services.csv: optional, carried forward, replaced', () => {
  it('a load without services.csv works, and a later one without it keeps the services data and its quarantine', async () => {
    const d = join(root, 'cf.duckdb');
    const first = await run(d, join(root, 'cf1'), BASE);
    expect(first.status).toBe('loaded');
    expect(first.files.map((f) => f.file).sort()).toEqual(['missing_episodes.csv', 'population.csv']);
    expect(await count(d, 'services')).toBe(0);
    // The measures are built, and read 0 with nothing to count.
    const built = await query<{ n: number }>(d, `SELECT count(*) AS n FROM measures_built WHERE sql_file = '80_services.sql'`);
    expect(built[0]!.n).toBe(6);

    const second = await run(d, join(root, 'cf2'), { ...BASE, 'services.csv': HOSTILE });
    expect(fileOf(second, 'services.csv')!.loaded).toBe(3);
    // A refresh with other files only: services.csv's 3 rows and 11 quarantine records stay.
    const third = await run(d, join(root, 'cf3'), { 'missing_episodes.csv': BASE['missing_episodes.csv'] });
    expect(third.status).toBe('loaded');
    expect(fileOf(third, 'services.csv')).toBeUndefined();
    expect(await count(d, 'services')).toBe(3);
    const q = await query<{ n: number }>(d, `SELECT count(*) AS n FROM quarantine WHERE source = 'services'`);
    expect(q[0]!.n).toBe(11);
    const state = await query<{ file: string }>(d, `SELECT file FROM source_state WHERE source = 'services'`);
    expect(state).toEqual([{ file: 'services.csv' }]);

    // A refused services.csv (a required column missing) keeps the previous rows too.
    const refused = await run(d, join(root, 'cf4'), { 'services.csv': 'quarter,area,service\n2025-Q2,Portsmouth,cce_support\n' });
    expect(fileOf(refused, 'services.csv')!.status).toBe('refused');
    expect(fileOf(refused, 'services.csv')!.error).toBe(
      "services.csv has a header row without the required column 'referrals_received' (it names 3 of its 4 required columns); add it",
    );
    expect(await count(d, 'services')).toBe(3);

    // A new services.csv replaces the source: its one row, and no quarantine left of the old file.
    const replaced = await run(d, join(root, 'cf5'), { 'services.csv': file('2025-Q3,Hampshire,other,P,7,7,7,10,10,0') });
    expect(fileOf(replaced, 'services.csv')!.loaded).toBe(1);
    expect(await query(d, `SELECT quarter, area, service FROM services`)).toEqual([{ quarter: '2025-Q3', area: 'Hampshire', service: 'other' }]);
    const after = await query<{ n: number }>(d, `SELECT count(*) AS n FROM quarantine WHERE source = 'services'`);
    expect(after[0]!.n).toBe(0);
  });
});

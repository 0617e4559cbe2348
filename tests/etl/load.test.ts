// The load against the contract, one broken-row kind at a time, on small hand-made
// folders. Each test names the reason the contract asks for, the line and the column.
// Each test loads a folder of its own into a warehouse of its own, so they run side by
// side (describe.concurrent): a small load waits on DuckDB more than it computes.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { load } from '../../etl/load.js';
import { pseudonymise } from '../../etl/pseudonym.js';
import { POPULATION, TEST_KEY, count, episode, episodes, query, tempDir, writeFolder } from '../helpers.js';

interface Q {
  file: string;
  line: number;
  column: string | null;
  kind: string;
  reason: string;
  problems: string;
  row_values: string | null;
}

async function loadFolder(files: Record<string, string | Buffer>, opts: { area?: 'Isle of Wight'; refreshDay?: string } = {}) {
  const dir = tempDir();
  const inDir = writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, ...files });
  const db = join(dir, 'met.duckdb');
  const { report, notes } = await load({ inDir, db, ...opts });
  const quarantine = existsSync(db) ? await query<Q & Record<string, unknown>>(db, 'SELECT * FROM quarantine ORDER BY file, line') : [];
  const file = (name: string) => report.files.find((f) => f.file === name);
  return { dir, db, report, notes, quarantine, file };
}

/** The one quarantine record of a file, after checking the file's counts add up. */
async function onlyProblem(files: Record<string, string | Buffer>, name = 'missing_episodes.csv') {
  const r = await loadFolder(files);
  const f = r.file(name)!;
  expect(f.status).toBe('loaded');
  expect(f.read).toBe((f.loaded ?? 0) + (f.quarantined ?? 0));
  const q = r.quarantine.filter((x) => x.file === name);
  expect(q).toHaveLength(1);
  return { ...r, q: q[0]!, f };
}

describe.concurrent('row checks: each broken kind gets its reason, line and column', () => {
  it('impossible date', async () => {
    // Line 1 header, line 2 good, line 3 has 31/02/2010: February has no 31st.
    const { q, f } = await onlyProblem({
      'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E2', dob: '31/02/2010' })),
    });
    expect(q).toMatchObject({ line: 3, column: 'dob', kind: 'impossible date' });
    expect(q.reason).toBe('dob is not a real calendar date (10 characters: digits and punctuation)');
    expect(f).toMatchObject({ read: 2, loaded: 1, quarantined: 1, reasons: { 'impossible date': 1 } });
  });

  it('US-style date: 02/13/2025 is refused, 13/02/2025 is 13 February', async () => {
    const r = await onlyProblem({
      'missing_episodes.csv': episodes(
        episode({ reported_at: '13/02/2025 10:30', returned_at: '14/02/2025 08:00' }),
        episode({ episode_id: 'E2', reported_at: '02/13/2025 10:30', returned_at: '' }),
      ),
    });
    expect(r.q).toMatchObject({ line: 3, column: 'reported_at', kind: 'US-style date' });
    expect(r.q.reason).toContain('looks like a US month/day date');
    const rows = await query(r.db, `SELECT strftime(reported_at, '%Y-%m-%d %H:%M') AS t FROM missing_episodes`);
    expect(rows).toEqual([{ t: '2025-02-13 10:30' }]);
  });

  it('a time zone is not taken (the times are UK local times), and text after a date is not a date', async () => {
    const r = await loadFolder({
      'missing_episodes.csv': episodes(
        episode(),
        episode({ episode_id: 'E2', reported_at: '2025-03-01T10:00:00Z' }),
        episode({ episode_id: 'E3', reported_at: '2025-03-01T10:00+01:00' }),
        episode({ episode_id: 'E4', reported_at: '2025-03-01 11:00 BC' }),
      ),
    });
    expect(r.file('missing_episodes.csv')).toMatchObject({ read: 4, loaded: 1, quarantined: 3 });
    expect(r.quarantine.map((q) => [q.line, q.column, q.kind, q.reason])).toEqual([
      [
        3,
        'reported_at',
        'not a date',
        'reported_at has a time zone (20 characters: letters, digits and punctuation); write the UK local time without one (YYYY-MM-DD HH:MM)',
      ],
      [
        4,
        'reported_at',
        'not a date',
        'reported_at has a time zone (22 characters: letters, digits and punctuation); write the UK local time without one (YYYY-MM-DD HH:MM)',
      ],
      // Not "not a real calendar date": the date is real, what follows it is not a time.
      [
        5,
        'reported_at',
        'not a date',
        'reported_at is not a date and time (19 characters: letters, digits, spaces and punctuation); write YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM',
      ],
    ]);
  });

  it('missing required value', async () => {
    const { q } = await onlyProblem({ 'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E2', classification: '' })) });
    expect(q).toMatchObject({ line: 3, column: 'classification', kind: 'missing required value', reason: 'classification is required but empty' });
  });

  it('unknown code, matched case-insensitively and trimmed first', async () => {
    const r = await onlyProblem({
      'missing_episodes.csv': episodes(episode({ source: ' Social_Care ', classification: 'MISSING' }), episode({ episode_id: 'E2', classification: 'lost' })),
    });
    expect(r.q).toMatchObject({ line: 3, column: 'classification', kind: 'unknown code' });
    expect(r.q.reason).toBe('classification is not one of its codes (4 characters: letters); the codes are: missing, absent, away');
    expect(await query(r.db, 'SELECT source, classification FROM missing_episodes')).toEqual([{ source: 'social_care', classification: 'missing' }]);
  });

  it('date in the future: after the refresh day plus FUTURE_MARGIN_DAYS (1); the next day is fine', async () => {
    // The refresh is taken on 15 June 2025 (a fixed day, not the day the test runs): the latest
    // date a row may hold is 16 June; 17 June is in the future, at any hour.
    const r = await loadFolder(
      {
        'missing_episodes.csv': episodes(
          episode({ reported_at: '2025-06-16 23:59', returned_at: '' }),
          episode({ episode_id: 'E2', reported_at: '2025-06-17 09:00', returned_at: '' }),
          episode({ episode_id: 'E3', reported_at: '2025-03-02 09:00', returned_at: '2025-06-17 00:00' }),
        ),
      },
      { refreshDay: '2025-06-15' },
    );
    expect(r.file('missing_episodes.csv')).toMatchObject({ read: 3, loaded: 1, quarantined: 2, reasons: { 'date in the future': 2 } });
    expect(r.quarantine.map((q) => [q.line, q.column, q.kind])).toEqual([
      [3, 'reported_at', 'date in the future'],
      [4, 'returned_at', 'date in the future'],
    ]);
    expect(r.quarantine[0]!.reason).toBe('reported_at 2025-06-17 09:00 is in the future (after 2025-06-16, the refresh day plus 1 day)');
  });

  it('unknown area', async () => {
    const { q } = await onlyProblem({ 'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E2', area: 'Soton' })) });
    expect(q).toMatchObject({ line: 3, column: 'area', kind: 'unknown area' });
  });

  it('unknown locality; matching ignores case and spaces and reads & as and', async () => {
    const r = await onlyProblem({
      'missing_episodes.csv': episodes(
        episode({ locality: 'BITTERNE  park', found_locality: 'Drayton & Farlington' }),
        episode({ episode_id: 'E2', locality: 'Atlantis' }),
      ),
    });
    expect(r.q).toMatchObject({ line: 3, column: 'locality', kind: 'unknown locality' });
    expect(await query(r.db, 'SELECT locality, found_locality FROM missing_episodes')).toEqual([
      { locality: 'Bitterne Park', found_locality: 'Drayton and Farlington' },
    ]);
  });

  it('population.csv: a locality spelt otherwise (case, spaces, &) is the commonest spelling, so it neither renames the place nor escapes the key check', async () => {
    // POPULATION's lines 2–9, then: line 10 repeats line 2's key (2024 Southampton Bargate F 15) in
    // capitals; line 11 is a new key with Bargate spelt in lower case and a trailing space; line 12
    // writes Drayton & Farlington. Bargate's commonest spelling is Bargate (2 rows against 1 and 1).
    const r = await loadFolder({
      'population.csv': `${POPULATION}\n2024,Southampton,BARGATE,F,15,5\n2025,Southampton,bargate ,M,15,7\n2025,Portsmouth,Drayton & Farlington,F,15,9\n`,
      'missing_episodes.csv': episodes(episode()),
    });
    expect(r.file('population.csv')).toMatchObject({ read: 11, loaded: 10, quarantined: 1, reasons: { 'repeated key': 1 } });
    expect(r.quarantine.filter((q) => q.file === 'population.csv').map((q) => [q.line, q.kind, q.reason])).toEqual([
      [10, 'repeated key', 'year, area, locality, sex and age together repeat an earlier row (line 2); the first row is kept'],
    ]);
    expect(await query(r.db, `SELECT locality, count(*) AS n, sum(population)::INTEGER AS people FROM population GROUP BY 1 ORDER BY 1`)).toEqual([
      { locality: 'Bargate', n: 3, people: 217 },
      { locality: 'Bitterne Park', n: 1, people: 90 },
      { locality: 'Drayton and Farlington', n: 2, people: 79 },
      { locality: 'Eastleigh', n: 1, people: 300 },
      { locality: 'Fratton', n: 1, people: 80 },
      { locality: 'Portswood', n: 1, people: 95 },
      { locality: 'Ryde', n: 1, people: 60 },
    ]);
    expect(await query(r.db, `SELECT locality FROM localities WHERE area = 'Southampton' ORDER BY 1`)).toEqual([
      { locality: 'Bargate' },
      { locality: 'Bitterne Park' },
      { locality: 'Portswood' },
    ]);
  });

  it('a SERAF locality must belong to the assessment’s area', async () => {
    const header = 'assessment_id,child_ref,dob,area,locality,agency,assessed_at,exploitation_type,level';
    const { q } = await onlyProblem(
      {
        'risk_assessments.csv': [
          header,
          'A1,SC1,2010-01-01,Southampton,Bargate,police,2025-01-01,CSE,low',
          'A2,SC2,2010-01-01,Southampton,Fratton,police,2025-01-01,CSE,low',
        ].join('\n'),
      },
      'risk_assessments.csv',
    );
    expect(q).toMatchObject({
      line: 3,
      column: 'locality',
      kind: 'unknown locality',
      reason: 'locality is not a locality of Southampton in population.csv (7 characters: letters)',
    });
  });

  it('return before report', async () => {
    const { q } = await onlyProblem({
      'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E2', reported_at: '2025-03-02 09:00', returned_at: '2025-03-01 10:00' })),
    });
    expect(q).toMatchObject({ line: 3, column: 'returned_at', kind: 'returned_at before reported_at' });
    expect(q.reason).toBe('returned_at 2025-03-01 10:00 is before reported_at 2025-03-02 09:00');
  });

  it('return before report within the same minute: the seconds are said', async () => {
    const { q } = await onlyProblem({
      'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E2', reported_at: '2025-03-02 09:00:40', returned_at: '2025-03-02 09:00:10' })),
    });
    expect(q.reason).toBe('returned_at 2025-03-02 09:00:10 is before reported_at 2025-03-02 09:00:40');
    // Within the second: the milliseconds.
    const { q: q2 } = await onlyProblem({
      'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E2', reported_at: '2025-03-02 09:00:30.7', returned_at: '2025-03-02 09:00:30.2' })),
    });
    expect(q2.reason).toBe('returned_at 2025-03-02 09:00:30.200 is before reported_at 2025-03-02 09:00:30.700');
  });

  it('repeated key keeps the first row that passes every other check', async () => {
    // Line 2: E1 with a bad date (quarantined); line 3: E1 good (kept, the first clean one);
    // line 4: E1 again (repeated key, pointing at line 3).
    const r = await loadFolder({
      'missing_episodes.csv': episodes(episode({ dob: '2010-02-30' }), episode({ child_ref: 'SC0000002' }), episode({ child_ref: 'SC0000003' })),
    });
    const q = r.quarantine.filter((x) => x.file === 'missing_episodes.csv');
    expect(q.map((x) => [x.line, x.kind])).toEqual([
      [2, 'impossible date'],
      [4, 'repeated key'],
    ]);
    expect(q[1]!.reason).toBe('episode_id repeats an earlier row (line 3); the first row is kept');
    const kept = await query(r.db, 'SELECT child_pseudonym FROM missing_episodes');
    expect(kept).toEqual([{ child_pseudonym: pseudonymise(Buffer.from(TEST_KEY), 'SC0000002') }]);
  });

  it('interview naming an unknown episode', async () => {
    const { q, f } = await onlyProblem(
      {
        'missing_episodes.csv': episodes(episode()),
        'return_interviews.csv':
          'rhi_id,episode_id,child_ref,offered_at,completed_at,outcome\nR1,E1,SC0000001,2025-03-03 10:00,2025-03-03 11:00,completed\nR2,E404,SC0000001,,,declined\n',
      },
      'return_interviews.csv',
    );
    expect(q).toMatchObject({
      line: 3,
      column: 'episode_id',
      kind: 'unknown episode',
      reason: 'episode_id does not name a loaded missing episode (4 characters: letters and digits)',
    });
    expect(f.absent_columns).toEqual(['provider', 'exploitation_disclosed']);
  });

  it('an interview naming an episode that was itself quarantined is quarantined too', async () => {
    const r = await loadFolder({
      // E1 is quarantined, E2 loads: a file whose every row is quarantined would be refused whole.
      'missing_episodes.csv': episodes(episode({ classification: 'lost' }), episode({ episode_id: 'E2' })),
      'return_interviews.csv': 'rhi_id,episode_id,child_ref,outcome\nR1,E1,SC0000001,declined\nR2,E2,SC0000001,declined\n',
    });
    expect(r.quarantine.map((x) => [x.file, x.kind])).toEqual([
      ['missing_episodes.csv', 'unknown code'],
      ['return_interviews.csv', 'unknown episode'],
    ]);
  });

  it('date of birth after the event', async () => {
    const { q } = await onlyProblem({ 'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E2', dob: '2025-04-01' })) });
    expect(q).toMatchObject({ line: 3, column: 'dob', kind: 'date of birth after the event', reason: 'dob 2025-04-01 is after reported_at 2025-03-02' });
  });

  it('age over 24 at the event; 24 on the day before the 25th birthday is still in remit', async () => {
    // dob 2000-03-02: on 2025-03-02 they turn 25 (out); dob 2000-03-03: 24 until the next day (in).
    const r = await loadFolder({
      'missing_episodes.csv': episodes(episode({ dob: '2000-03-03' }), episode({ episode_id: 'E2', dob: '2000-03-02' })),
    });
    const q = r.quarantine.filter((x) => x.file === 'missing_episodes.csv');
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ line: 3, kind: 'age over 24 at the event' });
    expect(q[0]!.reason).toContain('age at reported_at is 25');
  });

  it('SERAF row with neither level nor score; a score alone gives the level', async () => {
    const header = 'assessment_id,child_ref,dob,area,agency,assessed_at,exploitation_type,score,level';
    const r = await onlyProblem(
      {
        'risk_assessments.csv': [
          header,
          'A1,SC1,2010-01-01,Southampton,police,2025-01-01,CSE,12,', // score 12 → medium (11–15)
          'A2,SC2,2010-01-01,Southampton,police,2025-01-01,CCE,,',
          'A3,SC3,2010-01-01,Southampton,police,2025-01-01,both,3,significant', // recorded level stands: high
          'A4,SC4,2010-01-01,Southampton,police,2025-01-01,CSE,,2', // 2 = mild = low
        ].join('\n'),
      },
      'risk_assessments.csv',
    );
    expect(r.q).toMatchObject({ line: 3, column: 'level', kind: 'no SERAF level or score' });
    const rows = await query(r.db, 'SELECT assessment_id, level, level_derived FROM risk_assessments ORDER BY 1');
    expect(rows).toEqual([
      { assessment_id: 'A1', level: 'medium', level_derived: true },
      { assessment_id: 'A3', level: 'high', level_derived: false },
      { assessment_id: 'A4', level: 'low', level_derived: false },
    ]);
  });

  it('flags accept Y/Yes/true/1 and N/No/false/0, U and empty mean not known', async () => {
    const rows = ['Y', 'Yes', 'true', '1', 'N', 'no', 'FALSE', '0', 'U', ''].map((v, i) => episode({ episode_id: `E${i}`, disability: v }));
    rows.push(episode({ episode_id: 'EX', disability: 'maybe' }));
    const r = await loadFolder({ 'missing_episodes.csv': episodes(...rows) });
    const got = await query(r.db, `SELECT episode_id, disability FROM missing_episodes ORDER BY episode_id`);
    expect(got.map((g) => g.disability)).toEqual([true, true, true, true, false, false, false, false, null, null]);
    expect(r.quarantine.map((q) => [q.line, q.kind])).toEqual([[12, 'not a Y/N flag']]);
  });

  it('a row with every problem lists them all and counts under the first', async () => {
    const r = await onlyProblem({
      'missing_episodes.csv': episodes(episode({ episode_id: 'E0' }), episode({ dob: '2010-13-01', area: 'Mars', classification: 'x' })),
    });
    const problems = JSON.parse(r.q.problems) as { column: string; kind: string }[];
    expect(problems.map((p) => p.kind)).toEqual(['impossible date', 'unknown area', 'unknown code']);
    expect(r.f.reasons).toEqual({ 'impossible date': 1 });
  });
});

describe.concurrent('file shape', () => {
  it('BOM, CRLF, odd header spelling, quoted commas and newlines: lines are physical lines', async () => {
    const header = '\uFEFFEpisode ID, Source ,CHILD_REF,DOB,Area,Locality,Classification,Reported At,Returned_At';
    const body = [
      'E1,police,SC1,2010-01-01,Southampton,"Bargate",missing,2025-01-01 10:00,2025-01-01 12:00',
      // A quoted newline: this record spans lines 3–4 (and matching ignores the line break as space).
      'E2,police,SC2,2010-01-01,Southampton,"Bar\r\ngate",missing,2025-01-01 10:00,',
      'E3,police,SC3,2010-01-01,Southampton,Bargate,lost,2025-01-01 10:00,', // line 5
    ];
    const r = await loadFolder({ 'missing_episodes.csv': [header, ...body].join('\r\n') + '\r\n' });
    expect(r.quarantine.map((q) => [q.line, q.kind])).toEqual([[5, 'unknown code']]);
    expect(r.file('missing_episodes.csv')).toMatchObject({ read: 3, loaded: 2, quarantined: 1 });
    expect(await query(r.db, 'SELECT DISTINCT locality FROM missing_episodes')).toEqual([{ locality: 'Bargate' }]);
  });

  it('a line with the wrong number of values is quarantined as malformed, without its values', async () => {
    const r = await loadFolder({ 'missing_episodes.csv': episodes(episode(), 'E2,police,SC0000002,2010-01-01', episode({ episode_id: 'E3' })) });
    expect(r.quarantine.map((q) => [q.line, q.kind, q.row_values])).toEqual([[3, 'malformed line', null]]);
    expect(r.file('missing_episodes.csv')).toMatchObject({ read: 3, loaded: 2, quarantined: 1 });
  });

  it('a direct-identifier column is dropped before storage and named in the report', async () => {
    const csv =
      'episode_id,source,child_ref,child_name,dob,area,classification,reported_at,Notes\nE1,police,SC0000001,Ada Lovelace,2010-01-01,Southampton,missing,2025-01-01 10:00,seen with Bob Smith\n';
    const r = await loadFolder({ 'missing_episodes.csv': csv });
    expect(r.file('missing_episodes.csv')!.dropped_columns).toEqual(['child_name', 'Notes']);
    expect(r.notes.identifiers['missing_episodes.csv']).toEqual(['child_name', 'Notes']);
    const cols = await query(r.db, `SELECT column_name FROM duckdb_columns() WHERE table_name = 'missing_episodes'`);
    expect(cols.map((c) => c.column_name)).not.toContain('child_name');
  });

  it('a Windows-1252 file is detected and converted, never loaded as mojibake', async () => {
    // "Barnardo’s – £5 café" in Windows-1252: ’ = 0x92, – = 0x96, £ = 0xA3, é = 0xE9.
    const text = 'rhi_id,episode_id,child_ref,outcome,provider\nR1,E1,SC0000001,completed,Barnardo’s – £5 café\n';
    const bytes = Buffer.from([...text].map((ch) => ({ '’': 0x92, '–': 0x96, '£': 0xa3, é: 0xe9 })[ch] ?? ch.charCodeAt(0)));
    const r = await loadFolder({ 'missing_episodes.csv': episodes(episode()), 'return_interviews.csv': bytes });
    expect(r.notes.converted).toEqual(['return_interviews.csv']);
    expect(await query(r.db, 'SELECT provider FROM return_interviews')).toEqual([{ provider: 'Barnardo’s – £5 café' }]);
    expect(await query(r.db, `SELECT encoding FROM refresh_files WHERE file = 'return_interviews.csv'`)).toEqual([{ encoding: 'windows-1252' }]);
  });

  it('bytes that are neither UTF-8 nor Windows-1252 refuse the file', async () => {
    const r = await loadFolder({ 'missing_episodes.csv': Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x81, 0x2c, 0x8d, 0x0a]) });
    expect(r.file('missing_episodes.csv')).toMatchObject({ status: 'refused' });
    expect(r.file('missing_episodes.csv')!.error).toContain('neither UTF-8 nor Windows-1252');
  });

  it('a file missing a required column is refused and its source keeps its previous data', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const first = writeFolder(join(dir, 'a'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(episode(), episode({ episode_id: 'E2' })) });
    expect((await load({ inDir: first, db })).report.status).toBe('loaded');
    const second = writeFolder(join(dir, 'b'), {
      'missing_episodes.csv': 'episode_id,source,child_ref,dob,area,classification\nE9,police,SC9,2010-01-01,Southampton,missing\n',
      'disruptions.csv': 'disruption_id,offender_ref,area,action_date,action_type,theme\nD1,OF0000001,Hampshire,2025-02-01,arrest,CCE\n',
    });
    const { report } = await load({ inDir: second, db });
    expect(report.status).toBe('loaded');
    const refused = report.files.find((f) => f.file === 'missing_episodes.csv')!;
    expect(refused.status).toBe('refused');
    expect(refused.error).toBe(
      "missing_episodes.csv has a header row without the required column 'reported_at' (it names 6 of its 7 required columns); add it",
    );
    expect(await count(db, 'missing_episodes')).toBe(2);
    expect(await count(db, 'disruptions')).toBe(1);
    expect(await count(db, 'population')).toBe(8); // the eight data rows of POPULATION
  });

  it('a file with a header but no rows is refused, so its source is not wiped', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    await load({ inDir: writeFolder(join(dir, 'a'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(episode()) }), db });
    const { report } = await load({ inDir: writeFolder(join(dir, 'b'), { 'missing_episodes.csv': episodes() }), db });
    expect(report.files[0]).toMatchObject({ status: 'refused' });
    expect(report.files[0]!.error).toContain('has a header but no rows');
    expect(await count(db, 'missing_episodes')).toBe(1);
  });

  it('the warehouse file is readable by its owner only', async () => {
    const r = await loadFolder({ 'missing_episodes.csv': episodes(episode()) });
    expect(statSync(r.db).mode & 0o777).toBe(0o600);
  });

  it('an unknown file is refused, named only by its length (a name could be a child’s), and the rest of the folder loads', async () => {
    const r = await loadFolder({ 'nrm.csv': 'x\n1\n', 'missing_episodes.csv': episodes(episode()) });
    expect(r.report.status).toBe('loaded');
    expect(r.file('an unknown file (a name of 7 characters)')).toMatchObject({ status: 'refused' });
    expect(r.file('an unknown file (a name of 7 characters)')!.error).toMatch(
      /^an unknown file \(a name of 7 characters\) is not a file of the contract \(expected one of population\.csv, /,
    );
    expect(await query(r.db, `SELECT file FROM refresh_files WHERE status = 'refused'`)).toEqual([{ file: 'an unknown file (a name of 7 characters)' }]);
    expect(await count(r.db, 'missing_episodes')).toBe(1);
  });

  it('population.csv naming one locality in two areas is refused', async () => {
    const r = await loadFolder({ 'population.csv': POPULATION + '\n2024,Hampshire,Bargate,F,15,10\n' });
    expect(r.file('population.csv')).toMatchObject({ status: 'refused' });
    // The refusal is stored in refresh_files, so it names lines (2: Southampton, 10: Hampshire), not the file's values.
    expect(r.file('population.csv')!.error).toBe(
      'population.csv names 1 locality in two areas (for example on lines 2 and 10); locality names must be unique across the four areas',
    );
  });

  it('a first load without population.csv warns that every locality is unknown', async () => {
    const dir = tempDir();
    const { notes, report } = await load({ inDir: writeFolder(join(dir, 'in'), { 'missing_episodes.csv': episodes(episode()) }), db: join(dir, 'met.duckdb') });
    // Its only row is quarantined, so the file is refused (nothing to wipe here, but the rule is the same).
    expect(report.files[0]).toMatchObject({ status: 'refused' });
    expect(report.files[0]!.error).toContain('(reason: unknown locality)');
    expect(notes.warnings[0]).toMatch(/^No population.csv has been loaded yet/);
  });

  it('a folder with no contract file fails the refresh', async () => {
    const dir = tempDir();
    const inDir = writeFolder(join(dir, 'in'), { 'notes.csv': 'a\n1\n' });
    const { report } = await load({ inDir, db: join(dir, 'met.duckdb') });
    expect(report.status).toBe('failed');
    expect(existsSync(join(dir, 'met.duckdb'))).toBe(false);
  });
});

describe.concurrent('the action plan accumulates', () => {
  it('adds new (action_id, updated_at) rows, keeps older ones, and a repeated load adds nothing', async () => {
    const dir = tempDir();
    const db = join(dir, 'met.duckdb');
    const header = 'action_id,priority,title,rag,updated_at';
    const a = writeFolder(join(dir, 'a'), { 'actions.csv': `${header}\n1.1,1,Data set,amber,2025-01-01\n1.2,1,Evaluate,amber,2025-01-01\n` });
    const b = writeFolder(join(dir, 'b'), { 'actions.csv': `${header}\n1.1,1,Data set,green,2025-07-01\n1.2,1,Evaluate,amber,2025-01-01\n` });
    await load({ inDir: a, db });
    const second = await load({ inDir: b, db });
    expect(second.report.files[0]).toMatchObject({ read: 2, loaded: 2, quarantined: 0 });
    await load({ inDir: b, db });
    expect(await query(db, `SELECT action_id, rag, strftime(updated_at, '%Y-%m-%d') AS d FROM actions ORDER BY 1, 3`)).toEqual([
      { action_id: '1.1', rag: 'amber', d: '2025-01-01' },
      { action_id: '1.1', rag: 'green', d: '2025-07-01' },
      { action_id: '1.2', rag: 'amber', d: '2025-01-01' },
    ]);
  });
});

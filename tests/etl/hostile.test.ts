// Hostile and broken partner files, through the real `met load` command on top of a
// previous good warehouse. Every file is made here, at test time, and is small.
//
// For each kind of broken file: the exit code; rows read = loaded + quarantined for
// every file that loaded; the previous data of a refused file's source intact; and no
// raw reference or name planted in the inputs anywhere: not on stdout or stderr, not in
// the report, the failed-refresh log, any table of the warehouse or its file's bytes.
//
// Kinds are grouped, one source per kind within a group, so that a group is one load
// (a load costs seconds, most of it building the measures) and the suite stays fast.

import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { literal } from '../../lib/db.js';
import { load, type FileReport, type LoadReport } from '../../etl/load.js';
import { QUARANTINE_REASONS, sourceByFile } from '../../etl/contract.js';
import { pseudonymise } from '../../etl/pseudonym.js';
import { EPISODE_HEADER, POPULATION, TEST_KEY, count, episode, query, tempDir, writeFolder } from '../helpers.js';

const BIN = join(import.meta.dirname, '../../dist/cli/met.js');

// Planted in the inputs; none may appear in any output. References are pseudonymised,
// names are in columns outside the contract or in lines that are never read as rows.
const REF = (n: number) => `ZZREF${String(n).padStart(5, '0')}`;
const OFF = (n: number) => `ZZOFF${String(n).padStart(5, '0')}`;
const NAME = 'Zebedee Quuxley';
const ADDRESS = '12 Quux Lane';
const NHS = '9990001112';
// ZZLEAK: references and names sent in a column that is not a reference column.
const MARKERS = ['ZZREF', 'ZZOFF', 'ZZLEAK', 'Zebedee', 'Quuxley', 'Quux Lane', NHS];

type Src = 'missing_episodes' | 'referrals' | 'risk_assessments' | 'nrm_referrals' | 'intelligence' | 'return_interviews' | 'disruptions';

/** A valid row of each source, numbered; every person reference is a marker. */
const TEMPLATE: Record<Src, { header: string; row: (i: number) => string }> = {
  missing_episodes: { header: EPISODE_HEADER, row: (i) => episode({ episode_id: `E${i}`, child_ref: REF(i) }) },
  referrals: {
    header: 'referral_id,child_ref,dob,area,locality,received_at,referrer',
    row: (i) => `F${i},${REF(100 + i)},2010-01-01,Southampton,Bargate,2025-02-01,police`,
  },
  risk_assessments: {
    header: 'assessment_id,child_ref,dob,area,agency,assessed_at,exploitation_type,level',
    row: (i) => `A${i},${REF(200 + i)},2010-01-01,Portsmouth,police,2025-02-01,CCE,high`,
  },
  nrm_referrals: {
    header: 'nrm_id,child_ref,dob,area,referred_at,first_responder,exploitation_type',
    row: (i) => `N${i},${REF(300 + i)},2009-01-01,Hampshire,2025-02-01,police,criminal`,
  },
  intelligence: {
    header: 'cpi_id,submitted_at,agency,area,locality,theme,child_ref,offender_ref',
    row: (i) => `C${i},2025-02-01,police,Southampton,Bargate,CCE,${REF(400 + i)},${OFF(i)}`,
  },
  return_interviews: { header: 'rhi_id,episode_id,child_ref,outcome', row: (i) => `R${i},E1,${REF(1)},completed` },
  disruptions: { header: 'disruption_id,offender_ref,area,action_date,action_type,theme', row: (i) => `D${i},${OFF(100 + i)},Hampshire,2025-02-01,arrest,CCE` },
};
/** The line and reason of each row of `file` in the quarantine. */
const reasonsOf = (db: string, file: string) => query(db, `SELECT line, reason FROM quarantine WHERE file = ${literal(file)} ORDER BY line`);
const rows = (src: Src, n: number, from = 1) => Array.from({ length: n }, (_, k) => TEMPLATE[src].row(from + k));
const good = (src: Src, n: number, from = 1) => [TEMPLATE[src].header, ...rows(src, n, from)].join('\n') + '\n';
const csv = (header: string, ...lines: string[]) => [header, ...lines].join('\n') + '\n';

const TABLE: Record<string, string> = {
  population: 'population',
  missing_episodes: 'missing_episodes',
  ssda903_missing: 'missing_episodes',
  referrals: 'referrals',
  risk_assessments: 'risk_assessments',
  nrm_referrals: 'nrm_referrals',
  intelligence: 'intelligence',
  return_interviews: 'return_interviews',
  disruptions: 'disruptions',
};

/** The previous good warehouse every group loads on top of, and its table counts. */
const BASE_FILES = {
  'population.csv': POPULATION,
  'missing_episodes.csv': good('missing_episodes', 3),
  'referrals.csv': good('referrals', 2),
  'risk_assessments.csv': good('risk_assessments', 2),
  'nrm_referrals.csv': good('nrm_referrals', 2),
  'intelligence.csv': good('intelligence', 2),
  'return_interviews.csv': good('return_interviews', 1),
  'disruptions.csv': good('disruptions', 1),
};
const BASE_COUNTS: Record<string, number> = {
  population: 8,
  missing_episodes: 3,
  referrals: 2,
  risk_assessments: 2,
  nrm_referrals: 2,
  intelligence: 2,
  return_interviews: 1,
  disruptions: 1,
  quarantine: 0,
};

type Entry = string | Buffer | ((path: string, dir: string) => void);

interface Expect {
  status: 'loaded' | 'refused';
  /** For a refused file, what its error must say (after the file name). */
  error?: RegExp;
  read?: number;
  loaded?: number;
  reasons?: Record<string, number>;
  dropped?: string[];
  /** Further checks on the new warehouse. */
  check?: (db: string, f: FileReport) => Promise<void>;
}

interface Kind {
  kind: string;
  files: Record<string, Entry>;
  /** By file name as the report gives it. */
  expect: Record<string, Expect>;
}

interface Group {
  name: string;
  kinds: Kind[];
  area?: string;
  /** Run the command as this user (for a file root could read whatever its mode). */
  uid?: number;
}

// ---------------------------------------------------------------------------------
// The kinds of broken file.

const headerless =
  rows('missing_episodes', 3, 50)
    .map((r, i) => (i === 0 ? `${r},${NAME}` : r))
    .join('\n') + '\n';

const GROUPS: Group[] = [
  {
    name: 'headers',
    kinds: [
      {
        kind: 'no header row: the first line is a child’s record',
        files: { 'missing_episodes.csv': headerless },
        expect: {
          'missing_episodes.csv': {
            status: 'refused',
            error:
              /^missing_episodes\.csv has no header row that names its required columns \(episode_id, source, child_ref, dob, area, classification, reported_at\): the first line does not look like a header/,
          },
        },
      },
      {
        kind: 'separated by semicolons (Excel in another locale)',
        files: { 'population.csv': POPULATION.replaceAll(',', ';') + '\n' },
        expect: {
          'population.csv': {
            status: 'refused',
            error: /^population\.csv has its values separated by semicolons, not commas: save it from Excel as "CSV UTF-8 \(Comma delimited\)"/,
          },
        },
      },
      {
        kind: 'header only',
        files: { 'referrals.csv': TEMPLATE.referrals.header + '\n' },
        expect: { 'referrals.csv': { status: 'refused', error: /has a header but no rows/ } },
      },
      { kind: 'empty file', files: { 'risk_assessments.csv': '' }, expect: { 'risk_assessments.csv': { status: 'refused', error: /is empty/ } } },
      {
        kind: 'a header with only some required columns',
        files: { 'nrm_referrals.csv': csv('nrm_id,child_ref,dob,area', `N9,${REF(999)},2009-01-01,Hampshire`) },
        expect: {
          'nrm_referrals.csv': {
            status: 'refused',
            error:
              /^nrm_referrals\.csv has a header row without the required columns 'referred_at', 'first_responder', 'exploitation_type' \(it names 4 of its 7 required columns\)/,
          },
        },
      },
      {
        kind: 'duplicate column names',
        files: { 'intelligence.csv': csv(TEMPLATE.intelligence.header + ',Locality', ...rows('intelligence', 2).map((r) => r + ',Bargate')) },
        expect: { 'intelligence.csv': { status: 'refused', error: /has two columns named 'locality'/ } },
      },
      {
        kind: 'an extremely long first line (300 KB, no line break)',
        files: { 'return_interviews.csv': Array.from({ length: 20_000 }, (_, i) => `${REF(i)},${NAME}`).join(',') },
        expect: { 'return_interviews.csv': { status: 'refused', error: /has a first line longer than 262,144 bytes/ } },
      },
      {
        kind: 'unknown file name (shown by its length only)',
        files: { 'children.csv': csv('child_ref,name', `${REF(7)},${NAME}`) },
        expect: {
          'an unknown file (a name of 12 characters)': {
            status: 'refused',
            error: /^an unknown file \(a name of 12 characters\) is not a file of the contract \(expected one of population\.csv, /,
          },
        },
      },
    ],
  },
  {
    name: 'the file system',
    kinds: [
      {
        kind: 'a symbolic link to a file outside the folder',
        files: {
          'missing_episodes.csv': (path, dir) => {
            const outside = join(dir, 'outside');
            mkdirSync(outside, { recursive: true });
            writeFileSync(join(outside, `${NAME}.csv`), good('missing_episodes', 2, 60));
            symlinkSync(join(outside, `${NAME}.csv`), path);
          },
        },
        expect: { 'missing_episodes.csv': { status: 'refused', error: /^missing_episodes\.csv is a symbolic link; links are not followed/ } },
      },
      {
        kind: 'a dangling symbolic link',
        files: { 'referrals.csv': (path) => symlinkSync(`/nonexistent/${NAME}/${REF(8)}.csv`, path) },
        expect: { 'referrals.csv': { status: 'refused', error: /is a symbolic link/ } },
      },
      {
        kind: 'a folder named like a file',
        files: {
          'risk_assessments.csv': (path) => {
            mkdirSync(path);
            writeFileSync(join(path, 'inside.csv'), good('risk_assessments', 2, 70));
          },
        },
        expect: { 'risk_assessments.csv': { status: 'refused', error: /^risk_assessments\.csv is a folder, not a file$/ } },
      },
      {
        kind: 'a named pipe named like a file (reading it would wait for ever)',
        files: { 'nrm_referrals.csv': (path) => execFileSync('mkfifo', [path]) },
        expect: { 'nrm_referrals.csv': { status: 'refused', error: /is not a regular file/ } },
      },
      {
        kind: 'two files whose names differ only in case',
        files: { 'intelligence.csv': good('intelligence', 1, 80), 'Intelligence.CSV': good('intelligence', 3, 90) },
        expect: {
          'intelligence.csv': {
            status: 'refused',
            error: /^Intelligence\.CSV and intelligence\.csv both name intelligence\.csv \(their names differ only in case\), so none of them was loaded/,
          },
          'Intelligence.CSV': { status: 'refused', error: /^Intelligence\.CSV and intelligence\.csv both name intelligence\.csv/ },
        },
      },
      {
        kind: 'an SSDA903 return without --area',
        files: { 'ssda903_missing.csv': csv('CHILD,DOB,MISSING,MIS_START,MIS_END', `${REF(500)},01/01/2010,M,01/02/2025,02/02/2025`) },
        expect: { 'ssda903_missing.csv': { status: 'refused', error: /load it with --area/ } },
      },
    ],
  },
  {
    name: 'encodings',
    kinds: [
      {
        kind: 'UTF-16 (Excel’s "Unicode Text")',
        files: { 'missing_episodes.csv': Buffer.from('\uFEFF' + good('missing_episodes', 2, 100), 'utf16le') },
        expect: { 'missing_episodes.csv': { status: 'refused', error: /is UTF-16 text/ } },
      },
      {
        kind: 'a spreadsheet (zip bytes with NULs) named .csv',
        files: { 'referrals.csv': Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), Buffer.from(good('referrals', 2, 100))]) },
        expect: { 'referrals.csv': { status: 'refused', error: /NUL bytes/ } },
      },
      {
        kind: 'UTF-8 with one invalid byte',
        // Line 2 holds a valid 'é' (so the file is UTF-8); line 3 a lone 0xE9 byte (Windows-1252's é).
        files: {
          'risk_assessments.csv': Buffer.concat([
            Buffer.from(
              `${TEMPLATE.risk_assessments.header}\nAé1,${REF(201)},2010-01-01,Portsmouth,police,2025-02-01,CCE,high\nA2,${REF(202)},2010-01-01,Portsmouth,polic`,
            ),
            Buffer.from([0xe9]),
            Buffer.from(`,2025-02-01,CCE,high\nA3,${REF(203)},2010-01-01,Portsmouth,police,2025-02-01,CCE,high\n`),
          ]),
        },
        expect: {
          'risk_assessments.csv': {
            status: 'loaded',
            read: 3,
            loaded: 2,
            reasons: { 'not valid UTF-8 text': 1 },
            check: async (db) => {
              expect(await query(db, `SELECT line, "column", kind, reason, row_values FROM quarantine WHERE file = 'risk_assessments.csv'`)).toEqual([
                {
                  line: 3,
                  column: 'agency',
                  kind: 'not valid UTF-8 text',
                  reason:
                    'line 3 holds bytes that are not valid UTF-8 text (the rest of the file is UTF-8); retype the odd characters or save the file from Excel as "CSV UTF-8"',
                  row_values: null,
                },
              ]);
              // Not read as Windows-1252: the valid é is one character, not mojibake.
              expect(await query(db, `SELECT assessment_id FROM risk_assessments ORDER BY 1`)).toEqual([{ assessment_id: 'A3' }, { assessment_id: 'Aé1' }]);
            },
          },
        },
      },
      {
        kind: 'Windows-1252',
        files: {
          'nrm_referrals.csv': Buffer.from(
            csv(TEMPLATE.nrm_referrals.header + ',nationality', ...rows('nrm_referrals', 2).map((r) => r + ',Française')),
            'latin1',
          ),
        },
        expect: {
          'nrm_referrals.csv': {
            status: 'loaded',
            read: 2,
            loaded: 2,
            reasons: {},
            check: async (db) => expect(await query(db, `SELECT DISTINCT nationality FROM nrm_referrals`)).toEqual([{ nationality: 'Française' }]),
          },
        },
      },
      {
        kind: 'a byte-order mark and odd header spacing',
        files: { 'intelligence.csv': csv('\uFEFF CPI ID , Submitted At,AGENCY,  Area ,locality,Theme,Child Ref,offender-ref', ...rows('intelligence', 2, 10)) },
        expect: { 'intelligence.csv': { status: 'loaded', read: 2, loaded: 2, reasons: {} } },
      },
    ],
  },
  {
    name: 'line structure',
    kinds: [
      {
        kind: 'mixed CRLF and LF line endings',
        files: {
          'missing_episodes.csv':
            `${EPISODE_HEADER}\r\n${episode({ episode_id: 'E1', child_ref: REF(1) })}\n${episode({ episode_id: 'E2', child_ref: REF(2) })}\r\n` +
            `${episode({ episode_id: 'E3', child_ref: REF(3), classification: 'lost' })}\n${episode({ episode_id: 'E4', child_ref: REF(4) })}\r\n`,
        },
        expect: {
          'missing_episodes.csv': {
            status: 'loaded',
            read: 4,
            loaded: 3,
            reasons: { 'unknown code': 1 },
            check: async (db) => expect(await query(db, `SELECT line FROM quarantine WHERE file = 'missing_episodes.csv'`)).toEqual([{ line: 4 }]),
          },
        },
      },
      {
        kind: 'CR-only line endings (old Mac): read, each CR ends a line',
        files: {
          'referrals.csv':
            [
              TEMPLATE.referrals.header,
              ...rows('referrals', 1),
              `F2,${REF(102)},2010-01-01,Southampton,Bargate,2025-02-01,postman`,
              ...rows('referrals', 1, 3),
            ].join('\r') + '\r',
        },
        expect: {
          'referrals.csv': {
            status: 'loaded',
            read: 3,
            loaded: 2,
            reasons: { 'unknown code': 1 },
            check: async (db) => expect(await query(db, `SELECT line FROM quarantine WHERE file = 'referrals.csv'`)).toEqual([{ line: 3 }]),
          },
        },
      },
      {
        kind: 'an unterminated quote',
        files: {
          'risk_assessments.csv': csv(
            TEMPLATE.risk_assessments.header,
            ...rows('risk_assessments', 1),
            `A2,${REF(202)},2010-01-01,Portsmouth,police,2025-02-01,CCE,"high`,
            ...rows('risk_assessments', 1, 3),
          ),
        },
        // The quote opened on line 3 would swallow the rest of the file (lines 3–4): refused, the previous data kept.
        expect: {
          'risk_assessments.csv': {
            status: 'refused',
            error:
              /^risk_assessments\.csv has a quoted value that starts on line 3 and is never closed, so lines 3 to 4 \(the end of the file\) could not be split into rows; it was refused/,
          },
        },
      },
      {
        kind: 'too many and too few fields',
        files: {
          'nrm_referrals.csv': csv(
            TEMPLATE.nrm_referrals.header,
            ...rows('nrm_referrals', 1),
            `N2,${REF(302)},2009-01-01,Hampshire,2025-02-01,police,criminal,${NAME}`,
            `N3,${REF(303)},2009-01-01,Hampshire,2025-02-01,police`,
            ...rows('nrm_referrals', 1, 4),
          ),
        },
        expect: {
          'nrm_referrals.csv': {
            status: 'loaded',
            read: 4,
            loaded: 2,
            reasons: { 'malformed line': 2 },
            check: async (db) =>
              expect(await query(db, `SELECT line, row_values FROM quarantine WHERE file = 'nrm_referrals.csv' ORDER BY line`)).toEqual([
                { line: 3, row_values: null },
                { line: 4, row_values: null },
              ]),
          },
        },
      },
      {
        kind: 'a quoted line break inside a reference',
        files: {
          'intelligence.csv': csv(
            TEMPLATE.intelligence.header,
            `C1,2025-02-01,police,Southampton,Bargate,CCE,"ZZREF\n00777",${OFF(1)}`,
            `C2,2025-02-01,police,Southampton,Bargate,gossip,${REF(402)},`,
          ),
        },
        expect: {
          'intelligence.csv': {
            status: 'loaded',
            read: 2,
            loaded: 1,
            reasons: { 'unknown code': 1 },
            check: async (db) => expect(await query(db, `SELECT line FROM quarantine WHERE file = 'intelligence.csv'`)).toEqual([{ line: 4 }]),
          },
        },
      },
      {
        kind: 'a 1.5 MB field',
        files: { 'return_interviews.csv': csv(TEMPLATE.return_interviews.header, ...rows('return_interviews', 1), `R2,E1,${REF(1)},${'x'.repeat(1_500_000)}`) },
        expect: {
          'return_interviews.csv': {
            status: 'loaded',
            read: 2,
            loaded: 1,
            reasons: { 'unknown code': 1 },
            check: async (db) => {
              const [q] = await query<{ reason: string; row_values: string }>(
                db,
                `SELECT reason, row_values FROM quarantine WHERE file = 'return_interviews.csv'`,
              );
              // Its shape only, in the reason and in the stored values.
              expect(q!.reason).toBe(
                'outcome is not one of its codes (1,500,000 characters: letters); the codes are: completed, declined, not_offered, unable_to_contact',
              );
              expect(JSON.parse(q!.row_values).outcome).toBe('1,500,000 characters: letters');
            },
          },
        },
      },
    ],
  },
  {
    name: 'quotes',
    kinds: [
      {
        kind: 'a quote never closed, on the last line',
        files: {
          'nrm_referrals.csv': csv(
            TEMPLATE.nrm_referrals.header,
            ...rows('nrm_referrals', 1),
            `N2,${REF(302)},2009-01-01,Hampshire,2025-02-01,police,"criminal`,
          ),
        },
        // It takes nothing with it: that one row is quarantined.
        expect: {
          'nrm_referrals.csv': {
            status: 'loaded',
            read: 2,
            loaded: 1,
            reasons: { 'malformed line': 1 },
            check: async (db) =>
              expect(await reasonsOf(db, 'nrm_referrals.csv')).toEqual([
                { line: 3, reason: 'a quoted value that starts on line 3, the last line of the file, is never closed' },
              ]),
          },
        },
      },
      {
        kind: 'a quote left open and closed three lines later: the rows between would be one value',
        files: {
          'missing_episodes.csv': csv(
            `${EPISODE_HEADER},notes`,
            `${TEMPLATE.missing_episodes.row(1)},`,
            `${TEMPLATE.missing_episodes.row(2)},"Said she was with friends`,
            `${TEMPLATE.missing_episodes.row(3)},`,
            `${TEMPLATE.missing_episodes.row(4)},`,
            'then went home"',
            `${TEMPLATE.missing_episodes.row(5)},`,
          ),
        },
        // The record of line 3 runs to line 6, over lines 4 and 5 (two whole rows): refused, not 3 rows read and 2 lost.
        expect: {
          'missing_episodes.csv': {
            status: 'refused',
            error:
              /^missing_episodes\.csv has a quoted value that starts on line 3 and runs to line 6, over lines with as many commas as a row of the file: a closing quote is probably missing on line 3/,
          },
        },
      },
      {
        kind: 'quotes inside values (Barnardo"s, 5\'2"), read as characters',
        files: {
          'intelligence.csv': csv(
            TEMPLATE.intelligence.header,
            `C1,2025-02-01,Barnardo"s,Southampton,Bargate,CCE,${REF(401)},${OFF(1)}`,
            `C2,2025-02-01,5'2" tall,Southampton,Bargate,CCE,${REF(402)},${OFF(2)}`,
            ...rows('intelligence', 2, 3),
          ),
        },
        expect: {
          'intelligence.csv': {
            status: 'loaded',
            read: 4,
            loaded: 4,
            reasons: {},
            check: async (db) =>
              expect(await query(db, `SELECT agency FROM intelligence ORDER BY cpi_id`)).toEqual([
                { agency: 'Barnardo"s' },
                { agency: `5'2" tall` },
                { agency: 'police' },
                { agency: 'police' },
              ]),
          },
        },
      },
      {
        kind: 'a stray quote in a reference that the next line closes: that line is named in the row it ran into',
        files: {
          'risk_assessments.csv': csv(
            TEMPLATE.risk_assessments.header,
            ...rows('risk_assessments', 1),
            TEMPLATE.risk_assessments.row(2).replace(REF(202), `"${REF(202)}`),
            TEMPLATE.risk_assessments.row(3).replace(REF(203), `${REF(203).slice(0, 5)}"${REF(203).slice(5)}`),
            ...rows('risk_assessments', 1, 4),
          ),
        },
        // Four lines of data, three rows: the record of line 3 took in line 4, which is named in its reason.
        expect: {
          'risk_assessments.csv': {
            status: 'loaded',
            read: 3,
            loaded: 2,
            reasons: { 'malformed line': 1 },
            check: async (db) =>
              expect(await reasonsOf(db, 'risk_assessments.csv')).toEqual([
                {
                  line: 3,
                  reason:
                    'a quoted value has more after its closing quote; quote the whole value and write any quote inside it twice (""); the row runs from line 3 to line 4 (a quote takes in the line break), so line 4 is part of it and of no other row',
                },
              ]),
          },
        },
      },
      {
        kind: 'a line of 17 MB (more than the reader can even reject)',
        files: {
          'return_interviews.csv': csv(TEMPLATE.return_interviews.header, ...rows('return_interviews', 1), `R2,E1,${REF(1)},${'x'.repeat(17_000_000)}`),
        },
        expect: {
          'return_interviews.csv': {
            status: 'refused',
            // `R2,E1,ZZREF00001,` (3 + 3 + 11 = 17 bytes) and 17,000,000 x.
            error: /^return_interviews\.csv has a line of 17,000,017 bytes \(it starts on line 3\), more than the 16,777,216 the reader takes/,
          },
        },
      },
    ],
  },
  {
    name: 'a stray comma',
    kinds: [
      {
        kind: 'one value too many, the extra one empty (DuckDB takes the last comma as a trailing delimiter)',
        files: {
          'nrm_referrals.csv': csv(
            `${TEMPLATE.nrm_referrals.header},reasonable_grounds,nationality`,
            // 9 values, the last two empty: kept.
            `${TEMPLATE.nrm_referrals.row(1)},,`,
            // 10 values, the last empty: a stray comma in "positive" moves the rest one along.
            `${TEMPLATE.nrm_referrals.row(2)},posi,tive,`,
            // A comma inside a quoted value is not a value's end: 9 values, kept; and 10 with it: malformed.
            `${TEMPLATE.nrm_referrals.row(3)},,"British, Irish"`,
            `${TEMPLATE.nrm_referrals.row(4)},,"British, Irish",`,
            // CR LF line ending after the stray comma: still malformed.
            `${TEMPLATE.nrm_referrals.row(5)},positive,British,\r`,
            `${TEMPLATE.nrm_referrals.row(6)},positive,`,
            // The extra value quoted and empty: DuckDB takes it as well.
            `${TEMPLATE.nrm_referrals.row(7)},posi,tive,""`,
          ),
        },
        expect: {
          'nrm_referrals.csv': {
            status: 'loaded',
            read: 7,
            loaded: 3,
            reasons: { 'malformed line': 4 },
            check: async (db) => {
              expect(await query(db, `SELECT line, reason, row_values FROM quarantine WHERE file = 'nrm_referrals.csv' ORDER BY line`)).toEqual(
                [3, 5, 6, 8].map((line) => ({
                  line,
                  reason: 'the line has more values than the header has columns (9), the last one empty; is there an unquoted comma?',
                  row_values: null,
                })),
              );
              expect(await query(db, `SELECT nrm_id, reasonable_grounds, nationality FROM nrm_referrals ORDER BY nrm_id`)).toEqual([
                { nrm_id: 'N1', reasonable_grounds: null, nationality: null },
                { nrm_id: 'N3', reasonable_grounds: null, nationality: 'British, Irish' },
                { nrm_id: 'N6', reasonable_grounds: 'positive', nationality: null },
              ]);
            },
          },
        },
      },
    ],
  },
  {
    name: 'invisible characters in a reference',
    kinds: [
      {
        kind: 'a tab, a zero-width space, a soft hyphen, a byte-order mark, a combining grapheme joiner, a variation selector and fullwidth letters in one child’s reference; a reference of nothing else',
        files: {
          'missing_episodes.csv': csv(
            EPISODE_HEADER,
            episode({ episode_id: 'E1', child_ref: REF(1), reported_at: '2025-02-01 10:00' }),
            episode({ episode_id: 'E2', child_ref: `\t${REF(1)}`, reported_at: '2025-02-02 10:00' }),
            episode({ episode_id: 'E3', child_ref: `${REF(1)}\u200b`, reported_at: '2025-02-03 10:00' }),
            episode({ episode_id: 'E4', child_ref: `ZZ\u00adREF00001`, reported_at: '2025-02-04 10:00' }),
            episode({ episode_id: 'E5', child_ref: `\ufeff${REF(1)}`, reported_at: '2025-02-05 10:00' }),
            episode({ episode_id: 'E6', child_ref: '\u200b', reported_at: '2025-02-06 10:00' }),
            episode({ episode_id: 'E7', child_ref: `ZZ\u034fREF00001`, reported_at: '2025-02-07 10:00' }),
            episode({ episode_id: 'E8', child_ref: `${REF(1)}\ufe0f`, reported_at: '2025-02-08 10:00' }),
            // Fullwidth (ＺＺＲＥＦ００００１), as an East Asian keyboard types it.
            episode({
              episode_id: 'E9',
              child_ref: [...REF(1)].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join(''),
              reported_at: '2025-02-09 10:00',
            }),
          ),
        },
        expect: {
          'missing_episodes.csv': {
            status: 'loaded',
            read: 9,
            loaded: 8,
            reasons: { 'missing required value': 1 },
            // One child, not eight: the reference is hashed without its invisible characters, its fullwidth letters plain.
            check: async (db) => expect(await query(db, `SELECT count(DISTINCT child_pseudonym)::INTEGER AS n FROM missing_episodes`)).toEqual([{ n: 1 }]),
          },
        },
      },
    ],
  },
  {
    name: 'invisible and combining characters in names',
    kinds: [
      {
        kind: 'a zero-width space inside a header name; a locality with its accent as a combining mark',
        files: {
          'population.csv': `${POPULATION}\n2024,Hampshire,Mölln,F,15,40\n`,
          'missing_episodes.csv': csv(
            EPISODE_HEADER.replace(',area,', ',ar\u200bea,'),
            episode({ episode_id: 'E1', child_ref: REF(1), area: 'Hampshire', locality: 'Mo\u0308lln' }),
            episode({ episode_id: 'E2', child_ref: REF(2), area: 'Hampshire', locality: 'MÖLLN' }),
          ),
        },
        expect: {
          'population.csv': { status: 'loaded', read: 9, loaded: 9, reasons: {} },
          'missing_episodes.csv': {
            status: 'loaded',
            read: 2,
            loaded: 2,
            reasons: {},
            // Stored as population.csv spells it, whichever way the accent was written.
            check: async (db) => expect(await query(db, `SELECT DISTINCT locality FROM missing_episodes`)).toEqual([{ locality: 'Mölln' }]),
          },
        },
      },
    ],
  },
  {
    name: 'a wide file',
    kinds: [
      {
        kind: 'a sheet saved with 6,000 empty columns',
        files: {
          'intelligence.csv': csv(
            `${TEMPLATE.intelligence.header},${Array.from({ length: 6000 }, (_, i) => `x${i}`).join(',')}`,
            `${TEMPLATE.intelligence.row(1)}${','.repeat(6000)}`,
          ),
        },
        expect: {
          'intelligence.csv': {
            status: 'refused',
            // 8 contract columns + 6,000.
            error: /^intelligence\.csv has 6,008 columns in its header row, more than the 5,000 taken/,
          },
        },
      },
    ],
  },
  {
    name: 'references in free text',
    kinds: [
      {
        kind: 'a CPI’s agency naming its own child’s reference, and another naming a child of the missing episodes (a breakdown’s label)',
        files: {
          'intelligence.csv': csv(
            TEMPLATE.intelligence.header,
            `C1,2025-02-01,Foster carer of ${REF(401)},Southampton,Bargate,CCE,${REF(401)},${OFF(1)}`,
            `C2,2025-02-01,police,Southampton,Bargate,CCE,${REF(402)},${OFF(2)}`,
            `C3,2025-02-01,Social worker for ${REF(1)}; team 2,Southampton,Bargate,CCE,${REF(403)},${OFF(3)}`,
            // A word with digits that is no one's reference: kept.
            `C4,2025-02-01,Team 2024,Southampton,Bargate,CCE,${REF(404)},${OFF(4)}`,
          ),
        },
        expect: {
          'intelligence.csv': {
            status: 'loaded',
            read: 4,
            loaded: 2,
            reasons: { 'names a person reference': 2 },
            check: async (db) => {
              expect(
                await query(db, `SELECT line, "column", reason, row_values->>'agency' AS agency FROM quarantine WHERE file = 'intelligence.csv' ORDER BY line`),
              ).toEqual(
                [2, 4].map((line) => ({
                  line,
                  column: 'agency',
                  reason:
                    "agency holds a child's or offender's reference of this data (not shown): free text must name no one; remove it and send the file again",
                  // Its shape only: "Foster carer of " + 10 is 6 + 1 + 5 + 1 + 2 + 1 + 10 = 26; "Social worker for " + 10 + "; team 2" is 18 + 10 + 8 = 36.
                  agency: line === 2 ? '26 characters: letters, digits and spaces' : '36 characters: letters, digits, spaces and punctuation',
                })),
              );
              expect(await query(db, `SELECT agency FROM intelligence ORDER BY cpi_id`)).toEqual([{ agency: 'police' }, { agency: 'Team 2024' }]);
            },
          },
        },
      },
      {
        kind: 'episode ids built from a child’s reference (a case system’s habit), their own or another’s',
        files: {
          'missing_episodes.csv': csv(
            EPISODE_HEADER,
            episode({ episode_id: 'E1', child_ref: REF(1) }),
            episode({ episode_id: `${REF(2)}/2025-02-01`, child_ref: REF(2) }),
            episode({ episode_id: `EP-${REF(3)}`, child_ref: REF(3) }),
            // Another row's child's reference: found as well (any reference of the file).
            episode({ episode_id: `EP-${REF(1)}`, child_ref: REF(5) }),
            // Words with digits that are no one's reference: kept.
            episode({ episode_id: 'EP-2025/00004', child_ref: REF(4) }),
            // Lower case, and run together with the rest of the id: found all the same.
            episode({ episode_id: `${REF(6).toLowerCase()}-2025`, child_ref: REF(6) }),
            episode({ episode_id: `EP${REF(7)}20250201`, child_ref: REF(7) }),
            // A numeric reference that is also a year: a year in an id is not taken for it (kept).
            episode({ episode_id: 'ME/2025/0001', child_ref: '2025' }),
          ),
        },
        expect: {
          'missing_episodes.csv': {
            status: 'loaded',
            read: 8,
            loaded: 3,
            reasons: { 'names a person reference': 5 },
            check: async (db) => {
              expect(
                await query(
                  db,
                  `SELECT line, "column", reason, row_values->>'episode_id' AS id FROM quarantine WHERE file = 'missing_episodes.csv' ORDER BY line`,
                ),
              ).toEqual([
                {
                  line: 3,
                  column: 'episode_id',
                  reason:
                    "episode_id is built from a child's or offender's reference of the file (not shown): an id must not hold a person's reference; ask the partner for ids that do not",
                  // "ZZREF00002/2025-02-01": 10 + 1 + 10 = 21 characters, as its shape only.
                  id: '21 characters: letters, digits and punctuation',
                },
                {
                  line: 4,
                  column: 'episode_id',
                  reason: expect.stringMatching(/^episode_id is built from/),
                  id: '13 characters: letters, digits and punctuation',
                },
                {
                  line: 5,
                  column: 'episode_id',
                  reason: expect.stringMatching(/^episode_id is built from/),
                  id: '13 characters: letters, digits and punctuation',
                },
                // "zzref00006-2025": 15 characters; "EPZZREF0000720250201": 20.
                {
                  line: 7,
                  column: 'episode_id',
                  reason: expect.stringMatching(/^episode_id is built from/),
                  id: '15 characters: letters, digits and punctuation',
                },
                { line: 8, column: 'episode_id', reason: expect.stringMatching(/^episode_id is built from/), id: '20 characters: letters and digits' },
              ]);
              expect(await query(db, `SELECT episode_id FROM missing_episodes ORDER BY episode_id`)).toEqual([
                { episode_id: 'E1' },
                { episode_id: 'EP-2025/00004' },
                { episode_id: 'ME/2025/0001' },
              ]);
            },
          },
        },
      },
      {
        kind: 'a nationality naming an offender’s reference',
        files: {
          'nrm_referrals.csv': csv(
            TEMPLATE.nrm_referrals.header + ',nationality',
            `${TEMPLATE.nrm_referrals.row(1)},British`,
            `${TEMPLATE.nrm_referrals.row(2)},British (exploited by ${OFF(1)})`,
            // Written in lower case: found all the same (references are looked for in capitals too).
            `${TEMPLATE.nrm_referrals.row(3)},British (exploited by ${OFF(2).toLowerCase()})`,
          ),
        },
        expect: { 'nrm_referrals.csv': { status: 'loaded', read: 3, loaded: 1, reasons: { 'names a person reference': 2 } } },
      },
    ],
  },
  {
    name: 'control characters inside an id',
    kinds: [
      {
        kind: 'an episode id holding its child’s reference with a tab or a vertical tab inside it (control characters in plain ASCII text)',
        files: {
          'missing_episodes.csv': csv(
            EPISODE_HEADER,
            episode({ episode_id: 'E1', child_ref: REF(1) }),
            // "EPZZREF<tab>00002": read without the tab, the id holds ZZREF00002.
            episode({ episode_id: `EP${REF(2).slice(0, 5)}\t${REF(2).slice(5)}`, child_ref: REF(2) }),
            episode({ episode_id: `EP-${REF(3).slice(0, 5)}\v${REF(3).slice(5)}`, child_ref: REF(3) }),
          ),
        },
        expect: { 'missing_episodes.csv': { status: 'loaded', read: 3, loaded: 1, reasons: { 'names a person reference': 2 } } },
      },
    ],
  },
  {
    name: 'values',
    kinds: [
      {
        kind: 'numbers beyond the column’s range, negative, and not whole',
        files: {
          'population.csv':
            POPULATION +
            '\n2024,Southampton,Bargate,F,16,3000000000\n2024,Southampton,Bargate,F,17,99999999999999999999\n2024,Southampton,Bargate,F,18,-5\n2024,Southampton,Bargate,F,19,twelve\n' +
            // DuckDB's cast reads 1e10 as 10,000,000,000 (too big for the table: once the whole refresh failed).
            '2024,Southampton,Bargate,F,20,1e10\n',
        },
        expect: {
          'population.csv': {
            status: 'loaded',
            read: 13,
            loaded: 8,
            reasons: { 'out of range': 3, 'not a whole number': 2 },
            check: async (db) =>
              expect(
                (await query<{ reason: string }>(db, `SELECT reason FROM quarantine WHERE file = 'population.csv' ORDER BY line`)).map((r) => r.reason),
              ).toEqual([
                'population is outside the allowed range 0–2,147,483,647 (10 characters: digits)',
                'population is outside the allowed range 0–2,147,483,647 (20 characters: digits)',
                'population is outside the allowed range 0–2,147,483,647 (2 characters: digits and punctuation)',
                'population is not a whole number (6 characters: letters)',
                'population is not a whole number (4 characters: letters and digits)',
              ]),
          },
        },
      },
      {
        kind: 'dates in the future (an event in 2100, a date of birth in 2100)',
        files: {
          'missing_episodes.csv': csv(
            EPISODE_HEADER,
            episode({ episode_id: 'E1', child_ref: REF(1) }),
            episode({ episode_id: 'E2', child_ref: REF(2), reported_at: '2100-12-31 10:00', returned_at: '' }),
            episode({ episode_id: 'E3', child_ref: REF(3), dob: '2100-01-01' }),
          ),
        },
        expect: {
          'missing_episodes.csv': {
            status: 'loaded',
            read: 3,
            loaded: 1,
            reasons: { 'date in the future': 2 },
            check: async (db) => {
              const q = await query<{ column: string; reason: string }>(
                db,
                `SELECT "column", reason FROM quarantine WHERE file = 'missing_episodes.csv' ORDER BY line`,
              );
              expect(q.map((x) => x.column)).toEqual(['reported_at', 'dob']);
              expect(q[0]!.reason).toMatch(/^reported_at 2100-12-31 10:00 is in the future \(after \d{4}-\d\d-\d\d, the refresh day plus 1 day\)$/);
              // The default period follows the data, which no longer reaches 2100.
              expect(await query(db, `SELECT max(reported_at) < TIMESTAMP '2100-01-01' AS ok FROM missing_episodes`)).toEqual([{ ok: true }]);
            },
          },
        },
      },
      {
        kind: 'a date before 1900',
        files: { 'referrals.csv': csv(TEMPLATE.referrals.header, ...rows('referrals', 1), `F2,${REF(102)},1899-12-31,Southampton,Bargate,2025-02-01,police`) },
        expect: {
          'referrals.csv': {
            status: 'loaded',
            read: 2,
            loaded: 1,
            reasons: { 'out of range': 1 },
            check: async (db) =>
              expect(await query(db, `SELECT "column", reason FROM quarantine WHERE file = 'referrals.csv'`)).toEqual([
                { column: 'dob', reason: 'dob 1899-12-31 is before 1900: is the year written in full (YYYY)?' },
              ]),
          },
        },
      },
      {
        kind: 'a US-style date',
        files: {
          'risk_assessments.csv': csv(
            TEMPLATE.risk_assessments.header,
            ...rows('risk_assessments', 1),
            `A2,${REF(202)},2010-01-01,Portsmouth,police,02/13/2025,CCE,high`,
          ),
        },
        expect: { 'risk_assessments.csv': { status: 'loaded', read: 2, loaded: 1, reasons: { 'US-style date': 1 } } },
      },
      {
        kind: 'an unknown area',
        files: {
          'nrm_referrals.csv': csv(TEMPLATE.nrm_referrals.header, ...rows('nrm_referrals', 1), `N2,${REF(302)},2009-01-01,Atlantis,2025-02-01,police,criminal`),
        },
        expect: { 'nrm_referrals.csv': { status: 'loaded', read: 2, loaded: 1, reasons: { 'unknown area': 1 } } },
      },
      {
        kind: 'an unknown locality',
        files: {
          'intelligence.csv': csv(TEMPLATE.intelligence.header, ...rows('intelligence', 1), `C2,2025-02-01,police,Southampton,Narnia,CCE,${REF(402)},`),
        },
        expect: { 'intelligence.csv': { status: 'loaded', read: 2, loaded: 1, reasons: { 'unknown locality': 1 } } },
      },
      {
        kind: 'duplicate keys',
        files: { 'return_interviews.csv': csv(TEMPLATE.return_interviews.header, 'R1,E1,' + REF(1) + ',completed', 'R1,E1,' + REF(2) + ',declined') },
        expect: { 'return_interviews.csv': { status: 'loaded', read: 2, loaded: 1, reasons: { 'repeated key': 1 } } },
      },
    ],
  },
  {
    name: 'content',
    kinds: [
      {
        kind: 'formula injection text in a text field (stored as text, never evaluated)',
        files: {
          'missing_episodes.csv': csv(
            EPISODE_HEADER,
            episode({ episode_id: "=cmd|' /C calc'!A0", child_ref: REF(1) }),
            episode({ episode_id: 'E2', child_ref: REF(2) }),
          ),
        },
        expect: {
          'missing_episodes.csv': {
            status: 'loaded',
            read: 2,
            loaded: 2,
            reasons: {},
            check: async (db) =>
              expect(await query(db, `SELECT episode_id FROM missing_episodes ORDER BY 1`)).toEqual([
                { episode_id: "=cmd|' /C calc'!A0" },
                { episode_id: 'E2' },
              ]),
          },
        },
      },
      {
        kind: 'SQL-injection-like values',
        files: {
          'referrals.csv': csv(
            TEMPLATE.referrals.header,
            `"'; DROP TABLE referrals; --",${REF(101)},2010-01-01,Southampton,Bargate,2025-02-01,police`,
            `F2,${REF(102)},2010-01-01,Southampton,Bargate,2025-02-01,x'); DROP TABLE quarantine; --`,
          ),
        },
        expect: {
          'referrals.csv': {
            status: 'loaded',
            read: 2,
            loaded: 1,
            reasons: { 'unknown code': 1 },
            check: async (db) => expect(await query(db, `SELECT referral_id FROM referrals`)).toEqual([{ referral_id: "'; DROP TABLE referrals; --" }]),
          },
        },
      },
      {
        kind: 'control characters (a terminal escape, a bell)',
        files: {
          'risk_assessments.csv': csv(
            TEMPLATE.risk_assessments.header,
            ...rows('risk_assessments', 1),
            `A2,${REF(202)},2010-01-01,Portsmouth,police,2025-02-01,\x1b[2JCSE\x07,high`,
          ),
        },
        expect: {
          'risk_assessments.csv': {
            status: 'loaded',
            read: 2,
            loaded: 1,
            reasons: { 'unknown code': 1 },
            check: async (db) =>
              expect(await query(db, `SELECT reason FROM quarantine WHERE file = 'risk_assessments.csv'`)).toEqual([
                {
                  reason:
                    'exploitation_type is not one of its codes (8 characters: letters, digits, punctuation and other characters); the codes are: CSE, CCE, both',
                },
              ]),
          },
        },
      },
      {
        // … and a header cell that is a child's name and reference, not a column name: a
        // header cell is the file's content, so only names the product recognises are shown.
        kind: "identifier columns (name, address, NHS number) sent, and a child's name in the header",
        files: {
          'nrm_referrals.csv': csv(
            TEMPLATE.nrm_referrals.header + `,Name,Address,NHS Number,${REF(7)} ${NAME} Name`,
            ...rows('nrm_referrals', 2).map((r) => `${r},${NAME},${ADDRESS},${NHS},`),
          ),
        },
        expect: {
          'nrm_referrals.csv': {
            status: 'loaded',
            read: 2,
            loaded: 2,
            reasons: {},
            dropped: ['Name', 'Address', 'NHS Number', "1 other column (its name is not shown: a header cell could hold a child's details)"],
          },
        },
      },
      {
        kind: '2,000 columns outside the contract',
        files: {
          'intelligence.csv': csv(
            TEMPLATE.intelligence.header + ',' + Array.from({ length: 2000 }, (_, i) => `x${i}`).join(','),
            ...rows('intelligence', 2).map((r) => r + ','.repeat(2000)),
          ),
        },
        expect: {
          'intelligence.csv': {
            status: 'loaded',
            read: 2,
            loaded: 2,
            reasons: {},
            dropped: ["2,000 other columns (their names are not shown: a header cell could hold a child's details)"],
          },
        },
      },
      {
        kind: 'every row quarantined',
        files: {
          'return_interviews.csv': csv(TEMPLATE.return_interviews.header, `R1,E77,${REF(1)},completed`, `R2,E78,${REF(2)},completed`, `R3,E1,${REF(3)},lost`),
        },
        expect: {
          'return_interviews.csv': {
            status: 'refused',
            error:
              /^return_interviews\.csv had all 3 rows quarantined \(commonest reason: unknown episode, 2 rows\); it was refused so that the previous data stays/,
          },
        },
      },
    ],
  },
  {
    name: 'swapped columns',
    kinds: [
      {
        kind: 'references and names in columns that are not reference columns, and files named after a child',
        files: {
          'missing_episodes.csv': csv(
            EPISODE_HEADER,
            episode({ episode_id: 'E1', child_ref: REF(1) }),
            // child_ref and dob swapped.
            episode({ episode_id: 'E2', child_ref: '2010-05-01', dob: 'ZZLEAK123' }),
            episode({ episode_id: 'E3', child_ref: REF(3), ethnicity: NAME }),
            episode({ episode_id: 'E4', child_ref: REF(4), locality: 'ZZLEAK004' }),
            episode({ episode_id: 'E5', child_ref: REF(5), area: 'ZZLEAK005' }),
            episode({ episode_id: 'E6', child_ref: REF(6), classification: 'ZZLEAK006' }),
            episode({ episode_id: 'E7', child_ref: REF(7), returned_at: 'ZZLEAK007' }),
          ),
          'return_interviews.csv': csv(
            'rhi_id,episode_id,child_ref,outcome,provider',
            `R1,E1,${REF(1)},completed,Barnardos`,
            `R2,ZZLEAK011,${REF(1)},completed,Barnardos`,
            `R3,E1,${REF(1)},lost,${NAME}`,
          ),
          'ZZLEAK123.csv': csv('child_ref,name', `${REF(9)},${NAME}`),
          'ZZLEAK-link.csv': (path, dir) => symlinkSync(join(dir, 'ZZLEAK-target.csv'), path),
        },
        expect: {
          'missing_episodes.csv': {
            status: 'loaded',
            read: 7,
            loaded: 1,
            reasons: { 'not a date': 2, 'unknown code': 2, 'unknown locality': 1, 'unknown area': 1 },
            check: async (db) => {
              const q = await query<{ line: number; reason: string; row_values: string }>(
                db,
                `SELECT line, reason, row_values FROM quarantine WHERE file = 'missing_episodes.csv' ORDER BY line`,
              );
              expect(q.map((x) => [x.line, x.reason])).toEqual([
                [3, 'dob is not a date (9 characters: letters and digits); write YYYY-MM-DD or DD/MM/YYYY'],
                [4, 'ethnicity is not one of its codes (15 characters: letters and spaces); the codes are: White, Mixed, Asian, Black, Other, Not known'],
                [5, 'locality is not a locality of any of the four areas in population.csv (9 characters: letters and digits)'],
                [6, 'area is not a partnership area (9 characters: letters and digits); the areas are Southampton, Portsmouth, Hampshire, Isle of Wight'],
                [7, 'classification is not one of its codes (9 characters: letters and digits); the codes are: missing, absent, away'],
                [8, 'returned_at is not a date and time (9 characters: letters and digits); write YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM'],
              ]);
              // The values that pass their checks are kept as checked; the reference as its
              // pseudonym; the failing dob and the free-text episode_id by their shape only.
              expect(JSON.parse(q[0]!.row_values)).toEqual({
                episode_id: '2 characters: letters and digits',
                source: 'police',
                child_ref: pseudonymise(Buffer.from(TEST_KEY), '2010-05-01'),
                dob: '9 characters: letters and digits',
                sex: 'F',
                ethnicity: 'White',
                disability: 'N',
                looked_after: 'Y',
                placement_type: 'foster',
                placed_out_of_area: 'N',
                area: 'Southampton',
                locality: 'Bargate',
                classification: 'missing',
                reported_at: '2025-03-02 09:00:00',
                returned_at: '2025-03-02 21:00:00',
                found_locality: 'Portswood',
                risk_grading: 'medium',
              });
              expect(JSON.parse(q[1]!.row_values).ethnicity).toBe('15 characters: letters and spaces');
            },
          },
          'return_interviews.csv': {
            status: 'loaded',
            read: 3,
            loaded: 1,
            reasons: { 'unknown episode': 1, 'unknown code': 1 },
            check: async (db) => {
              const q = await query<{ reason: string; row_values: string }>(
                db,
                `SELECT reason, row_values FROM quarantine WHERE file = 'return_interviews.csv' ORDER BY line`,
              );
              expect(q.map((x) => x.reason)).toEqual([
                'episode_id does not name a loaded missing episode (9 characters: letters and digits)',
                'outcome is not one of its codes (4 characters: letters); the codes are: completed, declined, not_offered, unable_to_contact',
              ]);
              expect(JSON.parse(q[1]!.row_values)).toMatchObject({ outcome: '4 characters: letters', provider: '15 characters: letters and spaces' });
              expect(await query(db, `SELECT rhi_id, provider FROM return_interviews`)).toEqual([{ rhi_id: 'R1', provider: 'Barnardos' }]);
            },
          },
          'an unknown file (a name of 13 characters)': {
            status: 'refused',
            error: /^an unknown file \(a name of 13 characters\) is not a file of the contract/,
          },
          'an unknown file (a name of 15 characters)': { status: 'refused', error: /^an unknown file \(a name of 15 characters\) is a symbolic link/ },
        },
      },
    ],
  },
  {
    name: 'population',
    kinds: [
      {
        kind: 'one locality named in two areas',
        files: { 'population.csv': POPULATION + '\n2024,Hampshire,Bargate,F,15,10\n' },
        expect: { 'population.csv': { status: 'refused', error: /^population\.csv names 1 locality in two areas \(for example on lines 2 and 10\)/ } },
      },
      {
        kind: 'whole numbers written otherwise (0x10, 1_000, 1e2): not whole numbers, not 16, 1000 or 100',
        files: {
          'risk_assessments.csv': csv(
            'assessment_id,child_ref,dob,area,agency,assessed_at,exploitation_type,score',
            `A1,${REF(201)},2010-01-01,Portsmouth,police,2025-02-01,CCE,12`,
            `A2,${REF(202)},2010-01-01,Portsmouth,police,2025-02-01,CCE,0x10`,
            `A3,${REF(203)},2010-01-01,Portsmouth,police,2025-02-01,CCE,1_000`,
            `A4,${REF(204)},2010-01-01,Portsmouth,police,2025-02-01,CCE,1e2`,
            `A5,${REF(205)},2010-01-01,Portsmouth,police,2025-02-01,CCE,+7`,
          ),
        },
        expect: {
          'risk_assessments.csv': {
            status: 'loaded',
            read: 5,
            loaded: 2,
            reasons: { 'not a whole number': 3 },
            check: async (db) => {
              expect(await query(db, `SELECT line, "column", reason FROM quarantine WHERE file = 'risk_assessments.csv' ORDER BY line`)).toEqual([
                { line: 3, column: 'score', reason: 'score is not a whole number (4 characters: letters and digits)' },
                { line: 4, column: 'score', reason: 'score is not a whole number (5 characters: digits and punctuation)' },
                { line: 5, column: 'score', reason: 'score is not a whole number (3 characters: letters and digits)' },
              ]);
              // Scores 12 (medium) and +7 (low): the level is derived from the score.
              expect(await query(db, `SELECT assessment_id, score, level FROM risk_assessments ORDER BY 1`)).toEqual([
                { assessment_id: 'A1', score: 12, level: 'medium' },
                { assessment_id: 'A5', score: 7, level: 'low' },
              ]);
            },
          },
        },
      },
    ],
  },
  {
    name: 'ssda903',
    area: 'Isle of Wight',
    kinds: [
      {
        kind: 'an SSDA903 header file without its header row, beside a good return',
        files: {
          'ssda903_missing.csv': csv(
            'CHILD,DOB,MISSING,MIS_START,MIS_END',
            `${REF(600)},01/01/2010,M,01/02/2025,02/02/2025`,
            `${REF(601)},01/01/2011,A,03/02/2025,`,
          ),
          'ssda903_header.csv': csv(`${REF(600)},1,2010-01-01,WBRI,${NAME}`, `${REF(601)},2,2011-01-01,WBRI,${NAME}`),
        },
        expect: {
          'ssda903_missing.csv': {
            status: 'loaded',
            read: 2,
            loaded: 2,
            reasons: {},
            // The table also holds the three missing_episodes.csv rows kept from before.
            check: async (db) => expect(await count(db, `missing_episodes WHERE origin = 'ssda903' AND sex IS NULL`)).toBe(2),
          },
          'ssda903_header.csv': { status: 'refused', error: /^ssda903_header\.csv has no header row that names its required columns \(child\)/ },
        },
      },
    ],
  },
  {
    name: 'permissions',
    // Root reads any file whatever its mode, so the command runs as nobody when the tests run as root.
    uid: process.getuid?.() === 0 ? 65534 : undefined,
    kinds: [
      {
        kind: 'an unreadable file',
        files: {
          'missing_episodes.csv': (path) => {
            writeFileSync(path, good('missing_episodes', 2, 40));
            chmodSync(path, 0o000);
          },
        },
        expect: { 'missing_episodes.csv': { status: 'refused', error: /^missing_episodes\.csv could not be read \(permission denied\)/ } },
      },
    ],
  },
];

// ---------------------------------------------------------------------------------

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function met(args: string[], opts: { uid?: number | undefined } = {}): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, MET_SECRET_KEY: TEST_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

/** Every marker found in a text, with where it was found. */
function leaks(where: string, text: string): string[] {
  return MARKERS.filter((m) => text.includes(m)).map((m) => `${m} in ${where}`);
}

/** Every table of the warehouse, every row, as text; and the file's bytes. */
async function warehouseLeaks(db: string): Promise<string[]> {
  const found: string[] = [];
  const tables = await query<{ t: string }>(db, `SELECT table_name AS t FROM duckdb_tables() ORDER BY 1`);
  expect(tables.length).toBeGreaterThan(10);
  for (const { t } of tables) {
    const all = await query(db, `SELECT * FROM "${t}"`);
    found.push(...leaks(`table ${t}`, JSON.stringify(all)));
  }
  const bytes = readFileSync(db);
  for (const m of MARKERS) if (bytes.includes(Buffer.from(m, 'utf-8'))) found.push(`${m} in the bytes of ${db}`);
  if (existsSync(db + '.wal')) found.push(...leaks('the WAL', readFileSync(db + '.wal', 'latin1')));
  return found;
}

function write(dir: string, files: Record<string, Entry>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    if (typeof content === 'function') content(path, join(dir, '..'));
    // Its mode set, not left to the umask (which `mode` would still obey): a load running
    // beside it in this process sets the umask to 077 while it runs (etl/load.ts), and the
    // group run as another user must be able to read every file but the one made unreadable.
    else {
      writeFileSync(path, content);
      chmodSync(path, 0o644);
    }
  }
}

let root: string;
let base: string;

beforeAll(async () => {
  root = tempDir('met-hostile-');
  chmodSync(root, 0o755);
  base = join(root, 'base.duckdb');
  const { report } = await load({ inDir: writeFolder(join(root, 'base'), BASE_FILES), db: base });
  expect(report.status).toBe('loaded');
  for (const [t, n] of Object.entries(BASE_COUNTS)) expect(await count(base, t)).toBe(n);
  // The suite's own check of its scan: the planted references were pseudonymised, not dropped.
  expect(await warehouseLeaks(base)).toEqual([]);
});

describe('hostile partner files through `met load`', () => {
  it('has at least 30 kinds', () => {
    expect(GROUPS.flatMap((g) => g.kinds).length).toBeGreaterThanOrEqual(30);
  });

  for (const group of GROUPS) {
    it.concurrent(`${group.name}: ${group.kinds.map((k) => k.kind).join('; ')}`, async ({ expect }) => {
      const dir = join(root, group.name.replace(/\W+/g, '-'));
      const inDir = join(dir, 'in');
      mkdirSync(dir, { recursive: true });
      for (const k of group.kinds) write(inDir, k.files);
      // A good file beside the broken ones: one bad file sinks nothing else.
      write(inDir, { 'disruptions.csv': good('disruptions', 2) });
      const db = join(dir, 'met.duckdb');
      copyFileSync(base, db);
      if (group.uid !== undefined) {
        // The other user runs this checkout's met: every folder above it must let others through.
        const closed: string[] = [];
        for (let d = dirname(BIN); d !== dirname(d); d = dirname(d)) if ((statSync(d).mode & 0o001) === 0) closed.push(d);
        expect(closed, `this test runs met as another user, who cannot reach the checkout: chmod o+x ${closed.join(' ')}`).toEqual([]);
        for (const p of [dir, inDir]) chmodSync(p, 0o777);
        chmodSync(db, 0o666);
      }

      const run = await met(['load', '--in', inDir, '--db', db, ...(group.area ? ['--area', group.area] : [])], { uid: group.uid });
      expect(run.stderr).toBe('');
      // (The command's own words on failure, so that a failure says why.)
      expect(run.code, run.stdout.split('\n').slice(-4).join('\n')).toBe(0);
      expect(run.stdout).toMatch(/^Refresh r\S+ loaded into /);
      const [stored] = await query<{ report: string }>(db, `SELECT report FROM refreshes WHERE status = 'loaded' ORDER BY refresh_id DESC LIMIT 1`);
      const report = JSON.parse(stored!.report) as LoadReport;
      const byFile = new Map(report.files.map((f) => [f.file, f]));

      expect(byFile.get('disruptions.csv')).toMatchObject({ status: 'loaded', read: 2, loaded: 2, quarantined: 0 });
      expect(await count(db, 'disruptions')).toBe(2);
      const expected = group.kinds.flatMap((k) => Object.entries(k.expect));
      expect([...byFile.keys()].sort()).toEqual([...expected.map(([f]) => f), 'disruptions.csv'].sort());

      for (const [file, e] of expected) {
        const f = byFile.get(file)!;
        const table = TABLE[sourceByFile(file)?.name ?? ''];
        expect({ file, status: f.status, error: f.error }).toMatchObject({ file, status: e.status });
        if (e.status === 'refused') {
          expect(f.error, file).toMatch(e.error!);
          // The previous data of its source is intact, and none of this file's rows were written.
          if (table) expect(await count(db, table), table).toBe(BASE_COUNTS[table]);
          expect(await count(db, `quarantine WHERE file = '${file}'`)).toBe(0);
        } else {
          expect(f.read, file).toBe((f.loaded ?? 0) + (f.quarantined ?? 0));
          expect(f, file).toMatchObject({ read: e.read, loaded: e.loaded, reasons: e.reasons });
          for (const k of Object.keys(f.reasons ?? {})) expect(QUARANTINE_REASONS).toContain(k);
          expect(await count(db, `quarantine WHERE file = '${file}'`)).toBe(f.quarantined);
          if (table === 'missing_episodes' && file.startsWith('ssda903')) expect(await count(db, `${table} WHERE origin = 'ssda903'`), table).toBe(f.loaded);
          else if (table) expect(await count(db, table), table).toBe(f.loaded);
          if (e.dropped) expect(f.dropped_columns).toEqual(e.dropped);
          await e.check?.(db, f);
        }
      }

      expect([
        ...leaks('stdout', run.stdout),
        ...leaks('stderr', run.stderr),
        ...leaks('the report', JSON.stringify(report)),
        ...(existsSync(db + '.failed-refreshes.jsonl') ? leaks('the failed-refresh log', readFileSync(db + '.failed-refreshes.jsonl', 'utf-8')) : []),
        ...(await warehouseLeaks(db)),
      ]).toEqual([]);
    });
  }

  it('the terminal’s report lists the first 3 rows to fix of each file, and says where the rest are', async () => {
    const dir = join(root, 'examples');
    const inDir = join(dir, 'in');
    // referrals.csv: lines 3–7 name an unknown code (5 rows); nrm_referrals.csv: line 2 an unknown area.
    write(inDir, {
      'referrals.csv': csv(
        TEMPLATE.referrals.header,
        ...rows('referrals', 1),
        ...[2, 3, 4, 5, 6].map((i) => `F${i},${REF(100 + i)},2010-01-01,Southampton,Bargate,2025-02-01,postman`),
      ),
      'nrm_referrals.csv': csv(TEMPLATE.nrm_referrals.header, `N1,${REF(301)},2009-01-01,Atlantis,2025-02-01,police,criminal`, ...rows('nrm_referrals', 1, 2)),
    });
    const db = join(dir, 'met.duckdb');
    copyFileSync(base, db);
    const run = await met(['load', '--in', inDir, '--db', db]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    const from = lines.indexOf('First rows to fix, up to 3 a file (file:line column: reason):');
    expect(from).toBeGreaterThan(0);
    expect(lines.slice(from + 1, from + 6).map((l) => l.replace(/: .*$/, ''))).toEqual([
      '  nrm_referrals.csv:2 area',
      '  referrals.csv:3 referrer',
      '  referrals.csv:4 referrer',
      '  referrals.csv:5 referrer',
      // 6 quarantined, 4 shown.
      '  … 2 more',
    ]);
    expect(lines[from + 5]).toBe("  … 2 more: every quarantined row is on the dashboard's Data page (analyst), to filter and download as CSV");
  });

  it('a refresh in which nothing loads fails with exit 1, quotes nothing in --json or its log, and the next refresh records it', async () => {
    const dir = join(root, 'nothing-loads');
    const db = join(dir, 'met.duckdb');
    mkdirSync(dir, { recursive: true });
    copyFileSync(base, db);
    const inDir = writeFolder(join(dir, 'in'), {
      'missing_episodes.csv': headerless,
      'referrals.csv': csv(TEMPLATE.referrals.header, `F1,${REF(101)},2010-01-01,Atlantis,Bargate,2025-02-01,police`),
    });

    const failed = await met(['load', '--in', inDir, '--db', db, '--json']);
    expect(failed.code).toBe(1);
    const report = JSON.parse(failed.stdout) as LoadReport;
    expect(report).toMatchObject({ status: 'failed', error: 'no file could be loaded, so the warehouse was left as it was' });
    expect(report.files.map((f) => [f.file, f.status])).toEqual([
      ['missing_episodes.csv', 'refused'],
      ['referrals.csv', 'refused'],
    ]);
    for (const [t, n] of Object.entries(BASE_COUNTS)) expect(await count(db, t), t).toBe(n);
    const log = readFileSync(db + '.failed-refreshes.jsonl', 'utf-8');
    expect(JSON.parse(log).refresh_id).toBe(report.refresh_id);

    // The next good refresh enters the failed one in `refreshes` (and the data-quality measures).
    const next = await met(['load', '--in', writeFolder(join(dir, 'in2'), { 'disruptions.csv': good('disruptions', 2) }), '--db', db]);
    expect(next.code).toBe(0);
    expect(await count(db, `refreshes WHERE refresh_id = '${report.refresh_id}'`)).toBe(1);
    expect([
      ...leaks('stdout', failed.stdout + next.stdout),
      ...leaks('stderr', failed.stderr + next.stderr),
      ...leaks('the failed-refresh log', log),
      ...(await warehouseLeaks(db)),
    ]).toEqual([]);
  });
});

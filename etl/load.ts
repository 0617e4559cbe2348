// A refresh: a folder of partner extracts in, a new warehouse out. The new warehouse
// is built beside the live one and replaces it only when complete, so a crash or a
// kill part-way leaves the previous dataset served and intact.

import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, appendFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBScalarFunction, VARCHAR } from '@duckdb/node-api';
import { DbError, openDb, literal, type Db } from '../lib/db.js';
import { buildMeasures, readSql } from './buildMeasures.js';
import { CHECK_MACROS } from './checks.js';
import { AREAS, SOURCES, sourceByFile, sourceByName, type AreaName, type Source, type SourceName } from './contract.js';
import { CsvRefusal, prepareCsv } from './csvFile.js';
import { messages, refusals, safeName } from '../lib/messages.js';
import { KeyProblem, keyFingerprint, loadSecretKey, pseudonymise, type SecretKey } from './pseudonym.js';
import { acquireLock, LockBusy, type HeldLock } from './lock.js';
import { fileOf, previousFingerprint, previousHoldsPseudonyms, PSEUDONYM_SOURCES, PSEUDONYM_TABLES, rekeyNeeds } from './keyCheck.js';
import { sweepPrivateDirs } from './privateDir.js';
import { mapHeader, stageFile } from './stage.js';
import { checkStage, quarantineRows, tally, warehouseColumns, type StoreContext } from './store.js';

export type { FileReport, LoadNotes, LoadReport } from '../model/loadReport.js';
import type { FileReport, LoadNotes, LoadReport } from '../model/loadReport.js';

export interface LoadOptions {
  inDir: string;
  db: string;
  /** The area an SSDA903 return belongs to. */
  area?: AreaName;
  onProgress?: (done: number, total: number, label: string) => void;
  /** For tests of the all-or-nothing switch-over: fail after this source is stored. */
  failAfter?: string;
  /**
   * A deliberate key change: every source that holds pseudonyms is rebuilt from the
   * folder (each one the warehouse holds must be there) and none is carried forward.
   */
  rekey?: boolean;
  /** How long to wait for another refresh of the same warehouse to finish (default 0: fail at once). */
  waitSeconds?: number;
  /** Told once, with a sentence for a person, when the load waits for another refresh. */
  onWait?: (message: string) => void;
  /** Told when this refresh holds the warehouse's lock. */
  onLocked?: (lockPath: string) => void;
}

/**
 * What a failed refresh's report says. Our own failures say what they mean; DuckDB's
 * messages can quote a value of the data (a conversion error names it), so only what
 * was being done is said, and the message itself goes to this terminal alone when
 * MET_DEBUG=1 asks for it (never into the report, the log or the warehouse).
 */
function failureText(e: unknown): string {
  if (e instanceof LoadFailure || e instanceof KeyProblem) return e.message;
  if (process.env.MET_DEBUG === '1') console.error(e);
  const doing = e instanceof DbError ? e.doing : 'loading';
  return `an internal error while ${doing} (its message is not shown, as it could quote the data; MET_DEBUG=1 prints it on this terminal)`;
}

export class LoadFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadFailure';
  }
}


/** The order sources load in: localities first, episodes before the interviews that name them. */
const ORDER: SourceName[] = [
  'population',
  'missing_episodes',
  'ssda903_missing',
  'return_interviews',
  'risk_assessments',
  'referrals',
  'nrm_referrals',
  'intelligence',
  'disruptions',
  'actions',
];

/** Warehouse tables and which source fills them. */
const TABLE_OF: Partial<Record<SourceName, string>> = {
  population: 'population',
  missing_episodes: 'missing_episodes',
  ssda903_missing: 'missing_episodes',
  return_interviews: 'return_interviews',
  risk_assessments: 'risk_assessments',
  referrals: 'referrals',
  nrm_referrals: 'nrm_referrals',
  intelligence: 'intelligence',
  disruptions: 'disruptions',
  actions: 'actions',
};

function refreshIdFor(d: Date): string {
  return `r${d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes half-built warehouses left by loads that were killed. */
function removeStaleBuilds(db: string): void {
  const dir = dirname(db);
  const prefix = basename(db) + '.building-';
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix)) continue;
    const pid = Number(f.slice(prefix.length).split('.')[0]);
    if (!Number.isFinite(pid) || !pidAlive(pid) || pid === process.pid) rmSync(join(dir, f), { recursive: true, force: true });
  }
}

interface Inputs {
  files: Map<SourceName, string>;
  refused: FileReport[];
}

/**
 * Sorts the folder's files into the contract's sources; anything else is refused by
 * name. Nothing is followed or opened here: a symbolic link is refused whatever it
 * points to (lstat), and so is anything named like an extract that is not a plain file.
 * Two files whose names differ only in case are both refused: which one was meant
 * cannot be known.
 */
function listInputs(inDir: string, area: AreaName | undefined): Inputs {
  const files = new Map<SourceName, string>();
  const refused: FileReport[] = [];
  const candidates = new Map<SourceName, string[]>();
  let names: string[];
  try {
    names = readdirSync(inDir).sort();
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : ((e as NodeJS.ErrnoException).code ?? 'an error of the file system');
    refused.push({ file: safeName(basename(inDir), 200), status: 'refused', error: `the folder ${refusals.unreadable(why)}` });
    return { files, refused };
  }
  for (const name of names) {
    const path = join(inDir, name);
    if (name.startsWith('.')) continue;
    const shownName = safeName(name, 200);
    const source = sourceByFile(name);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      continue; // gone since the folder was listed: as if it had never been there
    }
    const refuse = (why: string) =>
      refused.push({ file: shownName, ...(source ? { source: source.name } : {}), status: 'refused', error: `${shownName} ${why}` });
    if (st.isSymbolicLink()) refuse(refusals.symlink);
    else if (st.isDirectory()) {
      if (source) refuse(refusals.folder);
    } else if (!st.isFile()) refuse(refusals.notRegular);
    else if (!source) {
      const expected = SOURCES.map((s) => s.file).join(', ');
      refused.push({ file: shownName, status: 'refused', error: `unknown file name: ${shownName} (expected one of ${expected})` });
    } else candidates.set(source.name, [...(candidates.get(source.name) ?? []), path]);
  }
  for (const [name, paths] of candidates) {
    if (paths.length === 1) {
      files.set(name, paths[0]!);
      continue;
    }
    const names = paths.map((p) => safeName(basename(p), 200));
    for (const n of names) {
      refused.push({ file: n, source: name, status: 'refused', error: refusals.caseTwins(names, sourceByName(name).file) });
    }
  }
  for (const s of ['ssda903_missing', 'ssda903_header'] as const) {
    const path = files.get(s);
    if (path && !area) {
      files.delete(s);
      refused.push({
        file: basename(path),
        source: s,
        status: 'refused',
        error: `${basename(path)} is an SSDA903 return, which belongs to one area: load it with --area (one of ${AREAS.join(', ')})`,
      });
    }
  }
  if (files.has('ssda903_header') && !files.has('ssda903_missing')) {
    const path = files.get('ssda903_header')!;
    files.delete('ssda903_header');
    refused.push({
      file: basename(path),
      source: 'ssda903_header',
      status: 'refused',
      error: 'ssda903_header.csv only adds sex and ethnicity to ssda903_missing.csv, which is not in the folder',
    });
  }
  return { files, refused };
}

/** Which of the previous warehouse's rows of a table survive this refresh. */
function keepPrevious(table: string, replaced: Set<SourceName>, area: string | undefined): string | null {
  if (table === 'missing_episodes') {
    const keep: string[] = [];
    if (!replaced.has('missing_episodes')) keep.push(`origin = 'missing_episodes'`);
    keep.push(replaced.has('ssda903_missing') ? `(origin = 'ssda903' AND area <> ${literal(area ?? '')})` : `origin = 'ssda903'`);
    return keep.join(' OR ');
  }
  const source = (Object.entries(TABLE_OF) as [SourceName, string][]).find(([, t]) => t === table)?.[0];
  if (!source) return 'true';
  return replaced.has(source) ? null : 'true';
}

async function tableExists(db: Db, catalog: string, table: string): Promise<boolean> {
  const n = await db.value<number>(
    `SELECT count(*) FROM duckdb_tables() WHERE database_name = $c AND table_name = $t`,
    { c: catalog, t: table },
  );
  return n > 0;
}

async function copyPrevious(db: Db, table: string, where: string | null): Promise<void> {
  if (where === null) return;
  if (!(await tableExists(db, 'prev', table))) return;
  await db.run(`INSERT INTO wh.${table} BY NAME SELECT * FROM prev.${table} WHERE ${where}`, undefined, `keeping the previous ${table}`);
}

/** Registers the keyed hash as a SQL function of this (in-memory) connection only. */
function registerPseudonym(db: Db, key: Buffer): void {
  db.connection.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'met_pseudonym',
      returnType: VARCHAR,
      parameterTypes: [VARCHAR],
      mainFunction: (_info, input, output) => {
        const v = input.getColumnVector(0);
        for (let i = 0; i < input.rowCount; i++) {
          const x = v.getItem(i);
          output.setItem(i, x === null ? null : pseudonymise(key, String(x)));
        }
        output.flush();
      },
    }),
  );
}

/** Stores one checked source's clean rows in its warehouse table. */
async function insertClean(db: Db, source: Source, tag: string): Promise<void> {
  const final = `final_${tag}`;
  const cols = warehouseColumns(source);
  const clean = (extra = '') => `FROM ${final} WHERE len(problems) = 0 ${extra} ORDER BY _row`;
  switch (source.name) {
    case 'missing_episodes':
      await db.run(`INSERT INTO wh.missing_episodes BY NAME SELECT ${cols}, 'missing_episodes' AS origin, false AS dates_only ${clean()}`);
      return;
    case 'risk_assessments':
      // SERAF: where only the score is given the level is derived from it; a recorded level stands.
      await db.run(
        `INSERT INTO wh.risk_assessments BY NAME
         SELECT ${warehouseColumns(source, {
           level: `coalesce("level", CASE WHEN score <= 5 THEN 'none' WHEN score <= 10 THEN 'low' WHEN score <= 15 THEN 'medium' ELSE 'high' END)`,
         })},
                "level" IS NULL AS level_derived
         ${clean()}`,
      );
      return;
    case 'actions':
      // The plan accumulates: a row already held (same action_id and updated_at) adds nothing.
      await db.run(
        `INSERT INTO wh.actions BY NAME SELECT ${cols}
         ${clean(`AND NOT EXISTS (SELECT 1 FROM wh.actions a WHERE a.action_id = ${final}.action_id AND a.updated_at = ${final}.updated_at)`)}`,
      );
      return;
    default:
      await db.run(`INSERT INTO wh.${TABLE_OF[source.name]} BY NAME SELECT ${cols} ${clean()}`);
  }
}

/** DfE ethnicity codes to the ONS five groups. */
const DFE_ETHNIC = `CASE WHEN upper(trim(e)) IN ('REFU', 'NOBT') THEN 'Not known'
     WHEN upper(trim(e)) = 'CHNE' THEN 'Asian'
     WHEN upper(trim(e)) = 'OOTH' THEN 'Other'
     WHEN upper(trim(e)) LIKE 'W%' THEN 'White'
     WHEN upper(trim(e)) LIKE 'M%' THEN 'Mixed'
     WHEN upper(trim(e)) LIKE 'A%' THEN 'Asian'
     WHEN upper(trim(e)) LIKE 'B%' THEN 'Black'
     WHEN upper(trim(e)) LIKE 'O%' THEN 'Other' END`;

/** SSDA903 episodes become social care episodes of looked-after children in the given area. */
async function insertSsda903(db: Db, tag: string, headerTag: string | null, area: string): Promise<void> {
  const header = headerTag
    ? `LEFT JOIN (SELECT child, sex, ethnic FROM final_${headerTag} WHERE len(problems) = 0) h ON h.child = m.child`
    : `LEFT JOIN (SELECT NULL::VARCHAR AS child, NULL::VARCHAR AS sex, NULL::VARCHAR AS ethnic) h ON false`;
  await db.run(
    `INSERT INTO wh.missing_episodes BY NAME
     SELECT '903:' || m.child || ':' || strftime(m.mis_start, '%Y-%m-%d') AS episode_id,
            'ssda903' AS origin, 'social_care' AS source, m.child AS child_pseudonym, m.dob,
            CASE h.sex WHEN '1' THEN 'M' WHEN '2' THEN 'F' ELSE h.sex END AS sex,
            (SELECT ${DFE_ETHNIC} FROM (SELECT h.ethnic AS e)) AS ethnicity,
            true AS looked_after, $area AS area,
            CASE m.missing WHEN 'M' THEN 'missing' ELSE 'away' END AS classification,
            m.mis_start::TIMESTAMP AS reported_at, m.mis_end::TIMESTAMP AS returned_at,
            true AS dates_only
     FROM final_${tag} m ${header}
     WHERE len(m.problems) = 0
     ORDER BY m._row`,
    { area },
  );
}

async function rebuildLocalities(db: Db): Promise<void> {
  await db.run(`DELETE FROM wh.localities`);
  await db.run(
    `INSERT INTO wh.localities
     SELECT area, min(locality), met_key(locality) FROM wh.population GROUP BY area, met_key(locality)`,
  );
}

/** population.csv is refused whole if two areas share a locality name: found_locality needs no area. */
async function checkLocalitiesUnique(db: Db, tag: string, rowLine: Int32Array): Promise<void> {
  // The refusal is stored (refresh_files.error), so it names lines, not the localities.
  const clash = await db.all<{ a: number; b: number }>(
    `SELECT min(_row) FILTER (WHERE area = a1) AS a, min(_row) FILTER (WHERE area <> a1) AS b
     FROM (SELECT _row, area, met_key(locality) AS k, first(area ORDER BY _row) OVER (PARTITION BY met_key(locality)) AS a1
           FROM final_${tag} WHERE len(problems) = 0)
     GROUP BY k HAVING count(DISTINCT area) > 1 ORDER BY 1`,
  );
  if (clash.length > 0) {
    const c = clash[0]!;
    throw new CsvRefusal(refusals.localityClash(clash.length, [rowLine[c.a] ?? 0, rowLine[c.b] ?? 0]));
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Failed refreshes leave the warehouse untouched, so they are logged beside it and imported by the next success. */
function failedLogPath(db: string): string {
  return db + '.failed-refreshes.jsonl';
}

type Finish = (status: 'loaded' | 'failed', error?: string) => void;

/**
 * One refresh of the warehouse. Never throws: whatever goes wrong comes back as a
 * report with status `failed` and an error a person can act on (the server's upload
 * refresh relies on this). One refresh at a time per warehouse: a second one, from
 * any process, fails at once (or waits up to `waitSeconds`) naming the one running.
 */
export async function load(opts: LoadOptions): Promise<{ report: LoadReport; notes: LoadNotes }> {
  const started = new Date();
  const refreshId = refreshIdFor(started);
  const dbPath = resolve(opts.db);
  const report: LoadReport = { refresh_id: refreshId, started_at: started.toISOString(), finished_at: '', status: 'failed', files: [] };
  const notes: LoadNotes = { converted: [], identifiers: {}, key: { origin: 'environment', created: false }, db: dbPath, warnings: [], keyLoaded: false };
  const finish: Finish = (status, error) => {
    report.status = status;
    report.finished_at = new Date().toISOString();
    if (error) report.error = error;
    else delete report.error;
  };

  // Raw copies left in private folders by processes that were killed go first.
  try {
    const swept = sweepPrivateDirs();
    if (swept > 0) notes.warnings.push(messages.privateSwept(swept));
  } catch {
    // Nothing of ours could be removed; the load itself does not depend on it.
  }

  if (!existsSync(opts.inDir) || !statSync(opts.inDir).isDirectory()) {
    finish('failed', `the input folder ${opts.inDir} does not exist`);
    return { report, notes };
  }

  let lock: HeldLock;
  try {
    lock = await acquireLock(dbPath, opts.waitSeconds ?? 0, (holder, path) => opts.onWait?.(messages.lockWaiting(path, holder)));
  } catch (e) {
    // Not logged as a failed refresh: the log belongs to the refresh that holds the lock.
    if (e instanceof LockBusy) finish('failed', messages.lockBusy(e.lockPath, e.holder, e.holder?.host === hostname()));
    else finish('failed', `the lock file beside the warehouse could not be created (${(e as NodeJS.ErrnoException).code ?? String(e)}); nothing was loaded`);
    return { report, notes };
  }
  try {
    if (lock.recovered) notes.warnings.push(messages.lockRecovered(lock.recovered));
    opts.onLocked?.(lock.path);
    return await refresh(opts, dbPath, report, notes, finish);
  } catch (e) {
    finish('failed', `the refresh stopped unexpectedly: ${failureText(e)}`);
    logFailure(dbPath, report);
    return { report, notes };
  } finally {
    lock.release();
  }
}

/** The refresh itself, run while holding the warehouse's lock. */
async function refresh(opts: LoadOptions, dbPath: string, report: LoadReport, notes: LoadNotes, finish: Finish): Promise<{ report: LoadReport; notes: LoadNotes }> {
  const refreshId = report.refresh_id;
  // A warehouse that exists was built with a key: a missing key file is then a lost
  // key, never a reason to make a new one (unless the change is deliberate: --rekey).
  const hasPrev = existsSync(dbPath);
  let secret: SecretKey;
  try {
    secret = loadSecretKey(undefined, { create: !hasPrev || !!opts.rekey });
  } catch (e) {
    if (!(e instanceof KeyProblem)) throw e;
    finish('failed', e.message);
    logFailure(dbPath, report);
    return { report, notes };
  }
  notes.keyLoaded = true;
  notes.key = { origin: secret.origin, created: secret.created, ...(secret.path ? { path: secret.path } : {}) };

  const inputs = listInputs(opts.inDir, opts.area);
  report.files.push(...inputs.refused);
  if (inputs.files.size === 0) {
    finish(
      'failed',
      inputs.refused.length > 0
        ? `no file in ${opts.inDir} could be loaded (see the refused files)`
        : `${opts.inDir} holds no partner extract (expected files named ${SOURCES.map((s) => s.file).join(', ')})`,
    );
    logFailure(dbPath, report);
    return { report, notes };
  }

  removeStaleBuilds(dbPath);
  const building = `${dbPath}.building-${process.pid}`;
  rmSync(building, { force: true });
  rmSync(building + '.wal', { force: true });

  // The raw references live in this in-memory database only. Spilling to disk is
  // switched off so that not even DuckDB's temporary files hold them.
  // DuckDB would take 80% of the machine's memory; a refresh needs far less, and the
  // server and the analyst's other work share the machine (MET_MEMORY_LIMIT to change).
  const mem = await openDb(':memory:', { config: { temp_directory: '', memory_limit: process.env.MET_MEMORY_LIMIT || '4GB' } });
  let switched = false;
  try {
    registerPseudonym(mem, secret.key);
    await mem.run(CHECK_MACROS);
    if (hasPrev) await mem.run(`ATTACH ${literal(dbPath)} AS prev (READ_ONLY)`, undefined, 'opening the live warehouse');
    await mem.run(`ATTACH ${literal(building)} AS wh`, undefined, 'creating the new warehouse');
    await mem.run(`USE wh; ${readSql('warehouse.sql')}; USE memory;`, undefined, 'creating the warehouse tables');

    // The key: the warehouse's own, or a deliberate change that rebuilds every pseudonym.
    const fingerprint = keyFingerprint(secret.key);
    const prevFingerprint = hasPrev ? await previousFingerprint(mem) : null;
    if (prevFingerprint !== null && prevFingerprint !== fingerprint && !opts.rekey) {
      throw new LoadFailure(messages.keyMismatch(secret.origin === 'environment' ? 'MET_SECRET_KEY' : `the key file ${secret.path}${secret.created ? ', created just now' : ''}`));
    }
    if (hasPrev && prevFingerprint === null && !opts.rekey && (await previousHoldsPseudonyms(mem))) notes.warnings.push(messages.keyNoFingerprint);
    let rekeyNeeded: SourceName[] = [];
    let ssda903Held: string[] = [];
    if (opts.rekey && hasPrev) {
      const needs = await rekeyNeeds(mem);
      const missing = needs.sources.filter((x) => !inputs.files.has(x));
      if (missing.length) throw new LoadFailure(messages.rekeyMissing(missing.map(fileOf)));
      rekeyNeeded = needs.sources;
      ssda903Held = needs.ssda903Areas;
    }
    await mem.run(`INSERT INTO wh.warehouse_meta VALUES ('key_fingerprint', $f)`, { f: fingerprint });
    // Under --rekey nothing that holds a pseudonym made with the old key is carried forward.
    const carry = (table: string, where: string | null): string | null => (opts.rekey && PSEUDONYM_TABLES.has(table) ? null : where);

    const replaced = new Set<SourceName>();
    const total = inputs.files.size;
    let done = 0;
    const headerTag = inputs.files.has('ssda903_header') ? 'ssda903_header' : null;

    // The SSDA903 header is read first so the missing table can take sex and ethnicity from it.
    const steps: SourceName[] = headerTag ? ['ssda903_header', ...ORDER] : ORDER;
    for (const name of steps) {
      const source = sourceByName(name);
      const path = inputs.files.get(name);
      const table = TABLE_OF[name];
      // The action plan accumulates, so its old rows go in first and the file adds to them.
      if (name === 'actions') await copyPrevious(mem, 'actions', carry('actions', 'true'));
      if (path) {
        opts.onProgress?.(done, total, source.file);
        const t0 = performance.now();
        const fileReport = await loadFile(mem, source, path, {
          refreshId,
          file: basename(path),
          scope: name.startsWith('ssda903') ? opts.area ?? '' : '',
        }, { notes, headerTag, area: opts.area });
        report.files.push(fileReport);
        if (process.env.MET_PROFILE) console.error(`  load ${source.file}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        if (fileReport.status === 'loaded' && name !== 'ssda903_header') replaced.add(name);
        done++;
        opts.onProgress?.(done, total, source.file);
      }
      // missing_episodes and the SSDA903 return share one table, whose previous rows
      // are kept after both have had their turn.
      if (table && table !== 'missing_episodes' && name !== 'actions') {
        await copyPrevious(mem, table, carry(table, keepPrevious(table, replaced, opts.area)));
      }
      if (name === 'ssda903_missing') {
        await copyPrevious(mem, 'missing_episodes', carry('missing_episodes', keepPrevious('missing_episodes', replaced, opts.area)));
        await mem.run(`CREATE OR REPLACE TEMP VIEW episodes_now AS SELECT DISTINCT episode_id FROM wh.missing_episodes WHERE origin = 'missing_episodes'`);
      }
      if (name === 'population') {
        await rebuildLocalities(mem);
        await mem.run(`CREATE OR REPLACE TEMP VIEW localities_now AS SELECT * FROM wh.localities`);
        const namesLocalities = (['missing_episodes', 'risk_assessments', 'referrals', 'intelligence', 'disruptions'] as const).some((x) => inputs.files.has(x));
        if (namesLocalities && (await mem.value<number>(`SELECT count(*) FROM wh.localities`)) === 0) {
          notes.warnings.push(messages.noPopulation);
        }
      }
      if (opts.failAfter === name) throw new LoadFailure(`stopped after ${name}, as asked (a test of the all-or-nothing switch-over)`);
    }

    // Quarantine records and source state of the sources this refresh did not replace.
    const replacedScoped = [...replaced].map((s) => (s === 'ssda903_missing' ? `(source = 'ssda903_missing' AND scope = ${literal(opts.area ?? '')})` : `(source = ${literal(s)} AND scope = '')`));
    let notReplaced = replacedScoped.length ? `NOT (${replacedScoped.join(' OR ')})` : 'true';
    if (opts.rekey) {
      const refusedNeeded = rekeyNeeded.filter((x) => !replaced.has(x));
      if (refusedNeeded.length) throw new LoadFailure(messages.rekeyRefused(refusedNeeded.map(fileOf)));
      const dropped = ssda903Held.filter((a) => !(replaced.has('ssda903_missing') && a === opts.area));
      if (dropped.length) notes.warnings.push(messages.rekeySsda903Dropped(dropped));
      if (prevFingerprint !== fingerprint) notes.warnings.push(messages.rekeyDone(fingerprint));
      notReplaced = `(${notReplaced}) AND source NOT IN (${[...PSEUDONYM_SOURCES, 'ssda903_header'].map((x) => literal(x)).join(', ')})`;
    }
    await copyPrevious(mem, 'quarantine', notReplaced);
    await copyPrevious(mem, 'source_state', notReplaced);
    await copyPrevious(mem, 'refreshes', 'true');
    await copyPrevious(mem, 'refresh_files', 'true');
    await importFailures(mem, dbPath);

    const loadedAny = report.files.some((f) => f.status === 'loaded' && f.source !== 'ssda903_header');
    if (!loadedAny) throw new LoadFailure('no file could be loaded, so the warehouse was left as it was');

    for (const f of report.files) {
      if (f.status === 'loaded' && f.read !== (f.loaded ?? 0) + (f.quarantined ?? 0)) {
        throw new LoadFailure(`internal check failed for ${f.file}: ${f.read} rows read but ${f.loaded} loaded and ${f.quarantined} quarantined`);
      }
    }

    finish('loaded');
    await recordRefresh(mem, report, opts, notes);
    // The measures are rebuilt from the complete new dataset, inside the new file.
    opts.onProgress?.(total, total, 'measures');
    await mem.run('USE wh');
    // Every raw reference is gone from memory by now, so the measures may spill to disk
    // (beside the new warehouse, removed with it) if they need more than the limit.
    await mem.run(`SET temp_directory = ${literal(building + '.tmp')}`);
    await buildMeasures(mem);
    await mem.run('USE memory');
    await mem.run(`CHECKPOINT wh`);
    if (hasPrev) await mem.run(`DETACH prev`);
    await mem.run(`DETACH wh`);
    switched = true;
  } catch (e) {
    finish('failed', failureText(e));
  } finally {
    mem.close();
  }
  rmSync(building + '.tmp', { recursive: true, force: true });
  if (!switched) {
    rmSync(building, { force: true });
    rmSync(building + '.wal', { force: true });
    logFailure(dbPath, report);
    return { report, notes };
  }
  // The switch-over: one atomic rename. Readers that have the old file open keep reading it.
  // The warehouse holds dates of birth and pseudonyms: readable by its owner only.
  chmodSync(building, 0o600);
  fsyncPath(building);
  rmSync(building + '.wal', { force: true });
  renameSync(building, dbPath);
  fsyncPath(dirname(dbPath));
  rmSync(failedLogPath(dbPath), { force: true });
  return { report, notes };
}

/** MET_PROFILE=1 prints each step's seconds, for benchmarks. */
function profiler(label: string): (step: string) => void {
  let t = performance.now();
  return (step) => {
    if (!process.env.MET_PROFILE) return;
    const now = performance.now();
    console.error(`    ${label} ${step}: ${((now - t) / 1000).toFixed(1)} s`);
    t = now;
  };
}

interface FileContext {
  notes: LoadNotes;
  headerTag: string | null;
  area: AreaName | undefined;
}

async function loadFile(db: Db, source: Source, path: string, ctx: StoreContext, fc: FileContext): Promise<FileReport> {
  const file = basename(path);
  let csv;
  const tick = profiler(file);
  try {
    csv = prepareCsv(path);
    tick('prepared');
  } catch (e) {
    if (e instanceof CsvRefusal) return { file, source: source.name, status: 'refused', error: `${file} ${e.message}` };
    return { file, source: source.name, status: 'refused', error: `${file} ${refusals.internal('reading it')}` };
  }
  const tag = source.name;
  let doing = 'reading its header';
  let wrote = false;
  try {
    const map = mapHeader(source, csv.header, file);
    doing = 'reading it';
    const stage = await stageFile(db, source, csv, map, tag);
    tick('staged');
    // Partners send full extracts, so an empty one would wipe the source: refused, the previous data stays.
    if (stage.read === 0) throw new CsvRefusal(refusals.headerOnly);
    doing = 'checking it';
    await checkStage(db, source, tag);
    tick('checked');
    const t = await tally(db, tag, stage);
    // So would one whose every row is quarantined.
    if (t.loaded === 0) {
      const [reason, n] = Object.entries(t.reasons)[0] ?? ['malformed line', t.quarantined];
      throw new CsvRefusal(refusals.allQuarantined(t.read, reason, n));
    }
    if (source.name === 'population') await checkLocalitiesUnique(db, tag, stage.rowLine);
    // Nothing of a refused file may reach the new warehouse file, not even rows deleted
    // again (their bytes could stay in the file): every refusal comes before this point.
    doing = 'storing it';
    wrote = true;
    await quarantineRows(db, source, tag, stage, ctx);
    if (source.name === 'ssda903_missing') {
      // A refused ssda903_header.csv left no checked table: the episodes load without its sex and ethnicity.
      const header = fc.headerTag && (await tableExists(db, 'temp', `final_${fc.headerTag}`)) ? fc.headerTag : null;
      await insertSsda903(db, tag, header, fc.area ?? '');
    }
    else if (source.name !== 'ssda903_header') await insertClean(db, source, tag);
    tick('stored');
    tick('quarantined');
    if (csv.encoding === 'windows-1252') fc.notes.converted.push(file);
    if (map.identifiers.length) fc.notes.identifiers[file] = map.identifiers;
    if (source.name !== 'ssda903_header') {
      await db.run(`DELETE FROM wh.source_state WHERE source = $s AND scope = $scope`, { s: source.name, scope: ctx.scope });
      await db.run(`INSERT INTO wh.source_state VALUES ($s, $scope, $r, $f, $h, now()::TIMESTAMP)`, {
        s: source.name,
        scope: ctx.scope,
        r: ctx.refreshId,
        f: file,
        h: csv.sha256,
      });
    }
    await db.run(`DROP TABLE IF EXISTS stage_${tag}`);
    if (source.name !== 'ssda903_header') await db.run(`DROP TABLE IF EXISTS final_${tag}`);
    return {
      file,
      source: source.name,
      status: 'loaded',
      read: t.read,
      loaded: t.loaded,
      quarantined: t.quarantined,
      reasons: t.reasons,
      absent_columns: map.absent,
      dropped_columns: map.dropped,
      sha256: csv.sha256,
    };
  } catch (e) {
    // Once rows were being written, a failure is not the file's fault alone: the refresh
    // fails, and says so in our words (DuckDB's message may quote a value).
    if (wrote && !(e instanceof CsvRefusal)) throw new LoadFailure(`${file} ${refusals.internal(doing)}`);
    await db.run(`DROP TABLE IF EXISTS stage_${tag}`);
    await db.run(`DROP TABLE IF EXISTS final_${tag}`);
    // The checks' own SQL failing is a fault of ours, not the file's; its message may quote values, so it is not shown.
    const why = e instanceof CsvRefusal ? e.message : refusals.internal(doing);
    return { file, source: source.name, status: 'refused', error: `${file} ${why}`, sha256: csv.sha256 };
  } finally {
    csv.dispose();
  }
}

async function recordRefresh(db: Db, report: LoadReport, opts: LoadOptions, notes: LoadNotes): Promise<void> {
  await db.run(`INSERT INTO wh.refreshes VALUES ($id, $s::TIMESTAMP, $f::TIMESTAMP, $status, $input, $report)`, {
    id: report.refresh_id,
    s: report.started_at.replace('Z', ''),
    f: report.finished_at.replace('Z', ''),
    status: report.status,
    input: basename(resolve(opts.inDir)),
    report: JSON.stringify(report),
  });
  for (const f of report.files) {
    await db.run(
      `INSERT INTO wh.refresh_files VALUES ($r, $file, $source, $scope, $status, $sha, $enc, $read, $loaded, $q, $reasons,
               $absent::VARCHAR[], $dropped::VARCHAR[], $error)`,
      {
        r: report.refresh_id,
        file: f.file,
        source: f.source ?? null,
        scope: f.source?.startsWith('ssda903') ? opts.area ?? '' : '',
        status: f.status,
        sha: f.sha256 ?? null,
        enc: f.status === 'loaded' ? (notes.converted.includes(f.file) ? 'windows-1252' : 'utf-8') : null,
        read: f.read ?? null,
        loaded: f.loaded ?? null,
        q: f.quarantined ?? null,
        reasons: f.reasons ? JSON.stringify(f.reasons) : null,
        absent: JSON.stringify(f.absent_columns ?? []),
        dropped: JSON.stringify(f.dropped_columns ?? []),
        error: f.error ?? null,
      },
    );
  }
}

function logFailure(db: string, report: LoadReport): void {
  try {
    if (!existsSync(dirname(db))) return;
    appendFileSync(failedLogPath(db), JSON.stringify(report) + '\n', { mode: 0o600 });
  } catch {
    // The failure is on screen and in the report; a log that cannot be written must not hide it.
  }
}

async function importFailures(db: Db, dbPath: string): Promise<void> {
  const path = failedLogPath(dbPath);
  if (!existsSync(path)) return;
  for (const line of readFileSync(path, 'utf-8').split('\n')) {
    if (!line.trim()) continue;
    let r: LoadReport;
    try {
      r = JSON.parse(line) as LoadReport;
    } catch {
      continue;
    }
    await db.run(
      `INSERT INTO wh.refreshes SELECT $id, $s::TIMESTAMP, $f::TIMESTAMP, 'failed', NULL, $report
       WHERE NOT EXISTS (SELECT 1 FROM wh.refreshes WHERE refresh_id = $id)`,
      { id: r.refresh_id, s: r.started_at.replace('Z', ''), f: (r.finished_at || r.started_at).replace('Z', ''), report: line },
    );
  }
}

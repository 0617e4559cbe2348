// A refresh: a folder of partner extracts in, a new warehouse out. The new warehouse
// is built beside the live one and replaces it only when complete, so a crash or a
// kill part-way leaves the previous dataset served and intact.

import { existsSync, lstatSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { DbError, openDb, literal, type Db } from '../lib/db.js';
import { measuresVersion, previousMeasuresVersion, readSql } from './buildMeasures.js';
import { CHECK_MACROS } from './checks.js';
import { SOURCES, sourceByName, type AreaName, type SourceName } from './contract.js';
import { messages } from '../lib/messages.js';
import { KeyProblem, keyFingerprint, loadSecretKey, registerPseudonym, type SecretKey } from './pseudonym.js';
import { acquireLock, LockBusy, type HeldLock } from './lock.js';
import { fileOf, previousFingerprint, previousHoldsPseudonyms, previousWrittenClean, PSEUDONYM_SOURCES, PSEUDONYM_TABLES, rekeyNeeds } from './keyCheck.js';
import { sweepPrivateDirs } from './privateDir.js';
import { REFRESH_TABLES } from '../model/measureInputs.js';
import { LoadFailure } from './loadFailure.js';
export { LoadFailure } from './loadFailure.js';
import { copyPrevious, keepPrevious, TABLE_OF } from './carryForward.js';
import { failedLogPath, importFailures, logFailure, recordRefresh, refreshIdFor } from './history.js';
import { listInputs, type Inputs } from './inputs.js';
import { rebuildLocalities, respellLocalities } from './insert.js';
import { loadFile } from './loadFile.js';
import { profiled, stopwatch } from './profile.js';
import { discardBuild, prepareBuild, switchOver } from './switchover.js';
import { handoffDir, handOver, startWriter, type Writer } from './writer.js';
import type { Handoff } from './writeWarehouse.js';

export type { FileReport, LoadNotes, LoadReport } from '../model/loadReport.js';
import type { LoadNotes, LoadReport } from '../model/loadReport.js';

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
  /**
   * The day the refresh is taken on (`YYYY-MM-DD`), which decides what is "in the
   * future": by default the day it starts (UTC). For tests, and for loading an archived
   * folder as of the day it was sent.
   */
  refreshDay?: string;
  /** Told of each step of building the measures before it starts, and whether it is built or copied from the previous warehouse. */
  onMeasureStep?: (step: string, how: 'built' | 'copied') => void;
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
  'services',
];

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
  // Every file the refresh creates (the new warehouse, its .wal and .tmp, the log) is
  // its owner's only from the start, not only once renamed into place.
  const umask = privateUmask();
  try {
    if (lock.recovered) notes.warnings.push(messages.lockRecovered(lock.recovered));
    opts.onLocked?.(lock.path);
    return await refresh(opts, dbPath, report, notes, finish);
  } catch (e) {
    finish('failed', `the refresh stopped unexpectedly: ${failureText(e)}`);
    logFailure(dbPath, report);
    return { report, notes };
  } finally {
    if (umask !== null) process.umask(umask);
    lock.release();
  }
}

/** Sets the umask to 077 and returns the previous one; null where it cannot be set (a worker thread). */
function privateUmask(): number | null {
  try {
    return process.umask(0o077);
  } catch {
    return null;
  }
}

/** One refresh under the lock: the key, the inputs, the new warehouse built beside the live one, the switch-over. */
async function refresh(
  opts: LoadOptions,
  dbPath: string,
  report: LoadReport,
  notes: LoadNotes,
  finish: Finish,
): Promise<{ report: LoadReport; notes: LoadNotes }> {
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

  const building = prepareBuild(dbPath);
  // The raw references live in this in-memory database only. Spilling to disk is
  // switched off so that not even DuckDB's temporary files hold them.
  // DuckDB would take 80% of the machine's memory; a refresh needs far less, and the
  // server and the analyst's other work share the machine (MET_MEMORY_LIMIT to change).
  const mem = await openDb(':memory:', {
    config: { temp_directory: '', memory_limit: process.env.MET_MEMORY_LIMIT || '4GB', ...keepFreedMemory(dataBytes(inputs, dbPath)) },
  });
  let built = false;
  let closed = false;
  let writer: Writer | null = null;
  try {
    writer = startWriter(building);
    const b: Build = { mem, opts, report, notes, inputs, hasPrev, building, dbPath, respelled: new Set() };
    await profiled('open', () => openBuild(b, secret));
    const key = await checkKey(b, secret);
    const replaced = await profiled('sources', () => loadSources(b, key));
    await profiled('records', () => carryForwardRecords(b, key, replaced));
    checkCounts(report);
    // A previous file written before the writer may hold raw references in its blocks'
    // unused bytes: the writer reads nothing of it, and every measure is built anew.
    const prevClean = hasPrev && (await previousWrittenClean(mem));
    if (hasPrev && !prevClean) notes.warnings.push(messages.previousFileRewritten);
    finish('loaded');
    await recordRefresh(mem, report, opts, notes);
    const plan = await planWrite(b, key, replaced, prevClean);
    const tables = await profiled('hand-over', () => handOver(mem, 'wh', handoffDir(building), plan.handOver ?? undefined));
    // Every raw reference goes with this database, before the warehouse file is written.
    mem.close();
    closed = true;
    await profiled('measures and close', () => writeAndClose(b, writer!, plan, tables));
    built = true;
  } catch (e) {
    finish('failed', failureText(e));
  } finally {
    writer?.stop();
    if (!closed) mem.close();
    rmSync(handoffDir(building), { recursive: true, force: true });
  }
  if (!built) {
    discardBuild(building);
    logFailure(dbPath, report);
    return { report, notes };
  }
  await profiled('switch-over', async () => switchOver(building, dbPath));
  rmSync(failedLogPath(dbPath), { force: true });
  return { report, notes };
}

/** What the steps of one refresh share. */
interface Build {
  mem: Db;
  opts: LoadOptions;
  report: LoadReport;
  notes: LoadNotes;
  inputs: Inputs;
  hasPrev: boolean;
  building: string;
  dbPath: string;
  /** The tables whose kept rows a new population's spelling of a locality renamed. */
  respelled: Set<string>;
}

/** The previous rows of a table that survive, copied into the new warehouse. */
async function keepRows(b: Build, table: string, where: string | null): Promise<void> {
  await copyPrevious(b.mem, table, where);
}

/** The key's part in a refresh: its fingerprint, the previous one, and what --rekey must rebuild. */
interface KeyState {
  fingerprint: string;
  prevFingerprint: string | null;
  rekeyNeeded: SourceName[];
  ssda903Held: string[];
  /** Which previous rows of a table survive, once --rekey has had its say. */
  carry: (table: string, where: string | null) => string | null;
}

/**
 * The in-memory database with the keyed hash and the checks, the live warehouse
 * read-only, and the new warehouse's tables, in memory too: they are handed over to the
 * writer (etl/writeWarehouse.ts) once complete, which alone writes the file.
 */
async function openBuild(b: Build, secret: SecretKey): Promise<void> {
  registerPseudonym(b.mem, secret.key);
  const day = b.opts.refreshDay ?? b.report.started_at.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new LoadFailure(`the refresh day must be written YYYY-MM-DD`);
  await b.mem.run(`SET VARIABLE met_refresh_day = ${literal(day)}::DATE`, undefined, 'setting the refresh day');
  await b.mem.run(CHECK_MACROS);
  if (b.hasPrev) await b.mem.run(`ATTACH ${literal(b.dbPath)} AS prev (READ_ONLY)`, undefined, 'opening the live warehouse');
  await b.mem.run(`ATTACH ':memory:' AS wh`, undefined, 'creating the new warehouse');
  await b.mem.run(`USE wh; ${readSql('warehouse.sql')}; USE memory;`, undefined, 'creating the warehouse tables');
}

/** The warehouse's own key, or a deliberate change (--rekey) that rebuilds every pseudonym. */
async function checkKey(b: Build, secret: SecretKey): Promise<KeyState> {
  const { mem, opts, hasPrev, notes, inputs } = b;
  const fingerprint = keyFingerprint(secret.key);
  const prevFingerprint = hasPrev ? await previousFingerprint(mem) : null;
  if (prevFingerprint !== null && prevFingerprint !== fingerprint && !opts.rekey) {
    throw new LoadFailure(
      messages.keyMismatch(secret.origin === 'environment' ? 'MET_SECRET_KEY' : `the key file ${secret.path}${secret.created ? ', created just now' : ''}`),
    );
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
  return { fingerprint, prevFingerprint, rekeyNeeded, ssda903Held, carry };
}

/** Every file of the folder in the contract's order, each source's previous rows kept where no file replaced them. */
async function loadSources(b: Build, key: KeyState): Promise<Set<SourceName>> {
  const { mem, opts, report, notes, inputs } = b;
  const { carry } = key;
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
    if (name === 'actions') await keepRows(b, 'actions', carry('actions', 'true'));
    if (path) {
      opts.onProgress?.(done, total, source.file);
      const tick = stopwatch();
      const fileReport = await loadFile(
        mem,
        source,
        path,
        {
          refreshId: report.refresh_id,
          file: basename(path),
          scope: name.startsWith('ssda903') ? (opts.area ?? '') : '',
        },
        { notes, headerTag, area: opts.area },
      );
      report.files.push(fileReport);
      tick(`load ${source.file}`);
      if (fileReport.status === 'loaded' && name !== 'ssda903_header') replaced.add(name);
      done++;
      opts.onProgress?.(done, total, source.file);
    }
    // missing_episodes and the SSDA903 return share one table, whose previous rows
    // are kept after both have had their turn.
    if (table && table !== 'missing_episodes' && name !== 'actions') {
      await keepRows(b, table, carry(table, keepPrevious(table, replaced, opts.area)));
    }
    if (name === 'ssda903_missing') {
      await keepRows(b, 'missing_episodes', carry('missing_episodes', keepPrevious('missing_episodes', replaced, opts.area)));
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
  // A new population may spell a locality otherwise, or list it no more: the rows kept from
  // earlier refreshes follow its spelling, and those naming one it no longer lists are told.
  // A new missing_episodes.csv may no longer hold episodes the interviews kept from earlier
  // refreshes name (an interview loaded with this file was checked against it): told, by count.
  if (replaced.has('missing_episodes') && !replaced.has('return_interviews')) {
    const orphans = await mem.value<number>(
      `SELECT count(*)::INTEGER FROM wh.return_interviews r WHERE NOT EXISTS (SELECT 1 FROM wh.missing_episodes m WHERE m.episode_id = r.episode_id)`,
    );
    if (orphans > 0) notes.warnings.push(messages.interviewsOrphaned(orphans));
  }
  if (replaced.has('population')) {
    const { changed, unlisted } = await respellLocalities(mem);
    for (const t of changed) b.respelled.add(t);
    if (unlisted.size > 0) notes.warnings.push(messages.localitiesUnlisted([...unlisted]));
  }
  return replaced;
}

/** The quarantine records and source state of the sources this refresh did not replace, and the refresh history. */
async function carryForwardRecords(b: Build, key: KeyState, replaced: Set<SourceName>): Promise<void> {
  const { mem, opts, notes, report, dbPath } = b;
  const replacedScoped = [...replaced].map((s) =>
    s === 'ssda903_missing' ? `(source = 'ssda903_missing' AND scope = ${literal(opts.area ?? '')})` : `(source = ${literal(s)} AND scope = '')`,
  );
  let notReplaced = replacedScoped.length ? `NOT (${replacedScoped.join(' OR ')})` : 'true';
  if (opts.rekey) {
    const refusedNeeded = key.rekeyNeeded.filter((x) => !replaced.has(x));
    if (refusedNeeded.length) throw new LoadFailure(messages.rekeyRefused(refusedNeeded.map(fileOf)));
    const dropped = key.ssda903Held.filter((a) => !(replaced.has('ssda903_missing') && a === opts.area));
    if (dropped.length) notes.warnings.push(messages.rekeySsda903Dropped(dropped));
    if (key.prevFingerprint !== key.fingerprint) notes.warnings.push(messages.rekeyDone(key.fingerprint));
    notReplaced = `(${notReplaced}) AND source NOT IN (${[...PSEUDONYM_SOURCES, 'ssda903_header'].map((x) => literal(x)).join(', ')})`;
  }
  await keepRows(b, 'quarantine', notReplaced);
  await keepRows(b, 'source_state', notReplaced);
  await keepRows(b, 'refreshes', 'true');
  await keepRows(b, 'refresh_files', 'true');
  await importFailures(mem, dbPath);
  const loadedAny = report.files.some((f) => f.status === 'loaded' && f.source !== 'ssda903_header');
  if (!loadedAny) throw new LoadFailure('no file could be loaded, so the warehouse was left as it was');
}

/** Nothing is lost: for every file loaded, rows read = rows loaded + rows quarantined. */
function checkCounts(report: LoadReport): void {
  for (const f of report.files) {
    if (f.status === 'loaded' && f.read !== (f.loaded ?? 0) + (f.quarantined ?? 0)) {
      throw new LoadFailure(`internal check failed for ${f.file}: ${f.read} rows read but ${f.loaded} loaded and ${f.quarantined} quarantined`);
    }
  }
}

/**
 * The warehouse tables a refresh changed, for rebuilding only the measures that depend on
 * them (etl/measurePlan.ts), or null for a full rebuild: no previous warehouse, --rekey,
 * or a previous warehouse without this key's fingerprint.
 */
export function changedTables(
  hasPrev: boolean,
  key: Pick<KeyState, 'fingerprint' | 'prevFingerprint'>,
  rekey: boolean,
  replaced: ReadonlySet<SourceName>,
): Set<string> | null {
  if (!hasPrev || rekey || key.prevFingerprint === null || key.prevFingerprint !== key.fingerprint) return null;
  const changed = new Set<string>(REFRESH_TABLES);
  for (const s of replaced) {
    const table = TABLE_OF[s];
    if (table) changed.add(table);
  }
  // The localities are rebuilt from the population.
  if (replaced.has('population')) changed.add('localities');
  return changed;
}

/**
 * DuckDB keeps the memory it frees for its next use rather than handing it back to the
 * system, which would fault each page in again when it is next needed (on this machine,
 * some 10 µs a page: a load at scale 100 faulted 1.3 million pages, 15 s of system
 * time). Its other allocations are not flushed after each task, and for a large refresh
 * its blocks are kept up to 1 GB. All of it is given back when the refresh closes its database (in
 * `met serve` too, which runs uploads' refreshes in its own process: 730 MB resident
 * during one, 100 MB after, as with DuckDB's defaults). The kept blocks come on top of
 * the measures' memory limit, so the peak is measured, not bounded: 1.35–1.40 GB at scale
 * 100 (docs/performance.md, "Page faults").
 */
function keepFreedMemory(bytes: number): Record<string, string> {
  return {
    ...(bytes >= KEEP_BLOCKS_FROM ? { block_allocator_memory: '1GB' } : {}),
    allocator_flush_threshold: '4GB',
    allocator_bulk_deallocation_flush_threshold: '4GB',
  };
}

/**
 * From how much data (the files and the previous warehouse) the blocks are kept: a small
 * refresh gains nothing by it and faults more (scale 0.05, 5 MB: 7.2 s against 7.6, 140,000
 * faults against 175,000).
 */
const KEEP_BLOCKS_FROM = 64 * 1024 * 1024;

/** The bytes of the refresh's files and of the previous warehouse (lstat: nothing is followed or opened). */
function dataBytes(inputs: Inputs, dbPath: string): number {
  let bytes = 0;
  for (const path of [...inputs.files.values(), dbPath]) {
    try {
      bytes += lstatSync(path).size;
    } catch {
      // Not there (no previous warehouse): nothing to count.
    }
  }
  return bytes;
}

/**
 * DuckDB's memory for building the measures, which may spill to disk beyond it. At scale
 * 100 (MET_PROFILE=1, GNU time): 4 GB gave a peak of 2.3 GB; 1400 MB 2.0 GB in 78 s;
 * 1100 MB 1.8 GB in 67 s; 900 MB 1.4 GB in 61 s; 700 MB 1.4 GB in 62 s (the files'
 * phase is the peak by then). Less memory was no slower: fewer pages to fault in.
 */
const MEASURES_MEMORY_LIMIT = '900MB';

/** How the writer makes the new warehouse (etl/writeWarehouse.ts). */
interface WritePlan {
  /** The tables the refresh changed, for the measures; null for a full rebuild. */
  changed: Set<string> | null;
  /** The writer starts from a copy of the previous file and replaces the changed tables. */
  copyPrevious: boolean;
  /** The tables handed over: those changed when copying, all (null) otherwise. */
  handOver: Set<string> | null;
  prevClean: boolean;
}

/**
 * Whether the new warehouse may start as a copy of the previous file, which costs a file
 * copy instead of handing every kept row over: the previous one was written by the writer
 * (so holds no raw reference in its unused bytes) by this build of the program, under
 * this key, with nothing in its WAL, and the refresh is not a full rebuild.
 */
async function planWrite(b: Build, key: KeyState, replaced: ReadonlySet<SourceName>, prevClean: boolean): Promise<WritePlan> {
  const changed = changedTables(b.hasPrev, key, !!b.opts.rekey, replaced);
  // Tables whose kept rows a new population's spelling renamed (respellLocalities).
  for (const t of b.respelled) changed?.add(t);
  const copyPrevious = prevClean && changed !== null && !existsSync(`${b.dbPath}.wal`) && (await previousMeasuresVersion(b.mem, 'prev')) === measuresVersion();
  return {
    changed: prevClean ? changed : null,
    copyPrevious,
    handOver: copyPrevious && changed ? new Set([...changed, 'warehouse_meta']) : null,
    prevClean,
  };
}

/**
 * The new warehouse, written by a fresh process from the tables handed over, with the
 * measures rebuilt from the complete new dataset (or copied from the previous warehouse
 * where nothing they read changed), and closed.
 */
async function writeAndClose(b: Build, writer: Writer, plan: WritePlan, tables: Handoff['tables']): Promise<void> {
  const { opts, inputs, building, notes, dbPath } = b;
  opts.onProgress?.(inputs.files.size, inputs.files.size, 'measures');
  notes.measures = await writer.write(
    {
      building,
      dir: handoffDir(building),
      tables,
      prev: plan.prevClean ? dbPath : null,
      changed: plan.changed ? [...plan.changed] : null,
      copyPrevious: plan.copyPrevious,
      // The measures may spill to disk (beside the new warehouse, removed with it) rather
      // than grow past their own limit, which keeps the refresh under 2 GiB at scale 100
      // (MET_MEASURES_MEMORY_LIMIT to change).
      memoryLimit: process.env.MET_MEASURES_MEMORY_LIMIT || MEASURES_MEMORY_LIMIT,
    },
    opts.onMeasureStep,
  );
  notes.written = { from: plan.copyPrevious ? 'a copy of the previous file' : 'empty', tables: tables.map((t) => t.name).sort() };
}

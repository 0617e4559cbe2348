// One partner file into the new warehouse: prepared, staged, checked, stored and
// quarantined, or refused whole with a reason that quotes nothing of its content.

import { basename } from 'node:path';
import type { Db } from '../lib/db.js';
import { refusals } from '../lib/messages.js';
import type { FileReport, LoadNotes } from '../model/loadReport.js';
import type { AreaName, Source } from './contract.js';
import { CsvRefusal, prepareCsv } from './csvFile.js';
import { tableExists } from './carryForward.js';
import { checkLocalitiesUnique, insertClean, insertSsda903 } from './insert.js';
import { LoadFailure } from './loadFailure.js';
import { stopwatch } from './profile.js';
import { dropStage, mapHeader, stageFile } from './stage.js';
import { checkStage, quarantineRows, tally, type StoreContext } from './store.js';

export interface FileContext {
  notes: LoadNotes;
  headerTag: string | null;
  area: AreaName | undefined;
}

export async function loadFile(db: Db, source: Source, path: string, ctx: StoreContext, fc: FileContext): Promise<FileReport> {
  const file = basename(path);
  let csv: ReturnType<typeof prepareCsv>;
  // MET_PROFILE=1 prints each step's time, for benchmarks.
  const watch = stopwatch('    ');
  const tick = (step: string) => watch(`${file} ${step}`);
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
    await checkStage(db, source, tag, stage.raw);
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
    // The file as read (raw references and all) is needed no more: freed before the insert.
    await dropStage(db, tag);
    tick('quarantined');
    if (source.name === 'ssda903_missing') {
      // A refused ssda903_header.csv left no checked table: the episodes load without its sex and ethnicity.
      const header = fc.headerTag && (await tableExists(db, 'temp', `final_${fc.headerTag}`)) ? fc.headerTag : null;
      await insertSsda903(db, tag, header, fc.area ?? '');
    } else if (source.name !== 'ssda903_header') await insertClean(db, source, tag);
    tick('stored');
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
    await dropStage(db, tag);
    await db.run(`DROP TABLE IF EXISTS final_${tag}`);
    // The checks' own SQL failing is a fault of ours, not the file's; its message may quote values, so it is not shown.
    const why = e instanceof CsvRefusal ? e.message : refusals.internal(doing);
    return { file, source: source.name, status: 'refused', error: `${file} ${why}`, sha256: csv.sha256 };
  } finally {
    csv.dispose();
  }
}

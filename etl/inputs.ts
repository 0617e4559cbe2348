// The refresh's inputs: the folder's files sorted into the contract's sources, and
// everything else refused by name, without following or opening anything.

import { lstatSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { refusals, safeName, unknownName } from '../lib/messages.js';
import type { FileReport } from '../model/loadReport.js';
import { AREAS, SOURCES, sourceByFile, sourceByName, type AreaName, type SourceName } from './contract.js';

export interface Inputs {
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
export function listInputs(inDir: string, area: AreaName | undefined): Inputs {
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
    const source = sourceByFile(name);
    // A name that is not a contract file's could be anything (a child's name, a reference):
    // it is shown only by its length, never its characters.
    const shownName = source ? safeName(name, 200) : unknownName(name);
    let st: ReturnType<typeof lstatSync>;
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
      refused.push({ file: shownName, status: 'refused', error: `${shownName} is not a file of the contract (expected one of ${expected})` });
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

// Every sentence the `met` command says to a person, in one place, so wording stays
// consistent and can be reviewed (and one day translated) without reading the logic.

import { formatCell, formatFigure, isPercent, shownKind } from '../model/format.js';
import type { FileReport, LoadNotes, LoadReport } from '../model/loadReport.js';
import { MEASURES, measureWords } from './catalogue.js';
import type { MeasuresResponse } from './measures.js';

export const messages = {
  keyCreated: (path: string) =>
    `A new pseudonymisation key was created at ${path} (readable by you only).\n` +
    `Keep it, and back it up apart from the warehouse: the same key is needed for every refresh, ` +
    `or children will not be linked across refreshes. Set MET_SECRET_KEY to use a key from elsewhere.`,
  keyFrom: (notes: LoadNotes) =>
    notes.key.origin === 'environment' ? 'Pseudonyms made with the key in MET_SECRET_KEY.' : `Pseudonyms made with the key file ${notes.key.path}.`,
  demoReusing: (db: string) => `Using the demo warehouse already at ${db} (delete the data/ folder to start again).`,
  demoStale: (db: string, missing: number) =>
    `The demo warehouse at ${db} was made by an older version (${missing} ${missing === 1 ? 'measure' : 'measures'} of this one missing): making it again.`,
  demoGenerating: (dir: string) => `Generating the demo partner extracts in ${dir} …`,
  demoLoading: (db: string) => `Loading them into ${db} …`,
  generated: (dir: string, files: number, seconds: number) => `Wrote ${files} files to ${dir} in ${seconds.toFixed(1)} s.`,
  /** The error may say already that the warehouse was left as it was: then it is not said twice. */
  loadFailed: (error: string | undefined) => {
    const e = (error ?? 'unknown error').replace(/\.$/, '');
    return /warehouse was left as it was$/.test(e) ? `The refresh failed: ${e}.` : `The refresh failed: ${e}. The warehouse was left as it was.`;
  },
  noPopulation:
    'No population.csv has been loaded yet, so every locality is unknown and rows that name one are quarantined. Load population.csv (on its own or with the other files), then load the other extracts again.',
  interviewsOrphaned: (n: number) =>
    `${n.toLocaleString('en-GB')} return ${n === 1 ? 'interview' : 'interviews'} kept from earlier refreshes ${n === 1 ? 'names an episode' : 'name episodes'} the new missing_episodes.csv does not hold: ${n === 1 ? 'it counts' : 'they count'} for no return until return_interviews.csv is sent again or the episodes are.`,
  localitiesUnlisted: (rows: [string, number][]) =>
    `population.csv no longer lists the locality that some rows kept from earlier refreshes name (${rows
      .map(([t, n]) => `${n.toLocaleString('en-GB')} ${n === 1 ? 'row' : 'rows'} of ${t}`)
      .join(', ')}): they count in their area but in no locality, until they are sent again with a listed locality or population.csv lists it again.`,
  noWarehouse: (db: string) => `There is no warehouse at ${db}: load one first with met load --in FOLDER --db ${db}.`,
  parquetTable: (kind: string, table: string, rows: number, files: number) =>
    `${kind}/${table}: ${rows.toLocaleString('en-GB')} rows in ${files} ${files === 1 ? 'file' : 'files'}`,
  parquetWritten: (dir: string) =>
    `Written to ${dir} (readable by you only: pseudonymised personal data, to be shared only under the partnership's data sharing agreement).`,
  keyEnvShort: (n: number) =>
    `MET_SECRET_KEY is too short (${n} characters): use at least 16 characters (32 random bytes, base64, is best). ` +
    `If the warehouse was built with another key, set MET_SECRET_KEY to that key.`,
  keyEnvBlank:
    'MET_SECRET_KEY is blank (only spaces): set it to a key of at least 16 characters (32 random bytes, base64, is best), or unset it to use the key file.',
  keyEnvWeak: (distinct: number) =>
    `MET_SECRET_KEY has only ${distinct} different character${distinct === 1 ? '' : 's'}: use a key of at least 16 characters with at least 8 different ones (32 random bytes, base64, is best). ` +
    `If the warehouse was built with another key, set MET_SECRET_KEY to that key.`,
  keyUnreadable: (path: string, code: string) =>
    `the key file ${path} cannot be read (${code}): make it a file readable by you, or restore it from its backup, or set MET_SECRET_KEY.`,
  keyDamaged: (path: string, empty: boolean) =>
    `the key file ${path} is damaged (${empty ? 'it is empty' : 'it is not the 32-byte base64 key this program writes'}): ` +
    `restore it from its backup, or set MET_SECRET_KEY to the key the warehouse was built with. Do not delete it to get a new one: ` +
    `a new key breaks every link between sources (use met load --rekey with every source for a deliberate key change).`,
  keyMissing: (path: string) =>
    `there is no pseudonymisation key: MET_SECRET_KEY is not set and there is no key file at ${path}, but the warehouse was built with a key. ` +
    `No new key file was created. Restore the key file from its backup (or set MET_KEY_FILE to where it is, or MET_SECRET_KEY to the key); ` +
    `to start again with a new key, run met load --rekey with every source in the folder.`,
  keyUnwritable: (path: string, code: string) =>
    `a new key file could not be created at ${path} (${code}): set MET_KEY_FILE to a path you can write, or MET_SECRET_KEY.`,
  keyMismatch: (key: string) =>
    `the pseudonymisation key (${key}) is not the key this warehouse was built with, so no child could be linked to their earlier records; nothing was loaded. ` +
    `Restore the key file from its backup (MET_KEY_FILE names where it is) or set MET_SECRET_KEY to the warehouse's key; ` +
    `for a deliberate key change, run met load --rekey with every source in the folder.`,
  keyNoFingerprint:
    'This warehouse had no key fingerprint (it was built before this version): the key used now was recorded, and later refreshes must use the same key.',
  rekeyMissing: (files: string[]) =>
    `--rekey rebuilds every source that holds pseudonyms, so each one the warehouse holds must be in the folder; missing: ${files.join(', ')}. Nothing was loaded.`,
  rekeyRefused: (files: string[]) =>
    `--rekey needs every source that holds pseudonyms loaded, but ${files.join(', ')} could not be loaded (see the refused files); the warehouse was left as it was.`,
  rekeyDone: (fingerprint: string) =>
    `The warehouse was rebuilt under a new key (fingerprint ${fingerprint}); every source that holds pseudonyms was reloaded.`,
  rekeySsda903Dropped: (areas: string[]) =>
    `The SSDA903 returns of ${areas.join(', ')} were removed, because their pseudonyms were made with the old key: load each again with met load --in FOLDER --area AREA.`,
  previousFileRewritten:
    'The previous warehouse file was written before raw references were kept out of its unused bytes (docs/performance.md, "Stale memory"): the new file was written without reading any of it, and replaces it. Copies or backups of the old file may hold raw references: delete them.',
  writerStopped: (how: string) =>
    `the process writing the new warehouse stopped unexpectedly (${how}); nothing was loaded and the live warehouse is as it was. Run the load again; if it stops again, report it with MET_DEBUG=1's output.`,
  lockBusy: (lockPath: string, holder: { pid: number; host: string; since: string } | null, sameHost: boolean) =>
    holder
      ? `another refresh of this warehouse is running: process ${holder.pid} on ${holder.host}, since ${holder.since.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} ` +
        `(lock file ${lockPath}). Nothing was loaded: run this refresh again when that one has finished (met load can wait for it: --wait SECONDS).` +
        (sameHost ? '' : ` If you are sure no refresh is running on ${holder.host}, delete ${lockPath}.`)
      : `the lock file ${lockPath} exists but was not written by this program: nothing was loaded. If no refresh is running, delete it.`,
  lockWaiting: (lockPath: string, holder: { pid: number; host: string; since: string } | null) =>
    `Waiting for the refresh already running (${holder ? `process ${holder.pid} on ${holder.host}, since ${holder.since}` : 'unknown holder'}; lock file ${lockPath}) …`,
  lockRecovered: (holder: { pid: number; host: string; since: string }) =>
    `A refresh that stopped without finishing (process ${holder.pid} on ${holder.host}, started ${holder.since}) had left its lock behind: it was removed.`,
  privateSwept: (n: number) =>
    `${n === 1 ? 'A private folder' : `${n} private folders`} of raw copies left by a process that stopped without finishing (a crash or kill) ${n === 1 ? 'was' : 'were'} removed.`,
  progressLocked: (lockPath: string) => `progress: holding the lock ${lockPath}`,
  progressStep: (done: number, total: number, label: string) => `progress: ${done}/${total} ${label}`,
  suppressedLegend: (threshold: number) => `c = withheld to protect confidentiality (a count of 1–${threshold - 1}, or a figure that would reveal one).`,
};

/** A name we may show (a file name, or a header cell of a recognised header): control characters as '?', at most 60 characters. */
/** How a file whose name is not a contract file's is shown: by the length of its name alone (it could be a child's name). */
export function unknownName(name: string): string {
  return `an unknown file (a name of ${[...name].length} characters)`;
}

export function safeName(name: string, max = 60): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  const clean = name.trim().replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return clean.length > max ? clean.slice(0, max) + '…' : clean;
}

const quoteList = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

/**
 * Why a file or a line was refused. Each sentence follows the file name and holds only
 * our own words, contract column names, numbers and file names: never the file's content
 * (a headerless file's first line is a child's record).
 */
export const refusals = {
  noHeader: (required: readonly string[]) =>
    `has no header row that names its required columns (${required.join(', ')}): the first line does not look like a header; add the contract's header row as the first line`,
  wrongSeparator: (words: 'semicolons' | 'tabs') =>
    `has its values separated by ${words}, not commas: save it from Excel as "CSV UTF-8 (Comma delimited)" and send it again`,
  missingRequired: (missing: readonly string[], required: number) =>
    `has a header row without the required column${missing.length === 1 ? '' : 's'} ${quoteList(missing)} (it names ${required - missing.length} of its ${required} required columns); add ${missing.length === 1 ? 'it' : 'them'}`,
  duplicateColumn: (shown: string | null) =>
    shown === null
      ? 'has two columns outside the contract with the same name (after ignoring case and spaces; the name is not shown, as a header cell could hold anything); keep one'
      : `has two columns named '${shown}' (after ignoring case and spaces); keep one`,
  /** Dropped columns the product does not recognise: counted, never named (a header cell is the file's content). */
  otherColumns: (n: number) =>
    `${n.toLocaleString('en-GB')} ${n === 1 ? 'other column' : 'other columns'} (${n === 1 ? 'its name is' : 'their names are'} not shown: a header cell could hold a child's details)`,
  otherIdentifierColumns: (n: number) =>
    `${n.toLocaleString('en-GB')} other ${n === 1 ? 'column whose name looks' : 'columns whose names look'} like a direct identifier (not shown)`,
  tooManyColumns: (n: number, limit: number) =>
    `has ${n.toLocaleString('en-GB')} columns in its header row, more than the ${limit.toLocaleString('en-GB')} taken (the contract's files have under 20): was it saved with empty columns? Save only the columns with data`,
  headerTooLong: (limit: number) => `has a first line longer than ${limit.toLocaleString('en-GB')} bytes: it does not look like a header row`,
  empty: 'is empty: it has no header row',
  headerOnly: 'has a header but no rows; it was refused so that the previous data stays (send the full extract)',
  allQuarantined: (rows: number, reason: string, n: number) =>
    `${rows === 1 ? 'had its only row quarantined' : `had all ${plural(rows, 'row')} quarantined`} (${rows === 1 ? 'reason' : 'commonest reason'}: ${reason}${rows === 1 ? '' : `, ${plural(n, 'row')}`}); it was refused so that the previous data stays: fix the rows and send it again`,
  symlink: 'is a symbolic link; links are not followed, so it was not read (copy the file itself into the folder)',
  folder: 'is a folder, not a file',
  notRegular: 'is not a regular file (a device, pipe or socket), so it was not read',
  tooLarge: (bytes: number) =>
    `is ${bytes.toLocaleString('en-GB')} bytes, more than the 2 GiB one file may be, so it was not read; check that it is the right file (a partnership's largest extract is a few hundred MB)`,
  unreadable: (why: string) => `could not be read (${why}); check that it is there and that you may read it`,
  caseTwins: (names: readonly string[], file: string) =>
    `${names.join(' and ')} ${names.length === 2 ? 'both' : 'all'} name ${file} (their names differ only in case), so none of them was loaded: keep one`,
  readerStopped: (kind: string) =>
    `could not be read as CSV: the reader stopped (${kind}) without saying which line; check its quoting and line endings, and save it from Excel as "CSV UTF-8"`,
  internal: (doing: string) => `could not be loaded: an internal error while ${doing} (the file's content is not shown)`,
  localityClash: (n: number, lines: readonly [number, number]) =>
    `names ${plural(n, 'locality', 'localities')} in two areas (for example on lines ${lines[0]} and ${lines[1]}); locality names must be unique across the four areas`,
  lineTooLong: (line: number, bytes: number, limit: number) =>
    `has a line of ${bytes.toLocaleString('en-GB')} bytes (it starts on line ${line}), more than the ${limit.toLocaleString('en-GB')} the reader takes; no value of the contract is that long: is a quote left open, or is it the right file? The previous data stays`,
  unclosedQuote: (line: number, last: number) =>
    `has a quoted value that starts on line ${line} and is never closed, so lines ${line} to ${last} (the end of the file) could not be split into rows; it was refused so that the previous data stays: close the quote (or remove it) and send the file again`,
  rowsInQuotedValue: (line: number, end: number, more: number) =>
    `has a quoted value that starts on line ${line} and runs to line ${end}, over lines with as many commas as a row of the file: a closing quote is probably missing on line ${line}, and the rows in it would be lost, so the file was refused and the previous data stays${more > 0 ? ` (${plural(more, 'more value')} like it further on)` : ''}`,
  /** A malformed record that a quote left open ran on from `line` to `end`. */
  recordRunsOver: (reason: string, line: number, end: number) =>
    `${reason}; the row runs from line ${line} to line ${end} (a quote takes in the line break${end > line + 1 ? 's' : ''}), so ${end === line + 1 ? `line ${end} is` : `lines ${line + 1} to ${end} are`} part of it and of no other row`,
  invalidUtf8: (line: number) =>
    `line ${line} holds bytes that are not valid UTF-8 text (the rest of the file is UTF-8); retype the odd characters or save the file from Excel as "CSV UTF-8"`,
};

function plural(n: number, one: string, many = one + 's'): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

function fileLine(f: FileReport): string[] {
  if (f.status === 'refused') return [`  ✗ ${f.file}: REFUSED: ${f.error ?? ''}`, `    (this source keeps its previous data)`];
  const out = [
    `  ✓ ${f.file}: ${plural(f.read ?? 0, 'row')} read, ${(f.loaded ?? 0).toLocaleString('en-GB')} loaded, ${(f.quarantined ?? 0).toLocaleString('en-GB')} quarantined`,
  ];
  for (const [reason, n] of Object.entries(f.reasons ?? {})) out.push(`      ${String(n).padStart(6)}  ${reason}`);
  if (f.absent_columns?.length) out.push(`    columns not in the file (loaded as empty): ${f.absent_columns.join(', ')}`);
  if (f.dropped_columns?.length) out.push(`    columns outside the contract, dropped before storage: ${f.dropped_columns.join(', ')}`);
  return out;
}

export interface QuarantineExample {
  file: string;
  line: number;
  column: string | null;
  reason: string;
}

/** The report a person reads at the end of a load. */
/** How many quarantined rows of each file the terminal's load report shows. */
export const EXAMPLES_PER_FILE = 3;

export function humanLoadReport(report: LoadReport, notes: LoadNotes, examples: QuarantineExample[] = []): string {
  const lines: string[] = [];
  const ok = report.status === 'loaded';
  lines.push(ok ? `Refresh ${report.refresh_id} loaded into ${notes.db}` : `Refresh ${report.refresh_id} FAILED`);
  lines.push('');
  for (const f of report.files) lines.push(...fileLine(f));
  const idFiles = Object.entries(notes.identifiers);
  if (idFiles.length) {
    lines.push('');
    lines.push('Direct identifiers were sent and dropped (never stored). Ask the partner to stop sending them:');
    for (const [file, cols] of idFiles) lines.push(`  ${file}: ${cols.join(', ')}`);
  }
  for (const w of notes.warnings) {
    lines.push('');
    lines.push(`Warning: ${w}`);
  }
  if (notes.converted.length) {
    lines.push('');
    lines.push(`Read as Windows-1252 (Excel's "CSV") and converted to UTF-8: ${notes.converted.join(', ')}`);
  }
  const totals = report.files.reduce((t, f) => ({ read: t.read + (f.read ?? 0), loaded: t.loaded + (f.loaded ?? 0), q: t.q + (f.quarantined ?? 0) }), {
    read: 0,
    loaded: 0,
    q: 0,
  });
  if (examples.length) {
    lines.push('');
    lines.push(`First rows to fix, up to ${EXAMPLES_PER_FILE} a file (file:line column: reason):`);
    for (const e of examples) lines.push(`  ${e.file}:${e.line} ${e.column ?? ''}: ${e.reason}`);
    if (totals.q > examples.length)
      lines.push(
        `  … ${(totals.q - examples.length).toLocaleString('en-GB')} more: every quarantined row is on the dashboard's Data page (analyst), to filter and download as CSV`,
      );
  }
  lines.push('');
  lines.push(
    `In all: ${plural(totals.read, 'row')} read = ${totals.loaded.toLocaleString('en-GB')} loaded + ${totals.q.toLocaleString('en-GB')} quarantined; ` +
      `${plural(report.files.filter((f) => f.status === 'refused').length, 'file')} refused.`,
  );
  if (ok) lines.push(messages.keyFrom(notes));
  if (!ok) lines.push(messages.loadFailed(report.error));
  return lines.join('\n');
}

/** A shown figure as every page writes it (model/format.ts): "69.6%", "−3", c, "–". */
const shown = (v: unknown, kind?: string): string => formatCell(v, kind);

/** The rule the figures passed, in a few words (the legend below the table says it whole). */
function ruleInBrief(r: MeasuresResponse): string {
  const d = r.disclosure;
  if (!d || d.rule === 'exact') return 'exact figures';
  if (d.rule === 'partner') return `partner rule: counts 1–${d.max_withheld} withheld (c)`;
  return `published rule: counts 1–${d.max_withheld} withheld (c), others rounded to the nearest ${d.rounding_base ?? 5}`;
}

/** The readable table of `met measures` without --json. */
export function humanMeasures(r: MeasuresResponse): string {
  const lines: string[] = [];
  lines.push(
    `MET dataset — ${r.area === 'all' ? 'all four areas' : r.area}, ${r.period_label} (${r.period}), ages ${r.parameters.age_scope.replace('-', '–')}, as seen by: ${r.role}`,
  );
  lines.push(
    `Repeat missing = ${r.parameters.repeat_missing.episodes}+ episodes in ${r.parameters.repeat_missing.window_days} days; ` +
      `interviews within ${r.parameters.rhi_window_hours} h; risk current for ${r.parameters.risk_current_days} days; ${ruleInBrief(r)}.`,
  );
  let family = '';
  for (const def of MEASURES) {
    const m = r.measures[def.id];
    if (!m) continue;
    if (def.family !== family) {
      family = def.family;
      lines.push('');
      lines.push(`## ${family.replace('_', ' ')}`);
      for (const c of r.commentary[def.family] ?? []) lines.push(`   ${c}`);
    }
    if (m.rows) {
      lines.push(`  ${measureWords(def, r.parameters).label} (${def.id}): ${m.rows.length} rows (use --json for the table)`);
      continue;
    }
    // Published rule: percentages whole ("69%").
    const kind = shownKind(def.kind, r.disclosure?.rule);
    const prev = m.previous ? `  previous ${shown(m.previous.value, kind)}` : '';
    const spc = m.trend?.spc.status === 'ok' ? `  SPC: ${m.trend.spc.latest.replace('_', ' ')}` : '';
    lines.push(`  ${measureWords(def, r.parameters).label.padEnd(42)} ${shown(m.value, kind).padStart(10)}${prev}${spc}`);
    for (const [b, cells] of Object.entries(m.by ?? {})) {
      const cellText = Object.entries(cells)
        .map(([k, v]) => `${k} ${shown(v, kind)}`)
        .join(', ');
      lines.push(`      by ${b}: ${cellText}`);
    }
  }
  for (const w of r.warnings) lines.push(`Warning: ${w}`);
  lines.push('');
  lines.push(r.disclosure?.legend ?? messages.suppressedLegend(r.parameters.suppression_threshold));
  return lines.join('\n');
}

/** The commissioned services of services.csv in people's words. */
export const SERVICE_WORDS: Readonly<Record<string, string>> = {
  return_interviews: 'Return home interviews',
  cse_support: 'CSE support',
  cce_support: 'CCE support',
  missing_from_care: 'Missing from care',
  nrm_advocacy: 'NRM advocacy',
  other: 'Other services',
};

/** A service in people's words: a code outside the contract's list is shown with its underscores as spaces. */
export const serviceWords = (code: string): string => SERVICE_WORDS[code] ?? code.replace(/_/g, ' ');

/** What the gaps page's provision block says (lib/pages.ts, provisionPart). */
export const provisionWords = {
  tableTitle: (period: string) => `Need and provision by area and service, ${period}`,
  compareTitle: (label: string, period: string) => `${label} by service and area, ${period}`,
  trendTitle: (label: string) => `${label} by area, trend`,
  allServices: 'All services',
  atCapacity: 'At capacity (1.00)',
  monthly: 'Provision (services.csv) is reported by quarter: choose a quarter, a financial year or a year to see it beside need.',
  none: (period: string) => `No commissioned-service return (services.csv) covers ${period}.`,
  overCapacity: (period: string, items: string[]) => `Demand above capacity in ${period} (referrals received per place paid for): ${items.join('; ')}.`,
  noneOver: (period: string, someWithheld: boolean) =>
    `No service${someWithheld ? ' with its figure shown' : ''} had more referrals than places paid for in ${period}.`,
  compareText: (title: string, areas: string[], services: number, withheld: number) =>
    `${title}: one bar for each of ${areas.join(', ')} for each of ${services} services; 1.00 is at capacity, above 1 more referrals than places.` +
    (withheld ? ` ${withheld} withheld (c) ${withheld === 1 ? 'figure is' : 'figures are'} not plotted.` : ''),
  overItem: (area: string, service: string, ratio: string) => `${area} ${service} ${ratio}`,
  withheldRatios: (n: number) =>
    `For ${n} ${n === 1 ? 'service in an area' : 'services in their areas'} the demand against capacity is withheld (c), as it rests on small numbers.`,
  waitingGrew: (word: string, items: string[]) => `Waiting lists grew on the previous ${word}: ${items.join('; ')}.`,
  waitingItem: (area: string, service: string, from: string, to: string) => `${area} ${service} from ${from} to ${to}`,
  withheldWaiting: (n: number) => `For ${n} ${n === 1 ? 'service' : 'services'} the change in the waiting list cannot be told: a figure is withheld (c).`,
  needBeside: 'Need (MET children and prevalence) is each area’s own figure, repeated beside each of its services.',
};

/** The words of an exported file, CSV or Excel (lib/export.ts, docs/api.md "Exports"). */
export const exportWords = {
  page: 'Page',
  area: 'Area',
  period: 'Period',
  ages: 'Ages',
  rule: 'Disclosure rule',
  refresh: 'Data refresh',
  about: 'About this table',
  legend: 'Legend',
  definition: (label: string) => `Definition: ${label}`,
  abbreviation: (term: string) => `Abbreviation: ${term}`,
  definitionsSheet: 'Definitions',
  legendSheet: 'Legend',
  tableSheet: 'Table',
  measure: 'Measure',
  meaning: 'Definition',
  areaName: (area: string) => (area === 'all' ? 'All four areas' : area),
  agesName: (ages: string) => ({ '0-17': 'Children 0–17', '18-24': 'Young adults 18–24', '0-24': 'All 0–24' })[ages] ?? ages,
  refreshed: (id: string, at: string | null) => (at ? `${at.replace('T', ' ').replace(/(:\d{2})(\.\d+)?Z$/, '$1 UTC')} (${id})` : id),
  ruleName: (rule: string, maxWithheld: number, roundingBase?: number) =>
    rule === 'exact'
      ? 'exact figures (the analyst): nothing withheld; not for use outside the partnership'
      : rule === 'partner'
        ? `partner rule (board and commissioners): counts of 1 to ${maxWithheld} withheld as c`
        : `published rule (the public): counts of 1 to ${maxWithheld} withheld as c, other counts rounded to the nearest ${roundingBase ?? 5}`,
  /** What – means in the file (as the page's legend says it). */
  noFigure: (published: boolean) =>
    published ? '– = no figure: nothing to measure in the period, or not given (above).' : '– = no figure (nothing to measure in the period).',
  /** The unit column of a table whose rows are of several kinds (the figures table): each row's kind in words. */
  unitColumn: 'Unit',
  unitName: (kind: string | null | undefined) =>
    ({ pct: 'percentage (%)', pct0: 'percentage (%)', per10k: 'rate per 10,000', ratio: 'ratio', count: 'count', rows: 'rows', median: 'median' })[
      kind ?? ''
    ] ?? '',
  /** A column's header with its unit, where its figures are percentages or rates: "Within 72 hours (%)". */
  headedUnit: (label: string, kind: string | undefined) =>
    isPercent(kind) && !label.includes('%') ? `${label} (%)` : kind === 'per10k' && !/per 10,000/i.test(label) ? `${label} (per 10,000)` : label,
  /** The action plan's filters, as the file's table follows them. */
  actionFilters: 'Filters',
  actionFilter: (f: { priority?: string; rag?: string; overdue?: string }) =>
    [f.priority ? `priority ${f.priority}` : '', f.rag ?? '', f.overdue === 'yes' ? 'overdue' : f.overdue === 'no' ? 'not overdue' : '']
      .filter(Boolean)
      .join(', ') || 'none (all actions)',
  actionRows: 'Actions',
  actionShown: (shown: number, all: number) => `${shown} of ${all}`,
  quarantineTitle: 'Quarantined rows',
  quarantineFilters: 'Filters',
  quarantineAll: 'none (every quarantined row)',
  quarantineFilter: (file: string | undefined, reason: string | undefined, words: boolean) =>
    [file ? `file ${file}` : '', reason ? `reason ${reason}` : '', words ? 'words in the reason (as searched on the page)' : ''].filter(Boolean).join('; '),
  quarantineRows: 'Rows',
  quarantineFirst: (shown: number, total: number) => `the first ${shown} of ${total} (narrow the filters to export the rest)`,
  quarantineNote:
    'Each row that broke the data contract, as the data page lists it: file, line, column, kind and reason. A row’s values are not in this file, and a person reference a reason would quote is withheld.',
  quarantineColumns: { file: 'File', line: 'Line', column: 'Column', kind: 'Kind', reason: 'Reason', refresh_id: 'Refresh' } as Record<string, string>,
};

/** The service gaps' funnel plot (lib/funnel.ts), in words. */
export const funnelWords = {
  nonePlotted: (title: string, localities: number) =>
    `${title}: no chart is drawn, as none of its ${localities} ${localities === 1 ? 'locality is' : 'localities are'} shown: each is withheld (c) or not given (–) to protect confidentiality.`,
  description: (x: { plotted: number; withheld: number; noFigure: number; target: number | null; targetLabel: string; above: string[]; below: string[] }) =>
    `A funnel plot of MET prevalence per 10,000 against the number of children aged 0–17, one point per locality (${x.plotted} plotted)` +
    (x.target === null
      ? `; ${x.targetLabel} is withheld or has no figure, so no control limits are drawn.`
      : `, with 95% and 99.8% control limits around ${x.targetLabel} (${formatFigure(x.target, 'per10k')} per 10,000). ` +
        `Above the 95% upper limit: ${x.above.join(', ') || 'none'}; below the 95% lower limit: ${x.below.join(', ') || 'none'}.`) +
    // Around the partnership's figure (all four areas), unlike the service-gap test, which takes each locality's own area.
    (x.targetLabel === funnelWords.target('all')
      ? ' The service-gap test compares each locality with its own area instead, so a locality can be above these limits and not a gap.'
      : '') +
    ` ${x.withheld === 0 ? 'No locality is withheld.' : `${x.withheld} ${x.withheld === 1 ? 'locality is' : 'localities are'} withheld under the disclosure rule and not plotted.`}` +
    (x.noFigure
      ? ` ${x.noFigure} ${x.noFigure === 1 ? 'locality has' : 'localities have'} no figure (no population) and ${x.noFigure === 1 ? 'is' : 'are'} not plotted.`
      : ''),
  withheldRow: 'withheld: not plotted',
  noFigureRow: 'no figure: not plotted',
  /** The target line's name in the legend (short). */
  line: (area: string) => (area === 'all' ? 'Partnership’s prevalence' : `${area}’s prevalence`),
  /** Whose prevalence the funnel is drawn around. */
  target: (area: string) => (area === 'all' ? 'the partnership’s prevalence across the four areas' : `${area}’s prevalence`),
};

/** Why a locality is, or is not, a service gap (lib/rows.ts, GapReason); a withheld reason stays c. */
export function gapReasonWords(reason: unknown, area: string, minCount: number): string | null {
  switch (reason) {
    case 'c':
      return 'c';
    case 'gap':
      return `Prevalence significantly higher and interview completion significantly lower than ${area}’s (95% intervals)`;
    case 'too_few':
      return `Too few to judge: fewer than ${minCount} MET children or ${minCount} returns`;
    case 'prevalence_not_higher':
      return `Prevalence not significantly higher than ${area}’s`;
    case 'completion_not_lower':
      return `Interview completion not significantly lower than ${area}’s`;
    case 'undefined':
      // Most often a small locality with no returns in the period (its prevalence may still be shown).
      return `Not judged: no returns there in the period, or no population or ${area} figure to compare with`;
    default:
      return null;
  }
}

/** The gaps page's opening sentence: which localities are service gaps, and how they are judged. */
export function gapSummaryText(gaps: string[], withheld: number, minCount: number): string {
  const rule = `prevalence significantly higher than their own area’s and interview completion significantly lower, on 95% intervals, with at least ${minCount} MET children and ${minCount} returns`;
  const head = gaps.length
    ? `Service gaps (${rule}): ${gaps.join(', ')}.`
    : withheld
      ? `No locality with figures shown is a service gap (${rule}).`
      : `No locality is a service gap (${rule}).`;
  return head + (withheld ? ` For ${withheld} ${withheld === 1 ? 'locality' : 'localities'} the flag is withheld with the figures it rests on.` : '');
}

// Data and refresh (analyst): load history, completeness and timeliness from the page
// model; the quarantine, searchable by file and reason; and the upload of a folder of
// extracts, each file's header checked in the browser before anything is sent.
import { AUDIT_EVENTS, type AuditEntry } from '../../../model/api.js';
import Papa from 'papaparse';
import { start, getJSON, errorSummary, ApiError, standardHead, commentaryBlock, definitionsPanel, legendBlock } from '../app.js';
import { tableBlock } from '../charts.js';
import { h, fmt } from '../dom.js';
import type { ContractFile, PageModel, ShownTable, TableModel } from '../types.js';
import { AREAS } from '../../../model/areas.js';
import { QUARANTINE_REASONS } from '../../../model/contract.js';

const REASONS = QUARANTINE_REASONS;
const PAGE = 20;

interface QRow {
  refresh_id: string;
  file: string;
  line: number;
  column: string;
  kind: string;
  reason: string;
}

function select(id: string, name: string, options: [string, string][]): HTMLSelectElement {
  return h(
    'select',
    { class: 'govuk-select', id, name },
    options.map(([v, l]) => h('option', { value: v }, l)),
  );
}
const group = (id: string, label: string, control: HTMLElement, hint?: string): HTMLElement =>
  h(
    'div',
    { class: 'govuk-form-group' },
    h('label', { class: 'govuk-label govuk-label--s', for: id }, label),
    hint ? h('div', { class: 'govuk-hint', id: `${id}-hint` }, hint) : null,
    control,
  );

function quarantine(root: HTMLElement, files: string[]): void {
  const fileSel = select('q-file', 'file', [['', 'Any file'], ...files.map((f): [string, string] => [f, f])]);
  const reasonSel = select('q-reason', 'reason', [['', 'Any reason'], ...REASONS.map((r): [string, string] => [r, r])]);
  const text = h('input', { class: 'govuk-input govuk-!-width-two-thirds', id: 'q-text', name: 'q', type: 'search', 'aria-describedby': 'q-text-hint' });
  const results = h('div', { id: 'q-results', 'aria-live': 'polite' });
  // Every row the search finds, as the table lists them (docs/api.md, "Exports").
  const download = h(
    'a',
    { class: 'govuk-link', id: 'q-download', href: '/api/quarantine.csv', download: '', 'data-download': 'csv' },
    'Download these rows as CSV',
  );
  let offset = 0;
  const run = async (): Promise<void> => {
    const q = new URLSearchParams();
    if (fileSel.value) q.set('file', fileSel.value);
    if (reasonSel.value) q.set('reason', reasonSel.value);
    if (text.value.trim()) q.set('q', text.value.trim());
    download.setAttribute('href', `/api/quarantine.csv${q.size ? `?${q.toString()}` : ''}`);
    q.set('limit', String(PAGE));
    q.set('offset', String(offset));
    results.setAttribute('aria-busy', 'true');
    try {
      const r = await getJSON<{ total: number; rows: QRow[] }>(`/api/quarantine?${q.toString()}`);
      const model: ShownTable = {
        id: 'quarantine',
        title: `In quarantine now: ${fmt(r.total)} ${r.total === 1 ? 'row' : 'rows'} found${r.total > PAGE ? `, showing ${offset + 1}–${Math.min(offset + PAGE, r.total)}` : ''}`,
        columns: [
          { key: 'file', label: 'File' },
          { key: 'line', label: 'Line' },
          { key: 'column', label: 'Column' },
          { key: 'kind', label: 'Kind' },
          { key: 'reason', label: 'Reason' },
          { key: 'refresh_id', label: 'Refresh' },
        ],
        rows: r.rows as unknown as TableModel['rows'],
      };
      const pager = h('nav', { class: 'govuk-pagination', 'aria-label': 'Quarantine pages' });
      if (offset > 0) {
        const prev = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary' }, 'Previous rows');
        prev.addEventListener('click', () => {
          offset = Math.max(0, offset - PAGE);
          void run();
        });
        pager.append(prev, ' ');
      }
      if (offset + PAGE < r.total) {
        const next = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary' }, 'Next rows');
        next.addEventListener('click', () => {
          offset += PAGE;
          void run();
        });
        pager.append(next);
      }
      results.replaceChildren(tableBlock(model, { captionClass: 'govuk-table__caption--s' }), pager);
      results.dataset.total = String(r.total);
    } catch (e) {
      results.replaceChildren(errorSummary('The quarantine could not be searched', [{ text: e instanceof Error ? e.message : String(e) }]));
    } finally {
      results.removeAttribute('aria-busy');
    }
  };
  const form = h(
    'form',
    { class: 'met-quarantine-form', id: 'quarantine-form' },
    h(
      'div',
      { class: 'met-pickers' },
      group('q-file', 'File', fileSel),
      group('q-reason', 'Reason', reasonSel),
      h(
        'div',
        { class: 'govuk-form-group' },
        h('label', { class: 'govuk-label govuk-label--s', for: 'q-text' }, 'Words in the reason'),
        h('div', { class: 'govuk-hint', id: 'q-text-hint' }, 'For example, a column name or a code.'),
        text,
      ),
      h('div', { class: 'govuk-form-group' }, h('button', { type: 'submit', class: 'govuk-button' }, 'Search the quarantine')),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    offset = 0;
    void run();
  });
  root.append(
    h(
      'section',
      { 'aria-labelledby': 'quarantine-title' },
      h('h2', { class: 'govuk-heading-m', id: 'quarantine-title' }, 'Quarantine'),
      h(
        'p',
        { class: 'govuk-body' },
        'The rows in quarantine now: those of the extracts currently loaded that broke the data contract, with the file, line, column, what to fix and the refresh that loaded them.',
      ),
      form,
      results,
      h('p', { class: 'govuk-body-s met-downloads met-no-print' }, download),
    ),
  );
  void run();
}

/** As the loader matches headers (etl/contract.ts normaliseHeader): case, spaces and hyphens ignored. */
const norm = (s: string): string =>
  s
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s\u00a0-]+/g, '_')
    .replace(/_+/g, '_');
const base = (f: File): string => f.name.split('/').pop() ?? f.name;
const pathOf = (f: File): string => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;

export interface FileProblem {
  file: string;
  problem: string;
}

function headerOf(file: File): Promise<string[]> {
  return new Promise((resolve, reject) => {
    Papa.parse<string[]>(file, {
      preview: 1,
      skipEmptyLines: true,
      complete: (r) => resolve((r.data[0] ?? []).map(String)),
      error: (e) => reject(e),
    });
  });
}

export async function checkFiles(files: File[], contract: ContractFile[]): Promise<{ ok: File[]; problems: FileProblem[] }> {
  const byName = new Map(contract.map((c) => [c.file.toLowerCase(), c]));
  const ok: File[] = [];
  const problems: FileProblem[] = [];
  for (const f of files) {
    const name = base(f);
    if (name.startsWith('.')) continue;
    const c = byName.get(name.toLowerCase());
    if (!c) {
      problems.push({ file: pathOf(f), problem: `${pathOf(f)} is not a file of the contract: the names are ${contract.map((x) => x.file).join(', ')}.` });
      continue;
    }
    let header: string[];
    try {
      header = await headerOf(f);
    } catch {
      problems.push({ file: pathOf(f), problem: `${pathOf(f)} could not be read as CSV.` });
      continue;
    }
    const have = new Set(header.map(norm));
    const missing = c.required.filter((col) => !have.has(norm(col)));
    if (missing.length)
      problems.push({ file: pathOf(f), problem: `${pathOf(f)} is missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.` });
    else ok.push(f);
  }
  return { ok, problems };
}

interface Job {
  job: string;
  state: 'running' | 'done' | 'failed';
  progress?: { done: number; total: number; label: string };
  report?: Report;
  error?: string;
}
interface Report {
  refresh_id: string;
  status: string;
  error?: string;
  started_at?: string;
  finished_at?: string;
  files: Record<string, unknown>[];
}

function reportView(r: Report): HTMLElement {
  const files: ShownTable = {
    id: 'load-report',
    title: `Load report: refresh ${r.refresh_id}, ${r.status}`,
    columns: [
      { key: 'file', label: 'File' },
      { key: 'status', label: 'Status' },
      { key: 'read', label: 'Read' },
      { key: 'loaded', label: 'Loaded' },
      { key: 'quarantined', label: 'Quarantined' },
      { key: 'notes', label: 'Notes' },
    ],
    rows: r.files.map((f) => ({
      file: f.file as string,
      status: f.status as string,
      read: (f.read as number) ?? null,
      loaded: (f.loaded as number) ?? null,
      quarantined: (f.quarantined as number) ?? null,
      notes: [
        f.error,
        (f.dropped_columns as string[] | undefined)?.length ? `dropped: ${(f.dropped_columns as string[]).join(', ')}` : '',
        f.reasons
          ? Object.entries(f.reasons as Record<string, number>)
              .map(([k, v]) => `${k} ${v}`)
              .join('; ')
          : '',
      ]
        .filter(Boolean)
        .join(' – '),
    })),
  };
  return h(
    'div',
    { id: 'load-report' },
    r.status === 'loaded'
      ? h(
          'div',
          { class: 'govuk-panel govuk-panel--confirmation met-panel' },
          h('h3', { class: 'govuk-panel__title' }, 'Refresh loaded'),
          h('div', { class: 'govuk-panel__body' }, `Refresh ${r.refresh_id}`),
        )
      : errorSummary('The refresh failed', [{ text: r.error ?? 'The load failed.' }]),
    tableBlock(files),
    h('p', { class: 'govuk-body' }, h('a', { class: 'govuk-link', href: location.pathname + location.search }, 'See the figures of the new refresh')),
  );
}

function upload(root: HTMLElement, contract: ContractFile[]): void {
  const folder = h('input', {
    class: 'govuk-file-upload',
    id: 'upload-folder',
    name: 'folder',
    type: 'file',
    multiple: true,
    webkitdirectory: true,
    'aria-describedby': 'upload-folder-hint',
  });
  const files = h('input', {
    class: 'govuk-file-upload',
    id: 'upload-files',
    name: 'files',
    type: 'file',
    multiple: true,
    accept: '.csv,text/csv',
    'aria-describedby': 'upload-files-hint',
  });
  const area = select('upload-area', 'area', [['', 'Not an SSDA903 return'], ...AREAS.map((a): [string, string] => [a, a])]);
  const summary = h('div', { id: 'upload-summary' });
  const status = h('div', { id: 'upload-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'govuk-button', id: 'upload-submit' }, 'Check and upload');
  const chosen = (): File[] => [...(folder.files ?? []), ...(files.files ?? [])];
  const groups = [folder, files].map((i) => i.closest('.govuk-form-group'));

  const check = async (submitting: boolean): Promise<{ ok: File[]; problems: FileProblem[] } | null> => {
    summary.replaceChildren();
    for (const g of document.querySelectorAll('#upload-form .govuk-form-group--error')) g.classList.remove('govuk-form-group--error');
    for (const m of document.querySelectorAll('#upload-form .govuk-error-message')) m.remove();
    for (const i of [folder, files]) i.setAttribute('aria-describedby', `${i.id}-hint`);
    const all = chosen();
    if (!all.length) {
      status.replaceChildren();
      if (submitting) showErrors([{ file: '', problem: 'Choose a folder of extracts or one or more CSV files.' }]);
      return null;
    }
    const res = await checkFiles(all, contract);
    if (res.problems.length) showErrors(res.problems);
    else
      status.replaceChildren(
        h('p', { class: 'govuk-body' }, `${res.ok.length} file${res.ok.length === 1 ? '' : 's'} checked: every header has its required columns.`),
      );
    return res;
  };
  const showErrors = (problems: FileProblem[]): void => {
    const target = folder.files?.length ? folder : files;
    const box = errorSummary(
      'There is a problem with the files',
      problems.map((p) => ({ text: p.problem, href: `#${target.id}` })),
    );
    summary.replaceChildren(box);
    const g = target.closest('.govuk-form-group');
    if (g) {
      g.classList.add('govuk-form-group--error');
      target.setAttribute('aria-describedby', `${target.id}-hint ${target.id}-error`);
      target.before(
        h(
          'p',
          { class: 'govuk-error-message', id: `${target.id}-error` },
          h('span', { class: 'govuk-visually-hidden' }, 'Error: '),
          `${problems.length} problem${problems.length === 1 ? '' : 's'}: see the list above.`,
        ),
      );
    }
    status.replaceChildren();
    box.focus();
  };
  void groups;

  const poll = async (job: string): Promise<void> => {
    const bar = h('progress', { class: 'met-progress', max: 1, value: 0, id: 'upload-progress', 'aria-label': 'Refresh progress' });
    const label = h('p', { class: 'govuk-body', id: 'upload-progress-label' }, 'Refresh started…');
    status.replaceChildren(label, bar);
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      let j: Job;
      try {
        j = await getJSON<Job>(`/api/refresh/${encodeURIComponent(job)}`);
      } catch (e) {
        status.replaceChildren(errorSummary('The refresh could not be followed', [{ text: e instanceof Error ? e.message : String(e) }]));
        return;
      }
      if (j.progress) {
        bar.max = Math.max(1, j.progress.total);
        bar.value = j.progress.done;
        label.textContent = `${j.progress.label || 'Loading'}: ${j.progress.done} of ${j.progress.total}.`;
      }
      if (j.state !== 'running') {
        status.replaceChildren(j.report ? reportView(j.report) : errorSummary('The refresh failed', [{ text: j.error ?? 'No load report.' }]));
        status.dataset.state = j.state;
        submit.disabled = false;
        return;
      }
    }
  };

  const form = h(
    'form',
    { id: 'upload-form', method: 'post', action: '/api/refresh', enctype: 'multipart/form-data', novalidate: true },
    summary,
    group(
      'upload-folder',
      'Choose a folder of extracts',
      folder,
      'Every CSV of the folder is checked; the header of each must have the contract’s required columns.',
    ),
    group('upload-files', 'Or choose CSV files', files, 'Files named as in the contract, for example missing_episodes.csv.'),
    group('upload-area', 'Area of an SSDA903 return', area),
    submit,
    status,
  );
  for (const i of [folder, files]) i.addEventListener('change', () => void check(false));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      const res = await check(true);
      if (!res || res.problems.length || !res.ok.length) return;
      // An SSDA903 return needs its area: chosen, or read from its folder's name (ssda903-isle-of-wight).
      const returns = res.ok.filter((f) => base(f).toLowerCase().startsWith('ssda903'));
      if (returns.length && !area.value) {
        const slug = (a: string): string => a.toLowerCase().replace(/\s+/g, '-');
        const found = new Set(returns.map((f) => AREAS.find((a) => pathOf(f).toLowerCase().includes(slug(a)))).filter(Boolean));
        if (found.size === 1) area.value = [...found][0]!;
        else {
          showErrors([{ file: '', problem: found.size > 1 ? 'Upload one area’s SSDA903 return at a time.' : 'Choose the area of the SSDA903 return.' }]);
          return;
        }
      }
      const body = new FormData();
      for (const f of res.ok) body.append('files', f, base(f));
      if (area.value) body.append('area', area.value);
      submit.disabled = true;
      try {
        const r = await getJSON<{ job: string }>('/api/refresh', { method: 'POST', body });
        await poll(r.job);
      } catch (err) {
        submit.disabled = false;
        status.replaceChildren(
          errorSummary('The files could not be sent', [{ text: err instanceof ApiError || err instanceof Error ? err.message : String(err) }]),
        );
      }
    })();
  });
  root.append(
    h(
      'section',
      { 'aria-labelledby': 'upload-title' },
      h('h2', { class: 'govuk-heading-m', id: 'upload-title' }, 'Refresh from a folder of extracts'),
      h(
        'p',
        { class: 'govuk-body' },
        'Nothing is sent until every file’s header has been checked here. A file present replaces its source; a file absent leaves it as it was.',
      ),
      form,
      contract.length
        ? h(
            'details',
            { class: 'govuk-details' },
            h('summary', { class: 'govuk-details__summary' }, h('span', { class: 'govuk-details__summary-text' }, 'The files and their required columns')),
            h(
              'div',
              { class: 'govuk-details__text' },
              tableBlock({
                id: 'contract',
                columns: [
                  { key: 'file', label: 'File' },
                  { key: 'required', label: 'Required columns' },
                ],
                rows: contract.map((c) => ({ file: c.file, required: c.required.join(', ') })),
              }),
            ),
          )
        : null,
    ),
  );
}

/** The load history, one table per refresh (newest open), without repeating the refresh on every row. */
function loadHistory(t: ShownTable): HTMLElement {
  const groups = new Map<string, TableModel['rows']>();
  for (const r of t.rows) {
    const id = String(r.refresh_id ?? '');
    if (!groups.has(id)) groups.set(id, []);
    groups.get(id)!.push(r);
  }
  const columns = t.columns.filter((c) => c.key !== 'refresh_id' && c.key !== 'started_at' && (c.key !== 'error' || t.rows.some((r) => r.error)));
  const section = h(
    'section',
    { class: 'met-table-section', 'aria-labelledby': 'history-title' },
    h('h2', { class: 'govuk-heading-m', id: 'history-title' }, t.title ?? 'Load history'),
  );
  [...groups.entries()].forEach(([id, rows], i) => {
    // Which refresh a count is about: the latest one (open), or an earlier one.
    const caption = `${i === 0 ? 'Latest refresh' : 'Earlier refresh'} ${id}, started ${String(rows[0]?.started_at ?? '')}`;
    const block = tableBlock({ id: `load-${id}`, columns, rows }, { caption });
    section.append(
      i === 0
        ? block
        : h(
            'details',
            { class: 'govuk-details' },
            h('summary', { class: 'govuk-details__summary' }, h('span', { class: 'govuk-details__summary-text' }, caption)),
            h('div', { class: 'govuk-details__text' }, block),
          ),
    );
  });
  return section;
}

/** What an audit entry was about, in a few words. */
function auditWhat(e: AuditEntry): string {
  const asked = [e.area, e.period, e.ages].filter(Boolean).join(', ');
  const d = e.detail ?? {};
  const extra =
    e.event === 'sign-in failed' || e.event === 'account'
      ? String(d.reason ?? d.action ?? '')
      : e.event === 'upload'
        ? `files: ${((d.files as string[] | undefined) ?? []).join(', ')}`
        : e.event === 'refresh'
          ? String(d.result ?? '')
          : e.event === 'sign-in'
            ? `by ${String(d.how ?? '')}`
            : d.format === 'arrow'
              ? 'Arrow'
              : '';
  return [e.target, asked, extra].filter(Boolean).join(' · ');
}

/** The audit log, newest first: who signed in, viewed, uploaded or refreshed what, when and from where. */
function auditLog(root: HTMLElement): void {
  const eventSel = select('audit-event', 'event', [['', 'Every event'], ...AUDIT_EVENTS.map((e): [string, string] => [e, e])]);
  const results = h('div', { id: 'audit-results', 'aria-live': 'polite' });
  let offset = 0;
  const run = async (): Promise<void> => {
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (eventSel.value) q.set('event', eventSel.value);
    try {
      const r = await getJSON<{ total: number; entries: AuditEntry[] }>(`/api/audit?${q.toString()}`);
      const model: ShownTable = {
        id: 'audit',
        title: `Audit log: ${fmt(r.total)} entries${r.total > PAGE ? `, showing ${offset + 1}–${Math.min(offset + PAGE, r.total)}` : ''}, newest first`,
        columns: [
          { key: 'at', label: 'When (UTC)' },
          { key: 'event', label: 'Event' },
          { key: 'account', label: 'Account' },
          { key: 'role', label: 'Role' },
          { key: 'account_area', label: 'Their area' },
          { key: 'what', label: 'What' },
          { key: 'status', label: 'Status' },
          { key: 'address', label: 'From' },
        ],
        rows: r.entries.map((e) => ({ ...e, at: e.at.replace('T', ' ').replace(/\.\d+Z$/, ''), what: auditWhat(e), detail: null })),
      };
      const nav: HTMLElement[] = [];
      if (offset > 0) nav.push(h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', id: 'audit-newer' }, 'Newer entries'));
      if (offset + PAGE < r.total) nav.push(h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', id: 'audit-older' }, 'Older entries'));
      results.replaceChildren(tableBlock(model, { caption: model.title }), h('div', { class: 'govuk-button-group' }, nav));
      results.querySelector('#audit-newer')?.addEventListener('click', () => {
        offset = Math.max(0, offset - PAGE);
        void run();
      });
      results.querySelector('#audit-older')?.addEventListener('click', () => {
        offset += PAGE;
        void run();
      });
    } catch (e) {
      results.replaceChildren(errorSummary('The audit log could not be read', [{ text: e instanceof Error ? e.message : String(e) }]));
    }
  };
  eventSel.addEventListener('change', () => {
    offset = 0;
    void run();
  });
  root.append(
    h(
      'section',
      { class: 'met-table-section', 'aria-labelledby': 'audit-title', id: 'audit' },
      h('h2', { class: 'govuk-heading-m', id: 'audit-title' }, 'Audit log'),
      h(
        'p',
        { class: 'govuk-body' },
        'Every sign-in (and failed attempt), sign-out, page, measures, quarantine and audit read, upload and refresh: who, their role and area, what they asked for, when and from which address. No password, session token or child reference is ever in it, and no one can change it from the dashboard.',
      ),
      group('audit-event', 'Show', eventSel),
      results,
    ),
  );
  void run();
}

/** The disclosure audit's figures (lib/audit/): its sentences as paragraphs under a heading. */
function disclosureAudit(t: ShownTable): HTMLElement {
  return h(
    'section',
    { class: 'met-table-section', 'aria-labelledby': 'disclosure-audit-title' },
    h('h2', { class: 'govuk-heading-m', id: 'disclosure-audit-title' }, t.title ?? 'Disclosure audit'),
    ...t.rows.map((r) => h('p', { class: 'govuk-body' }, String(r.what ?? ''))),
  );
}

/** Long tables (completeness: a row per column) fold away behind their title. */
const FOLDED = new Set(['completeness', 'quarantine']);

/** A folded table's summary: the quarantine says how many rows are in it now, the others how many table rows. */
function foldedSummary(t: ShownTable): string {
  if (t.id !== 'quarantine') return `${t.title ?? t.id} (${t.rows.length} rows)`;
  const n = t.rows.reduce((s, r) => s + (typeof r.rows === 'number' ? r.rows : 0), 0);
  return `${t.title ?? t.id}: ${fmt(n)} ${n === 1 ? 'row' : 'rows'}`;
}

/** True when some figure of the page is withheld (c): only then is the c legend shown. */
const anyWithheld = (model: PageModel): boolean => (model.tables ?? []).some((t) => t.rows.some((r) => Object.values(r).some((v) => v === 'c')));

start({
  page: 'data',
  analystOnly: true,
  // Nothing on this page depends on the area, period or ages: no picker is offered.
  pickers: [],
  render(model, root) {
    root.append(...standardHead(model).filter((e) => !e.classList.contains('met-selection')));
    const c = commentaryBlock(model);
    if (c) root.append(c);
    for (const t of model.tables ?? []) {
      if (t.id === 'load_summary') {
        root.append(loadHistory(t));
        continue;
      }
      if (t.id === 'disclosure_audit') {
        root.append(disclosureAudit(t));
        continue;
      }
      if (FOLDED.has(t.id ?? '')) {
        root.append(
          h(
            'details',
            { class: 'govuk-details' },
            h('summary', { class: 'govuk-details__summary' }, h('span', { class: 'govuk-details__summary-text' }, foldedSummary(t))),
            h('div', { class: 'govuk-details__text' }, tableBlock(t, { caption: t.title })),
          ),
        );
      } else root.append(h('section', { class: 'met-table-section' }, tableBlock(t, { captionClass: 'govuk-table__caption--m' })));
    }
    const d = definitionsPanel(model);
    if (d) root.append(d);
    if (anyWithheld(model)) root.append(legendBlock(model));
  },
  extra(root, _ctx, model) {
    const contract = model?.contract ?? [];
    upload(root, contract);
    quarantine(
      root,
      contract.map((c) => c.file),
    );
    auditLog(root);
  },
});

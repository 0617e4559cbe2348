// The action plan: each action as a summary card with its current RAG as a tag with
// its word, how it moved since the previous refresh, and "Overdue" in words where it
// is; filters by priority, RAG and overdue (kept in the URL); the full table a click away.
import { start, standardHead, commentaryBlock, chartsAndTables, definitionsPanel, legendBlock } from '../app.js';
import { renderCell, tableBlock, tableToggle } from '../charts.js';
import { h, uid } from '../dom.js';
import { setDownloadFilters } from '../downloads.js';
import type { Cell, ShownTable } from '../types.js';

const TITLE_KEYS = ['action_id', 'title'];
const RAGS: [string, string][] = [
  ['red', 'Red'],
  ['amber', 'Amber'],
  ['green', 'Green'],
];
const OVERDUE: [string, string][] = [
  ['yes', 'Overdue only'],
  ['no', 'Not overdue'],
];

/** The filters, as the URL keeps them (?priority=1&rag=red&overdue=yes); '' is any. */
interface Filters {
  priority: string;
  rag: string;
  overdue: string;
}
const FILTER_KEYS = ['priority', 'rag', 'overdue'] as const;

function readFilters(): Filters {
  const q = new URLSearchParams(location.search);
  return { priority: q.get('priority') ?? '', rag: (q.get('rag') ?? '').toLowerCase(), overdue: q.get('overdue') ?? '' };
}

function writeFilters(f: Filters): void {
  const q = new URLSearchParams(location.search);
  for (const k of FILTER_KEYS) {
    if (f[k]) q.set(k, f[k]);
    else q.delete(k);
  }
  const s = q.toString();
  history.replaceState(history.state, '', `${location.pathname}${s ? `?${s}` : ''}`);
}

function matches(r: Record<string, Cell>, f: Filters): boolean {
  if (f.priority && String(r.priority ?? '') !== f.priority) return false;
  if (f.rag && String(r.rag ?? '').toLowerCase() !== f.rag) return false;
  if (f.overdue === 'yes' && r.overdue !== true) return false;
  if (f.overdue === 'no' && r.overdue === true) return false;
  return true;
}

function longDate(iso: Cell): string {
  const d = new Date(`${String(iso)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** "Overdue" in words (and a tag), with the date it was due by: never colour alone. */
function overdueMark(r: Record<string, Cell>): HTMLElement | null {
  if (r.overdue !== true) return null;
  return h(
    'p',
    { class: 'govuk-body-s met-overdue', 'data-overdue-mark': '' },
    h('strong', { class: 'govuk-tag govuk-tag--red' }, 'Overdue'),
    r.due_by ? ` due by ${longDate(r.due_by)}, not green` : ' not green',
  );
}

function cards(t: ShownTable, rows: Record<string, Cell>[]): HTMLElement {
  const cols = t.columns.filter((c) => !TITLE_KEYS.includes(c.key));
  return h(
    'ul',
    { class: 'govuk-list met-actions', id: 'action-cards' },
    rows.map((r: Record<string, Cell>) =>
      h(
        'li',
        {
          class: 'govuk-summary-card',
          'data-action': String(r.action_id ?? ''),
          'data-priority': String(r.priority ?? ''),
          'data-rag': String(r.rag ?? '').toLowerCase(),
          'data-overdue': r.overdue === true ? 'yes' : 'no',
        },
        h(
          'div',
          { class: 'govuk-summary-card__title-wrapper' },
          h('h3', { class: 'govuk-summary-card__title' }, `${r.action_id ?? ''} ${r.title ?? ''}`.trim()),
          overdueMark(r),
        ),
        h(
          'div',
          { class: 'govuk-summary-card__content' },
          h(
            'dl',
            { class: 'govuk-summary-list' },
            cols.map((c) =>
              h(
                'div',
                { class: 'govuk-summary-list__row' },
                h('dt', { class: 'govuk-summary-list__key' }, c.label),
                h('dd', { class: 'govuk-summary-list__value', 'data-key': c.key }, renderCell(c, r)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function select(id: string, name: string, any: string, options: [string, string][], value: string): HTMLSelectElement {
  const s = h(
    'select',
    { class: 'govuk-select', id, name },
    [['', any] as [string, string], ...options].map(([v, l]) => {
      const o = h('option', { value: v }, l);
      o.selected = v === value;
      return o;
    }),
  );
  return s;
}

/** "Showing 3 of 18 actions: priority 1, red, overdue." */
function countText(shown: number, total: number, f: Filters): string {
  const what = [
    f.priority ? `priority ${f.priority}` : '',
    f.rag ? (RAGS.find(([k]) => k === f.rag)?.[1] ?? f.rag).toLowerCase() : '',
    f.overdue === 'yes' ? 'overdue' : f.overdue === 'no' ? 'not overdue' : '',
  ].filter(Boolean);
  return `Showing ${shown} of ${total} ${total === 1 ? 'action' : 'actions'}${what.length ? `: ${what.join(', ')}` : ''}.`;
}

/** The plan's cards and table with their filters; `onFilters` hears the filters now and on each change (the download links follow them). */
function plan(t: ShownTable, onFilters: (f: Filters) => void): HTMLElement {
  const all = t.rows as Record<string, Cell>[];
  let f = readFilters();
  onFilters(f);
  const priorities = [...new Set(all.map((r) => String(r.priority ?? '')).filter(Boolean))].sort((a, b) => Number(a) - Number(b));
  const prioritySel = select(
    'filter-priority',
    'priority',
    'Any priority',
    priorities.map((p): [string, string] => [p, `Priority ${p}`]),
    f.priority,
  );
  const ragSel = select('filter-rag', 'rag', 'Any RAG status', RAGS, f.rag);
  const overdueSel = select('filter-overdue', 'overdue', 'Overdue or not', OVERDUE, f.overdue);
  const count = h('p', { class: 'govuk-body govuk-!-font-weight-bold', id: 'action-count', 'aria-live': 'polite', role: 'status' });
  const holder = h('div', { class: 'met-no-print-when-table' });
  const region = h('div', { class: 'met-chart__table', id: uid('plan-table'), hidden: true });
  const draw = (): void => {
    const rows = all.filter((r) => matches(r, f));
    count.textContent = countText(rows.length, all.length, f);
    region.replaceChildren(tableBlock({ ...t, rows }));
    holder.replaceChildren(rows.length ? cards(t, rows) : h('p', { class: 'govuk-body', id: 'action-none' }, 'No action matches these filters.'));
  };
  const field = (id: string, label: string, control: HTMLElement): HTMLElement =>
    h('div', { class: 'govuk-form-group met-picker' }, h('label', { class: 'govuk-label govuk-label--s', for: id }, label), control);
  const clear = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', id: 'filter-clear' }, 'Show every action');
  const form = h(
    'form',
    { class: 'met-pickers', id: 'action-filters', 'aria-label': 'Filter the actions' },
    field('filter-priority', 'Priority', prioritySel),
    field('filter-rag', 'RAG status', ragSel),
    field('filter-overdue', 'Overdue', overdueSel),
    h('div', { class: 'govuk-form-group met-picker met-picker--go' }, clear),
  );
  const apply = (): void => {
    f = { priority: prioritySel.value, rag: ragSel.value, overdue: overdueSel.value };
    writeFilters(f);
    draw();
    onFilters(f);
  };
  form.addEventListener('change', apply);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply();
  });
  clear.addEventListener('click', () => {
    prioritySel.value = '';
    ragSel.value = '';
    overdueSel.value = '';
    apply();
  });
  draw();
  return h(
    'section',
    { 'aria-labelledby': 'plan-title' },
    h('h2', { class: 'govuk-heading-m', id: 'plan-title' }, t.title ?? 'The action plan'),
    h(
      'p',
      { class: 'govuk-body' },
      'Each action’s RAG rating now, and how it moved since the previous refresh. An action is overdue when the month it was due by has passed at the plan’s latest update and it is not green.',
    ),
    form,
    count,
    tableToggle(region),
    region,
    holder,
  );
}

start({
  page: 'actions',
  // The plan is the same whatever the area, period or ages: no picker is offered.
  pickers: [],
  render(model, root, ctx) {
    root.append(...standardHead(model).filter((e) => !e.classList.contains('met-selection')));
    const c = commentaryBlock(model);
    if (c) root.append(c);
    const t = model.tables?.[0];
    root.append(...chartsAndTables(model, ctx, { skipTables: new Set(t ? [t.id ?? '0'] : []) }));
    // The plan's download holds the actions the filters show (docs/api.md, "Exports").
    if (t) root.append(plan(t, (f) => setDownloadFilters(root, model, 'table', t.id ?? 'actions', { ...f })));
    const d = definitionsPanel(model);
    if (d) root.append(d);
    root.append(legendBlock(model));
  },
});

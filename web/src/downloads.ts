// "Download CSV" and "Download Excel" under every table and every chart of a page model
// (docs/api.md, "Exports"): the server writes each file from the same page model, for the
// same role, area, period and ages as the page shows.
import { h } from './dom.js';
import type { PageModel } from './types.js';

/**
 * Filters a page's own controls apply to one table's rows (the action plan's priority, RAG
 * and overdue), by the links' key ("table:actions"): the file holds the rows the page shows.
 */
const filtersFor = new Map<string, Record<string, string>>();

/** The export's address for one table or chart of the page as shown (with the filters its rows follow, if any). */
export function exportHref(model: PageModel, kind: 'table' | 'chart', id: string, format: 'csv' | 'xlsx'): string {
  const q = new URLSearchParams({ area: model.area, period: model.period, ages: model.ages, [kind]: id });
  for (const [k, v] of Object.entries(filtersFor.get(`${kind}:${id}`) ?? {})) if (v) q.set(k, v);
  return `/api/pages/${encodeURIComponent(model.page)}/export.${format}?${q.toString()}`;
}

/**
 * Sets the filters one table's rows follow on the page (empty values: none) and points its
 * links, drawn or yet to be drawn under `root`, at the file of those rows only.
 */
export function setDownloadFilters(root: HTMLElement, model: PageModel, kind: 'table' | 'chart', id: string, filters: Record<string, string>): void {
  filtersFor.set(`${kind}:${id}`, filters);
  for (const a of root.querySelectorAll<HTMLAnchorElement>(`[data-download-for="${CSS.escape(`${kind}:${id}`)}"] a[data-download]`))
    a.href = exportHref(model, kind, id, a.dataset.download as 'csv' | 'xlsx');
}

function links(model: PageModel, kind: 'table' | 'chart', id: string, title: string): HTMLElement {
  const link = (format: 'csv' | 'xlsx', label: string) =>
    h(
      'a',
      { class: 'govuk-link', href: exportHref(model, kind, id, format), download: '', 'data-download': format },
      label,
      h('span', { class: 'govuk-visually-hidden' }, ` of ${title}`),
    );
  return h(
    'p',
    { class: 'govuk-body-s met-downloads met-no-print', 'data-download-for': `${kind}:${id}` },
    link('csv', 'Download CSV'),
    ' · ',
    link('xlsx', 'Download Excel'),
  );
}

/**
 * Adds the links to each chart card and each table of the model drawn in `root` that has
 * none yet: a chart's inside its card, a table's after it (after its folded or hidden
 * region, so that they can be seen). Safe to call again as more is drawn.
 */
export function addDownloads(root: HTMLElement, model: PageModel): void {
  const has = (key: string) => root.querySelector(`[data-download-for="${CSS.escape(key)}"]`) !== null;
  for (const c of model.charts ?? []) {
    if (has(`chart:${c.id}`)) continue;
    root.querySelector(`figure#chart-${CSS.escape(c.id)}`)?.append(links(model, 'chart', c.id, c.title));
  }
  for (const t of model.tables ?? []) {
    if (!t.id || has(`table:${t.id}`)) continue;
    const table = root.querySelector(`table[data-table="${CSS.escape(t.id)}"]`);
    if (!table) continue;
    const wrap = table.closest('.met-table-wrap') ?? table;
    const anchor = wrap.closest('details') ?? wrap.closest('[hidden]') ?? wrap;
    anchor.after(links(model, 'table', t.id, t.title));
  }
}

/** Keeps adding the links as the page draws more (a tile's SPC chart, a map shaded another way). */
export function watchDownloads(root: HTMLElement, model: PageModel): void {
  addDownloads(root, model);
  new MutationObserver(() => addDownloads(root, model)).observe(root, { childList: true, subtree: true });
}

// "Download CSV" and "Download Excel" under every table and every chart of a page model
// (docs/api.md, "Exports"): the server writes each file from the same page model, for the
// same role, area, period and ages as the page shows.
import { h } from './dom.js';
import type { PageModel } from './types.js';

/** The export's address for one table or chart of the page as shown. */
export function exportHref(model: PageModel, kind: 'table' | 'chart', id: string, format: 'csv' | 'xlsx'): string {
  const q = new URLSearchParams({ area: model.area, period: model.period, ages: model.ages, [kind]: id });
  return `/api/pages/${encodeURIComponent(model.page)}/export.${format}?${q.toString()}`;
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

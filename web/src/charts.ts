// Chart cards and tables: every chart has a title, its text description (a visible
// caption the figure is described by), a "Show as table" button revealing a
// govuk table, and its definitions one click away.
import { h, fmt, uid } from './dom.js';
import { hexTable, rankedCaption } from './ranked.js';
import type { Cell, Column, Definition, DrawnChart, ShownTable } from './types.js';

export { flagOf } from './ranked.js';

type VegaModule = typeof import('./vega.js');
let vega: Promise<VegaModule> | null = null;
/** The vega chunk, fetched once per page. */
export function loadVega(): Promise<VegaModule> {
  vega ??= import('./vega.js');
  return vega;
}

const RAG_CLASS: Record<string, string> = {
  red: 'govuk-tag--red',
  amber: 'govuk-tag--orange',
  green: 'govuk-tag--green',
  blue: '',
  complete: '',
  completed: '',
  grey: 'govuk-tag--grey',
};

function ragTag(v: Cell): Node {
  if (v === null || v === undefined || v === '') return document.createTextNode('–');
  const text = String(v);
  const cls = RAG_CLASS[text.toLowerCase()] ?? 'govuk-tag--grey';
  return h('strong', { class: `govuk-tag ${cls}`.trim() }, text.charAt(0).toUpperCase() + text.slice(1));
}

const MOVED: Record<string, [string, string]> = {
  up: ['▲', 'Moved up'],
  down: ['▼', 'Moved down'],
  same: ['▬', 'No change'],
  new: ['✚', 'New'],
};

function movedCell(v: Cell, row: Record<string, Cell>): Node {
  const m = MOVED[String(v ?? '').toLowerCase()];
  if (!m) return document.createTextNode(fmt(v));
  const prev = row.previous_rag;
  const from = (v === 'up' || v === 'down') && prev ? ` from ${prev}` : '';
  return h('span', { class: `met-moved met-moved--${String(v)}` }, h('span', { 'aria-hidden': 'true' }, m[0]), ` ${m[1]}${from}`);
}

function isNumericColumn(rows: Record<string, Cell>[], key: string): boolean {
  let any = false;
  for (const r of rows) {
    const v = r[key];
    if (v === null || v === undefined || v === 'c' || v === '') continue;
    if (typeof v !== 'number') return false;
    any = true;
  }
  return any;
}

export function renderCell(col: Column, row: Record<string, Cell>): Node {
  const v = row[col.key] ?? null;
  if (col.key === 'rag' || col.key === 'previous_rag' || col.key.endsWith('_rag')) return ragTag(v);
  if (col.key === 'moved') return movedCell(v, row);
  if (typeof v === 'boolean') return document.createTextNode(v ? 'Yes' : 'No');
  if (typeof v === 'string' && v.startsWith('{')) {
    // A count per reason, sent as JSON text: written out as words.
    try {
      const o = JSON.parse(v) as Record<string, unknown>;
      return document.createTextNode(
        Object.entries(o)
          .map(([k, n]) => `${k}: ${fmt(n)}`)
          .join('; ') || '–',
      );
    } catch {
      /* plain text */
    }
  }
  // A figure by its column's kind, or its row's where each row is a measure of its own ("69.6%").
  const kind = col.kind ?? (col.kindKey ? (row[col.kindKey] as string | null | undefined) : undefined) ?? undefined;
  return document.createTextNode(fmt(v, kind));
}

/** A govuk table. */
export function table(model: ShownTable, opts: { caption?: string; captionClass?: string } = {}): HTMLTableElement {
  const numeric = new Set(model.columns.filter((c) => isNumericColumn(model.rows, c.key)).map((c) => c.key));
  const caption = opts.caption ?? model.title;
  return h(
    'table',
    { class: 'govuk-table met-table', 'data-table': model.id ?? null },
    caption ? h('caption', { class: `govuk-table__caption ${opts.captionClass ?? 'govuk-table__caption--s'}` }, caption) : null,
    h(
      'thead',
      { class: 'govuk-table__head' },
      h(
        'tr',
        { class: 'govuk-table__row' },
        model.columns.map((c) => h('th', { scope: 'col', class: `govuk-table__header${numeric.has(c.key) ? ' govuk-table__header--numeric' : ''}` }, c.label)),
      ),
    ),
    h(
      'tbody',
      { class: 'govuk-table__body' },
      model.rows.length
        ? model.rows.map((r) =>
            h(
              'tr',
              { class: 'govuk-table__row' },
              model.columns.map((c, i) =>
                h(
                  i === 0 ? 'th' : 'td',
                  {
                    class: `${i === 0 ? 'govuk-table__header' : 'govuk-table__cell'}${numeric.has(c.key) ? ' govuk-table__cell--numeric' : ''}`,
                    scope: i === 0 ? 'row' : null,
                    'data-key': c.key,
                  },
                  renderCell(c, r),
                ),
              ),
            ),
          )
        : h('tr', { class: 'govuk-table__row' }, h('td', { class: 'govuk-table__cell', colspan: model.columns.length || 1 }, 'No rows.')),
    ),
  );
}

/** More columns than an A4 page holds upright at a readable size: printed on a landscape page of its own (styles.css). */
export const WIDE_TABLE_COLUMNS = 9;

/** A table that scrolls sideways on small screens rather than breaking the page. */
export function tableBlock(model: ShownTable, opts: { caption?: string; captionClass?: string } = {}): HTMLElement {
  const wide = model.columns.length >= WIDE_TABLE_COLUMNS ? ' met-table-wrap--wide' : '';
  // Focusable, so that keyboard users can scroll a wide table sideways.
  return h('div', { class: `met-table-wrap${wide}`, tabindex: 0, role: 'region', 'aria-label': opts.caption ?? model.title ?? 'Table' }, table(model, opts));
}

/** The definitions that belong to a chart: those whose id it names; else none. */
export function definitionsFor(ids: string[], defs: Definition[] = []): Definition[] {
  return defs.filter((d) => ids.some((id) => id === d.id || id.includes(d.id)));
}

export function definitionsDetails(defs: Definition[], summary = 'Definitions'): HTMLElement | null {
  if (!defs.length) return null;
  return h(
    'details',
    { class: 'govuk-details met-definitions' },
    h('summary', { class: 'govuk-details__summary' }, h('span', { class: 'govuk-details__summary-text' }, summary)),
    h(
      'div',
      { class: 'govuk-details__text' },
      h(
        'dl',
        { class: 'met-dl' },
        defs.map((d) => [h('dt', {}, d.label), h('dd', {}, d.definition)]),
      ),
    ),
  );
}

/** A "Show as table" toggle: a real button with aria-expanded controlling a hidden region. */
export function tableToggle(region: HTMLElement, what = 'table'): HTMLButtonElement {
  const btn = h(
    'button',
    {
      type: 'button',
      class: 'govuk-button govuk-button--secondary met-toggle',
      'aria-expanded': 'false',
      'aria-controls': region.id,
      'data-module': 'met-toggle',
    },
    `Show as ${what}`,
  );
  btn.addEventListener('click', () => {
    const open = btn.getAttribute('aria-expanded') !== 'true';
    btn.setAttribute('aria-expanded', String(open));
    region.hidden = !open;
    btn.textContent = open ? `Hide ${what}` : `Show as ${what}`;
  });
  return btn;
}

/**
 * A chart card. Vega-Lite charts render when the vega chunk arrives; the returned
 * promise settles when the marks are in the page.
 */
export function chartCard(chart: DrawnChart, defs: Definition[] = [], opts: { headingLevel?: 'h2' | 'h3' } = {}): { el: HTMLElement; ready: Promise<void> } {
  const descId = uid(`desc-${chart.id}`);
  const tableId = uid(`table-${chart.id}`);
  const headId = uid(`title-${chart.id}`);
  const plot = h('div', { class: 'met-chart__plot', 'data-chart': chart.id, 'data-kind': chart.kind, 'aria-describedby': descId });
  const caption = h('p', { class: 'govuk-body-s met-chart__desc', id: descId }, chart.description ?? '');
  const heading = h(opts.headingLevel ?? 'h3', { class: 'govuk-heading-s met-chart__title', id: headId }, chart.title);
  const card = h('figure', { class: 'met-chart', id: `chart-${chart.id}`, 'aria-labelledby': headId });
  let ready: Promise<void>;

  if (chart.kind === 'hexmap') {
    const hexes = chart.hexes ?? [];
    const label = chart.measure_label ?? chart.measure ?? 'value';
    const flag = hexes.some((x) => x.gap) || chart.id.includes('gap') ? 'gap' : 'hotspot';
    const legend = h('div', { class: 'met-hexmap__legend-holder' });
    const all = hexTable(hexes, label, '');
    const top = all.rows.slice(0, 10);
    const short = all.columns.filter((c) => c.key !== 'area').map((c) => (c.key === 'flag' ? { ...c, label: 'Flag' } : c));
    const areas = new Set(hexes.map((x) => x.area)).size;
    const ranked = tableBlock(
      { ...all, rows: top, columns: short },
      { caption: rankedCaption(top.length, all.rows.length, hexes.length, label, all.columns[0]?.key === 'rank', areas) },
    );
    const region = h(
      'div',
      { class: 'met-chart__table', id: tableId, hidden: true },
      tableBlock(chart.table ?? { ...all, title: chart.title }, { caption: chart.title }),
    );
    card.append(
      heading,
      h(
        'div',
        { class: 'govuk-grid-row' },
        h('div', { class: 'govuk-grid-column-two-thirds' }, plot, legend),
        h('div', { class: 'govuk-grid-column-one-third met-ranked' }, ranked),
      ),
      h('figcaption', {}, caption),
    );
    card.append(tableToggle(region), region);
    // d3 comes with the map's own chunk, on the pages that have a map.
    ready = import('./hexmap.js').then((m) => {
      m.drawHexmap(plot, hexes, { title: chart.title, description: chart.description ?? '', measureLabel: label });
      legend.replaceChildren(m.hexLegend(hexes, label, flag));
    });
  } else {
    const region = h('div', { class: 'met-chart__table', id: tableId, hidden: true }, chart.table ? tableBlock(chart.table, { caption: chart.title }) : null);
    card.append(heading, plot, h('figcaption', {}, caption));
    if (chart.table) card.append(tableToggle(region), region);
    ready = chart.spec
      ? loadVega()
          .then((v) => {
            // The card's heading is the chart's title: not drawn twice.
            const { title: _t, ...spec } = chart.spec!;
            return v.renderVegaLite(plot, spec);
          })
          .then(() => undefined)
          .catch((e: unknown) => {
            plot.replaceChildren(
              h(
                'p',
                { class: 'govuk-body govuk-error-message' },
                `This chart could not be drawn: ${e instanceof Error ? e.message : String(e)}. Its figures are in the table.`,
              ),
            );
          })
      : Promise.resolve();
  }
  const d = definitionsDetails(definitionsFor([chart.id, chart.kind === 'hexmap' ? chart.measure : ''].filter(Boolean), defs));
  if (d) card.append(d);
  return { el: card, ready };
}

// The action plan: each action as a summary card with its current RAG as a tag with
// its word, and how it moved since the previous refresh; the full table a click away.
import { start, standardHead, commentaryBlock, chartsAndTables, definitionsPanel, legendBlock } from '../app.js';
import { renderCell, tableBlock, tableToggle } from '../charts.js';
import { h, uid } from '../dom.js';
import type { Cell, TableModel } from '../types.js';

const TITLE_KEYS = ['action_id', 'title'];

function cards(t: TableModel): HTMLElement {
  const cols = t.columns.filter((c) => !TITLE_KEYS.includes(c.key));
  return h(
    'ul',
    { class: 'govuk-list met-actions' },
    t.rows.map((r: Record<string, Cell>) =>
      h(
        'li',
        { class: 'govuk-summary-card', 'data-action': String(r.action_id ?? '') },
        h(
          'div',
          { class: 'govuk-summary-card__title-wrapper' },
          h('h3', { class: 'govuk-summary-card__title' }, `${r.action_id ?? ''} ${r.title ?? ''}`.trim()),
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

start({
  page: 'actions',
  render(model, root, ctx) {
    root.append(...standardHead(model));
    const c = commentaryBlock(model);
    if (c) root.append(c);
    const plan = model.tables?.[0];
    root.append(...chartsAndTables(model, ctx, { skipTables: new Set(plan ? [plan.id ?? '0'] : []) }));
    if (plan) {
      const region = h('div', { class: 'met-chart__table', id: uid('plan-table'), hidden: true }, tableBlock(plan));
      root.append(
        h(
          'section',
          { 'aria-labelledby': 'plan-title' },
          h('h2', { class: 'govuk-heading-m', id: 'plan-title' }, plan.title ?? 'The action plan'),
          h('p', { class: 'govuk-body' }, 'Each action’s RAG rating now, and how it moved since the previous refresh.'),
          tableToggle(region),
          region,
          h('div', { class: 'met-no-print-when-table' }, cards(plan)),
        ),
      );
    }
    const d = definitionsPanel(model);
    if (d) root.append(d);
    root.append(legendBlock(model));
  },
});

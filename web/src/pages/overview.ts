// Board overview: headline tiles with sparklines, changes and SPC readings, the
// commentary beside them; each tile opens its SPC chart.
import { start, standardHead, commentaryBlock, chartsAndTables, definitionsPanel, legendBlock, periodLabel, type PageContext } from '../app.js';
import { chartCard, loadVega } from '../charts.js';
import { h, fmt, uid } from '../dom.js';
import type { ChartModel, PageModel, Tile } from '../types.js';
import { compareText, sparkSpec } from '../tile.js';

const SIGNAL: Record<string, { icon: string; words: string }> = {
  signal_high: { icon: '▲', words: 'Signal: higher than expected' },
  signal_low: { icon: '▼', words: 'Signal: lower than expected' },
  normal: { icon: '●', words: 'Normal variation' },
  none: { icon: '–', words: 'No SPC reading' },
};

function tileEl(tile: Tile, chart: ChartModel | undefined, panel: HTMLElement, model: PageModel, ctx: PageContext): HTMLElement {
  const sig = SIGNAL[tile.signal ?? 'none'] ?? SIGNAL.none!;
  const spark = h('div', { class: 'met-spark', 'data-spark': tile.id });
  const sparkDesc = uid(`spark-${tile.id}`);
  const spec = sparkSpec(tile);
  if (spec) {
    spark.setAttribute('aria-describedby', sparkDesc);
    ctx.track(loadVega().then((v) => v.renderVegaLite(spark, spec)));
  }
  const detail = tile.detail;
  const el = h(
    'li',
    { class: 'met-tile', 'data-measure': tile.id },
    h('h3', { class: 'govuk-heading-s met-tile__label' }, tile.label),
    h('p', { class: 'met-tile__value', 'data-value': JSON.stringify(tile.value) }, tile.display ?? fmt(tile.value)),
    detail ? h('p', { class: 'govuk-body-s met-tile__detail' }, detail) : null,
    h(
      'p',
      { class: `met-signal met-signal--${tile.signal ?? 'none'}`, 'data-signal': tile.signal ?? 'none' },
      h('span', { class: 'met-signal__icon', 'aria-hidden': 'true' }, sig.icon),
      h('span', {}, sig.words),
    ),
    tile.signal_text ? h('p', { class: 'govuk-body-s met-tile__spc' }, tile.signal_text) : null,
    spark,
    spec ? h('p', { class: 'govuk-visually-hidden', id: sparkDesc }, String(spec.description)) : null,
    tile.change_text ? h('p', { class: 'govuk-body-s met-tile__change' }, tile.change_text) : null,
    h('p', { class: 'govuk-body-s met-tile__compare' }, compareText(tile, periodLabel)),
  );
  if (chart) {
    const btn = h(
      'button',
      {
        type: 'button',
        class: 'govuk-button govuk-button--secondary met-tile__open',
        'aria-expanded': 'false',
        'aria-controls': panel.id,
        'data-opens': chart.id,
      },
      h('span', { class: 'met-tile__open-text' }, 'Show SPC chart'),
      h('span', { class: 'govuk-visually-hidden' }, ` for ${tile.label}`),
    );
    const say = (b: Element, open: boolean): void => {
      const t = b.querySelector('.met-tile__open-text');
      if (t) t.textContent = open ? 'Hide SPC chart' : 'Show SPC chart';
    };
    btn.addEventListener('click', () => {
      const open = btn.getAttribute('aria-expanded') === 'true';
      for (const b of document.querySelectorAll<HTMLButtonElement>('.met-tile__open')) {
        b.setAttribute('aria-expanded', 'false');
        say(b, false);
      }
      if (open) {
        panel.hidden = true;
        panel.replaceChildren();
        return;
      }
      btn.setAttribute('aria-expanded', 'true');
      say(btn, true);
      const card = chartCard(chart, model.definitions ?? [], { headingLevel: 'h2' });
      const close = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', 'data-close': 'spc' }, 'Close SPC chart');
      close.addEventListener('click', () => {
        panel.hidden = true;
        panel.replaceChildren();
        btn.setAttribute('aria-expanded', 'false');
        say(btn, false);
        btn.focus();
      });
      panel.replaceChildren(card.el, close);
      panel.hidden = false;
      panel.focus();
      void card.ready.then(() => {
        panel.dataset.ready = chart.id;
      });
    });
    el.append(h('div', { class: 'met-tile__actions' }, btn));
  }
  return el;
}

// Every overview draws charts (the tiles' sparklines): its charting code is fetched at
// once, beside the page's figures, not after them. Other pages fetch it when they draw one.
void loadVega().catch(() => {});

start({
  page: 'overview',
  render(model, root, ctx) {
    root.append(...standardHead(model));
    const charts = new Map((model.charts ?? []).map((c) => [c.id, c]));
    const panel = h('section', { class: 'met-spc-panel', id: 'spc-panel', tabindex: '-1', hidden: true, 'aria-label': 'SPC chart' });
    const tiles = h(
      'ul',
      { class: 'met-tiles' },
      (model.tiles ?? []).map((t) => tileEl(t, t.chart ? charts.get(t.chart) : undefined, panel, model, ctx)),
    );
    const side = h('div', { class: 'met-overview__side' });
    const c = commentaryBlock(model);
    if (c) side.append(c);
    side.append(legendBlock(model));
    root.append(
      h(
        'div',
        { class: 'met-overview' },
        // The commentary (signals first) comes before the tiles; a wide screen puts it to their right (styles.css).
        side,
        h(
          'section',
          { class: 'met-overview__tiles', 'aria-labelledby': 'tiles-title' },
          h('h2', { class: 'govuk-heading-m', id: 'tiles-title' }, 'Headline figures'),
          tiles,
        ),
      ),
      panel,
    );
    const tileCharts = new Set((model.tiles ?? []).map((t) => t.chart).filter((x): x is string => !!x));
    root.append(...chartsAndTables(model, ctx, { skipCharts: tileCharts }));
    const d = definitionsPanel(model);
    if (d) root.append(d);
  },
});

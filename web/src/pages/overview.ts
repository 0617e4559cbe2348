// Board overview: headline tiles with sparklines, changes and SPC readings, the
// commentary beside them; each tile opens its SPC chart.
import { start, standardHead, commentaryBlock, chartsAndTables, definitionsPanel, legendBlock, periodLabel, type PageContext } from '../app.js';
import { chartCard, loadVega } from '../charts.js';
import { h, fmt, uid } from '../dom.js';
import type { ChartModel, PageModel, Tile } from '../types.js';
import { compareText, SPARK_HEIGHT, sparkGeometry } from '../tile.js';

const SIGNAL: Record<string, { icon: string; words: string }> = {
  signal_high: { icon: '▲', words: 'Signal: higher than expected' },
  signal_low: { icon: '▼', words: 'Signal: lower than expected' },
  normal: { icon: '●', words: 'Normal variation' },
  none: { icon: '–', words: 'No SPC reading' },
};

const SVG = 'http://www.w3.org/2000/svg';

/** The tile's sparkline as SVG in `el` (web/src/tile.ts works out where everything goes). */
function drawSpark(el: HTMLElement, tile: Tile): void {
  const width = Math.max(60, Math.round(el.clientWidth || 200));
  const g = sparkGeometry(tile, width);
  if (!g) return;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(SPARK_HEIGHT));
  svg.setAttribute('viewBox', `0 0 ${width} ${SPARK_HEIGHT}`);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = (d: string, attrs: Record<string, string>) => {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', d);
    for (const [k, v] of Object.entries(attrs)) p.setAttribute(k, v);
    svg.append(p);
  };
  for (const d of g.paths) path(d, { class: 'met-spark__line', fill: 'none', stroke: '#0072B2', 'stroke-width': '2' });
  // Each shown point a dot (a circle drawn as a path), the latest larger and darker.
  for (const p of g.points) {
    const r = p.latest ? 3.1 : 1.6;
    path(`M${p.x - r},${p.y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`, {
      class: p.latest ? 'met-spark__latest' : 'met-spark__point',
      fill: p.latest ? '#0b0c0c' : '#0072B2',
    });
  }
  el.replaceChildren(svg);
}

/** The sparkline's text alternative, or null when it has no point to draw. */
function sparkDescription(tile: Tile): string | null {
  return sparkGeometry(tile, 200)?.description ?? null;
}

function tileEl(tile: Tile, chart: ChartModel | undefined, panel: HTMLElement, model: PageModel, ctx: PageContext): HTMLElement {
  const sig = SIGNAL[tile.signal ?? 'none'] ?? SIGNAL.none!;
  const spark = h('div', { class: 'met-spark', 'data-spark': tile.id });
  const sparkDesc = uid(`spark-${tile.id}`);
  // Drawn once the tile is in the page and has its width.
  const drawn = sparkDescription(tile);
  if (drawn) {
    spark.setAttribute('aria-describedby', sparkDesc);
    ctx.track(Promise.resolve().then(() => drawSpark(spark, tile)));
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
    drawn ? h('p', { class: 'govuk-visually-hidden', id: sparkDesc }, drawn) : null,
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
    // The charting code is for the SPC charts the tiles open: fetched once the page is
    // drawn (the sparklines need none), so that a chart opens without waiting for it.
    const idle = (globalThis as { requestIdleCallback?: (f: () => void) => void }).requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
    idle(() => void loadVega().catch(() => {}));
  },
});

// Places and Service gaps: the hex map(s) first. Where the page model has more than
// one map (one per measure), a "Shade by" picker chooses which is shown; the choice
// is kept in the URL as `measure`.
import { standardHead, commentaryBlock, chartsAndTables, definitionsPanel, legendBlock, type PageContext } from './app.js';
import { chartCard } from './charts.js';
import { h } from './dom.js';
import type { HexChart, MapView, PageModel, Shown, ShownTable } from './types.js';
import { fmt, inSentence } from './dom.js';

/**
 * The map again for each other figure of the page's locality table (hotspots: found,
 * CPI, disruptions; service gaps: prevalence, interviews …), so the map can be shaded
 * by the measure a person chooses. The flags (hotspot, gap) stay those of the model.
 */
function variants(map: HexChart, tables: ShownTable[]): MapView[] {
  const t = tables.find((x) => x.columns.some((c) => c.key === 'locality') && x.rows.length);
  if (!t) return [];
  const byLocality = new Map(t.rows.map((r) => [`${String(r.area ?? '')}|${String(r.locality)}`, r]));
  const numeric = t.columns.filter(
    (c) =>
      !['rank', 'change'].includes(c.key) &&
      // The area's own figure beside each locality (service gaps) is one value per area: not a shading.
      !c.key.startsWith('area_') &&
      c.key !== map.measure &&
      t.rows.some((r) => typeof r[c.key] === 'number') &&
      t.rows.every((r) => r[c.key] === null || r[c.key] === 'c' || typeof r[c.key] === 'number'),
  );
  return numeric.map((c) => {
    const hexes = map.hexes.map((x) => {
      const r = byLocality.get(`${x.area}|${x.locality}`) ?? t.rows.find((row) => row.locality === x.locality);
      const v = r?.[c.key];
      const value: Shown = typeof v === 'number' ? v : v === 'c' ? 'c' : null;
      // The API's rank ranks the model's own figure, not this one: none here.
      const { rank: _rank, ...rest } = x;
      return { ...rest, value, display: fmt(value) };
    });
    const flagged = hexes.filter((x) => x.hotspot === true || x.gap === true).map((x) => x.locality);
    const top = [...hexes].filter((x) => typeof x.value === 'number').sort((a, b) => (b.value as number) - (a.value as number))[0];
    return {
      ...map,
      id: `${map.id}-${c.key}`,
      measure: c.key,
      measure_label: c.label,
      hexes,
      table: undefined,
      description: `A tile map with one hexagon per locality (${hexes.length}), shaded by ${inSentence(c.label)}${top ? `, highest in ${top.locality} (${fmt(top.value)})` : ''}; ${map.hexes.some((x) => x.gap) ? 'service gaps' : 'hotspots'} outlined: ${flagged.join(', ') || 'none'}.`,
    };
  });
}

export function renderMapPage(model: PageModel, root: HTMLElement, ctx: PageContext): void {
  root.append(...standardHead(model));
  const served = (model.charts ?? []).filter((c): c is HexChart => c.kind === 'hexmap');
  const maps: MapView[] = served.length === 1 ? [served[0]!, ...variants(served[0]!, model.tables ?? [])] : served;
  const holder = h('div', { class: 'met-map' });
  if (maps.length > 1) {
    const wanted = new URLSearchParams(location.search).get('measure');
    const chosen = maps.find((m) => m.measure === wanted || m.id === wanted) ?? maps[0]!;
    const sel = h(
      'select',
      { class: 'govuk-select', id: 'pick-measure' },
      maps.map((m) => {
        const o = h('option', { value: m.id }, m.measure_label ?? m.title);
        o.selected = m === chosen;
        return o;
      }),
    );
    const show = (id: string): void => {
      const m = maps.find((x) => x.id === id) ?? maps[0]!;
      holder.replaceChildren(chartCard(m, model.definitions ?? [], { headingLevel: 'h2' }).el);
    };
    sel.addEventListener('change', () => {
      const m = maps.find((x) => x.id === sel.value)!;
      const q = new URLSearchParams(location.search);
      q.set('measure', m.measure ?? m.id);
      history.replaceState(null, '', `${location.pathname}?${q.toString()}`);
      show(sel.value);
    });
    root.append(
      h('div', { class: 'govuk-form-group met-no-print' }, h('label', { class: 'govuk-label govuk-label--s', for: 'pick-measure' }, 'Shade the map by'), sel),
    );
    show(chosen.id);
  } else if (maps[0]) {
    holder.append(chartCard(maps[0], model.definitions ?? [], { headingLevel: 'h2' }).el);
  }
  root.append(holder);
  const c = commentaryBlock(model);
  if (c) root.append(c);
  root.append(...chartsAndTables(model, ctx, { skipCharts: new Set(served.map((m) => m.id)) }));
  const d = definitionsPanel(model);
  if (d) root.append(d);
  root.append(legendBlock(model));
}

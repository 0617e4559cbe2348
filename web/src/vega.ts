// Vega-Lite charts through vega-embed with vega-interpreter: no `new Function`,
// so the pages run under a CSP without 'unsafe-eval'. Loaded once per page as a
// shared chunk (dynamic import from charts.ts).
import embed, { type VisualizationSpec } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';

/** Okabe–Ito: colour-blind-safe categories. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

const CONFIG = {
  font: FONT,
  background: null,
  range: { category: OKABE_ITO },
  mark: { color: '#0072B2' },
  axis: { labelFontSize: 12, titleFontSize: 12, labelColor: '#0b0c0c', titleColor: '#0b0c0c' },
  legend: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14 },
  view: { stroke: null },
};

function fitted(spec: Record<string, unknown>): Record<string, unknown> {
  const single = 'mark' in spec || 'layer' in spec;
  const out: Record<string, unknown> = { ...spec };
  if (single && out.width === undefined) {
    out.width = 'container';
    if (out.autosize === undefined) out.autosize = { type: 'fit-x', contains: 'padding' };
  }
  return out;
}

export async function renderVegaLite(el: HTMLElement, spec: Record<string, unknown>, opts: { fit?: boolean } = {}): Promise<() => void> {
  const s = opts.fit === false ? spec : fitted(spec);
  const result = await embed(el, s as VisualizationSpec, {
    ast: true,
    expr: expressionInterpreter,
    actions: false,
    // vega 6.3's build reports itself as 5.33.1, so vega-embed warns about every
    // vega-lite 6 spec; errors still reach the console.
    logLevel: 1,
    renderer: 'svg',
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
    config: CONFIG as never,
  });
  return () => result.finalize();
}

// The hex tile map of an area's localities, drawn with d3 as SVG hexagons from the
// page model's `hexes` (axial q, r; pointy-top). Shaded by the measure on a
// single-hue blue ramp; hotspots and gaps are outlined in black and lettered (H, G), so
// colour is never the only sign. Withheld values ('c') are hatched grey.
import { interpolateRgb, scaleSequential, select } from 'd3';
import type { Hex } from './types.js';
import { fmt, uid } from './dom.js';
import { flagOf } from './charts.js';
import { AREAS } from '../../model/areas.js';

const SIZE = 30;
const SQ3 = Math.sqrt(3);

function centre(q: number, r: number): [number, number] {
  return [SIZE * SQ3 * (q + r / 2), SIZE * 1.5 * r];
}

function hexPath(cx: number, cy: number, s: number): string {
  const pts: string[] = [];
  for (let i = 0; i < 6; i++) {
    const a = (Math.PI / 180) * (60 * i - 30);
    pts.push(`${(cx + s * Math.cos(a)).toFixed(2)},${(cy + s * Math.sin(a)).toFixed(2)}`);
  }
  return `M${pts.join('L')}Z`;
}

/** Where each area's small map goes when the four are shown together (west to east, then the rest). */
const AREA_ORDER: readonly string[] = AREAS;

function shortName(name: string): string {
  return name.length <= 9 ? name : `${name.slice(0, 8)}…`;
}

export function drawHexmap(el: HTMLElement, hexes: Hex[], opts: { title: string; description: string; measureLabel: string }): void {
  el.replaceChildren();
  if (!hexes.length) {
    el.textContent = 'No localities to show.';
    return;
  }
  // Each area is its own small map (lib/hexLayout.ts); with several areas they sit side by side.
  const areas = [...new Set(hexes.map((x) => x.area))].sort((a, b) => ((AREA_ORDER.indexOf(a) + 99) % 99) - ((AREA_ORDER.indexOf(b) + 99) % 99));
  const pad = SIZE + 2;
  const label = areas.length > 1 ? 26 : 0;
  const boxes = areas.map((area) => {
    const cs = hexes.filter((x) => x.area === area).map((x) => centre(x.q, x.r));
    const xs = cs.map((c) => c[0]);
    const ys = cs.map((c) => c[1]);
    return {
      area,
      x0: Math.min(...xs) - pad,
      y0: Math.min(...ys) - pad,
      w: Math.max(...xs) - Math.min(...xs) + 2 * pad,
      h: Math.max(...ys) - Math.min(...ys) + 2 * pad,
    };
  });
  const cols = areas.length > 1 ? 2 : 1;
  const cellW = Math.max(...boxes.map((b) => b.w)) + (cols > 1 ? 20 : 0);
  const rows = Math.ceil(areas.length / cols);
  const rowH = Array.from({ length: rows }, (_, r) => Math.max(...boxes.filter((_, i) => Math.floor(i / cols) === r).map((b) => b.h)) + label);
  const offset = new Map(
    boxes.map((b, i) => {
      const col = i % cols;
      const row = Math.floor(i / cols);
      const top = rowH.slice(0, row).reduce((a, v) => a + v, 0);
      return [b.area, { dx: col * cellW + (cellW - b.w) / 2 - b.x0, dy: top + label - b.y0, labelX: col * cellW + cellW / 2, labelY: top + 18 }];
    }),
  );
  const width = cellW * cols;
  const height = rowH.reduce((a, v) => a + v, 0);
  const nums = hexes.map((x) => x.value).filter((v): v is number => typeof v === 'number');
  const lo = nums.length ? Math.min(...nums) : 0;
  const hi = nums.length ? Math.max(...nums) : 1;
  const colour = scaleSequential(interpolateRgb('#e6f1f8', '#0b4f7c')).domain([lo, hi === lo ? lo + 1 : hi]);
  const titleId = uid('hexmap-title');
  const descId = uid('hexmap-desc');
  const grey = uid('withheld');
  const at = (d: Hex): [number, number] => {
    const [x, y] = centre(d.q, d.r);
    const o = offset.get(d.area)!;
    return [x + o.dx, y + o.dy];
  };

  const svg = select(el)
    .append('svg')
    .attr('class', 'met-hexmap')
    .attr('viewBox', `0 0 ${width.toFixed(1)} ${height.toFixed(1)}`)
    .attr('role', 'img')
    .attr('aria-labelledby', `${titleId} ${descId}`);
  svg.append('title').attr('id', titleId).text(opts.title);
  svg.append('desc').attr('id', descId).text(opts.description);
  const defs = svg.append('defs');
  const p2 = defs
    .append('pattern')
    .attr('id', grey)
    .attr('patternUnits', 'userSpaceOnUse')
    .attr('width', 6)
    .attr('height', 6)
    .attr('patternTransform', 'rotate(-45)');
  p2.append('rect').attr('width', 6).attr('height', 6).attr('fill', '#f3f2f1');
  p2.append('rect').attr('width', 1.5).attr('height', 6).attr('fill', '#505a5f');

  if (areas.length > 1) {
    svg
      .selectAll('text.met-hexmap__area')
      .data(areas)
      .join('text')
      .attr('class', 'met-hexmap__area')
      .attr('x', (a) => offset.get(a)!.labelX)
      .attr('y', (a) => offset.get(a)!.labelY)
      .attr('text-anchor', 'middle')
      .text((a) => a);
  }

  const g = svg
    .selectAll('g.met-hex')
    .data(hexes)
    .join('g')
    .attr('class', (d) => `met-hex${flagOf(d) ? ` met-hex--${flagOf(d)}` : ''}`)
    .attr('data-locality', (d) => d.locality);
  g.append('title').text(
    (d) =>
      `${d.locality} (${d.area}): ${d.display ?? fmt(d.value)} – ${opts.measureLabel}${flagOf(d) ? ` – ${flagOf(d)}` : d.gap === 'c' ? ' – service gap: c (withheld)' : ''}`,
  );
  g.append('path')
    .attr('class', 'met-hex__shape')
    .attr('d', (d) => hexPath(...at(d), SIZE - 1))
    .attr('fill', (d) => (typeof d.value === 'number' ? colour(d.value) : `url(#${grey})`))
    .attr('stroke', '#fff')
    .attr('stroke-width', 1.5);
  // A hotspot or gap: a thick black outline inside the tile, and a letter after its value.
  g.filter((d) => flagOf(d) !== null)
    .append('path')
    .attr('class', 'met-hex__flag')
    .attr('d', (d) => hexPath(...at(d), SIZE - 4))
    .attr('fill', 'none')
    .attr('stroke', '#0b0c0c')
    .attr('stroke-width', 4);
  const dark = (d: Hex): boolean => typeof d.value === 'number' && (d.value - lo) / (hi - lo || 1) > 0.5;
  g.append('text')
    .attr('class', 'met-hex__name')
    .attr('x', (d) => at(d)[0])
    .attr('y', (d) => at(d)[1] - 5)
    .attr('text-anchor', 'middle')
    .attr('fill', (d) => (dark(d) ? '#fff' : '#0b0c0c'))
    .text((d) => shortName(d.locality));
  g.append('text')
    .attr('class', 'met-hex__value')
    .attr('x', (d) => at(d)[0])
    .attr('y', (d) => at(d)[1] + 10)
    .attr('text-anchor', 'middle')
    .attr('fill', (d) => (dark(d) ? '#fff' : '#0b0c0c'))
    .text((d) => `${d.display ?? fmt(d.value)}${d.hotspot ? ' H' : d.gap === true ? ' G' : ''}`);
}

/** The key under a map: the ramp's ends and what the outline means. */
export function hexLegend(hexes: Hex[], measureLabel: string, flag: 'hotspot' | 'gap'): HTMLElement {
  const nums = hexes.map((h) => h.value).filter((v): v is number => typeof v === 'number');
  const wrap = document.createElement('div');
  wrap.className = 'met-hexmap__legend govuk-body-s';
  const ramp = document.createElement('p');
  ramp.className = 'govuk-body-s';
  const sw = document.createElement('span');
  sw.className = 'met-ramp';
  sw.setAttribute('aria-hidden', 'true');
  ramp.append(
    `Shading: ${measureLabel}, from ${nums.length ? fmt(Math.min(...nums)) : '–'} (lightest) `,
    sw,
    ` to ${nums.length ? fmt(Math.max(...nums)) : '–'} (darkest).`,
  );
  const mark = document.createElement('p');
  mark.className = 'govuk-body-s';
  const box = document.createElement('span');
  box.className = 'met-swatch met-swatch--flag';
  box.setAttribute('aria-hidden', 'true');
  mark.append(box, flag === 'hotspot' ? ' Thick black outline and the letter H: a hotspot.' : ' Thick black outline and the letter G: a service gap.');
  const c = document.createElement('p');
  c.className = 'govuk-body-s';
  const cs = document.createElement('span');
  cs.className = 'met-swatch met-swatch--withheld';
  cs.setAttribute('aria-hidden', 'true');
  c.append(cs, ' Grey hatching and c: withheld to protect confidentiality.');
  wrap.append(ramp, mark, c);
  return wrap;
}

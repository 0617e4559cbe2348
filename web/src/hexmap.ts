// The hex tile map of an area's localities, drawn with d3 as SVG hexagons from the
// page model's `hexes` (axial q, r; pointy-top). Shaded by the measure on a
// single-hue blue ramp; hotspots and gaps are outlined in black and lettered (H, G), so
// colour is never the only sign. Withheld values ('c') are hatched grey. Counts are
// shaded on each area's own scale (a county's districts would otherwise make every city
// ward look pale); rates and percentages, comparable across areas, on one scale. Every
// locality's name is written in full, over as many lines as it needs.
import { interpolateRgb, scaleSequential, select } from 'd3';
import type { Hex } from './types.js';
import { fmt, uid } from './dom.js';
import { flagOf } from './charts.js';
import { AREAS } from '../../model/areas.js';

const SIZE = 34;
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

/** The longest line of a name, in characters, that fits across a tile at the name's font size. */
const LINE_CHARS = 11;
/** The width a name's line may take inside a tile (its flat-to-flat width less a margin). */
const LINE_WIDTH = SIZE * SQ3 - 8;

/** A locality's full name in lines of at most LINE_CHARS characters, broken between words (a longer word is a line of its own). */
export function nameLines(name: string, max = LINE_CHARS): string[] {
  const lines: string[] = [];
  for (const word of name.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** Rates and percentages compare across areas: one scale. Anything else (counts) is shaded on each area's own scale. */
export function sharedScale(measureLabel: string): boolean {
  return /per 10,000|%|percent|\brate\b/i.test(measureLabel);
}

/** The lightest and darkest figure of each scale: per area, or one for every area ('*'). */
export function scaleRanges(hexes: Hex[], measureLabel: string): Map<string, { lo: number; hi: number }> {
  const keyOf = (x: Hex) => (sharedScale(measureLabel) ? '*' : x.area);
  const out = new Map<string, { lo: number; hi: number }>();
  for (const x of hexes) {
    if (typeof x.value !== 'number') continue;
    const k = keyOf(x);
    const r = out.get(k);
    out.set(k, r ? { lo: Math.min(r.lo, x.value), hi: Math.max(r.hi, x.value) } : { lo: x.value, hi: x.value });
  }
  return out;
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
  const ranges = scaleRanges(hexes, opts.measureLabel);
  const rangeOf = (d: Hex) => ranges.get(sharedScale(opts.measureLabel) ? '*' : d.area) ?? { lo: 0, hi: 1 };
  const ramp = scaleSequential(interpolateRgb('#e6f1f8', '#0b4f7c')).domain([0, 1]);
  /** A figure's shade on its scale: an area whose figures are all equal is shaded at the scale's middle. */
  const colour = (d: Hex, v: number): string => {
    const { lo, hi } = rangeOf(d);
    return ramp(hi === lo ? 0.5 : (v - lo) / (hi - lo));
  };
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
    .attr('data-locality', (d) => d.locality)
    .attr('data-area', (d) => d.area);
  g.append('title').text(
    (d) =>
      `${d.locality} (${d.area}): ${d.display ?? fmt(d.value)} – ${opts.measureLabel}${flagOf(d) ? ` – ${flagOf(d)}` : d.gap === 'c' ? ' – service gap: c (withheld)' : d.hotspot === 'c' ? ' – hotspot: c (withheld)' : ''}`,
  );
  g.append('path')
    .attr('class', 'met-hex__shape')
    .attr('d', (d) => hexPath(...at(d), SIZE - 1))
    .attr('fill', (d) => (typeof d.value === 'number' ? colour(d, d.value) : `url(#${grey})`))
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
  const dark = (d: Hex): boolean => {
    if (typeof d.value !== 'number') return false;
    const { lo, hi } = rangeOf(d);
    return (hi === lo ? 0.5 : (d.value - lo) / (hi - lo)) > 0.5;
  };
  // The full name, one tspan a line; a line wider than the tile is squeezed to fit, never cut.
  const names = g
    .append('text')
    .attr('class', 'met-hex__name')
    .attr('data-name', (d) => d.locality)
    .attr('text-anchor', 'middle')
    .attr('fill', (d) => (dark(d) ? '#fff' : '#0b0c0c'));
  names.each(function (d) {
    const lines = nameLines(d.locality);
    const [x, y] = at(d);
    const top = y - 6 - (lines.length - 1) * 9;
    const text = select(this);
    lines.forEach((line, i) => {
      const t = text
        .append('tspan')
        .attr('x', x)
        .attr('y', top + i * 9)
        .text(line);
      // About 0.52 em a character at the name's 8.5px: squeezed only where that would overflow.
      if (line.length * 8.5 * 0.52 > LINE_WIDTH) t.attr('textLength', LINE_WIDTH.toFixed(1)).attr('lengthAdjust', 'spacingAndGlyphs');
    });
  });
  g.append('text')
    .attr('class', 'met-hex__value')
    .attr('x', (d) => at(d)[0])
    .attr('y', (d) => at(d)[1] + 13)
    .attr('text-anchor', 'middle')
    .attr('fill', (d) => (dark(d) ? '#fff' : '#0b0c0c'))
    .text((d) => `${d.display ?? fmt(d.value)}${d.hotspot === true ? ' H' : d.gap === true ? ' G' : ''}`);
}

/** The key under a map: the ramp's ends and what the outline means. */
export function hexLegend(hexes: Hex[], measureLabel: string, flag: 'hotspot' | 'gap'): HTMLElement {
  const ranges = scaleRanges(hexes, measureLabel);
  const areas = [...new Set(hexes.map((x) => x.area))];
  const wrap = document.createElement('div');
  wrap.className = 'met-hexmap__legend govuk-body-s';
  const ramp = document.createElement('p');
  ramp.className = 'govuk-body-s';
  const sw = document.createElement('span');
  sw.className = 'met-ramp';
  sw.setAttribute('aria-hidden', 'true');
  const ends = (r: { lo: number; hi: number } | undefined) => (r ? `from ${fmt(r.lo)} to ${fmt(r.hi)}` : 'no figure shown');
  if (sharedScale(measureLabel) || areas.length < 2) {
    const r = ranges.get(sharedScale(measureLabel) ? '*' : (areas[0] ?? ''));
    ramp.append(`Shading: ${measureLabel}, from ${r ? fmt(r.lo) : '–'} (lightest) `, sw, ` to ${r ? fmt(r.hi) : '–'} (darkest).`);
  } else {
    // Each area on its own scale: its lightest and darkest figures, said for each.
    ramp.setAttribute('data-scales', String(areas.length));
    ramp.append(
      `Shading: ${measureLabel}, each area on its own scale, lightest `,
      sw,
      ` darkest: ${areas.map((a) => `${a} ${ends(ranges.get(a))}`).join('; ')}.`,
    );
  }
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

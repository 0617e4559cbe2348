// A tiny element builder: text always goes in as text, never as HTML.
import { formatCell } from '../../model/format.js';

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | number | null | undefined | false;
type Children = Child | Children[];

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Children[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Children[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c);
    else if (c === null || c === undefined || c === false) continue;
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

let seq = 0;
/** A page-unique id from a hint. */
export function uid(hint: string): string {
  seq += 1;
  return `${hint.replace(/[^A-Za-z0-9_-]/g, '-')}-${seq}`;
}

/** Numbers as the UK writes them, by their kind where known ("69.6%", "−3": model/format.ts); 'c' stays 'c'; null is a dash. */
export function fmt(v: unknown, kind?: string): string {
  return formatCell(v, kind);
}

/** A label inside a sentence: "Missing episodes" → "missing episodes", "CPI submissions" stays. */
export function inSentence(label: string): string {
  return /^[A-Z0-9]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

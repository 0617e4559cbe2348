// The layers of docs/architecture.md, checked on the import statements of every
// source file: what each folder may import, and no import cycle anywhere.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** Folder → the project folders its files may import (besides their own). */
const ALLOWED: Record<string, string[]> = {
  model: [],
  lib: ['model'],
  sql: [],
  etl: ['model', 'lib'],
  state: ['model'],
  server: ['model', 'lib', 'etl', 'state'],
  cli: ['model', 'lib', 'etl', 'server', 'state'],
  web: ['model'],
};

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'public') continue;
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Project-relative paths a file imports (type-only imports included: they are dependencies too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf-8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
    const target = resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'));
    out.push(relative(ROOT, target));
  }
  return out;
}

const SOURCES = Object.keys(ALLOWED)
  .filter((d) => d !== 'sql')
  .flatMap((d) => files(join(ROOT, d)));
const layerOf = (rel: string) => rel.split('/')[0]!;

describe('architecture', () => {
  it('each layer imports only the layers below it', () => {
    const wrong: string[] = [];
    for (const f of SOURCES) {
      const from = relative(ROOT, f);
      const layer = layerOf(from);
      // The synthetic-data generator is a tool beside the loader: it may use the model only.
      const allowed = from.startsWith('etl/generate/') ? ['model'] : ALLOWED[layer]!;
      for (const to of importsOf(f)) {
        const target = layerOf(to);
        if (target !== layer && !allowed.includes(target)) wrong.push(`${from} imports ${to}`);
        if (layer === 'etl' && !from.startsWith('etl/generate/') && to.startsWith('etl/generate/')) wrong.push(`${from} imports the generator (${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycle', () => {
    const graph = new Map(SOURCES.map((f) => [relative(ROOT, f), importsOf(f)]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, path: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'open');
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});

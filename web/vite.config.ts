// The static front end, built into dist/web, which `met serve` serves.
// One HTML entry per page; vite emits external module scripts only (no inline
// script), so the pages run under a Content-Security-Policy without
// 'unsafe-inline' or 'unsafe-eval' in script-src.
import { defineConfig, type Plugin } from 'vite';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname);

export const PAGES = ['index', 'missing', 'risk', 'places', 'groups', 'gaps', 'areas', 'actions', 'data'] as const;

/** A system font stack in place of GDS Transport, which is for GOV.UK only. */
const FONT = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif';

/** Drops old-IE `@media screen\0` blocks, which lightningcss rightly refuses. */
function withoutIeHacks(css: string): string {
  let out = css;
  const hack = /@media[^{]*\\0[^{]*\{/;
  for (;;) {
    const m = hack.exec(out);
    if (!m) return out;
    let i = m.index + m[0].length - 1;
    let depth = 0;
    for (; i < out.length; i++) {
      if (out[i] === '{') depth++;
      else if (out[i] === '}' && --depth === 0) break;
    }
    out = out.slice(0, m.index) + out.slice(i + 1);
  }
}

/**
 * govuk-frontend's compiled CSS, made ours: no GDS Transport (its @font-face
 * rules go, the font stacks become the system stack) and no crown or crest image.
 */
function govukWithoutBrand(): Plugin {
  return {
    name: 'met-govuk-without-brand',
    enforce: 'pre',
    transform(code, id) {
      if (!/govuk-frontend(\.min)?\.css(\?|$)/.test(id)) return null;
      const out = withoutIeHacks(code)
        .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '')
        .replace(/@font-face\{[^}]*\}/g, '')
        .replace(/font-family:GDS Transport,arial,sans-serif/g, `font-family:${FONT}`)
        .replace(/font-family:GDS Transport/g, `font-family:${FONT}`)
        .replace(/url\(\/assets\/images\/[^)]*\)/g, 'none');
      return { code: out, map: null };
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [govukWithoutBrand()],
  build: {
    outDir: resolve(root, '../dist/web'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: Object.fromEntries(PAGES.map((p) => [p, resolve(root, `${p}.html`)])),
    },
  },
});

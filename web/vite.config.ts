// The static front end, built into dist/web, which `met serve` serves.
// One HTML entry per page; vite emits external module scripts only (no inline
// script), so the pages run under a Content-Security-Policy without
// 'unsafe-inline' or 'unsafe-eval' in script-src.
import { defineConfig, type Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PAGE_DECLS as PAGES } from '../model/pages';

const root = resolve(import.meta.dirname);

/**
 * Every page shares one shell (page.html): this plugin serves each page's HTML from
 * it, so the header, navigation and footer are written once.
 */
function pagesFromShell(): Plugin {
  const shell = () => readFileSync(resolve(root, 'page.html'), 'utf-8');
  const render = (page: (typeof PAGES)[number]) => shell().replaceAll('%TITLE%', page.title).replaceAll('%SCRIPT%', page.id).replaceAll('%PAGE%', page.id);
  const byPath = new Map(PAGES.map((p) => [resolve(root, `${p.file}.html`), p]));
  return {
    name: 'met-pages-from-shell',
    enforce: 'pre',
    // The development server (npx vite --config web/vite.config.ts) serves the pages the same way.
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '/').split('?')[0]!;
        const file = path === '/' ? 'index' : path.replace(/^\//, '').replace(/\.html$/, '');
        const page = PAGES.find((p) => p.file === file);
        if (!page) return next();
        server
          .transformIndexHtml(path, render(page))
          .then((html) => {
            res.setHeader('Content-Type', 'text/html; charset=utf-8');
            res.end(html);
          })
          .catch(next);
      });
    },
    resolveId(id) {
      const path = resolve(root, id.replace(/^\//, ''));
      return byPath.has(id) ? id : byPath.has(path) ? path : null;
    },
    load(id) {
      const page = byPath.get(id);
      if (!page) return null;
      return render(page);
    },
  };
}

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
  plugins: [pagesFromShell(), govukWithoutBrand()],
  build: {
    outDir: resolve(root, '../dist/web'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // Every declared page, and the sign-in page (its own HTML: it is not a page of figures).
      input: { ...Object.fromEntries(PAGES.map((p) => [p.file, resolve(root, `${p.file}.html`)])), 'sign-in': resolve(root, 'sign-in.html') },
    },
  },
});

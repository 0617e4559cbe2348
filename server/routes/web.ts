// The web front end: one built HTML file per page, with its hashed assets. Looked up
// on every request, so a rebuild while the server runs is served without a restart.
// Then the 404 page for any other path.

import express, { Router } from 'express';

const NOT_BUILT =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The MET dataset</title></head><body><h1>The MET dataset</h1><p>The web front end has not been built: run <code>npm run build</code>. The API is at <a href="/api/meta">/api/meta</a>.</p></body></html>';

const NOT_FOUND =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Page not found – the MET dataset</title></head><body><h1>Page not found</h1><p><a href="/">Go to the overview</a>.</p></body></html>';

export function webRoutes(webDir: string): Router {
  const router = Router();
  router.use(
    express.static(webDir, {
      index: 'index.html',
      // /missing serves missing.html: one HTML file per page of the front end.
      extensions: ['html'],
      maxAge: '1h',
      // The built assets have hashed names (a new build, new names): kept a year, never
      // revalidated. The HTML files do not, so they are always revalidated. Both are sent
      // gzipped to a client that accepts it (compression() in server/app.ts).
      setHeaders: (res, path) => {
        if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
        else if (/[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8}\.(js|css)$/.test(path)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  // Only reached when the front end has not been built (or is being rebuilt).
  router.get('/', (_req, res) => {
    res.type('html').send(NOT_BUILT);
  });
  router.use((_req, res) => {
    res.status(404).type('html').send(NOT_FOUND);
  });
  return router;
}

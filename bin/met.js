#!/usr/bin/env node
// The `met` command. Node 20 cannot run TypeScript, so this runs the compiled
// JavaScript that `npm ci` builds (the package's `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/met.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('met: the compiled program is missing; run `npm ci` (or `npm run build`) first.');
  process.exit(2);
}
await import(entry.href);

// `npm start`: the product on its built-in demo data. The first start generates the
// synthetic extracts and loads them; later starts reuse what exists. Then the
// dashboard is served on port 8080 (PORT to change) as the analyst, until Ctrl-C.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { messages } from '../lib/messages.js';
import { runGenerate, runLoad } from './commands.js';
import { runServe } from './serve.js';

export const DEMO_SEED = 2026;

export async function runDemo(dir: string, opts: { serve?: boolean } = {}): Promise<number> {
  const code = await prepareDemo(dir);
  if (code !== 0 || opts.serve === false) return code;
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number from 0 to 65535, not '${process.env.PORT}'`);
    return 2;
  }
  return runServe({ db: join(resolve(dir), 'met.duckdb'), port, role: 'analyst', host: '127.0.0.1' });
}

/** Generates and loads the demo warehouse, once. */
export async function prepareDemo(dir: string): Promise<number> {
  const root = resolve(dir);
  const extracts = join(root, 'extracts');
  const db = join(root, 'met.duckdb');
  if (existsSync(db)) {
    console.error(messages.demoReusing(db));
    return 0;
  }
  if (!existsSync(join(extracts, 'missing_episodes.csv'))) {
    console.error(messages.demoGenerating(extracts));
    const code = await runGenerate({ out: extracts, seed: DEMO_SEED, scale: 1 });
    if (code !== 0) return code;
  }
  console.error(messages.demoLoading(db));
  const loaded = await runLoad({ inDir: extracts, db, json: false });
  if (loaded !== 0) return loaded;
  // The SSDA903 return is the Isle of Wight's social care source, loaded with its area.
  const ssda = join(extracts, 'ssda903-isle-of-wight');
  if (existsSync(ssda)) return runLoad({ inDir: ssda, db, area: 'Isle of Wight', json: false });
  return 0;
}

// `npm start`: the product on its built-in demo data. The first start generates the
// synthetic extracts and loads them; later starts reuse what exists.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { messages } from '../lib/messages.js';
import { runGenerate, runLoad } from './commands.js';

export const DEMO_SEED = 2026;

export async function runDemo(dir: string): Promise<number> {
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

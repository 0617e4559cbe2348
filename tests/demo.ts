// The demo warehouse as `npm start` makes it (seed 2026, scale 1), built once per test
// run (tests/shared.ts) for the tests that check the acceptance points on it, with its latest complete
// quarter and financial year (the extracts run to 30 September 2026: 2026-Q3, FY2025-26);
// and the small demo (seed 2026, scale 0.2) that the browser tests and the page tests read.

import { join } from 'node:path';
import { DEMO_SEED } from '../cli/demo.js';
import { generate } from '../etl/generate/generate.js';
import { load } from '../etl/load.js';
import { withDb } from '../lib/db.js';
import { dataReach } from '../lib/measures.js';
import { type Period, periodContaining, previousPeriod } from '../lib/periods.js';
import { shared } from './shared.js';

export interface DemoWarehouse {
  db: string;
  /** The latest quarter that ends on or before the latest episode in the extracts. */
  quarter: string;
  /** The latest financial year that does. */
  year: string;
}

/** The demo warehouse, built once per test run and shared by the files that read it (tests/shared.ts): never write to it. */
export function demoWarehouse(): Promise<DemoWarehouse> {
  return shared('demo', buildDemo);
}

async function buildDemo(dir: string): Promise<DemoWarehouse> {
  const extracts = join(dir, 'extracts');
  const db = join(dir, 'met.duckdb');
  await generate({ out: extracts, seed: DEMO_SEED, scale: 1 });
  const { report } = await load({ inDir: extracts, db });
  if (report.status !== 'loaded') throw new Error(`the demo warehouse did not load: ${report.status}`);
  const reach = await withDb(db, { readOnly: true }, (d) => dataReach(d));
  const latest = reach.latestEvent!;
  const complete = (p: Period) => (p.last > latest ? previousPeriod(p) : p);
  return { db, quarter: complete(periodContaining('quarter', latest)).id, year: complete(periodContaining('fy', latest)).id };
}

export interface SmallDemo {
  db: string;
  extracts: string;
}

/**
 * The small demo warehouse (seed 2026, scale 0.2), built once per test run and shared by
 * the browser tests and the tests of the pages' figures: read it, never refresh it (a
 * test that refreshes copies it first).
 */
export function smallDemoWarehouse(): Promise<SmallDemo> {
  return shared('web', async (dir) => {
    const extracts = join(dir, 'extracts');
    const db = join(dir, 'met.duckdb');
    await generate({ out: extracts, seed: DEMO_SEED, scale: 0.2 });
    const { report } = await load({ inDir: extracts, db });
    if (report.status !== 'loaded') throw new Error(`the small demo warehouse did not load: ${report.status}`);
    return { db, extracts };
  });
}

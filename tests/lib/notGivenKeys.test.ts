// Published rule: the parts of a withheld count are "not given" (null), and a part with
// no events is not given too, in any breakdown with a part not given. A breakdown used to list only the keys its cells hold (a
// key with no events has no cell), so that where a count of 1–7 was withheld, the keys
// listed were exactly its parts above 0: a reader learned that each was at least 1 (six
// location types listed under a `c` of 1–7 leave each 1 or 2). Now every key the
// breakdown may list is listed (lib/read.ts BreakdownKeys; lib/shown.ts listNotGiven).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../lib/db.js';
import { readMeasures } from '../../lib/measures.js';
import { MEASURES } from '../../lib/catalogue.js';
import { AREAS_AND_ALL } from '../../model/areas.js';
import { AGE_SCOPES } from '../../model/ages.js';
import type { MeasuresResponse } from '../../model/api.js';
import { demoWarehouse } from '../demo.js';

let db: Db;
let year: string;

beforeAll(async () => {
  const demo = await demoWarehouse();
  db = await openDb(demo.db, { readOnly: true });
  year = demo.year;
});

afterAll(() => db?.close());

const COUNTS = MEASURES.filter((m) => m.kind === 'count').map((m) => m.id);

/** The quarters of a financial year, FY2025-26 → 2025-Q2 … 2026-Q1, and the year. */
function periodsOf(fy: string): string[] {
  const y = Number(fy.slice(2, 6));
  return [`${y}-Q2`, `${y}-Q3`, `${y}-Q4`, `${y + 1}-Q1`, fy];
}

/** Every key of each breakdown in the warehouse's quarters and years, read straight from measure_cells. */
async function keysInWarehouse(): Promise<Map<string, Set<string>>> {
  const rows = await db.all<{ measure: string; area: string; breakdown: string; key: string }>(
    `SELECT DISTINCT c.measure, c.area, c.breakdown, c.key FROM measure_cells c JOIN periods p USING (period_id)
     WHERE p.kind IN ('quarter', 'fy') AND c.breakdown <> ''`,
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    for (const a of r.breakdown === 'locality' ? [r.area, 'all'] : ['*']) {
      const id = `${r.measure}|${r.breakdown}|${a}`;
      out.set(id, (out.get(id) ?? new Set()).add(r.key));
    }
  }
  return out;
}

describe('published rule: a part not given may be 0', () => {
  it('lists every key of a breakdown whose parts are not given, zeros among them, in every answer of a year', async () => {
    const keys = await keysInWarehouse();
    let notGivenBreakdowns = 0;
    let zerosNotGiven = 0;
    const wrong: string[] = [];
    for (const period of periodsOf(year))
      for (const scope of AGE_SCOPES)
        for (const area of AREAS_AND_ALL) {
          const ask = { period, area, scope, ids: COUNTS, trend: 0 };
          const pub: MeasuresResponse = await readMeasures(db, { ...ask, role: 'public' });
          const exact: MeasuresResponse = await readMeasures(db, { ...ask, role: 'analyst' });
          for (const [id, m] of Object.entries(pub.measures)) {
            for (const [b, cells] of Object.entries(m.by ?? {})) {
              if (!Object.values(cells).some((v) => v === null)) continue;
              notGivenBreakdowns++;
              const all = keys.get(`${id}|${b}|${b === 'locality' ? area : '*'}`) ?? new Set<string>();
              const listed = Object.keys(cells);
              if (listed.length !== all.size || !listed.every((k) => all.has(k)))
                wrong.push(`${period} ${area} ${scope} ${id} by ${b}: ${listed.length} keys listed of ${all.size}`);
              // A key with no events is listed, not given, like the parts above 0 (a breakdown may also
              // show some parts: those not part of a count withheld elsewhere, in another scope or period).
              // (A 0 the warehouse holds as a cell, as the services' grid does, is a figure like any other.)
              for (const k of listed) {
                if (exact.measures[id]?.by?.[b]?.[k] !== undefined) continue;
                if (cells[k] !== null)
                  wrong.push(`${period} ${area} ${scope} ${id} by ${b} ${k}: no events, shown as ${String(cells[k])} beside parts not given`);
                zerosNotGiven++;
              }
            }
          }
        }
    expect(wrong).toEqual([]);
    // The demo's year has both: breakdowns not given, and zeros among their parts (which
    // the old listing left out, so that this test failed on it).
    expect(notGivenBreakdowns).toBeGreaterThan(50);
    expect(zerosNotGiven).toBeGreaterThan(50);
  });

  it('the Isle of Wight’s CPI submissions of 2026-Q2 (6, one at each of six location types): all 11 location types not given', async () => {
    const ask = { period: '2026-Q2', area: 'Isle of Wight', scope: '0-17', ids: ['cpi_submissions'], trend: 0 };
    const exact = (await readMeasures(db, { ...ask, role: 'analyst' })).measures.cpi_submissions!;
    expect(exact.value).toBe(6);
    expect(exact.by?.location_type).toEqual({ hotel: 1, other: 1, park: 1, shop: 1, takeaway: 1, transport_hub: 1 });
    const pub = (await readMeasures(db, { ...ask, role: 'public' })).measures.cpi_submissions!;
    expect(pub.value).toBe('c');
    expect(pub.by?.location_type).toEqual(
      Object.fromEntries(
        ['hotel', 'not recorded', 'online', 'other', 'park', 'private_address', 'school', 'shop', 'takeaway', 'taxi', 'transport_hub'].map((k) => [k, null]),
      ),
    );
  });
});

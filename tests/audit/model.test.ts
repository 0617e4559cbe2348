// Every count declares how it adds up over time (model/measures.ts overTime): the audit's
// identities across periods are read from it, never written into the attacker.

import { describe, expect, it } from 'vitest';
import { MEASURES } from '../../lib/catalogue.js';

describe('overTime', () => {
  it('every count measure declares it; every table-like measure with counts, per count field', () => {
    const missing = MEASURES.filter((m) => m.kind === 'count' && typeof m.overTime !== 'string').map((m) => m.id);
    expect(missing).toEqual([]);
    // hotspots: events (sum); group profile: distinct children; service gaps: each field its own.
    expect(MEASURES.find((m) => m.id === 'hotspots')!.overTime).toEqual({ found: 'sum', cpi: 'sum', disruptions: 'sum', total: 'sum' });
    expect(MEASURES.find((m) => m.id === 'missing_children')!.overTime).toBe('distinct');
    expect(MEASURES.find((m) => m.id === 'children_at_risk')!.overTime).toBe('point');
  });
});

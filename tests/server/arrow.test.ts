// The Arrow answer says of each figure what the JSON says: shown, withheld (c), not given
// (published rule: a part of a withheld count, which may be 0) or no figure.

import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { measuresToArrow } from '../../server/arrow.js';
import type { MeasuresResponse } from '../../lib/measures.js';

const published = {
  disclosure: { rule: 'published' },
  measures: {
    cpi_submissions: { value: 'c', by: { location_type: { hotel: null, park: null } } },
    missing_episodes: { value: 15, by: { classification: { missing: 10, absent: 0 } } },
    rhi_completed_72h_pct: { value: null },
  },
} as unknown as MeasuresResponse;

describe('measuresToArrow', () => {
  it('flags withheld and not given figures as suppressed, each with its status', () => {
    const rows = tableFromIPC(measuresToArrow(published))
      .toArray()
      .map((r) => r.toJSON());
    expect(rows.map((r) => [r.measure, r.breakdown, r.key, r.value, r.suppressed, r.status])).toEqual([
      ['cpi_submissions', '', '', null, true, 'withheld'],
      ['cpi_submissions', 'location_type', 'hotel', null, true, 'not given'],
      ['cpi_submissions', 'location_type', 'park', null, true, 'not given'],
      ['missing_episodes', '', '', 15, false, 'shown'],
      ['missing_episodes', 'classification', 'missing', 10, false, 'shown'],
      ['missing_episodes', 'classification', 'absent', 0, false, 'shown'],
      // A percentage of nothing: no figure, not a suppressed one.
      ['rhi_completed_72h_pct', '', '', null, false, 'no figure'],
    ]);
  });
});

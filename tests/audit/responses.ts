// Test helpers: measures answers (as the API gives them) made from shown figures, so
// that the attacker reads exactly what a partner or the public would.

import type { MeasuresResponse, MeasureOut, Shown } from '../../model/api.js';
import type { AreaOrAll } from '../../model/areas.js';
import { buildParameters } from '../../model/parameters.js';
import { disclosureInfo, ruleFor } from '../../lib/disclosure.js';

/** A measures answer for one period, area and scope holding the given measures' shown figures. */
export function answer(
  period: string,
  area: AreaOrAll,
  measures: Record<string, { value?: Shown; by?: Record<string, Record<string, Shown>>; rows?: Record<string, unknown>[]; trend?: MeasureOut['trend'] }>,
  scope: '0-17' | '18-24' | '0-24' = '0-17',
): MeasuresResponse {
  return {
    period,
    period_label: period,
    area,
    role: 'board',
    parameters: {
      ...buildParameters(),
      age_scope: scope,
      suppression_threshold: 5,
      rhi_national: { pct: 63, year: '2023-24' },
      trend_periods: 0,
    },
    measures: measures as Record<string, MeasureOut>,
    commentary: {},
    warnings: [],
    complete: true,
    disclosure: disclosureInfo(ruleFor('board')),
  };
}

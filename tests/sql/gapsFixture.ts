// The service gaps' hand-made fixture (worked figures: tests/sql/identification.test.ts,
// "service_gaps: a gap beyond chance"), shared with the browser test tests/web/gaps.test.ts.
//   2025-Q1, population 2024, every child aged 14, one episode each, returned the same day;
//   Southampton: Bargate 1,000 — 20 children, 2 of 20 interviewed within 72 h (a gap);
//                Portswood 9,000 — 10 children, 10 of 10; Shirley 100 — 3 children, 1 of 3.
//   Portsmouth:  Fratton 1,000 — 20 children, 1 of 20. Hampshire, Isle of Wight: no events.
//   Z: a SERAF assessment in Bargate (5 January), then one in Fratton (5 February).
import { episode, episodes } from '../helpers.js';
import { csv, interview, RHI_HEADER, RISK_HEADER, risk } from './fixture.js';

const GAP_POPULATION = [
  'year,area,locality,sex,age,population',
  '2024,Southampton,Bargate,F,14,1000',
  '2024,Southampton,Portswood,F,14,9000',
  '2024,Southampton,Shirley,F,14,100',
  '2024,Portsmouth,Fratton,F,14,1000',
  '2024,Hampshire,Eastleigh,F,14,4000',
  '2024,Isle of Wight,Ryde,F,14,1000',
].join('\n');

const day = (month: number, d: number) => `2025-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** n children of one locality, one episode each; the first `done` interviewed within 72 h. */
const group = (prefix: string, child: string, n: number, done: number, month: number, over: Record<string, string>) =>
  Array.from({ length: n }, (_, i) => ({
    ep: episode({
      episode_id: `${prefix}${i + 1}`,
      child_ref: `${child}${i + 1}`,
      reported_at: `${day(month, i + 1)} 10:00`,
      returned_at: `${day(month, i + 1)} 14:00`,
      found_locality: '',
      ...over,
    }),
    rhi:
      i < done
        ? interview({
            rhi_id: `R${prefix}${i + 1}`,
            episode_id: `${prefix}${i + 1}`,
            child_ref: `${child}${i + 1}`,
            offered_at: `${day(month, i + 1)} 15:00`,
            completed_at: `${day(month, i + 1)} 16:00`,
            outcome: 'completed',
          })
        : null,
  }));

/** The extract files of the fixture. */
export function gapsFiles(): Record<string, string> {
  const all = [
    ...group('BG', 'G', 20, 2, 1, { locality: 'Bargate' }),
    ...group('PW', 'P', 10, 10, 2, { locality: 'Portswood' }),
    ...group('SH', 'S', 3, 1, 3, { locality: 'Shirley' }),
    ...group('FR', 'F', 20, 1, 1, { area: 'Portsmouth', locality: 'Fratton' }),
  ];
  return {
    'population.csv': GAP_POPULATION,
    'missing_episodes.csv': episodes(...all.map((x) => x.ep)),
    'return_interviews.csv': csv(
      RHI_HEADER,
      all.flatMap((x) => (x.rhi ? [x.rhi] : [])),
    ),
    'risk_assessments.csv': csv(RISK_HEADER, [
      risk({ assessment_id: 'Z1', child_ref: 'Z', area: 'Southampton', locality: 'Bargate', assessed_at: '2025-01-05' }),
      risk({ assessment_id: 'Z2', child_ref: 'Z', area: 'Portsmouth', locality: 'Fratton', assessed_at: '2025-02-05' }),
    ]),
  };
}

// End to end: random small partnerships are loaded and read as the board and as
// commissioners. Whatever the data, no count of 1–4 and no statistic built on 1–4
// records appears in any measure, and in every breakdown shown beside its total the
// withheld cells leave each other room (what the total leaves for them is at least
// (number withheld − 1) + 5), the four areas under `all` included when the areas are
// read as a set (areaSet).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { load } from '../../etl/load.js';
import { withDb } from '../../lib/db.js';
import { ANALYST_ONLY_MEASURES, readMeasures, type MeasuresResponse } from '../../lib/measures.js';
import { AREAS_AND_ALL, MEASURES, type AreaOrAll } from '../../lib/catalogue.js';
import { EPISODE_HEADER, POPULATION, tempDir, writeFolder } from '../helpers.js';

const LOCALITIES: Record<string, string[]> = {
  Southampton: ['Bargate', 'Bitterne Park', 'Portswood'],
  Portsmouth: ['Fratton', 'Drayton and Farlington'],
  Hampshire: ['Eastleigh'],
  'Isle of Wight': ['Ryde'],
};
const AREAS = Object.keys(LOCALITIES);

const event = fc.record({
  child: fc.integer({ min: 1, max: 40 }),
  area: fc.integer({ min: 0, max: 3 }),
  loc: fc.integer({ min: 0, max: 2 }),
  day: fc.integer({ min: 1, max: 88 }),
  kind: fc.integer({ min: 0, max: 2 }),
  flag: fc.boolean(),
  hours: fc.integer({ min: 1, max: 120 }),
});

function day(n: number): string {
  const d = new Date(Date.UTC(2025, 0, n));
  return d.toISOString().slice(0, 10);
}

/** A folder of extracts from random events, all in 2025-Q1. */
function toFolder(evs: { child: number; area: number; loc: number; day: number; kind: number; flag: boolean; hours: number }[]) {
  const ep: string[] = [EPISODE_HEADER];
  const rhi: string[] = ['rhi_id,episode_id,child_ref,offered_at,completed_at,outcome,exploitation_disclosed'];
  const risk: string[] = ['assessment_id,child_ref,dob,area,locality,agency,assessed_at,exploitation_type,level'];
  const ref: string[] = ['referral_id,child_ref,dob,area,locality,received_at,referrer,factors'];
  const cpi: string[] = ['cpi_id,submitted_at,agency,area,locality,theme'];
  evs.forEach((e, i) => {
    const area = AREAS[e.area]!;
    const locs = LOCALITIES[area]!;
    const loc = locs[e.loc % locs.length]!;
    const child = `SC${String(e.child).padStart(7, '0')}`;
    const dob = e.child % 7 === 0 ? '2004-06-01' : '2010-06-01';
    const d = day(e.day);
    const classification = ['missing', 'absent', 'away'][e.kind]!;
    ep.push(
      [
        `E${i}`,
        e.flag ? 'police' : 'social_care',
        child,
        dob,
        e.flag ? 'F' : 'M',
        'White',
        'N',
        e.flag ? 'Y' : 'N',
        'foster',
        'N',
        area,
        loc,
        classification,
        `${d} 10:00`,
        `${d} ${String(10 + (e.hours % 13)).padStart(2, '0')}:30`,
        loc,
        'low',
      ].join(','),
    );
    if (e.hours % 2 === 0)
      rhi.push(
        `R${i},E${i},${child},${d} 23:00,${e.hours % 4 === 0 ? `${d} 23:30` : ''},${e.hours % 4 === 0 ? 'completed' : 'declined'},${e.flag ? 'Y' : 'N'}`,
      );
    if (e.hours % 3 === 0) risk.push(`A${i},${child},${dob},${area},${loc},police,${d},${e.flag ? 'CSE' : 'CCE'},${['low', 'medium', 'high'][e.kind]}`);
    if (e.hours % 5 === 0) ref.push(`F${i},${child},${dob},${area},${loc},${d},${e.flag ? 'police' : 'school'},${e.flag ? '11A;10A' : '24A'}`);
    if (e.hours % 4 === 1) cpi.push(`C${i},${d},police,${area},${loc},${e.flag ? 'CSE' : 'CCE'}`);
  });
  return {
    'population.csv': POPULATION,
    'missing_episodes.csv': ep.join('\n') + '\n',
    'return_interviews.csv': rhi.join('\n') + '\n',
    'risk_assessments.csv': risk.join('\n') + '\n',
    'referrals.csv': ref.join('\n') + '\n',
    'intelligence.csv': cpi.join('\n') + '\n',
  };
}

const small = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 4;

describe('disclosure control end to end', () => {
  it('board and commissioner outputs never show a small count, a figure on few records, or a recoverable cell', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 5, maxLength: 70 }), fc.constantFrom('board', 'commissioner'), async (evs, role) => {
        const dir = tempDir('met-prop-');
        const db = join(dir, 'met.duckdb');
        const { report } = await load({ inDir: writeFolder(join(dir, 'in'), toFolder(evs)), db });
        expect(report.status).toBe('loaded');
        await withDb(db, { readOnly: true }, async (d) => {
          const shown = {} as Record<AreaOrAll, MeasuresResponse>;
          for (const area of AREAS_AND_ALL) shown[area] = await readMeasures(d, { period: '2025-Q1', area, role, trend: 3, areaSet: true });
          // The exact numerators and denominators behind every figure.
          const cells = await d.all<{ measure: string; area: string; breakdown: string; key: string; num: number | null; den: number | null }>(
            `SELECT measure, area, breakdown, key, num, den FROM measure_cells WHERE period_id = '2025-Q1' AND scope IN ('0-17', '*')`,
          );
          for (const area of AREAS_AND_ALL) {
            const r = shown[area];
            for (const def of MEASURES) {
              // Data-quality detail is the analyst's only: absent for these roles.
              if (ANALYST_ONLY_MEASURES.has(def.id)) {
                expect(r.measures[def.id]).toBeUndefined();
                continue;
              }
              const m = r.measures[def.id]!;
              if (def.kind === 'count') {
                expect(small(m.value), `${area} ${def.id}`).toBe(false);
                for (const b of Object.values(m.by ?? {})) for (const v of Object.values(b)) expect(small(v), `${area} ${def.id} cell`).toBe(false);
                for (const v of m.trend?.values ?? []) expect(small(v)).toBe(false);
                for (const c of [m.previous, m.year_earlier]) if (c) expect(small(c.value)).toBe(false);
              } else if (def.kind !== 'rows') {
                const exact = cells.find((c) => c.measure === def.id && c.area === area && c.breakdown === '');
                const fewRecords =
                  exact && ((exact.num !== null && exact.num >= 1 && exact.num <= 4) || (exact.den !== null && exact.den >= 1 && exact.den <= 4));
                if (fewRecords) expect(m.value, `${area} ${def.id} rests on ${exact!.num}/${exact!.den}`).toBe('c');
              } else {
                for (const row of m.rows ?? []) {
                  for (const f of [
                    'found',
                    'cpi',
                    'disruptions',
                    'total',
                    'children',
                    'met_children',
                    'missing_episodes',
                    'children_at_risk',
                    'risk_reviews_overdue',
                    'read',
                    'loaded',
                    'quarantined',
                  ]) {
                    expect(small(row[f]), `${area} ${def.id} ${f}`).toBe(false);
                  }
                }
              }
            }
          }
          // Room, for every count measure: within each area's additive breakdowns, and across
          // the four areas under `all` for the headline and every cell.
          const exactOf = (id: string, area: string, b: string, k: string) =>
            cells.find((c) => c.measure === id && c.area === area && c.breakdown === b && c.key === k)?.num ?? 0;
          const roomy = (what: string, total: unknown, totalExact: number, parts: { shown: unknown; exact: number }[]) => {
            const withheld = parts.filter((x) => x.shown === 'c');
            for (const x of parts) if (x.exact === 0) expect(x.shown, `${what}: zero is shown`).toBe(0);
            if (total === 'c' || withheld.length === 0) return;
            const room = totalExact - parts.filter((x) => x.shown !== 'c').reduce((sum, x) => sum + x.exact, 0);
            expect(room, what).toBeGreaterThanOrEqual(withheld.length - 1 + 5);
          };
          for (const def of MEASURES.filter((x) => x.kind === 'count')) {
            for (const area of AREAS_AND_ALL) {
              const m = shown[area].measures[def.id]!;
              for (const b of (def.breakdowns ?? []).filter((x) => x.additive)) {
                const by = m.by?.[b.id] ?? {};
                roomy(
                  `${area} ${def.id} by ${b.id}`,
                  m.value,
                  exactOf(def.id, area, '', ''),
                  Object.entries(by).map(([k, v]) => ({ shown: v, exact: exactOf(def.id, area, b.id, k) })),
                );
              }
            }
            const four = AREAS_AND_ALL.filter((a) => a !== 'all');
            const all = shown.all.measures[def.id]!;
            roomy(
              `${def.id} across areas`,
              all.value,
              exactOf(def.id, 'all', '', ''),
              four.map((a) => ({ shown: shown[a].measures[def.id]!.value, exact: exactOf(def.id, a, '', '') })),
            );
            for (const [b, cellsOfAll] of Object.entries(all.by ?? {})) {
              for (const [k, v] of Object.entries(cellsOfAll)) {
                roomy(
                  `${def.id} ${b}=${k} across areas`,
                  v,
                  exactOf(def.id, 'all', b, k),
                  four.map((a) => ({ shown: shown[a].measures[def.id]!.by?.[b]?.[k] ?? 0, exact: exactOf(def.id, a, b, k) })),
                );
              }
            }
          }
        });
      }),
      { numRuns: 12 },
    );
  }, 240_000);
});
